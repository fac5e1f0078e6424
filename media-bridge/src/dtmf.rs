//! DTMF as RFC 4733 telephone events: the 4-byte payload, sending one key press, and turning
//! received packets back into key presses.
//!
//! Model: one key press is one *event*, identified by the RTP timestamp of its start; every
//! packet of the event carries that same timestamp and a duration that grows from the start.
//! The sender marks the first packet, sends an update each packet interval and repeats the
//! final ("end") packet three times, because end packets are the ones loss must not swallow.
//! The receiver reports each event exactly once, as soon as any of its packets arrives (so a
//! lost start packet, or three end packets, still make one digit); packets of an event older
//! than the newest one seen are late duplicates and are ignored.

use std::time::Duration;

mod dial;

pub use dial::{DialStep, DialString, DialStringError, KeyTiming};

pub const PAYLOAD_LEN: usize = 4;
/// The RFC's recommended volume (in -dBm0) when the sender has no better idea.
pub const DEFAULT_VOLUME: u8 = 10;
/// How often an event is updated, and the clock the durations count in (telephone-event/8000).
pub const PACKET_INTERVAL: Duration = Duration::from_millis(20);
pub const CLOCK_RATE: u32 = 8_000;
/// End packets are sent this many times (RFC 4733 §2.5.1.4).
pub const END_REPEATS: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DtmfError {
    #[error("a telephone-event payload has 4 bytes, got {len}")]
    TooShort { len: usize },
    #[error("telephone event {event} is not a DTMF key")]
    NotADigit { event: u8 },
    #[error("{character:?} is not a DTMF key")]
    UnknownCharacter { character: char },
}

/// A key of the 16-key DTMF pad, in RFC 4733 event-code order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Digit {
    Zero,
    One,
    Two,
    Three,
    Four,
    Five,
    Six,
    Seven,
    Eight,
    Nine,
    Star,
    Pound,
    A,
    B,
    C,
    D,
}

const DIGITS: [Digit; 16] = [
    Digit::Zero,
    Digit::One,
    Digit::Two,
    Digit::Three,
    Digit::Four,
    Digit::Five,
    Digit::Six,
    Digit::Seven,
    Digit::Eight,
    Digit::Nine,
    Digit::Star,
    Digit::Pound,
    Digit::A,
    Digit::B,
    Digit::C,
    Digit::D,
];
const CHARACTERS: &[u8; 16] = b"0123456789*#ABCD";

impl Digit {
    pub const ALL: [Digit; 16] = DIGITS;

    /// The RFC 4733 event code (0-9, `*` = 10, `#` = 11, A-D = 12-15).
    pub fn event_code(self) -> u8 {
        self as u8
    }

    pub fn from_event_code(event: u8) -> Result<Digit, DtmfError> {
        DIGITS
            .get(usize::from(event))
            .copied()
            .ok_or(DtmfError::NotADigit { event })
    }

    pub fn as_char(self) -> char {
        char::from(CHARACTERS[self as usize])
    }

    /// Accepts `a`-`d` in either case, as keypads and SIP INFO bodies vary.
    pub fn from_char(character: char) -> Result<Digit, DtmfError> {
        let upper = character.to_ascii_uppercase();
        CHARACTERS
            .iter()
            .position(|&known| char::from(known) == upper)
            .map(|index| DIGITS[index])
            .ok_or(DtmfError::UnknownCharacter { character })
    }
}

/// One telephone-event payload (RFC 4733 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelephoneEvent {
    pub event: u8,
    pub end: bool,
    /// Power level in -dBm0, 0-63.
    pub volume: u8,
    /// Samples since the event started, in the RTP clock.
    pub duration: u16,
}

impl TelephoneEvent {
    pub fn parse(payload: &[u8]) -> Result<TelephoneEvent, DtmfError> {
        let &[event, flags, duration_high, duration_low, ..] = payload else {
            return Err(DtmfError::TooShort { len: payload.len() });
        };
        Ok(TelephoneEvent {
            event,
            end: flags & 0x80 != 0,
            // Bit 6 is reserved: ignored on receipt.
            volume: flags & 0x3F,
            duration: u16::from_be_bytes([duration_high, duration_low]),
        })
    }

    pub fn to_bytes(self) -> [u8; PAYLOAD_LEN] {
        let [duration_high, duration_low] = self.duration.to_be_bytes();
        [
            self.event,
            u8::from(self.end) << 7 | (self.volume & 0x3F),
            duration_high,
            duration_low,
        ]
    }

    pub fn digit(self) -> Result<Digit, DtmfError> {
        Digit::from_event_code(self.event)
    }
}

/// One packet of a key press to send: all packets of one press share the RTP timestamp of its
/// start; the driver gives each its own sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtmfPacket {
    /// Set on the first packet only: a new event starts.
    pub marker: bool,
    /// When to send it, after the first packet.
    pub send_after: Duration,
    pub payload: [u8; PAYLOAD_LEN],
}

/// The packets of one key press, in sending order (see the module header).
#[derive(Debug, Clone)]
pub struct DtmfSender {
    digit: Digit,
    volume: u8,
    total_samples: u16,
    samples_per_packet: u16,
    next_packet: usize,
    end_packets_sent: usize,
}

/// The longest event one packet's 16-bit duration can describe at 8 kHz (about 8.2 s).
const MAX_SAMPLES: u32 = u16::MAX as u32;

impl DtmfSender {
    /// A press of `digit` lasting `duration` (at least one packet interval, at most ~8 s).
    pub fn new(digit: Digit, duration: Duration) -> DtmfSender {
        let samples_per_packet = (CLOCK_RATE as u128 * PACKET_INTERVAL.as_millis() / 1000) as u16;
        let wanted = (CLOCK_RATE as u128 * duration.as_millis() / 1000) as u32;
        let total_samples = wanted.clamp(u32::from(samples_per_packet), MAX_SAMPLES) as u16;
        DtmfSender {
            digit,
            volume: DEFAULT_VOLUME,
            total_samples,
            samples_per_packet,
            next_packet: 0,
            end_packets_sent: 0,
        }
    }

    pub fn with_volume(mut self, volume: u8) -> DtmfSender {
        self.volume = volume.min(63);
        self
    }

    fn packet(&self, index: usize, duration: u16, end: bool) -> DtmfPacket {
        DtmfPacket {
            marker: index == 0,
            send_after: PACKET_INTERVAL * index as u32,
            payload: TelephoneEvent {
                event: self.digit.event_code(),
                end,
                volume: self.volume,
                duration,
            }
            .to_bytes(),
        }
    }
}

impl Iterator for DtmfSender {
    type Item = DtmfPacket;

    fn next(&mut self) -> Option<DtmfPacket> {
        if self.end_packets_sent == END_REPEATS {
            return None;
        }
        let index = self.next_packet;
        self.next_packet += 1;
        let elapsed = u32::from(self.samples_per_packet) * (index as u32 + 1);
        if elapsed < u32::from(self.total_samples) {
            return Some(self.packet(index, elapsed as u16, false));
        }
        self.end_packets_sent += 1;
        Some(self.packet(index, self.total_samples, true))
    }
}

/// Turns received telephone-event packets into one digit per key press.
#[derive(Debug, Clone, Default)]
pub struct DtmfReceiver {
    newest_event_timestamp: Option<u32>,
}

impl DtmfReceiver {
    pub fn new() -> DtmfReceiver {
        DtmfReceiver::default()
    }

    /// Feeds one packet (its RTP timestamp and payload); returns the digit when this packet is
    /// the first seen of a new key press.
    pub fn receive(
        &mut self,
        rtp_timestamp: u32,
        payload: &[u8],
    ) -> Result<Option<Digit>, DtmfError> {
        let event = TelephoneEvent::parse(payload)?;
        if let Some(newest) = self.newest_event_timestamp
            && !timestamp_is_newer(rtp_timestamp, newest)
        {
            return Ok(None);
        }
        let digit = event.digit()?;
        self.newest_event_timestamp = Some(rtp_timestamp);
        Ok(Some(digit))
    }
}

/// Is RTP timestamp `a` after `b`, across the 32-bit wrap?
fn timestamp_is_newer(a: u32, b: u32) -> bool {
    a != b && a.wrapping_sub(b) < 0x8000_0000
}

#[cfg(test)]
mod tests;
