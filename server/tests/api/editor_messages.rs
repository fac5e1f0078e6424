//! The card editor's refusals in the issuer's language (issue 11): a refused save comes back
//! with each field's message in the language chosen with the switcher, and the JSON API's field
//! messages follow the same language (its field names stay the contract).

use app::i18n::card_form_text;
use app::model::Lang;
use reqwest::StatusCode;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json};

both_backends!(a_refused_save_is_explained_in_the_issuers_language);

/// The editor's form with a colour that is none, a public address too short, and a language
/// (ja) with a title but no name.
fn faulty_form() -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("slug", "ab")
        .text("default_lang", "ko")
        .text("content.ko.name", "에이다")
        .text("content.ja.title", "技師")
        .text("theme.template", "classic")
        .text("theme.primary_color", "red")
        .text("theme.accent_color", "#445566")
        .part(
            "photo",
            reqwest::multipart::Part::bytes(Vec::new()).file_name(""),
        )
}

/// The message the page shows under `field`.
fn field_message<'a>(html: &'a str, field: &str) -> &'a str {
    let marker = format!("data-field-error=\"{field}\"");
    let tag = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no message for {field} in {html}"));
    let start = tag + html[tag..].find('>').unwrap() + 1;
    let length = html[start..].find('<').unwrap();
    &html[start..start + length]
}

async fn a_refused_save_is_explained_in_the_issuers_language(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (lang, email) in [(Lang::Ko, "ko@example.com"), (Lang::En, "en@example.com")] {
        let client = app.new_client();
        app.sign_up(&client, email).await;
        app.choose_language(&client, lang.code()).await;

        let refused = client
            .post(app.url("/dashboard/cards"))
            .multipart(faulty_form())
            .send()
            .await
            .unwrap();
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{lang:?}"
        );
        let html = refused.text().await.unwrap();
        let text = card_form_text(lang);
        for (field, message) in [
            ("theme.primary_color", text.colour),
            ("slug", text.slug_length),
            ("content.ja.name", text.name_missing),
        ] {
            assert_eq!(field_message(&html, field), message, "{lang:?}");
        }
        let messages = [
            field_message(&html, "theme.primary_color"),
            field_message(&html, "slug"),
            field_message(&html, "content.ja.name"),
        ];
        match lang {
            Lang::Ko => assert_eq!(
                messages,
                [
                    "#1f3a5f 같은 색상 값을 쓰세요.",
                    "3~40자로 입력하세요.",
                    "이 언어의 이름을 입력하거나, 이 언어의 다른 칸을 비우세요."
                ]
            ),
            _ => assert_eq!(
                messages,
                [
                    "Use a colour like #1f3a5f.",
                    "Use 3 to 40 characters.",
                    "Enter the name for this language, or clear its other fields."
                ]
            ),
        }

        // The JSON API: the same field, worded in the same language.
        let mut card = card_json(Some("ab"), "Ada");
        card["theme"] = serde_json::json!({
            "template": "classic", "primary_color": "red", "accent_color": "#445566"
        });
        let refused = app.create_card(&client, card).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = refused.json().await.unwrap();
        let fields = body["error"]["fields"].as_array().unwrap();
        let message_of = |field: &str| {
            fields
                .iter()
                .find(|refused| refused["field"] == field)
                .unwrap_or_else(|| panic!("{field} in {body}"))["message"]
                .clone()
        };
        assert_eq!(message_of("slug"), text.slug_length, "{body}");
        assert_eq!(message_of("theme.primary_color"), text.colour, "{body}");

        // A taken address, and a body past the route's limit, in the same language.
        let slug = format!("taken-{}", lang.code());
        let first = app
            .create_card(&client, card_json(Some(&slug), "Ada"))
            .await;
        assert_eq!(first.status(), StatusCode::CREATED);
        let again = app
            .create_card(&client, card_json(Some(&slug), "Ada"))
            .await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        let body: serde_json::Value = again.json().await.unwrap();
        assert_eq!(body["error"]["message"], text.slug_taken, "{body}");
        // Just past the body limit (startup.rs), so the server reads it all before its 413.
        let body_limit = app.state.settings.upload_max_bytes * 2 + 256 * 1024;
        let huge = client
            .post(app.url("/api/cards"))
            .header("content-type", "application/json")
            .header("connection", "close")
            .body(format!("{{\"slug\": \"{}\"}}", "x".repeat(body_limit)))
            .send()
            .await
            .unwrap();
        assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let body: serde_json::Value = huge.json().await.unwrap();
        assert_eq!(
            body["error"]["message"],
            app::i18n::site_text(lang).body_too_large,
            "{body}"
        );
    }
}
