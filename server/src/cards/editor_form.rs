//! Reading the editor's multipart form, bounded before anything is kept (issue 8's rule for
//! public input, applied to the designer): the save routes and the preview route read it
//! through this one reader, so a pasted megabyte costs the same refusal on both.

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;

use super::media;
use super::media_store::{MediaStore, VideoUpload};
use crate::error::ApiError;

/// The longest text field the form takes: the note's 2,000 characters at 4 bytes each, and
/// room to spare. A field past any a save would take is refused before it is kept, rendered
/// and escaped.
pub(super) const MAX_TEXT_FIELD_BYTES: usize = 16 * 1024;

/// More parts than the editor has fields (about a hundred with four languages and every link)
/// is not a form a browser sent.
const MAX_PARTS: usize = 256;

/// What to do with the file parts: the photo, logo and video still, and the video.
#[derive(Clone, Copy)]
pub(super) enum Files<'a> {
    /// Keep each image up to one byte past the upload limit, enough for the image check to say
    /// "too large" without holding the rest; write the video into `store` as it arrives, up to
    /// one byte past its limit (the rest is counted, not written).
    Keep { store: &'a MediaStore },
    /// Read past them (the preview shows the stored ones).
    Skip,
}

/// The installation's limits on the form's files.
#[derive(Clone, Copy)]
pub(super) struct FileLimits {
    pub image_max_bytes: usize,
    pub video_max_bytes: usize,
}

impl FileLimits {
    pub fn of(settings: &crate::config::Settings) -> FileLimits {
        FileLimits {
            image_max_bytes: settings.upload_max_bytes,
            video_max_bytes: settings.video_max_bytes,
        }
    }
}

/// The form's text fields by name, and the files that were sent (an empty file part is no
/// file).
pub(super) struct EditorParts {
    pub fields: HashMap<String, String>,
    pub uploads: HashMap<&'static str, Vec<u8>>,
    pub video: Option<VideoUpload>,
}

/// Reads the form.
pub(super) async fn read(
    mut multipart: Multipart,
    limits: FileLimits,
    files: Files<'_>,
) -> Result<EditorParts, ApiError> {
    let upload_max_bytes = limits.image_max_bytes;
    // A refusal already made stands, even if the body then runs past the route's limit.
    let failed = |error: ReceiveError, refused: bool| match refused {
        true => too_large(),
        false => bad_editor_multipart(error, limits),
    };
    let mut parts = EditorParts {
        fields: HashMap::new(),
        uploads: HashMap::new(),
        video: None,
    };
    // Once refused, the form is still read to its end (nothing kept; the route's body limit
    // bounds it), so the client gets its 413 rather than a connection closed mid-upload.
    let mut refused = false;
    let mut count = 0;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|error| failed(error.into(), refused))?
    {
        count += 1;
        refused |= count > MAX_PARTS;
        let name = field.name().unwrap_or_default().to_string();
        if name == "video" {
            parts.video = match files {
                Files::Keep { store } if !refused => {
                    receive_video(&mut field, store, limits.video_max_bytes)
                        .await
                        .map_err(|error| failed(error, refused))?
                }
                _ => {
                    while field
                        .chunk()
                        .await
                        .map_err(|error| failed(error.into(), refused))?
                        .is_some()
                    {}
                    None
                }
            };
            continue;
        }
        let image = match name.as_str() {
            "photo" => Some("photo"),
            "logo" => Some("logo"),
            "poster" => Some("poster"),
            _ => None,
        };
        let limit = match (image, files) {
            (None, _) => MAX_TEXT_FIELD_BYTES,
            (Some(_), Files::Keep { .. }) => upload_max_bytes.saturating_add(1),
            (Some(_), Files::Skip) => 0,
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|error| failed(error.into(), refused))?
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

/// Why a video could not be received: the form's own error, or the disk's.
enum ReceiveError {
    Form(MultipartError),
    Disk(std::io::Error),
}

/// Writes the video part to a file in `store` as it arrives; `None` for an empty part (no file
/// chosen).
async fn receive_video(
    field: &mut axum::extract::multipart::Field<'_>,
    store: &MediaStore,
    max_bytes: usize,
) -> Result<Option<VideoUpload>, ReceiveError> {
    let mut incoming = store.receive_video().await.map_err(ReceiveError::Disk)?;
    let keep_up_to = max_bytes as u64 + 1;
    while let Some(chunk) = field.chunk().await.map_err(ReceiveError::Form)? {
        incoming
            .write(&chunk, keep_up_to)
            .await
            .map_err(ReceiveError::Disk)?;
    }
    let upload = incoming.finish().await.map_err(ReceiveError::Disk)?;
    Ok((upload.len > 0).then_some(upload))
}

fn too_large() -> ApiError {
    let text = app::i18n::card_form_text(crate::ui_language::current());
    ApiError::PayloadTooLarge {
        message: text.field_too_long.into(),
    }
}

/// A body past the route's limit is, in the editor's form, a file past its limit.
fn bad_editor_multipart(error: ReceiveError, limits: FileLimits) -> ApiError {
    let error = match error {
        ReceiveError::Form(error) => error,
        ReceiveError::Disk(error) => return ApiError::internal(error),
    };
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        let lang = crate::ui_language::current();
        let images = app::i18n::card_form_text(lang)
            .upload_too_large(&media::human_size(limits.image_max_bytes));
        let video =
            app::i18n::video_text(lang).too_large(&media::human_size(limits.video_max_bytes));
        ApiError::PayloadTooLarge {
            message: format!("{images} {video}"),
        }
    } else {
        bad_multipart(error)
    }
}

impl From<MultipartError> for ReceiveError {
    fn from(error: MultipartError) -> Self {
        ReceiveError::Form(error)
    }
}

pub(super) fn bad_multipart(error: MultipartError) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_form",
        message: error.body_text(),
    }
}
