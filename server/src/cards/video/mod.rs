//! Uploaded card videos (the short video of BRIEF R2): what the file says it is, read from its
//! container's headers before it is kept.
//!
//! Model: an upload is untrusted bytes on disk. No video is decoded here (nor anywhere on the
//! server): the container's headers are walked ([`mp4`], [`webm`]) to learn the length, the
//! picture's size and the codecs, and only what every current browser plays passes — H.264,
//! VP8, VP9 or AV1 pictures with AAC, Opus or Vorbis sound (or none), in MP4 or WebM. HEVC,
//! an iPhone's default, plays in Safari only, so it is refused with the setting that fixes it.
//! The walk reads headers and skips media data by seeking, and every read is bounded
//! (`MAX_HEADER_BYTES`, `MAX_ELEMENTS`), so a file of any size costs a few small reads; it is
//! still blocking file I/O, so callers run it on the parsing pool (`heavy.rs`).

mod mp4;
mod webm;

use std::io::{Read, Seek, SeekFrom};

/// The most header bytes read in one piece (an MP4's `moov`, a WebM's `Tracks`): a minute of
/// video has a `moov` of tens of kilobytes; more than this is not a short video's.
const MAX_HEADER_BYTES: u64 = 4 * 1024 * 1024;

/// The most boxes or elements visited in one file; a short video has a few hundred.
const MAX_ELEMENTS: usize = 20_000;

/// The longest side of a picture this takes (8K); more is not a card's video.
const MAX_SIDE: u32 = 8192;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoLimits {
    /// Largest upload accepted, in bytes.
    pub max_bytes: u64,
    /// Longest video accepted, in seconds.
    pub max_secs: u32,
}

impl Default for VideoLimits {
    fn default() -> Self {
        VideoLimits {
            max_bytes: 20 * 1024 * 1024,
            max_secs: 60,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// ISO base media (MP4, and QuickTime's MOV, which browsers play as MP4).
    Mp4,
    WebM,
}

impl Container {
    pub fn media_type(self) -> &'static str {
        match self {
            Container::Mp4 => "video/mp4",
            Container::WebM => "video/webm",
        }
    }

    /// The stored file's extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Container::Mp4 => "mp4",
            Container::WebM => "webm",
        }
    }
}

/// What a video file holds, read from its headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoInfo {
    pub container: Container,
    pub duration_ms: u64,
    /// The picture's size as stored (before any rotation the player applies).
    pub width: u32,
    pub height: u32,
    /// The picture's codec as the container names it (`avc1`, `V_VP9`…).
    pub video_codec: String,
    /// The sound's codec, if the video has sound.
    pub audio_codec: Option<String>,
}

/// Why an upload was refused. `Display` is for logs; the issuer reads it in their language
/// (`app::i18n::CardFormText`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VideoError {
    #[error("the video is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    #[error("the video is longer than {max_secs} s")]
    TooLong { max_secs: u32 },
    #[error("only MP4 and WebM videos are accepted")]
    UnsupportedFormat,
    /// A codec browsers do not all play; `codec` is the container's name for it.
    #[error("the codec {codec} does not play in every browser")]
    UnsupportedCodec { codec: String },
    /// HEVC (H.265), singled out because phones record it by default and a setting fixes it.
    #[error("HEVC (H.265) video plays in Safari only")]
    Hevc,
    #[error("the video has no picture")]
    NoPicture,
    /// The file does not say how long it is (a recording streamed as it was made).
    #[error("the video does not record its length")]
    UnknownLength,
    #[error("the video file is damaged or incomplete")]
    Corrupt,
}

/// Reads the headers of the `len` bytes of `file` and checks them against `limits`.
pub fn inspect<R: Read + Seek>(
    file: &mut R,
    len: u64,
    limits: VideoLimits,
) -> Result<VideoInfo, VideoError> {
    if len > limits.max_bytes {
        return Err(VideoError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    let mut start = [0u8; 12];
    let head = read_up_to(file, 0, &mut start)?;
    let info = if mp4::looks_like(&start[..head]) {
        mp4::read(&mut Bounded::new(file, len))?
    } else if webm::looks_like(&start[..head]) {
        webm::read(&mut Bounded::new(file, len))?
    } else {
        return Err(VideoError::UnsupportedFormat);
    };
    check(info, limits)
}

/// The rules every container's findings pass through.
fn check(info: VideoInfo, limits: VideoLimits) -> Result<VideoInfo, VideoError> {
    let playable_picture = ["avc1", "avc3", "vp09", "av01", "V_VP8", "V_VP9", "V_AV1"];
    let playable_sound = ["mp4a", "Opus", "A_OPUS", "A_VORBIS"];
    if ["hvc1", "hev1", "V_MPEGH/ISO/HEVC"].contains(&info.video_codec.as_str()) {
        return Err(VideoError::Hevc);
    }
    if !playable_picture.contains(&info.video_codec.as_str()) {
        return Err(VideoError::UnsupportedCodec {
            codec: printable(&info.video_codec),
        });
    }
    if let Some(audio) = info
        .audio_codec
        .as_deref()
        .filter(|audio| !playable_sound.contains(audio))
    {
        return Err(VideoError::UnsupportedCodec {
            codec: printable(audio),
        });
    }
    if info.width == 0 || info.height == 0 || info.width > MAX_SIDE || info.height > MAX_SIDE {
        return Err(VideoError::Corrupt);
    }
    if info.duration_ms == 0 {
        return Err(VideoError::UnknownLength);
    }
    if info.duration_ms > u64::from(limits.max_secs) * 1000 {
        return Err(VideoError::TooLong {
            max_secs: limits.max_secs,
        });
    }
    Ok(info)
}

/// A codec name from the file, safe to show: printable ASCII, at most 32 characters.
fn printable(codec: &str) -> String {
    codec
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(32)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Fills as much of `buffer` as the file has from `offset`; returns how much that was.
fn read_up_to<R: Read + Seek>(
    file: &mut R,
    offset: u64,
    buffer: &mut [u8],
) -> Result<usize, VideoError> {
    file.seek(SeekFrom::Start(offset))
        .map_err(|_| VideoError::Corrupt)?;
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Err(VideoError::Corrupt),
        }
    }
    Ok(filled)
}

/// The file as the walkers see it: reads at offsets, never past its length, and a count of
/// the elements visited.
struct Bounded<'a, R> {
    file: &'a mut R,
    len: u64,
    visited: usize,
}

impl<'a, R: Read + Seek> Bounded<'a, R> {
    fn new(file: &'a mut R, len: u64) -> Self {
        Bounded {
            file,
            len,
            visited: 0,
        }
    }

    /// Exactly `count` bytes from `offset`; a file that ends sooner is damaged.
    fn read(&mut self, offset: u64, count: u64) -> Result<Vec<u8>, VideoError> {
        let end = offset.checked_add(count).ok_or(VideoError::Corrupt)?;
        if end > self.len || count > MAX_HEADER_BYTES {
            return Err(VideoError::Corrupt);
        }
        let mut bytes = vec![0; count as usize];
        let filled = read_up_to(self.file, offset, &mut bytes)?;
        if filled < bytes.len() {
            return Err(VideoError::Corrupt);
        }
        Ok(bytes)
    }

    /// Up to `count` bytes from `offset`, fewer at the end of the file.
    fn read_some(&mut self, offset: u64, count: u64) -> Result<Vec<u8>, VideoError> {
        let count = count.min(self.len.saturating_sub(offset));
        self.read(offset, count)
    }

    /// Counts one more element; a file with more than [`MAX_ELEMENTS`] is not a short video.
    fn visit(&mut self) -> Result<(), VideoError> {
        self.visited += 1;
        if self.visited > MAX_ELEMENTS {
            return Err(VideoError::Corrupt);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
