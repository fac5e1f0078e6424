//! Secrets and personal data in logs (issue 8; STYLE §8): the real `callcard` binary, at its
//! default log level, places a browser call through a SIPp trunk that demands digest
//! authentication; its whole log must then hold neither the trunk's password nor its digest
//! answer nor the issuer's full phone number — and must show that the call happened.

use std::process::{Command, Stdio};
use std::time::Duration;

use media_bridge::browser::{BrowserLeg, BrowserLegConfig};
use serde_json::{Value, json};

use crate::calling::{follow_as, sipp, wait_for, wait_for_end};

const USERNAME: &str = "callcard-trunk";
/// Unique enough that finding it anywhere in the log can only be a leak.
const PASSWORD: &str = "pw-9f3c1e7a-never-in-logs";
/// The demo card rings this mobile through the trunk (`seed.rs`), in every form it could take.
const ISSUER_NUMBER_FORMS: [&str; 3] = ["821012345678", "01012345678", "010-1234-5678"];

#[tokio::test]
async fn a_full_trunk_call_logs_no_credentials_and_no_unmasked_number() {
    let trunk = sipp::Sipp::start(
        sipp::Scenario::File("../../../media-bridge/tests/sipp/digest.xml"),
        &["-key", "username", USERNAME, "-key", "password", PASSWORD],
    );
    let data_dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("http://127.0.0.1:{port}");
    let log_path = data_dir.path().join("callcard.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_callcard"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CALLCARD_LISTEN", format!("127.0.0.1:{port}"))
        .env("CALLCARD_PUBLIC_URL", &address)
        .env("CALLCARD_DATA_DIR", data_dir.path())
        .env("CALLCARD_TRUNK_HOST", "127.0.0.1")
        .env("CALLCARD_TRUNK_PORT", trunk.sip.port().to_string())
        .env("CALLCARD_TRUNK_USERNAME", USERNAME)
        .env("CALLCARD_TRUNK_PASSWORD", PASSWORD)
        .env("CALLCARD_TRUNK_CALLER_ID", "+8225550000")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("the callcard binary starts");

    let client = reqwest::Client::new();
    let started_at = std::time::Instant::now();
    while client
        .get(format!("{address}/healthz"))
        .send()
        .await
        .is_err()
    {
        assert!(
            started_at.elapsed() < Duration::from_secs(30),
            "callcard did not start:\n{}",
            std::fs::read_to_string(&log_path).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A caller on the demo card: the bridge dials the issuer's mobile, answers the 401 with
    // credentials, the phone answers and hears the accept prompt; the caller hangs up.
    let config = BrowserLegConfig::loopback();
    let (mut caller, offer) = BrowserLeg::offer(&config).await.unwrap();
    let started = client
        .post(format!("{address}/api/cards/hong-gildong/calls"))
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
    let call = started["call"].as_str().unwrap();
    let mut states = follow_as(&client, format!("{address}/api/calls/live/{call}/events")).await;
    wait_for(&mut states, "waiting_for_issuer").await;
    client
        .post(format!("{address}/api/calls/live/{call}/hangup"))
        .send()
        .await
        .unwrap();
    wait_for_end(&mut states, Duration::from_secs(20)).await;
    trunk.assert_ends_ok().await;
    server.kill().unwrap();
    server.wait().unwrap();

    let log = std::fs::read_to_string(&log_path).unwrap();
    // The log is about this call, or the rest proves nothing.
    assert!(
        log.contains("answered"),
        "the trunk's answer is logged:\n{log}"
    );
    assert!(!log.contains(PASSWORD), "the trunk password leaked:\n{log}");
    assert!(
        !log.contains("Authorization"),
        "a digest answer leaked:\n{log}"
    );
    assert!(!log.contains("response="), "a digest answer leaked:\n{log}");
    for number in ISSUER_NUMBER_FORMS {
        assert!(
            !log.contains(number),
            "the issuer's number {number} leaked:\n{log}"
        );
    }
}
