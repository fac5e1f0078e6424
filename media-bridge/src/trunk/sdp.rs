//! Audio-only G.711 SDP (RFC 4566, offer/answer RFC 3264): the offer the bridge sends in its
//! INVITE, and the answer it reads back from the trunk's 200 OK.
//!
//! Model: the bridge always offers one `m=audio` stream — its codecs in order of preference
//! (PCMU = 0, PCMA = 8), telephone-event/8000 on payload type 101 for DTMF, 20 ms packets,
//! sendrecv. From an answer it keeps only what the media path needs: where to send RTP, the
//! codec (the first of the answer's formats that the bridge offered) and the payload type
//! the trunk wants telephone-events on, if it accepted them.
//!
//! An answer is outside input: the parser never panics and names what is wrong in an
//! [`SdpError`]. It is lenient where peers differ harmlessly (LF or CRLF, unknown lines,
//! session- or media-level `c=`), strict where media would go wrong (no audio stream, port 0,
//! no common codec, an address it cannot send to).

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};

use crate::g711::Codec;

/// The payload type the bridge offers telephone-events on.
pub const TELEPHONE_EVENT_PAYLOAD_TYPE: u8 = 101;
/// The packet duration the bridge sends and asks for.
pub const PTIME_MS: u32 = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdpError {
    #[error("the SDP is not UTF-8 text")]
    NotText,
    #[error("the SDP has no m=audio line")]
    NoAudioStream,
    #[error("the audio stream was rejected (port 0)")]
    AudioRejected,
    #[error("line {line}: malformed m= line")]
    BadMediaLine { line: usize },
    #[error("line {line}: malformed c= line")]
    BadConnectionLine { line: usize },
    #[error("the audio stream has no c= line, at media or session level")]
    NoConnection,
    #[error("the answer offers no codec we sent (PCMU or PCMA)")]
    NoCommonCodec,
}

/// What the bridge offers: where it receives RTP, and its codecs by preference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdpOffer {
    pub rtp: SocketAddr,
    pub codecs: Vec<Codec>,
    /// The `o=` session id and version; any number, but stable within a dialog.
    pub session_id: u64,
}

impl SdpOffer {
    pub fn to_sdp(&self) -> String {
        let telephone_event = Some(TELEPHONE_EVENT_PAYLOAD_TYPE);
        write_sdp(
            self.rtp,
            &self.codecs,
            telephone_event,
            self.session_id,
            self.session_id,
        )
    }
}

/// Our SDP answer to an offer the trunk makes inside the call (a re-INVITE or UPDATE): the
/// one codec in use, and telephone-events on the trunk's payload type if it offered them.
/// `version` is the `o=` version, raised by the caller whenever the description changes.
pub fn answer_sdp(
    rtp: SocketAddr,
    codec: Codec,
    telephone_event: Option<u8>,
    session_id: u64,
    version: u64,
) -> String {
    write_sdp(rtp, &[codec], telephone_event, session_id, version)
}

fn write_sdp(
    rtp: SocketAddr,
    codecs: &[Codec],
    telephone_event: Option<u8>,
    session_id: u64,
    version: u64,
) -> String {
    let ip = rtp.ip();
    let family = match ip {
        IpAddr::V4(_) => "IP4",
        IpAddr::V6(_) => "IP6",
    };
    let mut formats: Vec<String> = codecs
        .iter()
        .map(|codec| codec.payload_type().to_string())
        .collect();
    formats.extend(telephone_event.map(|pt| pt.to_string()));
    let mut sdp = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        sdp,
        "v=0\r\no=callcard {session_id} {version} IN {family} {ip}\r\ns=callcard\r\n\
         c=IN {family} {ip}\r\nt=0 0\r\nm=audio {port} RTP/AVP {formats}\r\n",
        port = rtp.port(),
        formats = formats.join(" "),
    );
    for codec in codecs {
        let _ = write!(
            sdp,
            "a=rtpmap:{} {}/8000\r\n",
            codec.payload_type(),
            codec_name(*codec)
        );
    }
    if let Some(pt) = telephone_event {
        let _ = write!(
            sdp,
            "a=rtpmap:{pt} telephone-event/8000\r\na=fmtp:{pt} 0-15\r\n"
        );
    }
    let _ = write!(sdp, "a=ptime:{PTIME_MS}\r\na=sendrecv\r\n");
    sdp
}

/// What the bridge needs from the trunk's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdpAnswer {
    /// Where to send RTP.
    pub rtp: SocketAddr,
    pub codec: Codec,
    /// The payload type to send RFC 4733 events with; `None` if the trunk did not accept them.
    pub telephone_event: Option<u8>,
}

fn codec_name(codec: Codec) -> &'static str {
    match codec {
        Codec::Pcmu => "PCMU",
        Codec::Pcma => "PCMA",
    }
}

/// The audio stream's lines, as found.
#[derive(Default)]
struct AudioStream {
    port: u16,
    formats: Vec<u8>,
    connection: Option<IpAddr>,
    /// (payload type, encoding name, clock rate) from `a=rtpmap`.
    rtpmaps: Vec<(u8, String, u32)>,
}

impl SdpAnswer {
    /// Reads an answer to an offer of `offered` codecs.
    pub fn parse(body: &[u8], offered: &[Codec]) -> Result<SdpAnswer, SdpError> {
        let text = std::str::from_utf8(body).map_err(|_| SdpError::NotText)?;
        let mut session_connection = None;
        let mut audio: Option<AudioStream> = None;
        // Once past the first audio stream, later streams (video, a second audio) are ignored.
        let mut in_other_stream = false;
        for (index, raw) in text.lines().enumerate() {
            let line_number = index + 1;
            let line = raw.trim_end_matches('\r');
            if let Some(media) = line.strip_prefix("m=") {
                in_other_stream = audio.is_some() || !media.starts_with("audio ");
                if !in_other_stream {
                    audio = Some(parse_media_line(media, line_number)?);
                }
            } else if let Some(connection) = line.strip_prefix("c=") {
                let address = parse_connection_line(connection, line_number)?;
                match (&mut audio, in_other_stream) {
                    (None, false) => session_connection = Some(address),
                    (Some(stream), false) => stream.connection = Some(address),
                    (_, true) => {}
                }
            } else if let Some(rtpmap) = line.strip_prefix("a=rtpmap:")
                && let (Some(stream), false) = (&mut audio, in_other_stream)
                && let Some(entry) = parse_rtpmap(rtpmap)
            {
                stream.rtpmaps.push(entry);
            }
        }
        let audio = audio.ok_or(SdpError::NoAudioStream)?;
        if audio.port == 0 {
            return Err(SdpError::AudioRejected);
        }
        let ip = audio
            .connection
            .or(session_connection)
            .ok_or(SdpError::NoConnection)?;
        let codec = audio
            .formats
            .iter()
            .find_map(|&format| {
                offered
                    .iter()
                    .copied()
                    .find(|codec| codec.payload_type() == format)
            })
            .ok_or(SdpError::NoCommonCodec)?;
        let telephone_event = audio
            .rtpmaps
            .iter()
            .find(|(payload_type, name, rate)| {
                name.eq_ignore_ascii_case("telephone-event")
                    && *rate == 8_000
                    && audio.formats.contains(payload_type)
            })
            .map(|(payload_type, _, _)| *payload_type);
        Ok(SdpAnswer {
            rtp: SocketAddr::new(ip, audio.port),
            codec,
            telephone_event,
        })
    }
}

/// `audio <port>[/<count>] <proto> <fmt> ...`
fn parse_media_line(media: &str, line: usize) -> Result<AudioStream, SdpError> {
    let bad = || SdpError::BadMediaLine { line };
    let mut fields = media.split_ascii_whitespace();
    let _media = fields.next().ok_or_else(bad)?;
    let port = fields.next().ok_or_else(bad)?;
    let port = port.split('/').next().unwrap_or(port);
    let port = port.parse::<u16>().map_err(|_| bad())?;
    let _protocol = fields.next().ok_or_else(bad)?;
    let formats = fields
        .map(|format| format.parse::<u8>().map_err(|_| bad()))
        .collect::<Result<Vec<_>, _>>()?;
    if formats.is_empty() {
        return Err(bad());
    }
    Ok(AudioStream {
        port,
        formats,
        ..AudioStream::default()
    })
}

/// `IN IP4 <address>` (a multicast `/ttl` suffix is tolerated and dropped).
fn parse_connection_line(connection: &str, line: usize) -> Result<IpAddr, SdpError> {
    let bad = || SdpError::BadConnectionLine { line };
    let mut fields = connection.split_ascii_whitespace();
    if fields.next() != Some("IN") {
        return Err(bad());
    }
    let family = fields.next().ok_or_else(bad)?;
    let address = fields.next().ok_or_else(bad)?;
    let address = address.split('/').next().unwrap_or(address);
    let ip = address.parse::<IpAddr>().map_err(|_| bad())?;
    match (family, ip) {
        ("IP4", IpAddr::V4(_)) | ("IP6", IpAddr::V6(_)) => Ok(ip),
        _ => Err(bad()),
    }
}

/// `<pt> <name>/<rate>[/<channels>]`; a line this cannot read is skipped, not an error,
/// since only telephone-event's is needed (the static G.711 types need no rtpmap).
fn parse_rtpmap(rtpmap: &str) -> Option<(u8, String, u32)> {
    let (payload_type, encoding) = rtpmap.split_once(' ')?;
    let mut parts = encoding.trim().split('/');
    let name = parts.next()?.to_owned();
    let rate = parts.next()?.parse().ok()?;
    Some((payload_type.parse().ok()?, name, rate))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: [Codec; 2] = [Codec::Pcmu, Codec::Pcma];

    #[test]
    fn offer_lists_codecs_in_preference_order_with_telephone_events() {
        let offer = SdpOffer {
            rtp: "127.0.0.1:40000".parse().unwrap(),
            codecs: vec![Codec::Pcma, Codec::Pcmu],
            session_id: 7,
        };
        let sdp = offer.to_sdp();
        assert_eq!(
            sdp,
            "v=0\r\no=callcard 7 7 IN IP4 127.0.0.1\r\ns=callcard\r\nc=IN IP4 127.0.0.1\r\n\
             t=0 0\r\nm=audio 40000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\n\
             a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n\
             a=ptime:20\r\na=sendrecv\r\n"
        );
    }

    #[test]
    fn an_answer_inside_the_call_keeps_one_codec_and_the_trunks_event_type() {
        let rtp = "127.0.0.1:40000".parse().unwrap();
        assert_eq!(
            answer_sdp(rtp, Codec::Pcma, Some(96), 7, 8),
            "v=0\r\no=callcard 7 8 IN IP4 127.0.0.1\r\ns=callcard\r\nc=IN IP4 127.0.0.1\r\n\
             t=0 0\r\nm=audio 40000 RTP/AVP 8 96\r\na=rtpmap:8 PCMA/8000\r\n\
             a=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-15\r\na=ptime:20\r\n\
             a=sendrecv\r\n"
        );
        assert!(!answer_sdp(rtp, Codec::Pcmu, None, 7, 7).contains("telephone-event"));
    }

    #[test]
    fn our_own_offer_parses_as_an_answer() {
        let offer = SdpOffer {
            rtp: "10.0.0.5:4000".parse().unwrap(),
            codecs: BOTH.to_vec(),
            session_id: 1,
        };
        let answer = SdpAnswer::parse(offer.to_sdp().as_bytes(), &BOTH).unwrap();
        assert_eq!(
            answer,
            SdpAnswer {
                rtp: "10.0.0.5:4000".parse().unwrap(),
                codec: Codec::Pcmu,
                telephone_event: Some(101),
            }
        );
    }

    #[test]
    fn sipp_style_answer_with_lf_and_no_telephone_event() {
        let sdp = "v=0\no=user1 53655765 2353687637 IN IP4 127.0.0.1\ns=-\n\
                   c=IN IP4 127.0.0.1\nt=0 0\nm=audio 6000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n";
        let answer = SdpAnswer::parse(sdp.as_bytes(), &BOTH).unwrap();
        assert_eq!(answer.rtp, "127.0.0.1:6000".parse::<SocketAddr>().unwrap());
        assert_eq!(answer.codec, Codec::Pcmu);
        assert_eq!(answer.telephone_event, None);
    }

    #[test]
    fn media_level_connection_wins_and_other_streams_are_ignored() {
        let sdp = "v=0\r\nc=IN IP4 192.0.2.1\r\nm=video 5000 RTP/AVP 96\r\nc=IN IP4 192.0.2.9\r\n\
                   a=rtpmap:96 telephone-event/8000\r\nm=audio 7000 RTP/AVP 8 96\r\n\
                   c=IN IP4 192.0.2.2\r\na=rtpmap:96 telephone-event/8000\r\n";
        let answer = SdpAnswer::parse(sdp.as_bytes(), &BOTH).unwrap();
        assert_eq!(answer.rtp, "192.0.2.2:7000".parse::<SocketAddr>().unwrap());
        assert_eq!(answer.codec, Codec::Pcma);
        assert_eq!(answer.telephone_event, Some(96));
    }

    #[test]
    fn the_answer_must_pick_a_codec_we_offered() {
        let sdp = "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 7000 RTP/AVP 8 101\r\n";
        assert_eq!(
            SdpAnswer::parse(sdp.as_bytes(), &[Codec::Pcmu]),
            Err(SdpError::NoCommonCodec)
        );
        let only_events = "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 7000 RTP/AVP 101\r\n";
        assert_eq!(
            SdpAnswer::parse(only_events.as_bytes(), &BOTH),
            Err(SdpError::NoCommonCodec)
        );
    }

    #[test]
    fn bad_answers_say_what_is_wrong() {
        let cases: [(&[u8], SdpError); 7] = [
            (b"v=0\r\n", SdpError::NoAudioStream),
            (b"\xff\xfe", SdpError::NotText),
            (
                b"v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 0 RTP/AVP 0\r\n",
                SdpError::AudioRejected,
            ),
            (b"v=0\r\nm=audio 7000 RTP/AVP 0\r\n", SdpError::NoConnection),
            (
                b"v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio seven RTP/AVP 0\r\n",
                SdpError::BadMediaLine { line: 3 },
            ),
            (
                b"v=0\r\nc=IN IP4 not-an-ip\r\nm=audio 7000 RTP/AVP 0\r\n",
                SdpError::BadConnectionLine { line: 2 },
            ),
            (
                b"v=0\r\nc=IN IP6 192.0.2.1\r\nm=audio 7000 RTP/AVP 0\r\n",
                SdpError::BadConnectionLine { line: 2 },
            ),
        ];
        for (sdp, expected) in cases {
            assert_eq!(SdpAnswer::parse(sdp, &BOTH), Err(expected));
        }
    }

    #[test]
    fn garbage_never_panics() {
        for sdp in [
            "m=",
            "m=audio",
            "c=IN",
            "a=rtpmap:",
            "a=rtpmap:x y/z",
            "m=audio 1 RTP/AVP 999",
        ] {
            assert!(SdpAnswer::parse(sdp.as_bytes(), &BOTH).is_err(), "{sdp}");
        }
    }
}
