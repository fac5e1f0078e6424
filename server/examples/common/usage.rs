//! CPU time and memory of this process (per thread) and of a child process, read from /proc,
//! and percentiles of latency samples.

use std::collections::BTreeMap;

/// Scheduler ticks per second (`getconf CLK_TCK`; 100 on Linux unless the kernel says
/// otherwise).
pub fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

/// `(name, utime + stime in ticks)` from a `/proc/.../stat` line.
fn parse_stat(text: &str) -> Option<(String, u64)> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = text[open + 1..close].to_string();
    // Fields after the name start at field 3 (state); utime is field 14, stime 15.
    let fields: Vec<&str> = text[close + 2..].split_whitespace().collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some((name, user + system))
}

/// CPU ticks used so far by a whole process.
pub fn process_ticks(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat(&text).map(|(_, ticks)| ticks)
}

/// CPU ticks used so far by each of our threads: thread id → (name, ticks).
pub fn thread_ticks() -> BTreeMap<u32, (String, u64)> {
    let mut threads = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir("/proc/self/task") else {
        return threads;
    };
    for entry in entries.flatten() {
        let Some(tid) = entry.file_name().to_str().and_then(|t| t.parse().ok()) else {
            continue;
        };
        if let Some(stat) = std::fs::read_to_string(entry.path().join("stat"))
            .ok()
            .and_then(|text| parse_stat(&text))
        {
            threads.insert(tid, stat);
        }
    }
    threads
}

/// `(name, ticks)` pairs, busiest first.
pub type TicksByName = Vec<(String, u64)>;

/// Ticks each thread spent between two readings, busiest first, and the same summed by
/// thread name with trailing digits removed (`sqlx-sqlite-worker-3` → `sqlx-sqlite-worker`).
pub fn thread_deltas(
    before: &BTreeMap<u32, (String, u64)>,
    after: &BTreeMap<u32, (String, u64)>,
) -> (TicksByName, TicksByName) {
    let mut threads: Vec<(String, u64)> = after
        .iter()
        .map(|(tid, (name, ticks))| {
            let earlier = before.get(tid).map_or(0, |(_, ticks)| *ticks);
            (format!("{name} [{tid}]"), ticks - earlier.min(*ticks))
        })
        .collect();
    let mut groups: BTreeMap<String, u64> = BTreeMap::new();
    for (tid, (name, ticks)) in after {
        let earlier = before.get(tid).map_or(0, |(_, ticks)| *ticks);
        let group = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
        *groups.entry(group.to_string()).or_default() += ticks - earlier.min(*ticks);
    }
    threads.sort_by_key(|(_, ticks)| std::cmp::Reverse(*ticks));
    let mut groups: Vec<(String, u64)> = groups.into_iter().collect();
    groups.sort_by_key(|(_, ticks)| std::cmp::Reverse(*ticks));
    (threads, groups)
}

/// This process's resident set size in KiB (`VmRSS`).
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

/// The `p`-quantile (0..=1) of `samples` (sorted here), in the samples' unit; 0 when empty.
pub fn percentile(samples: &mut [u64], p: f64) -> u64 {
    if samples.is_empty() {
        return 0;
    }
    samples.sort_unstable();
    let index = ((samples.len() as f64 * p) as usize).min(samples.len() - 1);
    samples[index]
}

/// Prints the latency of `samples` (µs) as p50/p90/p99/max in ms.
pub fn print_latency(label: &str, samples: &mut [u64]) {
    let ms = |micros: u64| micros as f64 / 1000.0;
    println!(
        "{label}: p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms (n = {})",
        ms(percentile(samples, 0.50)),
        ms(percentile(samples, 0.90)),
        ms(percentile(samples, 0.99)),
        ms(samples.iter().copied().max().unwrap_or(0)),
        samples.len()
    );
}

/// Ticks the whole machine has been busy and in total, summed over every core (`/proc/stat`).
pub fn machine_ticks() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = text
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|field| field.parse().ok())
        .collect();
    let total: u64 = fields.iter().take(8).sum();
    // idle and iowait
    let idle = fields.get(3)? + fields.get(4)?;
    Some((total - idle, total))
}
