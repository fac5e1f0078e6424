//! A card's short video through the real routes (BRIEF R2, issue 11): saved with the designer's
//! form, checked by its headers, played from the card page in the ranges players ask for, and
//! refused in the issuer's language with the stored card and its files untouched.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::both_backends;
use crate::designer::{issuer_with_card, post as save};
use crate::helpers::{Backend, TestApp, png_bytes};
use app::i18n::video_text;
use app::model::Lang;

both_backends!(
    a_card_saved_with_a_video_plays_it_from_its_page,
    a_refused_video_keeps_the_stored_card_and_leaves_no_file,
    replacing_and_removing_a_video_keeps_exactly_the_files_in_use,
    the_api_takes_a_video_and_its_still_and_refuses_past_its_limits,
);

fn sample(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/src/cards/video/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// A file part of the form: its field, bytes and file name.
type FilePart = (&'static str, Vec<u8>, &'static str);

/// The designer's form for the card "Ada", published, with the given file parts.
fn form(files: Vec<FilePart>) -> Form {
    let mut form = Form::new()
        .text("default_lang", "en")
        .text("content.en.name", "Ada")
        .text("theme.template", "modern")
        .text("theme.primary_color", "#112233")
        .text("theme.accent_color", "#445566")
        .text("published", "true");
    for (name, bytes, file_name) in files {
        form = form.part(name, Part::bytes(bytes).file_name(file_name));
    }
    form
}

/// The files in the media directory, temporary ones included, sorted.
fn media_files(app: &TestApp) -> Vec<String> {
    let dir = app.state.settings.data_dir.join("media");
    let mut names: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

fn file_of(url: &serde_json::Value) -> String {
    url.as_str()
        .and_then(|url| url.strip_prefix("/media/"))
        .unwrap_or_else(|| panic!("not a media URL: {url}"))
        .to_string()
}

async fn a_card_saved_with_a_video_plays_it_from_its_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    issuer_with_card(&app).await;
    let webm = sample("vp9-opus.webm");
    let (status, page) = save(
        &app,
        "/dashboard/cards/ada",
        form(vec![
            ("video", webm.clone(), "hello.webm"),
            ("poster", png_bytes(32, 18), "still.png"),
        ]),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "saved, off to the dashboard: {page}"
    );

    let card = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    let video = &card["video"];
    assert_eq!(video["media_type"], "video/webm", "{card}");
    assert_eq!(
        (video["width"].as_u64(), video["height"].as_u64()),
        (Some(160), Some(90))
    );
    let duration = video["duration_ms"].as_u64().unwrap();
    assert!((1900..=2100).contains(&duration), "{duration}");
    let (video_file, poster_file) = (file_of(&video["url"]), file_of(&video["poster_url"]));
    assert!(video_file.ends_with(".webm") && poster_file.ends_with(".png"));
    let mut expected = vec![video_file.clone(), poster_file.clone()];
    expected.sort();
    assert_eq!(
        media_files(&app),
        expected,
        "the two files, nothing temporary"
    );

    // The card page: a player with controls that waits for the caller (no autoplay), keeps
    // the picture's room, and loads nothing but its still until asked.
    let stranger = reqwest::Client::new();
    let page = stranger
        .get(app.url("/c/ada"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page
        .find("<video ")
        .unwrap_or_else(|| panic!("a player on the card: {page}"));
    let player = &page[start..start + page[start..].find("</video>").unwrap()];
    for wanted in [
        "class=\"card-video\"",
        " controls",
        "playsinline",
        "preload=\"none\"",
        "width=\"160\"",
        "height=\"90\"",
        &format!("poster=\"/media/{poster_file}\""),
        &format!("src=\"/media/{video_file}\""),
        "type=\"video/webm\"",
    ] {
        assert!(player.contains(wanted), "{wanted} in {player}");
    }
    assert!(
        !player.contains("autoplay") && !player.contains("muted"),
        "{player}"
    );

    // The file in ranges, as players fetch it, and whole.
    let url = app.url(&format!("/media/{video_file}"));
    let part = stranger
        .get(&url)
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 100-199/{}", webm.len()).as_str()
    );
    assert_eq!(part.headers()["content-type"], "video/webm");
    assert_eq!(part.bytes().await.unwrap().as_ref(), &webm[100..200]);
    let whole = stranger.get(&url).send().await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert!(
        whole.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(whole.bytes().await.unwrap().as_ref(), webm.as_slice());
    // Names the store did not make are not served.
    for path in [
        "/media/..%2Ftest.sqlite",
        "/media/nope.webm",
        "/media/nope.mp4",
    ] {
        let response = stranger.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

async fn a_refused_video_keeps_the_stored_card_and_leaves_no_file(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| {
        settings.video_max_bytes = 12 * 1024;
        settings.video_max_secs = 60;
    })
    .await;
    issuer_with_card(&app).await;
    app.choose_language(&app.client, "ko").await;
    let korean = video_text(Lang::Ko);
    let before = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    let cases: Vec<(Vec<FilePart>, &str, String)> = vec![
        (
            vec![("video", sample("hevc.mp4"), "iphone.mov")],
            "video",
            korean.hevc.to_string(),
        ),
        (
            vec![("video", sample("long-75s.mp4"), "long.mp4")],
            "video",
            korean.too_long(60),
        ),
        (
            vec![("video", png_bytes(16, 16), "not-a-video.mp4")],
            "video",
            korean.format.to_string(),
        ),
        (
            vec![(
                "video",
                sample("streamed-no-duration.webm")[..8000].to_vec(),
                "cut.webm",
            )],
            "video",
            korean.unknown_length.to_string(),
        ),
        (
            // Past the 12 KB limit: written only up to it, then refused before it is read.
            vec![("video", sample("vp9-opus.webm"), "big.webm")],
            "video",
            korean.too_large("12 KB"),
        ),
        (
            vec![("poster", png_bytes(32, 18), "still.png")],
            "poster",
            korean.poster_without_video.to_string(),
        ),
        (
            // A good video beside a refused still: neither is kept.
            vec![
                ("video", sample("h264-moov-at-end.mp4"), "ok.mp4"),
                ("poster", b"GIF89a".to_vec(), "still.gif"),
            ],
            "poster",
            app::i18n::card_form_text(Lang::Ko).image_format.to_string(),
        ),
    ];
    for (files, field, message) in cases {
        let (status, page) = save(&app, "/dashboard/cards/ada", form(files)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        let refusal = format!("data-field-error=\"{field}\"");
        let at = page
            .find(&refusal)
            .unwrap_or_else(|| panic!("{refusal} for {message}"));
        let shown = &page[at..at + page[at..].find("</p>").unwrap()];
        assert!(
            shown.contains(&html_escaped(&message)),
            "{message} in {shown}"
        );
        assert_eq!(
            media_files(&app),
            Vec::<String>::new(),
            "{message}: nothing left on disk"
        );
        let after = app.get_json(&app.client, app.url("/api/cards/ada")).await;
        assert_eq!(after, before, "{message}: the stored card is untouched");
    }
    // The preview without script sends the whole form, files and all: read past, not kept.
    let (status, _) = save(
        &app,
        "/dashboard/cards/ada/preview",
        form(vec![("video", sample("h264-moov-at-end.mp4"), "ok.mp4")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(media_files(&app), Vec::<String>::new());
    // Nothing created by a refused new card either.
    let (status, _) = save(
        &app,
        "/dashboard/cards",
        form(vec![("video", sample("hevc.mp4"), "iphone.mov")]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let cards = app.get_json(&app.client, app.url("/api/cards")).await;
    assert_eq!(cards.as_array().unwrap().len(), 1);
    assert_eq!(media_files(&app), Vec::<String>::new());
}

fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn replacing_and_removing_a_video_keeps_exactly_the_files_in_use(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    issuer_with_card(&app).await;
    let video = |card: &serde_json::Value| card["video"].clone();
    let saved = async |files| {
        let (status, page) = save(&app, "/dashboard/cards/ada", form(files)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        app.get_json(&app.client, app.url("/api/cards/ada")).await
    };

    let first = saved(vec![
        ("video", sample("vp9-opus.webm"), "a.webm"),
        ("poster", png_bytes(32, 18), "a.png"),
    ])
    .await;
    assert_eq!(media_files(&app).len(), 2);

    // A new video without a still: the old video and its still go.
    let second = saved(vec![("video", sample("phone-upright.mp4"), "b.mp4")]).await;
    let (second_video, second_poster) = (video(&second), &video(&second)["poster_url"]);
    assert!(
        second_poster.is_null(),
        "the old still is not the new video's"
    );
    assert_eq!(second_video["media_type"], "video/mp4");
    assert_eq!(
        (
            second_video["width"].as_u64(),
            second_video["height"].as_u64()
        ),
        (Some(90), Some(160)),
        "measured as shown: the phone was held upright"
    );
    assert_eq!(media_files(&app), vec![file_of(&second_video["url"])]);
    assert_ne!(second_video["url"], video(&first)["url"]);
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
        page.contains("preload=\"metadata\""),
        "no still: the first frame shows"
    );

    // A still alone, for the stored video; a form without files keeps both.
    let third = saved(vec![("poster", png_bytes(18, 32), "c.png")]).await;
    assert_eq!(video(&third)["url"], second_video["url"]);
    assert!(video(&third)["poster_url"].is_string());
    let kept = saved(Vec::new()).await;
    assert_eq!(video(&kept), video(&third));
    assert_eq!(media_files(&app).len(), 2);

    // A copy has copies of both; deleting either card leaves the other's.
    let copied = app
        .client
        .post(app.url("/api/cards/ada/duplicate"))
        .send()
        .await
        .unwrap();
    assert!(copied.status().is_success(), "{}", copied.status());
    let copy: serde_json::Value = copied.json().await.unwrap();
    assert_eq!(video(&copy)["duration_ms"], video(&kept)["duration_ms"]);
    assert_ne!(video(&copy)["url"], video(&kept)["url"]);
    assert_eq!(media_files(&app).len(), 4);
    let copy_slug = copy["slug"].as_str().unwrap();
    let deleted = app
        .client
        .delete(app.url(&format!("/api/cards/{copy_slug}")))
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    assert_eq!(media_files(&app).len(), 2);

    // Ticked for removal: the video and its still go.
    let form_removing = form(Vec::new()).text("remove_video", "true");
    let (status, _) = save(&app, "/dashboard/cards/ada", form_removing).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let removed = app.get_json(&app.client, app.url("/api/cards/ada")).await;
    assert!(removed["video"].is_null(), "{removed}");
    assert_eq!(media_files(&app), Vec::<String>::new());
}

/// `PUT /api/cards/{slug}/video` and `…/video/poster`, `DELETE …/video`: the same checks as the
/// designer's form, a body past the limit refused with 413 before it is kept, nothing left on
/// disk by a refusal.
async fn the_api_takes_a_video_and_its_still_and_refuses_past_its_limits(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| {
        settings.video_max_bytes = 12 * 1024;
    })
    .await;
    issuer_with_card(&app).await;
    let put = async |path: &str, content_type: &str, body: Vec<u8>| {
        let response = app
            .client
            .put(app.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json::<serde_json::Value>().await.unwrap())
    };
    // A still needs a video to belong to.
    let (status, body) = put(
        "/api/cards/ada/video/poster",
        "image/png",
        png_bytes(32, 18),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let text = video_text(Lang::En);
    let refusals = [
        (
            "hevc.mp4",
            StatusCode::UNPROCESSABLE_ENTITY,
            text.hevc.to_string(),
        ),
        (
            "vp9-opus.webm",
            StatusCode::PAYLOAD_TOO_LARGE,
            text.too_large("12 KB"),
        ),
    ];
    for (name, expected, message) in refusals {
        let (status, body) = put("/api/cards/ada/video", "video/mp4", sample(name)).await;
        assert_eq!(status, expected, "{name}: {body}");
        assert!(body.to_string().contains(&message), "{name}: {body}");
        assert_eq!(media_files(&app), Vec::<String>::new(), "{name}");
    }
    // Far more than the socket's buffers hold, declared: the rest is read before the refusal,
    // so the client finishes sending and reads the 413 instead of a reset (a socket closed
    // with unread bytes answers with RST).
    for _ in 0..3 {
        let (status, body) =
            put("/api/cards/ada/video", "video/webm", vec![0x1a; 600 * 1024]).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    }
    assert_eq!(media_files(&app), Vec::<String>::new());
    // Streamed in chunks without a declared length: read up to the limit, then refused.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = sample("vp9-opus.webm")
        .chunks(1024)
        .map(|chunk| Ok(chunk.to_vec()))
        .collect();
    let streamed = app
        .client
        .put(app.url("/api/cards/ada/video"))
        .header("content-type", "video/webm")
        .body(reqwest::Body::wrap_stream(tokio_stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(media_files(&app), Vec::<String>::new());
    let (status, card) = put(
        "/api/cards/ada/video",
        "video/mp4",
        sample("h264-moov-at-end.mp4"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert_eq!(card["video"]["media_type"], "video/mp4");
    let names: Vec<_> = card["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|content| content["name"].clone())
        .collect();
    assert_eq!(names.len(), 2, "the rest of the card is kept: {card}");
    assert!(names.contains(&serde_json::json!("에이다")), "{card}");
    let (status, card) = put(
        "/api/cards/ada/video/poster",
        "image/png",
        png_bytes(32, 18),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert!(card["video"]["poster_url"].is_string());
    assert_eq!(media_files(&app).len(), 2);
    let removed = app
        .client
        .delete(app.url("/api/cards/ada/video"))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::OK);
    let card: serde_json::Value = removed.json().await.unwrap();
    assert!(card["video"].is_null());
    assert_eq!(media_files(&app), Vec::<String>::new());
}
