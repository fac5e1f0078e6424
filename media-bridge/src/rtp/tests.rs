use super::*;

fn header(ssrc: u32, sequence_number: u16, timestamp: u32) -> RtpHeader {
    RtpHeader {
        marker: false,
        payload_type: 0,
        sequence_number,
        timestamp,
        ssrc,
        csrc: Vec::new(),
    }
}

fn datagram(header: &RtpHeader, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    header.write(payload, &mut out).expect("valid header");
    out
}

/// Feeds one packet with a 160-byte payload (or none) and returns the outgoing (seq, ts).
fn forward(
    rewriter: &mut StreamRewriter,
    ssrc: u32,
    sequence_number: u16,
    timestamp: u32,
    payload_len: usize,
) -> Option<(u16, u32)> {
    let payload = vec![0xFF; payload_len];
    let packet = RtpPacket {
        header: header(ssrc, sequence_number, timestamp),
        payload: &payload,
    };
    let out = rewriter.rewrite(&packet)?;
    assert_eq!(
        out.ssrc,
        rewriter.ssrc(),
        "every packet leaves with our SSRC"
    );
    Some((out.sequence_number, out.timestamp))
}

#[test]
fn written_packet_parses_back_to_the_same_fields() {
    let original = RtpHeader {
        marker: true,
        payload_type: 101,
        sequence_number: 0xBEEF,
        timestamp: 0xDEAD_BEEF,
        ssrc: 0x1234_5678,
        csrc: vec![7, 9],
    };
    let bytes = datagram(&original, b"media");
    assert_eq!(bytes.len(), 12 + 8 + 5);
    assert_eq!(bytes[0], 0x82, "version 2, two CSRCs");
    let parsed = RtpPacket::parse(&bytes).expect("parses");
    assert_eq!(parsed.header, original);
    assert_eq!(parsed.payload, b"media");
}

#[test]
fn parse_skips_the_header_extension() {
    let mut bytes = vec![0x90, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0, 0, 0, 42];
    // Profile 0xBEDE, two words of extension data.
    bytes.extend_from_slice(&[0xBE, 0xDE, 0x00, 0x02, 1, 2, 3, 4, 5, 6, 7, 8]);
    bytes.extend_from_slice(b"audio");
    let parsed = RtpPacket::parse(&bytes).expect("parses");
    assert_eq!(parsed.payload, b"audio");
    assert_eq!(parsed.header.ssrc, 42);
    assert_eq!(parsed.header.timestamp, 160);
}

#[test]
fn parse_removes_padding() {
    let mut bytes = datagram(&header(1, 2, 3), b"abc");
    bytes[0] |= 0x20;
    bytes.extend_from_slice(&[0, 0, 3]);
    let parsed = RtpPacket::parse(&bytes).expect("parses");
    assert_eq!(parsed.payload, b"abc");
}

#[test]
fn parse_rejects_bad_input_with_the_precise_error() {
    assert_eq!(
        RtpPacket::parse(&[0x80; 11]),
        Err(RtpError::TooShort { len: 11 })
    );
    let mut version_one = datagram(&header(1, 2, 3), b"x");
    version_one[0] = 0x40;
    assert_eq!(
        RtpPacket::parse(&version_one),
        Err(RtpError::WrongVersion { version: 1 })
    );
    let mut missing_csrcs = datagram(&header(1, 2, 3), b"");
    missing_csrcs[0] |= 0x03;
    assert_eq!(
        RtpPacket::parse(&missing_csrcs),
        Err(RtpError::CsrcListTruncated { count: 3 })
    );
    let mut short_extension = datagram(&header(1, 2, 3), &[0xBE, 0xDE, 0x00, 0x05, 1, 2]);
    short_extension[0] |= 0x10;
    assert_eq!(
        RtpPacket::parse(&short_extension),
        Err(RtpError::ExtensionTruncated)
    );
    let mut zero_padding = datagram(&header(1, 2, 3), &[1, 2, 0]);
    zero_padding[0] |= 0x20;
    assert_eq!(
        RtpPacket::parse(&zero_padding),
        Err(RtpError::BadPadding {
            padding: 0,
            available: 3
        })
    );
    let mut long_padding = datagram(&header(1, 2, 3), &[1, 9]);
    long_padding[0] |= 0x20;
    assert_eq!(
        RtpPacket::parse(&long_padding),
        Err(RtpError::BadPadding {
            padding: 9,
            available: 2
        })
    );
}

#[test]
fn write_refuses_more_than_fifteen_csrcs() {
    let mut too_many = header(1, 2, 3);
    too_many.csrc = vec![0; 16];
    assert_eq!(
        too_many.write(b"", &mut Vec::new()),
        Err(RtpError::TooManyCsrcs { count: 16 })
    );
}

#[test]
fn sequence_comparison_survives_the_wrap() {
    assert!(sequence_is_newer(1, 0));
    assert!(sequence_is_newer(0, 65535));
    assert!(sequence_is_newer(5, 65530));
    assert!(!sequence_is_newer(65530, 5));
    assert!(!sequence_is_newer(7, 7));
}

#[test]
fn rewriter_starts_at_our_numbers_and_keeps_the_spacing() {
    let mut rewriter = StreamRewriter::new(0xCAFE, 1000, 50_000, G711_SAMPLES_PER_PACKET);
    assert_eq!(
        forward(&mut rewriter, 7, 30_000, 9_999, 160),
        Some((1000, 50_000))
    );
    assert_eq!(
        forward(&mut rewriter, 7, 30_001, 10_159, 160),
        Some((1001, 50_160))
    );
    // A lost packet stays visible as a gap, so the receiver's loss concealment still works.
    assert_eq!(
        forward(&mut rewriter, 7, 30_003, 10_479, 160),
        Some((1003, 50_480))
    );
    // A late packet keeps its place.
    assert_eq!(
        forward(&mut rewriter, 7, 30_002, 10_319, 160),
        Some((1002, 50_320))
    );
}

#[test]
fn trunk_ssrc_change_keeps_the_outgoing_stream_continuous() {
    let mut rewriter = StreamRewriter::new(0xCAFE, 10, 1_600, G711_SAMPLES_PER_PACKET);
    for index in 0..3u16 {
        let timestamp = 80_000 + 160 * u32::from(index);
        assert_eq!(
            forward(&mut rewriter, 0xAAAA, 500 + index, timestamp, 160),
            Some((10 + index, 1_600 + 160 * u32::from(index)))
        );
    }
    // The trunk switches media servers: new SSRC, unrelated sequence number and timestamp.
    assert_eq!(
        forward(&mut rewriter, 0xBBBB, 42_000, 7, 160),
        Some((13, 1_600 + 3 * 160))
    );
    assert_eq!(
        forward(&mut rewriter, 0xBBBB, 42_001, 167, 160),
        Some((14, 1_600 + 4 * 160))
    );
    // A straggler from the old source would jump backwards: it is dropped.
    assert_eq!(forward(&mut rewriter, 0xAAAA, 503, 80_480, 160), None);
    assert_eq!(
        forward(&mut rewriter, 0xBBBB, 42_002, 327, 160),
        Some((15, 1_600 + 5 * 160))
    );
}

#[test]
fn a_source_coming_back_after_the_straggler_window_is_rebased() {
    let mut rewriter = StreamRewriter::new(1, 0, 0, G711_SAMPLES_PER_PACKET);
    forward(&mut rewriter, 0xAAAA, 100, 0, 160);
    for index in 0..STRAGGLER_WINDOW_PACKETS {
        forward(&mut rewriter, 0xBBBB, index as u16, 160 * index, 160);
    }
    let last_sent = STRAGGLER_WINDOW_PACKETS as u16;
    assert_eq!(
        forward(&mut rewriter, 0xAAAA, 9, 9, 160),
        Some((last_sent + 1, 160 * (u32::from(last_sent) + 1)))
    );
}

#[test]
fn sequence_numbers_wrap_on_both_sides() {
    let mut rewriter = StreamRewriter::new(1, 65_534, u32::MAX - 159, G711_SAMPLES_PER_PACKET);
    let sent: Vec<_> = [65_535u16, 0, 1]
        .iter()
        .enumerate()
        .map(|(index, &sequence_number)| {
            let timestamp = (u32::MAX - 200).wrapping_add(160 * index as u32);
            forward(&mut rewriter, 9, sequence_number, timestamp, 160).expect("forwarded")
        })
        .collect();
    assert_eq!(sent, [(65_534, u32::MAX - 159), (65_535, 0), (0, 160)]);
    // And an SSRC change right across the wrap still continues by one.
    assert_eq!(forward(&mut rewriter, 10, 300, 0, 160), Some((1, 320)));
}

#[test]
fn empty_payloads_are_dropped_without_a_sequence_gap() {
    let mut rewriter = StreamRewriter::new(1, 100, 0, G711_SAMPLES_PER_PACKET);
    assert_eq!(
        forward(&mut rewriter, 5, 10, 0, 0),
        None,
        "empty first packet"
    );
    assert_eq!(forward(&mut rewriter, 5, 11, 160, 160), Some((100, 160)));
    assert_eq!(forward(&mut rewriter, 5, 12, 320, 0), None);
    assert_eq!(forward(&mut rewriter, 5, 13, 480, 160), Some((101, 480)));
    assert_eq!(forward(&mut rewriter, 5, 14, 640, 160), Some((102, 640)));
}

#[test]
fn marker_and_payload_type_pass_through() {
    let mut rewriter = StreamRewriter::new(1, 0, 0, G711_SAMPLES_PER_PACKET);
    let mut incoming = header(5, 1, 1);
    incoming.marker = true;
    incoming.payload_type = 101;
    incoming.csrc = vec![77];
    let out = rewriter
        .rewrite(&RtpPacket {
            header: incoming,
            payload: &[1, 2, 3, 4],
        })
        .expect("forwarded");
    assert!(out.marker);
    assert_eq!(out.payload_type, 101);
    assert!(out.csrc.is_empty(), "the bridge is the source now");
}
