use super::*;
use proptest::prelude::*;

const PUBLIC_ONLY: CandidatePolicy = CandidatePolicy {
    allow_loopback: false,
    allow_private: false,
};

/// A Chromium audio offer as it arrives, with its candidates (issue 8 regression base).
fn chromium_offer(candidates: &[&str]) -> String {
    let mut offer = String::from(
        "v=0\r\n\
o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n\
s=-\r\n\
t=0 0\r\n\
a=group:BUNDLE 0\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n\
c=IN IP4 0.0.0.0\r\n\
a=ice-ufrag:abcd\r\n\
a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n\
a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n\
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
a=rtpmap:126 telephone-event/8000\r\n",
    );
    for candidate in candidates {
        offer.push_str(&format!("a=candidate:{candidate}\r\n"));
    }
    offer
}

fn candidate(address: &str, port: u16) -> String {
    format!("1 1 udp 2122260223 {address} {port} typ host generation 0")
}

fn kept_candidates(screened: &ScreenedSdp) -> Vec<String> {
    screened
        .as_str()
        .lines()
        .filter_map(|line| line.strip_prefix("a=candidate:"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_chromium_offer_passes_with_its_public_candidate() {
    let public = candidate("198.51.99.7", 50_000);
    let screened = screen(
        &chromium_offer(&[&public]),
        &SdpLimits::default(),
        PUBLIC_ONLY,
    )
    .unwrap();
    assert_eq!(kept_candidates(&screened), vec![public]);
    assert_eq!(screened.dropped_candidates(), 0);
    assert_eq!(screened.formats().codecs, vec![Codec::Pcmu, Codec::Pcma]);
    assert_eq!(screened.formats().telephone_event, Some(126));
    assert!(!screened.as_str().contains("telephone-event/48000"));
}

#[test]
fn an_offer_over_the_byte_limit_is_refused_before_it_is_read() {
    // One line of a megabyte: no line of it is looked at, the size alone refuses it.
    let huge = "a".repeat(1 << 20);
    assert_eq!(
        screen(&huge, &SdpLimits::default(), PUBLIC_ONLY),
        Err(BrowserSdpError::OverLimit {
            limit: SdpLimit::Bytes,
            max: 32 * 1024
        })
    );
}

#[test]
fn each_bound_is_named_in_its_refusal() {
    let limits = SdpLimits {
        max_bytes: 1 << 20,
        ..SdpLimits::default()
    };
    let refused = |sdp: String| match screen(&sdp, &limits, PUBLIC_ONLY) {
        Err(BrowserSdpError::OverLimit { limit, .. }) => limit,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let many_lines = chromium_offer(&[]) + &"a=x\r\n".repeat(600);
    assert_eq!(refused(many_lines), SdpLimit::Lines);
    let long_line = chromium_offer(&[]) + &format!("a=x:{}\r\n", "y".repeat(2000));
    assert_eq!(refused(long_line), SdpLimit::LineBytes);
    let many_sections = chromium_offer(&[]) + &"m=video 9 RTP/AVP 96\r\n".repeat(8);
    assert_eq!(refused(many_sections), SdpLimit::MediaSections);
    let formats = (0..70)
        .map(|pt| pt.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let many_formats = format!("v=0\r\nm=audio 9 RTP/AVP {formats}\r\n");
    assert_eq!(refused(many_formats), SdpLimit::FormatsPerMedia);
    let candidates: Vec<String> = (0..25)
        .map(|index| candidate("198.51.99.7", 50_000 + index))
        .collect();
    let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
    assert_eq!(refused(chromium_offer(&candidates)), SdpLimit::Candidates);
}

#[test]
fn the_refusal_reads_as_a_sentence() {
    let error = BrowserSdpError::OverLimit {
        limit: SdpLimit::Candidates,
        max: 24,
    };
    assert_eq!(error.to_string(), "the SDP has more than 24 ICE candidates");
}

#[test]
fn candidates_the_server_must_not_reach_are_dropped() {
    let never = [
        candidate("10.0.0.5", 50_000),
        candidate("192.168.1.5", 50_000),
        candidate("172.16.0.1", 50_000),
        candidate("100.64.0.1", 50_000),
        candidate("169.254.1.1", 50_000),
        candidate("127.0.0.1", 50_000),
        candidate("224.0.0.1", 50_000),
        candidate("255.255.255.255", 50_000),
        candidate("0.0.0.0", 50_000),
        candidate("198.51.100.1", 50_000),
        candidate("::1", 50_000),
        candidate("fe80::1", 50_000),
        candidate("fd00::1", 50_000),
        candidate("ff02::1", 50_000),
        candidate("::ffff:127.0.0.1", 50_000),
        candidate("5f0e6b5e-9f1c-4c1b-8c3a-1a2b3c4d5e6f.local", 50_000),
        candidate("198.51.99.7", 53),
        "1 1 tcp 1518280447 198.51.99.7 9 typ host tcptype active".to_owned(),
        "garbage".to_owned(),
    ];
    let public = [
        candidate("198.51.99.7", 50_000),
        candidate("2a00:1450:4001::5", 50_001),
    ];
    let all: Vec<&str> = never.iter().chain(&public).map(String::as_str).collect();
    let screened = screen(&chromium_offer(&all), &SdpLimits::default(), PUBLIC_ONLY).unwrap();
    assert_eq!(kept_candidates(&screened), public.to_vec());
    assert_eq!(screened.dropped_candidates(), never.len());
}

#[test]
fn an_installation_on_loopback_or_a_private_network_may_allow_those() {
    let offer = chromium_offer(&[
        &candidate("127.0.0.1", 50_000),
        &candidate("192.168.1.5", 50_000),
        &candidate("224.0.0.1", 50_000),
    ]);
    let loopback = CandidatePolicy {
        allow_loopback: true,
        allow_private: false,
    };
    let screened = screen(&offer, &SdpLimits::default(), loopback).unwrap();
    assert_eq!(
        kept_candidates(&screened),
        vec![candidate("127.0.0.1", 50_000)]
    );
    let private = CandidatePolicy {
        allow_loopback: false,
        allow_private: true,
    };
    let screened = screen(&offer, &SdpLimits::default(), private).unwrap();
    assert_eq!(
        kept_candidates(&screened),
        vec![candidate("192.168.1.5", 50_000)]
    );
}

#[test]
fn a_static_g711_payload_type_without_rtpmap_gets_one() {
    let offer = "v=0\r\nm=audio 9 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";
    let screened = screen(offer, &SdpLimits::default(), PUBLIC_ONLY).unwrap();
    assert_eq!(
        screened.as_str(),
        "v=0\r\nm=audio 9 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n\
         a=rtpmap:0 PCMU/8000\r\n"
    );
    assert_eq!(screened.formats().codecs, vec![Codec::Pcmu]);
}

#[test]
fn an_explicit_rtpmap_is_not_doubled_and_only_audio_gets_one() {
    let offer = "m=audio 9 RTP/AVP 8\na=rtpmap:8 PCMA/8000\nm=video 9 RTP/AVP 0\n";
    let screened = screen(offer, &SdpLimits::default(), PUBLIC_ONLY).unwrap();
    assert_eq!(screened.as_str(), offer);
}

#[test]
fn a_repeated_payload_type_counts_once() {
    // 60 copies of PT 0: within the format bound, and read as one PCMU.
    let offer = format!("m=audio 9 RTP/AVP {}\n", vec!["0"; 60].join(" "));
    let screened = screen(&offer, &SdpLimits::default(), PUBLIC_ONLY).unwrap();
    assert_eq!(screened.formats().codecs, vec![Codec::Pcmu]);
    assert_eq!(screened.as_str().matches("a=rtpmap:0").count(), 1);
}

/// Lines an offer is made of, hostile ones included.
fn sdp_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("m=audio 9 UDP/TLS/RTP/SAVPF 0 8 101 110".to_owned()),
        Just("m=video 9 UDP/TLS/RTP/SAVPF 96".to_owned()),
        Just("m=audio 0 RTP/AVP 0".to_owned()),
        (0u16..300, "[a-zA-Z-]{0,16}", 0u32..100_000)
            .prop_map(|(pt, name, rate)| format!("a=rtpmap:{pt} {name}/{rate}")),
        (0u8..=255, 0u8..=255, 0u16..=65535).prop_map(|(a, b, port)| format!(
            "a=candidate:1 1 udp 1 {a}.{b}.{a}.{b} {port} typ host"
        )),
        "a=[ -~]{0,40}".prop_map(|line| line),
        "[ -~]{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Screening never panics, what it passes is within every bound, and screening twice
    /// changes nothing.
    #[test]
    fn screening_is_bounded_and_idempotent(lines in proptest::collection::vec(sdp_line(), 0..200)) {
        let sdp = lines.join("\r\n");
        let limits = SdpLimits::default();
        let allow_all = CandidatePolicy { allow_loopback: true, allow_private: true };
        if let Ok(screened) = screen(&sdp, &limits, allow_all) {
            let text = screened.as_str();
            prop_assert!(text.lines().count() <= limits.max_lines + 2 * limits.max_media_sections);
            prop_assert!(text.lines().filter(|line| line.starts_with("a=candidate:")).count() <= limits.max_candidates);
            prop_assert!(!screened.formats().codecs.is_empty());
            let again = screen(text, &limits, allow_all).unwrap();
            prop_assert_eq!(again.as_str(), text);
        }
    }
}
