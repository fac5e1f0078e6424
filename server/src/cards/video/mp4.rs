//! ISO base media files (MP4, MOV): the top-level boxes are walked by their headers, and the
//! `moov` box, which holds every track's description, is read whole and parsed in memory.
//! Phones often write `moov` after the media data; the walk seeks past `mdat` to find it, and
//! goes on to the end, so a file cut short (its last box incomplete) is refused.

use super::{Bounded, Container, MAX_HEADER_BYTES, VideoError, VideoInfo};
use std::io::{Read, Seek};

/// An `ftyp` box first: `size`, then the type at bytes 4..8.
pub(super) fn looks_like(start: &[u8]) -> bool {
    start.get(4..8) == Some(b"ftyp")
}

pub(super) fn read<R: Read + Seek>(file: &mut Bounded<R>) -> Result<VideoInfo, VideoError> {
    let mut offset = 0;
    let mut moov = None;
    let mut has_media = false;
    while offset < file.len {
        file.visit()?;
        let header = file.read_some(offset, 16)?;
        let (kind, header_len, size) = box_header(&header, file.len - offset)?;
        if offset == 0 && &kind != b"ftyp" {
            return Err(VideoError::UnsupportedFormat);
        }
        has_media |= &kind == b"mdat";
        if &kind == b"moov" && moov.is_none() {
            if size - header_len > MAX_HEADER_BYTES {
                return Err(VideoError::Corrupt);
            }
            moov = Some(file.read(offset + header_len, size - header_len)?);
        }
        offset += size;
    }
    let moov = moov.filter(|_| has_media).ok_or(VideoError::Corrupt)?;
    movie(&moov)
}

/// A box's type, header length and whole size, from the bytes at its start; `room` is what is
/// left of the enclosing data.
fn box_header(bytes: &[u8], room: u64) -> Result<([u8; 4], u64, u64), VideoError> {
    let short = bytes.get(..8).ok_or(VideoError::Corrupt)?;
    let size32 = u32::from_be_bytes(short[..4].try_into().expect("4 bytes"));
    let kind: [u8; 4] = short[4..8].try_into().expect("4 bytes");
    let (header_len, size) = match size32 {
        // To the end of the enclosing data.
        0 => (8, room),
        // A 64-bit size follows the type.
        1 => {
            let large = bytes.get(8..16).ok_or(VideoError::Corrupt)?;
            (16, u64::from_be_bytes(large.try_into().expect("8 bytes")))
        }
        size => (8, u64::from(size)),
    };
    if size < header_len || size > room {
        return Err(VideoError::Corrupt);
    }
    Ok((kind, header_len, size))
}

/// A box inside data already read: its type and its body.
type Child<'a> = ([u8; 4], &'a [u8]);

/// The boxes directly inside `data`, in order.
fn children(data: &[u8]) -> Result<Vec<Child<'_>>, VideoError> {
    let mut boxes = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (kind, header_len, size) = box_header(rest, rest.len() as u64)?;
        boxes.push((kind, &rest[header_len as usize..size as usize]));
        rest = &rest[size as usize..];
    }
    Ok(boxes)
}

fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Result<Option<&'a [u8]>, VideoError> {
    Ok(children(data)?
        .into_iter()
        .find(|(found, _)| found == kind)
        .map(|(_, body)| body))
}

/// The body of the box at `path` below `data` (one box per step).
fn descend<'a>(data: &'a [u8], path: &[&[u8; 4]]) -> Result<Option<&'a [u8]>, VideoError> {
    let mut here = data;
    for kind in path {
        match child(here, kind)? {
            Some(body) => here = body,
            None => return Ok(None),
        }
    }
    Ok(Some(here))
}

fn movie(moov: &[u8]) -> Result<VideoInfo, VideoError> {
    let mut duration_ms = match child(moov, b"mvhd")? {
        Some(mvhd) => movie_duration(mvhd)?,
        None => return Err(VideoError::Corrupt),
    };
    if duration_ms == 0 {
        // A fragmented file keeps its length in `mvex/mehd`, in the movie's time scale.
        if let (Some(mehd), Some(mvhd)) =
            (descend(moov, &[b"mvex", b"mehd"])?, child(moov, b"mvhd")?)
        {
            let scale = time_scale(mvhd)?;
            let fragments = match mehd.first() {
                Some(1) => be_u64(mehd, 4)?,
                Some(0) => u64::from(be_u32(mehd, 4)?),
                _ => return Err(VideoError::Corrupt),
            };
            duration_ms = to_ms(fragments, scale)?;
        }
    }
    let mut picture = None;
    let mut sound = None;
    for (kind, trak) in children(moov)? {
        if &kind != b"trak" {
            continue;
        }
        let handler = descend(trak, &[b"mdia", b"hdlr"])?.ok_or(VideoError::Corrupt)?;
        let handler_type = handler.get(8..12).ok_or(VideoError::Corrupt)?;
        let codec = || -> Result<String, VideoError> {
            let stsd =
                descend(trak, &[b"mdia", b"minf", b"stbl", b"stsd"])?.ok_or(VideoError::Corrupt)?;
            // Version and flags, the entry count, then the first entry's size and format.
            let format = stsd.get(12..16).ok_or(VideoError::Corrupt)?;
            Ok(String::from_utf8_lossy(format).into_owned())
        };
        match handler_type {
            b"vide" if picture.is_none() => {
                let tkhd = child(trak, b"tkhd")?.ok_or(VideoError::Corrupt)?;
                picture = Some((codec()?, shown_size(tkhd)?));
            }
            b"soun" if sound.is_none() => sound = Some(codec()?),
            _ => {}
        }
    }
    let (video_codec, (width, height)) = picture.ok_or(VideoError::NoPicture)?;
    Ok(VideoInfo {
        container: Container::Mp4,
        duration_ms,
        width,
        height,
        video_codec,
        audio_codec: sound,
    })
}

fn time_scale(mvhd: &[u8]) -> Result<u32, VideoError> {
    match mvhd.first() {
        Some(0) => be_u32(mvhd, 12),
        Some(1) => be_u32(mvhd, 20),
        _ => Err(VideoError::Corrupt),
    }
}

/// The movie's length; 0 where the header leaves it unknown.
fn movie_duration(mvhd: &[u8]) -> Result<u64, VideoError> {
    let scale = time_scale(mvhd)?;
    let duration = match mvhd.first() {
        Some(0) => match be_u32(mvhd, 16)? {
            u32::MAX => 0,
            duration => u64::from(duration),
        },
        _ => match be_u64(mvhd, 24)? {
            u64::MAX => 0,
            duration => duration,
        },
    };
    to_ms(duration, scale)
}

fn to_ms(duration: u64, scale: u32) -> Result<u64, VideoError> {
    if scale == 0 {
        return Err(VideoError::Corrupt);
    }
    Ok((u128::from(duration) * 1000 / u128::from(scale)).min(u128::from(u64::MAX)) as u64)
}

/// The picture's size as players show it: `tkhd`'s width and height (16.16 fixed point),
/// swapped when its matrix turns the picture a quarter (a phone held upright).
fn shown_size(tkhd: &[u8]) -> Result<(u32, u32), VideoError> {
    let matrix_at = match tkhd.first() {
        Some(0) => 40,
        Some(1) => 52,
        _ => return Err(VideoError::Corrupt),
    };
    let width = be_u32(tkhd, matrix_at + 36)? >> 16;
    let height = be_u32(tkhd, matrix_at + 40)? >> 16;
    let (a, d) = (be_u32(tkhd, matrix_at)?, be_u32(tkhd, matrix_at + 16)?);
    let quarter_turn = a == 0 && d == 0;
    Ok(if quarter_turn {
        (height, width)
    } else {
        (width, height)
    })
}

fn be_u32(data: &[u8], at: usize) -> Result<u32, VideoError> {
    let bytes = data.get(at..at + 4).ok_or(VideoError::Corrupt)?;
    Ok(u32::from_be_bytes(bytes.try_into().expect("4 bytes")))
}

fn be_u64(data: &[u8], at: usize) -> Result<u64, VideoError> {
    let bytes = data.get(at..at + 8).ok_or(VideoError::Corrupt)?;
    Ok(u64::from_be_bytes(bytes.try_into().expect("8 bytes")))
}
