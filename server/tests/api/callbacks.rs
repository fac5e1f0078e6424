//! `POST /api/cards/{slug}/callbacks` (issue 10, R7a): a visitor types a number; the issuer's
//! phone is rung first and presses 1; then the visitor's phone rings, answers, and the two
//! talk — on SQLite and PostgreSQL, with SIPp as the trunk for both legs. And the door's
//! guards: what is refused, with which code, and that nothing is dialled for it.

use std::time::Duration;

use serde_json::json;

use crate::both_backends;
use crate::calling::{
    app_with_trunk, follow, follow_as, guild_after_check, issuer_with_card, sipp, wait_for,
    wait_for_end, wait_for_estimate, with_trunk_at,
};
use crate::helpers::{Backend, TestApp};

both_backends!(
    a_callback_rings_the_issuer_then_the_caller_and_bills_both_legs,
    the_callback_door_refuses_what_it_must_with_its_own_codes,
    a_number_is_called_back_only_so_often_an_hour,
    without_javascript_a_callback_is_asked_for_followed_and_cancelled_by_plain_pages,
    without_javascript_a_refused_number_comes_back_in_the_form_with_the_reason,
    one_claim_of_many_at_once_wins_and_a_lapsed_or_restarted_one_is_given_back,
    a_callback_rings_the_issuers_dashboard_with_the_number_and_connects_their_browser,
    a_number_never_called_is_refused_as_itself_however_many_ask_at_once,
    a_callback_that_never_talks_ends_with_the_cause_of_the_leg_that_stopped_it,
    a_callback_whose_issuer_is_busy_or_away_dials_nobody_and_costs_nothing,
    a_burst_from_one_address_is_held_to_its_limits_and_nobody_else_is,
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
    trunk_for_both_legs_with(hold_ms, &["-m", "2"])
}

/// `callback_legs.xml` with SIPp's `extra` arguments (`-m 1`: the first leg only).
fn trunk_for_both_legs_with(hold_ms: u32, extra: &[&str]) -> (sipp::Sipp, std::net::UdpSocket) {
    trunk_for_legs(
        "callback_legs.xml",
        "1",
        vec![("__HOLD_MS__", hold_ms.to_string())],
        extra,
    )
}

/// SIPp playing a callback's legs by the template `scenario`, pressing `key` as the issuer
/// answers (`__CAPTURE__`), with `vars` filled in. The legs' media goes to the socket returned
/// (`__SINK_PORT__`), for tests that read what the bridge sends the phones; the others leave it
/// unread.
pub(crate) fn trunk_for_legs(
    scenario: &'static str,
    key: &str,
    mut vars: Vec<(&'static str, String)>,
    extra: &[&str],
) -> (sipp::Sipp, std::net::UdpSocket) {
    let sink = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let capture = std::env::temp_dir().join(format!(
        "callback-api-{}-{}.pcap",
        std::process::id(),
        rand::random::<u64>()
    ));
    sipp::write_dtmf_capture(key, &capture);
    vars.push((
        "__SINK_PORT__",
        sink.local_addr().unwrap().port().to_string(),
    ));
    vars.push(("__CAPTURE__", capture.display().to_string()));
    let trunk = sipp::Sipp::start(sipp::Scenario::Template(scenario, vars), extra);
    (trunk, sink)
}

/// Asks for a callback to `number` on the card "ada", which must be accepted; its token.
pub(crate) async fn callback_started(app: &TestApp, number: &str) -> String {
    let started = post_callback(app, "ada", number).await;
    assert_eq!(started.status(), 202);
    started.json::<serde_json::Value>().await.unwrap()["call"]
        .as_str()
        .unwrap()
        .to_owned()
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
    // R11 ¶60: how long the call may last — the card's 10-minute limit, less than the 5,000 s
    // the Guild would pay for on two legs at 1 a second.
    let available = wait_for_estimate(&mut states).await;
    assert!((590..=600).contains(&available), "{available}");
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
        with_trunk_at(settings, port);
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

/// One callback per number in every process (migration 14): many claims of one number at once,
/// as from many processes, and exactly one wins; its end gives the number back; a claim of a
/// node that restarted is dropped, and one older than an hour is taken over.
async fn one_claim_of_many_at_once_wins_and_a_lapsed_or_restarted_one_is_given_back(
    backend: Backend,
) {
    use server::calls::callback_claims::{self, CLAIM_OUTLIVES};
    let app = TestApp::spawn(backend).await;
    let now = chrono::Utc::now();
    let attempts = (0..16).map(|attempt| {
        let db = app.db.clone();
        tokio::spawn(async move {
            let token = format!("call-{attempt}");
            let node = format!("node-{}", attempt % 4);
            callback_claims::claim(&db, "+8225561234", &token, &node, now)
                .await
                .unwrap()
        })
    });
    let mut won = Vec::new();
    for attempt in attempts {
        if let Some(claim) = attempt.await.unwrap() {
            won.push(claim);
        }
    }
    assert_eq!(won.len(), 1, "exactly one of 16 claims at once wins");
    let other = callback_claims::claim(&app.db, "+8225569876", "call-x", "node-0", now)
        .await
        .unwrap();
    assert!(other.is_some(), "claims are per number");

    // Its call ended: the number is given back (in the background).
    drop(won);
    let mut again = None;
    for _ in 0..50 {
        again = callback_claims::claim(&app.db, "+8225561234", "call-2", "node-9", now)
            .await
            .unwrap();
        if again.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let again = again.expect("the number is claimable once its callback ended");
    // Node 9 stops without its calls ending, and starts again: its claims are dropped.
    std::mem::forget(again);
    assert_eq!(
        callback_claims::release_node(&app.db, "node-9")
            .await
            .unwrap(),
        1
    );
    let lapsed_at = now - CLAIM_OUTLIVES - chrono::Duration::minutes(1);
    let left_behind = callback_claims::claim(&app.db, "+8225561234", "call-3", "gone", lapsed_at)
        .await
        .unwrap();
    std::mem::forget(left_behind);
    let taken_over = callback_claims::claim(&app.db, "+8225561234", "call-4", "node-1", now)
        .await
        .unwrap();
    assert!(
        taken_over.is_some(),
        "a claim older than an hour is taken over"
    );
    let refused = callback_claims::claim(&app.db, "+8225561234", "call-5", "node-2", now)
        .await
        .unwrap();
    assert!(refused.is_none(), "the claim taken over stands");
}

/// Issue 10, R2/R10: an issuer who takes calls in the browser (no phone on the card). A
/// callback rings their dashboard with the number that asked; accepting there calls that
/// number through the trunk (SIPp, which answers and hangs up a few seconds later), and the
/// issuer's voice reaches the phone. Billed per leg: the phone's landline, the browser's free.
async fn a_callback_rings_the_issuers_dashboard_with_the_number_and_connects_their_browser(
    backend: Backend,
) {
    use media_bridge::browser::{BrowserLeg, BrowserLegConfig};
    sipp::init_logs();
    // One call only: SIPp's first call answers, presses 1 (heard by nobody: the issuer is in a
    // browser) and hangs up after 6 s (3 s were too few for the issuer's browser leg to
    // connect on a machine whose cores were both busy).
    let (trunk, sink) = trunk_for_both_legs_with(6_000, &["-m", "1"]);
    let app = app_with_trunk(backend, &trunk, 10_000, 60).await;
    issuer_with_card(&app, 10, "", true, RATES).await;
    let mut line = follow_as(&app.client, app.url("/api/issuer/calls/events")).await;
    wait_for(&mut line, "available").await;

    let call = callback_started(&app, "02-556-1234").await;
    let mut states = follow(&app, &call).await;
    let incoming = wait_for(&mut line, "incoming").await;
    assert_eq!(incoming["call"], call.as_str());
    assert_eq!(incoming["caller"], "+82 2-556-1234", "{incoming}");

    let (mut issuer, offer) = BrowserLeg::offer(&BrowserLegConfig::loopback())
        .await
        .unwrap();
    let accepted = app
        .client
        .post(app.url(&format!("/api/issuer/calls/{call}/accept")))
        .json(&json!({ "offer_sdp": offer }))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200);
    let accepted: serde_json::Value = accepted.json().await.unwrap();
    let answer = BrowserLegConfig::loopback()
        .screen(accepted["answer_sdp"].as_str().unwrap())
        .unwrap();
    issuer.accept_answer(&answer).await.unwrap();
    // Not `calling_caller` first: SIPp answers the caller's leg at once, and the events follow
    // the latest state, so a busy machine may never show that one.
    wait_for(&mut states, "connected").await;

    // The issuer's voice reaches the caller's phone, PCMU untouched.
    let sink = tokio::net::UdpSocket::from_std({
        sink.set_nonblocking(true).unwrap();
        sink
    })
    .unwrap();
    let mut heard = false;
    for index in 0..50u8 {
        issuer
            .send_audio(&[200 + index % 50; 160], 160)
            .await
            .unwrap();
        let mut packet = [0u8; 1500];
        if let Ok(Ok(size)) =
            tokio::time::timeout(Duration::from_millis(20), sink.recv(&mut packet)).await
            && size == 12 + 160
            && packet[12] >= 200
        {
            heard = true;
            break;
        }
    }
    assert!(heard, "the issuer's voice never reached the caller's phone");

    let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
    assert_eq!(ended["cause"], "caller_hung_up", "{ended}");
    trunk.assert_ends_ok().await;
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let record = &records["records"][0];
    assert_eq!(record["caller_number"], "+8225561234", "{record}");
    assert_eq!(record["outcome"], "answered", "{record}");
    assert_eq!(
        record["leg_classes"],
        json!(["landline", "internet"]),
        "{record}"
    );
    let cost = record["cost"].as_i64().unwrap();
    assert!(cost >= 1, "the phone leg costs 1 a second: {record}");
    let guild = guild_after_check(&app).await;
    assert_eq!(
        (guild["balance"].as_i64(), guild["held"].as_i64()),
        (Some(10_000 - cost), Some(0))
    );
}

/// Refused before anything is claimed: the same foreign number asked for many times at once is
/// refused for what it is each time, never as "pending" (the door claims only numbers it would
/// call, so a refusal writes nothing).
async fn a_number_never_called_is_refused_as_itself_however_many_ask_at_once(backend: Backend) {
    let port = sipp::free_udp_port(1);
    let app = TestApp::spawn_with(backend, |settings| {
        let admission = &mut settings.calling.admission;
        (admission.starts_per_address, admission.starts_per_card) = (100, 100);
        (admission.live_per_address, admission.live_per_card) = (100, 100);
        with_trunk_at(settings, port);
    })
    .await;
    issuer_with_card(&app, 10, "010-1234-5678", false, RATES).await;
    let requests: Vec<_> = (0..12)
        .map(|_| {
            let client = app.new_client();
            let url = app.url("/api/cards/ada/callbacks");
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&json!({ "number": "+1 212 555 0100", "lang": "en" }))
                    .send()
                    .await
                    .unwrap()
            })
        })
        .collect();
    for request in requests {
        let refused = request.await.unwrap();
        let status = refused.status();
        let body: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["code"], "number_not_allowed", "{body}");
    }
}

/// Issue 10, SIPp on both legs: the issuer presses 2 (the caller is never dialled), or accepts
/// and the caller's phone is busy or not answered — then the issuer is told why before the
/// call ends. Each ends with its own cause and outcome; nobody talked, so only the issuer's
/// leg is billed, from its pick-up to its hang-up, and the Guild holds nothing afterwards.
async fn a_callback_that_never_talks_ends_with_the_cause_of_the_leg_that_stopped_it(
    backend: Backend,
) {
    sipp::init_logs();
    for (key, caller_status, cause, outcome, legs) in [
        ("2", "486 Busy Here", "issuer_declined", "declined", 1),
        ("1", "486 Busy Here", "caller_busy", "busy", 2),
        (
            "1",
            "480 Temporarily Unavailable",
            "caller_did_not_answer",
            "no_answer",
            2,
        ),
    ] {
        let calls = legs.to_string();
        let (trunk, _sink) = trunk_for_legs(
            "callback_outcomes.xml",
            key,
            vec![("__CALLER_STATUS__", caller_status.to_owned())],
            &["-m", &calls],
        );
        let app = app_with_trunk(backend, &trunk, 10_000, 60).await;
        issuer_with_card(&app, 10, "010-1234-5678", false, RATES).await;

        let call = callback_started(&app, "02-556-1234").await;
        let mut states = follow(&app, &call).await;
        let caller_dialled = if legs == 2 {
            wait_for(&mut states, "calling_caller").await;
            Some(std::time::Instant::now())
        } else {
            None
        };
        let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
        assert_eq!(ended["cause"], cause, "{ended}");
        if let Some(dialled) = caller_dialled {
            // The issuer hears why before the call ends (`telling_why`, 5 s), rather than a
            // line that goes dead the moment the caller's phone says no.
            let telling = media_bridge::call::CallConfig::default().telling_why;
            assert!(
                dialled.elapsed() >= telling,
                "{cause}: {:?}",
                dialled.elapsed()
            );
        }
        trunk.assert_ends_ok().await;

        let records = app.get_json(&app.client, app.url("/api/calls")).await;
        let record = &records["records"][0];
        assert_eq!(record["outcome"], outcome, "{record}");
        assert_eq!(record["hangup_cause"], cause, "{record}");
        assert_eq!(record["caller_number"], "+8225561234", "{record}");
        // The issuer's phone was up for the prompt (and, once accepted, while the caller's
        // rang): a few seconds at 1 a second, and nothing for the caller's leg.
        let cost = record["cost"].as_i64().unwrap();
        assert!((0..=15).contains(&cost), "{record}");
        let guild = guild_after_check(&app).await;
        assert_eq!(
            (guild["balance"].as_i64(), guild["held"].as_i64()),
            (Some(10_000 - cost), Some(0)),
            "{cause}"
        );
    }
}

/// Issue 10: the issuer's phone is busy (486) or away (480): the caller's number is never
/// dialled (SIPp takes exactly one call), the call ends with the issuer's cause, and nothing is
/// charged — nobody picked up.
async fn a_callback_whose_issuer_is_busy_or_away_dials_nobody_and_costs_nothing(backend: Backend) {
    sipp::init_logs();
    for (status, reason, cause, outcome) in [
        ("486", "Busy Here", "issuer_busy", "busy"),
        (
            "480",
            "Temporarily Unavailable",
            "issuer_did_not_answer",
            "no_answer",
        ),
    ] {
        let trunk = sipp::Sipp::start(
            sipp::Scenario::Template(
                "reject.xml",
                vec![
                    ("__STATUS__", status.to_owned()),
                    ("__REASON__", reason.to_owned()),
                ],
            ),
            &["-m", "1"],
        );
        let app = app_with_trunk(backend, &trunk, 10_000, 60).await;
        issuer_with_card(&app, 10, "010-1234-5678", false, RATES).await;
        let call = callback_started(&app, "02-556-1234").await;
        let mut states = follow(&app, &call).await;
        let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
        assert_eq!(ended["cause"], cause, "{ended}");
        trunk.assert_ends_ok().await;

        let records = app.get_json(&app.client, app.url("/api/calls")).await;
        let records = records["records"].as_array().unwrap();
        assert_eq!(records.len(), 1, "{records:?}");
        let record = &records[0];
        assert_eq!(
            (&record["outcome"], &record["hangup_cause"], &record["cost"]),
            (&json!(outcome), &json!(cause), &json!(0)),
            "{record}"
        );
        assert_eq!(record["caller_number"], "+8225561234", "{record}");
        let guild = guild_after_check(&app).await;
        assert_eq!(
            (guild["balance"].as_i64(), guild["held"].as_i64()),
            (Some(10_000), Some(0)),
            "{cause}"
        );
    }
}

/// Issue 10, abuse: a burst of callback requests from one address gets exactly what the
/// address's limits allow (calls alive at once, then starts a minute), each refusal with its
/// code and nothing dialled for it, while another address behind the same proxy still goes
/// through. The trunk here never answers, so every admitted callback stays alive (ringing).
/// A trunk that never answers and notes the distinct calls it is asked to ring, as they come
/// (INVITEs are retransmitted: counted by Call-ID).
struct SilentTrunk {
    port: u16,
    calls: Calls,
}

type Calls = std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>;

impl SilentTrunk {
    fn start() -> SilentTrunk {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = socket.local_addr().unwrap().port();
        let calls: Calls = std::sync::Arc::default();
        let noted = std::sync::Arc::clone(&calls);
        // Reads for as long as the test binary runs; it blocks on its socket, costing nothing.
        std::thread::spawn(move || {
            let mut buffer = [0u8; 65_536];
            while let Ok(size) = socket.recv(&mut buffer) {
                let message = String::from_utf8_lossy(&buffer[..size]);
                if message.starts_with("INVITE ")
                    && let Some(call_id) = message
                        .lines()
                        .find_map(|line| line.strip_prefix("Call-ID:"))
                {
                    noted.lock().unwrap().insert(call_id.trim().to_owned());
                }
            }
        });
        SilentTrunk { port, calls }
    }

    fn calls(&self) -> usize {
        self.calls.lock().unwrap().len()
    }

    /// Waits until `count` distinct calls have rung; fails after 20 s.
    async fn wait_for_calls(&self, count: usize) {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while self.calls() < count {
            assert!(
                std::time::Instant::now() < deadline,
                "only {} of {count} calls reached the trunk",
                self.calls()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn a_burst_from_one_address_is_held_to_its_limits_and_nobody_else_is(backend: Backend) {
    let trunk = SilentTrunk::start();
    let trunk_port = trunk.port;
    let app = TestApp::spawn_with(backend, |settings| {
        settings.signup_grant = server::ledger::money::Money(10_000);
        settings.calling.admission.starts_per_address = 5;
        settings.calling.admission.live_per_address = 3;
        settings.calling.admission.live_per_card = 20;
        settings.trusted_proxies = server::client_address::parse_trusted("127.0.0.1").unwrap();
        with_trunk_at(settings, trunk_port);
    })
    .await;
    issuer_with_card(&app, 50, "010-1234-5678", false, RATES).await;
    let ask = |client: &'static str, number: String| {
        let request = app
            .new_client()
            .post(app.url("/api/cards/ada/callbacks"))
            .header("x-forwarded-for", client)
            .json(&json!({ "number": number, "lang": "en" }));
        async move { request.send().await.unwrap() }
    };

    // 20 at once from one client, each for its own number.
    let burst: Vec<_> = (0..20)
        .map(|index| tokio::spawn(ask("198.51.100.7", format!("02-556-{:04}", 1000 + index))))
        .collect();
    let mut started = Vec::new();
    for response in burst {
        let response = response.await.unwrap();
        match response.status().as_u16() {
            202 => started.push(response.json::<serde_json::Value>().await.unwrap()),
            409 => {
                let body: serde_json::Value = response.json().await.unwrap();
                assert_eq!(body["error"]["code"], "line_busy", "{body}");
            }
            other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
        }
    }
    assert_eq!(started.len(), 3, "three calls alive from one address");
    // Another client behind the same proxy is not held to the first one's count.
    assert_eq!(ask("203.0.113.9", "02-556-2000".into()).await.status(), 202);
    // Hung up only once they ring: a callback cancelled before its INVITE dials nobody, and
    // the count below would miss it.
    trunk.wait_for_calls(3 + 1).await;

    // Once the first client's callbacks end, its starts a minute still bound it: 3 of 5 were
    // used, so two more start and the next waits.
    for callback in &started {
        let call = callback["call"].as_str().unwrap();
        let hung_up = app
            .new_client()
            .post(app.url(&format!("/api/calls/live/{call}/hangup")))
            .send()
            .await
            .unwrap();
        assert_eq!(hung_up.status(), 204);
        let mut states = follow(&app, call).await;
        wait_for_end(&mut states, Duration::from_secs(10)).await;
    }
    let live_given_back = std::time::Instant::now();
    while app.state.admission.live() > 1 {
        assert!(live_given_back.elapsed() < Duration::from_secs(2));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for index in 0..2 {
        let number = format!("02-556-{:04}", 3000 + index);
        assert_eq!(ask("198.51.100.7", number).await.status(), 202);
    }
    let throttled = ask("198.51.100.7", "02-556-3999".into()).await;
    assert_eq!(throttled.status(), 429);
    let retry_after: u64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");

    // The trunk was asked to ring the issuer once per admitted callback, and never for a
    // refused one: after the last admitted one rings, a while for any other to show.
    trunk.wait_for_calls(3 + 1 + 2).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(trunk.calls(), 3 + 1 + 2, "one INVITE per admitted callback");
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    assert_eq!(records["total"], 3 + 1 + 2, "{records}");
}
