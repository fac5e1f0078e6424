//! The announcements that ship with the product (issue 4): the issuer's accept prompt, "the
//! issuer did not answer" and the Guild warning, the three of a destination's verification
//! call (issue 8), and a callback's request with the caller's number read digit by digit
//! (issue 10), in ko/en/ja/zh. They were synthesized once
//! with espeak-ng (`scripts/make-prompts.sh`) into 8 kHz mono WAV files under `prompts/`, and
//! are compiled into the binary, so a call never waits on a disk or a speech engine.
//! Issuers' own greetings (R15) will replace them per card in a later issue. A card's name,
//! which no recording can say, comes as a [`SpokenName`] made while the issuer's phone rings.

use std::sync::{Arc, OnceLock};

use crate::g711::Codec;
use crate::tone::{Frame, frames_from_wav};
use crate::wav::WavError;

/// Which announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prompt {
    /// To the issuer: "a call from your callcard; press 1 to accept, 2 to decline".
    Accept,
    /// To the caller: the issuer did not answer.
    NoAnswer,
    /// To both: the call time is almost over.
    Warning,
    /// Verification call: "enter the code shown on your screen".
    EnterCode,
    /// Verification call: the code was right.
    CodeConfirmed,
    /// Verification call: the code was wrong.
    CodeWrong,
    /// Callback, to the issuer: "a call request on your callcard, from" (the digits follow).
    CallbackRequest,
    /// Callback, to the issuer: "press 1 to accept and be connected, or 2 to decline".
    CallbackChoice,
    /// Callback, to the issuer who accepted: the number that asked is busy.
    CallerBusy,
    /// Callback, to the issuer who accepted: the number that asked could not be reached.
    CallerUnreachable,
}

impl Prompt {
    pub const ALL: [Prompt; 10] = [
        Prompt::Accept,
        Prompt::NoAnswer,
        Prompt::Warning,
        Prompt::EnterCode,
        Prompt::CodeConfirmed,
        Prompt::CodeWrong,
        Prompt::CallbackRequest,
        Prompt::CallbackChoice,
        Prompt::CallerBusy,
        Prompt::CallerUnreachable,
    ];
}

/// The languages the prompts are recorded in; anything else falls back to English.
pub const LANGUAGES: [&str; 4] = ["ko", "en", "ja", "zh"];

/// The recording `$name` in `$language`, English for a language it was not recorded in.
macro_rules! by_language {
    ($name:literal, $language:expr) => {
        match $language {
            "ko" => include_bytes!(concat!("../prompts/", $name, ".ko.wav")).as_slice(),
            "ja" => include_bytes!(concat!("../prompts/", $name, ".ja.wav")).as_slice(),
            "zh" => include_bytes!(concat!("../prompts/", $name, ".zh.wav")).as_slice(),
            _ => include_bytes!(concat!("../prompts/", $name, ".en.wav")).as_slice(),
        }
    };
}

fn wav(prompt: Prompt, language: &str) -> &'static [u8] {
    match prompt {
        Prompt::Accept => by_language!("accept", language),
        Prompt::NoAnswer => by_language!("no_answer", language),
        Prompt::Warning => by_language!("warning", language),
        Prompt::EnterCode => by_language!("enter_code", language),
        Prompt::CodeConfirmed => by_language!("code_confirmed", language),
        Prompt::CodeWrong => by_language!("code_wrong", language),
        Prompt::CallbackRequest => by_language!("callback_request", language),
        Prompt::CallbackChoice => by_language!("callback_choice", language),
        Prompt::CallerBusy => by_language!("caller_busy", language),
        Prompt::CallerUnreachable => by_language!("caller_unreachable", language),
    }
}

/// One spoken digit, `0`-`9`.
fn digit_wav(digit: u8, language: &str) -> &'static [u8] {
    match digit {
        0 => by_language!("digit_0", language),
        1 => by_language!("digit_1", language),
        2 => by_language!("digit_2", language),
        3 => by_language!("digit_3", language),
        4 => by_language!("digit_4", language),
        5 => by_language!("digit_5", language),
        6 => by_language!("digit_6", language),
        7 => by_language!("digit_7", language),
        8 => by_language!("digit_8", language),
        _ => by_language!("digit_9", language),
    }
}

/// A card's name as the callback prompt says it: 8 kHz samples that the server makes (speech
/// synthesis) while the issuer's phone rings. A prompt played before they are there goes
/// without the name; so does one whose name could not be made.
#[derive(Clone, Default)]
pub struct SpokenName(Arc<OnceLock<Arc<[i16]>>>);

impl SpokenName {
    /// Hands over the samples (the first time counts).
    pub fn set(&self, samples: Arc<[i16]>) {
        let _ = self.0.set(samples);
    }

    /// The samples, once they are there.
    pub fn get(&self) -> Option<&[i16]> {
        self.0.get().map(|samples| &samples[..])
    }
}

impl PartialEq for SpokenName {
    fn eq(&self, other: &SpokenName) -> bool {
        self.get() == other.get()
    }
}

impl Eq for SpokenName {}

impl std::fmt::Debug for SpokenName {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.get() {
            Some(samples) => write!(formatter, "SpokenName({} samples)", samples.len()),
            None => formatter.write_str("SpokenName(not yet)"),
        }
    }
}

/// The most digits a callback prompt reads (E.164 has at most 15).
const MAX_SPOKEN_DIGITS: usize = 20;
/// Silence after each spoken digit, so "0 1 0" does not run together.
const DIGIT_GAP_FRAMES: usize = 5;

/// A callback's prompt to the issuer (patent ¶80-83): the card's name when it is there (as a
/// title: "Hong Gildong. A call request on your callcard, from …", the one order that needs
/// no new recording in any language), the request, the caller's number read digit by digit
/// (`spoken`'s digits; anything else is skipped), and the choice.
pub fn callback_request(
    language: &str,
    card_name: Option<&[i16]>,
    spoken: &str,
    codec: Codec,
) -> Result<Vec<Frame>, WavError> {
    let silence: Frame = [codec.silence(); crate::tone::FRAME_SAMPLES];
    let mut prompt = Vec::new();
    if let Some(name) = card_name {
        prompt.extend(crate::tone::frames_from_samples(name, codec));
        prompt.extend(std::iter::repeat_n(silence, DIGIT_GAP_FRAMES * 2));
    }
    prompt.extend(frames(Prompt::CallbackRequest, language, codec)?);
    prompt.extend(std::iter::repeat_n(silence, DIGIT_GAP_FRAMES));
    let digits = spoken
        .bytes()
        .filter(u8::is_ascii_digit)
        .take(MAX_SPOKEN_DIGITS);
    for digit in digits {
        prompt.extend(frames_from_wav(digit_wav(digit - b'0', language), codec)?);
        prompt.extend(std::iter::repeat_n(silence, DIGIT_GAP_FRAMES));
    }
    prompt.extend(frames(Prompt::CallbackChoice, language, codec)?);
    Ok(prompt)
}

/// The prompt as 20 ms frames of `codec`, in `language` (a code like `ko`).
pub fn frames(prompt: Prompt, language: &str, codec: Codec) -> Result<Vec<Frame>, WavError> {
    frames_from_wav(wav(prompt, language), codec)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 10: the issuer who accepted a callback hears the whole reason its caller could not
    /// be reached before the call ends.
    #[test]
    fn why_the_caller_is_unreachable_is_said_before_the_call_ends() {
        let telling = crate::call::CallConfig::default().telling_why;
        for prompt in [Prompt::CallerBusy, Prompt::CallerUnreachable] {
            for language in LANGUAGES {
                let frames = frames(prompt, language, Codec::Pcmu).unwrap();
                let lasts = std::time::Duration::from_millis(20 * frames.len() as u64);
                assert!(lasts < telling, "{prompt:?} in {language} lasts {lasts:?}");
            }
        }
    }

    #[test]
    fn every_prompt_parses_in_every_language_and_lasts_a_few_seconds() {
        for prompt in Prompt::ALL {
            for language in LANGUAGES {
                let frames = frames(prompt, language, Codec::Pcmu).unwrap();
                // 50 frames a second: between 1 and 15 seconds of speech.
                assert!(
                    (50..=750).contains(&frames.len()),
                    "{prompt:?} in {language}: {} frames",
                    frames.len()
                );
                let silence = Codec::Pcmu.silence();
                assert!(
                    frames.iter().flatten().any(|&byte| byte != silence),
                    "{prompt:?} in {language} is not silent"
                );
            }
        }
    }

    #[test]
    fn every_digit_is_a_short_word_in_every_language() {
        for language in LANGUAGES {
            for digit in 0..=9 {
                let frames = frames_from_wav(digit_wav(digit, language), Codec::Pcmu).unwrap();
                // 10 to 75 frames: a fifth of a second to a second and a half.
                assert!(
                    (10..=75).contains(&frames.len()),
                    "{digit} in {language}: {} frames",
                    frames.len()
                );
            }
            assert_ne!(digit_wav(1, language), digit_wav(2, language));
        }
        assert_ne!(digit_wav(7, "ko"), digit_wav(7, "en"));
    }

    #[test]
    fn a_callback_prompt_reads_each_digit_between_the_request_and_the_choice() {
        let frames_of = |prompt| frames(prompt, "ko", Codec::Pcmu).unwrap();
        let digit = |d| frames_from_wav(digit_wav(d, "ko"), Codec::Pcmu).unwrap();
        let prompt = callback_request("ko", None, "010-12", Codec::Pcmu).unwrap();
        let request = frames_of(Prompt::CallbackRequest);
        let choice = frames_of(Prompt::CallbackChoice);
        assert_eq!(prompt[..request.len()], request[..]);
        assert_eq!(prompt[prompt.len() - choice.len()..], choice[..]);
        let spoken: usize = [0, 1, 0, 1, 2].iter().map(|d| digit(*d).len()).sum();
        assert_eq!(
            prompt.len(),
            request.len() + spoken + 6 * DIGIT_GAP_FRAMES + choice.len(),
            "five digits, the `-` skipped, a gap after the request and each digit"
        );
        // Bounded whatever the caller typed: 20 digits at most.
        let long = callback_request("ko", None, &"9".repeat(1_000), Codec::Pcmu).unwrap();
        let nine = digit(9).len();
        assert_eq!(
            long.len(),
            request.len()
                + DIGIT_GAP_FRAMES
                + MAX_SPOKEN_DIGITS * (nine + DIGIT_GAP_FRAMES)
                + choice.len()
        );
    }

    #[test]
    fn a_callback_prompt_names_the_card_first_once_its_name_is_spoken() {
        let name = SpokenName::default();
        let without = callback_request("en", name.get(), "010", Codec::Pcmu).unwrap();
        // Half a second of a name (any samples: the prompt only places them).
        let samples: Arc<[i16]> = (0..4_000).map(|n| ((n % 64) * 256) as i16).collect();
        name.set(Arc::clone(&samples));
        assert_eq!(format!("{name:?}"), "SpokenName(4000 samples)");
        let with = callback_request("en", name.get(), "010", Codec::Pcmu).unwrap();
        let spoken = crate::tone::frames_from_samples(&samples, Codec::Pcmu);
        assert_eq!(spoken.len(), 25);
        assert_eq!(with[..spoken.len()], spoken[..], "the name comes first");
        assert_eq!(
            with[spoken.len() + 2 * DIGIT_GAP_FRAMES..],
            without[..],
            "then a pause and the prompt as it was"
        );
    }

    #[test]
    fn unknown_languages_fall_back_to_english() {
        assert_eq!(wav(Prompt::Warning, "fr"), wav(Prompt::Warning, "en"));
        assert_ne!(wav(Prompt::Warning, "ko"), wav(Prompt::Warning, "en"));
    }
}
