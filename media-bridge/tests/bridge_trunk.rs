//! The bridge's driver with a real trunk: a fake browser calls, SIPp plays the trunk on
//! loopback, and a test [`Authority`] records when and how the call was settled.

#[allow(dead_code)]
mod fake_browser;
#[allow(dead_code)]
mod support;

use std::time::{Duration, Instant, SystemTime};

use fake_browser::FakeBrowser;
use media_bridge::authority::{
    Authority, Authorized, CallId, CallRequest, CoverageEnd, ExtendDecision, Grant,
    IssuerDestination, IssuerTarget, Refusal, Settlement,
};
use media_bridge::bridge::{Bridge, BridgeConfig, CallStatus};
use media_bridge::browser::BrowserLegConfig;
use media_bridge::call::{CallConfig, HangupCause};
use media_bridge::trunk::{Dialer, TrunkConfig};
use support::{Scenario, Sipp};
use tokio::sync::mpsc;

/// Grants every call ten minutes toward the trunk (at `extension`, if any) and records each
/// settlement with the moment it arrived.
struct RecordingAuthority {
    settled: mpsc::UnboundedSender<(Instant, Settlement)>,
    extension: Option<String>,
}

impl Authority for RecordingAuthority {
    async fn authorize(&self, _request: &CallRequest) -> Result<Authorized, Refusal> {
        Ok(Authorized {
            grant: Grant {
                call_id: CallId(1),
                covered_seconds: 600,
                warn_before_seconds: 10,
                last: false,
                ends_by: CoverageEnd::Guild,
            },
            target: IssuerTarget::Phone {
                number: "+815012345678".into(),
                extension: self.extension.clone(),
            },
        })
    }

    async fn picked_up(&self, _call: CallId, _leg: media_bridge::call::Leg, _at: SystemTime) {}

    async fn answered(&self, _call: CallId, _at: SystemTime, _on: IssuerDestination) {}

    async fn phone_dropped(&self, _call: CallId, _at: SystemTime) {}

    async fn extend(&self, _call: CallId, _now: SystemTime) -> Option<ExtendDecision> {
        None
    }

    async fn settle(&self, settlement: Settlement) {
        let _ = self.settled.send((Instant::now(), settlement));
    }
}

type Settled = mpsc::UnboundedReceiver<(Instant, Settlement)>;

/// A bridge whose trunk is `sipp`, under a [`RecordingAuthority`] that grants the issuer's
/// number with `extension`.
async fn bridge_to(
    sipp: &Sipp,
    extension: Option<&str>,
    call: CallConfig,
) -> (std::sync::Arc<Bridge<RecordingAuthority>>, Settled) {
    let config = TrunkConfig::new(support::trunk_settings(sipp.sip.port())).unwrap();
    let dialer = Dialer::start(config).await.unwrap();
    let (settled_sender, settled) = mpsc::unbounded_channel();
    let bridge = Bridge::new(
        RecordingAuthority {
            settled: settled_sender,
            extension: extension.map(str::to_owned),
        },
        Some(dialer),
        None,
        BridgeConfig {
            call,
            browser: BrowserLegConfig::loopback(),
            rtp_ip: "127.0.0.1".parse().unwrap(),
        },
    );
    (bridge, settled)
}

/// A browser calling the card's issuer's phone through `bridge`.
async fn browser_call(
    bridge: &std::sync::Arc<Bridge<RecordingAuthority>>,
) -> (media_bridge::bridge::LiveCall, FakeBrowser) {
    let mut browser = FakeBrowser::new().await;
    let offer = browser.offer().await;
    let offer = bridge.browser_config().screen(&offer).unwrap();
    let request = CallRequest {
        card_slug: "hong-gildong".into(),
        card_name: "Hong Gildong".into(),
        destination: IssuerDestination::Phone,
        origin: media_bridge::authority::CallerOrigin::Browser,
        caller_language: "en".into(),
    };
    let (live, answer) = bridge
        .start_call(&offer, request, "call-token".into())
        .await
        .unwrap();
    browser.accept_answer(answer).await;
    (live, browser)
}

#[tokio::test]
async fn settlement_follows_our_hang_up_at_once_when_the_trunk_never_answers_the_bye() {
    support::init_logs();
    let sipp = Sipp::start(Scenario::File("bye_unanswered.xml"), &["-rtp_echo"]);
    let (bridge, mut settled) = bridge_to(&sipp, None, CallConfig::default()).await;
    let (live, _browser) = browser_call(&bridge).await;

    // The trunk answered; the issuer hears the accept prompt. The caller gives up now.
    let mut status = live.status.clone();
    tokio::time::timeout(
        Duration::from_secs(10),
        status.wait_for(|status| *status == CallStatus::WaitingForIssuer),
    )
    .await
    .expect("the trunk answers")
    .unwrap();
    let hung_up = Instant::now();
    let hung_up_wall = SystemTime::now();
    live.hang_up();

    let (settled_at, settlement) = tokio::time::timeout(Duration::from_secs(5), settled.recv())
        .await
        .expect("settled long before the BYE's 32 s run out")
        .unwrap();
    let delay = settled_at.duration_since(hung_up);
    assert!(
        delay < Duration::from_secs(1),
        "settled {delay:?} after the hang-up"
    );
    assert_eq!(settlement.cause, HangupCause::CallerHungUp);
    let recorded_end = settlement
        .ended_at
        .duration_since(hung_up_wall)
        .unwrap_or_default();
    assert!(
        recorded_end < Duration::from_millis(500),
        "the record ends {recorded_end:?} after the hang-up"
    );
    tokio::time::timeout(
        Duration::from_secs(1),
        status.wait_for(|status| matches!(status, CallStatus::Ended { .. })),
    )
    .await
    .expect("the page hears the end")
    .unwrap();
    // The BYE did go out (the scenario waits for it) and was never answered.
    sipp.assert_ends_ok().await;
}

/// Issue 4 item 5, issue 10: a destination with an extension (`…;2,35`) is reached by sending
/// its keys as RFC 4733 events after the trunk answers, in order, pausing at `,` — and only
/// then does the issuer hear the accept prompt.
#[tokio::test]
async fn the_issuers_extension_is_dialled_as_rfc_4733_before_the_prompt() {
    use media_bridge::dtmf::{Digit, DtmfReceiver};
    use media_bridge::rtp::RtpPacket;

    support::init_logs();
    let sink = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let sink_port = sink.local_addr().unwrap().port().to_string();
    let sipp = Sipp::start(
        Scenario::Template("answer_media_sink.xml", vec![("__SINK_PORT__", sink_port)]),
        &[],
    );
    let call_config = CallConfig {
        extension_delay: Duration::from_millis(300),
        ..CallConfig::default()
    };
    let timing = call_config.key_timing;
    let (bridge, _settled) = bridge_to(&sipp, Some("2,35"), call_config).await;
    let (live, _browser) = browser_call(&bridge).await;

    // Everything the bridge sends toward the issuer's phone, until the prompt starts.
    let mut receiver = DtmfReceiver::new();
    let mut keys: Vec<(Instant, Digit)> = Vec::new();
    let mut buffer = [0u8; 1_500];
    let prompt_started = loop {
        let (len, _) = tokio::time::timeout(Duration::from_secs(10), sink.recv_from(&mut buffer))
            .await
            .expect("the bridge sends media to the trunk")
            .unwrap();
        let packet = RtpPacket::parse(&buffer[..len]).unwrap();
        match packet.header.payload_type {
            101 => {
                if let Some(digit) = receiver
                    .receive(packet.header.timestamp, packet.payload)
                    .unwrap()
                {
                    keys.push((Instant::now(), digit));
                }
            }
            _ => break Instant::now(),
        }
    };
    let digits: String = keys.iter().map(|(_, digit)| digit.as_char()).collect();
    assert_eq!(digits, "235", "the extension's keys, in order");
    let paused = keys[1].0.duration_since(keys[0].0);
    assert!(
        paused >= timing.pause,
        "the `,` pauses: {paused:?} between 2 and 3"
    );
    let after_last_key = prompt_started.duration_since(keys[2].0);
    assert!(
        after_last_key >= timing.tone,
        "the prompt comes after the last key ({after_last_key:?})"
    );
    assert_eq!(
        *live.status.borrow(),
        CallStatus::WaitingForIssuer,
        "the issuer is being asked"
    );
    live.hang_up();
    sipp.assert_ends_ok().await;
}

/// Issue 9: a trunk whose media relay moves the stream inside the call and switches to PCMA,
/// with telephone-event on 96 (`reoffer_moves_media.xml`). The rest of the accept prompt goes
/// to the new address in the same RTP stream, recoded for PCMA where it was, and the issuer's
/// "1" sent from there on 96 is heard: the call connects.
#[tokio::test]
async fn a_re_offer_that_moves_the_stream_and_switches_codec_is_followed() {
    use media_bridge::dtmf::{Digit, DtmfSender};
    use media_bridge::g711::Codec;
    use media_bridge::prompts::{self, Prompt};
    use media_bridge::rtp::{RtpHeader, RtpPacket};
    use tokio::net::UdpSocket;

    support::init_logs();
    let first = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let moved = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = |socket: &UdpSocket| socket.local_addr().unwrap().port().to_string();
    let sipp = Sipp::start(
        Scenario::Template(
            "reoffer_moves_media.xml",
            vec![
                ("__SINK_PORT__", port(&first)),
                ("__MOVED_PORT__", port(&moved)),
            ],
        ),
        &[],
    );
    let (bridge, _settled) = bridge_to(&sipp, None, CallConfig::default()).await;
    let (live, _browser) = browser_call(&bridge).await;
    let prompt = prompts::frames(Prompt::Accept, "en", Codec::Pcmu).unwrap();
    let mut buffer = [0u8; 1_500];

    // Before the move: the prompt's first frame, in PCMU, at the first address.
    let (len, _) = tokio::time::timeout(Duration::from_secs(10), first.recv_from(&mut buffer))
        .await
        .expect("the prompt starts at the answer's address")
        .unwrap();
    let before = RtpPacket::parse(&buffer[..len]).unwrap();
    assert_eq!(before.header.payload_type, 0);
    assert_eq!(before.payload, &prompt[0][..]);
    let (ssrc, first_sequence) = (before.header.ssrc, before.header.sequence_number);

    // After it: the same stream at the new address, in PCMA, the prompt going on where it was.
    let (len, bridge_rtp) =
        tokio::time::timeout(Duration::from_secs(10), moved.recv_from(&mut buffer))
            .await
            .expect("the prompt follows the stream")
            .unwrap();
    let after = RtpPacket::parse(&buffer[..len]).unwrap();
    assert_eq!(after.header.payload_type, 8, "PCMA now");
    assert_eq!(after.header.ssrc, ssrc, "one stream, unbroken");
    let index = usize::from(after.header.sequence_number.wrapping_sub(first_sequence));
    assert!(
        (1..prompt.len()).contains(&index),
        "frame {index} of {}: the move came 600 ms in",
        prompt.len()
    );
    let mut expected = prompt[index];
    Codec::Pcmu.recode_in_place(Codec::Pcma, &mut expected);
    assert_eq!(after.payload, &expected[..], "frame {index}, recoded");

    // The issuer presses 1 from the new address, as telephone-event 96.
    let mut header = RtpHeader {
        marker: false,
        payload_type: 96,
        sequence_number: 0,
        timestamp: 8_000,
        ssrc: 0x5eed,
        csrc: Vec::new(),
    };
    let started = tokio::time::Instant::now();
    for packet in DtmfSender::new(Digit::One, Duration::from_millis(100)) {
        tokio::time::sleep_until(started + packet.send_after).await;
        header.marker = packet.marker;
        header.sequence_number = header.sequence_number.wrapping_add(1);
        let mut datagram = Vec::new();
        header.write(&packet.payload, &mut datagram).unwrap();
        moved.send_to(&datagram, bridge_rtp).await.unwrap();
    }
    let mut status = live.status.clone();
    tokio::time::timeout(
        Duration::from_secs(5),
        status.wait_for(|status| matches!(status, CallStatus::Connected { .. })),
    )
    .await
    .expect("the key on 96 was heard")
    .unwrap();
    live.hang_up();
    sipp.assert_ends_ok().await;
}

/// Issue 10: a callback through the real driver, with SIPp as the trunk for both legs. The
/// issuer's phone is rung first and presses 1; only then is the caller's number dialled; it
/// answers, its extension's keys arrive as RFC 4733 in order, the legs are bridged, and when
/// the issuer hangs up the caller's leg is hung up too and the call settles with each leg's
/// times.
#[tokio::test]
async fn a_callback_rings_the_issuer_first_then_dials_the_caller_and_bridges_them() {
    use media_bridge::authority::CallerOrigin;
    use media_bridge::dtmf::{DialString, DtmfReceiver};
    use media_bridge::rtp::RtpPacket;

    support::init_logs();
    let sink = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let capture = std::env::temp_dir().join(format!("callback-{}.pcap", std::process::id()));
    support::write_dtmf_capture("1", &capture);
    let sipp = Sipp::start(
        Scenario::Template(
            "callback_legs.xml",
            vec![
                (
                    "__SINK_PORT__",
                    sink.local_addr().unwrap().port().to_string(),
                ),
                ("__CAPTURE__", capture.display().to_string()),
                ("__HOLD_MS__", "6000".into()),
            ],
        ),
        &["-m", "2"],
    );
    let call_config = CallConfig {
        extension_delay: Duration::from_millis(300),
        ..CallConfig::default()
    };
    let (bridge, mut settled) = bridge_to(&sipp, None, call_config).await;
    let request = CallRequest {
        card_slug: "hong-gildong".into(),
        card_name: "Hong Gildong".into(),
        destination: IssuerDestination::Phone,
        origin: CallerOrigin::Phone {
            number: "+821012345678".into(),
            spoken: "01012345678".into(),
            keys: Some(DialString::parse("235").unwrap()),
            card_name: Default::default(),
        },
        caller_language: "ko".into(),
    };
    let live = bridge.start_callback(request, "callback-token".into());
    let mut status = live.status.clone();
    let steps = tokio::spawn(async move {
        let mut seen = vec![status.borrow().clone()];
        while status.changed().await.is_ok() {
            let step = status.borrow().clone();
            let ended = matches!(step, CallStatus::Ended { .. });
            seen.push(step);
            if ended {
                break;
            }
        }
        seen
    });

    // Key presses the bridge sends toward the trunk, by the leg (local port) they left from.
    let mut receivers: std::collections::HashMap<std::net::SocketAddr, (DtmfReceiver, String)> =
        std::collections::HashMap::new();
    let mut buffer = [0u8; 1_500];
    let keys = loop {
        let (len, from) =
            tokio::time::timeout(Duration::from_secs(15), sink.recv_from(&mut buffer))
                .await
                .expect("the bridge keeps sending media")
                .unwrap();
        let packet = RtpPacket::parse(&buffer[..len]).unwrap();
        if packet.header.payload_type != 101 {
            continue;
        }
        let (receiver, digits) = receivers.entry(from).or_default();
        if let Some(digit) = receiver
            .receive(packet.header.timestamp, packet.payload)
            .unwrap()
        {
            digits.push(digit.as_char());
        }
        if digits.len() == 3 {
            break digits.clone();
        }
    };
    assert_eq!(
        keys, "235",
        "the caller's extension, in order, from one leg"
    );
    assert_eq!(receivers.len(), 1, "no keys toward the issuer");

    let (_, settlement) = tokio::time::timeout(Duration::from_secs(15), settled.recv())
        .await
        .expect("the issuer hangs up and the call settles")
        .unwrap();
    assert_eq!(settlement.cause, HangupCause::IssuerHungUp);
    assert_eq!(
        settlement.outcome,
        media_bridge::call::CallOutcome::Answered
    );
    let issuer_picked_up = settlement.picked_up_at.expect("the issuer picked up");
    let caller_picked_up = settlement
        .caller_picked_up_at
        .expect("the caller picked up");
    let answered = settlement.answered_at.expect("bridged");
    assert!(issuer_picked_up < caller_picked_up, "the issuer first");
    assert!(
        answered.duration_since(caller_picked_up).unwrap() >= Duration::from_millis(300 + 600),
        "bridged once the extension's keys were sent"
    );
    assert!(answered < settlement.ended_at);

    // The page's steps come in the call's order. A watch channel keeps only the latest
    // step, so two that come together (180 and 200 at once) may show as the second only.
    let steps = steps.await.unwrap();
    let rank = |step: &CallStatus| match step {
        CallStatus::Connecting | CallStatus::Authorizing => 0,
        CallStatus::Calling => 1,
        CallStatus::Ringing => 2,
        CallStatus::WaitingForIssuer => 3,
        CallStatus::CallingCaller => 4,
        CallStatus::CallerRinging => 5,
        CallStatus::Connected { .. } | CallStatus::Extended { .. } => 6,
        CallStatus::Warning { .. } => 7,
        CallStatus::Ended { .. } => 8,
    };
    let ranks: Vec<u8> = steps.iter().map(rank).collect();
    assert!(ranks.is_sorted(), "{steps:?}");
    assert!(ranks.contains(&6) && ranks.last() == Some(&8), "{steps:?}");
    // Both calls ran their scenario to the end: ours BYE'd the caller's leg.
    sipp.assert_ends_ok().await;
    let _ = std::fs::remove_file(capture);
}
