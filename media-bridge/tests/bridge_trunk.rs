//! The bridge's driver with a real trunk: a fake browser calls, SIPp plays the trunk on
//! loopback, and a test [`Authority`] records when and how the call was settled.

#[allow(dead_code)]
mod fake_browser;
#[allow(dead_code)]
mod support;

use std::time::{Duration, Instant, SystemTime};

use fake_browser::FakeBrowser;
use media_bridge::authority::{
    Authority, Authorized, CallId, CallRequest, ExtendDecision, Grant, IssuerDestination,
    IssuerTarget, Refusal, Settlement,
};
use media_bridge::bridge::{Bridge, BridgeConfig, CallStatus};
use media_bridge::browser::BrowserLegConfig;
use media_bridge::call::{CallConfig, HangupCause};
use media_bridge::trunk::{Dialer, TrunkConfig};
use support::{Scenario, Sipp};
use tokio::sync::mpsc;

/// Grants every call ten minutes toward the trunk and records each settlement with the
/// moment it arrived.
struct RecordingAuthority {
    settled: mpsc::UnboundedSender<(Instant, Settlement)>,
}

impl Authority for RecordingAuthority {
    async fn authorize(&self, _request: &CallRequest) -> Result<Authorized, Refusal> {
        Ok(Authorized {
            grant: Grant {
                call_id: CallId(1),
                covered_seconds: 600,
                warn_before_seconds: 10,
                last: false,
                ends_at_call_limit: false,
            },
            target: IssuerTarget::Phone {
                number: "+815012345678".into(),
                extension: None,
            },
        })
    }

    async fn picked_up(&self, _call: CallId, _at: SystemTime) {}

    async fn answered(&self, _call: CallId, _at: SystemTime) {}

    async fn extend(&self, _call: CallId, _now: SystemTime) -> Option<ExtendDecision> {
        None
    }

    async fn settle(&self, settlement: Settlement) {
        let _ = self.settled.send((Instant::now(), settlement));
    }
}

#[tokio::test]
async fn settlement_follows_our_hang_up_at_once_when_the_trunk_never_answers_the_bye() {
    support::init_logs();
    let sipp = Sipp::start(Scenario::File("bye_unanswered.xml"), &["-rtp_echo"]);
    let config = TrunkConfig::new(support::trunk_settings(sipp.sip.port())).unwrap();
    let dialer = Dialer::start(config).await.unwrap();
    let (settled_sender, mut settled) = mpsc::unbounded_channel();
    let bridge = Bridge::new(
        RecordingAuthority {
            settled: settled_sender,
        },
        Some(dialer),
        None,
        BridgeConfig {
            call: CallConfig::default(),
            browser: BrowserLegConfig::loopback(),
            rtp_ip: "127.0.0.1".parse().unwrap(),
        },
    );
    let mut browser = FakeBrowser::new().await;
    let offer = browser.offer().await;
    let offer = bridge.browser_config().screen(&offer).unwrap();
    let request = CallRequest {
        card_slug: "hong-gildong".into(),
        card_name: "Hong Gildong".into(),
        destination: IssuerDestination::Phone,
        caller_language: "en".into(),
    };
    let (live, answer) = bridge
        .start_call(&offer, request, "call-token".into())
        .await
        .unwrap();
    browser.accept_answer(answer).await;

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
