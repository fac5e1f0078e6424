//! `POST /api/numbers/parse` (BRIEF R7a): the call window shows how a number was understood.

use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

both_backends!(typed_numbers_are_understood_or_refused_with_a_reason);

async fn typed_numbers_are_understood_or_refused_with_a_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let parse = |number: &str| {
        reqwest::Client::new()
            .post(app.url("/api/numbers/parse"))
            .json(&json!({ "number": number }))
            .send()
    };
    let extension: serde_json::Value = parse("025561234;235").await.unwrap().json().await.unwrap();
    assert_eq!(extension["e164"], "+8225561234");
    assert_eq!(extension["extension"], "235");
    assert_eq!(extension["kind"], "fixed_line");
    let mobile: serde_json::Value = parse("010-1234-5678").await.unwrap().json().await.unwrap();
    assert_eq!(mobile["kind"], "mobile");
    assert_eq!(mobile["region"], "KR");
    let refused = parse("call me").await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "number");

    let elsewhere = TestApp::spawn_with(backend, |settings| {
        settings.default_region = phonenumber::country::Id::US;
    })
    .await;
    let us: serde_json::Value = reqwest::Client::new()
        .post(elsewhere.url("/api/numbers/parse"))
        .json(&json!({ "number": "(650) 253-0000" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        us["e164"], "+16502530000",
        "the default region decides national numbers"
    );
}
