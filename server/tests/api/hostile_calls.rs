//! Hostile call starts (issue 8; BRIEF R18): the public call button meets strangers' offers.
//! Each bound on an offer is refused with a 422 that names it, an oversized body with a 413,
//! and the server keeps answering; call starts are bounded per address and per card.

use std::time::Duration;

use media_bridge::browser::{BrowserLeg, BrowserLegConfig};
use serde_json::{Value, json};
use server::ledger::money::Money;

use crate::both_backends;
use crate::calling::{follow, issuer_with_card, wait_for_end};
use crate::helpers::{Backend, TestApp};

both_backends!(
    offers_over_a_bound_are_refused_naming_it_and_the_server_keeps_answering,
    an_offer_with_static_pcmu_and_no_rtpmap_starts_a_call,
    call_starts_are_bounded_per_address,
    a_cards_live_calls_are_bounded_and_given_back_when_calls_end,
    behind_a_trusted_proxy_each_client_is_counted_on_its_own,
);

/// A browser-only card "ada" (no trunk needed) on an app with a Guild of 10,000.
async fn app_with_browser_card(
    backend: Backend,
    adjust: impl FnOnce(&mut server::config::Settings),
) -> TestApp {
    let app = TestApp::spawn_with(backend, |settings| {
        settings.signup_grant = Money(10_000);
        adjust(settings);
    })
    .await;
    issuer_with_card(&app, 10, "", true, "internet,,60,1,1,0").await;
    app
}

/// A real webrtc-rs offer (what a browser sends), from loopback.
async fn real_offer() -> (BrowserLeg, String) {
    BrowserLeg::offer(&BrowserLegConfig::loopback())
        .await
        .unwrap()
}

async fn post_offer(app: &TestApp, offer: &str) -> reqwest::Response {
    app.new_client()
        .post(app.url("/api/cards/ada/calls"))
        .json(&json!({ "offer_sdp": offer, "lang": "en" }))
        .send()
        .await
        .unwrap()
}

async fn refusal_message(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    body["error"]["fields"][0]["message"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn offers_over_a_bound_are_refused_naming_it_and_the_server_keeps_answering(
    backend: Backend,
) {
    let app = app_with_browser_card(backend, |settings| {
        settings.calling.admission.starts_per_address = 100;
    })
    .await;
    let (_leg, offer) = real_offer().await;

    // 40 KB of payload types on the audio line: over the byte bound.
    let formats = vec!["0"; 20_000].join(" ");
    let huge = offer.replacen(
        "m=audio 9 UDP/TLS/RTP/SAVPF ",
        &format!("m=audio 9 UDP/TLS/RTP/SAVPF {formats} "),
        1,
    );
    let message = refusal_message(post_offer(&app, &huge).await).await;
    assert!(message.contains("more than 32768 bytes"), "{message}");

    // Under the byte bound, but more payload types than any browser offers.
    let formats = (0..100)
        .map(|pt| pt.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let many = offer.replacen(
        "m=audio 9 UDP/TLS/RTP/SAVPF ",
        &format!("m=audio 9 UDP/TLS/RTP/SAVPF {formats} "),
        1,
    );
    let message = refusal_message(post_offer(&app, &many).await).await;
    assert!(message.contains("payload types"), "{message}");

    // 400 candidates pointing wherever the requester likes: refused, nothing sent to them.
    let candidates: String = (0..400)
        .map(|index| {
            format!(
                "a=candidate:{index} 1 udp 1 198.51.99.{} 50000 typ host\r\n",
                index % 250
            )
        })
        .collect();
    let message = refusal_message(post_offer(&app, &format!("{offer}{candidates}")).await).await;
    assert!(message.contains("more than 24 ICE candidates"), "{message}");

    // A megabyte of body never reaches the JSON parser.
    let megabyte = json!({ "offer_sdp": "v".repeat(1 << 20), "lang": "en" });
    let response = app
        .new_client()
        .post(app.url("/api/cards/ada/calls"))
        .json(&megabyte)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);

    // The server still answers, and a real offer still starts a call.
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(post_offer(&app, &offer).await.status(), 201);
}

async fn an_offer_with_static_pcmu_and_no_rtpmap_starts_a_call(backend: Backend) {
    // Issue 8 (low): RFC 3551's static payload type 0 needs no a=rtpmap; this was a 500.
    let app = app_with_browser_card(backend, |_| {}).await;
    let (_leg, offer) = real_offer().await;
    let without: String = offer
        .split_inclusive("\r\n")
        .filter(|line| !line.starts_with("a=rtpmap:0 ") && !line.starts_with("a=rtpmap:8 "))
        .collect();
    assert!(
        without.contains(" 0 8") || without.contains(" 0 "),
        "{without}"
    );
    let response = post_offer(&app, &without).await;
    assert_eq!(response.status(), 201);
    let started: Value = response.json().await.unwrap();
    assert!(
        started["answer_sdp"]
            .as_str()
            .unwrap()
            .contains("PCMU/8000"),
        "{started}"
    );
}

async fn call_starts_are_bounded_per_address(backend: Backend) {
    let app = app_with_browser_card(backend, |settings| {
        settings.calling.admission.starts_per_address = 3;
        settings.calling.admission.live_per_address = 2;
    })
    .await;
    let (_first_leg, offer) = real_offer().await;
    let first = post_offer(&app, &offer).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let (_second_leg, offer) = real_offer().await;
    let second = post_offer(&app, &offer).await;
    assert_eq!(second.status(), 201);
    let second: Value = second.json().await.unwrap();

    // Two calls alive from this address: a third waits for one to end.
    let (_leg, offer) = real_offer().await;
    let busy = post_offer(&app, &offer).await;
    assert_eq!(busy.status(), 409);
    let body: Value = busy.json().await.unwrap();
    assert_eq!(body["error"]["code"], "line_busy");

    // Once one has ended, a third may start; once another has ended, a fourth start within
    // the minute is still throttled: three starts a minute (the refused one did not count).
    hang_up(&app, &first).await;
    let (_third_leg, offer) = real_offer().await;
    assert_eq!(post_offer(&app, &offer).await.status(), 201);
    hang_up(&app, &second).await;
    let (_leg, offer) = real_offer().await;
    let throttled = post_offer(&app, &offer).await;
    assert_eq!(throttled.status(), 429);
    let retry_after: u64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
}

/// Hangs up a started call and waits until it has ended.
async fn hang_up(app: &TestApp, started: &Value) {
    let call = started["call"].as_str().unwrap();
    let mut states = follow(app, call).await;
    app.new_client()
        .post(app.url(&format!("/api/calls/live/{call}/hangup")))
        .send()
        .await
        .unwrap();
    wait_for_end(&mut states, Duration::from_secs(20)).await;
}

async fn a_cards_live_calls_are_bounded_and_given_back_when_calls_end(backend: Backend) {
    let app = app_with_browser_card(backend, |settings| {
        settings.calling.admission.live_per_address = 10;
        settings.calling.admission.live_per_card = 1;
    })
    .await;
    let (_leg, offer) = real_offer().await;
    let first = post_offer(&app, &offer).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let (_leg2, offer) = real_offer().await;
    assert_eq!(post_offer(&app, &offer).await.status(), 409);
    assert_eq!(app.state.admission.live(), 1);

    // The caller never connects; whichever way the call ends, its place is given back.
    let mut states = follow(&app, first["call"].as_str().unwrap()).await;
    wait_for_end(&mut states, Duration::from_secs(30)).await;
    // The page hears the end and the place is given back by two tasks woken by the same
    // change; either may run first.
    let ended = std::time::Instant::now();
    while app.state.admission.live() != 0 {
        assert!(
            ended.elapsed() < Duration::from_secs(2),
            "the call's place was not given back"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (_leg3, offer) = real_offer().await;
    assert_eq!(post_offer(&app, &offer).await.status(), 201);
}

/// Posts an offer that only admission reads (it is refused as SDP after), as coming through a
/// proxy that says the client is `forwarded_for`: 422 when admitted, 429 when over the limit.
async fn start_via_proxy(app: &TestApp, forwarded_for: &str) -> u16 {
    app.new_client()
        .post(app.url("/api/cards/ada/calls"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({ "offer_sdp": "v=0", "lang": "en" }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn behind_a_trusted_proxy_each_client_is_counted_on_its_own(backend: Backend) {
    // The test server's peer is 127.0.0.1: trusted here, a stranger in the second app.
    let behind_proxy = app_with_browser_card(backend, |settings| {
        settings.calling.admission.starts_per_address = 1;
        settings.trusted_proxies = server::client_address::parse_trusted("127.0.0.1").unwrap();
    })
    .await;
    assert_eq!(start_via_proxy(&behind_proxy, "198.51.100.7").await, 422);
    assert_eq!(start_via_proxy(&behind_proxy, "198.51.100.7").await, 429);
    assert_eq!(
        start_via_proxy(&behind_proxy, "203.0.113.9").await,
        422,
        "another client behind the same proxy has its own count"
    );
    // A client cannot escape its count by writing the header itself: only the proxy's
    // (rightmost) entry counts.
    assert_eq!(
        start_via_proxy(&behind_proxy, "192.0.2.1, 198.51.100.7").await,
        429
    );

    let direct = app_with_browser_card(backend, |settings| {
        settings.calling.admission.starts_per_address = 1;
    })
    .await;
    assert_eq!(start_via_proxy(&direct, "198.51.100.7").await, 422);
    assert_eq!(
        start_via_proxy(&direct, "203.0.113.9").await,
        429,
        "without trusted proxies the header is ignored"
    );
}
