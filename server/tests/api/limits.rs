//! Hostile input (issue 8, BRIEF R1, R4, R18): what one stranger sends costs a bounded amount,
//! is refused with the limit it broke, and loses nothing already stored.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json, png_bytes, solid_png};

both_backends!(
    concurrent_wrong_log_ins_check_at_most_the_limit,
    one_locked_account_leaves_the_address_open_to_others,
    sign_up_is_limited_per_address,
    oversized_vcards_are_refused_with_the_limit_they_broke,
    big_vcard_within_the_limits_is_read,
    dashboard_import_refuses_an_oversized_file_with_413,
    huge_png_is_refused_from_its_header_without_decoding,
    another_issuers_upload_is_404_before_any_image_check,
    editor_form_with_bad_text_decodes_no_image,
    offset_past_every_record_is_an_empty_page,
    control_characters_in_card_text_are_refused_and_store_nothing,
);

use crate::helpers::PASSWORD;

async fn log_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.new_client()
        .post(app.url("/api/auth/login"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn concurrent_wrong_log_ins_check_at_most_the_limit(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| settings.login_max_failures = 5).await;
    app.sign_up(&app.new_client(), "ada@example.com").await;
    let attempts: Vec<_> = (0..40)
        .map(|i| {
            let (client, url) = (app.new_client(), app.url("/api/auth/login"));
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&json!({ "email": "ada@example.com", "password": format!("guess {i}") }))
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::BAD_REQUEST)
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    // Attempts in flight hold their place: exactly the limit is checked, whatever the timing.
    assert_eq!((checked, throttled), (5, 35), "{statuses:?}");
    let right = log_in(&app, "ada@example.com", PASSWORD).await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn one_locked_account_leaves_the_address_open_to_others(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| settings.login_max_failures = 3).await;
    app.sign_up(&app.new_client(), "ada@example.com").await;
    app.sign_up(&app.new_client(), "bob@example.com").await;
    for _ in 0..3 {
        let wrong = log_in(&app, "ada@example.com", "wrong password!").await;
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    }
    let locked = log_in(&app, "ada@example.com", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers().contains_key("retry-after"));
    // Bob shares the address (an office behind one NAT) and is not locked out by Ada's tries.
    let bob = log_in(&app, "bob@example.com", PASSWORD).await;
    assert_eq!(bob.status(), StatusCode::OK);
}

async fn sign_up_is_limited_per_address(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| settings.signup_max_per_address = 3).await;
    let sign_up = |email: String, password: &'static str| {
        app.new_client()
            .post(app.url("/api/auth/signup"))
            .json(&json!({ "email": email, "display_name": "Ada", "password": password }))
            .send()
    };
    // A refused form costs no hash and is not counted.
    let invalid = sign_up("ada0@example.com".into(), "short").await.unwrap();
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for n in 1..=3 {
        let response = sign_up(format!("ada{n}@example.com"), PASSWORD)
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let refused = sign_up("ada4@example.com".into(), PASSWORD).await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    let page = app
        .new_client()
        .post(app.url("/signup"))
        .form(&[
            ("email", "ada5@example.com"),
            ("display_name", "Ada"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(page.text().await.unwrap().contains("Too many sign-ups"));
    let not_made = log_in(&app, "ada4@example.com", PASSWORD).await;
    assert_eq!(not_made.status(), StatusCode::BAD_REQUEST);
}

fn vcard_with(lines: &[String]) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jane Doe\r\n{}\r\nEND:VCARD\r\n",
        lines.join("\r\n")
    )
}

async fn import(app: &TestApp, body: String) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/api/vcard/import"))
        .header("content-type", "text/vcard")
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn oversized_vcards_are_refused_with_the_limit_they_broke(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let url_lines = |count: usize| -> Vec<String> {
        (0..count).map(|i| format!("URL:x.example/{i}")).collect()
    };

    // 75,000 URL lines took 42 s once; more than a megabyte is refused unread.
    let (status, body) = import(&app, vcard_with(&url_lines(75_000))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["code"], "payload_too_large");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("1 MB"),
        "{body}"
    );

    let (status, body) = import(&app, vcard_with(&vec!["URL:x".to_string(); 75_000])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "vcard");
    let message = body["error"]["fields"][0]["message"].as_str().unwrap();
    assert!(message.contains("more than 1000 lines"), "{message}");

    let (status, body) = import(&app, vcard_with(&url_lines(51))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = body["error"]["fields"][0]["message"].as_str().unwrap();
    assert!(message.contains("more than 50 web addresses"), "{message}");

    let list = app.get_json(&app.client, app.url("/api/cards")).await;
    assert_eq!(list, json!([]), "an import stores nothing");
}

async fn big_vcard_within_the_limits_is_read(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let mut lines: Vec<String> = (0..50)
        .map(|i| format!("URL:https://jane.example/{i}"))
        .collect();
    lines.push(format!("NOTE:{}", "a long note ".repeat(40_000)));
    lines.extend((0..900).map(|i| format!("X-CUSTOM-{i}:value")));
    let text = vcard_with(&lines);
    assert!(text.len() > 450 * 1024 && text.len() < 1024 * 1024);
    let (status, draft) = import(&app, text).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(draft["contents"][0]["name"], "Jane Doe");
    assert_eq!(draft["contacts"]["homepage"], "https://jane.example/0");
    assert_eq!(draft["links"].as_array().unwrap().len(), 49);
}

async fn dashboard_import_refuses_an_oversized_file_with_413(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let post = |text: String| {
        let form = reqwest::multipart::Form::new().part(
            "vcard",
            reqwest::multipart::Part::text(text).file_name("contact.vcf"),
        );
        app.client
            .post(app.url("/dashboard/cards/import"))
            .multipart(form)
            .send()
    };
    // Just over the import's 1 MB, within the route's body limit: the server reads the whole
    // body before it answers. (A body far over the limit is cut off unread, and closing a
    // connection with unread data resets it, which can destroy the 413 before the client
    // reads it.)
    let huge = post(vcard_with(&[format!(
        "NOTE:{}",
        "x".repeat(1024 * 1024 + 1024)
    )]))
    .await
    .unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(huge.text().await.unwrap().contains("larger than 1 MB"));
    let flood = post(vcard_with(&vec!["URL:x".to_string(); 5_000]))
        .await
        .unwrap();
    assert_eq!(flood.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(flood.text().await.unwrap().contains("more than 1000 lines"));
    let fine = post(vcard_with(&[])).await.unwrap();
    assert_eq!(fine.status(), StatusCode::OK);
    assert!(fine.text().await.unwrap().contains("Jane Doe"));
}

/// Takes every slot of the parsing pool until the returned senders are dropped: any request
/// that tried to decode now would wait, then be answered 503.
async fn occupy_parsing_pool(app: &TestApp) -> Vec<std::sync::mpsc::Sender<()>> {
    let pool = &app.state.parsing;
    let mut releases = Vec::new();
    for _ in 0..pool.free_slots() {
        let (release, released) = std::sync::mpsc::channel::<()>();
        let pool = pool.clone();
        tokio::spawn(async move { pool.run(move || released.recv()).await });
        releases.push(release);
    }
    for _ in 0..2_000 {
        if pool.free_slots() == 0 {
            return releases;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("the parsing pool was never fully taken");
}

async fn huge_png_is_refused_from_its_header_without_decoding(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    let bomb = solid_png(8_000, 5_000);
    assert!(bomb.len() < 200 * 1024, "{} bytes", bomb.len());
    let releases = occupy_parsing_pool(&app).await;
    let refused = app
        .client
        .put(app.url("/api/cards/ada/photo"))
        .body(bomb)
        .send()
        .await
        .unwrap();
    // With no decoding slot free, only a refusal from the header can answer 422.
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "photo");
    let message = body["error"]["fields"][0]["message"].as_str().unwrap();
    assert!(message.contains("16 megapixels"), "{message}");
    drop(releases);
    let normal = app
        .client
        .put(app.url("/api/cards/ada/logo"))
        .body(png_bytes(300, 200))
        .send()
        .await
        .unwrap();
    assert_eq!(normal.status(), StatusCode::OK);
    let card: Value = normal.json().await.unwrap();
    assert!(card["logo_url"].is_string());
    assert!(
        card["photo_url"].is_null(),
        "the refused photo left nothing"
    );
}

async fn another_issuers_upload_is_404_before_any_image_check(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    let bob = app.new_client();
    app.sign_up(&bob, "bob@example.com").await;
    let put = |body: Vec<u8>| bob.put(app.url("/api/cards/ada/photo")).body(body).send();
    // Not an image at all: still a 404, so the card's existence is all Bob learns.
    let text = put(b"GIF89a not a picture".to_vec()).await.unwrap();
    assert_eq!(text.status(), StatusCode::NOT_FOUND);
    let releases = occupy_parsing_pool(&app).await;
    let valid = put(png_bytes(64, 64)).await.unwrap();
    assert_eq!(
        valid.status(),
        StatusCode::NOT_FOUND,
        "no decoding slot asked for"
    );
    drop(releases);
    let card = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    assert!(card["photo_url"].is_null());
}

async fn editor_form_with_bad_text_decodes_no_image(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let releases = occupy_parsing_pool(&app).await;
    let form = reqwest::multipart::Form::new()
        .text("default_lang", "en")
        .text("content.en.name", "")
        .text("content.en.title", "Engineer")
        .part(
            "photo",
            reqwest::multipart::Part::bytes(png_bytes(64, 64)).file_name("me.png"),
        );
    let refused = app
        .client
        .post(app.url("/dashboard/cards"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    drop(releases);
    let list = app.get_json(&app.client, app.url("/api/cards")).await;
    assert_eq!(list, json!([]));
}

async fn offset_past_every_record_is_an_empty_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    for offset in ["18446744073709551615", "9223372036854775808", "7"] {
        let api = app
            .client
            .get(app.url(&format!("/api/calls?offset={offset}")))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), StatusCode::OK, "offset {offset}");
        let page: Value = api.json().await.unwrap();
        assert_eq!(page["records"], json!([]));
        let dashboard = app
            .client
            .get(app.url(&format!("/dashboard/calls?offset={offset}")))
            .send()
            .await
            .unwrap();
        assert_eq!(dashboard.status(), StatusCode::OK, "offset {offset}");
    }
}

async fn control_characters_in_card_text_are_refused_and_store_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let created = app
        .create_card(&app.client, card_json(Some("nul"), "Ada\u{0}Lovelace"))
        .await;
    assert_eq!(created.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "content.en.name");

    let created = app
        .create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let mut changed = card_json(Some("ada"), "Ada");
    changed["contents"][0]["note"] = json!("line one\nline two\u{0}");
    let updated = app
        .client
        .put(app.url("/api/cards/ada"))
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = updated.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "content.en.note");
    changed["contents"][0]["note"] = json!("line one\nline two");
    let updated = app
        .client
        .put(app.url("/api/cards/ada"))
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::OK, "line breaks stay allowed");
    let card = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    let english = card["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|content| content["lang"] == "en")
        .unwrap();
    assert_eq!(english["name"], "Ada");
    assert_eq!(english["note"], "line one\nline two");
    let list = app.get_json(&app.client, app.url("/api/cards")).await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "the refused card was not made"
    );
}
