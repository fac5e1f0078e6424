//! The Guild (BRIEF R1 grant, R13, R17, R18): ledger entries, operator credits, and the balance
//! that always equals the sum of the entries — also under concurrent posts.

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use server::ledger::money::Money;
use server::ledger::rules::{EntryKind, RuleError};
use server::ledger::service::{self, LedgerError, Posting};

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

both_backends!(
    sign_up_credits_the_configured_grant,
    only_operators_credit_and_bad_amounts_are_refused,
    concurrent_debits_never_overspend,
    concurrent_credits_all_count,
    a_reference_counts_once,
    dashboard_shows_the_guild,
);

async fn guild(app: &TestApp, client: &reqwest::Client) -> serde_json::Value {
    let response = client.get(app.url("/api/guild")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// balance = sum of entries, read straight from the tables.
async fn assert_balance_is_sum_of_entries(app: &TestApp, account_id: i64) -> i64 {
    let db = &app.db;
    let sql = format!(
        "SELECT g.balance AS balance, (SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_entries \
         WHERE account_id = {account_id}) AS total FROM guilds g WHERE g.account_id = {account_id}"
    );
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .expect("the account has a Guild");
    let balance: i64 = row.try_get("", "balance").unwrap();
    let total: i64 = row.try_get("", "total").unwrap();
    assert_eq!(
        balance, total,
        "balance must equal the sum of the ledger entries"
    );
    balance
}

async fn sign_up_credits_the_configured_grant(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let account = app.sign_up(&app.client, "ada@example.com").await;
    let guild = guild(&app, &app.client).await;
    assert_eq!(guild["currency"], "KRW");
    assert_eq!(guild["balance"], 5000);
    assert_eq!(guild["available"], 5000);
    assert_eq!(guild["available_display"], "5,000 KRW");
    assert_eq!(guild["entries"].as_array().unwrap().len(), 1);
    assert_eq!(guild["entries"][0]["kind"], "signup_grant");
    assert_balance_is_sum_of_entries(&app, account["id"].as_i64().unwrap()).await;

    let no_grant = TestApp::spawn_with(backend, |settings| settings.signup_grant = Money(0)).await;
    no_grant.sign_up(&no_grant.client, "bob@example.com").await;
    let guild = crate::guild::guild(&no_grant, &no_grant.client).await;
    assert_eq!(guild["balance"], 0);
    assert_eq!(guild["entries"], json!([]));
}

async fn only_operators_credit_and_bad_amounts_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let issuer = app.sign_up(&app.client, "ada@example.com").await;
    let credit = |client: &reqwest::Client, body: serde_json::Value| {
        client
            .post(app.url("/api/operator/credits"))
            .json(&body)
            .send()
    };
    let body = json!({ "email": "ada@example.com", "amount": 1000, "note": "top-up" });
    let refused = credit(&app.client, body.clone()).await.unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "an issuer cannot credit money"
    );
    let anonymous = credit(&reqwest::Client::new(), body.clone()).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let operator = app.new_client();
    app.sign_up(&operator, "op@example.com").await;
    server::auth::service::make_operator(&app.db, "op@example.com")
        .await
        .unwrap();
    let created = credit(&operator, body).await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let entry: serde_json::Value = created.json().await.unwrap();
    assert_eq!(entry["kind"], "operator_credit");
    assert_eq!(entry["balance_after"], 6000);
    for (amount, status) in [(0, 422), (-500, 422), (10_000_000_000_000i64, 422)] {
        let response = credit(
            &operator,
            json!({ "email": "ada@example.com", "amount": amount }),
        )
        .await
        .unwrap();
        assert_eq!(response.status().as_u16(), status, "amount {amount}");
    }
    let unknown = credit(
        &operator,
        json!({ "email": "nobody@example.com", "amount": 5 }),
    )
    .await
    .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        guild(&app, &app.client).await["balance"],
        6000,
        "refusals moved nothing"
    );
    assert_balance_is_sum_of_entries(&app, issuer["id"].as_i64().unwrap()).await;
}

async fn concurrent_debits_never_overspend(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let account = app.sign_up(&app.client, "ada@example.com").await;
    let account_id = account["id"].as_i64().unwrap();
    // 5,000 covers 16 debits of 300, not 17: exactly 16 of 30 racing debits may pass.
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            service::post_alone(
                &db,
                Posting {
                    account_id,
                    kind: EntryKind::CallDebit,
                    amount: Money(-300),
                    reference: None,
                    note: "race",
                    created_by: None,
                },
            )
            .await
        }));
    }
    let mut accepted = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => accepted += 1,
            Err(LedgerError::Rule(RuleError::InsufficientGuild { .. })) => {}
            Err(other) => panic!("unexpected refusal: {other}"),
        }
    }
    assert_eq!(accepted, 16);
    let balance = assert_balance_is_sum_of_entries(&app, account_id).await;
    assert_eq!(balance, 5000 - 16 * 300);
}

async fn concurrent_credits_all_count(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let account = app.sign_up(&app.client, "ada@example.com").await;
    let account_id = account["id"].as_i64().unwrap();
    let tasks: Vec<_> = (1..=25)
        .map(|amount| {
            let db = app.db.clone();
            tokio::spawn(async move {
                service::post_alone(
                    &db,
                    Posting {
                        account_id,
                        kind: EntryKind::Payment,
                        amount: Money(amount),
                        reference: None,
                        note: "race",
                        created_by: None,
                    },
                )
                .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("credits always fit");
    }
    let balance = assert_balance_is_sum_of_entries(&app, account_id).await;
    assert_eq!(balance, 5000 + (1..=25).sum::<i64>());
}

async fn a_reference_counts_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let account = app.sign_up(&app.client, "ada@example.com").await;
    let account_id = account["id"].as_i64().unwrap();
    let payment = || Posting {
        account_id,
        kind: EntryKind::Payment,
        amount: Money(700),
        reference: Some("evt_123"),
        note: "provider payment",
        created_by: None,
    };
    service::post_alone(&app.db, payment()).await.unwrap();
    let replay = service::post_alone(&app.db, payment()).await;
    assert!(
        matches!(replay, Err(LedgerError::DuplicateReference(reference)) if reference == "evt_123")
    );
    assert_eq!(
        assert_balance_is_sum_of_entries(&app, account_id).await,
        5700
    );
}

async fn dashboard_shows_the_guild(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let html = app
        .client
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-guild-available=\"5000\""));
    assert!(html.contains("5,000 KRW") && html.contains("signup grant"));
}
