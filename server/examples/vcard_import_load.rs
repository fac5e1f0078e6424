//! What a vCard import costs (issue 11 on top of issue 8's bounds): each exporter's sample, and
//! the worst a stranger may send within the caps — 1 MB of quoted-printable Shift_JIS at the
//! line cap, 1 MB of UTF-8 in one folded note, 1 MB of base64 photo — each imported many times
//! on one thread, reported as the median and worst time per import.
//!
//! `cargo run --release -p server --example vcard_import_load [rounds]`

use std::time::{Duration, Instant};

use server::cards::vcard::{self, MAX_IMPORT_BYTES, MAX_IMPORT_PROPERTIES};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let samples: [(&str, &[u8]); 9] = [
        ("ios", include_bytes!("../src/cards/vcard/samples/ios.vcf")),
        (
            "android",
            include_bytes!("../src/cards/vcard/samples/android.vcf"),
        ),
        (
            "samsung",
            include_bytes!("../src/cards/vcard/samples/samsung.vcf"),
        ),
        (
            "outlook",
            include_bytes!("../src/cards/vcard/samples/outlook.vcf"),
        ),
        (
            "gmail",
            include_bytes!("../src/cards/vcard/samples/gmail.vcf"),
        ),
        (
            "thunderbird",
            include_bytes!("../src/cards/vcard/samples/thunderbird.vcf"),
        ),
        ("kde", include_bytes!("../src/cards/vcard/samples/kde.vcf")),
        (
            "evolution",
            include_bytes!("../src/cards/vcard/samples/evolution.vcf"),
        ),
        (
            "shift_jis",
            include_bytes!("../src/cards/vcard/samples/shift_jis.vcf"),
        ),
    ];
    for (name, bytes) in samples {
        report(name, bytes, rounds * 10, true);
    }
    report(
        "1 MB quoted-printable Shift_JIS, 1,000 lines",
        &quoted_printable_flood(),
        rounds,
        true,
    );
    report("1 MB UTF-8 note, folded", &folded_note(), rounds, true);
    report("1 MB base64 photo", &photo(), rounds, true);
}

fn report(name: &str, bytes: &[u8], rounds: usize, must_import: bool) {
    assert!(bytes.len() <= MAX_IMPORT_BYTES, "{name} is over the cap");
    let result = vcard::import(bytes);
    assert_eq!(result.is_ok(), must_import, "{name}: {result:?}");
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let _ = std::hint::black_box(vcard::import(std::hint::black_box(bytes)));
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{name:<48} {:>9} bytes  median {:>9.1} µs  max {:>9.1} µs",
        bytes.len(),
        micros(times[times.len() / 2]),
        micros(times[times.len() - 1]),
    );
}

fn micros(time: Duration) -> f64 {
    time.as_secs_f64() * 1e6
}

fn framed(body: &str) -> Vec<u8> {
    format!("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Flood\r\n{body}END:VCARD\r\n").into_bytes()
}

/// NOTE lines of quoted-printable Shift_JIS (`=88=9F` is 亜), each with soft breaks every 72
/// characters, as many as the line cap allows, filling the megabyte.
fn quoted_printable_flood() -> Vec<u8> {
    let lines = MAX_IMPORT_PROPERTIES - 4;
    let per_line = (MAX_IMPORT_BYTES - 200) / lines;
    let mut body = String::new();
    for _ in 0..lines {
        let mut value = String::new();
        let mut column = 0;
        while value.len() + 8 < per_line - 60 {
            if column >= 66 {
                value.push_str("=\r\n");
                column = 0;
            }
            value.push_str("=88=9F");
            column += 6;
        }
        body.push_str(&format!(
            "NOTE;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{value}\r\n"
        ));
    }
    framed(&body)
}

/// One NOTE of Hangul, folded at 75 octets (inside characters), filling the megabyte.
fn folded_note() -> Vec<u8> {
    let text = "홍".repeat((MAX_IMPORT_BYTES - 200) / 3 - 20_000);
    let line = format!("NOTE:{text}").into_bytes();
    let mut body = Vec::new();
    for (index, chunk) in line.chunks(74).enumerate() {
        if index > 0 {
            body.extend_from_slice(b"\r\n ");
        }
        body.extend_from_slice(chunk);
    }
    body.extend_from_slice(b"\r\n");
    let mut document = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Flood\r\n".to_vec();
    document.extend(body);
    document.extend_from_slice(b"END:VCARD\r\n");
    document
}

/// A photo of base64 folded at 75, filling the megabyte: skipped, never decoded.
fn photo() -> Vec<u8> {
    let data = "QUJD".repeat((MAX_IMPORT_BYTES - 200) / 4 - 20_000);
    let mut body = String::from("PHOTO;ENCODING=BASE64;JPEG:");
    for (index, chunk) in data.as_bytes().chunks(74).enumerate() {
        if index > 0 {
            body.push_str("\r\n ");
        }
        body.push_str(std::str::from_utf8(chunk).unwrap());
    }
    body.push_str("\r\n");
    framed(&body)
}
