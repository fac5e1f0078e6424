//! A card page answered from memory is never stale (BRIEF R5, issue 12): every kind of change
//! shows on the next view, on this process and, on PostgreSQL, on another process of the same
//! installation — now that a view reads nothing from the database while the cache is told of
//! changes (`cards/page_cache.rs`, `cards/changes.rs`).

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json, png_bytes};

both_backends!(every_change_shows_on_the_next_view);

/// The status and body of a stranger's view of `url`.
async fn view(url: String) -> (StatusCode, String) {
    let response = reqwest::get(url).await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn every_change_shows_on_the_next_view(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.sign_up(&app.client, "ada@example.com").await;
    let mut card = card_json(Some("ada"), "Ada One");
    app.create_card(&app.client, card.clone()).await;
    // Kept in memory by the first view; each change must reach the second.
    for path in ["/c/ada", "/embed/ada"] {
        assert!(view(app.url(path)).await.1.contains("Ada One"));
        assert!(view(app.url(path)).await.1.contains("Ada One"));
    }
    let put = |body: serde_json::Value| {
        let app = &app;
        async move {
            let response = app
                .client
                .put(app.url("/api/cards/ada"))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
        }
    };

    card["contents"][0]["name"] = json!("Ada Two");
    put(card.clone()).await;
    for path in ["/c/ada", "/embed/ada"] {
        assert!(view(app.url(path)).await.1.contains("Ada Two"), "{path}");
    }

    let photo = app
        .client
        .put(app.url("/api/cards/ada/photo"))
        .header("content-type", "image/png")
        .body(png_bytes(30, 30))
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), StatusCode::OK);
    assert!(view(app.url("/c/ada")).await.1.contains("card-photo"));

    let sites = app
        .client
        .put(app.url("/api/cards/ada/embed-origins"))
        .json(&json!({"origins": ["https://shop.example"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(sites.status(), StatusCode::OK);
    let framed = reqwest::get(app.url("/embed/ada")).await.unwrap();
    assert!(
        framed.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'self' https://shop.example")
    );

    card["published"] = json!(false);
    put(card.clone()).await;
    assert_eq!(view(app.url("/c/ada")).await.0, StatusCode::NOT_FOUND);
    card["published"] = json!(true);
    put(card.clone()).await;
    assert_eq!(view(app.url("/c/ada")).await.0, StatusCode::OK);
    let unpublished = app
        .client
        .post(app.url("/dashboard/cards/ada/publish"))
        .form(&[("published", "false")])
        .send()
        .await
        .unwrap();
    assert!(unpublished.status().is_redirection());
    assert_eq!(view(app.url("/embed/ada")).await.0, StatusCode::NOT_FOUND);
    card["published"] = json!(true);
    put(card.clone()).await;

    // A move: the old address redirects at once, the new one shows the card.
    card["slug"] = json!("countess");
    put(card.clone()).await;
    let old = app
        .new_client()
        .get(app.url("/c/ada"))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::MOVED_PERMANENTLY);
    assert!(view(app.url("/c/countess")).await.1.contains("Ada Two"));

    let deleted = app
        .client
        .delete(app.url("/api/cards/countess"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(view(app.url("/c/countess")).await.0, StatusCode::NOT_FOUND);
}

/// Two server processes on one PostgreSQL database: a card edited through one is shown changed
/// by the other, which had the old page in memory and reads no row per view while its
/// listener is connected. The change reaches it by `NOTIFY` at commit: within milliseconds,
/// so the check allows a second before calling the page stale.
#[tokio::test]
async fn an_edit_on_one_process_shows_on_another() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (other, other_state) = app.another_process().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !other_state.page_cache.is_trusted() {
        assert!(
            Instant::now() < deadline,
            "the other process never listened"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.sign_up(&app.client, "ada@example.com").await;
    let mut card = card_json(Some("ada"), "Ada One");
    app.create_card(&app.client, card.clone()).await;
    let page = format!("{other}/c/ada");
    assert!(view(page.clone()).await.1.contains("Ada One"));
    assert!(view(page.clone()).await.1.contains("Ada One"), "now kept");

    for (round, name) in ["Ada Two", "Ada Three", "Ada Four"].into_iter().enumerate() {
        card["contents"][0]["name"] = json!(name);
        let saved = app
            .client
            .put(app.url("/api/cards/ada"))
            .json(&card)
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), StatusCode::OK);
        let changed_at = Instant::now();
        loop {
            let (_, html) = view(page.clone()).await;
            if html.contains(name) {
                break;
            }
            assert!(
                changed_at.elapsed() < Duration::from_secs(1),
                "round {round}: the other process still shows the old card"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // And it keeps the new page.
        assert!(view(page.clone()).await.1.contains(name));
    }
    // Unpublished through one, gone from the other.
    card["published"] = json!(false);
    app.client
        .put(app.url("/api/cards/ada"))
        .json(&card)
        .send()
        .await
        .unwrap();
    let changed_at = Instant::now();
    while view(page.clone()).await.0 != StatusCode::NOT_FOUND {
        assert!(changed_at.elapsed() < Duration::from_secs(1), "still shown");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
