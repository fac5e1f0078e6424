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
    the_statement_pages_through_every_entry_and_exports_them_all,
);

async fn guild(app: &TestApp, client: &reqwest::Client) -> serde_json::Value {
    let response = client.get(app.url("/api/guild")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// balance = sum of entries, read straight from the tables.
async fn assert_balance_is_sum_of_entries(app: &TestApp, account_id: i64) -> i64 {
    app.assert_money_exact().await;
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

    let operator = app.operator().await;
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
    let listed = app
        .get_json(&operator, app.url("/api/operator/accounts"))
        .await;
    let ada = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|account| account["email"] == "ada@example.com")
        .expect("ada is listed");
    assert_eq!(
        (ada["balance"].as_i64(), ada["role"].as_str()),
        (Some(6000), Some("issuer"))
    );
    let as_issuer = app
        .client
        .get(app.url("/api/operator/accounts"))
        .send()
        .await
        .unwrap();
    assert_eq!(as_issuer.status(), StatusCode::FORBIDDEN);
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
    let html = app.get_text(&app.client, app.url("/dashboard")).await;
    assert!(html.contains("data-guild-available=\"5000\""));
    // The page speaks English to a browser that names no language; the API's display stays.
    assert!(html.contains(">₩5,000<") && html.contains("sign-up grant"));
    assert!(!html.contains("5,000 KRW"), "{html}");
    assert!(html.contains("data-kind=\"signup_grant\""));
}

both_backends!(
    a_voucher_credits_once_and_only_before_it_expires,
    signed_payment_webhook_credits_once,
    credit_limit_lets_a_postpaid_account_go_below_zero,
    operators_adjust_either_way_with_a_reason,
    operators_list_and_revoke_vouchers,
);

async fn a_voucher_credits_once_and_only_before_it_expires(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let issuer = app.sign_up(&app.client, "ada@example.com").await;
    let operator = app.operator().await;
    let refused = app
        .client
        .post(app.url("/api/operator/vouchers"))
        .json(&json!({ "amount": 1000, "count": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "issuers cannot mint vouchers"
    );
    let batch: serde_json::Value = operator
        .post(app.url("/api/operator/vouchers"))
        .json(&json!({ "amount": 1000, "count": 3 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codes: Vec<String> = batch["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 3);

    let redeem = |code: String| {
        app.client
            .post(app.url("/api/guild/vouchers"))
            .json(&json!({ "code": code }))
            .send()
    };
    let first = redeem(codes[0].to_lowercase().replace('-', " "))
        .await
        .unwrap();
    assert_eq!(
        first.status(),
        StatusCode::CREATED,
        "case and separators do not matter"
    );
    let again = redeem(codes[0].clone()).await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let unknown = redeem("AAAA-BBBB-CCCC-DDDD".into()).await.unwrap();
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Through the dashboard form, with the outcome shown.
    let form = app
        .client
        .post(app.url("/dashboard/guild/voucher"))
        .form(&[("code", codes[1].as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(form.headers()["location"], "/dashboard?voucher=ok");
    let html = app
        .get_text(&app.client, app.url("/dashboard?voucher=ok"))
        .await;
    assert!(html.contains("Voucher redeemed"));

    // An expired code is refused and credits nothing.
    let expired = server::ledger::vouchers::redeem(
        &app.db,
        issuer["id"].as_i64().unwrap(),
        &codes[2],
        chrono::Utc::now() + chrono::Duration::days(1),
    )
    .await;
    assert!(expired.is_ok(), "codes without a validity never expire");
    let short_lived = server::ledger::vouchers::create(&app.db, Money(50), 1, Some(1), None)
        .await
        .unwrap();
    let too_late = server::ledger::vouchers::redeem(
        &app.db,
        issuer["id"].as_i64().unwrap(),
        &short_lived[0],
        chrono::Utc::now() + chrono::Duration::days(2),
    )
    .await;
    assert!(matches!(
        too_late,
        Err(server::ledger::vouchers::VoucherError::Expired)
    ));

    let balance = assert_balance_is_sum_of_entries(&app, issuer["id"].as_i64().unwrap()).await;
    assert_eq!(balance, 5000 + 3 * 1000);
}

async fn signed_payment_webhook_credits_once(backend: Backend) {
    use server::ledger::webhook::sign;
    let secret = "whsec_test_secret";
    let app = TestApp::spawn_with(backend, |settings| {
        settings.payment_webhook_secret = Some(secret.to_string().into());
    })
    .await;
    let issuer = app.sign_up(&app.client, "ada@example.com").await;
    let body = json!({
        "id": "evt_0001", "type": "payment.succeeded",
        "data": { "account_email": "Ada@example.com", "amount": 12000 }
    })
    .to_string();
    let deliver = |body: String, signature: String| {
        reqwest::Client::new()
            .post(app.url("/api/payments/webhook"))
            .header("content-type", "application/json")
            .header("x-callcard-signature", signature)
            .body(body)
            .send()
    };
    let now = chrono::Utc::now().timestamp();
    let first = deliver(body.clone(), sign(secret.as_bytes(), body.as_bytes(), now))
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(
        first.json::<serde_json::Value>().await.unwrap()["status"],
        "credited"
    );
    let replay = deliver(body.clone(), sign(secret.as_bytes(), body.as_bytes(), now))
        .await
        .unwrap();
    assert_eq!(
        replay.json::<serde_json::Value>().await.unwrap()["status"],
        "duplicate"
    );

    let forged_body = body.replace("12000", "99999");
    let forged = deliver(forged_body, sign(secret.as_bytes(), body.as_bytes(), now))
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    let stale = deliver(
        body.clone(),
        sign(secret.as_bytes(), body.as_bytes(), now - 3600),
    )
    .await
    .unwrap();
    assert_eq!(stale.status(), StatusCode::BAD_REQUEST);
    let wrong_key = deliver(body.clone(), sign(b"guess", body.as_bytes(), now))
        .await
        .unwrap();
    assert_eq!(wrong_key.status(), StatusCode::BAD_REQUEST);

    let balance = assert_balance_is_sum_of_entries(&app, issuer["id"].as_i64().unwrap()).await;
    assert_eq!(balance, 5000 + 12000, "credited exactly once");

    let off = TestApp::spawn(backend).await;
    let response = reqwest::Client::new()
        .post(off.url("/api/payments/webhook"))
        .header(
            "x-callcard-signature",
            sign(secret.as_bytes(), body.as_bytes(), now),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "no secret, no webhook"
    );
}

async fn credit_limit_lets_a_postpaid_account_go_below_zero(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let issuer = app.sign_up(&app.client, "ada@example.com").await;
    let account_id = issuer["id"].as_i64().unwrap();
    let operator = app.operator().await;
    let debit = |amount: i64| {
        service::post_alone(
            &app.db,
            Posting {
                account_id,
                kind: EntryKind::CallDebit,
                amount: Money(-amount),
                reference: None,
                note: "call",
                created_by: None,
            },
        )
    };
    assert!(debit(5001).await.is_err(), "prepaid: not a won below zero");
    let guild: serde_json::Value = operator
        .put(app.url("/api/operator/credit-limits"))
        .json(&json!({ "email": "ada@example.com", "credit_limit": 2000 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(guild["available"], 7000);
    debit(7000).await.expect("postpaid down to the limit");
    assert!(debit(1).await.is_err(), "and not a won further");
    let negative = operator
        .put(app.url("/api/operator/credit-limits"))
        .json(&json!({ "email": "ada@example.com", "credit_limit": -1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(negative.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let by_issuer = app
        .client
        .put(app.url("/api/operator/credit-limits"))
        .json(&json!({ "email": "ada@example.com", "credit_limit": 1000000 }))
        .send()
        .await
        .unwrap();
    assert_eq!(by_issuer.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        assert_balance_is_sum_of_entries(&app, account_id).await,
        -2000
    );
}

async fn operators_adjust_either_way_with_a_reason(backend: Backend) {
    // Signup grant 5,000 by default.
    let app = TestApp::spawn(backend).await;
    let issuer = app.sign_up(&app.client, "ada@example.com").await;
    let account_id = issuer["id"].as_i64().unwrap();
    let operator = app.operator().await;
    let adjust = |client: &reqwest::Client, amount: i64, note: &str| {
        client
            .post(app.url("/api/operator/adjustments"))
            .json(&json!({ "email": "ada@example.com", "amount": amount, "note": note }))
            .send()
    };
    let by_issuer = adjust(&app.client, 100, "mine").await.unwrap();
    assert_eq!(
        by_issuer.status(),
        StatusCode::FORBIDDEN,
        "only operators move money"
    );
    let without_reason = adjust(&operator, -100, "  ").await.unwrap();
    assert_eq!(without_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let down = adjust(&operator, -1_200, "duplicate grant").await.unwrap();
    assert_eq!(down.status(), StatusCode::CREATED);
    let entry: serde_json::Value = down.json().await.unwrap();
    assert_eq!(
        (entry["kind"].as_str(), entry["amount"].as_i64()),
        (Some("adjustment"), Some(-1_200))
    );
    let up = adjust(&operator, 200, "goodwill").await.unwrap();
    assert_eq!(up.status(), StatusCode::CREATED);
    let overdraw = adjust(&operator, -10_000, "too much").await.unwrap();
    assert_eq!(
        overdraw.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an adjustment never takes more than the Guild has"
    );
    assert_eq!(
        guild(&app, &app.client).await["balance"].as_i64(),
        Some(4_000)
    );
    assert_eq!(
        assert_balance_is_sum_of_entries(&app, account_id).await,
        4_000
    );
}

async fn operators_list_and_revoke_vouchers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let operator = app.operator().await;
    let batch: serde_json::Value = operator
        .post(app.url("/api/operator/vouchers"))
        .json(&json!({ "amount": 700, "count": 2 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (kept, revoked) = (
        batch["codes"][0].as_str().unwrap().to_string(),
        batch["codes"][1].as_str().unwrap().to_string(),
    );
    let by_issuer = app
        .client
        .delete(app.url(&format!("/api/operator/vouchers/{revoked}")))
        .send()
        .await
        .unwrap();
    assert_eq!(by_issuer.status(), StatusCode::FORBIDDEN);
    let revoke = |code: String| {
        operator
            .delete(app.url(&format!("/api/operator/vouchers/{}", code.to_lowercase())))
            .send()
    };
    let first = revoke(revoked.clone()).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(
        revoke(revoked.clone()).await.unwrap().status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        revoke("NOPE-NOPE-NOPE-NOPE".into()).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let redeem = |code: String| {
        app.client
            .post(app.url("/api/guild/vouchers"))
            .json(&json!({ "code": code }))
            .send()
    };
    assert_eq!(
        redeem(revoked.clone()).await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a revoked code no longer redeems"
    );
    assert_eq!(
        redeem(kept.clone()).await.unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(
        revoke(kept.clone()).await.unwrap().status(),
        StatusCode::CONFLICT,
        "a redeemed code cannot be revoked"
    );
    let listed: serde_json::Value = operator
        .get(app.url("/api/operator/vouchers"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let status_of = |code: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|voucher| voucher["code"] == code)
            .map(|voucher| voucher["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status_of(&kept).as_deref(), Some("redeemed"));
    assert_eq!(status_of(&revoked).as_deref(), Some("expired"));
    let by_issuer = app
        .client
        .get(app.url("/api/operator/vouchers"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_issuer.status(), StatusCode::FORBIDDEN);
}

/// R13: the statement is no longer the latest 100 entries only. 1,050 entries (two export
/// batches), one of them a debit: pages of 100 by entry id reach every entry once, the CSV
/// holds them all oldest first, and both add up to the balance.
async fn the_statement_pages_through_every_entry_and_exports_them_all(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let account = app.sign_up(&app.client, "ada@example.com").await;
    let account_id = account["id"].as_i64().unwrap();
    for n in 1..1_050 {
        let (kind, amount, note) = if n == 500 {
            (EntryKind::Adjustment, -70, "=SUM(A1) typed by an operator")
        } else {
            (EntryKind::OperatorCredit, n, "top-up")
        };
        service::post(
            &app.db,
            Posting {
                account_id,
                kind,
                amount: Money(amount),
                reference: None,
                note,
                created_by: None,
            },
        )
        .await
        .unwrap();
    }
    let balance = assert_balance_is_sum_of_entries(&app, account_id).await;

    let mut seen = std::collections::BTreeSet::new();
    let mut total = 0;
    let mut url = app.url("/api/guild?limit=100");
    let mut pages = 0;
    loop {
        let page = app.get_json(&app.client, url.clone()).await;
        let entries = page["entries"].as_array().unwrap();
        pages += 1;
        for entry in entries {
            assert!(
                seen.insert(entry["id"].as_i64().unwrap()),
                "an entry seen twice"
            );
            total += entry["amount"].as_i64().unwrap();
        }
        match page["older"].as_i64() {
            Some(before) => {
                assert_eq!(entries.len(), 100);
                url = app.url(&format!("/api/guild?limit=100&before={before}"));
            }
            None => break,
        }
    }
    assert_eq!((pages, seen.len(), total), (11, 1_050, balance));

    for (query, status) in [
        ("limit=0", StatusCode::UNPROCESSABLE_ENTITY),
        ("limit=501", StatusCode::UNPROCESSABLE_ENTITY),
        ("before=abc", StatusCode::BAD_REQUEST),
    ] {
        let response = app
            .client
            .get(app.url(&format!("/api/guild?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{query}");
    }

    let export = app
        .client
        .get(app.url("/api/guild/entries.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    assert!(
        export.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = export.text().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert_eq!(
        lines[0],
        "id,created_at,kind,amount,balance_after,reference,note"
    );
    assert_eq!(lines.len(), 1 + 1_050);
    let ids: Vec<i64> = lines[1..]
        .iter()
        .map(|line| line.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "oldest first");
    let amounts: i64 = lines[1..]
        .iter()
        .map(|line| line.split(',').nth(3).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(amounts, balance);
    assert!(
        csv.contains(",adjustment,-70,") && csv.contains(",'=SUM(A1) typed by an operator"),
        "debits as plain numbers, formulas defused"
    );

    // The dashboard's page links on to the older entries.
    let page = app
        .get_text(&app.client, app.url("/dashboard/statement"))
        .await;
    assert!(page.contains("data-older-entries") && page.contains("/api/guild/entries.csv"));
    let stranger = app
        .new_client()
        .get(app.url("/api/guild/entries.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);
}
