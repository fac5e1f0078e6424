//! Callbacks on the wire (issue 10, R7a, R9-R12): a callback asked for through
//! `POST /api/cards/{slug}/callbacks`, with SIPp as the trunk for both legs, on SQLite and
//! PostgreSQL. What crosses the trunk is held to account — the digest answer to a trunk that
//! challenges every INVITE, the BYE to the leg still up when the other phone hangs up, the
//! issuer's extension keyed as RFC 4733 before the prompt — and so is the money afterwards:
//! each leg billed from its own pick-up at its own rate, to the won, in one debit.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use media_bridge::call::CallConfig;
use media_bridge::dtmf::{Digit, DtmfReceiver, DtmfSender};
use media_bridge::rtp::{RtpHeader, RtpPacket};
use media_bridge::trunk::{TrunkConfig, TrunkSettings};
use sea_orm::EntityTrait;
use secrecy::SecretString;
use serde_json::{Value, json};
use server::calls::reservation::entity as call_row;
use server::ledger::money::Money;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use crate::both_backends;
use crate::callbacks::{callback_started, trunk_for_legs};
use crate::calling::{
    app_with_trunk, follow, guild_after_check, issuer_with_card, sipp, wait_for_end,
};
use crate::helpers::{Backend, TestApp};

both_backends!(
    a_trunk_that_challenges_both_legs_gets_our_credentials_on_each_and_the_callback_is_billed,
    a_wrong_trunk_password_ends_the_callback_with_the_trunks_status_and_costs_nothing,
    the_caller_hanging_up_first_ends_the_callback_and_the_issuers_leg_gets_a_bye,
    the_issuer_hanging_up_first_ends_the_callback_and_the_callers_leg_gets_a_bye,
    the_issuers_extension_reaches_their_phone_as_rfc_4733_keys_before_the_callback_prompt,
    the_callback_prompt_says_the_cards_name_first,
);

/// The caller's Seoul landline at 1 won a second, the issuer's mobile at 2: a leg billed at the
/// other's rate, or for the other's time, shows in the cost.
const RATES: &str = "internet,,0,1,1,0\nmobile,82,120,1,1,0\nlandline,82,60,1,1,0";
const CALLER_WON_PER_SECOND: i64 = 1;
const ISSUER_WON_PER_SECOND: i64 = 2;
/// What a new issuer's Guild starts with.
const GRANT: i64 = 10_000;
/// The card's issuer's mobile, and the number that asks to be called back.
const ISSUER_MOBILE: &str = "010-1234-5678";
const CALLER: &str = "02-556-1234";

/// The trunk's digest credentials (SIPp checks them as `-key username/password`).
const USERNAME: &str = "callcard-trunk";
const PASSWORD: &str = "s3cret-digest";

/// SIPp's arguments for a trunk that knows our credentials, taking `calls` calls.
fn digest_keys(calls: &'static str) -> [&'static str; 8] {
    [
        "-m", calls, "-key", "username", USERNAME, "-key", "password", PASSWORD,
    ]
}

/// A server whose trunk is `trunk`, signing in with `USERNAME` and `password`; new issuers get
/// `GRANT` and calls hold a minute at a time.
async fn app_with_digest_trunk(backend: Backend, trunk: &sipp::Sipp, password: &str) -> TestApp {
    let port = trunk.sip.port();
    TestApp::spawn_with(backend, |settings| {
        settings.signup_grant = Money(GRANT);
        settings.call_hold_secs = 60;
        let trunk_settings = TrunkSettings {
            username: Some(USERNAME.into()),
            password: Some(SecretString::from(password)),
            ..sipp::trunk_settings(port)
        };
        settings.calling.trunk = Some(TrunkConfig::new(trunk_settings).unwrap());
    })
    .await
}

/// Waits until the two phones talk (`connected`, or the talk-time estimate that may replace it
/// before the events are read); fails on `ended` first or after 20 s.
async fn wait_until_talking(states: &mut mpsc::UnboundedReceiver<Value>) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let state = tokio::time::timeout_at(deadline, states.recv())
            .await
            .expect("the phones talk within 20 s")
            .expect("the events go on until the end");
        match state["state"].as_str() {
            Some("connected" | "extended") => return state,
            Some("ended") => panic!("ended before talking: {state}"),
            _ => {}
        }
    }
}

/// The callback's one record, once it ended with `cause` after the two phones talked: each leg
/// billed from its own pick-up to the end at its own rate (per-second increments, so to the
/// second), the Guild debited exactly that, once, and holding nothing. Returns the call's row.
async fn assert_each_leg_billed_for_its_own_time(app: &TestApp, cause: &str) -> call_row::Model {
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let records = records["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{records:?}");
    let record = &records[0];
    assert_eq!(
        (
            &record["outcome"],
            &record["hangup_cause"],
            &record["caller_number"],
            &record["callee_number"],
            &record["leg_classes"],
        ),
        (
            &json!("answered"),
            &json!(cause),
            &json!("+8225561234"),
            &json!("+821012345678"),
            &json!(["landline", "mobile"]),
        ),
        "{record}"
    );
    let rows = call_row::Entity::find().all(&app.db).await.unwrap();
    let [row] = rows.as_slice() else {
        panic!("one call: {rows:?}");
    };
    let (Some(issuer_up), Some(caller_up), Some(answered), Some(ended)) = (
        row.picked_up_at,
        row.caller_picked_up_at,
        row.answered_at,
        row.ended_at,
    ) else {
        panic!("a callback that talked stores both pick-ups, its answer and its end: {row:?}");
    };
    assert!(
        issuer_up < caller_up && caller_up <= answered && answered < ended,
        "the issuer picks up, then the caller, then they talk: {row:?}"
    );
    let issuer_seconds = (ended - issuer_up).num_seconds();
    let caller_seconds = (ended - caller_up).num_seconds();
    assert!(caller_seconds >= 1, "{row:?}");
    let cost = issuer_seconds * ISSUER_WON_PER_SECOND + caller_seconds * CALLER_WON_PER_SECOND;
    assert_eq!(
        (record["billed_secs"].as_i64(), record["cost"].as_i64()),
        (Some(issuer_seconds), Some(cost)),
        "billed: the issuer's leg, up the longer; cost: both legs, each for its own time \
         ({issuer_seconds} s at {ISSUER_WON_PER_SECOND}, {caller_seconds} s at \
         {CALLER_WON_PER_SECOND}): {record}"
    );
    let guild = guild_after_check(app).await;
    assert_eq!(
        (guild["balance"].as_i64(), guild["held"].as_i64()),
        (Some(GRANT - cost), Some(0)),
        "{guild}"
    );
    assert_eq!(
        call_debits(&guild),
        [-cost],
        "one debit of exactly the call's cost: {guild}"
    );
    row.clone()
}

/// The amounts of the Guild's call debits, newest first.
fn call_debits(guild: &Value) -> Vec<i64> {
    guild["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["kind"] == "call_debit")
        .map(|entry| entry["amount"].as_i64().unwrap())
        .collect()
}

/// Issue 10 on a trunk that authenticates every call: SIPp challenges each leg's INVITE — with
/// 401 and WWW-Authenticate, then, on a second trunk, 407 and Proxy-Authenticate — and answers
/// only a retry that carries our digest (after a 401, SIPp recomputes its MD5 response from
/// the credentials it was given; a 407's is checked for our username, the realm, the nonce and
/// an MD5's shape). The issuer's leg and then the caller's get through, the issuer presses 1,
/// the two talk until the issuer hangs up, the caller's leg gets our BYE (SIPp's scenario ends
/// only then), and each leg is billed for its own time.
async fn a_trunk_that_challenges_both_legs_gets_our_credentials_on_each_and_the_callback_is_billed(
    backend: Backend,
) {
    sipp::init_logs();
    let hold = ("__HOLD_MS__", "4000".to_owned());
    for (scenario, vars) in [
        ("callback_digest.xml", vec![hold.clone()]),
        (
            "callback_proxy_digest.xml",
            vec![hold.clone(), ("__USERNAME__", USERNAME.to_owned())],
        ),
    ] {
        let (trunk, _sink) = trunk_for_legs(scenario, "1", vars, &digest_keys("2"));
        let app = app_with_digest_trunk(backend, &trunk, PASSWORD).await;
        issuer_with_card(&app, 10, ISSUER_MOBILE, false, RATES).await;

        let call = callback_started(&app, CALLER).await;
        let mut states = follow(&app, &call).await;
        wait_until_talking(&mut states).await;
        let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
        assert_eq!(ended["cause"], "issuer_hung_up", "{scenario}: {ended}");
        trunk.assert_ends_ok().await;
        assert_each_leg_billed_for_its_own_time(&app, "issuer_hung_up").await;
    }
}

/// The credentials above were really checked: with a password the trunk does not know, SIPp
/// answers the issuer's retried INVITE with 403, and the callback ends at once with the
/// trunk's status (`trunk_error:403`). Nobody picked up, so nothing is charged, nothing stays
/// held and the card's call-count unit is given back; the caller's number is never dialled
/// (SIPp takes one call and ran it to its 403).
async fn a_wrong_trunk_password_ends_the_callback_with_the_trunks_status_and_costs_nothing(
    backend: Backend,
) {
    sipp::init_logs();
    let (trunk, _sink) = trunk_for_legs(
        "callback_digest.xml",
        "1",
        vec![("__HOLD_MS__", "4000".to_owned())],
        &digest_keys("1"),
    );
    let app = app_with_digest_trunk(backend, &trunk, "not-the-password").await;
    issuer_with_card(&app, 10, ISSUER_MOBILE, false, RATES).await;

    let call = callback_started(&app, CALLER).await;
    let mut states = follow(&app, &call).await;
    let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
    assert_eq!(ended["cause"], "trunk_error:403", "{ended}");
    trunk.assert_ends_ok().await;

    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let records = records["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{records:?}");
    let record = &records[0];
    assert_eq!(
        (&record["outcome"], &record["hangup_cause"], &record["cost"]),
        (&json!("failed"), &json!("trunk_error:403"), &json!(0)),
        "{record}"
    );
    let rows = call_row::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(
        (rows[0].picked_up_at, rows[0].caller_picked_up_at),
        (None, None),
        "no phone picked up: {rows:?}"
    );
    let guild = guild_after_check(&app).await;
    assert_eq!(
        (guild["balance"].as_i64(), guild["held"].as_i64()),
        (Some(GRANT), Some(0)),
        "{guild}"
    );
    assert_eq!(call_debits(&guild), Vec::<i64>::new(), "{guild}");
    let settings = app
        .get_json(&app.client, app.url("/api/cards/ada/call-settings"))
        .await;
    assert_eq!(
        settings["call_quota"], 5,
        "a call nobody picked up gives its unit back"
    );
}

/// One phone of a talking callback hangs up: SIPp's call `sipp_call` ("1" the issuer's, "2"
/// the caller's) sends BYE `hold` after its answer, and the other call must get our BYE.
/// Returns the call's row, once its cause and money are checked.
async fn one_phone_hangs_up_first(
    backend: Backend,
    sipp_call: &str,
    hold: Duration,
    cause: &str,
) -> call_row::Model {
    sipp::init_logs();
    let (trunk, _sink) = trunk_for_legs(
        "callback_hangs_up.xml",
        "1",
        vec![
            ("__HANGS_UP__", sipp_call.to_owned()),
            ("__HOLD_MS__", hold.as_millis().to_string()),
        ],
        &["-m", "2"],
    );
    let app = app_with_trunk(backend, &trunk, GRANT, 60).await;
    issuer_with_card(&app, 10, ISSUER_MOBILE, false, RATES).await;

    let call = callback_started(&app, CALLER).await;
    let mut states = follow(&app, &call).await;
    wait_until_talking(&mut states).await;
    let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
    assert_eq!(ended["cause"], cause, "{ended}");
    // Both calls ran their scenario to the end: the one still up received our BYE.
    trunk.assert_ends_ok().await;
    assert_each_leg_billed_for_its_own_time(&app, cause).await
}

/// How long a leg was up, from its pick-up to the call's end, as stored.
fn up_for(picked_up: Option<chrono::DateTime<chrono::Utc>>, row: &call_row::Model) -> Duration {
    (row.ended_at.unwrap() - picked_up.unwrap())
        .to_std()
        .unwrap()
}

/// The leg that hung up was up from its pick-up until its BYE: at least the time SIPp held it
/// (less a scheduler tick), and not much more.
fn assert_held_for(leg: &str, up: Duration, hold: Duration) {
    assert!(
        up + Duration::from_millis(50) >= hold && up <= hold + Duration::from_secs(5),
        "the {leg}'s leg was up {up:?}, its phone hung up after {hold:?}"
    );
}

/// Issue 10: the caller hangs up their phone while bridged (the trunk's BYE on the caller's
/// leg): the call ends as `caller_hung_up`, the bridge sends BYE on the issuer's leg, and each
/// leg is billed exactly: the caller's for the 3 s it was up, the issuer's from its own,
/// earlier, pick-up.
async fn the_caller_hanging_up_first_ends_the_callback_and_the_issuers_leg_gets_a_bye(
    backend: Backend,
) {
    let hold = Duration::from_secs(3);
    let row = one_phone_hangs_up_first(backend, "2", hold, "caller_hung_up").await;
    assert_held_for("caller", up_for(row.caller_picked_up_at, &row), hold);
}

/// Issue 10: the issuer hangs up while bridged (the trunk's BYE on the issuer's leg): the call
/// ends as `issuer_hung_up`, the bridge sends BYE on the caller's leg, and each leg is billed
/// exactly, the issuer's for the 5 s it was up.
async fn the_issuer_hanging_up_first_ends_the_callback_and_the_callers_leg_gets_a_bye(
    backend: Backend,
) {
    let hold = Duration::from_secs(5);
    let row = one_phone_hangs_up_first(backend, "1", hold, "issuer_hung_up").await;
    assert_held_for("issuer", up_for(row.picked_up_at, &row), hold);
}

/// What the bridge sent the issuer's phone until the prompt began.
struct HeardBeforePrompt {
    /// Each key press with when it arrived and where it came from.
    keys: Vec<(SystemTime, Digit, SocketAddr)>,
    prompt_at: SystemTime,
    /// The issuer's leg: where the prompt comes from, and where its keypad sends to.
    issuer_leg: SocketAddr,
}

/// Reads the media the bridge sends toward the trunk (all of it comes to `sink`) until the
/// first audio packet, which can only be the issuer's prompt: the caller is not dialled yet.
async fn listen_until_the_prompt(sink: &UdpSocket) -> HeardBeforePrompt {
    let mut receiver = DtmfReceiver::new();
    let mut keys = Vec::new();
    let mut buffer = [0u8; 1_500];
    loop {
        let (len, from) =
            tokio::time::timeout(Duration::from_secs(20), sink.recv_from(&mut buffer))
                .await
                .expect("the bridge sends the issuer's phone its keys and prompt")
                .unwrap();
        let packet = RtpPacket::parse(&buffer[..len]).expect("RTP");
        if packet.header.payload_type != 101 {
            assert_eq!(packet.header.payload_type, 0, "the prompt is PCMU");
            return HeardBeforePrompt {
                keys,
                prompt_at: SystemTime::now(),
                issuer_leg: from,
            };
        }
        if let Some(digit) = receiver
            .receive(packet.header.timestamp, packet.payload)
            .expect("a telephone-event")
        {
            keys.push((SystemTime::now(), digit, from));
        }
    }
}

/// The issuer presses `digit` on their phone: RFC 4733 from the phone's media address (`sink`,
/// as its SDP said) to the issuer's leg, as a keypad sends it.
async fn press(sink: &UdpSocket, issuer_leg: SocketAddr, digit: Digit) {
    let started = tokio::time::Instant::now();
    for (index, packet) in DtmfSender::new(digit, Duration::from_millis(100)).enumerate() {
        tokio::time::sleep_until(started + packet.send_after).await;
        let mut datagram = Vec::new();
        RtpHeader {
            marker: packet.marker,
            payload_type: 101,
            sequence_number: 4_000 + index as u16,
            timestamp: 480_000,
            ssrc: 0x0150_1234,
            csrc: Vec::new(),
        }
        .write(&packet.payload, &mut datagram)
        .unwrap();
        sink.send_to(&datagram, issuer_leg).await.unwrap();
    }
}

/// Issue 4 item 5 and issue 10, through the API: a card whose issuer's number has an extension
/// (`010-1234-5678;235`). The trunk answers the issuer's leg, and after the extension delay
/// the keys 2, 3, 5 arrive on that leg as RFC 4733 events, in order, and only then the
/// callback prompt. The issuer presses 1 on hearing it (the test's keypad: SIPp's own `#` at
/// the answer means nothing to the call); the caller is dialled, answers, talks and hangs up.
/// The record names the issuer's number without its extension, and the money is exact.
async fn the_issuers_extension_reaches_their_phone_as_rfc_4733_keys_before_the_callback_prompt(
    backend: Backend,
) {
    sipp::init_logs();
    let (trunk, sink) = trunk_for_legs(
        "callback_hangs_up.xml",
        "#",
        vec![
            ("__HANGS_UP__", "2".to_owned()),
            ("__HOLD_MS__", "2000".to_owned()),
        ],
        &["-m", "2"],
    );
    sink.set_nonblocking(true).unwrap();
    let sink = UdpSocket::from_std(sink).unwrap();
    let app = app_with_trunk(backend, &trunk, GRANT, 60).await;
    issuer_with_card(&app, 10, "010-1234-5678;235", false, RATES).await;

    let call = callback_started(&app, CALLER).await;
    let mut states = follow(&app, &call).await;
    let heard = listen_until_the_prompt(&sink).await;
    let digits: String = heard
        .keys
        .iter()
        .map(|(_, digit, _)| digit.as_char())
        .collect();
    assert_eq!(digits, "235", "the extension's keys, in order");
    assert!(
        heard
            .keys
            .iter()
            .all(|(_, _, from)| *from == heard.issuer_leg),
        "all on the issuer's leg"
    );
    let (last_key_at, _, _) = heard.keys[2];
    let timing = CallConfig::default().key_timing;
    let after_last_key = heard.prompt_at.duration_since(last_key_at).unwrap();
    assert!(
        after_last_key >= timing.tone,
        "the prompt comes after the last key ({after_last_key:?})"
    );

    press(&sink, heard.issuer_leg, Digit::One).await;
    wait_until_talking(&mut states).await;
    let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
    assert_eq!(ended["cause"], "caller_hung_up", "{ended}");
    trunk.assert_ends_ok().await;

    let row = assert_each_leg_billed_for_its_own_time(&app, "caller_hung_up").await;
    // The keys went once the issuer's phone had answered, after the extension delay.
    let picked_up = SystemTime::from(row.picked_up_at.unwrap());
    let (first_key_at, _, _) = heard.keys[0];
    let waited = first_key_at.duration_since(picked_up).unwrap();
    assert!(
        waited >= CallConfig::default().extension_delay,
        "the first key {waited:?} after the issuer's pick-up"
    );
}

/// Issue 10, "the prompt names the card": the issuer's phone hears the card's name, spoken by
/// espeak-ng in the card's language (`calls/card_name_voice.rs`), before the request and the
/// caller's digits — the first audio on the issuer's leg is the name, frame for frame. The name
/// is made before the call here, as a card called before has it: SIPp answers at once, where a
/// real phone rings for the second it takes.
async fn the_callback_prompt_says_the_cards_name_first(backend: Backend) {
    use media_bridge::g711::Codec;
    sipp::init_logs();
    let (trunk, sink) = trunk_for_legs(
        "callback_hangs_up.xml",
        "#",
        vec![
            ("__HANGS_UP__", "2".to_owned()),
            ("__HOLD_MS__", "1000".to_owned()),
        ],
        &["-m", "2"],
    );
    sink.set_nonblocking(true).unwrap();
    let sink = UdpSocket::from_std(sink).unwrap();
    let app = app_with_trunk(backend, &trunk, GRANT, 60).await;
    issuer_with_card(&app, 10, ISSUER_MOBILE, false, RATES).await;
    // "Ada" is the card's name in its default language, English.
    let name = app.state.card_names.speak("Ada", "en");
    let made = tokio::time::Instant::now();
    while name.get().is_none() {
        assert!(
            made.elapsed() < Duration::from_secs(5),
            "espeak-ng said nothing"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let expected = media_bridge::tone::frames_from_samples(name.get().unwrap(), Codec::Pcmu);
    assert!(expected.len() >= 10, "{} frames", expected.len());

    let call = callback_started(&app, CALLER).await;
    let mut states = follow(&app, &call).await;
    let mut heard = Vec::new();
    let mut issuer_leg = None;
    let mut buffer = [0u8; 1_500];
    while heard.len() < expected.len() {
        let (len, from) =
            tokio::time::timeout(Duration::from_secs(20), sink.recv_from(&mut buffer))
                .await
                .expect("the bridge sends the issuer's phone its prompt")
                .unwrap();
        let packet = RtpPacket::parse(&buffer[..len]).expect("RTP");
        if packet.header.payload_type == 0 {
            assert_eq!(
                *issuer_leg.get_or_insert(from),
                from,
                "all from the issuer's leg"
            );
            heard.push(packet.payload.to_vec());
        }
    }
    let said: Vec<Vec<u8>> = expected.iter().map(|frame| frame.to_vec()).collect();
    assert!(
        heard == said,
        "the first {} frames are not the card's name",
        said.len()
    );

    press(&sink, issuer_leg.unwrap(), Digit::One).await;
    wait_until_talking(&mut states).await;
    let ended = wait_for_end(&mut states, Duration::from_secs(20)).await;
    assert_eq!(ended["cause"], "caller_hung_up", "{ended}");
    trunk.assert_ends_ok().await;
}
