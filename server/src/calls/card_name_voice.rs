//! A card's name, spoken (issue 10: the callback prompt "names the card"). No recording can say
//! an arbitrary name, so the server synthesizes it with Debian's espeak-ng — the engine the
//! shipped prompts were made with (`scripts/make-prompts.sh`) — in the voice of the card's
//! language, resamples it to the phone line's 8 kHz, and hands it to the bridge as a
//! [`SpokenName`] while the issuer's phone rings. A prompt that comes first, or a name that
//! cannot be made (no espeak-ng on the machine, a failure, a timeout), goes without it.
//!
//! Bounded like every other input: the name's first 60 characters, plain text (no control
//! characters, none of espeak's phoneme brackets); at most two syntheses at once, each killed
//! after 2 s and read up to 6 s of audio, resampled on a blocking thread; a name is said for
//! 4 s at most. Names are cached per
//! process (1,000 at most, then the cache starts over), so a card's name is made once.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use media_bridge::prompts::SpokenName;
use media_bridge::resample::resample;
use media_bridge::wav::parse_streamed_pcm16_mono;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The synthesizer, looked up on `PATH`.
const PROGRAM: &str = "espeak-ng";
const MAX_NAME_CHARS: usize = 60;
const AT_ONCE: usize = 2;
const TIMEOUT: Duration = Duration::from_secs(2);
/// What is read of espeak-ng's output: 6 s at its 22,050 Hz.
const MAX_OUTPUT_BYTES: u64 = 44 + 6 * 22_050 * 2;
const LINE_RATE: u32 = media_bridge::wav::SAMPLE_RATE;
const MAX_SPOKEN_SAMPLES: usize = 4 * LINE_RATE as usize;
const MAX_CACHED: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("{PROGRAM} cannot be run: {0}")]
    CannotRun(#[source] std::io::Error),
    #[error("{PROGRAM} took longer than {TIMEOUT:?}")]
    TimedOut,
    #[error("{PROGRAM} failed: {0}")]
    Failed(String),
    #[error("{PROGRAM}'s output is not the audio expected: {0}")]
    Unreadable(#[source] media_bridge::wav::WavError),
}

/// Names spoken or being spoken, by voice and text: one synthesis per name, however many
/// callbacks ask for it while it runs.
type Spoken = HashMap<(&'static str, String), SpokenName>;

/// Speaks cards' names (see the module header).
pub struct CardNameVoice {
    cache: Mutex<Spoken>,
    permits: tokio::sync::Semaphore,
    /// Whether a missing synthesizer was logged already (once per process is enough).
    missing_reported: AtomicBool,
}

impl Default for CardNameVoice {
    fn default() -> CardNameVoice {
        CardNameVoice {
            cache: Mutex::default(),
            permits: tokio::sync::Semaphore::new(AT_ONCE),
            missing_reported: AtomicBool::new(false),
        }
    }
}

impl CardNameVoice {
    /// The card's `name`, written in `lang` (`ko`, `en`, `ja`, `zh`), spoken: at once when it
    /// was made before, else made in the background and there when it is done.
    pub fn speak(self: &Arc<Self>, name: &str, lang: &str) -> SpokenName {
        let text = speakable(name);
        if text.is_empty() {
            return SpokenName::default();
        }
        let key = (voice(lang), text);
        let spoken = {
            let mut cache = self.lock();
            if let Some(spoken) = cache.get(&key) {
                return spoken.clone();
            }
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
            let spoken = SpokenName::default();
            cache.insert(key.clone(), spoken.clone());
            spoken
        };
        let handle = spoken.clone();
        let this = Arc::clone(self);
        tokio::spawn(async move {
            match this.synthesize(&key.1, key.0).await {
                Ok(samples) => handle.set(samples),
                // Kept as never spoken: no retry until the process restarts with espeak-ng.
                Err(SpeechError::CannotRun(error)) => {
                    if !this.missing_reported.swap(true, Ordering::Relaxed) {
                        tracing::warn!(%error, "cards' names are not spoken in callback prompts: install espeak-ng");
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "a card's name could not be spoken");
                    // The next callback tries again.
                    this.lock().remove(&key);
                }
            }
        });
        spoken
    }

    /// Runs the synthesizer on `text` in `voice`; 8 kHz samples, 4 s at most.
    pub async fn synthesize(&self, text: &str, voice: &str) -> Result<Arc<[i16]>, SpeechError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| SpeechError::Failed("closed".into()))?;
        let mut child = tokio::process::Command::new(PROGRAM)
            .args(["-v", voice, "-s", "150", "--stdin", "--stdout"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(SpeechError::CannotRun)?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let text = text.to_owned();
        let run = async move {
            stdin.write_all(text.as_bytes()).await?;
            drop(stdin);
            let mut wav = Vec::new();
            (&mut stdout)
                .take(MAX_OUTPUT_BYTES)
                .read_to_end(&mut wav)
                .await?;
            Ok::<_, std::io::Error>(wav)
        };
        let wav = tokio::time::timeout(TIMEOUT, run)
            .await
            .map_err(|_| SpeechError::TimedOut)?
            .map_err(|error| SpeechError::Failed(error.to_string()))?;
        // Whatever it still had to say past the bound is cut off with it.
        let _ = child.start_kill();
        let _ = child.wait().await;
        // Resampling is ~90 kernel taps (each a sine and a cosine) per output sample, up to
        // 48,000 of them: off the async workers (the permit, still held, bounds how many).
        tokio::task::spawn_blocking(move || {
            let (rate, samples) =
                parse_streamed_pcm16_mono(&wav).map_err(SpeechError::Unreadable)?;
            let mut line = resample(&samples, rate, LINE_RATE);
            line.truncate(MAX_SPOKEN_SAMPLES);
            normalise(&mut line);
            Ok(line.into())
        })
        .await
        .map_err(|error| SpeechError::Failed(error.to_string()))?
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Spoken> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// espeak-ng's voice for a card language; English for any other.
fn voice(lang: &str) -> &'static str {
    match lang {
        "ko" => "ko",
        "ja" => "ja",
        "zh" => "cmn",
        _ => "en-us",
    }
}

/// What of a name is said: plain words, 60 characters at most.
fn speakable(name: &str) -> String {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c.is_control() || matches!(c, '[' | ']'))
        .filter(|word| !word.is_empty())
        .collect();
    words.join(" ").chars().take(MAX_NAME_CHARS).collect()
}

/// Brings the loudest sample to -3 dBFS, as the shipped prompts are (`sox … norm -3`).
fn normalise(samples: &mut [i16]) {
    let peak = samples
        .iter()
        .map(|&sample| i32::from(sample).abs())
        .max()
        .unwrap_or(0);
    if peak == 0 {
        return;
    }
    let target = f64::from(i16::MAX) * 10f64.powf(-3.0 / 20.0);
    let gain = target / f64::from(peak);
    for sample in samples {
        *sample = (f64::from(*sample) * gain).round() as i16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_said_as_plain_words_and_bounded() {
        assert_eq!(speakable("  Hong\tGildong\n"), "Hong Gildong");
        assert_eq!(speakable("[[h@'loU]] Ada"), "h@'loU Ada");
        assert_eq!(speakable("\u{7}\u{1b}"), "");
        assert_eq!(speakable(&"가".repeat(500)).chars().count(), 60);
    }

    /// Callbacks that ask for a name while it is being made share the one synthesis.
    #[tokio::test]
    async fn a_name_is_made_once_however_many_ask_at_once() {
        let voice = Arc::new(CardNameVoice::default());
        let asked: Vec<SpokenName> = (0..10).map(|_| voice.speak("Ada", "en")).collect();
        assert_eq!(voice.lock().len(), 1);
        let made = tokio::time::Instant::now();
        while asked[0].get().is_none() {
            assert!(
                made.elapsed() < Duration::from_secs(5),
                "espeak-ng said nothing"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(asked.iter().all(|name| name.get() == asked[0].get()));
        assert!(
            voice.speak("Ada", "en").get().is_some(),
            "ready at once the next time"
        );
    }

    #[test]
    fn loudness_is_brought_to_minus_3_dbfs() {
        let mut quiet = vec![100, -200, 50];
        normalise(&mut quiet);
        assert_eq!(quiet[1], -23_197);
        let mut silence = vec![0; 8];
        normalise(&mut silence);
        assert_eq!(silence, vec![0; 8]);
    }

    /// The real synthesizer, as the server runs it (setup.sh installs espeak-ng).
    #[tokio::test]
    async fn espeak_ng_says_a_name_in_each_card_language() {
        let voice = CardNameVoice::default();
        for (name, lang) in [
            ("Ada Lovelace", "en"),
            ("홍길동", "ko"),
            ("やまだ", "ja"),
            ("王小明", "zh"),
        ] {
            let samples = voice.synthesize(name, super::voice(lang)).await.unwrap();
            let seconds = samples.len() as f64 / f64::from(LINE_RATE);
            assert!((0.3..=4.0).contains(&seconds), "{name}: {seconds} s");
            let peak = samples.iter().map(|s| i32::from(*s).abs()).max().unwrap();
            assert!(peak > 20_000, "{name}: peak {peak}");
        }
        let long = voice.synthesize(&"Ada ".repeat(15), "en-us").await.unwrap();
        assert_eq!(long.len(), MAX_SPOKEN_SAMPLES, "cut at 4 s");
    }
}
