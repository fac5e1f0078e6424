//! A real SIPp on loopback for the trunk driver's tests: started on free ports, killed on drop.
//!
//! SIPp (Debian package `sip-tester`) must be installed: a missing `sipp` fails the test with
//! the command that installs it, rather than skipping, so CI cannot go green without the peer.

use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Logs only on request: `RUST_LOG=media_bridge=debug cargo test …`.
pub fn init_logs() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
}

/// Where the scenarios live: the test's own crate's `tests/sipp/*.xml`, else the media
/// bridge's (the server's tests share them).
/// A trunk on SIPp at `sip_port`, from a loopback socket, with a fixed caller id; tests add
/// what they need (digest credentials) with `..trunk_settings(port)`.
pub fn trunk_settings(sip_port: u16) -> media_bridge::trunk::TrunkSettings {
    media_bridge::trunk::TrunkSettings {
        host: "127.0.0.1".into(),
        port: Some(sip_port),
        caller_id: "+15550100".into(),
        local_bind: "127.0.0.1:0".parse().unwrap(),
        ..media_bridge::trunk::TrunkSettings::default()
    }
}

pub fn scenario(name: &str) -> PathBuf {
    let own = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sipp")
        .join(name);
    if own.exists() {
        return own;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../media-bridge/tests/sipp")
        .join(name)
}

/// How the SIPp trunk behaves: a built-in scenario (`-sn`), one of ours (`-sf`), or one of
/// ours with `(placeholder, value)` replacements made first (for what SIPp's `-key`
/// keywords cannot fill in, such as a status code).
pub enum Scenario {
    BuiltIn(&'static str),
    File(&'static str),
    Template(&'static str, Vec<(&'static str, String)>),
}

/// A running SIPp acting as the trunk for exactly one call (`-m 1`).
pub struct Sipp {
    child: Option<Child>,
    pub sip: SocketAddr,
    pub media: SocketAddr,
    log: PathBuf,
    rendered: PathBuf,
}

impl Sipp {
    /// Starts SIPp on free loopback ports with `extra` arguments (`-rtp_echo`, `-key …`)
    /// and waits until it listens. A port found free can be taken by a test running beside
    /// this one before SIPp binds it: then SIPp starts again on other ports.
    pub fn start(scenario_to_run: Scenario, extra: &[&str]) -> Sipp {
        for _ in 0..4 {
            match Sipp::try_start(&scenario_to_run, extra) {
                Ok(sipp) => return sipp,
                Err(errors) if errors.contains("Address already in use") => continue,
                Err(errors) => panic!("sipp exited at start: {errors}"),
            }
        }
        Sipp::try_start(&scenario_to_run, extra)
            .unwrap_or_else(|errors| panic!("sipp exited at start: {errors}"))
    }

    /// Starts SIPp on `sip_port`, for a peer that must start after the call it answers was
    /// placed (its INVITE retransmissions reach it): say, one whose capture holds a code the
    /// server chose when it dialled.
    pub fn start_on(sip_port: u16, scenario_to_run: Scenario, extra: &[&str]) -> Sipp {
        Sipp::try_start_on(sip_port, &scenario_to_run, extra)
            .unwrap_or_else(|errors| panic!("sipp exited at start: {errors}"))
    }

    fn try_start(scenario_to_run: &Scenario, extra: &[&str]) -> Result<Sipp, String> {
        Sipp::try_start_on(free_udp_port(1), scenario_to_run, extra)
    }

    fn try_start_on(
        sip_port: u16,
        scenario_to_run: &Scenario,
        extra: &[&str],
    ) -> Result<Sipp, String> {
        // SIPp's RTP echo takes the media port and the one two above it (video).
        let media_port = free_udp_port(3);
        let log = std::env::temp_dir().join(format!("trunk-sipp-{sip_port}.log"));
        let rendered = std::env::temp_dir().join(format!("trunk-sipp-{sip_port}.xml"));
        let mut command = Command::new("sipp");
        match scenario_to_run {
            Scenario::BuiltIn(name) => command.args(["-sn", name]),
            Scenario::File(name) => command.arg("-sf").arg(scenario(name)),
            Scenario::Template(name, replacements) => {
                let mut text = std::fs::read_to_string(scenario(name)).expect("the scenario");
                for (placeholder, value) in replacements {
                    assert!(text.contains(placeholder), "{name} has no {placeholder}");
                    text = text.replace(placeholder, value);
                }
                std::fs::write(&rendered, text).expect("write the rendered scenario");
                command.arg("-sf").arg(&rendered)
            }
        };
        command
            .args(["-i", "127.0.0.1", "-p", &sip_port.to_string()])
            .args(["-mi", "127.0.0.1", "-mp", &media_port.to_string()])
            .args(["-m", "1", "-timeout", "30s", "-nostdin"])
            .arg("-trace_err")
            .args(std::env::var("SIPP_TRACE").ok().map(|_| "-trace_msg"))
            .arg("-error_file")
            .arg(&log)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = match command.spawn() {
            Ok(child) => child,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => panic!(
                "`sipp` is not installed; these tests need a real SIP peer. Install it with \
                 `sudo apt-get install -y sip-tester` (or run scripts/setup.sh)."
            ),
            Err(error) => panic!("cannot start sipp: {error}"),
        };
        let mut sipp = Sipp {
            child: Some(child),
            sip: SocketAddr::from(([127, 0, 0, 1], sip_port)),
            media: SocketAddr::from(([127, 0, 0, 1], media_port)),
            log,
            rendered,
        };
        sipp.wait_until_listening()?;
        Ok(sipp)
    }

    /// SIPp has bound its SIP port once we can no longer bind it ourselves; its errors if it
    /// exited first.
    fn wait_until_listening(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while UdpSocket::bind(self.sip).is_ok() {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                return Err(format!("{status}: {}", self.errors()));
            }
            assert!(Instant::now() < deadline, "sipp never bound {}", self.sip);
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// Waits for SIPp to finish its one call and returns its exit status (0: the scenario
    /// ran to its end; 1: the call failed).
    pub async fn finish(mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(40);
        let child = self.child.as_mut().expect("sipp is running");
        loop {
            if let Some(status) = child.try_wait().expect("sipp's status") {
                self.child = None;
                return status;
            }
            assert!(Instant::now() < deadline, "sipp did not finish");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Asserts that SIPp ran its scenario to the end, printing its errors if not.
    pub async fn assert_ends_ok(self) {
        let log = self.log.clone();
        let status = self.finish().await;
        let errors = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(status.success(), "sipp ended with {status}:\n{errors}");
    }

    fn errors(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Sipp {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(&self.log);
        let _ = std::fs::remove_file(&self.rendered);
    }
}

/// A loopback UDP port that is free, with the `span - 1` ports above it free too (checked by
/// binding and releasing them; another process could still take one, which is unlikely on a
/// test machine in the short time before SIPp binds it).
pub fn free_udp_port(span: u16) -> u16 {
    for _ in 0..100 {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a free port");
        let port = socket.local_addr().expect("local address").port();
        if port.checked_add(span).is_none() {
            continue;
        }
        let others: Result<Vec<_>, _> = (1..span)
            .map(|offset| UdpSocket::bind(("127.0.0.1", port + offset)))
            .collect();
        if others.is_ok() {
            return port;
        }
    }
    panic!("no free run of {span} UDP ports on 127.0.0.1");
}

/// Writes a capture SIPp can play (`play_pcap_audio`) of `digits` pressed one after another
/// as RFC 4733 events (payload type 101), each 100 ms long and 400 ms apart, with one SSRC
/// and rising timestamps, as a phone's keypad sends them. SIPp's own captures hold one digit
/// each, all with the same timestamp, so several in a row would read as one key press.
pub fn write_dtmf_capture(digits: &str, path: &std::path::Path) {
    use media_bridge::dtmf::{Digit, DtmfSender};
    use media_bridge::rtp::RtpHeader;

    let mut capture = Vec::new();
    // pcap global header: magic, version 2.4, zone, accuracy, snap length, Ethernet.
    capture.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    capture.extend_from_slice(&2u16.to_le_bytes());
    capture.extend_from_slice(&4u16.to_le_bytes());
    for field in [0u32, 0, 65_535, 1] {
        capture.extend_from_slice(&field.to_le_bytes());
    }
    let mut sequence_number = 1_000u16;
    for (index, character) in digits.chars().enumerate() {
        let digit = Digit::from_char(character).expect("a DTMF key");
        let start = Duration::from_millis(400 * index as u64);
        let timestamp = 8_000 + 3_200 * index as u32;
        for packet in DtmfSender::new(digit, Duration::from_millis(100)) {
            let mut rtp = Vec::new();
            RtpHeader {
                marker: packet.marker,
                payload_type: 101,
                sequence_number,
                timestamp,
                ssrc: 0x5eed_cafe,
                csrc: Vec::new(),
            }
            .write(&packet.payload, &mut rtp)
            .expect("an RTP header");
            sequence_number = sequence_number.wrapping_add(1);
            let mut frame = vec![0u8; 12];
            frame.extend_from_slice(&[0x08, 0x00]);
            let ip_len = (20 + 8 + rtp.len()) as u16;
            frame.extend_from_slice(&[0x45, 0]);
            frame.extend_from_slice(&ip_len.to_be_bytes());
            frame.extend_from_slice(&[0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]);
            frame.extend_from_slice(&6_000u16.to_be_bytes());
            frame.extend_from_slice(&6_000u16.to_be_bytes());
            frame.extend_from_slice(&((8 + rtp.len()) as u16).to_be_bytes());
            frame.extend_from_slice(&[0, 0]);
            frame.extend_from_slice(&rtp);
            let at = start + packet.send_after;
            capture.extend_from_slice(&(at.as_secs() as u32).to_le_bytes());
            capture.extend_from_slice(&at.subsec_micros().to_le_bytes());
            capture.extend_from_slice(&(frame.len() as u32).to_le_bytes());
            capture.extend_from_slice(&(frame.len() as u32).to_le_bytes());
            capture.extend_from_slice(&frame);
        }
    }
    std::fs::write(path, capture).expect("write the capture");
}
