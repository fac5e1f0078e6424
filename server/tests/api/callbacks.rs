//! `POST /api/cards/{slug}/callbacks` (issue 10, R7a): a visitor types a number; the issuer's
//! phone is rung first and presses 1; then the visitor's phone rings, answers, and the two
//! talk — on SQLite and PostgreSQL, with SIPp as the trunk for both legs. And the door's
//! guards: what is refused, with which code, and that nothing is dialled for it.

use std::time::Duration;

use serde_json::json;

use crate::both_backends;
use crate::calling::{
    app_with_trunk, follow, guild_after_check, issuer_with_card, sipp, wait_for, wait_for_end,
};
use crate::helpers::{Backend, TestApp};

both_backends!(
    a_callback_rings_the_issuer_then_the_caller_and_bills_both_legs,
    the_callback_door_refuses_what_it_must_with_its_own_codes,
    a_number_is_called_back_only_so_often_an_hour,
    without_javascript_a_callback_is_asked_for_followed_and_cancelled_by_plain_pages,
    without_javascript_a_refused_number_comes_back_in_the_form_with_the_reason,
);

/// The issuer's mobile and a Korean landline at 1 won a second each.
const RATES: &str = "internet,,0,1,1,0\nmobile,82,60,1,1,0\nlandline,82,60,1,1,0";

async fn post_callback(app: &TestApp, slug: &str, number: &str) -> reqwest::Response {
    app.new_client()
        .post(app.url(&format!("/api/cards/{slug}/callbacks")))
        .json(&json!({ "number": number, "lang": "en" }))
        .send()
        .await
        .unwrap()
}

/// SIPp answers both legs (`-m 2`): the first (the issuer's) presses 1 and hangs up after
/// `hold_ms`; the second (the caller's) waits for our BYE.
fn trunk_for_both_legs(hold_ms: u32) -> (sipp::Sipp, std::net::UdpSocket) {
    // The legs' media goes to a socket of ours that nobody reads: only signalling matters here.
    let sink = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let capture = std::env::temp_dir().join(format!(
        "callback-api-{}-{}.pcap",
        std::process::id(),
        rand::random::<u64>()
    ));
    sipp::write_dtmf_capture("1", &capture);
    let trunk = sipp::Sipp::start(
        sipp::Scenario::Template(
            "callback_legs.xml",
            vec![
                (
                    "__SINK_PORT__",
                    sink.local_addr().unwrap().port().to_string(),
                ),
                ("__CAPTURE__", capture.display().to_string()),
                ("__HOLD_MS__", hold_ms.to_string()),
            ],
        ),
        &["-m", "2"],
    );
    (trunk, sink)
}

async fn a_callback_rings_the_issuer_then_the_caller_and_bills_both_legs(backend: Backend) {
    sipp::init_logs();
    let (trunk, _sink) = trunk_for_both_legs(5_000);
    let app = app_with_trunk(backend, &trunk, 10_000, 60).await;
    issuer_with_card(&app, 10, "010-1234-5678", false, RATES).await;

    let started = post_callback(&app, "ada", "02-556-1234").await;
    assert_eq!(started.status(), 202);
    let started: serde_json::Value = started.json().await.unwrap();
    assert_eq!(started["understood"], "+82 2-556-1234 — Seoul landline");
    let call = started["call"].as_str().unwrap().to_owned();
    let mut states = follow(&app, &call).await;
    // A second callback to the same number while this one runs dials nobody.
    let again = post_callback(&app, "ada", "025561234").await;
    assert_eq!(again.status(), 409);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again["error"]["code"], "callback_pending");

    let connected = wait_for(&mut states, "connected").await;
    assert!(
        connected["covered_secs"].as_u64().unwrap() > 0,
        "{connected}"
    );
    let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
    assert_eq!(ended["cause"], "issuer_hung_up", "{ended}");
    trunk.assert_ends_ok().await;

    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let records = records["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{records:?}");
    let record = &records[0];
    assert_eq!(record["caller_number"], "+8225561234", "{record}");
    assert_eq!(record["callee_number"], "+821012345678", "{record}");
    assert_eq!(record["outcome"], "answered", "{record}");
    // Two legs at 1 won a second: the issuer's from its pick-up, the caller's from theirs.
    let cost = record["cost"].as_i64().unwrap();
    let billed = record["billed_secs"].as_i64().unwrap();
    assert!(cost > billed && cost <= 2 * billed, "{record}");
    let guild = guild_after_check(&app).await;
    assert_eq!(
        (guild["balance"].as_i64(), guild["held"].as_i64()),
        (Some(10_000 - cost), Some(0))
    );
}

async fn the_callback_door_refuses_what_it_must_with_its_own_codes(backend: Backend) {
    // A trunk that is never dialled: every request below is refused before the bridge.
    let app = app_with_trunk_unreachable(backend).await;
    issuer_with_card(&app, 10, "010-1234-5678", false, RATES).await;
    for (number, status, code) in [
        ("02-1234-56789", 422, "number_does_not_exist"),
        ("call me", 422, "number_invalid_characters"),
        ("", 422, "number_empty"),
        ("02-556-1234 ext", 422, "number_bad_extension"),
        ("+1 212 555 0100", 422, "number_not_allowed"),
        ("060-700-1234", 422, "number_not_allowed"),
    ] {
        let refused = post_callback(&app, "ada", number).await;
        assert_eq!(refused.status(), status, "{number:?}");
        let body: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{number:?}");
    }
    let oversized = post_callback(&app, "ada", &"0".repeat(5_000)).await;
    assert_eq!(oversized.status(), 413, "bounded before it is read");
    let unknown = post_callback(&app, "nobody", "02-556-1234").await;
    assert_eq!(unknown.status(), 404);
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    assert_eq!(
        records["records"].as_array().unwrap().len(),
        0,
        "nothing was attempted, so nothing is recorded"
    );

    let no_trunk = TestApp::spawn(backend).await;
    let off = post_callback(&no_trunk, "ada", "02-556-1234").await;
    assert_eq!(off.status(), 400);
    let body: serde_json::Value = off.json().await.unwrap();
    assert_eq!(body["error"]["code"], "calling_off");
}

/// A server configured with a trunk on a port where nothing listens.
async fn app_with_trunk_unreachable(backend: Backend) -> TestApp {
    let port = sipp::free_udp_port(1);
    crate::calling::app_with_trunk_at(backend, port, 10_000, 60).await
}

/// Each attempt counts, refused or not: with one callback an hour per number, a second request
/// for a number whose first callback was refused (an empty Guild) gets 429, while another
/// number still goes through to the engine.
async fn a_number_is_called_back_only_so_often_an_hour(backend: Backend) {
    let port = sipp::free_udp_port(1);
    let app = TestApp::spawn_with(backend, |settings| {
        settings.signup_grant = server::ledger::money::Money(0);
        settings.calling.admission.callbacks_per_number_per_hour = 1;
        let trunk = media_bridge::trunk::TrunkSettings {
            host: "127.0.0.1".into(),
            port: Some(port),
            caller_id: "+8225550000".into(),
            local_bind: "127.0.0.1:0".parse().unwrap(),
            ..media_bridge::trunk::TrunkSettings::default()
        };
        settings.calling.trunk = Some(media_bridge::trunk::TrunkConfig::new(trunk).unwrap());
    })
    .await;
    issuer_with_card(&app, 10, "010-1234-5678", false, RATES).await;
    let first = post_callback(&app, "ada", "02-556-1234").await;
    assert_eq!(first.status(), 202);
    let first: serde_json::Value = first.json().await.unwrap();
    let mut states = follow(&app, first["call"].as_str().unwrap()).await;
    let ended = wait_for_end(&mut states, Duration::from_secs(10)).await;
    assert_eq!(ended["cause"], "refused:guild_exhausted", "{ended}");

    let again = post_callback(&app, "ada", "02-556-1234").await;
    assert_eq!(again.status(), 429);
    assert!(again.headers().contains_key("retry-after"));
    let other = post_callback(&app, "ada", "02-556-9876").await;
    assert_eq!(other.status(), 202, "the limit is per number");
}

/// Posts the call window's form as a browser without JavaScript does.
async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    slug: &str,
    form: &str,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/c/{slug}/callback")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .unwrap()
}

/// `data-callback-state` of a page.
fn callback_state(html: &str) -> &str {
    let start = html
        .find("data-callback-state=\"")
        .expect("a callback state")
        + 21;
    let end = start + html[start..].find('"').unwrap();
    &html[start..end]
}

/// Issue 10: "Call me back" without JavaScript. The form's post is answered 303 to a status
/// page that reloads itself while the call runs; its cancel form calls the callback off while
/// the issuer's phone still rings (SIPp receives the CANCEL), and the page then says how it
/// ended and reloads no more.
async fn without_javascript_a_callback_is_asked_for_followed_and_cancelled_by_plain_pages(
    backend: Backend,
) {
    sipp::init_logs();
    let trunk = sipp::Sipp::start(sipp::Scenario::File("ring_until_cancel.xml"), &[]);
    let app = app_with_trunk(backend, &trunk, 10_000, 60).await;
    issuer_with_card(&app, 10, "010-1234-5678", false, RATES).await;
    let browser = app.new_client();

    let window = app.get_text(&browser, app.url("/c/ada/call?lang=en")).await;
    assert!(window.contains("action=\"/c/ada/callback\""), "{window}");

    let posted = post_form(&app, &browser, "ada", "number=02-556-1234&lang=en").await;
    assert_eq!(posted.status(), 303);
    let location = posted.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/c/ada/callback/") && location.ends_with("?lang=en"),
        "{location}"
    );

    // The issuer's phone rings: the page says so, reloads itself and offers to cancel.
    let mut page = String::new();
    for _ in 0..50 {
        page = app.get_text(&browser, app.url(&location)).await;
        if callback_state(&page) == "ringing" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(callback_state(&page), "ringing", "{page}");
    assert!(page.contains("+82 2-556-1234 — Seoul landline"), "{page}");
    assert!(page.contains("http-equiv=\"refresh\""), "{page}");
    let cancel_action = format!("{}/cancel", location.trim_end_matches("?lang=en"));
    assert!(
        page.contains(&format!("action=\"{cancel_action}\"")),
        "{page}"
    );

    let cancelled = browser.post(app.url(&cancel_action)).send().await.unwrap();
    assert_eq!(cancelled.status(), 303);
    assert_eq!(cancelled.headers()["location"], location.as_str());
    let page = app.get_text(&browser, app.url(&location)).await;
    assert_eq!(callback_state(&page), "ended", "{page}");
    assert!(
        page.contains("data-callback-cause=\"caller_hung_up\""),
        "{page}"
    );
    assert!(
        !page.contains("http-equiv=\"refresh\""),
        "an ended call is not reloaded"
    );
    assert!(!page.contains("/cancel"), "nothing left to cancel");
    trunk.assert_ends_ok().await;

    // Another card's address, or a token never given, shows no call.
    let elsewhere = browser
        .get(app.url(&location.replace("/c/ada/", "/c/nobody/")))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 404);
    let unknown = browser
        .get(app.url("/c/ada/callback/0123456789abcdef?lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("This callback is over.")
    );

    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let records = records["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["caller_number"], "+8225561234", "{records:?}");
    assert_eq!(records[0]["cost"], 0, "nobody answered, nothing is charged");
    guild_after_check(&app).await;
}

/// A refused post shows the call window again, under the refusal's own status, with the number
/// as typed and the reason in the page's language; nothing is dialled or recorded.
async fn without_javascript_a_refused_number_comes_back_in_the_form_with_the_reason(
    backend: Backend,
) {
    let app = app_with_trunk_unreachable(backend).await;
    issuer_with_card(&app, 10, "010-1234-5678", false, RATES).await;
    let browser = app.new_client();

    let refused = post_form(&app, &browser, "ada", "number=02-1234-56789&lang=en").await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("value=\"02-1234-56789\""), "{page}");
    assert!(page.contains("role=\"alert\""), "{page}");
    // The number's own words, as the API says them in the page's language.
    let said = app
        .client
        .post(app.url("/api/numbers/parse"))
        .json(&json!({ "number": "02-1234-56789", "lang": "en" }))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let message = said["error"]["message"].as_str().unwrap();
    assert!(page.contains(message), "{message} in {page}");

    let foreign = post_form(&app, &browser, "ada", "number=%2B1+212+555+0100&lang=en").await;
    assert_eq!(foreign.status(), 422);
    assert!(
        foreign
            .text()
            .await
            .unwrap()
            .contains("value=\"+1 212 555 0100\"")
    );

    let oversized = post_form(
        &app,
        &browser,
        "ada",
        &format!("number={}&lang=en", "0".repeat(5_000)),
    )
    .await;
    assert_eq!(oversized.status(), 413, "bounded before it is read");
    assert!(oversized.text().await.unwrap().contains("callback-form"));

    let unknown = post_form(&app, &browser, "nobody", "number=02-556-1234&lang=en").await;
    assert_eq!(unknown.status(), 404);

    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    assert_eq!(records["records"].as_array().unwrap().len(), 0);

    // Without a phone line there is no form to post.
    let no_trunk = TestApp::spawn(backend).await;
    issuer_with_card(&no_trunk, 10, "", true, RATES).await;
    let window = no_trunk
        .get_text(&browser, no_trunk.url("/c/ada/call?lang=en"))
        .await;
    assert!(window.contains("call-window"), "{window}");
    assert!(!window.contains("callback-form"), "{window}");
}
