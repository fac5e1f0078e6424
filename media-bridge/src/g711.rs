//! G.711 companding (ITU-T G.711): μ-law (PCMU, RTP payload type 0) and A-law (PCMA, payload
//! type 8), one byte per 16-bit linear sample at 8 kHz.
//!
//! Model: a G.711 byte is a sign, a 3-bit segment (a power-of-two range) and a 4-bit position
//! inside it, so the quantization step grows with the magnitude and the relative error stays
//! around 3 %. The bit patterns are the classic reference ones (Sun's `g711.c`): μ-law bytes
//! are stored inverted, A-law bytes have their even bits flipped (XOR 0x55), which is why the
//! silence bytes are 0xFF and 0xD5 rather than 0x00.
//!
//! Invariants: encoding is monotonic (a louder sample never encodes to a quieter byte), and
//! decoding then encoding a byte gives the same byte back (except μ-law's negative zero 0x7F,
//! which encodes to 0xFF).

/// The two G.711 laws. Browsers (Chromium) and most trunks agree on PCMU, so the bridge
/// forwards without transcoding; PCMA is for trunks that insist on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Codec {
    Pcmu,
    Pcma,
}

impl Codec {
    /// The static RTP payload type of RFC 3551.
    pub fn payload_type(self) -> u8 {
        match self {
            Codec::Pcmu => 0,
            Codec::Pcma => 8,
        }
    }

    /// The byte that decodes to 0 — what to send when there is nothing to say.
    pub fn silence(self) -> u8 {
        match self {
            Codec::Pcmu => MULAW_SILENCE,
            Codec::Pcma => ALAW_SILENCE,
        }
    }

    pub fn encode(self, sample: i16) -> u8 {
        match self {
            Codec::Pcmu => mulaw_encode(sample),
            Codec::Pcma => alaw_encode(sample),
        }
    }

    pub fn decode(self, byte: u8) -> i16 {
        match self {
            Codec::Pcmu => mulaw_decode(byte),
            Codec::Pcma => alaw_decode(byte),
        }
    }

    /// Encodes `samples` into `out` (appending), one byte per sample.
    pub fn encode_into(self, samples: &[i16], out: &mut Vec<u8>) {
        out.extend(samples.iter().map(|&sample| self.encode(sample)));
    }

    /// Rewrites `bytes`, encoded in `self`, as `to` encodes the same samples.
    pub fn recode_in_place(self, to: Codec, bytes: &mut [u8]) {
        if self != to {
            for byte in bytes {
                *byte = to.encode(self.decode(*byte));
            }
        }
    }
}

pub const MULAW_SILENCE: u8 = 0xFF;
pub const ALAW_SILENCE: u8 = 0xD5;

/// μ-law adds this bias so that every segment boundary falls on a power of two.
const MULAW_BIAS: i32 = 0x84;
/// The largest magnitude μ-law can represent once the bias is added without overflowing 15 bits.
const MULAW_CLIP: i32 = 32635;

pub fn mulaw_encode(sample: i16) -> u8 {
    let sample = i32::from(sample);
    let sign = if sample < 0 { 0x80 } else { 0x00 };
    let magnitude = sample.unsigned_abs().min(MULAW_CLIP as u32) as i32 + MULAW_BIAS;
    // The segment is the position of the highest set bit above bit 7 (bits 7..=14).
    let highest_bit = 31 - magnitude.leading_zeros() as i32;
    let segment = highest_bit - 7;
    let position = (magnitude >> (segment + 3)) & 0x0F;
    !(sign | (segment << 4) as u8 | position as u8)
}

pub fn mulaw_decode(byte: u8) -> i16 {
    let byte = !byte;
    let segment = i32::from((byte >> 4) & 0x07);
    let position = i32::from(byte & 0x0F);
    // The bias holds the half-step too, so decoding lands in the middle of the step.
    let magnitude = (((position << 3) + MULAW_BIAS) << segment) - MULAW_BIAS;
    let value = if byte & 0x80 != 0 {
        -magnitude
    } else {
        magnitude
    };
    value as i16
}

/// Upper bounds of the eight A-law segments, on the 13-bit magnitude.
const ALAW_SEGMENT_ENDS: [i32; 8] = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF];

pub fn alaw_encode(sample: i16) -> u8 {
    // A-law works on 13 bits; the three lowest bits are below its resolution.
    let sample = i32::from(sample) >> 3;
    let (mask, magnitude) = if sample >= 0 {
        (0xD5, sample)
    } else {
        // One's complement keeps -1 (just below zero) in the smallest step.
        (0x55, -sample - 1)
    };
    let Some(segment) = ALAW_SEGMENT_ENDS.iter().position(|&end| magnitude <= end) else {
        return 0x7F ^ mask;
    };
    let shift = if segment < 2 { 1 } else { segment as i32 };
    let position = (magnitude >> shift) & 0x0F;
    (((segment as i32) << 4) | position) as u8 ^ mask
}

pub fn alaw_decode(byte: u8) -> i16 {
    let byte = byte ^ 0x55;
    let position = i32::from(byte & 0x0F) << 4;
    let segment = i32::from((byte >> 4) & 0x07);
    // The added 8 (or 0x108, with the segment's implicit leading one) is the half-step.
    let magnitude = match segment {
        0 => position + 8,
        1 => position + 0x108,
        _ => (position + 0x108) << (segment - 1),
    };
    let value = if byte & 0x80 != 0 {
        magnitude
    } else {
        -magnitude
    };
    value as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_encodes_to_the_documented_bytes() {
        assert_eq!(mulaw_encode(0), 0xFF);
        assert_eq!(alaw_encode(0), 0xD5);
        assert_eq!(Codec::Pcmu.silence(), Codec::Pcmu.encode(0));
        assert_eq!(Codec::Pcma.silence(), Codec::Pcma.encode(0));
        assert_eq!(mulaw_decode(0xFF), 0);
        assert_eq!(alaw_decode(0xD5), 8);
    }

    #[test]
    fn mulaw_matches_reference_values() {
        // Values from the ITU-T G.711 tables as reproduced by Sun's g711.c.
        assert_eq!(mulaw_decode(0x80), 32124);
        assert_eq!(mulaw_decode(0x00), -32124);
        assert_eq!(mulaw_decode(0x7F), 0);
        assert_eq!(mulaw_decode(0xFE), 8);
        assert_eq!(mulaw_decode(0xF0), 120);
        assert_eq!(mulaw_decode(0xEF), 132);
        assert_eq!(mulaw_encode(i16::MAX), 0x80);
        assert_eq!(mulaw_encode(i16::MIN), 0x00);
        assert_eq!(mulaw_encode(1000), 0xCE);
        assert_eq!(mulaw_encode(-1000), 0x4E);
    }

    #[test]
    fn alaw_matches_reference_values() {
        assert_eq!(alaw_decode(0xAA), 32256);
        assert_eq!(alaw_decode(0x2A), -32256);
        assert_eq!(alaw_decode(0x55), -8);
        assert_eq!(alaw_encode(i16::MAX), 0xAA);
        assert_eq!(alaw_encode(i16::MIN), 0x2A);
        assert_eq!(alaw_encode(-1), 0x55);
        assert_eq!(alaw_encode(1000), 0xFA);
        assert_eq!(alaw_encode(-1000), 0x7A);
    }

    #[test]
    fn every_byte_survives_decode_then_encode() {
        for byte in 0..=255u8 {
            assert_eq!(alaw_encode(alaw_decode(byte)), byte, "A-law {byte:#04x}");
            // 0x7F is μ-law's "negative zero": it decodes to 0, which encodes as 0xFF.
            let expected = if byte == 0x7F { 0xFF } else { byte };
            assert_eq!(
                mulaw_encode(mulaw_decode(byte)),
                expected,
                "μ-law {byte:#04x}"
            );
        }
    }

    #[test]
    fn round_trip_error_stays_within_half_a_step() {
        for sample in i16::MIN..=i16::MAX {
            let magnitude = i32::from(sample).abs();
            let mulaw_error =
                (i32::from(mulaw_decode(mulaw_encode(sample))) - i32::from(sample)).abs();
            if magnitude <= MULAW_CLIP {
                // Half a step of the sample's segment, which is at most 1/32 of (|x| + bias).
                assert!(
                    mulaw_error <= (magnitude + MULAW_BIAS) / 32 + 1,
                    "μ-law {sample}: error {mulaw_error}"
                );
            } else {
                assert!(mulaw_error <= 32768 - 32124, "μ-law clip {sample}");
            }
            let alaw_error =
                (i32::from(alaw_decode(alaw_encode(sample))) - i32::from(sample)).abs();
            assert!(
                alaw_error <= (magnitude / 32).max(8) + 1,
                "A-law {sample}: error {alaw_error}"
            );
        }
    }

    #[test]
    fn encoding_is_monotonic() {
        let mut previous = (i16::MIN, i16::MIN);
        for sample in i16::MIN..=i16::MAX {
            let decoded = (
                mulaw_decode(mulaw_encode(sample)),
                alaw_decode(alaw_encode(sample)),
            );
            assert!(decoded.0 >= previous.0, "μ-law not monotonic at {sample}");
            assert!(decoded.1 >= previous.1, "A-law not monotonic at {sample}");
            previous = decoded;
        }
    }

    #[test]
    fn codec_dispatches_to_the_right_law() {
        assert_eq!(Codec::Pcmu.payload_type(), 0);
        assert_eq!(Codec::Pcma.payload_type(), 8);
        let mut out = Vec::new();
        Codec::Pcma.encode_into(&[0, 1000], &mut out);
        Codec::Pcmu.encode_into(&[0, 1000], &mut out);
        assert_eq!(out, [0xD5, 0xFA, 0xFF, 0xCE]);
        assert_eq!(Codec::Pcmu.decode(0x80), 32124);
        assert_eq!(Codec::Pcma.decode(0xAA), 32256);
    }
}
