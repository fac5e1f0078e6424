//! Embeds through the real routes (issue 12, BRIEF R6): a card's allowed sites and the
//! `frame-ancestors` its pages answer with, the embed page, oEmbed, and the refusals of origins
//! that are not origins — each leaving what was stored untouched.

use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json};

both_backends!(
    a_card_is_framed_by_callcard_alone_until_its_issuer_names_sites,
    bad_origins_are_refused_whole_and_keep_the_stored_list,
    the_dashboard_panel_saves_sites_and_names_each_bad_line,
    two_replacements_of_one_list_never_mix,
    the_embed_is_the_compact_card_and_follows_moves,
    oembed_answers_for_published_cards_only,
    other_pages_may_not_be_framed_at_all,
);

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_string())
}

/// The `frame-ancestors` directive and `X-Frame-Options` of a GET by a stranger.
async fn framing(app: &TestApp, path: &str) -> (StatusCode, String, Option<String>) {
    let response = app.new_client().get(app.url(path)).send().await.unwrap();
    let policy = header(&response, "content-security-policy").unwrap_or_default();
    let frame = policy
        .split("; ")
        .find(|part| part.starts_with("frame-ancestors"))
        .unwrap_or_default()
        .to_string();
    (
        response.status(),
        frame,
        header(&response, "x-frame-options"),
    )
}

async fn put_origins(app: &TestApp, slug: &str, origins: serde_json::Value) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/cards/{slug}/embed-origins")))
        .json(&json!({ "origins": origins }))
        .send()
        .await
        .unwrap()
}

async fn stored(app: &TestApp, slug: &str) -> serde_json::Value {
    app.get_json(
        &app.client,
        app.url(&format!("/api/cards/{slug}/embed-origins")),
    )
    .await["origins"]
        .clone()
}

async fn a_card_is_framed_by_callcard_alone_until_its_issuer_names_sites(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    for path in ["/c/ada", "/embed/ada", "/c/ada/call", "/embed/ada/call"] {
        assert_eq!(
            framing(&app, path).await,
            (
                StatusCode::OK,
                "frame-ancestors 'self'".into(),
                Some("SAMEORIGIN".into())
            ),
            "{path}"
        );
    }
    let saved = put_origins(
        &app,
        "ada",
        json!(["https://shop.example", "http://127.0.0.1:8080"]),
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(
        stored(&app, "ada").await,
        json!(["https://shop.example", "http://127.0.0.1:8080"])
    );
    // The cached card page follows at once, and so do the pages of a callback followed without
    // JavaScript (here, one that is no longer known).
    for path in [
        "/c/ada",
        "/embed/ada",
        "/c/ada/call",
        "/embed/ada/call",
        "/c/ada/callback/0123456789abcdef0123456789abcdef",
    ] {
        let (status, frame, x_frame) = framing(&app, path).await;
        let expected = if path.contains("/callback/") {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        assert_eq!(status, expected, "{path}");
        assert_eq!(
            (frame.as_str(), x_frame),
            (
                "frame-ancestors 'self' https://shop.example http://127.0.0.1:8080",
                None
            ),
            "{path}"
        );
    }
    // An empty list takes the card back to callcard alone.
    assert_eq!(
        put_origins(&app, "ada", json!([])).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        framing(&app, "/c/ada").await.1,
        "frame-ancestors 'self'".to_string()
    );
}

async fn bad_origins_are_refused_whole_and_keep_the_stored_list(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    put_origins(&app, "ada", json!(["https://shop.example"])).await;
    let too_many: Vec<String> = (0..21).map(|n| format!("https://s{n}.example")).collect();
    for (bad, field) in [
        (json!(["https://ok.example", "*"]), "origins[2]"),
        (json!(["javascript:alert(1)"]), "origins[1]"),
        (json!(["https://shop.example/"]), "origins[1]"),
        (json!(["https://Shop.example"]), "origins[1]"),
        (json!(["https://shop.example/path"]), "origins[1]"),
        (json!(["https://a.example; script-src *"]), "origins[1]"),
        (json!(too_many), "origins[21]"),
    ] {
        let refused = put_origins(&app, "ada", bad.clone()).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let body: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["field"], field, "{bad}: {body}");
        assert_eq!(stored(&app, "ada").await, json!(["https://shop.example"]));
    }
    // Not a list at all, or too big to read.
    let garbage = app
        .client
        .put(app.url("/api/cards/ada/embed-origins"))
        .header("content-type", "application/json")
        .body(r#"{"origins": "https://shop.example"}"#)
        .send()
        .await
        .unwrap();
    assert!(garbage.status().is_client_error(), "{}", garbage.status());
    let huge = app
        .client
        .put(app.url("/api/cards/ada/embed-origins"))
        .header("content-type", "application/json")
        // Refused before the body is read, so the server drops the connection: not for reuse.
        .header("connection", "close")
        .body(format!(r#"{{"origins": ["{}"]}}"#, "a".repeat(1 << 20)))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(stored(&app, "ada").await, json!(["https://shop.example"]));
    // Someone else's card is not found, and nothing changes on it.
    let other = app.new_client();
    app.sign_up(&other, "bob@example.com").await;
    let foreign = other
        .put(app.url("/api/cards/ada/embed-origins"))
        .json(&json!({"origins": ["https://bob.example"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    assert_eq!(stored(&app, "ada").await, json!(["https://shop.example"]));
}

async fn the_dashboard_panel_saves_sites_and_names_each_bad_line(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    let panel = app
        .get_text(&app.client, app.url("/dashboard/cards/ada/embed"))
        .await;
    assert!(panel.contains(&format!(
        r#"&lt;script src="{}/embed.js" data-card="ada" async&gt;&lt;/script&gt;"#,
        app.url("")
    )));
    assert!(panel.contains(r#"<iframe src="/embed/ada" title="Ada""#));
    let saved = app
        .client
        .post(app.url("/dashboard/cards/ada/embed"))
        .form(&[(
            "origins",
            "https://shop.example\r\n\r\nhttps://blog.example\r\n",
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        header(&saved, "location").as_deref(),
        Some("/dashboard/cards/ada/embed?saved=1")
    );
    let page = app
        .get_text(&app.client, app.url("/dashboard/cards/ada/embed?saved=1"))
        .await;
    assert!(page.contains(r#"class="notice">Saved.</p>"#), "{page}");
    assert!(page.contains(">\nhttps://shop.example\nhttps://blog.example</textarea>"));
    assert_eq!(
        stored(&app, "ada").await,
        json!(["https://shop.example", "https://blog.example"])
    );

    let refused = app
        .client
        .post(app.url("/dashboard/cards/ada/embed"))
        .form(&[("origins", "https://ok.example\nhttps://x.example/\n*")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Line 2: Write the site only, without a path, query or trailing slash: https://x.example"), "{page}");
    assert!(page.contains("Line 3: Name each site"));
    // What was typed stays in the form; what was stored stays stored.
    assert!(page.contains(">\nhttps://ok.example\nhttps://x.example/\n*</textarea>"));
    // Typed markup comes back as text, never as an element.
    let hostile = app
        .client
        .post(app.url("/dashboard/cards/ada/embed"))
        .form(&[("origins", "</textarea><b id=injected>x</b>")])
        .send()
        .await
        .unwrap();
    assert_eq!(hostile.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = hostile.text().await.unwrap();
    assert!(!page.contains("<b id=injected>"), "{page}");
    assert!(page.contains("&lt;/textarea&gt;&lt;b id=injected&gt;x&lt;/b&gt;</textarea>"));
    assert_eq!(
        stored(&app, "ada").await,
        json!(["https://shop.example", "https://blog.example"])
    );
    // Strangers and other issuers see no panel.
    let stranger = app
        .new_client()
        .get(app.url("/dashboard/cards/ada/embed"))
        .send()
        .await
        .unwrap();
    assert!(stranger.status().is_redirection(), "{}", stranger.status());
    assert!(header(&stranger, "location").unwrap().starts_with("/login"));
}

/// Two replacements of one card's list at once (the same rows): the list stored is one of them
/// whole, never a mix of both, on either database.
async fn two_replacements_of_one_list_never_mix(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    let first = json!([
        "https://a.example",
        "https://b.example",
        "https://c.example"
    ]);
    let second = json!(["https://c.example", "https://d.example"]);
    for round in 0..25 {
        let (one, two) = tokio::join!(
            put_origins(&app, "ada", first.clone()),
            put_origins(&app, "ada", second.clone()),
        );
        assert_eq!(one.status(), StatusCode::OK, "round {round}");
        assert_eq!(two.status(), StatusCode::OK, "round {round}");
        let now = stored(&app, "ada").await;
        assert!(now == first || now == second, "round {round}: {now}");
        let (_, frame, _) = framing(&app, "/c/ada").await;
        let expected = format!(
            "frame-ancestors 'self' {}",
            now.as_array()
                .unwrap()
                .iter()
                .map(|o| o.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert_eq!(
            frame, expected,
            "round {round}: the page agrees with the list"
        );
    }
}

async fn the_embed_is_the_compact_card_and_follows_moves(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    let embed = app.get_text(&app.new_client(), app.url("/embed/ada")).await;
    assert!(embed.contains(r#"<main class="card-page embedded">"#));
    assert!(
        embed.contains(r#"href="/embed/ada/call?lang=en""#),
        "the call stays in the frame"
    );
    assert!(embed.contains(r#"<script src="/embed-frame.js" defer></script>"#));
    assert!(
        !embed.contains("qr.svg"),
        "no QR code on the issuer's own site"
    );
    assert!(
        embed.contains(r#"target="_blank""#),
        "web links leave the frame"
    );
    // The card page itself is unchanged, and announces its oEmbed.
    let page = app.get_text(&app.new_client(), app.url("/c/ada")).await;
    assert!(page.contains(r#"href="/c/ada/call?lang=en""#));
    assert!(page.contains("qr.svg"));
    assert!(page.contains(r#"type="application/json+oembed""#));
    assert!(!page.contains("embed-frame.js"));
    // The card page loads the card bundle; the call window the app bundle.
    assert!(page.contains("/pkg/card/card-bundle.js"));
    assert!(!page.contains("/pkg/app.js"));
    let call = app
        .get_text(&app.new_client(), app.url("/embed/ada/call"))
        .await;
    assert!(call.contains("/pkg/app.js"));
    assert!(
        call.contains(r#"href="/embed/ada?lang=en""#),
        "back leads to the embed"
    );

    // A moved card's embeds follow it; an unpublished or deleted card's embed is not found.
    app.client
        .put(app.url("/api/cards/ada"))
        .json(&card_json(Some("countess"), "Ada"))
        .send()
        .await
        .unwrap();
    for (old, new) in [
        ("/embed/ada", "/embed/countess"),
        ("/embed/ada/call?lang=ko", "/embed/countess/call?lang=ko"),
    ] {
        let moved = app.new_client().get(app.url(old)).send().await.unwrap();
        assert_eq!(moved.status(), StatusCode::MOVED_PERMANENTLY, "{old}");
        assert_eq!(header(&moved, "location").as_deref(), Some(new), "{old}");
    }
    let mut hidden = card_json(Some("countess"), "Ada");
    hidden["published"] = json!(false);
    app.client
        .put(app.url("/api/cards/countess"))
        .json(&hidden)
        .send()
        .await
        .unwrap();
    let (status, frame, _) = framing(&app, "/embed/countess").await;
    assert_eq!(
        (status, frame.as_str()),
        (StatusCode::NOT_FOUND, "frame-ancestors 'none'")
    );
    // Its owner still previews it.
    let own = app
        .client
        .get(app.url("/embed/countess"))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    app.client
        .delete(app.url("/api/cards/countess"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        framing(&app, "/embed/countess").await.0,
        StatusCode::NOT_FOUND
    );
}

async fn oembed_answers_for_published_cards_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let mut card = card_json(Some("ada"), r#"Ada "A" <King>"#);
    app.create_card(&app.client, card.clone()).await;
    let oembed = |url: String| {
        let app = &app;
        async move {
            app.new_client()
                .get(app.url("/oembed"))
                .query(&[("url", url.as_str()), ("format", "json")])
                .send()
                .await
                .unwrap()
        }
    };
    let answer = oembed(app.url("/c/ada?lang=ko")).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["version"], "1.0");
    assert_eq!(body["type"], "rich");
    assert_eq!(body["title"], r#"Ada "A" <King>"#);
    assert_eq!(body["width"], 380);
    let html = body["html"].as_str().unwrap();
    assert!(
        html.starts_with(&format!(r#"<iframe src="{}/embed/ada""#, app.url(""))),
        "{html}"
    );
    assert!(
        html.contains(r#"title="Ada &quot;A&quot; &lt;King&gt;""#),
        "{html}"
    );
    assert!(html.contains(r#"allow="microphone""#));
    // Sizes within the consumer's bounds.
    let small: serde_json::Value = app
        .new_client()
        .get(app.url("/oembed"))
        .query(&[
            ("url", app.url("/c/ada").as_str()),
            ("maxwidth", "200"),
            ("maxheight", "300"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (small["width"].clone(), small["height"].clone()),
        (json!(200), json!(300))
    );

    for (url, status) in [
        (app.url("/c/nobody"), StatusCode::NOT_FOUND),
        (
            "https://elsewhere.example/c/ada".to_string(),
            StatusCode::NOT_FOUND,
        ),
        (app.url("/dashboard"), StatusCode::NOT_FOUND),
        ("javascript:alert(1)".to_string(), StatusCode::NOT_FOUND),
        (
            format!("{}/c/{}", app.url(""), "a".repeat(3000)),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        assert_eq!(oembed(url.clone()).await.status(), status, "{url}");
    }
    let xml = app
        .new_client()
        .get(app.url("/oembed"))
        .query(&[("url", app.url("/c/ada").as_str()), ("format", "xml")])
        .send()
        .await
        .unwrap();
    assert_eq!(xml.status(), StatusCode::NOT_IMPLEMENTED);
    let no_url = app
        .new_client()
        .get(app.url("/oembed"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_url.status(), StatusCode::BAD_REQUEST);
    // An unpublished card is no one's to embed.
    card["published"] = json!(false);
    app.client
        .put(app.url("/api/cards/ada"))
        .json(&card)
        .send()
        .await
        .unwrap();
    assert_eq!(
        oembed(app.url("/c/ada")).await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn other_pages_may_not_be_framed_at_all(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    app.create_card(&app.client, card_json(Some("ada"), "Ada"))
        .await;
    put_origins(&app, "ada", json!(["https://shop.example"])).await;
    for path in [
        "/",
        "/login",
        "/signup",
        "/dashboard",
        "/c/nobody",
        "/oembed",
    ] {
        let (_, frame, x_frame) = framing(&app, path).await;
        assert_eq!(
            (frame.as_str(), x_frame.as_deref()),
            ("frame-ancestors 'none'", Some("DENY")),
            "{path}"
        );
    }
    let scripts = app
        .new_client()
        .get(app.url("/embed.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(scripts.status(), StatusCode::OK);
    assert_eq!(
        header(&scripts, "content-type").as_deref(),
        Some("text/javascript; charset=utf-8")
    );
    let body = scripts.text().await.unwrap();
    assert!(body.contains("event.source !== frame.contentWindow"));
}
