//! WebM files (Matroska's EBML elements): the header must say `webm`; the segment's elements
//! are walked by their headers until its `Info` (length) and `Tracks` (codecs, picture size)
//! are read, and media clusters are skipped unread.

use super::{Bounded, Container, MAX_HEADER_BYTES, VideoError, VideoInfo};
use std::io::{Read, Seek};

const EBML: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;

/// The EBML header's ID first.
pub(super) fn looks_like(start: &[u8]) -> bool {
    start.get(..4) == Some(&EBML.to_be_bytes())
}

/// An element's ID, its data's offset from the element's start, and its data's size (`None`:
/// unknown, to the end of its parent).
struct Header {
    id: u32,
    header_len: u64,
    size: Option<u64>,
}

/// Reads an element header from `bytes` (at least 12 bytes where the file has them).
fn header(bytes: &[u8]) -> Result<Header, VideoError> {
    let first = *bytes.first().ok_or(VideoError::Corrupt)?;
    let id_len = first.leading_zeros() as usize + 1;
    if id_len > 4 {
        return Err(VideoError::Corrupt);
    }
    let id_bytes = bytes.get(..id_len).ok_or(VideoError::Corrupt)?;
    let id = id_bytes
        .iter()
        .fold(0u32, |id, byte| (id << 8) | u32::from(*byte));
    let size_first = *bytes.get(id_len).ok_or(VideoError::Corrupt)?;
    let size_len = size_first.leading_zeros() as usize + 1;
    if size_len > 8 {
        return Err(VideoError::Corrupt);
    }
    let size_bytes = bytes
        .get(id_len..id_len + size_len)
        .ok_or(VideoError::Corrupt)?;
    let marker_cleared = u64::from(size_first) & (0xFF >> size_len);
    let value = size_bytes[1..].iter().fold(marker_cleared, |value, byte| {
        (value << 8) | u64::from(*byte)
    });
    let all_ones = (1u64 << (7 * size_len)) - 1;
    Ok(Header {
        id,
        header_len: (id_len + size_len) as u64,
        size: (value != all_ones).then_some(value),
    })
}

/// The elements directly inside `data`, in order; inside a read body every size is known.
fn children(data: &[u8]) -> Result<Vec<(u32, &[u8])>, VideoError> {
    let mut elements = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let found = header(rest)?;
        let size = found.size.ok_or(VideoError::Corrupt)?;
        let end = found
            .header_len
            .checked_add(size)
            .filter(|end| *end <= rest.len() as u64)
            .ok_or(VideoError::Corrupt)? as usize;
        elements.push((found.id, &rest[found.header_len as usize..end]));
        rest = &rest[end..];
    }
    Ok(elements)
}

fn unsigned(data: &[u8]) -> Result<u64, VideoError> {
    if data.len() > 8 {
        return Err(VideoError::Corrupt);
    }
    Ok(data
        .iter()
        .fold(0u64, |value, byte| (value << 8) | u64::from(*byte)))
}

pub(super) fn read<R: Read + Seek>(file: &mut Bounded<R>) -> Result<VideoInfo, VideoError> {
    let first = header(&file.read_some(0, 12)?)?;
    let ebml_size = first.size.ok_or(VideoError::Corrupt)?;
    if ebml_size > 4096 {
        return Err(VideoError::Corrupt);
    }
    let ebml = file.read(first.header_len, ebml_size)?;
    let doc_type = children(&ebml)?
        .into_iter()
        .find(|(id, _)| *id == DOC_TYPE)
        .map(|(_, value)| value);
    if doc_type.map(|value| value.strip_suffix(b"\0").unwrap_or(value)) != Some(b"webm") {
        return Err(VideoError::UnsupportedFormat);
    }
    let segment_at = first.header_len + ebml_size;
    file.visit()?;
    let segment = header(&file.read_some(segment_at, 12)?)?;
    if segment.id != SEGMENT {
        return Err(VideoError::Corrupt);
    }
    let data_start = segment_at + segment.header_len;
    // A segment that says it is longer than the file was cut short; one streamed as it was
    // recorded does not say.
    let segment_end = match segment.size {
        Some(size) => data_start
            .checked_add(size)
            .filter(|end| *end <= file.len)
            .ok_or(VideoError::Corrupt)?,
        None => file.len,
    };

    let mut info = None;
    let mut tracks = None;
    let mut offset = data_start;
    while offset < segment_end && (info.is_none() || tracks.is_none()) {
        file.visit()?;
        let element = header(&file.read_some(offset, 12)?)?;
        let body_at = offset + element.header_len;
        let Some(size) = element.size else {
            // Only a cluster streams with its size unknown; what comes after it cannot be found
            // without reading it.
            break;
        };
        match element.id {
            INFO | TRACKS if size > MAX_HEADER_BYTES => return Err(VideoError::Corrupt),
            INFO => info = Some(file.read(body_at, size)?),
            TRACKS => tracks = Some(file.read(body_at, size)?),
            // Clusters (the media) and the rest are skipped unread.
            _ => {}
        }
        offset = body_at.checked_add(size).ok_or(VideoError::Corrupt)?;
    }
    let info = info.ok_or(VideoError::Corrupt)?;
    let tracks = tracks.ok_or(VideoError::Corrupt)?;
    let duration_ms = duration_ms(&info)?;
    let mut picture = None;
    let mut sound = None;
    for (id, entry) in children(&tracks)? {
        if id != TRACK_ENTRY {
            continue;
        }
        let fields = children(entry)?;
        let field = |wanted: u32| fields.iter().find(|(id, _)| *id == wanted).map(|(_, v)| *v);
        let codec = field(CODEC_ID)
            .map(|codec| {
                String::from_utf8_lossy(codec)
                    .trim_end_matches('\0')
                    .to_string()
            })
            .ok_or(VideoError::Corrupt)?;
        match field(TRACK_TYPE).map(unsigned).transpose()? {
            Some(1) if picture.is_none() => {
                let video = children(field(VIDEO).ok_or(VideoError::Corrupt)?)?;
                let size = |wanted: u32| -> Result<u32, VideoError> {
                    let value = video
                        .iter()
                        .find(|(id, _)| *id == wanted)
                        .ok_or(VideoError::Corrupt)?
                        .1;
                    u32::try_from(unsigned(value)?).map_err(|_| VideoError::Corrupt)
                };
                picture = Some((codec, size(PIXEL_WIDTH)?, size(PIXEL_HEIGHT)?));
            }
            Some(2) if sound.is_none() => sound = Some(codec),
            _ => {}
        }
    }
    let (video_codec, width, height) = picture.ok_or(VideoError::NoPicture)?;
    Ok(VideoInfo {
        container: Container::WebM,
        duration_ms,
        width,
        height,
        video_codec,
        audio_codec: sound,
    })
}

/// `Info`'s `Duration` (a float, in units of `TimestampScale` nanoseconds); 0 when absent.
fn duration_ms(info: &[u8]) -> Result<u64, VideoError> {
    let fields = children(info)?;
    let scale_ns = match fields.iter().find(|(id, _)| *id == TIMESTAMP_SCALE) {
        Some((_, value)) => unsigned(value)?,
        None => 1_000_000,
    };
    let Some((_, value)) = fields.iter().find(|(id, _)| *id == DURATION) else {
        return Ok(0);
    };
    let ticks = match value.len() {
        4 => f64::from(f32::from_be_bytes((*value).try_into().expect("4 bytes"))),
        8 => f64::from_be_bytes((*value).try_into().expect("8 bytes")),
        _ => return Err(VideoError::Corrupt),
    };
    let ms = ticks * scale_ns as f64 / 1_000_000.0;
    if !ms.is_finite() || ms < 0.0 {
        return Err(VideoError::Corrupt);
    }
    // Saturates: a length past u64 is refused as too long, not wrapped.
    Ok(ms.round() as u64)
}
