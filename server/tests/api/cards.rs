//! Cards through the JSON API and the public routes (BRIEF R2-R6, R18).

use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json, png_bytes};

both_backends!(
    issuer_creates_reads_updates_and_deletes_a_card,
    refused_card_stores_nothing,
    taken_slug_conflicts_and_keeps_the_first_card,
    another_issuer_can_neither_see_nor_change_a_card,
    unpublished_card_is_hidden_from_the_public_but_not_its_owner,
    vcard_exports_every_language_in_4_0_and_the_default_in_3_0,
    qr_codes_encode_the_card_url,
    photo_upload_is_cleaned_served_and_embedded,
    bad_upload_is_refused_and_keeps_the_old_photo,
    vcard_import_prefills_a_card_draft,
    openapi_document_lists_the_endpoints,
    a_damaged_stored_card_is_an_error_not_a_guess,
);

async fn issuer_creates_reads_updates_and_deletes_a_card(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let response = app
        .create_card(&app.client, card_json(None, "Ada Lovelace"))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let card: serde_json::Value = response.json().await.unwrap();
    let slug = card["slug"].as_str().unwrap().to_string();
    assert_eq!(slug.len(), 8, "a generated slug");
    assert_eq!(card["url"], app.url(&format!("/c/{slug}")));
    assert_eq!(
        card["contacts"]["homepage"], "http://ada.example",
        "homepage normalised"
    );

    let page = app
        .client
        .get(app.url(&format!("/c/{slug}?lang=en")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Ada Lovelace"));

    let mut changed = card_json(None, "Ada King");
    changed["contents"][0]["title"] = json!("Countess");
    let updated: serde_json::Value = app
        .client
        .put(app.url(&format!("/api/cards/{slug}")))
        .json(&changed)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(updated["slug"], slug.as_str(), "the slug never changes");
    assert_eq!(updated["contents"][1]["name"], "Ada King");
    // R5: the public page shows the edit at once.
    let page = app
        .get_text(&app.client, app.url(&format!("/c/{slug}?lang=en")))
        .await;
    assert!(page.contains("Ada King") && page.contains("Countess"));

    let list = app.get_json(&app.client, app.url("/api/cards")).await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    let deleted = app
        .client
        .delete(app.url(&format!("/api/cards/{slug}")))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = app
        .client
        .get(app.url(&format!("/c/{slug}")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

async fn refused_card_stores_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let mut bad = card_json(Some("ada"), "Ada");
    bad["contacts"]["homepage"] = json!("javascript:alert(1)");
    bad["theme"] =
        json!({ "template": "classic", "primary_color": "red", "accent_color": "#000000" });
    let response = app.create_card(&app.client, bad).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["contacts.homepage", "theme.primary_color"]);
    let list = app.get_json(&app.client, app.url("/api/cards")).await;
    assert_eq!(list, json!([]));
}

async fn taken_slug_conflicts_and_keeps_the_first_card(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    assert_eq!(
        app.create_card(&app.client, card_json(Some("ada"), "First"))
            .await
            .status(),
        StatusCode::CREATED
    );
    let other = app.new_client();
    app.sign_up(&other, "bob@example.com").await;
    let response = app
        .create_card(&other, card_json(Some("ada"), "Second"))
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "slug_taken");
    let page = app.get_text(&app.client, app.url("/c/ada?lang=en")).await;
    assert!(page.contains("First") && !page.contains("Second"));
}

async fn another_issuer_can_neither_see_nor_change_a_card(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    let mallory = app.new_client();
    app.sign_up(&mallory, "mallory@example.com").await;
    let read = mallory.get(app.url("/api/cards/ada")).send().await.unwrap();
    assert_eq!(read.status(), StatusCode::NOT_FOUND);
    let write = mallory
        .put(app.url("/api/cards/ada"))
        .json(&card_json(None, "Hacked"))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), StatusCode::NOT_FOUND);
    let delete = mallory
        .delete(app.url("/api/cards/ada"))
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), StatusCode::NOT_FOUND);
    let edit_page = mallory
        .get(app.url("/dashboard/cards/ada/edit"))
        .send()
        .await
        .unwrap();
    assert_eq!(edit_page.status(), StatusCode::NOT_FOUND);
    let list = app.get_json(&mallory, app.url("/api/cards")).await;
    assert_eq!(list, json!([]));
    let page = app.get_text(&app.client, app.url("/c/ada?lang=en")).await;
    assert!(page.contains("Ada") && !page.contains("Hacked"));
}

async fn unpublished_card_is_hidden_from_the_public_but_not_its_owner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let mut card = card_json(Some("ada"), "Ada");
    card["published"] = json!(false);
    app.create_card(&app.client, card).await;
    let public = reqwest::Client::new();
    for path in ["/c/ada", "/c/ada/vcard", "/c/ada/qr.svg", "/c/ada/call"] {
        let response = public.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let owner_view = app.client.get(app.url("/c/ada")).send().await.unwrap();
    assert_eq!(owner_view.status(), StatusCode::OK);
    // Publishing from the dashboard makes it public.
    let published = app
        .client
        .post(app.url("/dashboard/cards/ada/publish"))
        .form(&[("published", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        public.get(app.url("/c/ada")).send().await.unwrap().status(),
        StatusCode::OK
    );
    // A page seen (and kept rendered) before unpublishing is not served after it.
    app.client
        .post(app.url("/dashboard/cards/ada/publish"))
        .form(&[("published", "false")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        public.get(app.url("/c/ada")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

async fn vcard_exports_every_language_in_4_0_and_the_default_in_3_0(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada Lovelace"))
        .await;
    let response = reqwest::get(app.url("/c/ada/vcard")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/vcard")
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("ada.vcf")
    );
    let text = response.text().await.unwrap();
    assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{text}");
    assert!(text.contains("LANGUAGE=en") && text.contains("Ada Lovelace"));
    assert!(text.contains("LANGUAGE=ko") && text.contains("에이다"));
    assert!(
        text.contains(&app.url("/c/ada")),
        "R5: the card URL travels with the contact"
    );
    let parsed = server::cards::vcard::import(&text).expect("our own export parses");
    assert_eq!(parsed.contents.len(), 2);

    let v3 = reqwest::get(app.url("/c/ada/vcard?version=3.0"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        v3.contains("VERSION:3.0") && v3.contains("FN:Ada Lovelace"),
        "{v3}"
    );
    let bad = reqwest::get(app.url("/c/ada/vcard?version=2.1"))
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

async fn qr_codes_encode_the_card_url(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    let svg = reqwest::get(app.url("/c/ada/qr.svg")).await.unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
    let png = reqwest::get(app.url("/c/ada/qr.png")).await.unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    let bytes = png.bytes().await.unwrap();
    let image = image::load_from_memory(&bytes).expect("a decodable PNG");
    assert_eq!(image.width(), image.height());
    assert_eq!(
        server::cards::qr::png(&app.url("/c/ada"), 8).unwrap(),
        bytes.to_vec(),
        "the PNG is the QR code of the card's absolute URL"
    );
}

async fn photo_upload_is_cleaned_served_and_embedded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    let response = app
        .client
        .put(app.url("/api/cards/ada/photo"))
        .header("content-type", "image/png")
        .body(png_bytes(2000, 1000))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let card: serde_json::Value = response.json().await.unwrap();
    let photo_url = card["photo_url"].as_str().expect("a photo URL").to_string();
    let served = reqwest::get(app.url(&photo_url)).await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    let image = image::load_from_memory(&served.bytes().await.unwrap()).unwrap();
    assert_eq!(
        (image.width(), image.height()),
        (1024, 512),
        "downscaled to fit 1024 px"
    );
    let vcard = reqwest::get(app.url("/c/ada/vcard"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        vcard.contains("PHOTO:data:image/png;base64,"),
        "R4: photo embedded"
    );
    let page = reqwest::get(app.url("/c/ada"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&photo_url));
}

async fn bad_upload_is_refused_and_keeps_the_old_photo(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| settings.upload_max_bytes = 64 * 1024).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    let put = |body: Vec<u8>| {
        app.client
            .put(app.url("/api/cards/ada/photo"))
            .body(body)
            .send()
    };
    let first: serde_json::Value = put(png_bytes(10, 10)).await.unwrap().json().await.unwrap();
    let photo_url = first["photo_url"].as_str().unwrap().to_string();

    let text = put(b"<html>not an image</html>".to_vec()).await.unwrap();
    assert_eq!(text.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = text.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "photo");
    let huge = put(vec![0u8; 100 * 1024]).await.unwrap();
    assert!(huge.status().is_client_error(), "{}", huge.status());

    let card = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    assert_eq!(
        card["photo_url"],
        photo_url.as_str(),
        "the old photo is kept"
    );
    assert_eq!(
        reqwest::get(app.url(&photo_url)).await.unwrap().status(),
        StatusCode::OK
    );
    let traversal = reqwest::get(app.url("/media/..%2Fcallcard.sqlite"))
        .await
        .unwrap();
    assert_eq!(traversal.status(), StatusCode::NOT_FOUND);
}

async fn vcard_import_prefills_a_card_draft(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\nORG:US Navy;Computing\r\nTEL;TYPE=CELL:010-9999-0000\r\nEMAIL:grace@example.com\r\nEND:VCARD\r\n";
    let draft: serde_json::Value = app
        .client
        .post(app.url("/api/vcard/import"))
        .header("content-type", "text/vcard")
        .body(vcf)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(draft["contents"][0]["name"], "Grace Hopper");
    assert_eq!(draft["contents"][0]["company"], "US Navy");
    assert_eq!(draft["contacts"]["mobile"], "010-9999-0000");
    let refused = app
        .client
        .post(app.url("/api/vcard/import"))
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let list = app.get_json(&app.client, app.url("/api/cards")).await;
    assert_eq!(list, json!([]), "an import stores nothing");
}

async fn openapi_document_lists_the_endpoints(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let document: serde_json::Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/api/auth/signup",
        "/api/auth/login",
        "/api/me",
        "/api/cards",
        "/api/cards/{slug}",
        "/api/cards/{slug}/photo",
        "/api/vcard/import",
        "/api/guild",
        "/api/operator/credits",
        "/api/payments/webhook",
        "/api/numbers/parse",
        "/api/cards/{slug}/call-settings",
        "/api/calls",
        "/api/operator/refunds",
        "/api/operator/adjustments",
        "/api/operator/vouchers/{code}",
        "/api/cards/{slug}/calls",
        "/api/cards/{slug}/callbacks",
        "/api/calls/live/{call}/events",
        "/api/calls/live/{call}/hangup",
    ] {
        assert!(paths.contains_key(path), "missing {path}");
    }
    assert!(document["components"]["schemas"]["CardInput"].is_object());
}

both_backends!(call_settings_are_validated_private_and_kept_unless_sent);

async fn call_settings_are_validated_private_and_kept_unless_sent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let account = app.sign_up(&app.client, "ada@example.com").await;
    let mut card = card_json(Some("ada"), "Ada");
    card["call"] = json!({
        "call_quota": 25, "max_call_minutes": 5, "time_zone": "Asia/Seoul",
        "available_from": "9:30", "available_until": "24:00", "available_days": ["sat", "mon"],
        "allowed_regions": ["kr", "JP"], "landline": "031-123-4567;89", "mobile": "", "internet_phone": false
    });
    // Issue 8: a card rings only numbers its issuer verified (the extension is not part of it).
    let unverified = app.create_card(&app.client, card.clone()).await;
    assert_eq!(unverified.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = unverified.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"][0]["field"], "call.landline",
        "{body}"
    );
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Verify +82311234567"),
        "{body}"
    );
    app.verify_number(&account, "+82311234567").await;
    assert_eq!(
        app.create_card(&app.client, card).await.status(),
        StatusCode::CREATED
    );
    let settings = app
        .get_json(&app.client, app.url("/api/cards/ada/call-settings"))
        .await;
    assert_eq!(settings["landline"], "+82311234567;89", "{settings}");
    assert_eq!(settings["available_from"], "09:30");
    assert_eq!(settings["available_days"], json!(["mon", "sat"]));
    assert_eq!(settings["allowed_regions"], json!(["KR", "JP"]));

    let page = app
        .get_text(&reqwest::Client::new(), app.url("/c/ada"))
        .await;
    assert!(
        !page.contains("1234567") && !page.contains("call_quota"),
        "destinations stay private"
    );

    // An update without `call` keeps them; a bad one is refused whole, naming the fields.
    let updated = app
        .client
        .put(app.url("/api/cards/ada"))
        .json(&card_json(None, "Ada L."))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    let kept = app
        .get_json(&app.client, app.url("/api/cards/ada/call-settings"))
        .await;
    assert_eq!(kept, settings);
    let mut bad = card_json(None, "Ada Changed");
    bad["call"] = json!({
        "call_quota": 25, "max_call_minutes": 0, "time_zone": "Mars/Olympus",
        "available_from": "09:00", "available_until": "18:00", "available_days": ["mon"],
        "allowed_regions": ["KR"], "landline": "", "mobile": "", "internet_phone": true
    });
    let refused = app
        .client
        .put(app.url("/api/cards/ada"))
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = refused.json().await.unwrap();
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["call.max_call_minutes", "call.time_zone"]);
    let page = app
        .get_text(&reqwest::Client::new(), app.url("/c/ada?lang=en"))
        .await;
    assert!(
        page.contains("Ada L.") && !page.contains("Ada Changed"),
        "nothing of the refused update was stored"
    );

    let stranger = app.new_client();
    app.sign_up(&stranger, "bob@example.com").await;
    let hidden = stranger
        .get(app.url("/api/cards/ada/call-settings"))
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
}

/// Data read back never falls back to a default: a template, a first language or a text's
/// language that this project never writes means the row is damaged, and the card's pages say
/// so (500, logged) instead of showing it as something else.
async fn a_damaged_stored_card_is_an_error_not_a_guess(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    for (slug, damage) in [
        (
            "neon",
            "UPDATE cards SET template = 'neon' WHERE slug = 'neon'",
        ),
        (
            "klingon",
            "UPDATE cards SET default_lang = 'tlh' WHERE slug = 'klingon'",
        ),
        (
            "mixed",
            "UPDATE card_contents SET lang = 'xx' WHERE lang = 'ko' AND card_id = (SELECT id FROM cards WHERE slug = 'mixed')",
        ),
    ] {
        let mut card = card_json(Some(slug), "Ada");
        card["published"] = json!(true);
        let created = app.create_card(&app.client, card).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        app.db.execute_unprepared(damage).await.unwrap();
        app.state.cards().pages.clear();
        let page = app
            .client
            .get(app.url(&format!("/c/{slug}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::INTERNAL_SERVER_ERROR, "{slug}");
        let api = app
            .client
            .get(app.url(&format!("/api/cards/{slug}")))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), StatusCode::INTERNAL_SERVER_ERROR, "{slug}");
    }
    // Other cards are untouched by a damaged one.
    let created = app
        .create_card(&app.client, card_json(Some("fine"), "Ada"))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let api = app
        .client
        .get(app.url("/api/cards/fine"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::OK);
}
