//! Audio the bridge plays itself, as ready-to-send 20 ms G.711 frames: the Guild warning tone
//! (generated) and announcements (shipped as 8 kHz WAV files, see [`crate::wav`]).
//!
//! Model: a [`Frame`] is one RTP payload — 160 samples, 20 ms at 8 kHz. Everything here is
//! computed once (at start-up or when an issuer uploads a greeting) and then only copied into
//! packets, so the per-packet path never encodes. A clip whose length is not a whole number of
//! frames is padded with the codec's silence byte.

use std::time::Duration;

use crate::g711::Codec;
use crate::wav::{self, WavError};

pub const SAMPLE_RATE: u32 = 8_000;
pub const FRAME_SAMPLES: usize = 160;
pub const FRAME_DURATION: Duration = Duration::from_millis(20);

/// One 20 ms G.711 payload.
pub type Frame = [u8; FRAME_SAMPLES];

/// Encodes `samples` into 20 ms frames, padding the last one with silence.
pub fn frames_from_samples(samples: &[i16], codec: Codec) -> Vec<Frame> {
    samples
        .chunks(FRAME_SAMPLES)
        .map(|chunk| {
            let mut frame = [codec.silence(); FRAME_SAMPLES];
            for (byte, &sample) in frame.iter_mut().zip(chunk) {
                *byte = codec.encode(sample);
            }
            frame
        })
        .collect()
}

/// Reads an announcement WAV (8 kHz mono 16-bit PCM) into frames ready to send.
pub fn frames_from_wav(bytes: &[u8], codec: Codec) -> Result<Vec<Frame>, WavError> {
    Ok(frames_from_samples(
        &wav::parse_pcm16_mono_8khz(bytes)?,
        codec,
    ))
}

/// The tone both parties hear before the Guild runs out: `beeps` beeps of `frequency_hz`,
/// each `beep` long, separated by `gap`.
#[derive(Debug, Clone, PartialEq)]
pub struct WarningTone {
    pub frequency_hz: f64,
    pub beep: Duration,
    pub gap: Duration,
    pub beeps: u32,
    /// Peak amplitude; a quarter of full scale is audible over speech without startling.
    pub amplitude: i16,
}

impl Default for WarningTone {
    fn default() -> WarningTone {
        WarningTone {
            frequency_hz: 440.0,
            beep: Duration::from_millis(200),
            gap: Duration::from_millis(200),
            beeps: 2,
            amplitude: i16::MAX / 4,
        }
    }
}

/// Beeps fade in and out over this many samples (5 ms) so that they do not click.
const FADE_SAMPLES: usize = 40;

impl WarningTone {
    /// The tone as 16-bit samples at 8 kHz.
    pub fn samples(&self) -> Vec<i16> {
        let beep_samples = samples_in(self.beep);
        let gap_samples = samples_in(self.gap);
        let mut out = Vec::new();
        for index in 0..self.beeps {
            if index > 0 {
                out.resize(out.len() + gap_samples, 0);
            }
            out.extend((0..beep_samples).map(|position| {
                let fade = position.min(beep_samples - 1 - position).min(FADE_SAMPLES) as f64
                    / FADE_SAMPLES as f64;
                let phase = std::f64::consts::TAU * self.frequency_hz * position as f64
                    / f64::from(SAMPLE_RATE);
                (phase.sin() * f64::from(self.amplitude) * fade).round() as i16
            }));
        }
        out
    }

    pub fn frames(&self, codec: Codec) -> Vec<Frame> {
        frames_from_samples(&self.samples(), codec)
    }
}

fn samples_in(duration: Duration) -> usize {
    (duration.as_micros() * u128::from(SAMPLE_RATE) / 1_000_000) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Zero crossings from negative to positive, which count the periods of a pure tone.
    fn upward_crossings(samples: &[i16]) -> usize {
        samples
            .windows(2)
            .filter(|pair| pair[0] < 0 && pair[1] >= 0)
            .count()
    }

    #[test]
    fn default_warning_is_two_200_ms_beeps_with_a_200_ms_gap() {
        let tone = WarningTone::default();
        let samples = tone.samples();
        assert_eq!(samples.len(), 3 * 1_600, "beep, gap, beep at 8 kHz");
        let (first, rest) = samples.split_at(1_600);
        let (gap, second) = rest.split_at(1_600);
        assert!(gap.iter().all(|&sample| sample == 0));
        // 440 Hz for 200 ms is 88 periods.
        for beep in [first, second] {
            assert!(
                (87..=88).contains(&upward_crossings(beep)),
                "{}",
                upward_crossings(beep)
            );
            let peak = beep.iter().map(|sample| sample.unsigned_abs()).max();
            assert!(peak > Some(8_000) && peak <= Some(i16::MAX as u16 / 4));
        }
        let frames = tone.frames(Codec::Pcmu);
        assert_eq!(frames.len(), 30);
        assert!(frames[10..20].iter().flatten().all(|&byte| byte == 0xFF));
        assert!(frames[0].iter().any(|&byte| byte != 0xFF));
    }

    #[test]
    fn beeps_fade_in_and_out_instead_of_clicking() {
        let samples = WarningTone::default().samples();
        assert_eq!(samples[0], 0);
        assert_eq!(samples[1_599], 0);
        assert!(
            samples[..10]
                .iter()
                .all(|sample| sample.unsigned_abs() < 2_000)
        );
    }

    #[test]
    fn short_clips_are_padded_with_the_codecs_silence() {
        let frames = frames_from_samples(&[1_000; 170], Codec::Pcma);
        assert_eq!(frames.len(), 2);
        assert!(frames[0].iter().all(|&byte| byte == 0xFA));
        assert_eq!(frames[1][..10], [0xFA; 10]);
        assert!(frames[1][10..].iter().all(|&byte| byte == 0xD5));
        assert!(frames_from_samples(&[], Codec::Pcmu).is_empty());
    }

    #[test]
    fn wav_announcements_become_20_ms_frames() {
        let samples: Vec<i16> = (0..400).map(|index| (index * 50) as i16 - 10_000).collect();
        let bytes = wav::write_pcm16(&samples, 1, 8_000);
        let frames = frames_from_wav(&bytes, Codec::Pcmu).expect("valid WAV");
        assert_eq!(frames.len(), 3, "400 samples = 2.5 frames, rounded up");
        assert_eq!(frames[0], frames_from_samples(&samples, Codec::Pcmu)[0]);
        assert_eq!(frames[1][0], Codec::Pcmu.encode(samples[160]));
        assert_eq!(frames[2][79], Codec::Pcmu.encode(samples[399]));
        assert_eq!(frames[2][80], 0xFF);
    }

    #[test]
    fn wav_in_another_format_is_refused_clearly() {
        let stereo = wav::write_pcm16(&[0; 320], 2, 8_000);
        assert_eq!(
            frames_from_wav(&stereo, Codec::Pcmu),
            Err(WavError::NotMono { channels: 2 })
        );
    }
}
