//! Secrets and personal data in logs (issue 8; STYLE §8): the real `callcard` binary, at its
//! default log level, places a browser call through a SIPp trunk that demands digest
//! authentication; its whole log must then hold neither the trunk's password nor its digest
//! answer nor the issuer's full phone number — and must show that the call happened.

use std::time::Duration;

use crate::calling::{call_card, follow_as, sipp, wait_for, wait_for_end};
use crate::helpers::ServerProcess;

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
    let trunk_port = trunk.sip.port().to_string();
    let server = ServerProcess::start(
        data_dir.path(),
        ServerProcess::free_port(),
        &[
            ("CALLCARD_TRUNK_HOST", "127.0.0.1"),
            ("CALLCARD_TRUNK_PORT", &trunk_port),
            ("CALLCARD_TRUNK_USERNAME", USERNAME),
            ("CALLCARD_TRUNK_PASSWORD", PASSWORD),
            ("CALLCARD_TRUNK_CALLER_ID", "+8225550000"),
        ],
    )
    .await;
    let address = server.address.clone();
    let client = reqwest::Client::new();

    // A caller on the demo card: the bridge dials the issuer's mobile, answers the 401 with
    // credentials, the phone answers and hears the accept prompt; the caller hangs up.
    let (_caller, call) =
        call_card(&client, format!("{address}/api/cards/hong-gildong/calls")).await;
    let mut states = follow_as(&client, format!("{address}/api/calls/live/{call}/events")).await;
    wait_for(&mut states, "waiting_for_issuer").await;
    client
        .post(format!("{address}/api/calls/live/{call}/hangup"))
        .send()
        .await
        .unwrap();
    wait_for_end(&mut states, Duration::from_secs(20)).await;
    trunk.assert_ends_ok().await;
    let log = server.log();
    server.kill();

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
