//! Markup in what issuers and strangers type stays text, and every response carries the
//! hardening headers (issue 8: "script in the issuer's own session"; BRIEF R3, R4, R18).

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::json;
use server::security_headers::inline_script_hashes;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json};

both_backends!(
    editor_shows_an_imported_note_as_text,
    editor_shows_a_stored_note_as_text,
    card_page_keeps_markup_as_text_and_out_of_link_previews,
    every_page_type_sends_a_policy_that_allows_its_own_scripts,
    https_installations_send_hsts,
    dashboard_notice_never_repeats_the_query,
);

/// Closes the editor's `<textarea>` and tries to run script two ways.
const NOTE_IMG: &str = r#"</textarea><img src=x onerror="window.__pwned=1">"#;
const NOTE_SCRIPT: &str = "</textarea><script>window.__pwned=2</script>";

/// The markup an attack would leave in a page if it got through.
const LIVE_MARKUP: [&str; 4] = [
    "<img src=x",
    "<script>window.__pwned",
    "<svg onload",
    "<b>bold</b>",
];

fn assert_no_live_markup(html: &str, page: &str) {
    for live in LIVE_MARKUP {
        assert!(!html.contains(live), "{page} carries live {live}: {html}");
    }
}

async fn editor_shows_an_imported_note_as_text(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    for note in [NOTE_IMG, NOTE_SCRIPT] {
        let vcf =
            format!("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Mallory\r\nNOTE:{note}\r\nEND:VCARD\r\n");
        let form = reqwest::multipart::Form::new().part(
            "vcard",
            reqwest::multipart::Part::bytes(vcf.into_bytes()).file_name("mallory.vcf"),
        );
        let response = app
            .client
            .post(app.url("/dashboard/cards/import"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap();
        assert!(
            html.contains("value=\"Mallory\""),
            "the import prefilled the editor"
        );
        assert_note_is_text(&html, note);
    }
}

async fn editor_shows_a_stored_note_as_text(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let mut card = card_json(Some("ada"), "Ada Lovelace");
    card["contents"][0]["note"] = json!(NOTE_IMG);
    card["contents"][1]["note"] = json!(NOTE_SCRIPT);
    let created = app.create_card(&app.client, card).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let html = app
        .get_text(&app.client, app.url("/dashboard/cards/ada/edit"))
        .await;
    assert_note_is_text(&html, NOTE_IMG);
    assert_note_is_text(&html, NOTE_SCRIPT);
}

/// The note is inside its textarea, escaped, and no markup of it is live.
fn assert_note_is_text(html: &str, note: &str) {
    let escaped = note
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    assert!(html.contains(&escaped), "note not shown as text: {html}");
    assert_eq!(
        html.matches("<textarea").count(),
        html.matches("</textarea>").count(),
        "a note closed its textarea: {html}"
    );
    assert_no_live_markup(html, "the editor");
}

async fn card_page_keeps_markup_as_text_and_out_of_link_previews(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let mut card = card_json(
        Some("mallory"),
        "Mallory\"><script>window.__pwned=1</script>",
    );
    card["contents"][0]["title"] = json!("</title><script>window.__pwned=2</script>");
    card["contents"][0]["company"] = json!("<img src=x onerror=\"window.__pwned=3\">");
    card["contents"][0]["department"] = json!("<b>bold</b>");
    card["contents"][0]["note"] = json!("<svg onload=\"window.__pwned=4\">");
    card["contents"][0]["address"] = json!("</p><script>window.__pwned=5</script>");
    let created = app.create_card(&app.client, card).await;
    assert_eq!(created.status(), StatusCode::CREATED);

    let benign = benign_page_scripts(&app).await;
    // Twice: the second answer comes from the page cache. The card page loads the card bundle
    // as the benign page does; the call window loads the app bundle, whose loader names other
    // files: its scripts are the policy's, which are learnt from pages without user data.
    for path in [
        "/c/mallory?lang=en",
        "/c/mallory?lang=en",
        "/embed/mallory?lang=en",
        "/c/mallory/call?lang=en",
        "/embed/mallory/call?lang=en",
    ] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let allowed = allowed_script_hashes(response.headers(), path);
        let html = response.text().await.unwrap();
        assert_no_live_markup(&html, path);
        let scripts = inline_script_hashes(&html);
        if path.contains("/call") {
            assert_eq!(scripts.len(), benign.len(), "{path}");
            assert!(
                scripts.iter().all(|script| allowed.contains(script)),
                "{path} has only the inline scripts of a page without user data"
            );
        } else {
            assert_eq!(
                scripts, benign,
                "{path} has exactly the inline scripts of a page without user data"
            );
        }
    }
    let card = app
        .get_text(&app.client, app.url("/c/mallory?lang=en"))
        .await;
    let title = tag_containing(&card, "<title>", "</title>");
    assert!(
        title.contains("&lt;script&gt;") && !title.contains("<script"),
        "{title}"
    );
    let og_title = tag_containing(&card, "<meta property=\"og:title\"", ">");
    assert!(
        og_title.contains("content=\"Mallory&quot;&gt;&lt;script&gt;"),
        "{og_title}"
    );
    let og_description = tag_containing(&card, "<meta property=\"og:description\"", ">");
    assert!(
        og_description.contains("&lt;/title&gt;&lt;script&gt;"),
        "{og_description}"
    );
    assert!(!og_description.contains("\"><"), "{og_description}");
}

/// The first `start`…`end` span of `html`.
fn tag_containing<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let to = html[from + start.len()..].find(end).unwrap() + from + start.len() + end.len();
    &html[from..to]
}

/// The inline scripts' hashes of a page that holds no user data: what every page may carry.
async fn benign_page_scripts(app: &TestApp) -> Vec<String> {
    inline_script_hashes(&app.get_text(&app.client, app.url("/no-such-page")).await)
}

/// The `'sha256-…'` sources that the policy's `script-src` allows.
fn allowed_script_hashes(headers: &HeaderMap, page: &str) -> Vec<String> {
    let policy = headers
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("no Content-Security-Policy on {page}"))
        .to_str()
        .unwrap();
    let script_src = policy
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("script-src "))
        .unwrap_or_else(|| panic!("no script-src on {page}: {policy}"));
    assert!(
        !script_src.contains("'unsafe-inline'") && !script_src.contains("'unsafe-eval'"),
        "{page}: {script_src}"
    );
    let frame = if is_card_page(page) {
        "frame-ancestors 'self'"
    } else {
        "frame-ancestors 'none'"
    };
    for directive in [
        "object-src 'none'",
        "base-uri 'none'",
        frame,
        "script-src-attr 'none'",
    ] {
        assert!(policy.contains(directive), "{page} lacks {directive}");
    }
    script_src
        .split_whitespace()
        .filter(|source| source.starts_with("'sha256-"))
        .map(str::to_string)
        .collect()
}

/// A card's pages may be framed by callcard itself (issue 12: the embed and its preview); no
/// other page, nor a card's files (QR codes), may be framed at all.
fn is_card_page(page: &str) -> bool {
    let path = page.split('?').next().unwrap_or(page);
    (path.starts_with("/c/") || path.starts_with("/embed/")) && !path.contains('.')
}

fn assert_hardening_headers(headers: &HeaderMap, page: &str) {
    let header = |name: &str| {
        headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} on {page}"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let x_frame = if is_card_page(page) {
        "SAMEORIGIN"
    } else {
        "DENY"
    };
    assert_eq!(header("x-frame-options"), x_frame, "{page}");
    assert_eq!(
        header("cross-origin-opener-policy"),
        "same-origin",
        "{page}"
    );
    assert_eq!(header("x-content-type-options"), "nosniff", "{page}");
    assert!(
        header("permissions-policy").contains("microphone=(self)"),
        "{page}: the call window needs the microphone"
    );
    assert!(
        headers.get("strict-transport-security").is_none(),
        "{page}: no HSTS over plain http"
    );
}

/// An attribute such as ` onclick=` anywhere in a tag.
fn has_inline_handler(html: &str) -> bool {
    html.match_indices(" on").any(|(at, _)| {
        let name: String = html[at + 3..]
            .chars()
            .take_while(char::is_ascii_lowercase)
            .collect();
        !name.is_empty() && html[at + 3 + name.len()..].starts_with('=')
    })
}

async fn every_page_type_sends_a_policy_that_allows_its_own_scripts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada Lovelace"))
        .await;
    let anonymous = app.new_client();
    let pages = [
        (&anonymous, "/", StatusCode::OK),
        (&anonymous, "/signup", StatusCode::OK),
        (&anonymous, "/login", StatusCode::OK),
        (&anonymous, "/c/ada", StatusCode::OK),
        (&anonymous, "/c/ada", StatusCode::OK),
        (&anonymous, "/c/ada/call", StatusCode::OK),
        (&anonymous, "/embed/ada", StatusCode::OK),
        (&anonymous, "/embed/ada/call", StatusCode::OK),
        (&anonymous, "/no-such-page", StatusCode::NOT_FOUND),
        (&app.client, "/dashboard", StatusCode::OK),
        (&app.client, "/dashboard/cards/new", StatusCode::OK),
        (&app.client, "/dashboard/cards/ada/edit", StatusCode::OK),
        (&app.client, "/dashboard/calls", StatusCode::OK),
        (&app.client, "/dashboard/cards/ada/embed", StatusCode::OK),
    ];
    for (client, path, status) in pages {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        let headers = response.headers().clone();
        assert_hardening_headers(&headers, path);
        let allowed = allowed_script_hashes(&headers, path);
        let html = response.text().await.unwrap();
        let scripts = inline_script_hashes(&html);
        assert!(
            !scripts.is_empty(),
            "{path}: the hydration loader is inline"
        );
        for script in scripts {
            assert!(
                allowed.contains(&script),
                "{path}: inline script {script} is not allowed by {allowed:?}"
            );
        }
        assert!(!has_inline_handler(&html), "{path} has an inline handler");
    }
    // Not only pages: JSON, refusals and files get the headers too.
    let refused_cross_site = anonymous
        .post(app.url("/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused_cross_site.status(), StatusCode::FORBIDDEN);
    for response in [
        anonymous.get(app.url("/healthz")).send().await.unwrap(),
        app.client.get(app.url("/api/guild")).send().await.unwrap(),
        anonymous
            .get(app.url("/c/ada/qr.svg"))
            .send()
            .await
            .unwrap(),
        refused_cross_site,
    ] {
        let page = response.url().path().to_string();
        assert_hardening_headers(response.headers(), &page);
        allowed_script_hashes(response.headers(), &page);
    }
}

async fn https_installations_send_hsts(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| {
        settings.public_url = "https://cards.example".into();
    })
    .await;
    let response = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=63072000"
    );
}

async fn dashboard_notice_never_repeats_the_query(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada Lovelace"))
        .await;
    let saved = app
        .get_text(&app.client, app.url("/dashboard?saved=ada"))
        .await;
    assert!(saved.contains("Saved. The card is at /c/ada."), "{saved}");
    for query in [
        "saved=ada.%20Your%20Guild%20was%20frozen%3A%20call%20%2B1%20900%20555%200100",
        "saved=%3Cb%3Ebold%3C%2Fb%3E",
        "voucher=Your%20Guild%20was%20frozen",
    ] {
        let html = app
            .get_text(&app.client, app.url(&format!("/dashboard?{query}")))
            .await;
        assert!(!html.contains("frozen"), "{query} was reflected");
        assert!(!html.contains("bold"), "{query} was reflected");
        assert!(
            !html.contains("class=\"notice\""),
            "{query}: no notice at all"
        );
    }
}
