//! Ringing the issuer's phone and browser at once (issue 11, BRIEF R10): a webrtc-rs caller,
//! SIPp as the issuer's phone behind the trunk, a webrtc-rs peer as the issuer's dashboard.
//! The first to accept takes the call; the other stops ringing (or is hung up); only the leg
//! that took the call is billed for the talk, and a phone let go after its pick-up is billed
//! to the moment it was let go — checked against the stored times, to the won.

use std::time::Duration;

use media_bridge::browser::{BrowserEvent, BrowserLeg, BrowserLegConfig};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use server::calls::call_state::AnsweredOn;
use server::calls::metering::{CallLegs, LegTimes};
use server::calls::reservation::entity as call;
use server::ledger::money::Money;

use crate::both_backends;
use crate::calling::{
    app_with_trunk, follow, follow_as, guild_after_check, issuer_with_card, sipp, start_call,
    wait_for,
};
use crate::helpers::{Backend, TestApp};

both_backends!(
    the_page_takes_the_call_while_the_phone_hears_its_prompt,
    the_page_takes_the_call_while_the_phone_still_rings,
    the_phone_pressing_1_first_stops_the_page,
    a_callback_taken_in_the_page_hangs_up_the_phone_and_calls_the_caller,
);

/// Internet legs at 1 won a second, the issuer's mobile at 2: each leg shows in the cost.
const RATES: &str = "internet,,60,1,1,0\nmobile,82,120,1,1,0";

/// An issuer whose card rings their mobile and their browser, with the dashboard open.
async fn both_ringing(app: &TestApp) -> tokio::sync::mpsc::UnboundedReceiver<Value> {
    issuer_with_card(app, 10, "010-1234-5678", true, RATES).await;
    let mut line = follow_as(&app.client, app.url("/api/issuer/calls/events")).await;
    wait_for(&mut line, "available").await;
    line
}

/// Accepts `call` in the issuer's dashboard: their browser leg, answer applied.
async fn accept_in_page(app: &TestApp, call: &str) -> BrowserLeg {
    let config = BrowserLegConfig::loopback();
    let (mut issuer, offer) = BrowserLeg::offer(&config).await.unwrap();
    let accepted = app
        .client
        .post(app.url(&format!("/api/issuer/calls/{call}/accept")))
        .json(&json!({ "offer_sdp": offer }))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200);
    let accepted: Value = accepted.json().await.unwrap();
    let answer = config
        .screen(accepted["answer_sdp"].as_str().unwrap())
        .unwrap();
    issuer.accept_answer(&answer).await.unwrap();
    issuer
}

/// Audio from each browser reaches the other.
async fn talk(caller: &mut BrowserLeg, issuer: &mut BrowserLeg) {
    for index in 0..20u8 {
        caller.send_audio(&[index; 160], 160).await.unwrap();
        issuer.send_audio(&[100 + index; 160], 160).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    heard(issuer, "the caller's voice", |first| first < 20).await;
    heard(caller, "the issuer's voice", |first| {
        (100..120).contains(&first)
    })
    .await;
}

async fn heard(leg: &mut BrowserLeg, what: &str, wanted: impl Fn(u8) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let event = tokio::time::timeout_at(deadline, leg.next_event())
            .await
            .unwrap_or_else(|_| panic!("no {what} within 10 s"))
            .expect("the leg is open");
        if let BrowserEvent::Audio { payload, .. } = event
            && wanted(payload[0])
        {
            return;
        }
    }
}

/// The one call's row, settled, and its record.
async fn settled(app: &TestApp) -> (call::Model, Value) {
    let rows = call::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    (rows[0].clone(), records["records"][0].clone())
}

/// Whole seconds from `from` to `to`.
fn secs(from: Option<chrono::DateTime<chrono::Utc>>, to: chrono::DateTime<chrono::Utc>) -> u32 {
    from.map_or(0, |from| (to - from).num_seconds().max(0) as u32)
}

/// Hangs up from the dashboard and waits for the call's end.
async fn issuer_hangs_up(
    app: &TestApp,
    call: &str,
    states: &mut tokio::sync::mpsc::UnboundedReceiver<Value>,
) {
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let hung_up = app
        .client
        .post(app.url(&format!("/api/issuer/calls/{call}/hangup")))
        .send()
        .await
        .unwrap();
    assert_eq!(hung_up.status(), 204);
    assert_eq!(wait_for(states, "ended").await["cause"], "issuer_hung_up");
}

async fn the_page_takes_the_call_while_the_phone_hears_its_prompt(backend: Backend) {
    sipp::init_logs();
    // The phone picks up (as a voicemail would) and never presses 1; it waits for our BYE.
    let phone = sipp::Sipp::start(
        sipp::Scenario::File("../../../media-bridge/tests/sipp/answer_echo_dtmf.xml"),
        &["-rtp_echo"],
    );
    let app = app_with_trunk(backend, &phone, 10_000, 60).await;
    let mut line = both_ringing(&app).await;
    let (mut caller, call) = start_call(&app).await;
    let mut states = follow(&app, &call).await;
    assert_eq!(wait_for(&mut line, "incoming").await["call"], call.as_str());
    wait_for(&mut states, "waiting_for_issuer").await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    let mut issuer = accept_in_page(&app, &call).await;
    wait_for(&mut states, "connected").await;
    talk(&mut caller, &mut issuer).await;
    issuer_hangs_up(&app, &call, &mut states).await;
    // The phone was sent its BYE when the page took the call.
    phone.assert_ends_ok().await;

    let (row, record) = settled(&app).await;
    assert_eq!(record["answered_on"], "browser", "{record}");
    assert_eq!(record["outcome"], "answered");
    // The issuer's records say where they took it: the page, and the CSV's last column.
    app.choose_language(&app.client, "en").await;
    let page = app.get_text(&app.client, app.url("/dashboard/calls")).await;
    assert!(page.contains("answered in the browser"), "{page}");
    let csv = app.get_text(&app.client, app.url("/api/calls.csv")).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",answered_on"), "{csv}");
    assert!(lines[1].ends_with(",browser"), "{csv}");
    assert_eq!(
        record["leg_classes"],
        json!(["internet", "mobile", "internet"])
    );
    assert_eq!(row.answered_on, Some(AnsweredOn::Browser));
    let (answered_at, ended_at) = (row.answered_at.unwrap(), row.ended_at.unwrap());
    let dropped_at = row.phone_dropped_at.expect("the phone was let go");
    assert!(
        (dropped_at - answered_at).num_milliseconds().abs() < 1_000,
        "let go as the page took the call: {row:?}"
    );
    let phone_secs = secs(row.picked_up_at, dropped_at);
    assert!(
        phone_secs >= 2,
        "the phone heard its prompt for 2 s or more: {row:?}"
    );
    let talk_secs = secs(Some(answered_at), ended_at);
    // Caller and page at 1 won a second for the talk; the phone at 2 until it was let go.
    let cost = record["cost"].as_i64().unwrap();
    assert_eq!(cost, i64::from(2 * talk_secs + 2 * phone_secs), "{row:?}");
    let priced = CallLegs::from_stored(&row.legs)
        .unwrap()
        .answered_on(row.answered_on)
        .settle(
            Money(row.held),
            LegTimes {
                caller_secs: talk_secs,
                issuer_secs: phone_secs,
                page_secs: talk_secs,
            },
        );
    assert_eq!(Money(cost), priced.charge);
    let guild = guild_after_check(&app).await;
    assert_eq!(guild["balance"].as_i64(), Some(10_000 - cost));
    assert_eq!(guild["held"].as_i64(), Some(0));
}

async fn the_page_takes_the_call_while_the_phone_still_rings(backend: Backend) {
    sipp::init_logs();
    // The phone rings until it is cancelled.
    let phone = sipp::Sipp::start(
        sipp::Scenario::File("../../../media-bridge/tests/sipp/ring_until_cancel.xml"),
        &[],
    );
    let app = app_with_trunk(backend, &phone, 10_000, 60).await;
    let mut line = both_ringing(&app).await;
    let (mut caller, call) = start_call(&app).await;
    let mut states = follow(&app, &call).await;
    wait_for(&mut line, "incoming").await;
    wait_for(&mut states, "ringing").await;
    let mut issuer = accept_in_page(&app, &call).await;
    wait_for(&mut states, "connected").await;
    // The phone was sent its CANCEL.
    phone.assert_ends_ok().await;
    talk(&mut caller, &mut issuer).await;
    issuer_hangs_up(&app, &call, &mut states).await;

    let (row, record) = settled(&app).await;
    assert_eq!(record["answered_on"], "browser", "{record}");
    assert_eq!(row.phone_dropped_at, None, "the phone never picked up");
    let talk_secs = secs(row.answered_at, row.ended_at.unwrap());
    assert!(talk_secs >= 1, "{row:?}");
    let cost = record["cost"].as_i64().unwrap();
    assert_eq!(
        cost,
        i64::from(2 * talk_secs),
        "two internet legs, no phone: {row:?}"
    );
    let guild = guild_after_check(&app).await;
    assert_eq!(guild["balance"].as_i64(), Some(10_000 - cost));
}

async fn the_phone_pressing_1_first_stops_the_page(backend: Backend) {
    sipp::init_logs();
    let phone = sipp::Sipp::start(sipp::Scenario::File("accept_with_1.xml"), &["-rtp_echo"]);
    let app = app_with_trunk(backend, &phone, 10_000, 60).await;
    let mut line = both_ringing(&app).await;
    let (_caller, call) = start_call(&app).await;
    let mut states = follow(&app, &call).await;
    wait_for(&mut line, "incoming").await;
    wait_for(&mut states, "connected").await;
    // The dashboard is told the call stopped ringing, and can no longer take it.
    assert_eq!(wait_for(&mut line, "gone").await["call"], call.as_str());
    let late = app
        .client
        .post(app.url(&format!("/api/issuer/calls/{call}/accept")))
        .json(&json!({ "offer_sdp": "v=0" }))
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), 404, "nothing rings any more");

    tokio::time::sleep(Duration::from_millis(1_200)).await;
    app.new_client()
        .post(app.url(&format!("/api/calls/live/{call}/hangup")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        wait_for(&mut states, "ended").await["cause"],
        "caller_hung_up"
    );
    phone.assert_ends_ok().await;

    let (row, record) = settled(&app).await;
    assert_eq!(record["answered_on"], "phone", "{record}");
    assert_eq!(row.phone_dropped_at, None);
    let ended_at = row.ended_at.unwrap();
    let talk_secs = secs(row.answered_at, ended_at);
    let phone_secs = secs(row.picked_up_at, ended_at).max(talk_secs);
    // The caller's internet leg for the talk, the phone from its pick-up; the page nothing.
    let cost = record["cost"].as_i64().unwrap();
    assert_eq!(cost, i64::from(talk_secs + 2 * phone_secs), "{row:?}");
    let guild = guild_after_check(&app).await;
    assert_eq!(guild["balance"].as_i64(), Some(10_000 - cost));
}

async fn a_callback_taken_in_the_page_hangs_up_the_phone_and_calls_the_caller(backend: Backend) {
    sipp::init_logs();
    // SIPp answers both of the trunk's calls (the issuer's phone, then the caller's) and
    // waits for our BYE on each.
    let trunk = sipp::Sipp::start(
        sipp::Scenario::File("../../../media-bridge/tests/sipp/answer_echo_dtmf.xml"),
        &["-rtp_echo", "-m", "2"],
    );
    let app = app_with_trunk(backend, &trunk, 10_000, 60).await;
    // The caller's Seoul landline at 3 won a second, the issuer's mobile at 2, the page at 1.
    issuer_with_card(
        &app,
        10,
        "010-1234-5678",
        true,
        "internet,,60,1,1,0\nmobile,82,120,1,1,0\nlandline,82,180,1,1,0",
    )
    .await;
    let mut line = follow_as(&app.client, app.url("/api/issuer/calls/events")).await;
    wait_for(&mut line, "available").await;
    let started = app
        .new_client()
        .post(app.url("/api/cards/ada/callbacks"))
        .json(&json!({ "number": "02-556-1234", "lang": "en" }))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 202);
    let started: Value = started.json().await.unwrap();
    let call = started["call"].as_str().unwrap().to_owned();
    let mut states = follow(&app, &call).await;
    let incoming = wait_for(&mut line, "incoming").await;
    assert_eq!(incoming["caller"], "+82 2-556-1234", "{incoming}");
    // The issuer's phone picked up and hears the callback prompt; the page takes the call.
    wait_for(&mut states, "waiting_for_issuer").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let _issuer = accept_in_page(&app, &call).await;
    wait_for(&mut states, "connected").await;
    issuer_hangs_up(&app, &call, &mut states).await;
    // Both of SIPp's calls ended with our BYE: the phone's at the takeover, the caller's now.
    trunk.assert_ends_ok().await;

    let (row, record) = settled(&app).await;
    assert_eq!(record["caller_number"], "+8225561234", "{record}");
    assert_eq!(record["answered_on"], "browser", "{record}");
    assert_eq!(
        record["leg_classes"],
        json!(["landline", "mobile", "internet"]),
        "{record}"
    );
    let ended_at = row.ended_at.unwrap();
    let talk_secs = secs(row.answered_at, ended_at);
    let caller_secs = secs(row.caller_picked_up_at, ended_at).max(talk_secs);
    let phone_secs = secs(
        row.picked_up_at,
        row.phone_dropped_at.expect("the phone let go"),
    );
    assert!(phone_secs >= 1, "{row:?}");
    let cost = record["cost"].as_i64().unwrap();
    assert_eq!(
        cost,
        i64::from(3 * caller_secs + 2 * phone_secs + talk_secs),
        "{row:?}"
    );
    let guild = guild_after_check(&app).await;
    assert_eq!(guild["balance"].as_i64(), Some(10_000 - cost));
    assert_eq!(guild["held"].as_i64(), Some(0));
}
