//! A card moved to a new address, a card duplicated, and vCards as phones and mail programs
//! export them, through the real routes (issue 11: "slug changes keep the old address working",
//! "duplicate a card", "vCard import takes what phones and mail programs really export").

use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json, png_bytes};

both_backends!(
    a_moved_card_keeps_its_old_addresses,
    a_move_to_a_taken_address_changes_nothing,
    the_editor_moves_a_card,
    a_card_created_while_another_leaves_its_address_never_takes_it,
    duplicate_copies_a_card_unpublished_with_images_of_its_own,
    phones_2_1_exports_import_through_the_api_and_the_dashboard,
);

async fn put_card(
    app: &TestApp,
    client: &reqwest::Client,
    slug: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    client
        .put(app.url(&format!("/api/cards/{slug}")))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The status and `Location` of a GET, redirects not followed.
async fn location(app: &TestApp, path: &str) -> (StatusCode, Option<String>) {
    let response = app.new_client().get(app.url(path)).send().await.unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (response.status(), location)
}

async fn a_moved_card_keeps_its_old_addresses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    let moved = put_card(
        &app,
        &app.client,
        "ada",
        card_json(Some("countess"), "Ada King"),
    )
    .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let card: serde_json::Value = moved.json().await.unwrap();
    assert_eq!(card["slug"], "countess");
    assert_eq!(card["url"], app.url("/c/countess"));

    // Every public page of the old address leads to the same page at the new one, query kept.
    for (old, new) in [
        ("/c/ada", "/c/countess"),
        ("/c/ada?lang=ko", "/c/countess?lang=ko"),
        ("/c/ada/call", "/c/countess/call"),
        ("/c/ada/vcard?version=3.0", "/c/countess/vcard?version=3.0"),
        ("/c/ada/qr.svg", "/c/countess/qr.svg"),
        ("/c/ada/qr.png", "/c/countess/qr.png"),
    ] {
        assert_eq!(
            location(&app, old).await,
            (StatusCode::MOVED_PERMANENTLY, Some(new.to_string())),
            "{old}"
        );
    }
    let page = app
        .get_text(&app.new_client(), app.url("/c/countess"))
        .await;
    assert!(page.contains("Ada King"));
    // The QR code of the card encodes its current address.
    assert_eq!(
        app.get_json(&app.client, app.url("/api/cards/countess"))
            .await["url"],
        app.url("/c/countess")
    );

    // The old address is the card's: nobody else takes it, not even the same issuer's cards.
    let other = app.new_client();
    app.sign_up(&other, "bob@example.com").await;
    let taken = app.create_card(&other, card_json(Some("ada"), "Bob")).await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    app.create_card(&app.client, card_json(Some("second"), "Ada's other card"))
        .await;
    let taken = put_card(&app, &app.client, "second", card_json(Some("ada"), "Ada")).await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);

    // Moving back makes the old address current, and the other one leads to it.
    let back = put_card(&app, &app.client, "countess", card_json(Some("ada"), "Ada")).await;
    assert_eq!(back.status(), StatusCode::OK);
    assert_eq!(location(&app, "/c/ada").await.0, StatusCode::OK);
    assert_eq!(
        location(&app, "/c/countess").await,
        (StatusCode::MOVED_PERMANENTLY, Some("/c/ada".to_string()))
    );

    // An unpublished card's new address is not told.
    let mut hidden = card_json(None, "Ada");
    hidden["published"] = json!(false);
    assert_eq!(
        put_card(&app, &app.client, "ada", hidden).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        location(&app, "/c/countess").await,
        (StatusCode::NOT_FOUND, None)
    );

    // A deleted card takes its former addresses with it.
    let deleted = app
        .client
        .delete(app.url("/api/cards/ada"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(location(&app, "/c/countess").await.0, StatusCode::NOT_FOUND);
    let reused = app
        .create_card(&other, card_json(Some("countess"), "Bob"))
        .await;
    assert_eq!(reused.status(), StatusCode::CREATED);
}

async fn a_move_to_a_taken_address_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    app.create_card(&app.client, card_json(Some("bob"), "Bob"))
        .await;
    let refused = put_card(&app, &app.client, "ada", card_json(Some("bob"), "Ada King")).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let english_name = |card: &serde_json::Value| {
        card["contents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["lang"] == "en")
            .map(|c| c["name"].clone())
    };
    let ada = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    assert_eq!(
        english_name(&ada),
        Some(json!("Ada")),
        "the edit sent along is not stored"
    );
    let bob = app.get_json(&app.client, app.url("/api/cards/bob")).await;
    assert_eq!(english_name(&bob), Some(json!("Bob")));
    assert_eq!(location(&app, "/c/ada").await.0, StatusCode::OK);

    let bad = put_card(
        &app,
        &app.client,
        "ada",
        card_json(Some("Not A Slug!"), "Ada"),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reserved = put_card(&app, &app.client, "ada", card_json(Some("new"), "Ada")).await;
    assert_eq!(
        reserved.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reserved path"
    );
    assert_eq!(location(&app, "/c/ada").await.0, StatusCode::OK);
}

async fn the_editor_moves_a_card(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    let editor = app
        .get_text(&app.client, app.url("/dashboard/cards/ada/edit"))
        .await;
    assert!(
        editor.contains("name=\"slug\"") && editor.contains("value=\"ada\""),
        "{editor}"
    );
    let form = |slug: &str| {
        reqwest::multipart::Form::new()
            .text("slug", slug.to_string())
            .text("default_lang", "en")
            .text("content.en.name", "Ada King")
            .text("published", "true")
    };
    let saved = app
        .client
        .post(app.url("/dashboard/cards/ada"))
        .multipart(form("countess"))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(saved.headers()["location"], "/dashboard?saved=countess");
    assert_eq!(
        location(&app, "/c/ada").await,
        (
            StatusCode::MOVED_PERMANENTLY,
            Some("/c/countess".to_string())
        )
    );

    app.create_card(&app.client, card_json(Some("bob"), "Bob"))
        .await;
    let refused = app
        .client
        .post(app.url("/dashboard/cards/countess"))
        .multipart(form("bob"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let html = refused.text().await.unwrap();
    assert!(html.contains("data-field-error=\"slug\""), "{html}");
    assert_eq!(location(&app, "/c/countess").await.0, StatusCode::OK);
}

/// Two steps on one address at once: an issuer moves a card off `x` while another creates a
/// card at `x`. Whichever commits first, `x` stays the first card's (current or former): the
/// second issuer is refused every time and `x` always leads to the first card.
async fn a_card_created_while_another_leaves_its_address_never_takes_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let other = app.new_client();
    app.sign_up(&other, "bob@example.com").await;
    for round in 0..20 {
        let (from, to) = (format!("from-{round}"), format!("to-{round}"));
        let created = app
            .create_card(&app.client, card_json(Some(&from), "Ada"))
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let (moved, created) = tokio::join!(
            put_card(&app, &app.client, &from, card_json(Some(&to), "Ada")),
            app.create_card(&other, card_json(Some(&from), "Bob")),
        );
        assert_eq!(moved.status(), StatusCode::OK, "round {round}");
        assert_eq!(created.status(), StatusCode::CONFLICT, "round {round}");
        assert_eq!(
            location(&app, &format!("/c/{from}")).await,
            (StatusCode::MOVED_PERMANENTLY, Some(format!("/c/{to}"))),
            "round {round}"
        );
    }
}

async fn duplicate_copies_a_card_unpublished_with_images_of_its_own(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    let with_photo: serde_json::Value = app
        .client
        .put(app.url("/api/cards/ada/photo"))
        .header("content-type", "image/png")
        .body(png_bytes(40, 30))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let photo_url = with_photo["photo_url"].as_str().unwrap().to_string();
    let photo = reqwest::get(app.url(&photo_url))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut settings = app
        .get_json(&app.client, app.url("/api/cards/ada/call-settings"))
        .await;
    settings["call_quota"] = json!(7);
    settings["max_call_minutes"] = json!(3);
    let mut with_settings = card_json(None, "Ada");
    with_settings["call"] = settings.clone();
    assert_eq!(
        put_card(&app, &app.client, "ada", with_settings)
            .await
            .status(),
        StatusCode::OK
    );
    let sites = json!({"origins": ["https://ada.example", "https://blog.ada.example"]});
    let allowed = app
        .client
        .put(app.url("/api/cards/ada/embed-origins"))
        .json(&sites)
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);

    let response = app
        .client
        .post(app.url("/api/cards/ada/duplicate"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let copy: serde_json::Value = response.json().await.unwrap();
    let original = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    let copy_slug = copy["slug"].as_str().unwrap().to_string();
    assert_ne!(copy_slug, "ada");
    assert_eq!(copy["published"], false, "a copy starts unpublished");
    for field in ["contents", "contacts", "links", "theme", "default_lang"] {
        assert_eq!(copy[field], original[field], "{field}");
    }
    assert_eq!(
        app.get_json(
            &app.client,
            app.url(&format!("/api/cards/{copy_slug}/call-settings"))
        )
        .await,
        settings
    );
    assert_eq!(
        app.get_json(
            &app.client,
            app.url(&format!("/api/cards/{copy_slug}/embed-origins"))
        )
        .await,
        sites,
        "the sites that may embed it, in order"
    );
    let copy_photo = copy["photo_url"]
        .as_str()
        .expect("the photo is copied")
        .to_string();
    assert_ne!(copy_photo, photo_url, "a file of its own");

    // Deleting the original leaves the copy's photo in place.
    let deleted = app
        .client
        .delete(app.url("/api/cards/ada"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        reqwest::get(app.url(&photo_url)).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let served = reqwest::get(app.url(&copy_photo)).await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.bytes().await.unwrap(), photo);

    // Only one's own cards; the dashboard's button opens the copy in the editor.
    let other = app.new_client();
    app.sign_up(&other, "bob@example.com").await;
    let foreign = other
        .post(app.url(&format!("/api/cards/{copy_slug}/duplicate")))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    let dashboard = app.get_text(&app.client, app.url("/dashboard")).await;
    assert!(dashboard.contains(&format!(
        "action=\"/dashboard/cards/{copy_slug}/duplicate\""
    )));
    let from_dashboard = app
        .client
        .post(app.url(&format!("/dashboard/cards/{copy_slug}/duplicate")))
        .send()
        .await
        .unwrap();
    assert_eq!(from_dashboard.status(), StatusCode::SEE_OTHER);
    let editor = from_dashboard.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        editor.starts_with("/dashboard/cards/") && editor.ends_with("/edit"),
        "{editor}"
    );
    assert_eq!(
        app.get_json(&app.client, app.url("/api/cards"))
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

async fn phones_2_1_exports_import_through_the_api_and_the_dashboard(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let android: &[u8] = include_bytes!("../../src/cards/vcard/samples/android.vcf");
    let draft: serde_json::Value = app
        .client
        .post(app.url("/api/vcard/import"))
        .header("content-type", "text/vcard")
        .body(android)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(draft["default_lang"], "ko");
    assert_eq!(draft["contents"][0]["name"], "홍길동");
    assert_eq!(draft["contacts"]["office_phone"], "02-3456-1234;235");

    // Shift_JIS from a Japanese phone, through the dashboard's upload: decoded, not mojibake.
    let shift_jis: &[u8] = include_bytes!("../../src/cards/vcard/samples/shift_jis.vcf");
    let editor = app
        .client
        .post(app.url("/dashboard/cards/import"))
        .multipart(reqwest::multipart::Form::new().part(
            "vcard",
            reqwest::multipart::Part::bytes(shift_jis.to_vec()).file_name("taro.vcf"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(editor.status(), StatusCode::OK);
    let html = editor.text().await.unwrap();
    for text in [
        "山田太郎",
        "表計算株式会社",
        "ソフト開発部",
        "0312345678;321",
    ] {
        assert!(html.contains(text), "missing {text}");
    }

    // The same bytes without their CHARSET: refused with the reason, nothing stored.
    let label: &[u8] = b";CHARSET=SHIFT_JIS";
    let unlabelled = shift_jis
        .split(|&b| b == b'\n')
        .map(
            |line| match line.windows(label.len()).position(|w| w == label) {
                Some(at) => [&line[..at], &line[at + label.len()..]].concat(),
                None => line.to_vec(),
            },
        )
        .collect::<Vec<_>>()
        .join(&b'\n');
    assert!(!unlabelled.windows(7).any(|w| w == b"CHARSET"));
    let refused = app
        .client
        .post(app.url("/api/vcard/import"))
        .body(unlabelled)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(body.contains("not UTF-8"), "{body}");
    assert_eq!(
        app.get_json(&app.client, app.url("/api/cards")).await,
        json!([])
    );
}
