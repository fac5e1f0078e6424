//! The announcements that ship with the product (issue 4): the issuer's accept prompt, "the
//! issuer did not answer" and the Guild warning, and the three of a destination's
//! verification call (issue 8), in ko/en/ja/zh. They were synthesized once
//! with espeak-ng (`scripts/make-prompts.sh`) into 8 kHz mono WAV files under `prompts/`, and
//! are compiled into the binary, so a call never waits on a disk or a speech engine.
//! Issuers' own greetings (R15) will replace them per card in a later issue.

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
}

impl Prompt {
    pub const ALL: [Prompt; 6] = [
        Prompt::Accept,
        Prompt::NoAnswer,
        Prompt::Warning,
        Prompt::EnterCode,
        Prompt::CodeConfirmed,
        Prompt::CodeWrong,
    ];
}

/// The languages the prompts are recorded in; anything else falls back to English.
pub const LANGUAGES: [&str; 4] = ["ko", "en", "ja", "zh"];

fn wav(prompt: Prompt, language: &str) -> &'static [u8] {
    macro_rules! by_language {
        ($name:literal) => {
            match language {
                "ko" => include_bytes!(concat!("../prompts/", $name, ".ko.wav")).as_slice(),
                "ja" => include_bytes!(concat!("../prompts/", $name, ".ja.wav")).as_slice(),
                "zh" => include_bytes!(concat!("../prompts/", $name, ".zh.wav")).as_slice(),
                _ => include_bytes!(concat!("../prompts/", $name, ".en.wav")).as_slice(),
            }
        };
    }
    match prompt {
        Prompt::Accept => by_language!("accept"),
        Prompt::NoAnswer => by_language!("no_answer"),
        Prompt::Warning => by_language!("warning"),
        Prompt::EnterCode => by_language!("enter_code"),
        Prompt::CodeConfirmed => by_language!("code_confirmed"),
        Prompt::CodeWrong => by_language!("code_wrong"),
    }
}

/// The prompt as 20 ms frames of `codec`, in `language` (a code like `ko`).
pub fn frames(prompt: Prompt, language: &str, codec: Codec) -> Result<Vec<Frame>, WavError> {
    frames_from_wav(wav(prompt, language), codec)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn unknown_languages_fall_back_to_english() {
        assert_eq!(wav(Prompt::Warning, "fr"), wav(Prompt::Warning, "en"));
        assert_ne!(wav(Prompt::Warning, "ko"), wav(Prompt::Warning, "en"));
    }
}
