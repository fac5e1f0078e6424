//! How long screening a browser's SDP takes, by size and shape (issue 8; BENCHMARKS.md).
//!
//! `cargo run --release -p media-bridge --example sdp_screen`
//!
//! Prints, for offers from a plain Chromium one up to the 32 KB bound and for the hostile
//! shapes that were quadratic before (thousands of payload types, thousands of attribute
//! lines), the time per screen and per KB. Linear work shows as a flat µs/KB column.

use std::time::Instant;

use media_bridge::browser::{CandidatePolicy, SdpLimits, sdp};

const CHROMIUM_AUDIO: &str = "v=0\r\n\
o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n\
s=-\r\n\
t=0 0\r\n\
a=group:BUNDLE 0\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n\
c=IN IP4 0.0.0.0\r\n\
a=ice-ufrag:abcd\r\n\
a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n\
a=setup:actpass\r\n\
a=mid:0\r\n\
a=sendrecv\r\n\
a=rtcp-mux\r\n\
a=rtpmap:111 opus/48000/2\r\n\
a=fmtp:111 minptime=10;useinbandfec=1\r\n\
a=rtpmap:63 red/48000/2\r\n\
a=rtpmap:9 G722/8000\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:13 CN/8000\r\n\
a=rtpmap:110 telephone-event/48000\r\n\
a=rtpmap:126 telephone-event/8000\r\n\
a=candidate:1 1 udp 2122260223 198.51.99.7 50000 typ host generation 0\r\n";

fn time(name: &str, sdp: &str, limits: &SdpLimits) {
    let policy = CandidatePolicy::default();
    let iterations = 2_000;
    let verdict = match sdp::screen(sdp, limits, policy) {
        Ok(_) => "passed".to_string(),
        Err(error) => format!("refused: {error}"),
    };
    let started = Instant::now();
    for _ in 0..iterations {
        std::hint::black_box(sdp::screen(std::hint::black_box(sdp), limits, policy).ok());
    }
    let per_screen = started.elapsed().as_secs_f64() / f64::from(iterations) * 1e6;
    let kilobytes = sdp.len() as f64 / 1024.0;
    println!(
        "{name:<44} {:>8.1} KB {per_screen:>9.1} µs {:>7.2} µs/KB  {verdict}",
        kilobytes,
        per_screen / kilobytes
    );
}

fn main() {
    let limits = SdpLimits::default();
    // No bounds, to show the work itself stays linear past the default bound.
    let unbounded = SdpLimits {
        max_bytes: usize::MAX,
        max_lines: usize::MAX,
        max_line_bytes: usize::MAX,
        max_media_sections: usize::MAX,
        max_formats_per_media: usize::MAX,
        max_candidates: usize::MAX,
    };
    println!(
        "{:<44} {:>11} {:>12} {:>13}",
        "offer", "size", "per screen", "per KB"
    );
    time("Chromium audio offer", CHROMIUM_AUDIO, &limits);
    for lines in [100, 400] {
        let padded = format!(
            "{CHROMIUM_AUDIO}{}",
            "a=ssrc:1001 cname:abcdefgh\r\n".repeat(lines)
        );
        time(
            &format!("Chromium offer + {lines} attribute lines"),
            &padded,
            &limits,
        );
    }
    for formats in [1_000, 4_000, 16_000] {
        let list = vec!["0"; formats].join(" ");
        let offer = CHROMIUM_AUDIO.replacen("SAVPF 111", &format!("SAVPF {list} 111"), 1);
        time(
            &format!("{formats} payload types (unbounded)"),
            &offer,
            &unbounded,
        );
    }
    for lines in [1_000, 4_000, 16_000] {
        let offer = format!(
            "{CHROMIUM_AUDIO}{}",
            "a=rtpmap:96 x/90000\r\n".repeat(lines)
        );
        time(
            &format!("{lines} rtpmap lines (unbounded)"),
            &offer,
            &unbounded,
        );
    }
    let megabyte = "a".repeat(1 << 20);
    time("1 MB body (default bounds)", &megabyte, &limits);
}
