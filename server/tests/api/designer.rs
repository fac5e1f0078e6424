//! The card designer through the real routes (issue 11, BRIEF R2): the preview shows what the
//! form would save and saves nothing, never lets a refused value into a link or a style, follows
//! the open language tab, copies between languages without script, and the tabs say how
//! complete each language is.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::both_backends;
use app::i18n::card_form_text;
use app::model::Lang;

use crate::helpers::{Backend, TestApp, card_json, png_bytes};

both_backends!(
    the_preview_shows_the_form_as_typed_and_saves_nothing,
    the_preview_keeps_refused_values_out_of_links_and_styles,
    the_preview_speaks_the_open_tab_or_says_what_callers_see,
    copy_without_script_fills_empty_fields_and_opens_that_tab,
    a_refused_save_reopens_the_tab_that_holds_the_refusal,
    tabs_say_how_complete_each_language_is,
    only_the_owner_previews_a_stored_card,
    a_field_longer_than_any_card_takes_is_refused_before_it_is_rendered,
    the_live_preview_drops_an_image_ticked_for_removal_and_the_page_keeps_it,
    saving_bounds_each_field_before_it_is_kept_and_keeps_the_stored_card,
    framing_the_photo_and_choosing_a_type_show_on_the_card_and_in_the_preview,
    the_names_reading_is_kept_per_language_and_shown_under_the_name,
);

/// The designer's form for a card in English, as the browser sends it (images left empty).
fn form(pairs: &[(&str, &str)]) -> Form {
    let mut form = Form::new()
        .text("default_lang", "en")
        .text("theme.template", "modern")
        .text("theme.primary_color", "#112233")
        .text("theme.accent_color", "#445566");
    for (name, value) in pairs {
        form = form.text(name.to_string(), value.to_string());
    }
    form.part("photo", Part::bytes(Vec::new()).file_name(""))
}

/// Ada, signed in, with her card at `/c/ada` (made through the JSON API).
pub(crate) async fn issuer_with_card(app: &TestApp) {
    app.sign_up(&app.client, "ada@example.com").await;
    let created = app
        .create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
}

/// Gives Ada's card a photo through the JSON API.
async fn upload_photo(app: &TestApp, png: Vec<u8>) {
    let uploaded = app
        .client
        .put(app.url("/api/cards/ada/photo"))
        .header("content-type", "image/png")
        .body(png)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::OK);
}

/// Posts a multipart form as the issuer's browser does: its status and page.
pub(crate) async fn post(app: &TestApp, path: &str, form: Form) -> (StatusCode, String) {
    let response = app
        .client
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// The whole start tag of the element whose attributes contain `needle`.
fn tag_with<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in the page"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

async fn the_preview_shows_the_form_as_typed_and_saves_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    issuer_with_card(&app).await;
    let (status, pane) = post(
        &app,
        "/dashboard/cards/ada/preview?part=preview",
        form(&[
            ("editing_lang", "en"),
            ("content.en.name", "Ada Lovelace"),
            ("content.en.title", "Countess"),
            ("contacts.mobile", "010-1234-5678"),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!pane.contains("<html"), "the pane alone, not a page");
    for needle in [
        "Ada Lovelace",
        "Countess",
        "template-modern",
        "--card-primary:#112233;",
        "tel:010-1234-5678",
        // The stored card's address: its QR code is in the preview.
        "/c/ada/qr.svg",
    ] {
        assert!(pane.contains(needle), "{needle} missing from {pane}");
    }
    let page = app
        .client
        .get(app.url("/c/ada"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Ada") && !page.contains("Ada Lovelace"),
        "nothing saved"
    );

    // Without script the same route answers the whole designer, with the preview in it.
    let (status, html) = post(
        &app,
        "/dashboard/cards/ada/preview",
        form(&[("editing_lang", "en"), ("content.en.name", "Ada Lovelace")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"card-form\"") && html.contains("id=\"card-preview\""));
    assert!(tag_with(&html, "name=\"content.en.name\"").contains("value=\"Ada Lovelace\""));
}

async fn the_preview_keeps_refused_values_out_of_links_and_styles(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let (status, pane) = post(
        &app,
        "/dashboard/cards/preview?part=preview",
        form(&[
            ("content.en.name", "<script>alert(1)</script>"),
            (
                "theme.primary_color",
                "red;background:url(https://evil.example/)",
            ),
            ("contacts.homepage", "javascript:alert(1)"),
            ("links.0.label", "Me"),
            ("links.0.url", "javascript:alert(2)"),
            ("contacts.email", "\"><img src=x>"),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for refused in ["<script>", "javascript:", "evil.example", "<img src=x"] {
        assert!(
            !pane.contains(refused),
            "{refused} reached the preview: {pane}"
        );
    }
    assert!(
        pane.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the name is shown as text"
    );
    assert!(
        pane.contains("--card-primary:#1f3a5f;"),
        "the default colour instead"
    );
    assert!(
        !pane.contains("qr.svg"),
        "a card not saved has no address to encode"
    );
}

async fn the_preview_speaks_the_open_tab_or_says_what_callers_see(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let typed = [
        ("content.en.name", "Ada"),
        ("content.ko.name", "에이다"),
        ("content.ko.title", "엔지니어"),
    ];
    let pane_for = |tab: &'static str| {
        let mut pairs = typed.to_vec();
        pairs.push(("editing_lang", tab));
        form(&pairs)
    };
    let (_, korean) = post(
        &app,
        "/dashboard/cards/preview?part=preview",
        pane_for("ko"),
    )
    .await;
    assert!(korean.contains("에이다") && korean.contains("lang=\"ko\""));
    assert!(!korean.contains("preview-note"));
    let (_, japanese) = post(
        &app,
        "/dashboard/cards/preview?part=preview",
        pane_for("ja"),
    )
    .await;
    assert!(
        japanese.contains("preview-note") && japanese.contains(">Ada<"),
        "no Japanese yet: the card callers get, in the first language, and a word on it: {japanese}"
    );
    let (_, empty) = post(
        &app,
        "/dashboard/cards/preview?part=preview",
        form(&[("editing_lang", "en")]),
    )
    .await;
    assert!(empty.contains("preview-empty") && !empty.contains("<article"));
}

async fn copy_without_script_fills_empty_fields_and_opens_that_tab(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let (status, html) = post(
        &app,
        "/dashboard/cards/preview",
        form(&[
            ("editing_lang", "ja"),
            ("content.en.name", "Ada"),
            ("content.en.title", "Engineer"),
            ("content.ja.name", "エイダ"),
            ("copy", "en:ja"),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        tag_with(&html, "name=\"content.ja.name\"").contains("value=\"エイダ\""),
        "kept"
    );
    assert!(tag_with(&html, "name=\"content.ja.title\"").contains("value=\"Engineer\""));
    assert!(tag_with(&html, "id=\"tab-ja\"").contains("checked"));
    assert!(!tag_with(&html, "id=\"tab-en\"").contains("checked"));
    let cards: serde_json::Value = app
        .client
        .get(app.url("/api/cards"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        cards.as_array().map(Vec::len),
        Some(0),
        "nothing saved: {cards}"
    );
}

async fn a_refused_save_reopens_the_tab_that_holds_the_refusal(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let (status, html) = post(
        &app,
        "/dashboard/cards",
        form(&[
            ("editing_lang", "en"),
            ("content.en.name", "Ada"),
            // Japanese text without a name is refused.
            ("content.ja.title", "技術者"),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("data-field-error=\"content.ja.name\""));
    assert!(tag_with(&html, "id=\"tab-ja\"").contains("checked"));
    assert!(html.contains("class=\"tab-error\""));
}

async fn tabs_say_how_complete_each_language_is(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // English: name, title, company; Korean: name and title.
    issuer_with_card(&app).await;
    let html = app
        .client
        .get(app.url("/dashboard/cards/ada/edit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let status_of = |code: &str| {
        let label = &html[html.find(&format!("for=\"tab-{code}\"")).unwrap()..];
        let mark = &label[label.find("data-status=\"").unwrap() + 13..];
        mark[..mark.find('"').unwrap()].to_string()
    };
    assert_eq!(status_of("en"), "complete");
    assert_eq!(status_of("ko"), "missing", "the company is missing");
    assert_eq!(status_of("ja"), "not-on-card");
    assert!(html.contains("1 missing"));
    // The tab open is the language shown first.
    assert!(tag_with(&html, "id=\"tab-en\"").contains("checked"));
}

async fn only_the_owner_previews_a_stored_card(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    issuer_with_card(&app).await;
    let other = app.new_client();
    app.sign_up(&other, "eve@example.com").await;
    let response = other
        .post(app.url("/dashboard/cards/ada/preview?part=preview"))
        .multipart(form(&[("content.en.name", "Mine now")]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let anonymous = app
        .new_client()
        .post(app.url("/dashboard/cards/preview?part=preview"))
        .multipart(form(&[("content.en.name", "Anyone")]))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER, "log in first");
}

async fn a_field_longer_than_any_card_takes_is_refused_before_it_is_rendered(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let megabyte = "<".repeat(1024 * 1024);
    let response = app
        .client
        .post(app.url("/dashboard/cards/preview?part=preview"))
        // The refusal comes before the body is read to its end: a fresh connection afterwards.
        .header("connection", "close")
        .multipart(form(&[("content.en.name", megabyte.as_str())]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // A note as long as a card takes is fine.
    let note = "가".repeat(2000);
    let (status, pane) = post(
        &app,
        "/dashboard/cards/preview?part=preview",
        form(&[
            ("content.en.name", "Ada"),
            ("content.en.note", note.as_str()),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(pane.contains(&note));
}

async fn the_live_preview_drops_an_image_ticked_for_removal_and_the_page_keeps_it(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    issuer_with_card(&app).await;
    upload_photo(&app, png_bytes(200, 200)).await;
    let typed = [("editing_lang", "en"), ("content.en.name", "Ada")];
    let (_, kept) = post(
        &app,
        "/dashboard/cards/ada/preview?part=preview",
        form(&typed),
    )
    .await;
    assert!(
        kept.contains("class=\"card-photo\""),
        "the stored photo: {kept}"
    );
    let mut ticked = typed.to_vec();
    ticked.push(("remove_photo", "true"));
    let (_, pane) = post(
        &app,
        "/dashboard/cards/ada/preview?part=preview",
        form(&ticked),
    )
    .await;
    assert!(!pane.contains("card-photo"), "ticked for removal: {pane}");
    // The whole page shows the box unticked again, so its preview keeps the photo too: what
    // it shows is what Save would do with the form as it comes back.
    let (_, page) = post(&app, "/dashboard/cards/ada/preview", form(&ticked)).await;
    assert!(!tag_with(&page, "name=\"remove_photo\"").contains("checked"));
    assert!(page.contains("class=\"card-photo\""));
}

/// The save routes read the form through the preview's bounded reader (issue 8's rule): a
/// pasted megabyte or a flood of parts is refused in the issuer's language before it is kept,
/// and the stored card is untouched; an image past the upload limit is held only up to it and
/// refused beside the form's other fields.
async fn saving_bounds_each_field_before_it_is_kept_and_keeps_the_stored_card(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| {
        settings.upload_max_bytes = 64 * 1024;
        settings.video_max_bytes = 128 * 1024;
    })
    .await;
    issuer_with_card(&app).await;
    app.choose_language(&app.client, "ko").await;
    let korean = card_form_text(Lang::Ko);
    let before = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    let megabyte = "A".repeat(1024 * 1024);
    for path in ["/dashboard/cards/ada", "/dashboard/cards"] {
        let response = app
            .client
            .post(app.url(path))
            .header("connection", "close")
            .multipart(form(&[
                ("slug", "ada2"),
                ("content.en.name", megabyte.as_str()),
            ]))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["message"], korean.field_too_long, "{path}");
    }
    let mut flood = form(&[("content.en.name", "Mallory")]);
    for index in 0..300 {
        flood = flood.text(format!("junk.{index}"), "x");
    }
    let response = app
        .client
        .post(app.url("/dashboard/cards/ada"))
        .multipart(flood)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let oversized_photo = form(&[("content.en.name", "Mallory")]).part(
        "photo",
        Part::bytes(vec![0u8; 200 * 1024]).file_name("big.png"),
    );
    let response = app
        .client
        .post(app.url("/dashboard/cards/ada"))
        .multipart(oversized_photo)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(&korean.image_too_large("64 KB")),
        "the image's refusal, with the configured limit"
    );

    // A body past the route's limit (three images, a video and some) names both limits.
    let past_the_body_limit = form(&[("content.en.name", "Mallory")]).part(
        "photo",
        Part::bytes(vec![0u8; 600 * 1024]).file_name("huge.png"),
    );
    let response = app
        .client
        .post(app.url("/dashboard/cards/ada"))
        .header("connection", "close")
        .multipart(past_the_body_limit)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = response.json().await.unwrap();
    let both_limits = format!(
        "{} {}",
        korean.upload_too_large("64 KB"),
        app::i18n::video_text(Lang::Ko).too_large("128 KB")
    );
    assert_eq!(body["error"]["message"], both_limits);

    let cards = app.get_json(&app.client, app.url("/api/cards")).await;
    let cards = cards.as_array().expect("a list of cards");
    assert_eq!(cards.len(), 1, "nothing created: {cards:?}");
    let stored = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    assert_eq!(stored, before, "the stored card is untouched");
}

/// The photo's framing (issue 11's crop/position) and the card's type: saved with the form,
/// drawn on the card (a style of the image inside its frame, a class on the card), followed by
/// the preview as the sliders move, and a frame out of range or an unknown type refused in the
/// issuer's language with the stored card untouched.
async fn framing_the_photo_and_choosing_a_type_show_on_the_card_and_in_the_preview(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    issuer_with_card(&app).await;
    upload_photo(&app, png_bytes(200, 100)).await;
    // The image tag inside the photo's frame.
    let photo_tag = |page: &str| {
        let frame = page
            .find("<span class=\"card-photo\">")
            .expect("the photo's frame");
        let image = frame + page[frame..].find("<img").unwrap();
        page[image..=image + page[image..].find('>').unwrap()].to_string()
    };
    let framed = [
        ("content.en.name", "Ada"),
        ("published", "true"),
        ("theme.photo_frame.x", "20"),
        ("theme.photo_frame.y", "30"),
        ("theme.photo_frame.zoom", "250"),
        ("theme.font", "serif"),
    ];
    let (status, _) = post(&app, "/dashboard/cards/ada", form(&framed)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let card = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    assert_eq!(
        card["theme"]["photo_frame"],
        serde_json::json!({ "x": 20, "y": 30, "zoom": 250 })
    );
    assert_eq!(
        card["theme"]["logo_frame"],
        serde_json::json!({ "x": 50, "y": 50, "zoom": 100 })
    );
    let page = reqwest::get(app.url("/c/ada"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(card["theme"]["font"], "serif");
    assert!(
        page.contains("class=\"card template-modern font-serif\""),
        "the type on the card"
    );
    let style = "object-position:20% 30%;transform:scale(2.5);transform-origin:20% 30%";
    assert!(photo_tag(&page).contains(style), "{}", photo_tag(&page));

    // The sliders as they move: the preview follows, nothing is saved.
    let moving = [
        ("editing_lang", "en"),
        ("content.en.name", "Ada"),
        ("theme.photo_frame.x", "80"),
        ("theme.photo_frame.y", "30"),
        ("theme.photo_frame.zoom", "100"),
    ];
    let (_, pane) = post(
        &app,
        "/dashboard/cards/ada/preview?part=preview",
        form(&moving),
    )
    .await;
    assert!(
        photo_tag(&pane).contains("style=\"object-position:80% 30%;\""),
        "{pane}"
    );
    // Out of range while typing: the preview draws the default, a save refuses it.
    let wild = [
        ("editing_lang", "en"),
        ("content.en.name", "Ada"),
        ("theme.photo_frame.x", "150"),
        ("theme.photo_frame.zoom", "abc"),
        ("theme.font", "comic"),
    ];
    let (_, pane) = post(
        &app,
        "/dashboard/cards/ada/preview?part=preview",
        form(&wild),
    )
    .await;
    assert!(!photo_tag(&pane).contains("style="), "{pane}");

    app.choose_language(&app.client, "ko").await;
    let korean = card_form_text(Lang::Ko);
    // What is no number or no offered choice is refused as the form is read; a number out of
    // range by the card's rules.
    let out_of_range = [("content.en.name", "Ada"), ("theme.photo_frame.x", "150")];
    for (typed, field, message) in [
        (
            &wild[..],
            "theme.photo_frame.zoom",
            korean.frame_range(100, 400),
        ),
        (&wild[..], "theme.font", korean.pick_font.to_string()),
        (
            &out_of_range[..],
            "theme.photo_frame.x",
            korean.frame_range(0, 100),
        ),
    ] {
        let (status, page) = post(&app, "/dashboard/cards/ada", form(typed)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let refusal = tag_with(&page, &format!("data-field-error=\"{field}\""));
        let at = page.find(refusal).unwrap() + refusal.len();
        assert!(
            page[at..].starts_with(&message),
            "{field}: {}",
            &page[at..at + 80]
        );
    }
    let mut json = card_json(Some("ada"), "Ada");
    json["theme"] = serde_json::json!({
        "template": "modern", "primary_color": "#112233", "accent_color": "#445566",
        "photo_frame": { "x": 0, "y": 0, "zoom": 401 }
    });
    let refused = app
        .client
        .put(app.url("/api/cards/ada"))
        .json(&json)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let after = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    assert_eq!(after, card, "the stored card is untouched");
}

/// How the name is read (issue 11): typed per language tab, kept with that language, shown
/// under the name in it (and only in it), and held to the rules of the card's other text.
async fn the_names_reading_is_kept_per_language_and_shown_under_the_name(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    issuer_with_card(&app).await;
    let typed = [
        ("published", "true"),
        ("content.en.name", "Taro Yamada"),
        ("content.ja.name", "山田太郎"),
        ("content.ja.reading", "やまだ たろう"),
    ];
    let (status, _) = post(&app, "/dashboard/cards/ada", form(&typed)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let card = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    let reading = |lang: &str| {
        card["contents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["lang"] == lang)
            .map(|c| c["reading"].clone())
    };
    assert_eq!(reading("ja"), Some(serde_json::json!("やまだ たろう")));
    assert_eq!(reading("en"), Some(serde_json::json!("")));
    let page = async |lang: &str| {
        reqwest::get(app.url(&format!("/c/ada?lang={lang}")))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let japanese = page("ja").await;
    let shown = tag_with(&japanese, "class=\"card-reading\"");
    let at = japanese.find(shown).unwrap() + shown.len();
    assert!(
        japanese[at..].starts_with("やまだ たろう"),
        "{}",
        &japanese[at..at + 40]
    );
    assert!(
        !page("en").await.contains("card-reading"),
        "no reading in English"
    );

    // Too long, and a control character: refused as the name would be.
    for value in ["あ".repeat(201), "やまだ\u{7}".to_string()] {
        let refused = [
            ("content.en.name", "Taro Yamada"),
            ("content.ja.name", "山田太郎"),
            ("content.ja.reading", value.as_str()),
        ];
        let (status, page) = post(&app, "/dashboard/cards/ada", form(&refused)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{value:?}");
        assert!(
            page.contains("data-field-error=\"content.ja.reading\""),
            "{value:?}"
        );
    }
    let after = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    assert_eq!(after, card, "the stored card is untouched");
}
