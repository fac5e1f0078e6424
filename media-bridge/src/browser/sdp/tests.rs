use super::*;

/// The audio part of Chromium's default offer (trimmed of ICE and DTLS lines).
const CHROMIUM_OFFER: &str = "v=0\r\n\
o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n\
s=-\r\n\
t=0 0\r\n\
a=group:BUNDLE 0\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n\
c=IN IP4 0.0.0.0\r\n\
a=mid:0\r\n\
a=sendrecv\r\n\
a=rtpmap:111 opus/48000/2\r\n\
a=rtcp-fb:111 transport-cc\r\n\
a=fmtp:111 minptime=10;useinbandfec=1\r\n\
a=rtpmap:63 red/48000/2\r\n\
a=fmtp:63 111/111\r\n\
a=rtpmap:9 G722/8000\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:13 CN/8000\r\n\
a=rtpmap:110 telephone-event/48000\r\n\
a=rtpmap:126 telephone-event/8000\r\n\
a=ssrc:1001 cname:abc\r\n";

#[test]
fn strip_removes_telephone_event_48000_from_format_list_and_attributes() {
    let stripped = strip_wideband_telephone_events(CHROMIUM_OFFER);
    assert!(stripped.contains("m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 126\r\n"));
    assert!(!stripped.contains("telephone-event/48000"));
    assert!(!stripped.contains("a=rtpmap:110"));
    assert!(stripped.contains("a=rtpmap:126 telephone-event/8000\r\n"));
}

#[test]
fn strip_keeps_every_other_line_unchanged() {
    let stripped = strip_wideband_telephone_events(CHROMIUM_OFFER);
    let expected: Vec<&str> = CHROMIUM_OFFER
        .lines()
        .filter(|line| !line.starts_with("a=rtpmap:110") && !line.starts_with("m=audio"))
        .collect();
    let kept: Vec<&str> = stripped
        .lines()
        .filter(|line| !line.starts_with("m=audio"))
        .collect();
    assert_eq!(kept, expected);
    assert!(stripped.ends_with("\r\n"));
}

#[test]
fn strip_removes_fmtp_and_rtcp_fb_of_the_stripped_payload_type() {
    let offer = "m=audio 9 RTP/AVP 0 101\n\
a=rtpmap:0 PCMU/8000\n\
a=rtpmap:101 telephone-event/16000\n\
a=fmtp:101 0-15\n\
a=rtcp-fb:101 nack\n";
    assert_eq!(
        strip_wideband_telephone_events(offer),
        "m=audio 9 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n"
    );
}

#[test]
fn strip_leaves_an_sdp_without_wideband_events_as_it_was() {
    let offer = "v=0\r\nm=audio 9 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";
    assert_eq!(strip_wideband_telephone_events(offer), offer);
}

#[test]
fn strip_does_not_touch_video_sections() {
    let offer = "m=video 9 RTP/AVP 96\n\
a=rtpmap:96 telephone-event/90000\n\
m=audio 9 RTP/AVP 0 110\n\
a=rtpmap:110 telephone-event/48000\n";
    assert_eq!(
        strip_wideband_telephone_events(offer),
        "m=video 9 RTP/AVP 96\na=rtpmap:96 telephone-event/90000\nm=audio 9 RTP/AVP 0\n"
    );
}

#[test]
fn read_finds_g711_in_offer_order_and_the_8000_telephone_event() {
    let formats = AudioFormats::read(CHROMIUM_OFFER).unwrap();
    assert_eq!(formats.codecs, vec![Codec::Pcmu, Codec::Pcma]);
    assert_eq!(formats.telephone_event, Some(126));
    assert_eq!(formats.codec(), Codec::Pcmu);
}

#[test]
fn read_accepts_static_payload_types_without_rtpmap() {
    let formats = AudioFormats::read("m=audio 4000 RTP/AVP 8 0\n").unwrap();
    assert_eq!(formats.codecs, vec![Codec::Pcma, Codec::Pcmu]);
    assert_eq!(formats.telephone_event, None);
}

#[test]
fn read_refuses_an_sdp_without_audio() {
    let video_only = "v=0\nm=video 9 UDP/TLS/RTP/SAVPF 96\na=rtpmap:96 VP8/90000\n";
    assert_eq!(
        AudioFormats::read(video_only),
        Err(BrowserSdpError::NoAudio)
    );
}

#[test]
fn read_refuses_a_rejected_audio_stream() {
    assert_eq!(
        AudioFormats::read("m=audio 0 RTP/AVP 0\n"),
        Err(BrowserSdpError::NoAudio)
    );
}

#[test]
fn read_refuses_audio_without_g711_and_names_what_was_offered() {
    let opus_only = "m=audio 9 UDP/TLS/RTP/SAVPF 111 110\n\
a=rtpmap:111 opus/48000/2\n\
a=rtpmap:110 telephone-event/48000\n";
    assert_eq!(
        AudioFormats::read(opus_only),
        Err(BrowserSdpError::NoG711 {
            offered: "opus/48000, telephone-event/48000".into()
        })
    );
}

#[test]
fn read_ignores_a_telephone_event_at_another_clock() {
    let offer = "m=audio 9 RTP/AVP 0 110\na=rtpmap:110 telephone-event/48000\n";
    assert_eq!(AudioFormats::read(offer).unwrap().telephone_event, None);
}
