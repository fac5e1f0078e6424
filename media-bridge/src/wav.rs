//! Reading the WAV files announcements ship as: RIFF/WAVE with a `fmt ` chunk saying 16-bit
//! integer PCM, mono, 8 kHz, and a `data` chunk; and, at any rate, the WAV a speech
//! synthesizer streams into a pipe (a card's name, issue 10), whose `data` size is a guess.
//!
//! Model: a RIFF file is a list of chunks (4-byte id, little-endian 32-bit size, data, one pad
//! byte when the size is odd). Unknown chunks (`LIST`, `fact`, …) are skipped. Anything but the
//! one format the bridge plays is refused with an error that names what was found, so whoever
//! replaces an announcement learns how to convert it (`sox in.wav -r 8000 -c 1 -b 16 out.wav`)
//! instead of hearing noise.

pub const SAMPLE_RATE: u32 = 8_000;
const PCM_FORMAT: u16 = 1;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WavError {
    #[error("not a RIFF/WAVE file")]
    NotWave,
    #[error("the {chunk:?} chunk is cut short")]
    TruncatedChunk { chunk: String },
    #[error("no fmt chunk before the data")]
    MissingFormat,
    #[error("no data chunk")]
    MissingData,
    #[error("audio format {format} is not integer PCM (1); convert to 16-bit PCM")]
    NotPcm { format: u16 },
    #[error("{channels} channels; announcements must be mono")]
    NotMono { channels: u16 },
    #[error("{sample_rate} Hz; announcements must be 8000 Hz")]
    WrongSampleRate { sample_rate: u32 },
    #[error("{bits} bits per sample; announcements must be 16-bit")]
    WrongSampleSize { bits: u16 },
}

/// Decodes an 8 kHz mono 16-bit PCM WAV file into its samples.
pub fn parse_pcm16_mono_8khz(bytes: &[u8]) -> Result<Vec<i16>, WavError> {
    let (sample_rate, samples) = parse(bytes, false)?;
    if sample_rate != SAMPLE_RATE {
        return Err(WavError::WrongSampleRate { sample_rate });
    }
    Ok(samples)
}

/// Decodes a mono 16-bit PCM WAV at any rate as a program streams it into a pipe (espeak-ng's
/// `--stdout`): the size of its `data` chunk was written before the data was known, so the
/// data is whatever follows, up to that size. Returns the rate and the samples.
pub fn parse_streamed_pcm16_mono(bytes: &[u8]) -> Result<(u32, Vec<i16>), WavError> {
    parse(bytes, true)
}

/// The rate and samples of a 16-bit mono PCM WAV; `streamed`: its data chunk may be shorter
/// than it says.
fn parse(bytes: &[u8], streamed: bool) -> Result<(u32, Vec<i16>), WavError> {
    let body = match bytes {
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'A',
            b'V',
            b'E',
            body @ ..,
        ] => body,
        _ => return Err(WavError::NotWave),
    };
    let mut sample_rate = None;
    let mut rest = body;
    while !rest.is_empty() {
        let (chunk, after) = next_chunk(rest, streamed)?;
        rest = after;
        let data = chunk.data;
        match (&chunk.id, sample_rate) {
            (b"fmt ", _) => sample_rate = Some(check_format(data)?),
            (b"data", None) => return Err(WavError::MissingFormat),
            (b"data", Some(rate)) => {
                let samples = data
                    .chunks_exact(2)
                    .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
                    .collect();
                return Ok((rate, samples));
            }
            _ => {}
        }
    }
    Err(if sample_rate.is_some() {
        WavError::MissingData
    } else {
        WavError::MissingFormat
    })
}

/// One RIFF chunk: its four-character id and its data.
struct Chunk<'a> {
    id: [u8; 4],
    data: &'a [u8],
}

/// Splits off the first chunk and what follows it (after the pad byte). `streamed`: a `data`
/// chunk cut short is what was written of it.
fn next_chunk(bytes: &[u8], streamed: bool) -> Result<(Chunk<'_>, &[u8]), WavError> {
    let truncated = |id: &[u8]| WavError::TruncatedChunk {
        chunk: String::from_utf8_lossy(id).into_owned(),
    };
    let Some((&[a, b, c, d, s0, s1, s2, s3], rest)) = bytes.split_first_chunk::<8>() else {
        return Err(truncated(&bytes[..bytes.len().min(4)]));
    };
    let id = [a, b, c, d];
    let mut size = u32::from_le_bytes([s0, s1, s2, s3]) as usize;
    if streamed && &id == b"data" {
        size = size.min(rest.len());
    }
    if rest.len() < size {
        return Err(truncated(&id));
    }
    let (data, after) = rest.split_at(size);
    // Chunks are word-aligned; a missing final pad byte is tolerated (common in the wild).
    let after = if size % 2 == 1 && !after.is_empty() {
        &after[1..]
    } else {
        after
    };
    Ok((Chunk { id, data }, after))
}

/// Checks that the format is 16-bit mono integer PCM; its sample rate.
fn check_format(data: &[u8]) -> Result<u32, WavError> {
    let Some(header) = data.first_chunk::<16>() else {
        return Err(WavError::TruncatedChunk {
            chunk: "fmt ".into(),
        });
    };
    let u16_at = |at: usize| u16::from_le_bytes([header[at], header[at + 1]]);
    let format = u16_at(0);
    let channels = u16_at(2);
    let sample_rate = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    let bits = u16_at(14);
    if format != PCM_FORMAT {
        return Err(WavError::NotPcm { format });
    }
    if channels != 1 {
        return Err(WavError::NotMono { channels });
    }
    if bits != 16 {
        return Err(WavError::WrongSampleSize { bits });
    }
    Ok(sample_rate)
}

/// Writes a WAV file (16-bit PCM) — for tests and for tools that prepare announcements.
pub fn write_pcm16(samples: &[i16], channels: u16, sample_rate: u32) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let block_align = channels * 2;
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&PCM_FORMAT.to_le_bytes());
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&sample_rate.to_le_bytes());
    out.extend_from_slice(&(sample_rate * u32::from(block_align)).to_le_bytes());
    out.extend_from_slice(&block_align.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for sample in samples {
        out.extend_from_slice(&sample.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_wav_is_read_whatever_size_its_data_claims() {
        let mut wav = write_pcm16(&[1, -2, 3], 1, 22_050);
        // As espeak-ng streams it: a data size far past the end.
        let data = wav.windows(4).position(|w| w == b"data").unwrap();
        wav[data + 4..data + 8].copy_from_slice(&0x7fff_f000u32.to_le_bytes());
        assert_eq!(
            parse_streamed_pcm16_mono(&wav),
            Ok((22_050, vec![1, -2, 3]))
        );
        assert!(matches!(
            parse_pcm16_mono_8khz(&wav),
            Err(WavError::TruncatedChunk { .. })
        ));
        let stereo = write_pcm16(&[0; 4], 2, 22_050);
        assert_eq!(
            parse_streamed_pcm16_mono(&stereo),
            Err(WavError::NotMono { channels: 2 })
        );
        assert_eq!(
            parse_streamed_pcm16_mono(&wav[..data]),
            Err(WavError::MissingData)
        );
    }

    #[test]
    fn reads_back_what_was_written() {
        let samples = [0, 1, -1, i16::MAX, i16::MIN, 1234];
        let bytes = write_pcm16(&samples, 1, 8_000);
        assert_eq!(bytes.len(), 44 + 12);
        assert_eq!(parse_pcm16_mono_8khz(&bytes), Ok(samples.to_vec()));
    }

    #[test]
    fn skips_unknown_chunks_including_their_pad_byte() {
        let plain = write_pcm16(&[5, -5], 1, 8_000);
        let mut bytes = plain[..12].to_vec();
        // An odd-sized LIST chunk (3 bytes + pad) before fmt, as espeak-ng and sox may write.
        bytes.extend_from_slice(b"LIST\x03\x00\x00\x00abc\x00");
        bytes.extend_from_slice(&plain[12..]);
        assert_eq!(parse_pcm16_mono_8khz(&bytes), Ok(vec![5, -5]));
    }

    #[test]
    fn refuses_other_formats_naming_what_it_found() {
        assert_eq!(
            parse_pcm16_mono_8khz(&write_pcm16(&[0; 4], 2, 8_000)),
            Err(WavError::NotMono { channels: 2 })
        );
        assert_eq!(
            parse_pcm16_mono_8khz(&write_pcm16(&[0; 4], 1, 22_050)),
            Err(WavError::WrongSampleRate {
                sample_rate: 22_050
            })
        );
        let mut float = write_pcm16(&[0; 4], 1, 8_000);
        float[20] = 3;
        assert_eq!(
            parse_pcm16_mono_8khz(&float),
            Err(WavError::NotPcm { format: 3 })
        );
        let mut eight_bit = write_pcm16(&[0; 4], 1, 8_000);
        eight_bit[34] = 8;
        assert_eq!(
            parse_pcm16_mono_8khz(&eight_bit),
            Err(WavError::WrongSampleSize { bits: 8 })
        );
        let message = WavError::WrongSampleRate {
            sample_rate: 22_050,
        }
        .to_string();
        assert!(message.contains("8000 Hz"), "{message}");
    }

    #[test]
    fn refuses_broken_files() {
        assert_eq!(parse_pcm16_mono_8khz(b"RIFX"), Err(WavError::NotWave));
        assert_eq!(
            parse_pcm16_mono_8khz(b"RIFF\0\0\0\0AVI LIST"),
            Err(WavError::NotWave)
        );
        let full = write_pcm16(&[1, 2, 3], 1, 8_000);
        assert_eq!(
            parse_pcm16_mono_8khz(&full[..full.len() - 1]),
            Err(WavError::TruncatedChunk {
                chunk: "data".into()
            })
        );
        assert_eq!(
            parse_pcm16_mono_8khz(&full[..36]),
            Err(WavError::MissingData)
        );
        let mut data_first = full[..12].to_vec();
        data_first.extend_from_slice(&full[36..]);
        assert_eq!(
            parse_pcm16_mono_8khz(&data_first),
            Err(WavError::MissingFormat)
        );
        assert_eq!(
            parse_pcm16_mono_8khz(&full[..12]),
            Err(WavError::MissingFormat)
        );
    }
}
