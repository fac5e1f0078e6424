//! Browser calls through the real server (issue 4; BRIEF R7b, R8-R12): a webrtc-rs peer plays
//! the caller's browser, SIPp plays the trunk and the issuer's phone, and the Guild engine
//! meters the call. Asserts the page's states, RTP both ways through the bridge, DTMF as
//! RFC 4733 both ways, and an exact record and ledger.

use std::time::Duration;

use media_bridge::browser::{BrowserEvent, BrowserLeg, BrowserLegConfig};
use media_bridge::call::{CallOutcome, HangupCause};
use media_bridge::dtmf::Digit;
use media_bridge::trunk::{TrunkConfig, TrunkSettings};
use serde_json::{Value, json};
use server::ledger::money::Money;
use tokio::sync::mpsc;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json};

#[path = "../../../media-bridge/tests/support/mod.rs"]
#[allow(dead_code)]
pub(crate) mod sipp;

both_backends!(
    a_browser_call_reaches_the_issuers_phone_and_is_billed_exactly,
    a_phone_only_card_without_a_trunk_is_refused_with_the_reason,
    a_call_rings_the_issuers_browser_and_they_talk_without_a_trunk,
    with_no_dashboard_open_the_issuer_does_not_answer,
    a_busy_or_declining_phone_ends_the_call_with_its_sip_cause,
    the_call_ends_with_a_warning_when_the_guild_runs_out,
    a_daily_cap_reached_mid_call_ends_it_at_the_exact_second,
    the_cards_call_limit_ends_a_call_the_guild_could_pay_on,
    a_phone_that_picks_up_but_never_accepts_is_billed_from_the_pick_up,
    a_callback_is_authorized_for_both_phone_legs_and_only_to_allowed_numbers,
);

/// An issuer with 10,000 won, a card "ada" ringing their mobile any time, and rates of 1 won a
/// second for the mobile leg and nothing for the browser's internet leg.
async fn issuer_with_mobile_card(app: &TestApp) -> serde_json::Value {
    issuer_with_card(
        app,
        10,
        "010-1234-5678",
        false,
        "internet,,0,1,1,0\nmobile,82,60,1,1,0",
    )
    .await
}

/// Signs up ada@example.com with a card "ada" callable at any hour, and imports `rates`.
pub(crate) async fn issuer_with_card(
    app: &TestApp,
    max_call_minutes: u32,
    mobile: &str,
    internet_phone: bool,
    rates: &str,
) -> serde_json::Value {
    let account = app.sign_up(&app.client, "ada@example.com").await;
    if !mobile.is_empty() {
        let number = server::calls::number::parse(mobile, phonenumber::country::Id::KR)
            .expect("a valid mobile")
            .e164;
        app.verify_number(&account, &number).await;
    }
    let mut card = card_json(Some("ada"), "Ada");
    card["call"] = json!({
        "call_quota": 5, "max_call_minutes": max_call_minutes, "time_zone": "Asia/Seoul",
        "available_from": "00:00", "available_until": "24:00",
        "available_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "allowed_regions": ["KR"], "landline": "", "mobile": mobile,
        "internet_phone": internet_phone
    });
    assert_eq!(app.create_card(&app.client, card).await.status(), 201);
    let operator = app.operator().await;
    let imported = operator
        .put(app.url("/api/operator/rates"))
        .header("content-type", "text/csv")
        .body(format!("{}\n{rates}\n", server::calls::rates::CSV_HEADER))
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), 200);
    account
}

/// Posts the caller's offer; returns the caller's leg (answer applied) and the call's token.
pub(crate) async fn start_call(app: &TestApp) -> (BrowserLeg, String) {
    call_card(&app.new_client(), app.url("/api/cards/ada/calls")).await
}

/// A webrtc-rs caller posts its offer to `url` (a card's calls); returns the caller's leg
/// (answer applied) and the call's token.
pub(crate) async fn call_card(client: &reqwest::Client, url: String) -> (BrowserLeg, String) {
    let config = BrowserLegConfig::loopback();
    let (mut caller, offer) = BrowserLeg::offer(&config).await.unwrap();
    let started = client
        .post(url)
        .json(&json!({ "offer_sdp": offer, "lang": "en" }))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 201);
    let started: Value = started.json().await.unwrap();
    let answer = config
        .screen(started["answer_sdp"].as_str().unwrap())
        .unwrap();
    caller.accept_answer(&answer).await.unwrap();
    (caller, started["call"].as_str().unwrap().to_string())
}

/// The call's Server-Sent Events, one JSON value per state.
pub(crate) async fn follow(app: &TestApp, call: &str) -> mpsc::UnboundedReceiver<Value> {
    let url = app.url(&format!("/api/calls/live/{call}/events"));
    follow_as(&app.new_client(), url).await
}

/// Server-Sent Events at `url` as `client`, one JSON value per event.
pub(crate) async fn follow_as(
    client: &reqwest::Client,
    url: String,
) -> mpsc::UnboundedReceiver<Value> {
    let mut response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let (sender, states) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut buffer = String::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                for line in event.lines() {
                    if let Some(data) = line.strip_prefix("data:") {
                        let _ = sender.send(serde_json::from_str(data.trim()).unwrap());
                    }
                }
            }
        }
    });
    states
}

/// Waits for the state `wanted`, returning it; fails on `ended` first or after 20 s. The
/// events carry the latest state, and the talk-time estimate (`extended`) follows `connected`
/// at once, so a busy machine may skip to it: it counts as `connected`.
pub(crate) async fn wait_for(states: &mut mpsc::UnboundedReceiver<Value>, wanted: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let state = tokio::time::timeout_at(deadline, states.recv())
            .await
            .unwrap_or_else(|_| panic!("no `{wanted}` state within 20 s"))
            .unwrap_or_else(|| panic!("the events ended before `{wanted}`"));
        if state["state"] == wanted || (wanted == "connected" && state["state"] == "extended") {
            return state;
        }
        assert_ne!(state["state"], "ended", "ended before `{wanted}`: {state}");
    }
}

/// Waits for the call's `ended` state, whatever comes before it, for at most `within`.
/// The first `extended` that carries the talk-time estimate (one held interval may come first).
pub(crate) async fn wait_for_estimate(states: &mut mpsc::UnboundedReceiver<Value>) -> u64 {
    loop {
        let event = wait_for(states, "extended").await;
        if let Some(available) = event["available_secs"].as_u64() {
            return available;
        }
    }
}

pub(crate) async fn wait_for_end(
    states: &mut mpsc::UnboundedReceiver<Value>,
    within: Duration,
) -> Value {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let state = tokio::time::timeout_at(deadline, states.recv())
            .await
            .unwrap_or_else(|_| panic!("the call did not end within {within:?}"))
            .expect("events until the end");
        if state["state"] == "ended" {
            return state;
        }
    }
}

async fn wait_for_event(
    leg: &mut BrowserLeg,
    what: &str,
    mut wanted: impl FnMut(&BrowserEvent) -> bool,
) -> BrowserEvent {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let event = tokio::time::timeout_at(deadline, leg.next_event())
            .await
            .unwrap_or_else(|_| panic!("no {what} on the caller's leg within 10 s"))
            .expect("the browser leg is open");
        if wanted(&event) {
            return event;
        }
    }
}

/// A server whose trunk is `trunk`, giving every new issuer `grant` won.
pub(crate) async fn app_with_trunk(
    backend: Backend,
    trunk: &sipp::Sipp,
    grant: i64,
    hold_secs: u32,
) -> TestApp {
    app_with_trunk_at(backend, trunk.sip.port(), grant, hold_secs).await
}

/// A server whose trunk listens (or will) on 127.0.0.1:`trunk_port`.
pub(crate) async fn app_with_trunk_at(
    backend: Backend,
    trunk_port: u16,
    grant: i64,
    hold_secs: u32,
) -> TestApp {
    TestApp::spawn_with(backend, |settings| {
        settings.signup_grant = Money(grant);
        settings.call_hold_secs = hold_secs;
        with_trunk_at(settings, trunk_port);
    })
    .await
}

/// Points `settings`' SIP trunk at 127.0.0.1:`trunk_port`.
pub(crate) fn with_trunk_at(settings: &mut server::config::Settings, trunk_port: u16) {
    let trunk_settings = TrunkSettings {
        host: "127.0.0.1".into(),
        port: Some(trunk_port),
        caller_id: "+8225550000".into(),
        local_bind: "127.0.0.1:0".parse().unwrap(),
        ..TrunkSettings::default()
    };
    settings.calling.trunk = Some(TrunkConfig::new(trunk_settings).unwrap());
}

async fn a_browser_call_reaches_the_issuers_phone_and_is_billed_exactly(backend: Backend) {
    sipp::init_logs();
    let trunk = sipp::Sipp::start(sipp::Scenario::File("accept_with_1.xml"), &["-rtp_echo"]);
    let app = app_with_trunk(backend, &trunk, 10_000, 60).await;
    issuer_with_mobile_card(&app).await;

    let (mut caller, call) = start_call(&app).await;
    let mut states = follow(&app, &call).await;
    wait_for_event(&mut caller, "connection", |event| {
        *event == BrowserEvent::Connected
    })
    .await;
    wait_for(&mut states, "ringing").await;
    wait_for(&mut states, "waiting_for_issuer").await;
    // SIPp presses 1 after listening to the prompt for a moment.
    let connected = wait_for(&mut states, "connected").await;
    // A minute held; an `extended` that stood in for `connected` counts down from the answer.
    assert!(
        connected["covered_secs"].as_u64().unwrap() >= 59,
        "{connected}"
    );

    // RTP both ways through the bridge: what the caller says comes back from the echoing phone.
    for index in 0..50u8 {
        caller.send_audio(&[index; 160], 160).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut echoed = std::collections::HashSet::new();
    while echoed.len() < 45 {
        if let BrowserEvent::Audio { payload, .. } = wait_for_event(
            &mut caller,
            &format!("echo (have {})", echoed.len()),
            |event| matches!(event, BrowserEvent::Audio { .. }),
        )
        .await
            && payload.len() == 160
            && payload.iter().all(|&byte| byte == payload[0])
            && payload[0] < 50
        {
            echoed.insert(payload[0]);
        }
    }

    // A key press goes to the phone as RFC 4733 and comes back the same way.
    caller.send_digit(Digit::Seven).await.unwrap();
    let digit = wait_for_event(&mut caller, "digit", |event| {
        matches!(event, BrowserEvent::Digit(_))
    })
    .await;
    assert_eq!(digit, BrowserEvent::Digit(Digit::Seven));

    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let hung_up = app
        .new_client()
        .post(app.url(&format!("/api/calls/live/{call}/hangup")))
        .send()
        .await
        .unwrap();
    assert_eq!(hung_up.status(), 204);
    let ended = wait_for(&mut states, "ended").await;
    assert_eq!(ended["cause"], "caller_hung_up");
    trunk.assert_ends_ok().await;

    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let record = &records["records"][0];
    assert_eq!(records["total"], 1, "{records}");
    assert_eq!(record["outcome"], "answered");
    assert_eq!(record["callee_number"], "+821012345678");
    assert_eq!(record["leg_classes"], json!(["internet", "mobile"]));
    let billed = record["billed_secs"].as_i64().unwrap();
    assert!((2..=10).contains(&billed), "{record}");
    assert_eq!(record["cost"].as_i64(), Some(billed), "1 won a second");
    let guild = guild_after_check(&app).await;
    let entries: i64 = guild["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(guild["balance"].as_i64(), Some(10_000 - billed));
    assert_eq!(guild["balance"].as_i64(), Some(entries));
    assert_eq!(guild["held"].as_i64(), Some(0), "nothing stays held");
}

async fn a_phone_only_card_without_a_trunk_is_refused_with_the_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    issuer_with_mobile_card(&app).await;
    let (mut caller, call) = start_call(&app).await;
    let mut states = follow(&app, &call).await;
    wait_for_event(&mut caller, "connection", |event| {
        *event == BrowserEvent::Connected
    })
    .await;
    let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
    assert_eq!(ended["cause"], "refused:no_trunk");
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    assert_eq!(records["total"], 1, "the refused attempt is recorded");
    assert_eq!(records["records"][0]["outcome"], "refused:no_trunk");
    let guild = guild_after_check(&app).await;
    assert_eq!(guild["held"].as_i64(), Some(0));
}

async fn the_call_ends_with_a_warning_when_the_guild_runs_out(backend: Backend) {
    // R11: 16 won at 1 won a second, held 6 seconds at a time: the Guild covers 16 s of talk.
    // Both parties hear the warning 10 s before the end, and the bridge hangs up at 16 s.
    let trunk = sipp::Sipp::start(sipp::Scenario::File("accept_with_1.xml"), &["-rtp_echo"]);
    let app = app_with_trunk(backend, &trunk, 16, 6).await;
    issuer_with_mobile_card(&app).await;
    let (mut caller, call) = start_call(&app).await;
    let mut states = follow(&app, &call).await;
    wait_for(&mut states, "connected").await;
    // R11 ¶60: the page is told how long the call may last — what the Guild covers (16 s),
    // not the interval held (6 s).
    let available = wait_for_estimate(&mut states).await;
    assert!((10..=16).contains(&available), "{available}");
    let warning = wait_for(&mut states, "warning").await;
    assert!(
        (1..=10).contains(&warning["ends_in_secs"].as_u64().unwrap()),
        "{warning}"
    );
    // The caller hears the tone, frame for frame.
    let tone: std::collections::HashSet<Vec<u8>> = media_bridge::tone::WarningTone::default()
        .frames(media_bridge::g711::Codec::Pcmu)
        .iter()
        .map(|frame| frame.to_vec())
        .collect();
    wait_for_event(
        &mut caller,
        "the warning tone",
        |event| matches!(event, BrowserEvent::Audio { payload, .. } if tone.contains(payload)),
    )
    .await;
    let ended = wait_for_end(&mut states, Duration::from_secs(30)).await;
    assert_eq!(ended["cause"], "guild_exhausted");
    trunk.assert_ends_ok().await;

    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let record = &records["records"][0];
    assert_eq!(record["outcome"], "answered");
    assert_eq!(record["hangup_cause"], "guild_exhausted");
    assert_eq!(
        record["billed_secs"], 16,
        "hung up exactly at the covered second: {record}"
    );
    assert_eq!(record["cost"], 16);
    let guild = guild_after_check(&app).await;
    assert_eq!(
        (guild["balance"].as_i64(), guild["held"].as_i64()),
        (Some(0), Some(0)),
        "the Guild is spent to the won and nothing stays held"
    );
}

async fn a_daily_cap_reached_mid_call_ends_it_at_the_exact_second(backend: Backend) {
    // Issue 10: a Guild of 10,000 won whose issuer caps a day's calls at 16 won; 1 won a
    // second, held 6 seconds at a time. The cap, not the balance, ends the call at 16 s, with
    // its own cause, after the warning.
    let trunk = sipp::Sipp::start(sipp::Scenario::File("accept_with_1.xml"), &["-rtp_echo"]);
    let app = app_with_trunk(backend, &trunk, 10_000, 6).await;
    issuer_with_mobile_card(&app).await;
    let capped = app
        .client
        .put(app.url("/api/guild/daily-cap"))
        .json(&json!({ "daily_cap": 16, "time_zone": "Asia/Seoul" }))
        .send()
        .await
        .unwrap();
    assert_eq!(capped.status(), 200);
    let (_caller, call) = start_call(&app).await;
    let mut states = follow(&app, &call).await;
    wait_for(&mut states, "connected").await;
    let available = wait_for_estimate(&mut states).await;
    assert!(
        (10..=16).contains(&available),
        "the clock shows what the cap leaves: {available}"
    );
    wait_for(&mut states, "warning").await;
    let ended = wait_for_end(&mut states, Duration::from_secs(30)).await;
    assert_eq!(ended["cause"], "daily_cap");
    trunk.assert_ends_ok().await;

    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let record = &records["records"][0];
    assert_eq!(record["hangup_cause"], "daily_cap");
    assert_eq!(
        record["billed_secs"], 16,
        "ended at the capped second: {record}"
    );
    assert_eq!(record["cost"], 16);
    let guild = guild_after_check(&app).await;
    assert_eq!(
        (guild["balance"].as_i64(), guild["held"].as_i64()),
        (Some(10_000 - 16), Some(0))
    );
    assert_eq!(guild["spending"]["spent_today"], 16, "{guild}");

    // The next call is refused for the day, with its reason, and recorded.
    let (_caller, call) = start_call(&app).await;
    let mut states = follow(&app, &call).await;
    let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
    assert_eq!(ended["cause"], "refused:daily_cap_reached");
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    assert_eq!(
        records["records"][0]["outcome"],
        "refused:daily_cap_reached"
    );
    assert_eq!(
        guild_after_check(&app).await["balance"].as_i64(),
        Some(10_000 - 16)
    );
}

async fn the_cards_call_limit_ends_a_call_the_guild_could_pay_on(backend: Backend) {
    // The authority the bridge asks, without media: a card that allows one-minute calls, a
    // Guild that could pay for hours, holds of 40 s. The grant covers 40 s; the extension is
    // capped at 60 s and is the last.
    use media_bridge::authority::{
        Authority, CallRequest, CoverageEnd, ExtendDecision, IssuerDestination, IssuerTarget,
        Settlement,
    };
    let app = TestApp::spawn_with(backend, |settings| {
        settings.signup_grant = Money(100_000);
        settings.call_hold_secs = 40;
    })
    .await;
    let account = issuer_with_card(&app, 1, "", true, "internet,,60,1,1,0").await;

    let authority = server::calls::authority::GuildAuthority::new(
        app.db.clone(),
        app.state.settings.clone(),
        false,
        Default::default(),
    );
    let authorized = authority
        .authorize(&CallRequest {
            card_slug: "ada".into(),
            card_name: "Ada".into(),
            destination: IssuerDestination::Browser,
            origin: media_bridge::authority::CallerOrigin::Browser,
            caller_language: "en".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        authorized.target,
        IssuerTarget::Browser {
            account_id: account["id"].as_i64().unwrap()
        }
    );
    // Two internet legs (the caller's and the issuer's browser) at 1 won a second each.
    assert_eq!(
        (authorized.grant.covered_seconds, authorized.grant.last),
        (40, false)
    );
    let call_id = authorized.grant.call_id;
    let answered = std::time::SystemTime::now();
    authority
        .answered(call_id, answered, IssuerDestination::Phone)
        .await;
    let extended = authority.extend(call_id, answered).await;
    assert_eq!(
        extended,
        Some(ExtendDecision {
            covered_seconds: 60,
            last: true,
            ends_by: CoverageEnd::CallLimit,
        })
    );
    authority
        .settle(Settlement {
            call_id,
            picked_up_at: None,
            answered_at: Some(answered),
            caller_picked_up_at: None,
            ended_at: answered + Duration::from_secs(60),
            outcome: CallOutcome::Answered,
            cause: HangupCause::CallLimit,
            answered_on: Some(IssuerDestination::Phone),
            phone_dropped_at: None,
        })
        .await;
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    assert_eq!(records["records"][0]["cost"], 120);
    let guild = guild_after_check(&app).await;
    assert_eq!(
        (guild["balance"].as_i64(), guild["held"].as_i64()),
        (Some(100_000 - 120), Some(0))
    );
}

async fn a_call_rings_the_issuers_browser_and_they_talk_without_a_trunk(backend: Backend) {
    // R2/R10: the embedded default, no trunk: the issuer's signed-in dashboard is the phone.
    let app = TestApp::spawn_with(backend, |settings| settings.signup_grant = Money(10_000)).await;
    issuer_with_card(&app, 10, "", true, "internet,,60,1,1,0").await;
    let mut line = follow_as(&app.client, app.url("/api/issuer/calls/events")).await;
    assert_eq!(wait_for(&mut line, "available").await["state"], "available");

    let (mut caller, call) = start_call(&app).await;
    let mut states = follow(&app, &call).await;
    let incoming = wait_for(&mut line, "incoming").await;
    assert_eq!(incoming["call"], call.as_str());
    assert_eq!(incoming["card_name"], "Ada");
    wait_for(&mut states, "ringing").await;

    let (mut issuer, offer) = BrowserLeg::offer(&BrowserLegConfig::loopback())
        .await
        .unwrap();
    let stranger = app.new_client();
    app.sign_up(&stranger, "eve@example.com").await;
    let accept = |client: &reqwest::Client, offer: &str| {
        client
            .post(app.url(&format!("/api/issuer/calls/{call}/accept")))
            .json(&json!({ "offer_sdp": offer }))
            .send()
    };
    assert_eq!(
        accept(&stranger, &offer).await.unwrap().status(),
        404,
        "another issuer cannot take the call"
    );
    let accepted = accept(&app.client, &offer).await.unwrap();
    assert_eq!(accepted.status(), 200);
    let accepted: Value = accepted.json().await.unwrap();
    let answer = BrowserLegConfig::loopback()
        .screen(accepted["answer_sdp"].as_str().unwrap())
        .unwrap();
    issuer.accept_answer(&answer).await.unwrap();
    assert_eq!(
        accept(&app.client, &offer).await.unwrap().status(),
        409,
        "a second tab cannot take it again"
    );
    wait_for(&mut states, "connected").await;

    // Both ways, untouched: PCMU on both legs.
    for index in 0..20u8 {
        caller.send_audio(&[index; 160], 160).await.unwrap();
        issuer.send_audio(&[100 + index; 160], 160).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    wait_for_event(
        &mut issuer,
        "the caller's voice",
        |event| matches!(event, BrowserEvent::Audio { payload, .. } if payload[0] < 20),
    )
    .await;
    wait_for_event(&mut caller, "the issuer's voice", |event| {
        matches!(event, BrowserEvent::Audio { payload, .. } if (100..120).contains(&payload[0]))
    })
    .await;

    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let hung_up = app
        .client
        .post(app.url(&format!("/api/issuer/calls/{call}/hangup")))
        .send()
        .await
        .unwrap();
    assert_eq!(hung_up.status(), 204);
    let ended = wait_for(&mut states, "ended").await;
    assert_eq!(ended["cause"], "issuer_hung_up");

    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let record = &records["records"][0];
    assert_eq!(record["outcome"], "answered");
    assert_eq!(record["leg_classes"], json!(["internet", "internet"]));
    let billed = record["billed_secs"].as_i64().unwrap();
    assert!(billed >= 1, "{record}");
    assert_eq!(
        record["cost"].as_i64(),
        Some(2 * billed),
        "two internet legs"
    );
    let guild = guild_after_check(&app).await;
    assert_eq!(guild["balance"].as_i64(), Some(10_000 - 2 * billed));
    assert_eq!(guild["held"].as_i64(), Some(0));
}

async fn with_no_dashboard_open_the_issuer_does_not_answer(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| settings.signup_grant = Money(10_000)).await;
    issuer_with_card(&app, 10, "", true, "internet,,60,1,1,0").await;
    let (_caller, call) = start_call(&app).await;
    let mut states = follow(&app, &call).await;
    let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
    assert_eq!(ended["cause"], "issuer_did_not_answer");
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    assert_eq!(records["records"][0]["cost"], 0);
    let guild = guild_after_check(&app).await;
    assert_eq!(
        (guild["balance"].as_i64(), guild["held"].as_i64()),
        (Some(10_000), Some(0))
    );
}

async fn a_busy_or_declining_phone_ends_the_call_with_its_sip_cause(backend: Backend) {
    // R12: failed set-ups are settled and recorded with their SIP cause; nothing is charged.
    for (status, reason, cause, outcome) in [
        ("486", "Busy Here", "issuer_busy", "busy"),
        ("603", "Decline", "issuer_declined", "declined"),
    ] {
        let trunk = sipp::Sipp::start(
            sipp::Scenario::Template(
                "../../../media-bridge/tests/sipp/reject.xml",
                vec![("__STATUS__", status.into()), ("__REASON__", reason.into())],
            ),
            &[],
        );
        let app = app_with_trunk(backend, &trunk, 10_000, 60).await;
        issuer_with_mobile_card(&app).await;
        let (_caller, call) = start_call(&app).await;
        let mut states = follow(&app, &call).await;
        let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
        assert_eq!(ended["cause"], cause, "{status}");
        trunk.assert_ends_ok().await;
        let records = app.get_json(&app.client, app.url("/api/calls")).await;
        let record = &records["records"][0];
        assert_eq!(record["outcome"], outcome, "{record}");
        assert_eq!(record["hangup_cause"], cause);
        assert_eq!(record["cost"], 0);
        let guild = guild_after_check(&app).await;
        assert_eq!(
            (guild["balance"].as_i64(), guild["held"].as_i64()),
            (Some(10_000), Some(0))
        );
    }
}

/// The Guild's statement, once the money invariant holds (issue 9).
pub(crate) async fn guild_after_check(app: &TestApp) -> Value {
    app.assert_money_exact().await;
    app.get_json(&app.client, app.url("/api/guild")).await
}

async fn a_phone_that_picks_up_but_never_accepts_is_billed_from_the_pick_up(backend: Backend) {
    // Issue 8, toll fraud: a number that answers and never presses 1 used to ring for free and
    // give the call-count unit back. Every answered second of a trunk leg costs the operator.
    let trunk = sipp::Sipp::start(
        sipp::Scenario::File("../../../media-bridge/tests/sipp/answer_echo_dtmf.xml"),
        &["-rtp_echo"],
    );
    let app = app_with_trunk(backend, &trunk, 10_000, 60).await;
    issuer_with_mobile_card(&app).await;
    let (_caller, call) = start_call(&app).await;
    let mut states = follow(&app, &call).await;
    wait_for(&mut states, "waiting_for_issuer").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    app.new_client()
        .post(app.url(&format!("/api/calls/live/{call}/hangup")))
        .send()
        .await
        .unwrap();
    let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
    assert_eq!(ended["cause"], "caller_hung_up");
    trunk.assert_ends_ok().await;

    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let record = &records["records"][0];
    let cost = record["cost"].as_i64().unwrap();
    // One won a second on the mobile leg, from the pick-up: about the 3 s on the prompt.
    assert!((3..=5).contains(&cost), "{record}");
    assert_eq!(record["billed_secs"].as_i64(), Some(cost), "{record}");
    assert_eq!(record["outcome"], "abandoned", "{record}");
    let settings = app
        .get_json(&app.client, app.url("/api/cards/ada/call-settings"))
        .await;
    assert_eq!(
        settings["call_quota"], 4,
        "a picked-up call is an attempt: its unit is not given back"
    );
    let guild = guild_after_check(&app).await;
    assert_eq!(
        (guild["balance"].as_i64(), guild["held"].as_i64()),
        (Some(10_000 - cost), Some(0))
    );
}

/// Issue 10: the authority the bridge asks for a callback rates both phone legs (the caller's
/// by the class of the number they typed), names the caller in the record, and refuses — with
/// a record — numbers of countries the card does not allow, premium numbers and garbage.
async fn a_callback_is_authorized_for_both_phone_legs_and_only_to_allowed_numbers(
    backend: Backend,
) {
    use media_bridge::authority::{
        Authority, CallRequest, CallerOrigin, IssuerDestination, IssuerTarget, Refusal,
    };
    let app = TestApp::spawn_with(backend, |settings| {
        settings.signup_grant = Money(10_000);
        settings.call_hold_secs = 60;
    })
    .await;
    issuer_with_card(
        &app,
        10,
        "010-1234-5678",
        false,
        "internet,,0,1,1,0\nmobile,82,60,1,1,0\nlandline,82,30,1,1,0",
    )
    .await;
    let authority = server::calls::authority::GuildAuthority::new(
        app.db.clone(),
        app.state.settings.clone(),
        true,
        Default::default(),
    );
    let callback = |number: &str| CallRequest {
        card_slug: "ada".into(),
        card_name: "Ada".into(),
        destination: IssuerDestination::Phone,
        origin: CallerOrigin::Phone {
            number: number.into(),
            spoken: number.into(),
            keys: None,
            card_name: Default::default(),
        },
        caller_language: "ko".into(),
    };
    let authorized = authority
        .authorize(&callback("+8225561234"))
        .await
        .expect("a Seoul landline calls back a Korean card");
    assert_eq!(
        authorized.target,
        IssuerTarget::Phone {
            number: "+821012345678".into(),
            extension: None
        }
    );
    // A landline leg at 0.5 won a second and a mobile leg at 1: 60 s cost 90 won.
    let guild = app.get_json(&app.client, app.url("/api/guild")).await;
    assert_eq!(guild["held"].as_i64(), Some(90), "{guild}");

    for (number, why) in [
        ("+12125550100", "a country the card does not allow"),
        ("+82607001234", "a premium-rate number"),
        ("+8221234567890", "no such number"),
    ] {
        assert_eq!(
            authority.authorize(&callback(number)).await,
            Err(Refusal::DestinationNotAllowed),
            "{why}"
        );
    }
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let records = records["records"].as_array().unwrap();
    assert_eq!(records.len(), 4, "every attempt is recorded: {records:?}");
    let callers: Vec<&str> = records
        .iter()
        .map(|record| record["caller_number"].as_str().unwrap())
        .collect();
    assert!(callers.contains(&"+8225561234"), "{callers:?}");
    assert!(callers.contains(&"+12125550100"), "{callers:?}");
    assert!(callers.contains(&"+8221234567890"), "{callers:?}");
    let refused = records
        .iter()
        .filter(|record| record["outcome"] == "refused:destination_not_allowed")
        .count();
    assert_eq!(refused, 3, "{records:?}");
}
