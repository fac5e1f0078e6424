//! The marked packets both kinds of caller send (a webrtc-rs leg through the bridge, or a
//! plain UDP socket straight to SIPp's echo) and what their echoes measure.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The bytes after the marking: μ-law silence.
const SILENCE: u8 = 0xFF;
/// After call id (2), sequence (4) and send time (8): two bytes telling ours from anything else.
const MAGIC: [u8; 2] = [0xCA, 0x11];
const PAYLOAD_LEN: usize = 160;

/// Packets sent, echoes received once, and the round-trip time of each echo (µs).
#[derive(Default, Clone)]
pub struct EchoStats {
    pub sent: u64,
    pub received: u64,
    pub duplicates: u64,
    pub rtt_us: Vec<u64>,
}

impl EchoStats {
    pub fn merge(&mut self, other: EchoStats) {
        self.sent += other.sent;
        self.received += other.received;
        self.duplicates += other.duplicates;
        self.rtt_us.extend(other.rtt_us);
    }

    pub fn loss_percent(&self) -> f64 {
        if self.sent == 0 {
            return 0.0;
        }
        (self.sent.saturating_sub(self.received)) as f64 * 100.0 / self.sent as f64
    }
}

/// One stream's marked payloads: `[id u16][seq u32][sent ns since epoch u64][magic][silence]`.
pub struct Payload {
    id: u16,
    epoch: Instant,
    next_sequence: u32,
    seen: Vec<bool>,
}

impl Payload {
    pub fn new(id: u16, epoch: Instant) -> Payload {
        Payload {
            id,
            epoch,
            next_sequence: 0,
            seen: Vec::with_capacity(4_096),
        }
    }

    /// The next packet's payload, stamped now.
    pub fn next(&mut self, stats: &mut EchoStats) -> [u8; PAYLOAD_LEN] {
        let mut bytes = [SILENCE; PAYLOAD_LEN];
        bytes[0..2].copy_from_slice(&self.id.to_be_bytes());
        bytes[2..6].copy_from_slice(&self.next_sequence.to_be_bytes());
        let sent = self.epoch.elapsed().as_nanos() as u64;
        bytes[6..14].copy_from_slice(&sent.to_be_bytes());
        bytes[14..16].copy_from_slice(&MAGIC);
        self.next_sequence += 1;
        self.seen.push(false);
        stats.sent += 1;
        bytes
    }

    /// Counts an echo; false when the payload is not one of this stream's packets.
    pub fn receive(&mut self, bytes: &[u8], stats: &mut EchoStats) -> bool {
        let now = self.epoch.elapsed().as_nanos() as u64;
        if bytes.len() != PAYLOAD_LEN
            || bytes[14..16] != MAGIC
            || u16::from_be_bytes([bytes[0], bytes[1]]) != self.id
        {
            return false;
        }
        let sequence = u32::from_be_bytes([bytes[2], bytes[3], bytes[4], bytes[5]]) as usize;
        let sent = u64::from_be_bytes(bytes[6..14].try_into().expect("8 bytes"));
        let Some(seen) = self.seen.get_mut(sequence) else {
            return false;
        };
        if *seen {
            stats.duplicates += 1;
            return true;
        }
        *seen = true;
        stats.received += 1;
        stats.rtt_us.push(now.saturating_sub(sent) / 1_000);
        true
    }
}

/// `streams` plain UDP sockets each send a 20 ms RTP packet (PCMU, 172 bytes) every 20 ms to
/// SIPp's echo for `duration`, then wait a second for the last echoes.
pub async fn direct_echo(
    target: SocketAddr,
    streams: usize,
    duration: Duration,
    epoch: Instant,
) -> anyhow::Result<EchoStats> {
    let stop = Instant::now() + duration;
    let mut tasks = Vec::with_capacity(streams);
    for stream in 0..streams {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
        socket.connect(target).await?;
        // Spread the streams over one packet interval, as calls set up one by one would be.
        let offset = Duration::from_micros(20_000 * stream as u64 / streams as u64);
        tasks.push(tokio::spawn(async move {
            let mut stats = EchoStats::default();
            let mut payload = Payload::new(stream as u16, epoch);
            tokio::time::sleep(offset).await;
            let mut ticker = tokio::time::interval(Duration::from_millis(20));
            let mut datagram = [0u8; 12 + PAYLOAD_LEN];
            let mut incoming = [0u8; 1_500];
            let ssrc = 0x1000_0000 + stream as u32;
            loop {
                tokio::select! {
                    _ = ticker.tick() => {
                        if Instant::now() >= stop {
                            break;
                        }
                        let sequence = stats.sent as u16;
                        datagram[0] = 0x80;
                        datagram[1] = 0; // PCMU
                        datagram[2..4].copy_from_slice(&sequence.to_be_bytes());
                        datagram[4..8].copy_from_slice(&(stats.sent as u32 * 160).to_be_bytes());
                        datagram[8..12].copy_from_slice(&ssrc.to_be_bytes());
                        datagram[12..].copy_from_slice(&payload.next(&mut stats));
                        let _ = socket.send(&datagram).await;
                    }
                    Ok(len) = socket.recv(&mut incoming) => {
                        if len > 12 {
                            payload.receive(&incoming[12..len], &mut stats);
                        }
                    }
                }
            }
            let grace = tokio::time::Instant::from_std(stop + Duration::from_secs(1));
            while let Ok(Ok(len)) = tokio::time::timeout_at(grace, socket.recv(&mut incoming)).await
            {
                if len > 12 {
                    payload.receive(&incoming[12..len], &mut stats);
                }
            }
            stats
        }));
    }
    let mut total = EchoStats::default();
    for task in tasks {
        total.merge(task.await?);
    }
    Ok(total)
}
