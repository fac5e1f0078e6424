//! The little SDP reading and rewriting the browser leg does itself, around webrtc-rs.
//!
//! Model: webrtc-rs parses and writes the full WebRTC SDP; this module only looks at the first
//! `m=audio` section, for three reasons:
//! - to refuse early, with a clear error, an offer the bridge cannot carry (no audio, or no
//!   G.711) instead of answering with a rejected stream;
//! - to learn what was negotiated (the G.711 codec, the telephone-event/8000 payload type)
//!   from the answer, because the bridge writes raw RTP and must stamp the right PTs;
//! - to work around webrtc-rs 0.21.1 matching codecs by name without the clock rate: given
//!   Chromium's default offer (telephone-event/48000 on PT 110 beside telephone-event/8000 on
//!   PT 126) it answers telephone-event/48000, and Chromium then sends DTMF at a 48 kHz clock.
//!   [`strip_wideband_telephone_events`] removes every telephone-event whose clock is not 8000
//!   from an SDP before webrtc-rs sees it.
//!
//! A browser's SDP is a stranger's input: before any of it is read it goes through
//! [`screen`] ([`screen`] module), which bounds its size and shape and drops ICE candidates the
//! server must never send to. Every function here is linear in the SDP's length (payload
//! types are looked up in 256-entry tables, never by rescanning lines), so the bounds are also
//! the bound on the work.
//!
//! Invariants: the rewrite removes only the stripped payload types (from the `m=` format list
//! and their `a=rtpmap`, `a=fmtp`, `a=rtcp-fb` lines) and keeps every other line byte for byte,
//! with the SDP's own line ending. Static payload types 0 and 8 count as PCMU and PCMA even
//! without an `a=rtpmap` (RFC 3551). Nothing here panics on outside input.

mod screen;

pub use screen::{CandidatePolicy, ScreenedSdp, SdpLimit, SdpLimits, screen};

use crate::g711::Codec;

/// The clock telephone-events must use toward a G.711 leg (RFC 4733 with 8 kHz audio).
const NARROWBAND_CLOCK_RATE: u32 = 8_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrowserSdpError {
    #[error("the SDP has no audio stream (no m=audio line with a port)")]
    NoAudio,
    #[error("the audio stream offers neither PCMU nor PCMA (it offers: {offered})")]
    NoG711 { offered: String },
    #[error("the SDP has more than {max} {limit}")]
    OverLimit { limit: SdpLimit, max: usize },
}

/// What the first audio section of an SDP carries, as far as the bridge cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioFormats {
    /// PCMU and PCMA in the section's order of preference.
    pub codecs: Vec<Codec>,
    /// The payload type of telephone-event/8000, if present.
    pub telephone_event: Option<u8>,
}

impl AudioFormats {
    /// Reads the first `m=audio` section (with a non-zero port) of `sdp`.
    pub fn read(sdp: &str) -> Result<AudioFormats, BrowserSdpError> {
        let section = first_audio_section(sdp).ok_or(BrowserSdpError::NoAudio)?;
        let mut codecs = Vec::new();
        let mut telephone_event = None;
        for &payload_type in &section.payload_types {
            let encoding = section.encoding(payload_type);
            match encoding.as_ref().map(|(name, rate)| (name.as_str(), *rate)) {
                Some(("pcmu", NARROWBAND_CLOCK_RATE)) => codecs.push(Codec::Pcmu),
                Some(("pcma", NARROWBAND_CLOCK_RATE)) => codecs.push(Codec::Pcma),
                Some(("telephone-event", NARROWBAND_CLOCK_RATE)) => {
                    telephone_event.get_or_insert(payload_type);
                }
                // RFC 3551's static assignments need no rtpmap.
                None if payload_type == Codec::Pcmu.payload_type() => codecs.push(Codec::Pcmu),
                None if payload_type == Codec::Pcma.payload_type() => codecs.push(Codec::Pcma),
                _ => {}
            }
        }
        codecs.dedup();
        if codecs.is_empty() {
            let offered = section
                .payload_types
                .iter()
                .map(|&payload_type| match section.encoding(payload_type) {
                    Some((name, rate)) => format!("{name}/{rate}"),
                    None => payload_type.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            return Err(BrowserSdpError::NoG711 { offered });
        }
        Ok(AudioFormats {
            codecs,
            telephone_event,
        })
    }

    /// The codec an answer settled on: its first G.711 format.
    pub fn codec(&self) -> Codec {
        self.codecs[0]
    }
}

/// Removes every telephone-event whose clock rate is not 8000 from every audio section (see
/// the module header for why).
pub fn strip_wideband_telephone_events(sdp: &str) -> String {
    let line_ending = line_ending(sdp);
    let mut stripped = PayloadTypeSet::default();
    let mut in_audio = false;
    // First pass: which payload types go, per audio section (rtpmap lines follow the m= line).
    for line in sdp.lines() {
        if line.starts_with("m=") {
            in_audio = line.starts_with("m=audio");
        } else if in_audio
            && let Some((payload_type, name, rate)) = parse_rtpmap(line)
            && name.eq_ignore_ascii_case("telephone-event")
            && rate != NARROWBAND_CLOCK_RATE
        {
            stripped.insert(payload_type);
        }
    }
    if stripped.is_empty() {
        return sdp.to_owned();
    }

    let mut out = String::with_capacity(sdp.len());
    in_audio = false;
    for line in sdp.lines() {
        if line.starts_with("m=") {
            in_audio = line.starts_with("m=audio");
            if in_audio {
                out.push_str(&media_line_without(line, &stripped));
                out.push_str(line_ending);
                continue;
            }
        }
        if in_audio && attribute_payload_type(line).is_some_and(|pt| stripped.contains(pt)) {
            continue;
        }
        out.push_str(line);
        out.push_str(line_ending);
    }
    out
}

/// The SDP's own line ending (`\r\n` as RFC 8866 says, or a bare `\n`).
fn line_ending(sdp: &str) -> &'static str {
    if sdp.contains("\r\n") { "\r\n" } else { "\n" }
}

/// A set of payload types (`0..=255` as parsed; RTP's are `0..=127`): constant-time lookups.
#[derive(Clone)]
pub(crate) struct PayloadTypeSet([bool; 256]);

impl Default for PayloadTypeSet {
    fn default() -> PayloadTypeSet {
        PayloadTypeSet([false; 256])
    }
}

impl PayloadTypeSet {
    /// Adds `payload_type`; false when it was already there.
    pub(crate) fn insert(&mut self, payload_type: u8) -> bool {
        !std::mem::replace(&mut self.0[usize::from(payload_type)], true)
    }

    pub(crate) fn contains(&self, payload_type: u8) -> bool {
        self.0[usize::from(payload_type)]
    }

    fn is_empty(&self) -> bool {
        !self.0.iter().any(|&present| present)
    }
}

/// One `m=audio` section: its format list (each payload type once, in order) and the
/// encoding of each payload type that has an `a=rtpmap`.
struct AudioSection<'a> {
    payload_types: Vec<u8>,
    encodings: Box<[Option<(&'a str, u32)>; 256]>,
}

impl<'a> AudioSection<'a> {
    /// The lower-cased encoding name and clock rate of `payload_type`'s first `a=rtpmap`.
    fn encoding(&self, payload_type: u8) -> Option<(String, u32)> {
        self.encodings[usize::from(payload_type)]
            .map(|(name, rate)| (name.to_ascii_lowercase(), rate))
    }
}

fn first_audio_section(sdp: &str) -> Option<AudioSection<'_>> {
    let mut lines = sdp.lines().skip_while(|line| !is_usable_audio_line(line));
    let media_line = lines.next()?;
    let mut listed = PayloadTypeSet::default();
    let payload_types = media_line
        .split_whitespace()
        .skip(3)
        .filter_map(|format| format.parse().ok())
        .filter(|&payload_type| listed.insert(payload_type))
        .collect();
    let mut encodings = Box::new([None; 256]);
    for line in lines.take_while(|line| !line.starts_with("m=")) {
        if let Some((payload_type, name, rate)) = parse_rtpmap(line) {
            encodings[usize::from(payload_type)].get_or_insert((name, rate));
        }
    }
    Some(AudioSection {
        payload_types,
        encodings,
    })
}

/// `m=audio <port> <proto> <formats…>` with a port other than 0 (0 is a rejected stream).
fn is_usable_audio_line(line: &str) -> bool {
    let mut fields = line.split_whitespace();
    fields.next() == Some("m=audio") && fields.next().is_some_and(|port| port != "0")
}

/// `a=rtpmap:<pt> <name>/<rate>[/<channels>]` → (pt, name as written, rate).
fn parse_rtpmap(line: &str) -> Option<(u8, &str, u32)> {
    let rest = line.strip_prefix("a=rtpmap:")?;
    let (payload_type, encoding) = rest.split_once(' ')?;
    let mut parts = encoding.trim().split('/');
    let name = parts.next()?;
    let rate = parts.next()?.parse().ok()?;
    Some((payload_type.parse().ok()?, name, rate))
}

/// The payload type an `a=rtpmap`, `a=fmtp` or `a=rtcp-fb` line is about.
fn attribute_payload_type(line: &str) -> Option<u8> {
    let rest = ["a=rtpmap:", "a=fmtp:", "a=rtcp-fb:"]
        .iter()
        .find_map(|prefix| line.strip_prefix(prefix))?;
    rest.split_whitespace().next()?.parse().ok()
}

fn media_line_without(line: &str, payload_types: &PayloadTypeSet) -> String {
    line.split(' ')
        .enumerate()
        .filter(|(index, field)| {
            *index < 3
                || field
                    .parse::<u8>()
                    .map_or(true, |payload_type| !payload_types.contains(payload_type))
        })
        .map(|(_, field)| field)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
