//! RTP packets (RFC 3550 §5.1).
//!
//! Model: [`RtpPacket::parse`] borrows the payload from the datagram and keeps the fixed header
//! and the CSRC list; a header extension is skipped (the bridge has no use for one) and padding
//! is removed, so `payload` is exactly the media. [`RtpHeader::write`] writes a header without
//! extension or padding.
//!
//! The bridge never forwards a packet's header: each leg sends its own stream (the trunk's
//! `RtpSender` and the browser's track number their packets themselves), so a source that
//! changes its SSRC mid-call cannot show through to the other leg.

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

#[cfg(test)]
mod tests;
