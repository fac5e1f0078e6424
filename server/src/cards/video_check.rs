//! A received video checked before it is kept, for the designer's form and the JSON API alike:
//! its size, then its headers read on the parsing pool (`video/`), and a refusal in the
//! issuer's language.

use app::model::Lang;

use super::media;
use super::media_store::VideoUpload;
use super::video::{self, VideoError, VideoLimits};
use crate::error::ApiError;
use crate::startup::AppState;

/// A received video's headers read on the parsing pool; the upload comes back with what they
/// say, or goes (its file removed) with the refusal.
pub(super) async fn checked(
    state: &AppState,
    upload: VideoUpload,
) -> Result<Result<(VideoUpload, video::VideoInfo), VideoError>, ApiError> {
    let limits = VideoLimits {
        max_bytes: state.settings.video_max_bytes as u64,
        max_secs: state.settings.video_max_secs,
    };
    Ok(state
        .parsing
        .run(move || {
            if upload.len > limits.max_bytes {
                return Err(VideoError::TooLarge {
                    max_bytes: limits.max_bytes,
                });
            }
            let mut file = std::fs::File::open(upload.path()).map_err(|error| {
                tracing::error!(%error, "a received video could not be read back");
                VideoError::Corrupt
            })?;
            let info = video::inspect(&mut file, upload.len, limits)?;
            Ok((upload, info))
        })
        .await?)
}

/// A video refusal in the issuer's language.
pub(super) fn refusal(error: &VideoError, state: &AppState, lang: Lang) -> String {
    let text = app::i18n::video_text(lang);
    match error {
        VideoError::TooLarge { .. } => {
            text.too_large(&media::human_size(state.settings.video_max_bytes))
        }
        VideoError::TooLong { max_secs } => text.too_long(*max_secs),
        VideoError::UnsupportedFormat => text.format.into(),
        VideoError::UnsupportedCodec { codec } => text.codec(codec),
        VideoError::Hevc => text.hevc.into(),
        VideoError::NoPicture => text.no_picture.into(),
        VideoError::UnknownLength => text.unknown_length.into(),
        VideoError::Corrupt => text.corrupt.into(),
    }
}
