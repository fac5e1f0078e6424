//! The ownership matrix (issue 8, "Keep"; BRIEF R18), driven by the API's own OpenAPI document
//! so that a new route is covered the day it is added: every `/api` operation refuses a
//! stranger without a session (401); as another issuer, every operation on the first issuer's
//! card is "not found" (404), operator operations are forbidden (403), and nothing answered
//! carries the first issuer's data. Afterwards the first issuer's card and money are untouched.
//! Routes that are public by design are named here, so making one public is a visible choice.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json, png_bytes};

both_backends!(every_api_operation_keeps_an_issuers_data_from_strangers_and_other_issuers);

/// Public by design: the call button, its signalling, callbacks, number parsing, sign-up and its
/// confirmation, log-in and log-out (harmless without a session; and it would end the other
/// issuer's), the payment provider's signed webhook and the document itself.
const PUBLIC: [&str; 11] = [
    "/api/auth/signup",
    "/api/auth/confirm",
    "/api/auth/login",
    "/api/auth/logout",
    "/api/numbers/parse",
    "/api/payments/webhook",
    "/api/cards/{slug}/calls",
    "/api/cards/{slug}/callbacks",
    "/api/calls/live/{call}/events",
    "/api/calls/live/{call}/hangup",
    "/api/openapi.json",
];

/// Seen in the first issuer's data only.
const SECRET: &str = "Ada-Secret-7f3a";

fn operations(document: &Value) -> Vec<(Method, String)> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "delete"] {
            if item.get(method).is_some() {
                operations.push((method.to_uppercase().parse().unwrap(), path.clone()));
            }
        }
    }
    operations
}

async fn send(
    client: &reqwest::Client,
    app: &TestApp,
    method: &Method,
    path: &str,
    verification_id: i64,
) -> reqwest::Response {
    let url = app.url(
        &path
            .replace("{slug}", "ada")
            .replace("{id}", &verification_id.to_string())
            .replace("{call}", "0123456789abcdef0123456789abcdef")
            .replace("{code}", "NOSUCHCODE"),
    );
    let request = client.request(method.clone(), url);
    let request = match (method.as_str(), path) {
        ("PUT", "/api/cards/{slug}") => request.json(&card_json(None, "Mallory was here")),
        ("PUT", p) if p.ends_with("/photo") || p.ends_with("/logo") => request
            .header("content-type", "image/png")
            .body(png_bytes(20, 20)),
        ("PUT", p) if p.ends_with("/embed-origins") => {
            request.json(&serde_json::json!({"origins": ["https://mallory.example"]}))
        }
        ("POST" | "PUT", _) => request.json(&serde_json::json!({})),
        _ => request,
    };
    request.send().await.unwrap()
}

async fn every_api_operation_keeps_an_issuers_data_from_strangers_and_other_issuers(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let ada = app.sign_up(&app.client, "ada@example.com").await;
    // A verification call of Ada's (ended), for `/api/verifications/{id}`.
    let verification = server::verification::store::start(
        &app.db,
        server::verification::LIMITS,
        ada["id"].as_i64().unwrap(),
        "+821012345678",
        "123456",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    server::verification::store::finish(
        &app.db,
        verification.id,
        media_bridge::verify::Outcome::Verified,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let mut card = card_json(Some("ada"), SECRET);
    card["published"] = serde_json::json!(false);
    assert_eq!(app.create_card(&app.client, card).await.status(), 201);
    let before = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    let document = app
        .get_json(&app.client, app.url("/api/openapi.json"))
        .await;
    let operations = operations(&document);
    assert!(operations.len() >= 30, "{operations:?}");

    let stranger = app.new_client();
    let mallory = app.new_client();
    app.sign_up(&mallory, "mallory@example.com").await;
    for (method, path) in &operations {
        if PUBLIC.contains(&path.as_str()) {
            continue;
        }
        let anonymous = send(&stranger, &app, method, path, verification.id).await;
        assert_eq!(
            anonymous.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path} without a session"
        );

        let response = send(&mallory, &app, method, path, verification.id).await;
        let status = response.status();
        let expected = if path.starts_with("/api/operator/") {
            Some(StatusCode::FORBIDDEN)
        } else if path.contains("{slug}") || path.contains("{call}") || path.contains("{id}") {
            Some(StatusCode::NOT_FOUND)
        } else {
            None
        };
        if let Some(expected) = expected {
            assert_eq!(status, expected, "{method} {path} as another issuer");
        }
        assert!(!status.is_server_error(), "{method} {path}: {status}");
        // An event stream never ends; its status is all there is to check.
        if path.ends_with("/events") {
            continue;
        }
        let body = response.text().await.unwrap();
        assert!(
            !body.contains(SECRET) && !body.contains("ada@example.com"),
            "{method} {path} as another issuer showed the first issuer's data: {body}"
        );
    }

    let after = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    assert_eq!(before, after, "the card is exactly as it was");
    let sites = app
        .get_json(&app.client, app.url("/api/cards/ada/embed-origins"))
        .await;
    assert_eq!(
        sites["origins"],
        serde_json::json!([]),
        "nobody else named a site"
    );
    app.assert_money_exact().await;
}
