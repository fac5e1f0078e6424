//! Reading the editor's multipart form, bounded before anything is kept (issue 8's rule for
//! public input, applied to the designer): the save routes and the preview route read it
//! through this one reader, so a pasted megabyte costs the same refusal on both.

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;

use super::media;
use crate::error::ApiError;

/// The longest text field the form takes: the note's 2,000 characters at 4 bytes each, and
/// room to spare. A field past any a save would take is refused before it is kept, rendered
/// and escaped.
pub(super) const MAX_TEXT_FIELD_BYTES: usize = 16 * 1024;

/// More parts than the editor has fields (about a hundred with four languages and every link)
/// is not a form a browser sent.
const MAX_PARTS: usize = 256;

/// What to do with the photo and logo parts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Images {
    /// Keep each, up to one byte past the upload limit: enough for the image check to say
    /// "too large" without holding the rest.
    Keep,
    /// Read past them (the preview shows the stored images).
    Skip,
}

/// The form's text fields by name, and the images that were sent (an empty file part is no
/// image).
pub(super) struct EditorParts {
    pub fields: HashMap<String, String>,
    pub uploads: HashMap<&'static str, Vec<u8>>,
}

/// Reads the form; `upload_max_bytes` is the installation's image limit.
pub(super) async fn read(
    mut multipart: Multipart,
    upload_max_bytes: usize,
    images: Images,
) -> Result<EditorParts, ApiError> {
    // A refusal already made stands, even if the body then runs past the route's limit.
    let failed = |error, refused: bool| match refused {
        true => too_large(),
        false => bad_editor_multipart(error, upload_max_bytes),
    };
    let mut parts = EditorParts {
        fields: HashMap::new(),
        uploads: HashMap::new(),
    };
    // Once refused, the form is still read to its end (nothing kept; the route's body limit
    // bounds it), so the client gets its 413 rather than a connection closed mid-upload.
    let mut refused = false;
    let mut count = 0;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|error| failed(error, refused))?
    {
        count += 1;
        refused |= count > MAX_PARTS;
        let name = field.name().unwrap_or_default().to_string();
        let image = match name.as_str() {
            "photo" => Some("photo"),
            "logo" => Some("logo"),
            _ => None,
        };
        let limit = match (image, images) {
            (None, _) => MAX_TEXT_FIELD_BYTES,
            (Some(_), Images::Keep) => upload_max_bytes.saturating_add(1),
            (Some(_), Images::Skip) => 0,
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|error| failed(error, refused))?
        {
            if refused {
                continue;
            }
            let room = limit - bytes.len();
            if chunk.len() <= room {
                bytes.extend_from_slice(&chunk);
            } else if image.is_some() {
                // An image past its limit is read to its end and refused by the image check,
                // beside the form's other refusals; only its first `limit` bytes are held.
                bytes.extend_from_slice(&chunk[..room]);
            } else {
                refused = true;
                bytes = Vec::new();
            }
        }
        if refused {
            continue;
        }
        match image {
            Some(slot) => {
                if !bytes.is_empty() {
                    parts.uploads.insert(slot, bytes);
                }
            }
            None => {
                let text = String::from_utf8(bytes).map_err(|_| ApiError::BadRequest {
                    code: "invalid_form",
                    message: format!("The field {name} is not UTF-8 text."),
                })?;
                parts.fields.insert(name, text);
            }
        }
    }
    if refused {
        return Err(too_large());
    }
    Ok(parts)
}

fn too_large() -> ApiError {
    let text = app::i18n::card_form_text(crate::ui_language::current());
    ApiError::PayloadTooLarge {
        message: text.field_too_long.into(),
    }
}

/// A body past the route's limit is, in the editor's form, an image past the upload limit.
fn bad_editor_multipart(error: MultipartError, upload_max_bytes: usize) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        let text = app::i18n::card_form_text(crate::ui_language::current());
        ApiError::PayloadTooLarge {
            message: text.upload_too_large(&media::human_size(upload_max_bytes)),
        }
    } else {
        bad_multipart(error)
    }
}

pub(super) fn bad_multipart(error: MultipartError) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_form",
        message: error.body_text(),
    }
}
