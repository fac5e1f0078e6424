//! A destination's verification call (issue 8) against a real SIP peer: SIPp as the trunk
//! and the phone behind it, typing the code as RFC 4733 events on loopback.

#[allow(dead_code)]
mod support;

use std::time::Duration;

use media_bridge::dtmf::Digit;
use media_bridge::trunk::{Dialer, PhoneNumber, TrunkConfig};
use media_bridge::verify::{self, Outcome, Progress, VerificationCall, VerifyConfig};
use support::{Scenario, Sipp};
use tokio::sync::watch;

async fn dialer_for(sipp: &Sipp) -> Dialer {
    support::init_logs();
    let config =
        TrunkConfig::new(support::trunk_settings(sipp.sip.port())).expect("a valid trunk config");
    Dialer::start(config).await.expect("the dialer starts")
}

fn code(text: &str) -> Vec<Digit> {
    text.chars().map(|c| Digit::from_char(c).unwrap()).collect()
}

/// SIPp answers and types `typed` 800 ms after the answer; returns the outcome, the steps
/// the page saw, and SIPp (to check its scenario).
async fn verify_with(expected: &str, typed: &str) -> (Outcome, Vec<Progress>, Sipp) {
    let capture = std::env::temp_dir().join(format!(
        "verify-{}-{expected}-{typed}.pcap",
        std::process::id()
    ));
    support::write_dtmf_capture(typed, &capture);
    let sipp = Sipp::start(
        Scenario::Template(
            "enter_code.xml",
            vec![
                ("__PAUSE_MS__", "800".into()),
                ("__CAPTURE__", capture.display().to_string()),
            ],
        ),
        &[],
    );
    let dialer = dialer_for(&sipp).await;
    let (progress, mut steps) = watch::channel(Progress::Calling);
    let seen = tokio::spawn(async move {
        let mut seen = vec![*steps.borrow()];
        while steps.changed().await.is_ok() {
            seen.push(*steps.borrow());
        }
        seen
    });
    let call = VerificationCall {
        number: PhoneNumber::parse("+821012345678").unwrap(),
        code: code(expected),
        language: "en".into(),
        rtp_ip: "127.0.0.1".parse().unwrap(),
        config: VerifyConfig {
            entry_timeout: Duration::from_secs(15),
            ..VerifyConfig::default()
        },
    };
    let outcome = tokio::time::timeout(
        Duration::from_secs(30),
        verify::run(&dialer, call, progress),
    )
    .await
    .expect("the verification call ends in time")
    .expect("the call is placed");
    let _ = std::fs::remove_file(&capture);
    (outcome, seen.await.unwrap(), sipp)
}

#[tokio::test]
async fn the_code_typed_on_the_phone_verifies_the_number_and_the_bridge_hangs_up() {
    let (outcome, steps, sipp) = verify_with("480913", "480913").await;
    assert_eq!(outcome, Outcome::Verified);
    assert_eq!(
        steps,
        [
            Progress::Calling,
            Progress::Ringing,
            Progress::WaitingForCode
        ]
    );
    // SIPp's scenario ends with our BYE, after the closing prompt.
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn a_wrong_code_is_refused_and_the_bridge_hangs_up() {
    let (outcome, _, sipp) = verify_with("480913", "480931").await;
    assert_eq!(outcome, Outcome::WrongCode);
    sipp.assert_ends_ok().await;
}

#[tokio::test]
async fn a_busy_phone_ends_the_verification_as_busy() {
    let sipp = Sipp::start(
        Scenario::Template(
            "reject.xml",
            vec![
                ("__STATUS__", "486".into()),
                ("__REASON__", "Busy Here".into()),
            ],
        ),
        &[],
    );
    let dialer = dialer_for(&sipp).await;
    let (progress, _steps) = watch::channel(Progress::Calling);
    let call = VerificationCall {
        number: PhoneNumber::parse("+821012345678").unwrap(),
        code: code("1234"),
        language: "ko".into(),
        rtp_ip: "127.0.0.1".parse().unwrap(),
        config: VerifyConfig::default(),
    };
    let outcome = tokio::time::timeout(
        Duration::from_secs(20),
        verify::run(&dialer, call, progress),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(outcome, Outcome::Busy);
    sipp.assert_ends_ok().await;
}
