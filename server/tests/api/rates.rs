//! The rate table (BRIEF R11, R18): operators import it as CSV, all or nothing.

use reqwest::StatusCode;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

both_backends!(
    operators_import_rates_and_a_bad_file_changes_nothing,
    an_unreadable_stored_rate_fails_loudly,
    a_kept_rate_table_lasts_until_the_next_import,
);

const GOOD: &str = "class,prefix,per_minute,initial_increment,subsequent_increment,connect_fee
internet,,0,1,1,0
landline,82,39,60,60,0
mobile,8210,108,30,6,10
international,1,200,60,60,0
international,1650,150,60,60,0
";

async fn operators_import_rates_and_a_bad_file_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let operator = app.operator().await;
    let import = |client: &reqwest::Client, body: &str| {
        client
            .put(app.url("/api/operator/rates"))
            .header("content-type", "text/csv")
            .body(body.to_string())
            .send()
    };
    assert_eq!(
        import(&app.client, GOOD).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let imported: serde_json::Value = import(&operator, GOOD).await.unwrap().json().await.unwrap();
    assert_eq!(imported["imported"], 5);

    let bad = format!("{GOOD}mobile,8210,abc,30,6,0\n");
    let refused = import(&operator, &bad).await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = refused.json().await.unwrap();
    let message = body["error"]["fields"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("line 7:"), "{message}");

    let rates = app.get_json(&app.client, app.url("/api/rates")).await;
    assert_eq!(
        rates.as_array().unwrap().len(),
        5,
        "the bad file changed nothing"
    );
    let table = server::calls::rate_store::load(&app.db).await.unwrap();
    let us = table
        .find(
            server::calls::rates::LegClass::International,
            "+16502530000",
        )
        .unwrap();
    assert_eq!(us.per_minute, 150, "longest prefix");
    let anonymous = reqwest::get(app.url("/api/rates")).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

/// Data read back never falls back to a default: a stored rate of an unknown class (written
/// by hand, or by a later version) makes reading the table an error, not a shorter table.
async fn an_unreadable_stored_rate_fails_loudly(backend: Backend) {
    use sea_orm::{ActiveModelTrait, Set};
    use server::calls::rate_store::entity;
    let app = TestApp::spawn(backend).await;
    entity::ActiveModel {
        class: Set("satellite".into()),
        prefix: Set("870".into()),
        per_minute: Set(900),
        initial_increment: Set(60),
        subsequent_increment: Set(60),
        connect_fee: Set(0),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let error = server::calls::rate_store::load(&app.db).await.unwrap_err();
    assert!(error.to_string().contains("(satellite, 870)"), "{error}");
    let operator = app.operator().await;
    let listed = operator.get(app.url("/api/rates")).send().await.unwrap();
    assert_eq!(listed.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

/// The authority keeps the table it read (issue 9: it read every rate for every call) for as
/// long as the version says it is the table: an import, here through the operator's API as in
/// production, is seen by the next call; a refused import changes neither; and a missing
/// version row is an error, never "unchanged".
async fn a_kept_rate_table_lasts_until_the_next_import(backend: Backend) {
    use server::calls::rate_store::{self, RateCache};
    use server::calls::rates::LegClass;
    let app = TestApp::spawn(backend).await;
    let operator = app.operator().await;
    let import = |body: String| {
        operator
            .put(app.url("/api/operator/rates"))
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    assert_eq!(import(GOOD.into()).await.unwrap().status(), StatusCode::OK);
    let version = rate_store::version(&app.db).await.unwrap();
    let cache = RateCache::default();
    let first = cache.table(&app.db).await.unwrap();
    let again = cache.table(&app.db).await.unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&first, &again),
        "kept, not read again"
    );
    let landline = |table: &server::calls::rates::RateTable| {
        table
            .find(LegClass::Landline, "+8225561234")
            .unwrap()
            .per_minute
    };
    assert_eq!(landline(&first), 39);

    let refused = import(format!("{GOOD}mobile,8210,abc,30,6,0\n"))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rate_store::version(&app.db).await.unwrap(), version);
    let after_refusal = cache.table(&app.db).await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &after_refusal));

    let dearer = GOOD.replace("landline,82,39,", "landline,82,45,");
    assert_eq!(import(dearer).await.unwrap().status(), StatusCode::OK);
    assert_eq!(rate_store::version(&app.db).await.unwrap(), version + 1);
    let fresh = cache.table(&app.db).await.unwrap();
    assert_eq!(landline(&fresh), 45, "the next call sees the import");
    assert_eq!(
        landline(&first),
        39,
        "a call already priced keeps its table"
    );

    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared("DELETE FROM rate_table")
        .await
        .unwrap();
    let error = cache.table(&app.db).await.unwrap_err();
    assert!(
        error.to_string().contains("version row is missing"),
        "{error}"
    );
}
