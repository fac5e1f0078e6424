//! Uploaded card images (photo and logo, BRIEF R2): checked, shrunk and re-encoded.
//!
//! Model: an upload is untrusted bytes. Its type is sniffed from the bytes (never from the file
//! name or the client's Content-Type), only JPEG and PNG pass, the byte size is capped before
//! any decoding, and the pixel count is read from the header and capped before pixels are
//! allocated, so a small file that claims a huge image (a decompression bomb, or a 150 KB PNG
//! of 40 megapixels) costs nothing. These checks are [`inspect`]: microseconds, fine on the
//! async workers. [`sanitize`] then decodes, turns the image upright, scales it to fit
//! `max_dimension` and encodes it afresh in its own format: up to a second of one core, so
//! callers run it on the parsing pool (`heavy.rs`), after ownership and every cheap check.
//! Invariant: what comes out is bytes this module wrote, holding pixels and at most a colour
//! profile — no EXIF (camera serial, GPS position), XMP or text chunks.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Limits};

/// Pixels an upload may declare: a 12 MP phone photo with room to spare. A 16 MP image decodes
/// in about a quarter of a second into 64 MB; the card shows at most `max_dimension` anyway.
pub const MAX_PIXELS: u64 = 16_000_000;

/// JPEG quality of re-encoded photos: visually lossless for a card-sized picture.
const JPEG_QUALITY: u8 = 85;

/// Colour profiles above this size are dropped rather than copied into every card image.
const MAX_ICC_PROFILE_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLimits {
    /// Largest upload accepted, in bytes.
    pub max_bytes: usize,
    /// Longest side of the stored image, in pixels; larger images are scaled down.
    pub max_dimension: u32,
}

impl Default for ImageLimits {
    fn default() -> Self {
        ImageLimits {
            max_bytes: 5 * 1024 * 1024,
            max_dimension: 1024,
        }
    }
}

/// An image safe to store and serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanImage {
    pub bytes: Vec<u8>,
    /// `image/jpeg` or `image/png`.
    pub media_type: &'static str,
    /// `jpg` or `png`, without the dot.
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Why an upload was refused. `Display` is for logs; the issuer reads [`ImageError::message`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("the image is larger than {}; choose a smaller file", human_size(*.max_bytes))]
    TooLarge { max_bytes: usize },
    #[error("only JPEG and PNG images are accepted")]
    UnsupportedFormat,
    #[error("the image file is damaged or incomplete; export it again and retry")]
    Corrupt,
    #[error(
        "the image has too many pixels (more than {} megapixels); scale it down and retry",
        MAX_PIXELS / 1_000_000
    )]
    TooManyPixels,
}

impl ImageError {
    /// The refusal in `lang`, the issuer's (`app::i18n::CardFormText`).
    pub fn message(&self, lang: app::model::Lang) -> String {
        let text = app::i18n::card_form_text(lang);
        match self {
            ImageError::TooLarge { max_bytes } => text.image_too_large(&human_size(*max_bytes)),
            ImageError::UnsupportedFormat => text.image_format.into(),
            ImageError::Corrupt => text.image_corrupt.into(),
            ImageError::TooManyPixels => text.image_too_many_pixels(MAX_PIXELS / 1_000_000),
        }
    }
}

/// What an upload's header says, read without decoding its pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
}

/// Everything that can be refused without decoding: byte size, sniffed type, and the pixel
/// count the header declares. Cheap (it reads the header only).
pub fn inspect(upload: &[u8], limits: &ImageLimits) -> Result<Inspected, ImageError> {
    if upload.len() > limits.max_bytes {
        return Err(ImageError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    let format = match image::guess_format(upload) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png)) => format,
        _ => return Err(ImageError::UnsupportedFormat),
    };
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    reader.limits(decoder_limits());
    let (width, height) = reader.into_dimensions().map_err(decode_error)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooManyPixels);
    }
    Ok(Inspected {
        format,
        width,
        height,
    })
}

/// Checks `upload` against `limits` and returns it re-encoded (see the module header).
/// Decodes: run it on the parsing pool, after [`inspect`] passed on the request's worker.
pub fn sanitize(upload: &[u8], limits: &ImageLimits) -> Result<CleanImage, ImageError> {
    let Inspected { format, .. } = inspect(upload, limits)?;
    let (mut picture, icc_profile) = decode(upload, format)?;
    let side = limits.max_dimension.max(1);
    if picture.width() > side || picture.height() > side {
        // `resize` keeps the aspect ratio, fitting the image inside the square.
        picture = picture.resize(side, side, FilterType::CatmullRom);
    }
    let (bytes, media_type, extension) = encode(&picture, format, icc_profile)?;
    Ok(CleanImage {
        bytes,
        media_type,
        extension,
        width: picture.width(),
        height: picture.height(),
    })
}

/// Upright pixels and the colour profile, after checking the header's size claim.
fn decode(
    upload: &[u8],
    format: ImageFormat,
) -> Result<(DynamicImage, Option<Vec<u8>>), ImageError> {
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    reader.limits(decoder_limits());
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooManyPixels);
    }
    // Read before decoding consumes the decoder; a broken EXIF block only costs the rotation.
    let orientation = decoder.orientation().ok();
    let icc_profile = decoder
        .icc_profile()
        .ok()
        .flatten()
        .filter(|profile| profile.len() <= MAX_ICC_PROFILE_BYTES);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    // Phones store portrait photos sideways plus an EXIF rotation; EXIF is about to be dropped,
    // so the rotation is applied to the pixels instead.
    if let Some(orientation) = orientation {
        picture.apply_orientation(orientation);
    }
    Ok((picture, icc_profile))
}

/// Encoding from pixels is what strips the metadata: the encoders write only what we hand
/// them. The colour profile is kept on purpose: it describes colours, not the person, and
/// without it wide-gamut phone photos look washed out.
fn encode(
    picture: &DynamicImage,
    format: ImageFormat,
    icc_profile: Option<Vec<u8>>,
) -> Result<(Vec<u8>, &'static str, &'static str), ImageError> {
    let mut bytes = Vec::new();
    // `write_with_encoder` converts to what the encoder takes (JPEG has no alpha channel), so
    // encoding a decoded image cannot meet an unsupported layout; any failure means bad pixels.
    let written = if format == ImageFormat::Jpeg {
        let mut encoder = JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY);
        if let Some(profile) = icc_profile {
            let _ = encoder.set_icc_profile(profile);
        }
        picture.write_with_encoder(encoder)
    } else {
        let mut encoder = PngEncoder::new(&mut bytes);
        if let Some(profile) = icc_profile {
            let _ = encoder.set_icc_profile(profile);
        }
        picture.write_with_encoder(encoder)
    };
    written.map_err(|_| ImageError::Corrupt)?;
    Ok(match format {
        ImageFormat::Jpeg => (bytes, "image/jpeg", "jpg"),
        _ => (bytes, "image/png", "png"),
    })
}

/// A backstop behind the explicit pixel check: decoders also refuse to allocate more than
/// a `MAX_PIXELS` RGBA image would need.
fn decoder_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4 + 16 * 1024 * 1024);
    limits
}

pub fn human_size(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    match bytes {
        b if b >= MIB => format!("{} MB", b / MIB),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} bytes"),
    }
}

fn decode_error(error: image::ImageError) -> ImageError {
    match error {
        image::ImageError::Limits(_) => ImageError::TooManyPixels,
        _ => ImageError::Corrupt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    fn png_bytes(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbaImage::from_fn(width, height, |x, y| {
            Rgba([(x % 256) as u8, (y % 256) as u8, 128, 255])
        });
        let mut bytes = Cursor::new(Vec::new());
        picture.write_to(&mut bytes, ImageFormat::Png).unwrap();
        bytes.into_inner()
    }

    fn jpeg_bytes(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 64])
        });
        let mut bytes = Vec::new();
        JpegEncoder::new_with_quality(&mut bytes, 90)
            .write_image(
                picture.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        bytes
    }

    /// An APP1 segment holding a little-endian TIFF block with one IFD entry, `Orientation`.
    fn exif_segment(orientation: u16) -> Vec<u8> {
        let mut tiff = Vec::new();
        tiff.extend_from_slice(b"II*\0");
        tiff.extend_from_slice(&8u32.to_le_bytes()); // first IFD right after the header
        tiff.extend_from_slice(&1u16.to_le_bytes()); // one entry
        tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
        tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
        tiff.extend_from_slice(&1u32.to_le_bytes()); // count
        tiff.extend_from_slice(&orientation.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]); // value padding
        tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(&tiff);
        let mut segment = vec![0xFF, 0xE1];
        segment.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        segment.extend_from_slice(&payload);
        segment
    }

    fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let mut tagged = jpeg[..2].to_vec(); // SOI
        tagged.extend_from_slice(&exif_segment(orientation));
        tagged.extend_from_slice(&jpeg[2..]);
        tagged
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn small_png_is_accepted_and_re_encoded_as_png() {
        let clean = sanitize(&png_bytes(40, 30), &ImageLimits::default()).unwrap();
        assert_eq!(clean.media_type, "image/png");
        assert_eq!(clean.extension, "png");
        assert_eq!((clean.width, clean.height), (40, 30));
        let decoded = image::load_from_memory_with_format(&clean.bytes, ImageFormat::Png).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (40, 30));
    }

    #[test]
    fn jpeg_is_re_encoded_as_jpeg() {
        let clean = sanitize(&jpeg_bytes(64, 48), &ImageLimits::default()).unwrap();
        assert_eq!(clean.media_type, "image/jpeg");
        assert_eq!(clean.extension, "jpg");
        let decoded = image::load_from_memory_with_format(&clean.bytes, ImageFormat::Jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (64, 48));
    }

    #[test]
    fn big_image_is_scaled_down_keeping_its_aspect_ratio() {
        let limits = ImageLimits {
            max_dimension: 100,
            ..ImageLimits::default()
        };
        let clean = sanitize(&png_bytes(400, 200), &limits).unwrap();
        assert_eq!((clean.width, clean.height), (100, 50));
        let decoded = image::load_from_memory(&clean.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (100, 50));
    }

    const EVERY_ERROR: [ImageError; 4] = [
        ImageError::TooLarge {
            max_bytes: 5 * 1024 * 1024,
        },
        ImageError::UnsupportedFormat,
        ImageError::Corrupt,
        ImageError::TooManyPixels,
    ];

    #[test]
    fn the_english_message_is_the_logged_one() {
        for error in EVERY_ERROR {
            assert_eq!(error.message(app::model::Lang::En), error.to_string());
        }
        assert_eq!(
            EVERY_ERROR[0].message(app::model::Lang::En),
            "the image is larger than 5 MB; choose a smaller file"
        );
    }

    #[test]
    fn refusals_speak_the_issuers_language() {
        use app::model::Lang;
        for lang in [Lang::Ko, Lang::Ja, Lang::Zh] {
            let text = app::i18n::card_form_text(lang);
            assert_eq!(ImageError::Corrupt.message(lang), text.image_corrupt);
            for error in EVERY_ERROR {
                let message = error.message(lang);
                assert_ne!(message, error.to_string());
                let left: String = ["JPEG", "PNG", "MB"]
                    .iter()
                    .fold(message.clone(), |left, kept| left.replace(kept, ""))
                    .chars()
                    .filter(char::is_ascii_alphabetic)
                    .collect();
                assert_eq!(left, "", "{lang:?}: {message}");
            }
        }
        assert_eq!(
            ImageError::TooManyPixels.message(Lang::Ko),
            "이미지의 화소가 너무 많습니다(16메가픽셀 초과). 크기를 줄여 다시 올려 보세요."
        );
    }

    #[test]
    fn text_is_an_unsupported_format() {
        let result = sanitize(b"hello, this is not a picture", &ImageLimits::default());
        assert_eq!(result, Err(ImageError::UnsupportedFormat));
    }

    #[test]
    fn gif_is_an_unsupported_format() {
        let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
        let result = sanitize(gif, &ImageLimits::default());
        assert_eq!(result, Err(ImageError::UnsupportedFormat));
        assert!(result.unwrap_err().to_string().contains("JPEG and PNG"));
    }

    #[test]
    fn truncated_png_is_corrupt() {
        let png = png_bytes(64, 64);
        let result = sanitize(&png[..png.len() / 2], &ImageLimits::default());
        assert_eq!(result, Err(ImageError::Corrupt));
        assert_eq!(
            sanitize(&png[..20], &ImageLimits::default()),
            Err(ImageError::Corrupt)
        );
    }

    #[test]
    fn oversize_upload_is_refused_before_decoding() {
        let limits = ImageLimits {
            max_bytes: 100,
            ..ImageLimits::default()
        };
        let result = sanitize(&png_bytes(64, 64), &limits);
        assert_eq!(result, Err(ImageError::TooLarge { max_bytes: 100 }));
    }

    #[test]
    fn header_claiming_too_many_pixels_is_refused() {
        // A valid 1×1 PNG whose IHDR is rewritten to claim 10 000 × 10 000 pixels; the pixel
        // data is never read, so the check must come from the header alone.
        let mut png = png_bytes(1, 1);
        png[16..20].copy_from_slice(&10_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&10_000u32.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            sanitize(&png, &ImageLimits::default()),
            Err(ImageError::TooManyPixels)
        );
    }

    /// A solid grey PNG: 40 megapixels compress to a few tens of kilobytes.
    fn solid_png(width: u32, height: u32) -> Vec<u8> {
        let pixels = vec![128u8; width as usize * height as usize];
        let mut bytes = Vec::new();
        PngEncoder::new(&mut bytes)
            .write_image(&pixels, width, height, image::ExtendedColorType::L8)
            .unwrap();
        bytes
    }

    #[test]
    fn small_file_of_forty_megapixels_is_refused_from_its_header() {
        let png = solid_png(8_000, 5_000);
        assert!(png.len() < 200 * 1024, "{} bytes", png.len());
        assert_eq!(
            inspect(&png, &ImageLimits::default()),
            Err(ImageError::TooManyPixels)
        );
        assert_eq!(
            sanitize(&png, &ImageLimits::default()),
            Err(ImageError::TooManyPixels)
        );
        let error = ImageError::TooManyPixels.to_string();
        assert!(error.contains("16 megapixels"), "{error}");
    }

    #[test]
    fn inspect_reads_the_header_without_decoding() {
        let inspected = inspect(&png_bytes(40, 30), &ImageLimits::default()).unwrap();
        assert_eq!(
            inspected,
            Inspected {
                format: ImageFormat::Png,
                width: 40,
                height: 30
            }
        );
        // Damaged pixel data passes inspection; decoding finds it.
        let png = png_bytes(64, 64);
        let cut = &png[..png.len() / 2];
        assert!(inspect(cut, &ImageLimits::default()).is_ok());
        assert_eq!(
            sanitize(cut, &ImageLimits::default()),
            Err(ImageError::Corrupt)
        );
    }

    #[test]
    fn exif_metadata_is_stripped_from_jpeg() {
        let tagged = with_exif(&jpeg_bytes(32, 32), 1);
        assert!(contains(&tagged, b"Exif"));
        let clean = sanitize(&tagged, &ImageLimits::default()).unwrap();
        assert!(!contains(&clean.bytes, b"Exif"));
        assert!(image::load_from_memory(&clean.bytes).is_ok());
    }

    #[test]
    fn exif_rotation_is_applied_to_the_pixels() {
        // Orientation 6: the stored pixels must be turned 90° clockwise to be upright.
        let tagged = with_exif(&jpeg_bytes(40, 20), 6);
        let clean = sanitize(&tagged, &ImageLimits::default()).unwrap();
        assert_eq!((clean.width, clean.height), (20, 40));
    }

    /// The CRC-32 of PNG chunks (ISO 3309), bit by bit; only used to forge a test header.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
