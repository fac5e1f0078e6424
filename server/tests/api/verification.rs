//! Verified destinations (issue 8, toll fraud; BRIEF R2, R18): a card rings a phone number
//! only after its issuer typed back, on that phone, the code the server showed. The calls go
//! through the real server and trunk code to SIPp, which types the code as RFC 4733 events.

use std::time::Duration;

use chrono::Utc;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::verification::store::{self, StartError};
use server::verification::{LIMITS, Limits};

use crate::both_backends;
use crate::calling::{app_with_trunk, app_with_trunk_at, sipp};
use crate::helpers::{Backend, TestApp, card_json};

both_backends!(
    a_number_is_verified_by_typing_the_code_on_the_phone_and_then_a_card_may_ring_it,
    a_wrong_code_leaves_the_number_unverified,
    verification_calls_are_refused_without_a_trunk_for_premium_numbers_and_while_one_runs,
    the_limits_hold_per_account_and_per_number_and_a_lost_call_does_not_block_its_account,
);

const MOBILE: &str = "010-2345-6789";
const MOBILE_E164: &str = "+821023456789";

fn card_ringing(mobile: &str) -> Value {
    let mut card = card_json(Some("ada"), "Ada");
    card["call"] = json!({
        "call_quota": 5, "max_call_minutes": 10, "time_zone": "Asia/Seoul",
        "available_from": "00:00", "available_until": "24:00",
        "available_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "allowed_regions": ["KR"], "landline": "", "mobile": mobile, "internet_phone": false
    });
    card
}

/// The phone that types `code` on the keypad 1.5 s after it answers. SIPp reads its capture
/// when it starts, and the code is the server's choice when it dials: so SIPp starts once the
/// code is known, on the trunk's port, and answers the INVITE's retransmission.
fn phone_that_types(trunk_port: u16, code: &str) -> sipp::Sipp {
    let capture = std::env::temp_dir().join(format!(
        "verification-{}-{}.pcap",
        std::process::id(),
        rand::random::<u64>()
    ));
    sipp::write_dtmf_capture(code, &capture);
    let phone = sipp::Sipp::start_on(
        trunk_port,
        sipp::Scenario::Template(
            "enter_code.xml",
            vec![
                ("__PAUSE_MS__", "1500".into()),
                ("__CAPTURE__", capture.display().to_string()),
            ],
        ),
        &[],
    );
    // SIPp has read the capture.
    let _ = std::fs::remove_file(&capture);
    phone
}

async fn start(app: &TestApp, number: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/verifications"))
        .json(&json!({ "number": number, "lang": "en" }))
        .send()
        .await
        .unwrap()
}

/// Follows the verification until it ends; returns its last view.
async fn until_ended(app: &TestApp, id: i64) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    loop {
        let view = app
            .get_json(&app.client, app.url(&format!("/api/verifications/{id}")))
            .await;
        if view["running"] == false {
            return view;
        }
        assert!(tokio::time::Instant::now() < deadline, "still {view}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn a_number_is_verified_by_typing_the_code_on_the_phone_and_then_a_card_may_ring_it(
    backend: Backend,
) {
    sipp::init_logs();
    let trunk_port = sipp::free_udp_port(1);
    let app = app_with_trunk_at(backend, trunk_port, 10_000, 60).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let refused = app.create_card(&app.client, card_ringing(MOBILE)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let started = start(&app, MOBILE).await;
    assert_eq!(started.status(), StatusCode::ACCEPTED);
    let started: Value = started.json().await.unwrap();
    let code = started["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 6, "{started}");
    assert!(code.chars().all(|c| c.is_ascii_digit()));
    assert_eq!(started["running"], true);
    let phone = phone_that_types(trunk_port, &code);

    // The page shows the code while the call runs.
    let id = started["id"].as_i64().unwrap();
    let page = app
        .get_text(
            &app.client,
            app.url(&format!("/dashboard/numbers/verifications/{id}")),
        )
        .await;
    assert!(page.contains(&code), "the code is on the page");

    let ended = until_ended(&app, id).await;
    assert_eq!(ended["state"], "verified", "{ended}");
    assert_eq!(ended["verified"], true);
    assert_eq!(ended["code"], Value::Null, "the code is forgotten");
    phone.assert_ends_ok().await;

    let numbers = app
        .get_json(&app.client, app.url("/api/verifications"))
        .await;
    assert_eq!(numbers["numbers"], json!([MOBILE_E164]));
    let page = app
        .get_text(&app.client, app.url("/dashboard/numbers"))
        .await;
    assert!(page.contains("+82 10-2345-6789"), "listed as verified");
    assert_eq!(
        app.create_card(&app.client, card_ringing(MOBILE))
            .await
            .status(),
        StatusCode::CREATED
    );
    // Another account has not verified it.
    let mallory = app.new_client();
    app.sign_up(&mallory, "mallory@example.com").await;
    let mut theirs = card_ringing(MOBILE);
    theirs["slug"] = json!("mallory");
    assert_eq!(
        app.create_card(&mallory, theirs).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let not_theirs = mallory
        .get(app.url(&format!("/api/verifications/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(not_theirs.status(), StatusCode::NOT_FOUND);
}

async fn a_wrong_code_leaves_the_number_unverified(backend: Backend) {
    sipp::init_logs();
    let trunk_port = sipp::free_udp_port(1);
    let app = app_with_trunk_at(backend, trunk_port, 10_000, 60).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let started: Value = start(&app, MOBILE).await.json().await.unwrap();
    let code = started["code"].as_str().unwrap();
    // The right code with its last digit changed.
    let last = code.chars().last().unwrap().to_digit(10).unwrap();
    let wrong = format!("{}{}", &code[..5], (last + 1) % 10);
    let phone = phone_that_types(trunk_port, &wrong);

    let ended = until_ended(&app, started["id"].as_i64().unwrap()).await;
    assert_eq!(ended["state"], "wrong_code", "{ended}");
    assert_eq!(ended["verified"], false);
    phone.assert_ends_ok().await;
    assert_eq!(
        app.create_card(&app.client, card_ringing(MOBILE))
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let numbers = app
        .get_json(&app.client, app.url("/api/verifications"))
        .await;
    assert_eq!(numbers["numbers"], json!([]));
}

async fn verification_calls_are_refused_without_a_trunk_for_premium_numbers_and_while_one_runs(
    backend: Backend,
) {
    let no_trunk = TestApp::spawn(backend).await;
    no_trunk.sign_up(&no_trunk.client, "ada@example.com").await;
    let refused = start(&no_trunk, MOBILE).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "no_trunk");

    let phone = sipp::Sipp::start(sipp::Scenario::File("ring_until_cancel.xml"), &[]);
    let app = app_with_trunk(backend, &phone, 10_000, 60).await;
    app.sign_up(&app.client, "ada@example.com").await;
    // Never dialled: a high-risk range, and something that is not a number.
    for number in ["+1 876 927 1234", "call me maybe"] {
        let refused = start(&app, number).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{number}"
        );
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["field"], "number");
    }
    let first = start(&app, MOBILE).await;
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    let second = start(&app, "010-9876-5432").await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    let body: Value = second.json().await.unwrap();
    assert_eq!(body["error"]["code"], "verification_running");
}

async fn the_limits_hold_per_account_and_per_number_and_a_lost_call_does_not_block_its_account(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let limits = Limits {
        per_account: 3,
        per_number: 2,
        ..LIMITS
    };
    let mut accounts = Vec::new();
    for email in ["a@example.com", "b@example.com", "c@example.com"] {
        let account = app.sign_up(&app.new_client(), email).await;
        accounts.push(account["id"].as_i64().unwrap());
    }
    let now = Utc::now();
    let db = &app.db;
    let finished = |row: server::verification::entity::Model| async move {
        store::finish(db, row.id, media_bridge::verify::Outcome::NoAnswer, now)
            .await
            .unwrap();
    };
    // Per number, from every account.
    for account in &accounts[..2] {
        let row = store::start(&app.db, limits, *account, MOBILE_E164, "123456", now)
            .await
            .unwrap();
        finished(row).await;
    }
    let third = store::start(&app.db, limits, accounts[2], MOBILE_E164, "123456", now).await;
    assert!(
        matches!(third, Err(StartError::TooManyForNumber)),
        "{third:?}"
    );
    // Per account: account 0 has one call; two more, then no more.
    for number in ["+821011110001", "+821011110002"] {
        let row = store::start(&app.db, limits, accounts[0], number, "123456", now)
            .await
            .unwrap();
        finished(row).await;
    }
    let fourth = store::start(&app.db, limits, accounts[0], "+821011110003", "1", now).await;
    assert!(
        matches!(fourth, Err(StartError::TooManyForAccount)),
        "{fourth:?}"
    );
    // A running call blocks a second one; once it is older than any call can last (its
    // process died), the next start fails it and goes ahead.
    let running = store::start(&app.db, limits, accounts[2], "+821022220001", "1", now)
        .await
        .unwrap();
    let blocked = store::start(&app.db, limits, accounts[2], "+821022220002", "2", now).await;
    assert!(
        matches!(blocked, Err(StartError::AlreadyRunning)),
        "{blocked:?}"
    );
    let later = now + chrono::Duration::seconds(limits.stale_after_secs + 1);
    let next = store::start(&app.db, limits, accounts[2], "+821022220002", "2", later)
        .await
        .unwrap();
    let lost = store::owned(&app.db, accounts[2], running.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lost.state, "failed");
    assert_eq!(lost.code, None);
    // Ending a call twice is an error, not a silent overwrite.
    store::finish(
        &app.db,
        next.id,
        media_bridge::verify::Outcome::Verified,
        later,
    )
    .await
    .unwrap();
    assert!(
        store::finish(&app.db, next.id, media_bridge::verify::Outcome::Busy, later)
            .await
            .is_err()
    );
    assert!(
        store::is_verified(&app.db, accounts[2], "+821022220002")
            .await
            .unwrap()
    );
    assert!(
        !store::is_verified(&app.db, accounts[1], "+821022220002")
            .await
            .unwrap()
    );
    // Every outcome the bridge can report is a state the table's CHECK allows, and reads back.
    let generous = Limits {
        per_account: 100,
        per_number: 100,
        ..LIMITS
    };
    for (index, outcome) in media_bridge::verify::Outcome::ALL.into_iter().enumerate() {
        let number = format!("+82103333000{index}");
        let row = store::start(&app.db, generous, accounts[1], &number, "1", now)
            .await
            .unwrap();
        store::advance(&app.db, row.id, media_bridge::verify::Progress::Ringing)
            .await
            .unwrap();
        store::advance(
            &app.db,
            row.id,
            media_bridge::verify::Progress::WaitingForCode,
        )
        .await
        .unwrap();
        store::finish(&app.db, row.id, outcome, now).await.unwrap();
        let stored = store::owned(&app.db, accounts[1], row.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            store::VerificationState::from_code(&stored.state).unwrap(),
            store::VerificationState::Ended(outcome)
        );
    }
}
