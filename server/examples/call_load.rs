//! Load test of the media bridge (issue 4 floor: ≥ 100 concurrent browser calls, 0 % loss,
//! p99 added latency ≤ 5 ms). The real server runs in-process over a fresh database with a
//! SIPp trunk on loopback (`server/tests/sipp/accept_with_1.xml` + `-rtp_echo`: answers,
//! presses 1, echoes RTP). N webrtc-rs callers each POST an offer, follow the call's SSE
//! states, and once `connected` send a 20 ms PCMU packet every 20 ms (160 bytes: call id u16,
//! sequence u32, send time u64 ns, then μ-law silence) and time the echo that comes back
//! through the bridge. Plain UDP senders to SIPp's echo port give the RTT without the bridge.
//!
//!     cargo run --release -p server --example call_load -- --calls 100 --seconds 60
//!
//! Options: `--calls N` (50), `--seconds S` of steady state with every call up (20),
//! `--ramp R` new calls per second while setting up (25), `--backend sqlite|postgres`.
//!
//! The server and the callers run on two separate tokio runtimes in this process (threads
//! `bridge-server` and `load-client`, two workers each), so /proc per-thread CPU time tells
//! the bridge's share from the load generator's. Loopback only; bounded by N and S.

mod common;
#[path = "common/calling.rs"]
mod load_app;
#[path = "common/sipp_trunk.rs"]
mod sipp_trunk;
#[path = "common/usage.rs"]
#[allow(dead_code)]
mod usage;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use media_bridge::browser::{BrowserEvent, BrowserLeg, BrowserLegConfig};
use serde_json::{Value, json};
use server::calls::rates::LegClass;
use tokio::sync::{mpsc, watch};

#[path = "call_load/probe.rs"]
mod probe;
#[path = "call_load/report.rs"]
mod report;

use probe::{EchoStats, Payload};

struct Options {
    calls: usize,
    seconds: u64,
    ramp_per_sec: f64,
    backend: String,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        calls: 50,
        seconds: 20,
        ramp_per_sec: 25.0,
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
        options.calls >= 1 && options.calls <= 60_000,
        "--calls 1..=60000"
    );
    anyhow::ensure!(options.ramp_per_sec > 0.0, "--ramp must be positive");
    Ok(options)
}

fn main() -> anyhow::Result<()> {
    let options = options()?;
    let server_runtime = common::runtime("bridge-server")?;
    let client_runtime = common::runtime("load-client")?;
    let mut trunk = sipp_trunk::SippTrunk::start(options.calls)?;
    let database = server_runtime.block_on(common::FreshDatabase::create(&options.backend))?;
    let (address, state) = server_runtime.block_on(load_app::start(
        &database,
        trunk.sip.port(),
        &[
            load_app::rate(LegClass::Internet, "", 0),
            load_app::rate(LegClass::Mobile, "82", 60),
        ],
        (options.calls * 2 + 10) as u32,
        240,
    ))?;
    let outcome = client_runtime.block_on(run(&options, address, &trunk));
    // SIPp exits by itself after its N calls; give it the time to see the last BYEs.
    let sipp_status = trunk.finish(Duration::from_secs(10));
    let sipp_errors = trunk.errors();
    client_runtime.shutdown_timeout(Duration::from_secs(2));
    server_runtime.block_on(async move {
        drop(state);
        database.remove().await
    })?;
    server_runtime.shutdown_timeout(Duration::from_secs(2));
    let outcome = outcome?;
    report::print(&options, &outcome, sipp_status, &sipp_errors);
    Ok(())
}

/// What one call measured.
#[derive(Default)]
pub struct CallResult {
    pub error: Option<String>,
    /// POST sent → 201 with the answer SDP.
    pub post_to_answer: Option<Duration>,
    /// POST sent → `ringing` seen on SSE (None when the state was never seen).
    pub post_to_ringing: Option<Duration>,
    /// `ringing` → `connected`, both as seen on SSE.
    pub ringing_to_connected: Option<Duration>,
    /// POST sent → `connected`.
    pub post_to_connected: Option<Duration>,
    pub echo: EchoStats,
    /// Audio packets that did not carry our marking (prompts, garbled).
    pub foreign: u64,
    pub end_cause: String,
}

/// Everything a run measured.
pub struct Outcome {
    pub calls: Vec<CallResult>,
    pub connected: usize,
    pub setup_wall: Duration,
    pub steady: Duration,
    /// Direct echo with N plain UDP streams before any call (machine otherwise idle).
    pub direct_idle: EchoStats,
    /// One plain UDP stream during the steady state: SIPp's echo under the same load.
    pub direct_loaded: EchoStats,
    pub threads: Vec<(String, u64)>,
    pub groups: Vec<(String, u64)>,
    pub sipp_ticks: Option<u64>,
    /// The whole machine over the steady state: (busy, total) ticks summed over all cores.
    pub machine_ticks: Option<(u64, u64)>,
    pub clock_ticks: f64,
    pub rss_before_kib: u64,
    pub rss_steady_kib: u64,
}

async fn run(
    options: &Options,
    address: String,
    trunk: &sipp_trunk::SippTrunk,
) -> anyhow::Result<Outcome> {
    let epoch = Instant::now();
    let idle_seconds = options.seconds.clamp(5, 10);
    eprintln!(
        "direct echo baseline: {} UDP streams for {idle_seconds} s",
        options.calls
    );
    let direct_idle = probe::direct_echo(
        trunk.media,
        options.calls,
        Duration::from_secs(idle_seconds),
        epoch,
    )
    .await?;
    let rss_before_kib = usage::rss_kib();
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .build()?;
    let (stop_sender, stop) = watch::channel(None::<Instant>);
    let (connected_sender, mut connected_reports) = mpsc::unbounded_channel::<bool>();
    let context = Arc::new(CallContext {
        client,
        address,
        epoch,
    });
    eprintln!(
        "placing {} calls at {} calls/s",
        options.calls, options.ramp_per_sec
    );
    let setup_started = Instant::now();
    let mut tasks = Vec::with_capacity(options.calls);
    for id in 0..options.calls {
        let (context, stop, connected) =
            (Arc::clone(&context), stop.clone(), connected_sender.clone());
        tasks.push(tokio::spawn(async move {
            one_call(id as u16, &context, stop, connected).await
        }));
        tokio::time::sleep(Duration::from_secs_f64(1.0 / options.ramp_per_sec)).await;
    }
    drop(connected_sender);
    let mut connected = 0;
    let mut reported = 0;
    let setup_deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while reported < options.calls {
        match tokio::time::timeout_at(setup_deadline, connected_reports.recv()).await {
            Ok(Some(up)) => {
                reported += 1;
                connected += usize::from(up);
            }
            Ok(None) | Err(_) => break,
        }
    }
    let setup_wall = setup_started.elapsed();
    eprintln!(
        "{connected} of {} calls connected in {:.1} s; steady state for {} s",
        options.calls,
        setup_wall.as_secs_f64(),
        options.seconds
    );

    let steady = Duration::from_secs(options.seconds);
    let threads_before = usage::thread_ticks();
    let sipp_before = trunk.pid().and_then(usage::process_ticks);
    let machine_before = usage::machine_ticks();
    let steady_started = Instant::now();
    let _ = stop_sender.send(Some(steady_started + steady));
    let direct_loaded = tokio::spawn(probe::direct_echo(trunk.media, 1, steady, epoch));
    tokio::time::sleep(steady).await;
    let rss_steady_kib = usage::rss_kib();
    let threads_after = usage::thread_ticks();
    let sipp_after = trunk.pid().and_then(usage::process_ticks);
    let machine_after = usage::machine_ticks();
    let steady = steady_started.elapsed();
    let direct_loaded = direct_loaded.await??;
    let (threads, groups) = usage::thread_deltas(&threads_before, &threads_after);

    let mut calls = Vec::with_capacity(tasks.len());
    for task in tasks {
        calls.push(task.await.unwrap_or_else(|error| CallResult {
            error: Some(format!("task: {error}")),
            ..CallResult::default()
        }));
    }
    Ok(Outcome {
        calls,
        connected,
        setup_wall,
        steady,
        direct_idle,
        direct_loaded,
        threads,
        groups,
        sipp_ticks: sipp_before.zip(sipp_after).map(|(b, a)| a - b),
        machine_ticks: machine_before
            .zip(machine_after)
            .map(|((busy_b, total_b), (busy_a, total_a))| (busy_a - busy_b, total_a - total_b)),
        clock_ticks: usage::clock_ticks(),
        rss_before_kib,
        rss_steady_kib,
    })
}

struct CallContext {
    client: reqwest::Client,
    address: String,
    epoch: Instant,
}

/// One caller: offer, POST, follow the states to `connected`, send and time the echo until
/// `stop` says when, wait a second for the last echoes, hang up.
async fn one_call(
    id: u16,
    context: &CallContext,
    mut stop: watch::Receiver<Option<Instant>>,
    connected: mpsc::UnboundedSender<bool>,
) -> CallResult {
    let mut result = CallResult::default();
    let mut reported = false;
    if let Err(error) = call_body(
        id,
        context,
        &mut stop,
        &connected,
        &mut reported,
        &mut result,
    )
    .await
    {
        result.error = Some(format!("{error:#}"));
    }
    if !reported {
        let _ = connected.send(false);
    }
    result
}

async fn call_body(
    id: u16,
    context: &CallContext,
    stop: &mut watch::Receiver<Option<Instant>>,
    connected: &mpsc::UnboundedSender<bool>,
    reported: &mut bool,
    result: &mut CallResult,
) -> anyhow::Result<()> {
    let config = BrowserLegConfig {
        udp_addrs: vec![std::net::SocketAddr::from(([127, 0, 0, 1], 0))],
        include_loopback_candidate: true,
        ..BrowserLegConfig::default()
    };
    let (mut leg, offer) = BrowserLeg::offer(&config).await?;
    let posted = Instant::now();
    let response = context
        .client
        .post(format!("{}/api/cards/load/calls", context.address))
        .json(&json!({ "offer_sdp": offer, "lang": "en" }))
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == 201,
        "POST answered {}",
        response.status()
    );
    let started: Value = response.json().await?;
    result.post_to_answer = Some(posted.elapsed());
    let answer = BrowserLegConfig::loopback()
        .screen(started["answer_sdp"].as_str().context("answer_sdp")?)?;
    leg.accept_answer(&answer).await?;
    let call = started["call"].as_str().context("call")?.to_string();
    let mut states = follow(&context.client, &context.address, &call).await?;

    let mut ringing_at = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (at, state) = tokio::time::timeout_at(deadline, states.recv())
            .await
            .context("no `connected` within 60 s")?
            .context("the events ended before `connected`")?;
        match state["state"].as_str() {
            Some("ringing") => {
                ringing_at = Some(at);
                result.post_to_ringing = Some(at - posted);
            }
            Some("connected") => {
                result.post_to_connected = Some(at - posted);
                result.ringing_to_connected = ringing_at.map(|ringing| at - ringing);
                break;
            }
            Some("ended") => anyhow::bail!("ended before `connected`: {state}"),
            _ => {}
        }
    }
    *reported = true;
    let _ = connected.send(true);

    // Whatever the bridge sent before `connected` (none of our packets) is not counted.
    while leg.events().try_recv().is_ok() {}
    let mut payload = Payload::new(id, context.epoch);
    let mut ticker = tokio::time::interval(Duration::from_millis(20));
    let stop_sending = loop {
        tokio::select! {
            _ = ticker.tick() => {
                if let Some(stop_at) = *stop.borrow()
                    && Instant::now() >= stop_at
                {
                    break stop_at;
                }
                leg.send_audio(&payload.next(&mut result.echo), 160).await?;
            }
            event = leg.next_event() => match event {
                Some(BrowserEvent::Audio { payload: echoed, .. }) => {
                    if !payload.receive(&echoed, &mut result.echo) {
                        result.foreign += 1;
                    }
                }
                Some(BrowserEvent::Failed | BrowserEvent::Closed) | None => {
                    anyhow::bail!("the caller's leg failed or closed while talking")
                }
                Some(_) => {}
            },
            changed = stop.changed(), if stop.borrow().is_none() => {
                changed?;
            }
        }
    };
    // The last echoes: a second after the last packet is far more than any RTT seen.
    let grace = tokio::time::Instant::from_std(stop_sending + Duration::from_secs(1));
    while let Ok(Some(event)) = tokio::time::timeout_at(grace, leg.next_event()).await {
        if let BrowserEvent::Audio {
            payload: echoed, ..
        } = event
            && !payload.receive(&echoed, &mut result.echo)
        {
            result.foreign += 1;
        }
    }
    context
        .client
        .post(format!("{}/api/calls/live/{call}/hangup", context.address))
        .send()
        .await?;
    let ended = tokio::time::Instant::now() + Duration::from_secs(10);
    while let Ok(Some((_, state))) = tokio::time::timeout_at(ended, states.recv()).await {
        if state["state"] == "ended" {
            result.end_cause = state["cause"].as_str().unwrap_or("?").to_string();
            break;
        }
    }
    leg.close().await?;
    Ok(())
}

/// The call's Server-Sent Events, each with the moment it was read.
async fn follow(
    client: &reqwest::Client,
    address: &str,
    call: &str,
) -> anyhow::Result<mpsc::UnboundedReceiver<(Instant, Value)>> {
    let mut response = client
        .get(format!("{address}/api/calls/live/{call}/events"))
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == 200,
        "events answered {}",
        response.status()
    );
    let (sender, states) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut buffer = String::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            let at = Instant::now();
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                for line in event.lines() {
                    if let Some(data) = line.strip_prefix("data:")
                        && let Ok(value) = serde_json::from_str(data.trim())
                    {
                        let _ = sender.send((at, value));
                    }
                }
            }
        }
    });
    Ok(states)
}
