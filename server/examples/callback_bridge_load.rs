//! Two-phone callbacks through the bridge (issue 10 floors: ≥ 200 concurrent calls whose two
//! legs are both phones on the trunk, 0 % packet loss; the forwarding latency p99 per
//! direction ≤ 2 ms at 100 calls, on this 2-core machine).
//!
//!     cargo run --release -p server --example callback_bridge_load -- --calls 100 --seconds 20
//!
//! The real server runs in-process over a fresh database (`--backend sqlite|postgres`), its
//! trunk pointed at a SIP user agent of this program on loopback that plays every phone: it
//! answers each INVITE with PCMU and a media socket of its own, presses 1 (RFC 4733) on an
//! issuer's leg as soon as the callback prompt arrives, and answers in-dialog requests. N
//! callbacks are asked for through `POST /api/cards/load/callbacks` (`--ramp R` a second) and
//! followed on their event streams until `connected`. Then, for `--seconds S`, every leg sends
//! a 20 ms PCMU packet every 20 ms (160 bytes: a magic word, its send time in ns, then μ-law
//! silence) and every leg times what the bridge forwards to it from the other phone: the
//! one-way time from the phone of one leg, through the bridge, to the phone of the other —
//! per direction, with the loss. Plain pairs of UDP sockets in the same runtime, paced the
//! same, give loopback's own one-way time beside it: before the calls (one pair per call), and
//! among them (10 pairs), which adds what the phones' own scheduling costs under the load.
//!
//! The server and the phones run on two tokio runtimes (threads `bridge-server` and
//! `load-client`), so /proc per-thread CPU tells the bridge's share. Loopback only; bounded by
//! N and S.

mod common;
#[path = "common/calling.rs"]
mod load_app;
#[path = "common/sip.rs"]
mod sip;
#[path = "common/usage.rs"]
#[allow(dead_code)]
mod usage;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use media_bridge::dtmf::{Digit, DtmfSender};
use media_bridge::rtp::{RtpHeader, RtpPacket};
use serde_json::{Value, json};
use server::calls::rates::LegClass;
use tokio::net::UdpSocket;

/// Marks the load's own audio among the prompts and tones the bridge also sends.
const MAGIC: [u8; 4] = *b"CCLD";
/// The load issuer's verified mobile (`load_app::issuer_with_card`), as the trunk sees it.
const ISSUER_DIGITS: &str = "1012345678";
const PACKET_INTERVAL: Duration = Duration::from_millis(20);
/// Socket pairs timing loopback while the calls run.
const LOADED_BASELINE_PAIRS: usize = 10;

struct Options {
    calls: usize,
    seconds: u64,
    ramp_per_sec: f64,
    backend: String,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        calls: 100,
        seconds: 20,
        ramp_per_sec: 20.0,
        backend: "sqlite".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--calls" => options.calls = value.parse()?,
            "--seconds" => options.seconds = value.parse()?,
            "--ramp" => options.ramp_per_sec = value.parse()?,
            "--backend" => options.backend = value,
            other => {
                anyhow::bail!("unknown option {other} (--calls, --seconds, --ramp, --backend)")
            }
        }
    }
    anyhow::ensure!(
        (1..=9_000).contains(&options.calls),
        "--calls 1..=9000 (one number each)"
    );
    anyhow::ensure!(options.ramp_per_sec > 0.0, "--ramp must be positive");
    Ok(options)
}

fn main() -> anyhow::Result<()> {
    let options = options()?;
    let server_runtime = common::runtime("bridge-server")?;
    let client_runtime = common::runtime("load-client")?;
    let phones = client_runtime.block_on(Phones::start())?;
    let database = server_runtime.block_on(common::FreshDatabase::create(&options.backend))?;
    let (address, state) = server_runtime.block_on(load_app::start(
        &database,
        phones.sip_port,
        &[
            load_app::rate(LegClass::Mobile, "82", 60),
            load_app::rate(LegClass::Landline, "82", 60),
        ],
        (options.calls * 2 + 10) as u32,
        60,
    ))?;
    let outcome = client_runtime.block_on(run(&options, &address, &phones));
    client_runtime.shutdown_timeout(Duration::from_secs(2));
    server_runtime.block_on(async move {
        drop(state);
        database.remove().await
    })?;
    server_runtime.shutdown_timeout(Duration::from_secs(2));
    outcome
}

/// What the phones measure, per direction of the audio.
#[derive(Default)]
struct Direction {
    sent: AtomicU64,
    received: AtomicU64,
    /// One-way times in µs, of packets sent while measuring.
    latencies: Mutex<Vec<u64>>,
}

/// The phones' shared state: whether to send audio now, and the two directions.
struct Measure {
    epoch: Instant,
    sending: AtomicBool,
    to_issuer: Direction,
    to_caller: Direction,
    /// Issuer legs that pressed 1, and legs answered.
    accepted: AtomicU64,
    answered: AtomicU64,
}

/// One SIP user agent playing every phone of the trunk.
struct Phones {
    sip_port: u16,
    measure: Arc<Measure>,
}

/// A leg the phones answered: its 200 OK, sent again for a retransmitted INVITE.
struct AnsweredLeg {
    ok: String,
}

impl Phones {
    async fn start() -> anyhow::Result<Phones> {
        let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await?);
        let sip_port = socket.local_addr()?.port();
        let measure = Arc::new(Measure {
            epoch: Instant::now(),
            sending: AtomicBool::new(false),
            to_issuer: Direction::default(),
            to_caller: Direction::default(),
            accepted: AtomicU64::new(0),
            answered: AtomicU64::new(0),
        });
        let shared = Arc::clone(&measure);
        tokio::spawn(async move {
            let mut legs: HashMap<String, AnsweredLeg> = HashMap::new();
            let mut buffer = vec![0u8; 65_536];
            loop {
                let Ok((size, from)) = socket.recv_from(&mut buffer).await else {
                    return;
                };
                let message = String::from_utf8_lossy(&buffer[..size]).into_owned();
                let Some(reply) = answer(&message, sip_port, &mut legs, &shared).await else {
                    continue;
                };
                let _ = socket.send_to(reply.as_bytes(), from).await;
            }
        });
        Ok(Phones { sip_port, measure })
    }
}

/// The phones' reply to one SIP message: a 200 OK to an INVITE (a new leg answered, or the
/// same answer again), to BYE and any other in-dialog request; nothing to ACKs and responses.
async fn answer(
    message: &str,
    sip_port: u16,
    legs: &mut HashMap<String, AnsweredLeg>,
    measure: &Arc<Measure>,
) -> Option<String> {
    let method = message.split_whitespace().next()?;
    if method == "ACK" || method.starts_with("SIP/") {
        return None;
    }
    let call_id = sip::header(message, "Call-ID")?;
    if method != "INVITE" {
        return Some(sip::response(message, "200 OK", sip_port, None));
    }
    if let Some(leg) = legs.get(&call_id) {
        // A retransmission, or a re-INVITE refreshing the session: the same media.
        let body = leg
            .ok
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned());
        return Some(sip::response(message, "200 OK", sip_port, body.as_deref()));
    }
    let offer = message.split_once("\r\n\r\n")?.1;
    let remote = offered_media(offer)?;
    let events = telephone_event_type(offer).unwrap_or(101);
    let issuer = message
        .lines()
        .next()
        .is_some_and(|request_line| request_line.contains(ISSUER_DIGITS));
    let media = UdpSocket::bind("127.0.0.1:0").await.ok()?;
    let port = media.local_addr().ok()?.port();
    tokio::spawn(run_leg(media, remote, issuer, events, Arc::clone(measure)));
    measure.answered.fetch_add(1, Ordering::Relaxed);
    let sdp = format!(
        "v=0\r\no=- {port} 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP 0 {events}\r\na=rtpmap:0 PCMU/8000\r\n\
         a=rtpmap:{events} telephone-event/8000\r\na=fmtp:{events} 0-16\r\na=sendrecv\r\n"
    );
    let ok = sip::response(message, "200 OK", sip_port, Some(&sdp));
    legs.insert(call_id, AnsweredLeg { ok: ok.clone() });
    Some(ok)
}

/// One answered leg's media: an issuer's leg presses 1 once the prompt arrives; while the run
/// measures, every leg sends a packet each 20 ms and times what arrives from the other phone.
async fn run_leg(
    socket: UdpSocket,
    remote: SocketAddr,
    issuer: bool,
    events: u8,
    measure: Arc<Measure>,
) {
    let (outgoing, incoming) = if issuer {
        (&measure.to_caller, &measure.to_issuer)
    } else {
        (&measure.to_issuer, &measure.to_caller)
    };
    let ssrc: u32 = rand::random();
    let (mut sequence, mut timestamp) = (0u16, 0u32);
    let mut pressed = !issuer;
    let mut ticker = tokio::time::interval(PACKET_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut buffer = [0u8; 2048];
    let mut latencies = Vec::new();
    let mut out = Vec::with_capacity(200);
    loop {
        tokio::select! {
            received = socket.recv(&mut buffer) => {
                let Ok(size) = received else { break };
                let Ok(packet) = RtpPacket::parse(&buffer[..size]) else { continue };
                if !pressed {
                    pressed = true;
                    measure.accepted.fetch_add(1, Ordering::Relaxed);
                    press_one(&socket, remote, events, ssrc, &mut sequence, timestamp).await;
                }
                if packet.header.payload_type == 0 && packet.payload.starts_with(&MAGIC) {
                    let sent_ns = u64::from_be_bytes(packet.payload[4..12].try_into().unwrap());
                    let now_ns = measure.epoch.elapsed().as_nanos() as u64;
                    latencies.push(now_ns.saturating_sub(sent_ns) / 1_000);
                    incoming.received.fetch_add(1, Ordering::Relaxed);
                }
            }
            _ = ticker.tick() => {
                timestamp = timestamp.wrapping_add(160);
                if !measure.sending.load(Ordering::Relaxed) {
                    if !latencies.is_empty() {
                        incoming.latencies.lock().unwrap().append(&mut latencies);
                    }
                    continue;
                }
                let mut payload = [0xFFu8; 160];
                payload[..4].copy_from_slice(&MAGIC);
                let now_ns = measure.epoch.elapsed().as_nanos() as u64;
                payload[4..12].copy_from_slice(&now_ns.to_be_bytes());
                out.clear();
                let header = RtpHeader {
                    payload_type: 0,
                    sequence_number: sequence,
                    timestamp,
                    ssrc,
                    ..RtpHeader::default()
                };
                sequence = sequence.wrapping_add(1);
                if header.write(&payload, &mut out).is_ok()
                    && socket.send_to(&out, remote).await.is_ok()
                {
                    outgoing.sent.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
}

/// Presses 1 as RFC 4733 events, at their 20 ms pace.
async fn press_one(
    socket: &UdpSocket,
    remote: SocketAddr,
    events: u8,
    ssrc: u32,
    sequence: &mut u16,
    timestamp: u32,
) {
    let mut out = Vec::with_capacity(32);
    let mut previous = Duration::ZERO;
    for packet in DtmfSender::new(Digit::One, Duration::from_millis(100)) {
        tokio::time::sleep(packet.send_after - previous).await;
        previous = packet.send_after;
        out.clear();
        let header = RtpHeader {
            marker: packet.marker,
            payload_type: events,
            sequence_number: *sequence,
            timestamp,
            ssrc,
            ..RtpHeader::default()
        };
        *sequence = sequence.wrapping_add(1);
        if header.write(&packet.payload, &mut out).is_ok() {
            let _ = socket.send_to(&out, remote).await;
        }
    }
}

/// Where the offer wants the audio: its `c=` address and `m=audio` port.
fn offered_media(sdp: &str) -> Option<SocketAddr> {
    let address = sdp
        .lines()
        .find_map(|line| line.trim().strip_prefix("c=IN IP4 "))?
        .trim();
    let port = sdp
        .lines()
        .find_map(|line| line.trim().strip_prefix("m=audio "))?
        .split_whitespace()
        .next()?;
    format!("{address}:{port}").parse().ok()
}

/// The payload type the offer gives `telephone-event`.
fn telephone_event_type(sdp: &str) -> Option<u8> {
    sdp.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("a=rtpmap:")?;
        let (number, codec) = rest.split_once(' ')?;
        codec
            .starts_with("telephone-event")
            .then(|| number.parse().ok())
            .flatten()
    })
}

/// Asks for one callback and follows it until `connected` (true) or its end (false).
async fn one_callback(
    client: reqwest::Client,
    address: String,
    index: usize,
) -> anyhow::Result<(String, bool)> {
    let number = format!("02-556-{index:04}");
    let response = client
        .post(format!("{address}/api/cards/load/callbacks"))
        .json(&json!({ "number": number, "lang": "en" }))
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == 202,
        "callback {index}: {} {}",
        response.status(),
        response.text().await.unwrap_or_default()
    );
    let started: Value = response.json().await?;
    let call = started["call"]
        .as_str()
        .context("no call in the answer")?
        .to_owned();
    let mut events = client
        .get(format!("{address}/api/calls/live/{call}/events"))
        .send()
        .await?;
    let mut buffer = String::new();
    while let Some(chunk) = events.chunk().await? {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            for line in event.lines() {
                let Some(data) = line.strip_prefix("data:") else {
                    continue;
                };
                let Ok(value) = serde_json::from_str::<Value>(data.trim()) else {
                    continue;
                };
                match value["state"].as_str() {
                    Some("connected") => return Ok((call, true)),
                    Some("ended") => {
                        eprintln!("callback {index} ended before connecting: {value}");
                        return Ok((call, false));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok((call, false))
}

async fn run(options: &Options, address: &str, phones: &Phones) -> anyhow::Result<()> {
    let measure = &phones.measure;
    let baseline = loopback_baseline(options.calls, Duration::from_secs(3)).await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    eprintln!(
        "asking for {} callbacks at {} a second",
        options.calls, options.ramp_per_sec
    );
    let setup_started = Instant::now();
    let mut tasks = Vec::with_capacity(options.calls);
    for index in 0..options.calls {
        tasks.push(tokio::spawn(one_callback(
            client.clone(),
            address.to_owned(),
            index,
        )));
        tokio::time::sleep(Duration::from_secs_f64(1.0 / options.ramp_per_sec)).await;
    }
    let mut calls = Vec::new();
    let mut failed = 0;
    for task in tasks {
        match tokio::time::timeout(Duration::from_secs(60), task).await {
            Ok(Ok(Ok((call, true)))) => calls.push(call),
            Ok(Ok(Ok((call, false)))) => {
                failed += 1;
                calls.push(call);
            }
            Ok(Ok(Err(error))) => {
                failed += 1;
                eprintln!("{error:#}");
            }
            _ => failed += 1,
        }
    }
    let setup = setup_started.elapsed();
    eprintln!(
        "{} of {} callbacks connected in {:.1} s ({} legs answered, {} issuers pressed 1); \
         measuring for {} s",
        options.calls - failed,
        options.calls,
        setup.as_secs_f64(),
        measure.answered.load(Ordering::Relaxed),
        measure.accepted.load(Ordering::Relaxed),
        options.seconds
    );

    let threads_before = usage::thread_ticks();
    measure.sending.store(true, Ordering::Relaxed);
    let steady_started = Instant::now();
    // Loopback again, among the phones' own work: what the phones' scheduling adds.
    let loaded = tokio::spawn(loopback_baseline(
        LOADED_BASELINE_PAIRS,
        Duration::from_secs(options.seconds),
    ));
    tokio::time::sleep(Duration::from_secs(options.seconds)).await;
    measure.sending.store(false, Ordering::Relaxed);
    let steady = steady_started.elapsed();
    let threads_after = usage::thread_ticks();
    let mut loaded = loaded.await??;
    // The last packets are in flight; the legs hand over their times on their next tick.
    tokio::time::sleep(Duration::from_millis(500)).await;

    for call in &calls {
        let _ = client
            .post(format!("{address}/api/calls/live/{call}/hangup"))
            .send()
            .await;
    }

    let (_, groups) = usage::thread_deltas(&threads_before, &threads_after);
    let server_ticks: u64 = groups
        .iter()
        .filter(|(name, _)| !name.starts_with("load-client"))
        .map(|(_, ticks)| ticks)
        .sum();
    let client_ticks: u64 = groups
        .iter()
        .filter(|(name, _)| name.starts_with("load-client"))
        .map(|(_, ticks)| ticks)
        .sum();
    let cpu = |ticks: u64| ticks as f64 / usage::clock_ticks() / steady.as_secs_f64() * 100.0;
    println!(
        "two-phone callbacks ({} backend): {} asked, {} connected, {} s measured",
        options.backend,
        options.calls,
        options.calls - failed,
        options.seconds
    );
    print_direction("  caller → issuer", &measure.to_issuer);
    print_direction("  issuer → caller", &measure.to_caller);
    usage::print_latency("  loopback alone, before the calls", &mut baseline.clone());
    usage::print_latency(
        &format!("  loopback among the calls ({LOADED_BASELINE_PAIRS} pairs)"),
        &mut loaded,
    );
    println!(
        "  CPU while measuring: server {:.0} % of one core, phones {:.0} %",
        cpu(server_ticks),
        cpu(client_ticks)
    );
    Ok(())
}

fn print_direction(label: &str, direction: &Direction) {
    let sent = direction.sent.load(Ordering::Relaxed);
    let received = direction.received.load(Ordering::Relaxed);
    let lost = sent.saturating_sub(received);
    println!(
        "{label}: {sent} packets sent, {received} received, {lost} lost ({:.3} %)",
        lost as f64 * 100.0 / sent.max(1) as f64
    );
    let mut latencies = direction.latencies.lock().unwrap().clone();
    usage::print_latency("    one way", &mut latencies);
}

/// Loopback's own one-way time: `pairs` socket pairs in this runtime, each sending a 172-byte
/// datagram every 20 ms for `length`, timed on arrival.
async fn loopback_baseline(pairs: usize, length: Duration) -> anyhow::Result<Vec<u64>> {
    let epoch = Instant::now();
    let mut tasks = Vec::with_capacity(pairs);
    for _ in 0..pairs {
        let sender = UdpSocket::bind("127.0.0.1:0").await?;
        let receiver = UdpSocket::bind("127.0.0.1:0").await?;
        sender.connect(receiver.local_addr()?).await?;
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut ticker = tokio::time::interval(PACKET_INTERVAL);
            let end = tokio::time::Instant::now() + length;
            let mut buffer = [0u8; 256];
            loop {
                tokio::select! {
                    _ = tokio::time::sleep_until(end) => return latencies,
                    _ = ticker.tick() => {
                        let mut datagram = [0xFFu8; 172];
                        let now_ns = epoch.elapsed().as_nanos() as u64;
                        datagram[..8].copy_from_slice(&now_ns.to_be_bytes());
                        let _ = sender.send(&datagram).await;
                    }
                    received = receiver.recv(&mut buffer) => {
                        if let Ok(size) = received && size >= 8 {
                            let sent = u64::from_be_bytes(buffer[..8].try_into().unwrap());
                            let now_ns = epoch.elapsed().as_nanos() as u64;
                            latencies.push(now_ns.saturating_sub(sent) / 1_000);
                        }
                    }
                }
            }
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.append(&mut task.await?);
    }
    Ok(all)
}
