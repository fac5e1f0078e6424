//! QR codes for a card's public URL (BRIEF R6).
//!
//! Model: a card's URL is encoded once, at error-correction level M (about 15 % of the code
//! may be damaged or covered and it still scans, the usual choice for printed cards), and
//! rendered with the standard quiet zone of four light modules so phone cameras find its edges.
//! Two renderings: a compact SVG (one `<path>`, one horizontal run per subpath, scaled by the
//! page) and a PNG of a chosen module size for download. Both are pure: bytes in, bytes out.

use std::fmt::Write;
use std::io::Cursor;

use image::{ImageFormat, Luma};
use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code, in modules; ISO/IEC 18004 asks for four.
const QUIET_ZONE: usize = 4;

/// The colour of dark modules in the SVG; black on white scans everywhere.
pub const DARK_COLOR: &str = "#000000";
const LIGHT_COLOR: &str = "#ffffff";

/// Largest module size a PNG may ask for; bounds the image a request can make the server draw.
pub const MAX_MODULE_PX: u32 = 32;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("the link is too long to fit in a QR code ({length} bytes)")]
    DataTooLong { length: usize },
    #[error("a QR code module must be 1 to {MAX_MODULE_PX} pixels wide, not {module_px}")]
    ModuleSizeOutOfRange { module_px: u32 },
    #[error("the QR code image could not be encoded as PNG")]
    PngEncoding,
}

/// The QR code of `url` as a standalone SVG document whose user units are modules.
pub fn svg(url: &str) -> Result<String, QrError> {
    let code = encode(url)?;
    let modules = code.width();
    let side = modules + 2 * QUIET_ZONE;
    let colors = code.to_colors();

    // One subpath per horizontal run of dark modules keeps the path a few KB even for long URLs.
    let mut path = String::new();
    for y in 0..modules {
        let row = &colors[y * modules..(y + 1) * modules];
        let mut x = 0;
        while x < modules {
            if row[x] == Color::Dark {
                let start = x;
                while x < modules && row[x] == Color::Dark {
                    x += 1;
                }
                let run = x - start;
                // Writing into a String cannot fail.
                let _ = write!(
                    path,
                    "M{} {}h{run}v1h-{run}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE
                );
            } else {
                x += 1;
            }
        }
    }

    Ok(format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" "#,
            r#"shape-rendering="crispEdges" role="img">"#,
            r#"<title>QR code</title>"#,
            r#"<rect width="{side}" height="{side}" fill="{light}"/>"#,
            r#"<path fill="{dark}" d="{path}"/></svg>"#
        ),
        side = side,
        light = LIGHT_COLOR,
        dark = DARK_COLOR,
        path = path
    ))
}

/// The QR code of `url` as a greyscale PNG, `module_px` pixels per module, quiet zone included.
pub fn png(url: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    if !(1..=MAX_MODULE_PX).contains(&module_px) {
        return Err(QrError::ModuleSizeOutOfRange { module_px });
    }
    let code = encode(url)?;
    let image = code
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(module_px, module_px)
        .build();
    let mut bytes = Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, ImageFormat::Png)
        .map_err(|_| QrError::PngEncoding)?;
    Ok(bytes.into_inner())
}

fn encode(url: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|_| {
        // Byte-mode data of any content always fits some version, so the only way to fail
        // is being longer than version 40 holds (2331 bytes at level M).
        QrError::DataTooLong { length: url.len() }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://callcard.example/c/hong";

    #[test]
    fn png_has_signature_and_decodes_to_a_square() {
        let bytes = png(URL, 4).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        let image = image::load_from_memory_with_format(&bytes, ImageFormat::Png).unwrap();
        assert_eq!(image.width(), image.height());
        let modules = QrCode::with_error_correction_level(URL, EcLevel::M)
            .unwrap()
            .width() as u32;
        assert_eq!(image.width(), (modules + 2 * QUIET_ZONE as u32) * 4);
    }

    /// No pure-Rust QR decoder is available offline, so instead of scanning the PNG we check
    /// that every module in it has the colour of the matrix encoding the URL at level M.
    #[test]
    fn png_pixels_match_the_encoded_matrix() {
        let module_px = 3;
        let bytes = png(URL, module_px).unwrap();
        let image = image::load_from_memory(&bytes).unwrap().to_luma8();
        let code = QrCode::with_error_correction_level(URL, EcLevel::M).unwrap();
        let modules = code.width();
        let colors = code.to_colors();
        let side = modules + 2 * QUIET_ZONE;
        for y in 0..side {
            for x in 0..side {
                let inside = (QUIET_ZONE..QUIET_ZONE + modules).contains(&x)
                    && (QUIET_ZONE..QUIET_ZONE + modules).contains(&y);
                let dark =
                    inside && colors[(y - QUIET_ZONE) * modules + (x - QUIET_ZONE)] == Color::Dark;
                let centre = |i: usize| i as u32 * module_px + module_px / 2;
                let pixel = image.get_pixel(centre(x), centre(y)).0[0];
                assert_eq!(pixel == 0, dark, "module ({x}, {y})");
            }
        }
    }

    #[test]
    fn svg_is_a_single_path_document_with_the_dark_colour() {
        let document = svg(URL).unwrap();
        assert!(document.starts_with("<svg"));
        assert!(document.ends_with("</svg>"));
        assert!(document.contains(DARK_COLOR));
        assert_eq!(document.matches("<path").count(), 1);
    }

    #[test]
    fn svg_covers_exactly_the_dark_modules() {
        let document = svg(URL).unwrap();
        let code = QrCode::with_error_correction_level(URL, EcLevel::M).unwrap();
        let dark_modules = code
            .to_colors()
            .iter()
            .filter(|c| **c == Color::Dark)
            .count();
        let path_start = document.find(" d=\"").unwrap() + 4;
        let path = &document[path_start..document[path_start..].find('"').unwrap() + path_start];
        let covered: usize = path
            .split('M')
            .filter(|run| !run.is_empty())
            .map(|run| {
                let width = run.split('h').nth(1).unwrap().split('v').next().unwrap();
                width.parse::<usize>().unwrap()
            })
            .sum();
        assert_eq!(covered, dark_modules);
    }

    #[test]
    fn too_long_url_is_refused() {
        let url = format!("https://callcard.example/{}", "a".repeat(3000));
        assert_eq!(svg(&url), Err(QrError::DataTooLong { length: url.len() }));
        assert!(matches!(png(&url, 4), Err(QrError::DataTooLong { .. })));
    }

    #[test]
    fn module_size_out_of_range_is_refused() {
        assert_eq!(
            png(URL, 0),
            Err(QrError::ModuleSizeOutOfRange { module_px: 0 })
        );
        assert!(png(URL, MAX_MODULE_PX + 1).is_err());
    }
}
