//! The plain-text report of a run, ending with one Markdown table row for BENCHMARKS.md.

use std::collections::BTreeMap;
use std::process::ExitStatus;
use std::time::Duration;

use super::probe::EchoStats;
use super::usage::percentile;
use super::{Options, Outcome};

fn ms(micros: u64) -> f64 {
    micros as f64 / 1_000.0
}

/// p50 and p99 of durations, in ms, with how many samples there were.
fn spread(samples: impl Iterator<Item = Option<Duration>>) -> (f64, f64, usize) {
    let mut micros: Vec<u64> = samples.flatten().map(|d| d.as_micros() as u64).collect();
    let count = micros.len();
    (
        ms(percentile(&mut micros, 0.50)),
        ms(percentile(&mut micros, 0.99)),
        count,
    )
}

/// p50, p99 and max RTT of an echo, in ms.
fn rtt(stats: &mut EchoStats) -> (f64, f64, f64) {
    (
        ms(percentile(&mut stats.rtt_us, 0.50)),
        ms(percentile(&mut stats.rtt_us, 0.99)),
        ms(stats.rtt_us.iter().copied().max().unwrap_or(0)),
    )
}

fn echo_line(label: &str, stats: &mut EchoStats) -> (f64, f64) {
    let (p50, p99, max) = rtt(stats);
    println!(
        "{label:<44} sent {:>8}  received {:>8}  loss {:>6.3} %  RTT p50 {p50:>6.2} ms  p99 {p99:>6.2} ms  max {max:>7.2} ms",
        stats.sent,
        stats.received,
        stats.loss_percent()
    );
    (p50, p99)
}

pub fn print(
    options: &Options,
    outcome: &Outcome,
    sipp_status: Option<ExitStatus>,
    sipp_errors: &str,
) {
    let calls = &outcome.calls;
    println!();
    println!(
        "call_load: {} calls, {} s steady state (measured {:.1} s), ramp {} calls/s, {}, {} cores",
        options.calls,
        options.seconds,
        outcome.steady.as_secs_f64(),
        options.ramp_per_sec,
        options.backend,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let mut causes: BTreeMap<&str, usize> = BTreeMap::new();
    for call in calls {
        *causes.entry(call.end_cause.as_str()).or_default() += 1;
    }
    let errors: Vec<&str> = calls.iter().filter_map(|c| c.error.as_deref()).collect();
    println!(
        "calls connected: {} of {} in {:.1} s; ended with {causes:?}; errors: {}",
        outcome.connected,
        options.calls,
        outcome.setup_wall.as_secs_f64(),
        errors.len()
    );
    for error in errors.iter().take(5) {
        println!("  error: {error}");
    }

    let mut bridged = EchoStats::default();
    let mut foreign = 0;
    for call in calls {
        foreign += call.foreign;
        bridged.merge(call.echo.clone());
    }
    let lossy_calls = calls
        .iter()
        .filter(|c| c.echo.received < c.echo.sent)
        .count();
    println!();
    let (bridge_p50, bridge_p99) = echo_line("through the bridge (webrtc-rs caller)", &mut bridged);
    println!(
        "{:<44} duplicates {}, packets not ours {foreign}, calls with loss {lossy_calls}",
        "", bridged.duplicates
    );
    let mut idle = outcome.direct_idle.clone();
    let (idle_p50, idle_p99) = echo_line(
        &format!("direct to SIPp, {} UDP streams, before", options.calls),
        &mut idle,
    );
    let mut loaded = outcome.direct_loaded.clone();
    let (loaded_p50, loaded_p99) =
        echo_line("direct to SIPp, 1 UDP stream, during load", &mut loaded);
    let (added_p50, added_p99) = (bridge_p50 - loaded_p50, bridge_p99 - loaded_p99);
    println!(
        "added round trip (bridge − direct during load): p50 {added_p50:.2} ms  p99 {added_p99:.2} ms  \
         (per direction ≈ half: {:.2} / {:.2} ms); vs direct before: p50 {:.2} ms p99 {:.2} ms",
        added_p50 / 2.0,
        added_p99 / 2.0,
        bridge_p50 - idle_p50,
        bridge_p99 - idle_p99,
    );

    println!();
    let answer = spread(calls.iter().map(|c| c.post_to_answer));
    let ringing = spread(calls.iter().map(|c| c.post_to_ringing));
    let to_connected = spread(calls.iter().map(|c| c.ringing_to_connected));
    let whole = spread(calls.iter().map(|c| c.post_to_connected));
    for (label, (p50, p99, count)) in [
        ("POST → 201 (answer SDP)", answer),
        ("POST → `ringing` on SSE", ringing),
        ("`ringing` → `connected` on SSE", to_connected),
        ("POST → `connected` on SSE", whole),
    ] {
        println!("{label:<34} p50 {p50:>8.1} ms  p99 {p99:>8.1} ms  ({count} calls)");
    }

    println!();
    let seconds = outcome.steady.as_secs_f64();
    let cpu = |ticks: u64| ticks as f64 / outcome.clock_ticks;
    let total: u64 = outcome.groups.iter().map(|(_, t)| t).sum();
    let server: u64 = outcome
        .groups
        .iter()
        .filter(|(name, _)| name.starts_with("bridge-server") || name.starts_with("sqlx"))
        .map(|(_, t)| t)
        .sum();
    let connected = outcome.connected.max(1) as f64;
    println!(
        "CPU in the steady state ({seconds:.1} s): this process {:.1} s ({:.0} % of one core), \
         of which server (bridge-server + sqlx threads) {:.1} s ({:.0} %)",
        cpu(total),
        cpu(total) * 100.0 / seconds,
        cpu(server),
        cpu(server) * 100.0 / seconds,
    );
    println!(
        "  by thread group: {}",
        outcome
            .groups
            .iter()
            .filter(|(_, t)| *t > 0)
            .map(|(name, t)| format!("{name} {:.1} s", cpu(*t)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "  busiest threads: {}",
        outcome
            .threads
            .iter()
            .take(6)
            .map(|(name, t)| format!("{name} {:.1} s", cpu(*t)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(ticks) = outcome.sipp_ticks {
        println!(
            "  SIPp (separate process): {:.1} s ({:.0} %)",
            cpu(ticks),
            cpu(ticks) * 100.0 / seconds
        );
    }
    if let Some((busy, all)) = outcome.machine_ticks {
        let others = busy.saturating_sub(total + outcome.sipp_ticks.unwrap_or(0));
        println!(
            "  whole machine: {:.0} % busy of {:.0} cores; processes other than this one and SIPp: {:.1} s ({:.0} % of one core)",
            busy as f64 * 100.0 / all.max(1) as f64,
            all as f64 / outcome.clock_ticks / seconds,
            cpu(others),
            cpu(others) * 100.0 / seconds
        );
    }
    let per_call_minute = |ticks: u64| cpu(ticks) / connected / (seconds / 60.0);
    println!(
        "CPU seconds per call per minute: server {:.3}, whole process (server + callers) {:.3}",
        per_call_minute(server),
        per_call_minute(total)
    );
    let rss_per_call = outcome
        .rss_steady_kib
        .saturating_sub(outcome.rss_before_kib) as f64
        / connected;
    println!(
        "RSS: {} MiB before the calls, {} MiB in the steady state: {rss_per_call:.0} KiB per call \
         (server and caller legs together)",
        outcome.rss_before_kib / 1024,
        outcome.rss_steady_kib / 1024
    );
    println!(
        "SIPp: {}",
        match sipp_status {
            Some(status) if status.success() => "every call ran its scenario to the end".into(),
            Some(status) => format!("exited with {status}"),
            None => "still running after the calls; killed".into(),
        }
    );
    for line in sipp_errors.lines().filter(|l| !l.trim().is_empty()).take(5) {
        println!("  sipp: {line}");
    }

    println!();
    println!(
        "| N | s | sent | received | loss | RTT bridge p50/p99 | direct p50/p99 | added p50/p99 | POST→ringing p50/p99 | ringing→connected p50/p99 | server CPU s/call/min | RSS/call |"
    );
    println!(
        "| {} | {} | {} | {} | {:.3} % | {bridge_p50:.2} / {bridge_p99:.2} ms | {loaded_p50:.2} / {loaded_p99:.2} ms | {added_p50:.2} / {added_p99:.2} ms | {:.0} / {:.0} ms | {:.0} / {:.0} ms | {:.3} | {rss_per_call:.0} KiB |",
        outcome.connected,
        options.seconds,
        bridged.sent,
        bridged.received,
        bridged.loss_percent(),
        ringing.0,
        ringing.1,
        to_connected.0,
        to_connected.1,
        per_call_minute(server),
    );
}
