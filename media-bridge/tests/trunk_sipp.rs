//! The trunk leg's driver against a real SIP peer: SIPp as the trunk, on loopback.
//!
//! Each test starts its own SIPp on free ports (so the tests run in parallel), places one
//! call with the [`Dialer`], and checks both sides: the events our dialer reports, and that
//! SIPp ran its scenario to the end (every message it expected arrived, in order).

#[allow(dead_code)]
mod support;

use std::time::Duration;

use media_bridge::dtmf::Digit;
use media_bridge::g711::Codec;
use media_bridge::trunk::{
    Dialer, PhoneNumber, Received, RemoteMedia, RtpSocket, RtpSocketError, TrunkCall, TrunkConfig,
    TrunkEvent, TrunkSettings,
};
use secrecy::SecretString;
use support::{Scenario, Sipp};

const USERNAME: &str = "callcard-trunk";
const PASSWORD: &str = "s3cret-digest";
const EVENT_TIMEOUT: Duration = Duration::from_secs(10);

async fn dialer_for(sipp: &Sipp, password: &str) -> Dialer {
    support::init_logs();
    let config = TrunkConfig::new(TrunkSettings {
        username: Some(USERNAME.into()),
        password: Some(SecretString::from(password)),
        ..support::trunk_settings(sipp.sip.port())
    })
    .expect("a valid trunk config");
    Dialer::start(config).await.expect("the dialer starts")
}

async fn dial(dialer: &Dialer) -> (TrunkCall, RtpSocket) {
    let rtp = RtpSocket::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let number = PhoneNumber::parse("+815012345678").unwrap();
    let call = dialer.dial(&number, rtp.local_addr().unwrap()).unwrap();
    (call, rtp)
}

async fn next_event(call: &mut TrunkCall) -> Option<TrunkEvent> {
    tokio::time::timeout(EVENT_TIMEOUT, call.next_event())
        .await
        .expect("an event in time")
}

/// Skips the ringing (if any) and returns the answer's media.
async fn expect_answer(call: &mut TrunkCall) -> RemoteMedia {
    loop {
        match next_event(call).await {
            Some(TrunkEvent::Ringing) => continue,
            Some(TrunkEvent::Answered {
                remote_rtp,
                codec,
                telephone_event,
            }) => {
                return RemoteMedia {
                    rtp: remote_rtp,
                    codec,
                    telephone_event,
                };
            }
            other => panic!("expected the answer, got {other:?}"),
        }
    }
}

async fn receive(receiver: &mut media_bridge::trunk::RtpReceiver) -> Received {
    tokio::time::timeout(Duration::from_secs(2), receiver.recv())
        .await
        .expect("a packet in time")
        .expect("the socket works")
}

#[tokio::test]
async fn builtin_uas_answers_and_echoes_fifty_pcmu_packets() {
    let sipp = Sipp::start(Scenario::BuiltIn("uas"), &["-rtp_echo"]);
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, rtp) = dial(&dialer).await;

    assert_eq!(next_event(&mut call).await, Some(TrunkEvent::Ringing));
    let media = expect_answer(&mut call).await;
    assert_eq!(media.rtp, sipp.media);
    assert_eq!(media.codec, Codec::Pcmu);
    assert_eq!(media.telephone_event, None, "SIPp's uas answers PCMU only");

    let (mut sender, mut receiver) = rtp.start(media);
    let packets: Vec<Vec<u8>> = (0..50u8)
        .map(|index| {
            (0..160)
                .map(|sample| index.wrapping_mul(7) ^ sample as u8)
                .collect()
        })
        .collect();
    let sending = async {
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        for payload in &packets {
            tick.tick().await;
            sender.send_audio(payload).await.unwrap();
        }
        sender
    };
    let receiving = async {
        let mut echoed = Vec::new();
        while echoed.len() < packets.len() {
            match receive(&mut receiver).await {
                Received::Audio { header, payload } => echoed.push((header, payload)),
                Received::Digit(digit) => panic!("unexpected digit {digit:?}"),
            }
        }
        echoed
    };
    let (sender, echoed) = tokio::join!(sending, receiving);

    assert_eq!(echoed.len(), 50);
    for (index, (header, payload)) in echoed.iter().enumerate() {
        assert_eq!(payload, &packets[index], "packet {index} came back changed");
        assert_eq!(header.ssrc, sender.ssrc(), "the echo keeps our SSRC");
        assert_eq!(header.payload_type, 0);
    }
    let mut sender = sender;
    assert!(matches!(
        sender
            .send_digit(Digit::One, Duration::from_millis(60))
            .await,
        Err(RtpSocketError::NoTelephoneEvents)
    ));

    call.hang_up().finished().await;
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn a_digit_comes_back_as_one_telephone_event() {
    let sipp = Sipp::start(Scenario::File("answer_echo_dtmf.xml"), &["-rtp_echo"]);
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, rtp) = dial(&dialer).await;
    let media = expect_answer(&mut call).await;
    assert_eq!(media.telephone_event, Some(101));
    let (mut sender, mut receiver) = rtp.start(media);

    sender.send_audio(&[0xFF; 160]).await.unwrap();
    assert!(matches!(
        receive(&mut receiver).await,
        Received::Audio { .. }
    ));
    sender
        .send_digit(Digit::Five, Duration::from_millis(100))
        .await
        .unwrap();
    assert_eq!(receive(&mut receiver).await, Received::Digit(Digit::Five));
    // Audio after the press comes back as audio: the press's other packets (updates and
    // three end packets) were one digit, not several.
    sender.send_audio(&[0x7E; 160]).await.unwrap();
    match receive(&mut receiver).await {
        Received::Audio { payload, .. } => assert_eq!(payload, vec![0x7E; 160]),
        Received::Digit(digit) => panic!("the press was reported twice ({digit:?})"),
    }

    call.hang_up().finished().await;
    sipp.assert_ends_ok().await;
}

async fn assert_rejected_with(status: &str, reason: &str) {
    let sipp = Sipp::start(
        Scenario::Template(
            "reject.xml",
            vec![("__STATUS__", status.into()), ("__REASON__", reason.into())],
        ),
        &[],
    );
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, _rtp) = dial(&dialer).await;
    assert_eq!(next_event(&mut call).await, Some(TrunkEvent::Ringing));
    assert_eq!(
        next_event(&mut call).await,
        Some(TrunkEvent::Failed {
            status: status.parse().unwrap()
        })
    );
    assert_eq!(
        next_event(&mut call).await,
        None,
        "nothing after the failure"
    );
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn busy_trunk_reports_486() {
    assert_rejected_with("486", "Busy Here").await;
}

#[tokio::test]
async fn declined_call_reports_603() {
    assert_rejected_with("603", "Decline").await;
}

#[tokio::test]
async fn unanswered_call_reports_480() {
    assert_rejected_with("480", "Temporarily Unavailable").await;
}

fn digest_trunk(scenario: &'static str) -> Sipp {
    Sipp::start(
        Scenario::File(scenario),
        &["-key", "username", USERNAME, "-key", "password", PASSWORD],
    )
}

#[tokio::test]
async fn www_authenticate_401_is_answered_with_credentials() {
    let sipp = digest_trunk("digest.xml");
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, _rtp) = dial(&dialer).await;
    let media = expect_answer(&mut call).await;
    assert_eq!(media.rtp, sipp.media);
    call.hang_up().finished().await;
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn proxy_authenticate_407_is_answered_with_credentials() {
    let sipp = Sipp::start(
        Scenario::Template("proxy_digest.xml", vec![("__USERNAME__", USERNAME.into())]),
        &[],
    );
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, _rtp) = dial(&dialer).await;
    expect_answer(&mut call).await;
    call.hang_up().finished().await;
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn a_wrong_password_is_refused_by_the_trunk() {
    // Proves the digest above was really checked: SIPp answers 403 to bad credentials.
    let sipp = digest_trunk("digest.xml");
    let dialer = dialer_for(&sipp, "not-the-password").await;
    let (mut call, _rtp) = dial(&dialer).await;
    assert_eq!(
        next_event(&mut call).await,
        Some(TrunkEvent::Failed { status: 403 })
    );
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn a_second_challenge_fails_the_call() {
    let sipp = Sipp::start(Scenario::File("challenge_twice.xml"), &[]);
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, _rtp) = dial(&dialer).await;
    assert_eq!(
        next_event(&mut call).await,
        Some(TrunkEvent::Failed { status: 401 })
    );
    assert_eq!(next_event(&mut call).await, None);
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn trunk_hanging_up_is_reported() {
    let sipp = Sipp::start(Scenario::File("remote_hangs_up.xml"), &[]);
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, _rtp) = dial(&dialer).await;
    expect_answer(&mut call).await;
    assert_eq!(next_event(&mut call).await, Some(TrunkEvent::HungUp));
    assert_eq!(next_event(&mut call).await, None);
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn hanging_up_while_ringing_cancels_the_invite() {
    let sipp = Sipp::start(Scenario::File("ring_until_cancel.xml"), &[]);
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, _rtp) = dial(&dialer).await;
    assert_eq!(next_event(&mut call).await, Some(TrunkEvent::Ringing));
    call.hang_up().finished().await;
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn in_dialog_options_update_and_reinvite_are_answered_not_501() {
    // The scenario checks our answers (200, 200 + Session-Expires, 200 + SDP, 405) and the
    // Allow / Supported / Session-Expires / Min-SE of our INVITE; a 501 fails it.
    let sipp = Sipp::start(Scenario::File("in_dialog_requests.xml"), &[]);
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, _rtp) = dial(&dialer).await;
    expect_answer(&mut call).await;
    assert_eq!(
        next_event(&mut call).await,
        Some(TrunkEvent::HungUp),
        "the call survives the requests until the trunk's BYE"
    );
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn with_refresher_uac_we_refresh_every_half_interval() {
    // Session-Expires: 6 (below our Min-SE, which a 2xx may not do, but we follow the
    // trunk): two UPDATEs at ~3 s and ~6 s, each checked by the scenario for its timing
    // (4.5 s at most) and headers. The call must still be up afterwards.
    stays_up_while_we_refresh("refresher_uac.xml").await;
}

#[tokio::test]
async fn without_update_in_allow_we_refresh_with_a_reinvite_of_the_same_sdp() {
    // The scenario checks the two re-INVITEs' timing and headers, that their SDP keeps its
    // o= version, and ACKs them.
    stays_up_while_we_refresh("refresher_uac_reinvite.xml").await;
}

/// Answers through `scenario` (a trunk that makes us the refresher), checks that the call
/// reports nothing for 7.5 s (two refreshes) and hangs up; the scenario checks the refreshes.
async fn stays_up_while_we_refresh(scenario: &'static str) {
    let sipp = Sipp::start(Scenario::File(scenario), &[]);
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, _rtp) = dial(&dialer).await;
    expect_answer(&mut call).await;
    let quiet = tokio::time::timeout(Duration::from_millis(7_500), call.next_event()).await;
    assert!(quiet.is_err(), "no event while refreshing: {quiet:?}");
    call.hang_up().finished().await;
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn a_422_is_retried_once_with_the_trunks_min_se() {
    // The scenario refuses 1800 s with 422 / Min-SE 1900 and checks the retry's headers.
    let sipp = Sipp::start(Scenario::File("interval_too_small.xml"), &[]);
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, _rtp) = dial(&dialer).await;
    expect_answer(&mut call).await;
    call.hang_up().finished().await;
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn with_refresher_uas_a_trunk_that_never_refreshes_is_hung_up_before_expiry() {
    let sipp = Sipp::start(Scenario::File("refresher_uas_silent.xml"), &[]);
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, _rtp) = dial(&dialer).await;
    expect_answer(&mut call).await;
    let answered = std::time::Instant::now();
    assert_eq!(
        next_event(&mut call).await,
        Some(TrunkEvent::SessionExpired)
    );
    let after = answered.elapsed();
    // 6 - min(32, 6 / 3) = 4 s after the answer.
    assert!(
        after >= Duration::from_millis(3_800) && after <= Duration::from_millis(4_800),
        "expired after {after:?}"
    );
    assert_eq!(next_event(&mut call).await, None);
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn hanging_up_returns_at_once_even_if_the_bye_is_never_answered() {
    let sipp = Sipp::start(Scenario::File("bye_unanswered.xml"), &[]);
    let dialer = dialer_for(&sipp, PASSWORD).await;
    let (mut call, _rtp) = dial(&dialer).await;
    expect_answer(&mut call).await;
    let started = std::time::Instant::now();
    let hanging_up = call.hang_up();
    assert!(
        started.elapsed() < Duration::from_millis(50),
        "hang_up took {:?}",
        started.elapsed()
    );
    // The BYE really is pending: its transaction is still waiting for the trunk.
    let finished = tokio::time::timeout(Duration::from_secs(2), hanging_up.finished()).await;
    assert!(finished.is_err(), "the unanswered BYE finished already");
    sipp.assert_ends_ok().await;
}
