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
    let extension: serde_json::Value = parse("02-556-1234 ext. 235")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(extension["e164"], "+8225561234");
    assert_eq!(extension["extension"], "235");
    assert_eq!(extension["kind"], "fixed_line");
    assert_eq!(
        extension["understood"],
        "+82 2-556-1234, extension 235 — Seoul landline"
    );
    let mobile: serde_json::Value = parse("010-1234-5678").await.unwrap().json().await.unwrap();
    assert_eq!(mobile["kind"], "mobile");
    assert_eq!(mobile["region"], "KR");
    let refused = parse("call me").await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "number_invalid_characters");

    // Issue 10: a number longer than its plan allows is no Seoul landline, and the refusal
    // speaks the page's language, from the body or else the browser's preference.
    for (lang, accept, message) in [
        (
            Some("ko"),
            None,
            "대한민국에 없는 번호입니다. 지역번호를 확인해 주세요.",
        ),
        (
            None,
            Some("ja,en;q=0.5"),
            "韓国にこの番号はありません。市外局番をご確認ください。",
        ),
        (
            None,
            None,
            "This number does not exist in South Korea; check the area code.",
        ),
    ] {
        let mut request = reqwest::Client::new()
            .post(app.url("/api/numbers/parse"))
            .json(&json!({ "number": "02-1234-56789", "lang": lang }));
        if let Some(accept) = accept {
            request = request.header("Accept-Language", accept);
        }
        let refused = request.send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["code"], "number_does_not_exist");
        assert_eq!(body["error"]["message"], message);
    }
    let oversized = parse(&"0".repeat(5_000)).await.unwrap();
    let body: serde_json::Value = oversized.json().await.unwrap();
    assert_eq!(body["error"]["code"], "number_too_long");

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
