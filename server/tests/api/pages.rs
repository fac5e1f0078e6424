//! Server-rendered pages and forms (BRIEF R1, R3; bad input gets field-level messages).

use reqwest::StatusCode;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json};

both_backends!(
    card_page_is_complete_html_before_any_script,
    card_language_follows_query_then_accept_language,
    unknown_card_and_page_get_a_404_page,
    sign_up_form_sends_a_link_or_marks_fields,
    dashboard_requires_log_in,
    editor_form_creates_a_card_or_shows_field_errors,
    demo_seed_runs_once_with_the_patent_card,
    health_check_answers,
);

async fn card_page_is_complete_html_before_any_script(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada Lovelace"))
        .await;
    let response = reqwest::get(app.url("/c/ada?lang=en")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    for needle in [
        "<h1 class=\"card-name\">Ada Lovelace</h1>",
        "href=\"tel:02-555-0100\"",
        "href=\"mailto:ada@example.com\"",
        "property=\"og:title\" content=\"Ada Lovelace\"",
        "hreflang=\"ko\"",
        "/c/ada/vcard",
        "/c/ada/qr.svg",
        "/c/ada/call",
        // The card bundle alone (issue 12): the calling code loads with the call window.
        "/pkg/card/card-bundle.js",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    let call = reqwest::get(app.url("/c/ada/call?lang=en"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        call.contains(r#"data-call-state="idle""#),
        "the call window waits for the caller: {call}"
    );
    assert!(
        call.contains("href=\"tel:02-555-0100\""),
        "without JavaScript the numbers are still there"
    );
    assert!(call.contains("/pkg/app.js") && !call.contains("/pkg/card/"));
    assert!(
        !html.contains("/pkg/app.js"),
        "no calling code on the card page"
    );
}

async fn card_language_follows_query_then_accept_language(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada Lovelace"))
        .await;
    let client = reqwest::Client::new();
    let korean = client
        .get(app.url("/c/ada"))
        .header("accept-language", "ko-KR,ko;q=0.9,en;q=0.8")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(korean.contains("<html lang=\"ko\"") && korean.contains(">에이다</h1>"));
    let english = client
        .get(app.url("/c/ada?lang=en"))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains(">Ada Lovelace</h1>"));
    let fallback = app.get_text(&client, app.url("/c/ada?lang=ja")).await;
    assert!(
        fallback.contains(">Ada Lovelace</h1>"),
        "no Japanese text: the default language"
    );
}

async fn unknown_card_and_page_get_a_404_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for path in ["/c/nobody-here", "/no/such/page"] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("Page not found") && html.contains("href=\"/\""),
            "{path}"
        );
    }
    let api = reqwest::get(app.url("/api/nothing")).await.unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        api.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "not_found"
    );
}

async fn sign_up_form_sends_a_link_or_marks_fields(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let refused = app
        .client
        .post(app.url("/signup"))
        .form(&[
            ("email", "ada@example.com"),
            ("display_name", "Ada"),
            ("password", "abc"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("data-field-error=\"password\""));
    assert!(
        html.contains("value=\"ada@example.com\""),
        "the typed e-mail is kept"
    );
    assert!(!html.contains("abc\""), "the password is never echoed");

    let accepted = app
        .client
        .post(app.url("/signup"))
        .form(&[
            ("email", "ada@example.com"),
            ("display_name", "Ada"),
            ("password", "a long enough password"),
        ])
        .send()
        .await
        .unwrap();
    // Not signed in yet: the address must answer first (confirmation.rs follows the link).
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
    assert!(!accepted.headers().contains_key("set-cookie"));
    let html = accepted.text().await.unwrap();
    assert!(html.contains("Check your e-mail") && html.contains("ada@example.com"));
    let dashboard = app.client.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(dashboard.status(), StatusCode::SEE_OTHER);

    let wrong = app
        .new_client()
        .post(app.url("/login"))
        .form(&[
            ("email", "ada@example.com"),
            ("password", "not the password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Wrong e-mail or password")
    );
}

async fn dashboard_requires_log_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for path in ["/dashboard", "/dashboard/cards/new"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()["location"], "/login");
    }
}

async fn editor_form_creates_a_card_or_shows_field_errors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let form = |name: &str, email: &str| {
        reqwest::multipart::Form::new()
            .text("slug", "ada-form")
            .text("default_lang", "en")
            .text("content.en.name", name.to_string())
            .text("content.en.title", "Analyst")
            .text("contacts.email", email.to_string())
            .text("theme.template", "modern")
            .text("theme.primary_color", "#112233")
            .text("theme.accent_color", "#445566")
            .text("published", "true")
            .part(
                "photo",
                reqwest::multipart::Part::bytes(Vec::new()).file_name(""),
            )
    };
    let refused = app
        .client
        .post(app.url("/dashboard/cards"))
        .multipart(form("Ada", "not-an-email"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("data-field-error=\"contacts.email\""));
    assert!(html.contains("value=\"Analyst\""), "what was typed is kept");

    let created = app
        .client
        .post(app.url("/dashboard/cards"))
        .multipart(form("Ada", "ada@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(created.headers()["location"], "/dashboard?saved=ada-form");
    let page = reqwest::get(app.url("/c/ada-form"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("template-modern") && page.contains("--card-primary:#112233;"));
}

async fn demo_seed_runs_once_with_the_patent_card(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seeded = server::seed::seed_if_empty(&app.state)
        .await
        .unwrap()
        .expect("an empty database is seeded");
    assert_eq!(seeded.card_url, app.url("/c/hong-gildong"));
    assert!(
        server::seed::seed_if_empty(&app.state)
            .await
            .unwrap()
            .is_none(),
        "only once"
    );
    let html = reqwest::get(app.url("/c/hong-gildong"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "홍길동",
        "02-3456-1234",
        "010-1234-5678",
        "02-3456-1235",
        "kildong@abcd.co.kr",
        "서울특별시 강남구 역삼2동 123-45",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    let login = app
        .client
        .post(app.url("/api/auth/login"))
        .json(&serde_json::json!({ "email": seeded.email, "password": seeded.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        login.status(),
        StatusCode::OK,
        "the printed demo password works"
    );
}

async fn health_check_answers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}
