//! Sample-rate conversion of 16-bit PCM for audio made elsewhere at another rate (a card's name
//! synthesized at 22,050 Hz, issue 10) before it is played on a telephone leg at 8 kHz.
//!
//! A windowed-sinc interpolator: each output sample is the input around its position weighed
//! by a low-pass kernel whose cutoff sits just under the lower of the two Nyquist frequencies,
//! so what the 8 kHz line cannot carry is filtered out instead of folding back as noise. The
//! weights are normalised at every position, which keeps a constant signal constant. Pure.

/// Half the kernel's width, in samples of the lower rate: 16 gives a steep enough edge for
/// speech at a cost of ~100 multiplications per output sample from 22,050 Hz.
const HALF_WIDTH: f64 = 16.0;
/// The cutoff as a share of the lower Nyquist frequency: the transition band stays below it.
const CUTOFF: f64 = 0.9;

/// `samples` at `from_hz`, converted to `to_hz`.
pub fn resample(samples: &[i16], from_hz: u32, to_hz: u32) -> Vec<i16> {
    if from_hz == to_hz || samples.is_empty() || from_hz == 0 || to_hz == 0 {
        return samples.to_vec();
    }
    let step = f64::from(from_hz) / f64::from(to_hz);
    // Cutoff in cycles per input sample; the kernel widens as it narrows.
    let cutoff = 0.5 * CUTOFF * f64::min(1.0, 1.0 / step);
    let half = HALF_WIDTH * f64::max(1.0, step);
    let output_len = (samples.len() as f64 / step).floor() as usize;
    (0..output_len)
        .map(|index| {
            let position = index as f64 * step;
            let first = (position - half).ceil().max(0.0) as usize;
            let last = ((position + half).floor() as usize).min(samples.len() - 1);
            let (mut sum, mut weights) = (0.0, 0.0);
            for (offset, &sample) in samples[first..=last].iter().enumerate() {
                let distance = (first + offset) as f64 - position;
                let weight = kernel(distance, cutoff, half);
                sum += weight * f64::from(sample);
                weights += weight;
            }
            let value = if weights.abs() > f64::EPSILON {
                sum / weights
            } else {
                0.0
            };
            value
                .round()
                .clamp(f64::from(i16::MIN), f64::from(i16::MAX)) as i16
        })
        .collect()
}

/// A low-pass sinc at `cutoff` (cycles per sample) under a Hann window `half` samples wide.
fn kernel(distance: f64, cutoff: f64, half: f64) -> f64 {
    if distance.abs() >= half {
        return 0.0;
    }
    let x = 2.0 * cutoff * distance;
    let sinc = if x.abs() < 1e-12 {
        1.0
    } else {
        (std::f64::consts::PI * x).sin() / (std::f64::consts::PI * x)
    };
    let window = 0.5 * (1.0 + (std::f64::consts::PI * distance / half).cos());
    sinc * window
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(frequency_hz: f64, rate_hz: u32, seconds: f64, amplitude: f64) -> Vec<i16> {
        let count = (f64::from(rate_hz) * seconds) as usize;
        (0..count)
            .map(|n| {
                let t = n as f64 / f64::from(rate_hz);
                (amplitude * (2.0 * std::f64::consts::PI * frequency_hz * t).sin()) as i16
            })
            .collect()
    }

    fn rms(samples: &[i16]) -> f64 {
        let sum: f64 = samples.iter().map(|&s| f64::from(s).powi(2)).sum();
        (sum / samples.len() as f64).sqrt()
    }

    /// Sign changes per second, halved: the frequency of a pure tone.
    fn frequency(samples: &[i16], rate_hz: u32) -> f64 {
        let crossings = samples
            .windows(2)
            .filter(|pair| (pair[0] < 0) != (pair[1] < 0))
            .count();
        crossings as f64 / 2.0 / (samples.len() as f64 / f64::from(rate_hz))
    }

    #[test]
    fn speech_band_tones_keep_their_pitch_and_loudness() {
        for frequency_hz in [300.0, 1_000.0, 3_000.0] {
            let input = tone(frequency_hz, 22_050, 1.0, 10_000.0);
            let output = resample(&input, 22_050, 8_000);
            assert_eq!(output.len(), 8_000);
            // The edges lack half a kernel of input: measure the middle.
            let middle = &output[200..7_800];
            let heard = frequency(middle, 8_000);
            assert!(
                (heard - frequency_hz).abs() < frequency_hz * 0.01,
                "{frequency_hz} → {heard}"
            );
            let ratio = rms(middle) / rms(&input[550..21_450]);
            assert!(
                (0.95..1.05).contains(&ratio),
                "{frequency_hz} Hz loudness × {ratio}"
            );
        }
    }

    #[test]
    fn what_an_8_khz_line_cannot_carry_is_filtered_not_folded_back() {
        // 6 kHz would fold back to 2 kHz at 8 kHz: it must come out near silent.
        let input = tone(6_000.0, 22_050, 1.0, 10_000.0);
        let output = resample(&input, 22_050, 8_000);
        let ratio = rms(&output[200..7_800]) / rms(&input);
        assert!(ratio < 0.02, "6 kHz leaks through × {ratio}");
    }

    #[test]
    fn a_constant_stays_constant_and_nothing_overflows() {
        let output = resample(&[i16::MAX; 2_205], 22_050, 8_000);
        assert!(output.iter().all(|&s| s == i16::MAX), "{:?}", &output[..4]);
        assert_eq!(resample(&[], 22_050, 8_000), Vec::<i16>::new());
        assert_eq!(resample(&[1, 2, 3], 8_000, 8_000), vec![1, 2, 3]);
        // Up-sampling works too, at the other rate's Nyquist.
        let up = resample(&tone(1_000.0, 8_000, 0.5, 8_000.0), 8_000, 16_000);
        assert_eq!(up.len(), 8_000);
        assert!((frequency(&up[200..7_800], 16_000) - 1_000.0).abs() < 10.0);
    }
}
