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
