//! RTP packets (RFC 3550 §5.1) and the rewriting that forwards one leg's stream onto another.
//!
//! Model: [`RtpPacket::parse`] borrows the payload from the datagram and keeps the fixed header
//! and the CSRC list; a header extension is skipped (the bridge has no use for one) and padding
//! is removed, so `payload` is exactly the media. [`RtpHeader::write`] writes a header without
//! extension or padding.
//!
//! [`StreamRewriter`] is what keeps SSRCs right across the bridge: every packet leaves with OUR
//! SSRC, and sequence numbers and timestamps that continue without a jump even when the source
//! changes its SSRC mid-call (trunks do, e.g. after a re-INVITE or a media server switch).
//! Invariants: within one source, distances between packets are preserved (reordering and loss
//! show through unchanged); at a source change the output advances by exactly one sequence
//! number and one packet duration; empty payloads are dropped (Chromium sends a few zero-length
//! PT 0 packets per call) without leaving a hole in the outgoing sequence numbers.

/// The smallest RTP packet: the 12-byte fixed header.
pub const FIXED_HEADER_LEN: usize = 12;
/// 20 ms of G.711 at 8 kHz: the samples (and bytes) in one packet, and its timestamp advance.
pub const G711_SAMPLES_PER_PACKET: u32 = 160;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RtpError {
    #[error("an RTP packet needs at least 12 bytes, got {len}")]
    TooShort { len: usize },
    #[error("RTP version {version} is not 2")]
    WrongVersion { version: u8 },
    #[error("the packet ends inside its list of {count} CSRCs")]
    CsrcListTruncated { count: usize },
    #[error("the packet ends inside its header extension")]
    ExtensionTruncated,
    #[error("padding of {padding} bytes is longer than the {available} bytes after the header")]
    BadPadding { padding: usize, available: usize },
    #[error("a packet carries at most 15 CSRCs, not {count}")]
    TooManyCsrcs { count: usize },
}

/// The header fields the bridge reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RtpHeader {
    pub marker: bool,
    pub payload_type: u8,
    pub sequence_number: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    pub csrc: Vec<u32>,
}

/// A parsed packet: its header and its media, borrowed from the datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    pub header: RtpHeader,
    pub payload: &'a [u8],
}

impl<'a> RtpPacket<'a> {
    pub fn parse(datagram: &'a [u8]) -> Result<RtpPacket<'a>, RtpError> {
        if datagram.len() < FIXED_HEADER_LEN {
            return Err(RtpError::TooShort {
                len: datagram.len(),
            });
        }
        let version = datagram[0] >> 6;
        if version != 2 {
            return Err(RtpError::WrongVersion { version });
        }
        let has_padding = datagram[0] & 0x20 != 0;
        let has_extension = datagram[0] & 0x10 != 0;
        let csrc_count = usize::from(datagram[0] & 0x0F);
        let word = |at: usize| {
            u32::from_be_bytes([
                datagram[at],
                datagram[at + 1],
                datagram[at + 2],
                datagram[at + 3],
            ])
        };

        let mut offset = FIXED_HEADER_LEN;
        if datagram.len() < offset + 4 * csrc_count {
            return Err(RtpError::CsrcListTruncated { count: csrc_count });
        }
        let csrc = (0..csrc_count)
            .map(|index| word(offset + 4 * index))
            .collect();
        offset += 4 * csrc_count;

        if has_extension {
            // 16-bit profile id, 16-bit length in 32-bit words, then the words.
            if datagram.len() < offset + 4 {
                return Err(RtpError::ExtensionTruncated);
            }
            let words = usize::from(u16::from_be_bytes([
                datagram[offset + 2],
                datagram[offset + 3],
            ]));
            offset += 4 + 4 * words;
            if datagram.len() < offset {
                return Err(RtpError::ExtensionTruncated);
            }
        }

        let mut end = datagram.len();
        if has_padding {
            // The last byte counts the padding, itself included; zero is invalid.
            let padding = usize::from(datagram[end - 1]);
            let available = end - offset;
            if padding == 0 || padding > available {
                return Err(RtpError::BadPadding { padding, available });
            }
            end -= padding;
        }

        Ok(RtpPacket {
            header: RtpHeader {
                marker: datagram[1] & 0x80 != 0,
                payload_type: datagram[1] & 0x7F,
                sequence_number: u16::from_be_bytes([datagram[2], datagram[3]]),
                timestamp: word(4),
                ssrc: word(8),
                csrc,
            },
            payload: &datagram[offset..end],
        })
    }
}

impl RtpHeader {
    /// Appends this header and `payload` to `out` as one datagram (no extension, no padding).
    pub fn write(&self, payload: &[u8], out: &mut Vec<u8>) -> Result<(), RtpError> {
        if self.csrc.len() > 15 {
            return Err(RtpError::TooManyCsrcs {
                count: self.csrc.len(),
            });
        }
        out.reserve(FIXED_HEADER_LEN + 4 * self.csrc.len() + payload.len());
        out.push(0x80 | self.csrc.len() as u8);
        out.push(u8::from(self.marker) << 7 | (self.payload_type & 0x7F));
        out.extend_from_slice(&self.sequence_number.to_be_bytes());
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        for csrc in &self.csrc {
            out.extend_from_slice(&csrc.to_be_bytes());
        }
        out.extend_from_slice(payload);
        Ok(())
    }
}

/// Is sequence number `a` newer than `b`, across the 16-bit wrap (RFC 3550 appendix A.1)?
pub fn sequence_is_newer(a: u16, b: u16) -> bool {
    a != b && a.wrapping_sub(b) < 0x8000
}

/// Packets of the source we switched away from are stragglers during this many packets of
/// the new source; after that the old SSRC counts as a new source again (a trunk switching
/// back).
const STRAGGLER_WINDOW_PACKETS: u32 = 50;

/// Forwards one incoming stream onto an outgoing stream that is ours (see the module header).
#[derive(Debug, Clone)]
pub struct StreamRewriter {
    ssrc: u32,
    samples_per_packet: u32,
    /// Where the outgoing stream starts (chosen at random by the driver).
    first_sequence_number: u16,
    first_timestamp: u32,
    source: Option<Source>,
    previous_source_ssrc: Option<u32>,
}

/// How one incoming source maps onto the outgoing stream.
#[derive(Debug, Clone)]
struct Source {
    ssrc: u32,
    sequence_offset: u16,
    timestamp_offset: u32,
    newest_sequence_number: u16,
    newest_timestamp: u32,
    packets_forwarded: u32,
}

impl Source {
    fn outgoing_sequence_number(&self, incoming: u16) -> u16 {
        incoming.wrapping_add(self.sequence_offset)
    }

    fn outgoing_timestamp(&self, incoming: u32) -> u32 {
        incoming.wrapping_add(self.timestamp_offset)
    }
}

impl StreamRewriter {
    /// `ssrc`, `first_sequence_number` and `first_timestamp` should be random (RFC 3550 §5.1);
    /// the driver draws them, this core has no randomness. `samples_per_packet` is the
    /// timestamp advance of one packet (160 for 20 ms G.711).
    pub fn new(
        ssrc: u32,
        first_sequence_number: u16,
        first_timestamp: u32,
        samples_per_packet: u32,
    ) -> StreamRewriter {
        StreamRewriter {
            ssrc,
            samples_per_packet,
            first_sequence_number,
            first_timestamp,
            source: None,
            previous_source_ssrc: None,
        }
    }

    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }

    /// The header to send `packet`'s payload with, or `None` when it must not be forwarded
    /// (empty payload, or a straggler from the source we switched away from).
    pub fn rewrite(&mut self, packet: &RtpPacket<'_>) -> Option<RtpHeader> {
        let incoming = &packet.header;
        let is_current = self
            .source
            .as_ref()
            .is_some_and(|source| source.ssrc == incoming.ssrc);
        if !is_current {
            if self.is_straggler(incoming.ssrc) {
                return None;
            }
            self.switch_to(incoming);
        }
        let source = self.source.as_mut()?;
        let in_order = sequence_is_newer(incoming.sequence_number, source.newest_sequence_number);
        if packet.payload.is_empty() {
            if in_order {
                // Close the gap: the next packet takes this one's outgoing sequence number.
                source.sequence_offset = source.sequence_offset.wrapping_sub(1);
                source.newest_sequence_number = incoming.sequence_number;
            }
            return None;
        }
        if in_order {
            source.newest_sequence_number = incoming.sequence_number;
            source.newest_timestamp = incoming.timestamp;
        }
        source.packets_forwarded = source.packets_forwarded.saturating_add(1);
        Some(RtpHeader {
            marker: incoming.marker,
            payload_type: incoming.payload_type,
            sequence_number: source.outgoing_sequence_number(incoming.sequence_number),
            timestamp: source.outgoing_timestamp(incoming.timestamp),
            ssrc: self.ssrc,
            csrc: Vec::new(),
        })
    }

    fn is_straggler(&self, ssrc: u32) -> bool {
        self.previous_source_ssrc == Some(ssrc)
            && self
                .source
                .as_ref()
                .is_some_and(|source| source.packets_forwarded < STRAGGLER_WINDOW_PACKETS)
    }

    /// Re-bases a new source so that its first packet follows the last one sent: one sequence
    /// number and one packet duration later.
    fn switch_to(&mut self, incoming: &RtpHeader) {
        let (next_sequence_number, next_timestamp) = match &self.source {
            None => (self.first_sequence_number, self.first_timestamp),
            Some(previous) => (
                previous
                    .outgoing_sequence_number(previous.newest_sequence_number)
                    .wrapping_add(1),
                previous
                    .outgoing_timestamp(previous.newest_timestamp)
                    .wrapping_add(self.samples_per_packet),
            ),
        };
        self.previous_source_ssrc = self.source.as_ref().map(|source| source.ssrc);
        // `newest_*` start one packet before the first so that it counts as in order.
        self.source = Some(Source {
            ssrc: incoming.ssrc,
            sequence_offset: next_sequence_number.wrapping_sub(incoming.sequence_number),
            timestamp_offset: next_timestamp.wrapping_sub(incoming.timestamp),
            newest_sequence_number: incoming.sequence_number.wrapping_sub(1),
            newest_timestamp: incoming.timestamp,
            packets_forwarded: 0,
        });
    }
}

#[cfg(test)]
mod tests;
