//! Keys dialled after an answer (patent claim 7: `025561234;235` reaches extension 235): the
//! digits and pauses of an extension, and how long sending them takes — so the call's core can
//! keep time for them without a clock, and the driver sends them to the same timing.

use std::time::Duration;

use super::{Digit, DtmfError};

/// The longest dial string we send (the server's parser allows 20 keys and pauses).
pub const MAX_STEPS: usize = 20;

/// One step of a dial string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialStep {
    Key(Digit),
    /// `,`: wait before the next key (an IVR answering, a PBX picking the extension up).
    Pause,
}

/// An extension's keys, never empty, as the server's number parser writes them (`235`,
/// `,1#`: `0-9`, `*`, `#`, and `,` for a pause).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialString(Vec<DialStep>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialStringError {
    #[error("a dial string has 1 to {MAX_STEPS} keys and pauses, with at least one key")]
    Length,
    #[error(transparent)]
    Key(#[from] DtmfError),
}

/// How keys are sent: each key's tone, the silence after it, and a pause's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyTiming {
    pub tone: Duration,
    pub gap: Duration,
    pub pause: Duration,
}

impl Default for KeyTiming {
    /// 100 ms tones with 100 ms between them (ITU-T Q.24 asks for at least 40 + 40 ms), and
    /// two-second pauses, as phones dial `,`.
    fn default() -> KeyTiming {
        KeyTiming {
            tone: Duration::from_millis(100),
            gap: Duration::from_millis(100),
            pause: Duration::from_secs(2),
        }
    }
}

impl DialString {
    pub fn parse(text: &str) -> Result<DialString, DialStringError> {
        let steps = text
            .chars()
            .map(|c| match c {
                ',' => Ok(DialStep::Pause),
                c => Digit::from_char(c).map(DialStep::Key),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let has_key = steps.iter().any(|step| matches!(step, DialStep::Key(_)));
        if steps.len() > MAX_STEPS || !has_key {
            return Err(DialStringError::Length);
        }
        Ok(DialString(steps))
    }

    pub fn steps(&self) -> &[DialStep] {
        &self.0
    }

    /// From the first key's start to the end of the last key's gap.
    pub fn duration(&self, timing: &KeyTiming) -> Duration {
        self.0
            .iter()
            .map(|step| match step {
                DialStep::Key(_) => timing.tone + timing.gap,
                DialStep::Pause => timing.pause,
            })
            .sum()
    }
}

impl std::fmt::Display for DialString {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for step in &self.0 {
            let c = match step {
                DialStep::Key(digit) => digit.as_char(),
                DialStep::Pause => ',',
            };
            write!(formatter, "{c}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_number_parser_writes_and_writes_it_back() {
        for text in ["235", ",1#", "1,2*3#", "0"] {
            assert_eq!(DialString::parse(text).unwrap().to_string(), text);
        }
        for bad in ["", ",", ",,", "12x", &"1".repeat(21)] {
            assert!(DialString::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn its_duration_counts_every_tone_gap_and_pause() {
        let timing = KeyTiming::default();
        let keys = DialString::parse("23,5").unwrap();
        assert_eq!(
            keys.duration(&timing),
            Duration::from_millis(200 * 3 + 2_000)
        );
    }
}
