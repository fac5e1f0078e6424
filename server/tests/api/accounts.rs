//! Accounts (BRIEF R1, R18): sign-up, log-in, sessions, throttling, CSRF, the operator role.

use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

both_backends!(
    a_confirmed_sign_up_signs_in_and_me_returns_the_account,
    sign_up_reports_each_refused_field,
    wrong_password_is_refused_then_throttled,
    log_out_ends_the_session,
    session_cookie_is_http_only_and_lax,
    cross_site_posts_are_refused,
    malformed_json_gets_a_json_error,
    operator_role_is_granted_only_by_the_command,
    expired_sessions_are_refused_and_swept,
);

async fn a_confirmed_sign_up_signs_in_and_me_returns_the_account(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let account = app.sign_up(&app.client, "Ada@Example.com").await;
    assert_eq!(account["email"], "ada@example.com");
    assert_eq!(account["role"], "issuer");
    let me = app.get_json(&app.client, app.url("/api/me")).await;
    assert_eq!(me["id"], account["id"]);
    let stranger = app
        .new_client()
        .get(app.url("/api/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = stranger.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthenticated");
}

async fn sign_up_reports_each_refused_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .client
        .post(app.url("/api/auth/signup"))
        .json(&json!({ "email": "not-an-email", "display_name": "", "password": "short" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation_failed");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "display_name", "password"]);
}

async fn wrong_password_is_refused_then_throttled(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| settings.login_max_failures = 3).await;
    app.sign_up(&app.new_client(), "ada@example.com").await;
    let attempt = |password: &'static str| {
        app.client
            .post(app.url("/api/auth/login"))
            .json(&json!({ "email": "ada@example.com", "password": password }))
            .send()
    };
    for _ in 0..3 {
        let response = attempt("wrong password!").await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    // Even the right password waits once the limit is reached.
    let response = attempt("a long enough password").await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
}

async fn log_out_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let response = app
        .client
        .post(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let me = app.client.get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

async fn session_cookie_is_http_only_and_lax(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app
        .sign_up_unconfirmed("ada@example.com", crate::helpers::PASSWORD)
        .await;
    let response = app
        .confirm(&app.client, &token, crate::helpers::PASSWORD)
        .await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("callcard_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain-HTTP installation: {cookie}"
    );
}

async fn cross_site_posts_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let created = app
        .create_card(
            &app.client,
            crate::helpers::card_json(Some("ada-card"), "Ada"),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let forged = app
        .client
        .post(app.url("/dashboard/cards/ada-card/delete"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let forged = app
        .client
        .post(app.url("/dashboard/cards/ada-card/delete"))
        .header("Sec-Fetch-Site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let still_there = app
        .client
        .get(app.url("/api/cards/ada-card"))
        .send()
        .await
        .unwrap();
    assert_eq!(still_there.status(), StatusCode::OK, "nothing was deleted");
    let same_site = app
        .client
        .post(app.url("/dashboard/cards/ada-card/delete"))
        .header("Origin", app.address.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status(), StatusCode::SEE_OTHER);
}

async fn malformed_json_gets_a_json_error(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .client
        .post(app.url("/api/auth/signup"))
        .header("content-type", "application/json")
        .body("{ not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_body");
}

async fn operator_role_is_granted_only_by_the_command(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "op@example.com").await;
    let before = app.get_json(&app.client, app.url("/api/me")).await;
    assert_eq!(before["role"], "issuer");
    server::auth::service::make_operator(&app.db, "OP@example.com")
        .await
        .unwrap();
    let after = app.get_json(&app.client, app.url("/api/me")).await;
    assert_eq!(after["role"], "operator");
    let unknown = server::auth::service::make_operator(&app.db, "nobody@example.com").await;
    assert!(unknown.is_err());
}

async fn expired_sessions_are_refused_and_swept(backend: Backend) {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::auth::entity::session;
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let other = app.new_client();
    app.sign_up(&other, "bob@example.com").await;
    // Age Ada's session past its expiry; Bob's stays live.
    let ada_id = app.get_json(&app.client, app.url("/api/me")).await["id"]
        .as_i64()
        .unwrap();
    let yesterday = chrono::Utc::now() - chrono::Duration::days(1);
    session::Entity::update_many()
        .col_expr(session::Column::ExpiresAt, Expr::value(yesterday))
        .filter(session::Column::AccountId.eq(ada_id))
        .exec(&app.db)
        .await
        .unwrap();
    let swept = server::auth::service::delete_expired_sessions(&app.db, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(swept, 1, "only the expired session goes");
    let me = app.client.get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let bob = other.get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(bob.status(), StatusCode::OK);
}
