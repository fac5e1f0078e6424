//! The samples in `samples/` were made with ffmpeg from its test pattern (2 s at 160×90
//! unless named otherwise); the synthetic files below are what no encoder writes.

use std::io::Cursor;

use proptest::prelude::*;

use super::*;

fn sample(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/src/cards/video/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn inspect_bytes(bytes: &[u8], limits: VideoLimits) -> Result<VideoInfo, VideoError> {
    inspect(&mut Cursor::new(bytes), bytes.len() as u64, limits)
}

fn inspected(name: &str) -> Result<VideoInfo, VideoError> {
    inspect_bytes(&sample(name), VideoLimits::default())
}

#[test]
fn reads_what_browsers_play() {
    let mp4 = inspected("h264-aac-faststart.mp4").unwrap();
    assert_eq!(mp4.container, Container::Mp4);
    assert_eq!((mp4.width, mp4.height), (160, 90));
    assert_eq!(mp4.video_codec, "avc1");
    assert_eq!(mp4.audio_codec.as_deref(), Some("mp4a"));
    assert!(
        (1900..=2100).contains(&mp4.duration_ms),
        "{}",
        mp4.duration_ms
    );

    let webm = inspected("vp9-opus.webm").unwrap();
    assert_eq!(webm.container, Container::WebM);
    assert_eq!((webm.width, webm.height), (160, 90));
    assert_eq!(webm.video_codec, "V_VP9");
    assert_eq!(webm.audio_codec.as_deref(), Some("A_OPUS"));
    assert!(
        (1900..=2100).contains(&webm.duration_ms),
        "{}",
        webm.duration_ms
    );

    let portrait = inspected("vp8-portrait.webm").unwrap();
    assert_eq!((portrait.width, portrait.height), (90, 160));
    assert_eq!(portrait.video_codec, "V_VP8");
    assert_eq!(portrait.audio_codec, None);
}

#[test]
fn finds_the_movie_header_after_the_media_data() {
    // What phones write: `mdat` first, `moov` at the end.
    let bytes = sample("h264-moov-at-end.mp4");
    let moov_at = bytes.windows(4).position(|w| w == b"moov").unwrap();
    let mdat_at = bytes.windows(4).position(|w| w == b"mdat").unwrap();
    assert!(moov_at > mdat_at, "the sample must keep moov last");
    let info = inspect_bytes(&bytes, VideoLimits::default()).unwrap();
    assert_eq!((info.width, info.height, info.audio_codec), (160, 90, None));
}

#[test]
fn a_quarter_turned_picture_is_measured_as_shown() {
    // A phone held upright stores a wide picture and a rotation; players show it tall.
    let info = inspected("phone-upright.mp4").unwrap();
    assert_eq!((info.width, info.height), (90, 160));
}

#[test]
fn quicktime_files_are_read_as_mp4() {
    let info = inspected("quicktime.mov").unwrap();
    assert_eq!(info.container, Container::Mp4);
    assert_eq!(info.video_codec, "avc1");
}

#[test]
fn refuses_what_some_browsers_cannot_play_or_the_rules_do_not_allow() {
    assert_eq!(inspected("hevc.mp4"), Err(VideoError::Hevc));
    assert_eq!(inspected("sound-only.m4a"), Err(VideoError::NoPicture));
    assert_eq!(
        inspected("matroska.mkv"),
        Err(VideoError::UnsupportedFormat)
    );
    assert_eq!(
        inspected("streamed-no-duration.webm"),
        Err(VideoError::UnknownLength)
    );
    assert_eq!(
        inspected("long-75s.mp4"),
        Err(VideoError::TooLong { max_secs: 60 })
    );
    let longer_allowed = VideoLimits {
        max_secs: 90,
        ..VideoLimits::default()
    };
    let long = inspect_bytes(&sample("long-75s.mp4"), longer_allowed).unwrap();
    assert!(
        (74_000..=76_000).contains(&long.duration_ms),
        "{}",
        long.duration_ms
    );
}

#[test]
fn the_byte_limit_is_checked_before_anything_is_read() {
    let bytes = sample("vp9-opus.webm");
    let limits = VideoLimits {
        max_bytes: bytes.len() as u64 - 1,
        ..VideoLimits::default()
    };
    assert_eq!(
        inspect_bytes(&bytes, limits),
        Err(VideoError::TooLarge {
            max_bytes: bytes.len() as u64 - 1
        })
    );
    assert!(
        inspect_bytes(
            &bytes,
            VideoLimits {
                max_bytes: bytes.len() as u64,
                ..limits
            }
        )
        .is_ok()
    );
}

#[test]
fn images_and_text_are_not_videos() {
    for bytes in [
        &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..],
        b"\xFF\xD8\xFF\xE0\0\x10JFIF\0",
        b"<html><body>hello</body></html>",
        b"",
        b"\0\0\0",
    ] {
        assert_eq!(
            inspect_bytes(bytes, VideoLimits::default()),
            Err(VideoError::UnsupportedFormat)
        );
    }
}

#[test]
fn every_cut_short_copy_is_refused_without_a_panic() {
    for name in [
        "h264-aac-faststart.mp4",
        "h264-moov-at-end.mp4",
        "vp9-opus.webm",
    ] {
        let bytes = sample(name);
        let whole = inspect_bytes(&bytes, VideoLimits::default()).unwrap();
        for cut in 0..bytes.len() {
            let cut_short = inspect_bytes(&bytes[..cut], VideoLimits::default());
            assert!(
                matches!(
                    cut_short,
                    Err(VideoError::Corrupt | VideoError::UnsupportedFormat)
                ),
                "{name} ({whole:?}) cut at {cut}: {cut_short:?}"
            );
        }
    }
}

/// A box: 32-bit size, type, body.
fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut bytes = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(kind);
    bytes.extend_from_slice(body);
    bytes
}

#[test]
fn a_box_claiming_more_than_the_file_is_damage() {
    let mut bytes = mp4_box(b"ftyp", b"isom\0\0\0\0isom");
    // A `moov` that says 4 GB in a file of a few bytes: not allocated, refused.
    bytes.extend_from_slice(&u32::MAX.to_be_bytes());
    bytes.extend_from_slice(b"moov");
    bytes.extend_from_slice(&[0; 64]);
    assert_eq!(
        inspect_bytes(&bytes, VideoLimits::default()),
        Err(VideoError::Corrupt)
    );
    // A 64-bit size past the file, and a size smaller than its own header.
    let mut large = mp4_box(b"ftyp", b"isom");
    large.extend_from_slice(&1u32.to_be_bytes());
    large.extend_from_slice(b"moov");
    large.extend_from_slice(&u64::MAX.to_be_bytes());
    assert_eq!(
        inspect_bytes(&large, VideoLimits::default()),
        Err(VideoError::Corrupt)
    );
    let mut tiny = mp4_box(b"ftyp", b"isom");
    tiny.extend_from_slice(&4u32.to_be_bytes());
    tiny.extend_from_slice(b"free");
    assert_eq!(
        inspect_bytes(&tiny, VideoLimits::default()),
        Err(VideoError::Corrupt)
    );
}

#[test]
fn a_movie_header_past_the_header_limit_is_not_read() {
    let mut bytes = mp4_box(b"ftyp", b"isom");
    let moov_body = vec![0u8; (MAX_HEADER_BYTES + 1) as usize];
    bytes.extend_from_slice(&mp4_box(b"moov", &moov_body));
    assert_eq!(
        inspect_bytes(&bytes, VideoLimits::default()),
        Err(VideoError::Corrupt)
    );
}

#[test]
fn a_file_of_countless_tiny_boxes_is_given_up_on() {
    // 1 MB of empty `free` boxes: 131,072 headers, a seek each; the walk stops at its limit.
    let mut bytes = mp4_box(b"ftyp", b"isom");
    while bytes.len() < 1024 * 1024 {
        bytes.extend_from_slice(&mp4_box(b"free", b""));
    }
    let mut file = Cursor::new(&bytes);
    assert_eq!(
        inspect(&mut file, bytes.len() as u64, VideoLimits::default()),
        Err(VideoError::Corrupt)
    );
    assert!(file.position() < 8 * (MAX_ELEMENTS as u64 + 2) + 16);
}

#[test]
fn codec_names_from_the_file_are_made_printable() {
    let mut bytes = sample("h264-aac-faststart.mp4");
    let stsd = bytes.windows(4).position(|w| w == b"stsd").unwrap();
    let at = stsd + bytes[stsd..].windows(4).position(|w| w == b"avc1").unwrap();
    bytes[at..at + 4].copy_from_slice(b"<\x07x>");
    assert_eq!(
        inspect_bytes(&bytes, VideoLimits::default()),
        Err(VideoError::UnsupportedCodec {
            codec: "<x>".into()
        })
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any damage to a real file is a refusal or a reading, never a panic or a hang.
    #[test]
    fn damaged_files_never_panic(
        which in 0usize..3,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..24),
    ) {
        let name = ["h264-aac-faststart.mp4", "h264-moov-at-end.mp4", "vp9-opus.webm"][which];
        let mut bytes = sample(name);
        for (index, value) in flips {
            let at = index.index(bytes.len());
            bytes[at] = value;
        }
        let _ = inspect_bytes(&bytes, VideoLimits::default());
    }

    #[test]
    fn arbitrary_bytes_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 0..512), webm in any::<bool>()) {
        let magic: &[u8] = if webm { &[0x1A, 0x45, 0xDF, 0xA3] } else { b"\0\0\0\x10ftyp" };
        bytes.splice(0..0, magic.iter().copied());
        let _ = inspect_bytes(&bytes, VideoLimits::default());
    }
}
