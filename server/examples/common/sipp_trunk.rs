//! SIPp as the trunk and the issuer's phones for a load run: one process on free loopback
//! ports that answers every call with `server/tests/sipp/accept_with_1.xml` (ring, answer,
//! press 1, then echo RTP with `-rtp_echo` until the bridge hangs up). All calls share one
//! media port: SIPp's echo thread sends each packet back to whoever sent it, so a plain UDP
//! socket can measure the same echo without the bridge. Killed on drop.

use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub struct SippTrunk {
    child: Option<Child>,
    pub sip: SocketAddr,
    pub media: SocketAddr,
    errors: PathBuf,
}

impl SippTrunk {
    /// Starts SIPp for exactly `calls` calls, all of which may be up at once.
    pub fn start(calls: usize) -> anyhow::Result<SippTrunk> {
        let scenario =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sipp/accept_with_1.xml");
        let sip_port = free_udp_port(1)?;
        // The echo takes the media port and the one two above it (video).
        let media_port = free_udp_port(3)?;
        let errors = std::env::temp_dir().join(format!("call-load-sipp-{sip_port}.log"));
        let calls = calls.to_string();
        let child = Command::new("sipp")
            .arg("-sf")
            .arg(&scenario)
            .args(["-i", "127.0.0.1", "-p", &sip_port.to_string()])
            .args(["-mi", "127.0.0.1", "-mp", &media_port.to_string()])
            .arg("-rtp_echo")
            // -m: exit after that many calls; -l: that many may be open at once (a UAS
            // takes whatever arrives, but the limit must not be lower than the load).
            .args(["-m", &calls, "-l", &calls])
            .args(["-nostdin", "-trace_err", "-error_file"])
            .arg(&errors)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| {
                anyhow::anyhow!(
                    "cannot start sipp ({error}); install it with `apt-get install sip-tester`"
                )
            })?;
        let mut trunk = SippTrunk {
            child: Some(child),
            sip: SocketAddr::from(([127, 0, 0, 1], sip_port)),
            media: SocketAddr::from(([127, 0, 0, 1], media_port)),
            errors,
        };
        // SIPp listens once we can no longer bind its port ourselves.
        let deadline = Instant::now() + Duration::from_secs(10);
        while UdpSocket::bind(trunk.sip).is_ok() {
            if let Some(status) = trunk
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                anyhow::bail!("sipp exited at start with {status}: {}", trunk.errors());
            }
            anyhow::ensure!(Instant::now() < deadline, "sipp never bound {}", trunk.sip);
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(trunk)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Waits up to `within` for SIPp to finish its calls; kills it if it has not.
    pub fn finish(&mut self, within: Duration) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    }

    /// SIPp's error log: unexpected messages, retransmission failures.
    pub fn errors(&self) -> String {
        std::fs::read_to_string(&self.errors).unwrap_or_default()
    }
}

impl Drop for SippTrunk {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(&self.errors);
    }
}

/// A free loopback UDP port with the `span - 1` ports above it free too.
fn free_udp_port(span: u16) -> anyhow::Result<u16> {
    for _ in 0..100 {
        let socket = UdpSocket::bind("127.0.0.1:0")?;
        let port = socket.local_addr()?.port();
        if port.checked_add(span).is_none() {
            continue;
        }
        let others: Result<Vec<_>, _> = (1..span)
            .map(|offset| UdpSocket::bind(("127.0.0.1", port + offset)))
            .collect();
        if others.is_ok() {
            return Ok(port);
        }
    }
    anyhow::bail!("no free run of {span} UDP ports on 127.0.0.1")
}
