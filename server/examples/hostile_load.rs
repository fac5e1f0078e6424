//! `/healthz` under a flood of hostile requests (issue 8): while C clients send, as fast as they
//! can, the most expensive things a stranger may send — the largest SDP offers the call route
//! accepts, log-ins that must be hashed and sign-ups (hashed and stored) — one probe asks
//! `/healthz` every 50 ms and records how long it took. The process's resident memory is read
//! before and after, and its peak (`VmHWM`): password hashing holds ~19 MiB a slot. Every flood request claims a new client address (`X-Forwarded-For`
//! behind a trusted 127.0.0.1), as a distributed attacker would, so the per-address limits
//! do not help and the bounded pools (`heavy.rs`) and per-card limits must.
//!
//!     cargo run --release -p server --example hostile_load -- [CLIENTS] [SECONDS]
//!
//! SQLite in a temporary directory; loopback only; bounded by SECONDS.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use server::config::Settings;
use server::startup::AppState;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let clients: usize = args.first().map(|n| n.parse()).transpose()?.unwrap_or(32);
    let seconds: u64 = args.get(1).map(|n| n.parse()).transpose()?.unwrap_or(20);
    let server_runtime = common::runtime("server")?;
    let client_runtime = common::runtime("flood")?;
    let database = server_runtime.block_on(common::FreshDatabase::create("sqlite"))?;
    let (address, state) = server_runtime.block_on(start_app(&database))?;

    let idle = client_runtime.block_on(probe(&address, Duration::from_secs(3)));
    let memory_before = memory();
    let statuses = Arc::new(Mutex::new(BTreeMap::<String, usize>::new()));
    let flooding = client_runtime.block_on(async {
        let stop = Instant::now() + Duration::from_secs(seconds);
        let floods: Vec<_> = (0..clients)
            .map(|client| tokio::spawn(flood(address.clone(), client, stop, statuses.clone())))
            .collect();
        let latencies = probe(&address, Duration::from_secs(seconds)).await;
        for flood in floods {
            let _ = flood.await;
        }
        latencies
    });
    client_runtime.shutdown_timeout(Duration::from_secs(2));
    let memory_after = memory();
    server_runtime.block_on(async move {
        drop(state);
        database.remove().await
    })?;
    server_runtime.shutdown_timeout(Duration::from_secs(2));

    println!("/healthz latency, {clients} hostile clients for {seconds} s (release, SQLite):");
    report("idle", &idle);
    report("under the flood", &flooding);
    println!(
        "memory (server and flood in one process): resident {} before, {} after, peak {}",
        memory_before.0, memory_after.0, memory_after.1
    );
    println!("flood responses by route and status:");
    for (key, count) in statuses.lock().unwrap().iter() {
        println!("  {key}: {count}");
    }
    Ok(())
}

/// The demo installation (its card `hong-gildong`), behind a trusted proxy at 127.0.0.1.
async fn start_app(database: &common::FreshDatabase) -> anyhow::Result<(String, AppState)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let url = database.url.clone();
    let settings = Settings::from_env_map(|key| match key {
        "DATABASE_URL" => Some(url.clone()),
        "CALLCARD_DATA_DIR" => Some(database.dir().display().to_string()),
        "CALLCARD_PUBLIC_URL" => Some(address.clone()),
        "CALLCARD_TRUSTED_PROXIES" => Some("127.0.0.1".into()),
        _ => None,
    })?;
    let db = server::db::connect_and_migrate(&settings).await?;
    let mut state = AppState::new(db, settings);
    server::seed::seed_if_empty(&state).await?;
    state.start_calling().await?;
    tokio::spawn(server::startup::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    Ok((address, state))
}

/// The largest offer the call route screens: 500 attribute lines of 60 bytes (≈ 31 KB).
fn largest_offer() -> String {
    let mut offer = String::from(
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n\
         c=IN IP4 0.0.0.0\r\na=rtpmap:0 PCMU/8000\r\n",
    );
    for line in 0..490 {
        offer.push_str(&format!("a=x-filler-{line:04}:{}\r\n", "y".repeat(40)));
    }
    offer
}

/// One hostile client until `stop`: a largest offer, then a log-in that must be hashed, again
/// and again, each from an address of its own.
async fn flood(
    address: String,
    client: usize,
    stop: Instant,
    statuses: Arc<Mutex<BTreeMap<String, usize>>>,
) {
    let http = reqwest::Client::new();
    let offer = largest_offer();
    let mut round = 0u32;
    while Instant::now() < stop {
        round += 1;
        let from = format!("10.{}.{}.{}", client % 250, round / 250 % 250, round % 250);
        let call = http
            .post(format!("{address}/api/cards/hong-gildong/calls"))
            .header("x-forwarded-for", &from)
            .json(&json!({ "offer_sdp": offer, "lang": "en" }))
            .send()
            .await;
        let log_in = http
            .post(format!("{address}/api/auth/login"))
            .header("x-forwarded-for", &from)
            .header("origin", &address)
            .json(&json!({
                "email": format!("nobody{client}x{round}@example.com"),
                "password": "not the password at all",
            }))
            .send()
            .await;
        let sign_up = http
            .post(format!("{address}/api/auth/signup"))
            .header("x-forwarded-for", &from)
            .header("origin", &address)
            .json(&json!({
                "email": format!("flood{client}x{round}@example.com"),
                "display_name": "Flood",
                "password": "a long enough password",
            }))
            .send()
            .await;
        let mut statuses = statuses.lock().unwrap();
        for (route, response) in [("call", call), ("log-in", log_in), ("sign-up", sign_up)] {
            let status = response.map_or("error".to_string(), |r| r.status().as_str().to_string());
            *statuses.entry(format!("{route} {status}")).or_default() += 1;
        }
    }
}

/// This process's resident memory now and at its peak, from `/proc/self/status`.
fn memory() -> (String, String) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map_or("?".to_string(), |value| value.trim().to_string())
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// `/healthz` every 50 ms for `period`; each answer's time.
async fn probe(address: &str, period: Duration) -> Vec<Duration> {
    let http = reqwest::Client::new();
    let stop = Instant::now() + period;
    let mut latencies = Vec::new();
    while Instant::now() < stop {
        let began = Instant::now();
        let answered = http.get(format!("{address}/healthz")).send().await;
        if answered.is_ok_and(|r| r.status().is_success()) {
            latencies.push(began.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    latencies
}

fn report(label: &str, latencies: &[Duration]) {
    let mut sorted = latencies.to_vec();
    sorted.sort();
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
    if sorted.is_empty() {
        println!("  {label}: no answer at all");
        return;
    }
    println!(
        "  {label}: {} probes, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        sorted.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        sorted[sorted.len() - 1].as_secs_f64() * 1e3
    );
}
