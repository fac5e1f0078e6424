//! Screening a browser's SDP before anything else reads it (issue 8).
//!
//! The call button is public, so an offer is a stranger's text: a megabyte of payload types
//! or of `a=candidate` lines must cost the server nothing but its refusal. [`screen`] is the
//! one door an SDP goes through on its way to webrtc-rs:
//! 1. its size is checked before a single line is read;
//! 2. one pass over the lines bounds their number and length, the media sections, the payload
//!    types of each, and the ICE candidates (each bound is an [`SdpLimit`] the refusal names);
//! 3. candidates the server must never send to are dropped: not UDP, not an IP literal (mDNS
//!    and host names would make the server resolve a stranger's names), a port below 1024,
//!    multicast, broadcast, unspecified or documentation addresses, and loopback or private
//!    ranges unless the [`CandidatePolicy`] says the installation lives there;
//! 4. wideband telephone-events are stripped (the webrtc-rs 0.21.1 clock-rate bug) and a G.711
//!    static payload type listed without its `a=rtpmap` gets one (RFC 3551), so webrtc-rs
//!    matches it instead of failing to answer;
//! 5. the audio section must carry PCMU or PCMA.
//!
//! Invariants: the work is linear in the SDP's length, and the length is bounded first; a
//! [`ScreenedSdp`] exists only as the output of [`screen`], so the bridge's entry points take
//! one and cannot be handed raw text.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{
    AudioFormats, BrowserSdpError, PayloadTypeSet, line_ending, strip_wideband_telephone_events,
};
use crate::g711::Codec;

/// The bounds on one SDP. The defaults leave room for a browser offering audio, video and a
/// data channel with every codec it knows (Chromium's fullest offer is ~8 KB, ~150 lines, a
/// few candidates per network interface); the bridge itself needs one audio section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdpLimits {
    pub max_bytes: usize,
    pub max_lines: usize,
    pub max_line_bytes: usize,
    pub max_media_sections: usize,
    pub max_formats_per_media: usize,
    pub max_candidates: usize,
}

impl Default for SdpLimits {
    fn default() -> SdpLimits {
        SdpLimits {
            max_bytes: 32 * 1024,
            max_lines: 512,
            max_line_bytes: 1024,
            max_media_sections: 8,
            max_formats_per_media: 64,
            max_candidates: 24,
        }
    }
}

/// Which bound an SDP went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SdpLimit {
    Bytes,
    Lines,
    LineBytes,
    MediaSections,
    FormatsPerMedia,
    Candidates,
}

impl std::fmt::Display for SdpLimit {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            SdpLimit::Bytes => "bytes",
            SdpLimit::Lines => "lines",
            SdpLimit::LineBytes => "bytes on one line",
            SdpLimit::MediaSections => "media sections (m= lines)",
            SdpLimit::FormatsPerMedia => "payload types in one media section",
            SdpLimit::Candidates => "ICE candidates",
        })
    }
}

/// Which candidate addresses the server may send ICE checks to, beyond public unicast ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CandidatePolicy {
    /// 127.0.0.0/8 and ::1: only for an installation (or a test) on loopback.
    pub allow_loopback: bool,
    /// RFC 1918, shared (100.64/10), link-local and unique-local ranges: only for an
    /// installation whose callers are on its own private network.
    pub allow_private: bool,
}

impl CandidatePolicy {
    /// May the server send to `address:port`?
    pub fn permits(&self, address: IpAddr, port: u16) -> bool {
        if port < 1024 {
            return false;
        }
        match AddressClass::of(address) {
            AddressClass::Public => true,
            AddressClass::Loopback => self.allow_loopback,
            AddressClass::Private => self.allow_private,
            AddressClass::Never => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AddressClass {
    Public,
    Loopback,
    Private,
    /// Multicast, broadcast, unspecified, documentation and reserved: never a peer.
    Never,
}

impl AddressClass {
    fn of(address: IpAddr) -> AddressClass {
        match address {
            IpAddr::V4(address) => AddressClass::of_v4(address),
            IpAddr::V6(address) => match address.to_ipv4_mapped() {
                Some(mapped) => AddressClass::of_v4(mapped),
                None => AddressClass::of_v6(address),
            },
        }
    }

    fn of_v4(address: Ipv4Addr) -> AddressClass {
        let [first, second, ..] = address.octets();
        if address.is_unspecified()
            || address.is_broadcast()
            || address.is_multicast()
            || address.is_documentation()
            || first == 0
            || first >= 240
        {
            AddressClass::Never
        } else if address.is_loopback() {
            AddressClass::Loopback
        } else if address.is_private()
            || address.is_link_local()
            || (first == 100 && (64..128).contains(&second))
        {
            AddressClass::Private
        } else {
            AddressClass::Public
        }
    }

    fn of_v6(address: Ipv6Addr) -> AddressClass {
        let first = address.segments()[0];
        if address.is_unspecified()
            || address.is_multicast()
            || (first == 0x2001 && address.segments()[1] == 0x0db8)
        {
            AddressClass::Never
        } else if address.is_loopback() {
            AddressClass::Loopback
        } else if (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80 {
            AddressClass::Private
        } else {
            AddressClass::Public
        }
    }
}

/// An SDP that went through [`screen`]: bounded, with only candidates the server may reach,
/// and carrying G.711 audio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenedSdp {
    sdp: String,
    formats: AudioFormats,
    dropped_candidates: usize,
}

impl ScreenedSdp {
    pub fn as_str(&self) -> &str {
        &self.sdp
    }

    pub fn into_string(self) -> String {
        self.sdp
    }

    /// The first audio section's G.711 codecs and telephone-event.
    pub fn formats(&self) -> &AudioFormats {
        &self.formats
    }

    /// How many `a=candidate` lines were dropped by the policy.
    pub fn dropped_candidates(&self) -> usize {
        self.dropped_candidates
    }
}

/// Screens a browser's SDP (see the module header).
pub fn screen(
    sdp: &str,
    limits: &SdpLimits,
    policy: CandidatePolicy,
) -> Result<ScreenedSdp, BrowserSdpError> {
    let over = |limit, max| Err(BrowserSdpError::OverLimit { limit, max });
    if sdp.len() > limits.max_bytes {
        return over(SdpLimit::Bytes, limits.max_bytes);
    }
    let line_ending = line_ending(sdp);
    let mut kept = String::with_capacity(sdp.len());
    let (mut lines, mut media_sections, mut candidates, mut dropped_candidates) = (0, 0, 0, 0);
    for line in sdp.lines() {
        lines += 1;
        if lines > limits.max_lines {
            return over(SdpLimit::Lines, limits.max_lines);
        }
        if line.len() > limits.max_line_bytes {
            return over(SdpLimit::LineBytes, limits.max_line_bytes);
        }
        if line.starts_with("m=") {
            media_sections += 1;
            if media_sections > limits.max_media_sections {
                return over(SdpLimit::MediaSections, limits.max_media_sections);
            }
            if line.split_whitespace().skip(3).count() > limits.max_formats_per_media {
                return over(SdpLimit::FormatsPerMedia, limits.max_formats_per_media);
            }
        }
        if let Some(candidate) = line.strip_prefix("a=candidate:") {
            candidates += 1;
            if candidates > limits.max_candidates {
                return over(SdpLimit::Candidates, limits.max_candidates);
            }
            if !candidate_permitted(candidate, policy) {
                dropped_candidates += 1;
                continue;
            }
        }
        kept.push_str(line);
        kept.push_str(line_ending);
    }
    let sdp = with_static_rtpmaps(&strip_wideband_telephone_events(&kept), line_ending);
    let formats = AudioFormats::read(&sdp)?;
    Ok(ScreenedSdp {
        sdp,
        formats,
        dropped_candidates,
    })
}

/// `<foundation> <component> <transport> <priority> <address> <port> typ <type> …`
fn candidate_permitted(candidate: &str, policy: CandidatePolicy) -> bool {
    let mut fields = candidate.split_whitespace();
    let transport = fields.nth(2);
    let address = fields
        .nth(1)
        .and_then(|address| address.parse::<IpAddr>().ok());
    let port = fields.next().and_then(|port| port.parse::<u16>().ok());
    match (transport, address, port) {
        (Some(transport), Some(address), Some(port)) => {
            transport.eq_ignore_ascii_case("udp") && policy.permits(address, port)
        }
        _ => false,
    }
}

/// Adds `a=rtpmap:0 PCMU/8000` / `a=rtpmap:8 PCMA/8000` at the end of each audio section that
/// lists the static payload type without mapping it: RFC 3551 makes the mapping implicit, but
/// webrtc-rs matches codecs by their rtpmap and would otherwise fail to answer.
fn with_static_rtpmaps(sdp: &str, line_ending: &str) -> String {
    let mut out = String::with_capacity(sdp.len() + 64);
    let mut missing: Vec<Codec> = Vec::new();
    let flush = |out: &mut String, missing: &mut Vec<Codec>| {
        for codec in missing.drain(..) {
            let (payload_type, name) = match codec {
                Codec::Pcmu => (0, "PCMU"),
                Codec::Pcma => (8, "PCMA"),
            };
            out.push_str(&format!("a=rtpmap:{payload_type} {name}/8000{line_ending}"));
        }
    };
    for line in sdp.lines() {
        if line.starts_with("m=") {
            flush(&mut out, &mut missing);
            if line.starts_with("m=audio") {
                let mut listed = PayloadTypeSet::default();
                for format in line.split_whitespace().skip(3) {
                    if let Ok(payload_type) = format.parse::<u8>()
                        && listed.insert(payload_type)
                    {
                        missing.extend(
                            [Codec::Pcmu, Codec::Pcma]
                                .into_iter()
                                .filter(|codec| codec.payload_type() == payload_type),
                        );
                    }
                }
            }
        } else if let Some(payload_type) = line
            .strip_prefix("a=rtpmap:")
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|payload_type| payload_type.parse::<u8>().ok())
        {
            missing.retain(|codec| codec.payload_type() != payload_type);
        }
        out.push_str(line);
        out.push_str(line_ending);
    }
    flush(&mut out, &mut missing);
    out
}

#[cfg(test)]
mod tests;
