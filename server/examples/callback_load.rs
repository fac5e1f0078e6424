//! What the callback door costs (issue 10): how long from `POST /api/cards/{slug}/callbacks`
//! until the issuer's phone is invited on the trunk, and what a refused request costs.
//!
//!     cargo run --release -p server --example callback_load -- --requests 200 --refused 5000
//!
//! The real server runs in-process over a fresh database (`--backend sqlite|postgres`) with
//! its trunk pointed at a minimal SIP UAS of this program on loopback, which notes when each
//! INVITE arrives and answers `486 Busy Here`, so every callback ends at once (as
//! `issuer_busy`) and gives its number back.
//!
//! 1. **Accepted**: `--requests N` callbacks to distinct numbers, one at a time: POST → `202`,
//!    and POST → the INVITE on the wire (what the issuer waits for: admission, the number read,
//!    its claim, the Guild's reservation, the bridge dialling).
//! 2. **Refused**: `--refused M` requests for a number of another country (`422
//!    number_not_allowed`, refused at the door after the card is read), `--concurrency C`
//!    in flight; requests/s, latency, and the server's CPU per request (its runtime threads).
//!
//! The server and the load run on two runtimes (threads `callback-server` and `load-client`).
//! Loopback only; bounded by N and M.

mod common;
#[path = "common/calling.rs"]
mod load_app;
// Shared by the load examples, each using part of it.
#[path = "common/sip.rs"]
mod sip;
#[path = "common/usage.rs"]
#[allow(dead_code)]
mod usage;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::json;
use server::calls::rates::LegClass;
use tokio::net::UdpSocket;

struct Options {
    requests: usize,
    refused: usize,
    concurrency: usize,
    backend: String,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        requests: 200,
        refused: 5_000,
        concurrency: 32,
        backend: "sqlite".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--requests" => options.requests = value.parse()?,
            "--refused" => options.refused = value.parse()?,
            "--concurrency" => options.concurrency = value.parse()?,
            "--backend" => options.backend = value,
            other => anyhow::bail!(
                "unknown option {other} (--requests, --refused, --concurrency, --backend)"
            ),
        }
    }
    anyhow::ensure!(
        (1..=9_000).contains(&options.requests),
        "--requests 1..=9000 (one number each)"
    );
    anyhow::ensure!(options.concurrency >= 1, "--concurrency must be positive");
    Ok(options)
}

fn main() -> anyhow::Result<()> {
    let options = options()?;
    let server_runtime = common::runtime("callback-server")?;
    let client_runtime = common::runtime("load-client")?;
    let trunk = client_runtime.block_on(Uas::start())?;
    let database = server_runtime.block_on(common::FreshDatabase::create(&options.backend))?;
    let (address, state) = server_runtime.block_on(load_app::start(
        &database,
        trunk.port,
        &[
            load_app::rate(LegClass::Mobile, "82", 60),
            load_app::rate(LegClass::Landline, "82", 60),
        ],
        (options.requests * 2 + 10) as u32,
        60,
    ))?;
    let outcome = client_runtime.block_on(run(&options, &address, &trunk));
    client_runtime.shutdown_timeout(Duration::from_secs(2));
    server_runtime.block_on(async move {
        drop(state);
        database.remove().await
    })?;
    server_runtime.shutdown_timeout(Duration::from_secs(2));
    outcome
}

/// A SIP UAS that notes the arrival of each new INVITE and answers it `486 Busy Here`.
struct Uas {
    port: u16,
    /// Arrival of each INVITE, in order; a retransmission (same Call-ID) is not counted again.
    invites: Arc<Mutex<Vec<Instant>>>,
    notify: Arc<tokio::sync::Notify>,
}

impl Uas {
    async fn start() -> anyhow::Result<Uas> {
        let socket = UdpSocket::bind("127.0.0.1:0").await?;
        let port = socket.local_addr()?.port();
        let invites = Arc::new(Mutex::new(Vec::new()));
        let notify = Arc::new(tokio::sync::Notify::new());
        let (seen, woken) = (Arc::clone(&invites), Arc::clone(&notify));
        tokio::spawn(async move {
            let mut calls: HashMap<String, ()> = HashMap::new();
            let mut buffer = vec![0u8; 65_536];
            loop {
                let Ok((size, from)) = socket.recv_from(&mut buffer).await else {
                    return;
                };
                let arrived = Instant::now();
                let text = String::from_utf8_lossy(&buffer[..size]).into_owned();
                if !text.starts_with("INVITE ") {
                    continue; // ACKs of our 486, and anything else
                }
                let call_id = sip::header(&text, "Call-ID").unwrap_or_default();
                if calls.insert(call_id, ()).is_none() {
                    seen.lock().expect("invites").push(arrived);
                    woken.notify_one();
                }
                let _ = socket
                    .send_to(
                        sip::response(&text, "486 Busy Here", port, None).as_bytes(),
                        from,
                    )
                    .await;
            }
        });
        Ok(Uas {
            port,
            invites,
            notify,
        })
    }

    fn count(&self) -> usize {
        self.invites.lock().expect("invites").len()
    }

    /// The arrival of the `index`-th INVITE (0-based), waiting up to `limit` for it.
    async fn wait_for(&self, index: usize, limit: Duration) -> Option<Instant> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.notify.notified();
            if let Some(at) = self.invites.lock().expect("invites").get(index) {
                return Some(*at);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }
}

async fn run(options: &Options, address: &str, trunk: &Uas) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.concurrency)
        .build()?;
    let url = format!("{address}/api/cards/load/callbacks");

    // 1. Accepted callbacks, one at a time.
    let mut to_accepted = Vec::with_capacity(options.requests);
    let mut to_invite = Vec::with_capacity(options.requests);
    let mut missing = 0;
    for index in 0..options.requests {
        let number = format!("02-556-{index:04}");
        let before = trunk.count();
        let sent = Instant::now();
        let response = client
            .post(&url)
            .json(&json!({ "number": number, "lang": "en" }))
            .send()
            .await?;
        anyhow::ensure!(
            response.status() == 202,
            "callback {index} to {number}: {} {}",
            response.status(),
            response.text().await.unwrap_or_default()
        );
        to_accepted.push(sent.elapsed().as_micros() as u64);
        match trunk.wait_for(before, Duration::from_secs(5)).await {
            Some(at) => to_invite.push(at.duration_since(sent).as_micros() as u64),
            None => missing += 1,
        }
        // Its end (486) gives the number back before the next; numbers differ anyway.
    }
    println!(
        "accepted callbacks ({} backend): {} requests, one at a time",
        options.backend, options.requests
    );
    usage::print_latency("  POST → 202", &mut to_accepted);
    usage::print_latency("  POST → issuer INVITE", &mut to_invite);
    println!("  INVITEs never seen within 5 s: {missing}");

    // 2. Refused requests, `concurrency` in flight.
    let refused_body = json!({ "number": "+1 212 555 0100", "lang": "en" });
    let threads_before = usage::thread_ticks();
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..options.concurrency {
        let (client, url, body, next) = (
            client.clone(),
            url.clone(),
            refused_body.clone(),
            Arc::clone(&next),
        );
        let total = options.refused;
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut wrong = 0usize;
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < total {
                let sent = Instant::now();
                match client.post(&url).json(&body).send().await {
                    Ok(response) if response.status() == 422 => {
                        let _ = response.bytes().await;
                        latencies.push(sent.elapsed().as_micros() as u64);
                    }
                    _ => wrong += 1,
                }
            }
            (latencies, wrong)
        }));
    }
    let mut latencies = Vec::new();
    let mut wrong = 0;
    for worker in workers {
        let (mut some, bad) = worker.await?;
        latencies.append(&mut some);
        wrong += bad;
    }
    let wall = started.elapsed();
    let (_, groups) = usage::thread_deltas(&threads_before, &usage::thread_ticks());
    let server_ticks: u64 = groups
        .iter()
        .filter(|(name, _)| !name.starts_with("load-client"))
        .map(|(_, ticks)| ticks)
        .sum();
    let cpu_secs = server_ticks as f64 / usage::clock_ticks();
    println!(
        "refused requests (422 number_not_allowed): {} in {:.2} s, {} in flight",
        latencies.len(),
        wall.as_secs_f64(),
        options.concurrency
    );
    println!(
        "  {:.0} requests/s; server CPU {:.1} µs per request (all non-client threads: {})",
        latencies.len() as f64 / wall.as_secs_f64(),
        cpu_secs * 1e6 / latencies.len().max(1) as f64,
        groups
            .iter()
            .filter(|(name, _)| !name.starts_with("load-client"))
            .map(|(name, ticks)| format!("{name} {ticks}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    usage::print_latency("  latency", &mut latencies);
    println!("  not 422: {wrong}");
    println!(
        "  INVITEs during the refused phase: {}",
        (trunk.count() + missing).saturating_sub(options.requests)
    );
    Ok(())
}
