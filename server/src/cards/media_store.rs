//! Where a card's uploaded files live (`<data_dir>/media`), and which of them a card holds.
//!
//! Files are written under a temporary name and renamed into place, named by a fresh UUID, and
//! never changed: an edit stores new files and the service removes the old ones only after its
//! commit, so a refused or failed request leaves the card and its files as they were. A video
//! arrives as a stream and is written to disk as it is read ([`IncomingVideo`]); nothing of it
//! is held in memory.

use std::path::{Path, PathBuf};

use app::model::CardVideo;
use sea_orm::{DbErr, Set};
use tokio::io::AsyncWriteExt;

use super::entity::card;
use super::media::CleanImage;
use super::video::{Container, VideoInfo};

/// Where uploaded files live, and the public URL path they are served under.
#[derive(Clone, Debug)]
pub struct MediaStore {
    dir: PathBuf,
}

/// The extensions of the files this store makes: images, then videos.
const IMAGE_EXTENSIONS: [&str; 2] = ["jpg", "png"];
const VIDEO_EXTENSIONS: [&str; 2] = ["mp4", "webm"];

impl MediaStore {
    pub fn new(data_dir: &Path) -> MediaStore {
        MediaStore {
            dir: data_dir.join("media"),
        }
    }

    pub fn url(file: &str) -> String {
        format!("/media/{file}")
    }

    /// The path of a stored file, or None for any name we would not have made ourselves
    /// (which keeps `..` and friends out).
    pub fn path(&self, file: &str) -> Option<PathBuf> {
        let (stem, extension) = file.rsplit_once('.')?;
        let known = IMAGE_EXTENSIONS.contains(&extension) || VIDEO_EXTENSIONS.contains(&extension);
        (uuid::Uuid::try_parse(stem).is_ok() && known).then(|| self.dir.join(file))
    }

    /// Whether a stored file is a video (served in ranges, streamed).
    pub fn is_video(file: &str) -> bool {
        file.rsplit_once('.')
            .is_some_and(|(_, extension)| VIDEO_EXTENSIONS.contains(&extension))
    }

    /// A copy of a stored file under a new name.
    pub(super) async fn copy(&self, file: &str) -> std::io::Result<String> {
        let Some(source) = self.path(file) else {
            return Err(std::io::Error::other(format!("not a stored file: {file}")));
        };
        let extension = file
            .rsplit_once('.')
            .map_or("jpg", |(_, extension)| extension);
        let copy = format!("{}.{extension}", uuid::Uuid::new_v4());
        let temporary = self.dir.join(format!(".{copy}.part"));
        tokio::fs::copy(&source, &temporary).await?;
        tokio::fs::rename(&temporary, self.dir.join(&copy)).await?;
        Ok(copy)
    }

    pub(super) async fn save(&self, image: &CleanImage) -> std::io::Result<String> {
        tokio::fs::create_dir_all(&self.dir).await?;
        let file = format!("{}.{}", uuid::Uuid::new_v4(), image.extension);
        let temporary = self.dir.join(format!(".{file}.part"));
        tokio::fs::write(&temporary, &image.bytes).await?;
        tokio::fs::rename(&temporary, self.dir.join(&file)).await?;
        Ok(file)
    }

    /// A file to write an uploaded video into as it arrives.
    pub(super) async fn receive_video(&self) -> std::io::Result<IncomingVideo> {
        tokio::fs::create_dir_all(&self.dir).await?;
        let path = self.dir.join(format!(".{}.upload", uuid::Uuid::new_v4()));
        let file = tokio::fs::File::create(&path).await?;
        Ok(IncomingVideo {
            file: Some(file),
            upload: VideoUpload { path, len: 0 },
        })
    }

    /// Moves a checked video into place under its stored name.
    pub(super) async fn keep_video(
        &self,
        mut upload: VideoUpload,
        container: Container,
    ) -> std::io::Result<String> {
        let file = format!("{}.{}", uuid::Uuid::new_v4(), container.extension());
        tokio::fs::rename(&upload.path, self.dir.join(&file)).await?;
        // Renamed: nothing left for its drop to remove.
        upload.path = PathBuf::new();
        Ok(file)
    }

    pub(super) async fn remove(&self, file: &str) {
        if let Some(path) = self.path(file)
            && let Err(error) = tokio::fs::remove_file(&path).await
        {
            tracing::warn!(%error, file, "could not remove an unused media file");
        }
    }
}

/// A video being received: bytes are written as they come, up to a limit past which they are
/// only counted.
pub(super) struct IncomingVideo {
    file: Option<tokio::fs::File>,
    upload: VideoUpload,
}

impl IncomingVideo {
    /// Writes `chunk` while the file is within `keep_up_to` bytes; counts it either way.
    pub async fn write(&mut self, chunk: &[u8], keep_up_to: u64) -> std::io::Result<()> {
        let room = keep_up_to.saturating_sub(self.upload.len);
        let kept = &chunk[..chunk.len().min(room as usize)];
        if let Some(file) = self.file.as_mut()
            && !kept.is_empty()
        {
            file.write_all(kept).await?;
        }
        self.upload.len += chunk.len() as u64;
        Ok(())
    }

    /// The bytes received so far, written or not.
    pub fn len(&self) -> u64 {
        self.upload.len
    }

    pub async fn finish(mut self) -> std::io::Result<VideoUpload> {
        if let Some(mut file) = self.file.take() {
            file.flush().await?;
        }
        Ok(self.upload)
    }
}

/// An uploaded video on disk, not yet checked or kept; removed when dropped unless kept.
#[derive(Debug)]
pub struct VideoUpload {
    path: PathBuf,
    /// The bytes sent, which may be more than were written.
    pub len: u64,
}

impl VideoUpload {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for VideoUpload {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty()
            && let Err(error) = std::fs::remove_file(&self.path)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(%error, path = %self.path.display(), "could not remove a refused upload");
        }
    }
}

/// The files a card holds, as its row names them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct CardFiles {
    pub photo: Option<String>,
    pub logo: Option<String>,
    pub video: Option<VideoFile>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct VideoFile {
    pub file: String,
    pub poster: Option<String>,
    pub width: i32,
    pub height: i32,
    pub duration_ms: i64,
}

impl VideoFile {
    pub fn new(file: String, poster: Option<String>, info: &VideoInfo) -> VideoFile {
        VideoFile {
            file,
            poster,
            width: info.width as i32,
            height: info.height as i32,
            duration_ms: info.duration_ms as i64,
        }
    }
}

impl CardFiles {
    /// The files of a stored card. A video named without its measurements (or a still without
    /// a video) is damage, reported as an error, never filled in.
    pub fn of(model: &card::Model) -> Result<CardFiles, DbErr> {
        let video = match (
            &model.video_file,
            model.video_width,
            model.video_height,
            model.video_duration_ms,
        ) {
            (Some(file), Some(width), Some(height), Some(duration_ms)) => Some(VideoFile {
                file: file.clone(),
                poster: model.video_poster_file.clone(),
                width,
                height,
                duration_ms,
            }),
            (None, None, None, None) if model.video_poster_file.is_none() => None,
            _ => {
                let message = format!("card {} has a damaged video record", model.id);
                tracing::error!(card = model.id, "{message}");
                return Err(DbErr::Custom(message));
            }
        };
        Ok(CardFiles {
            photo: model.photo_file.clone(),
            logo: model.logo_file.clone(),
            video,
        })
    }

    /// Every file named, for removing.
    pub fn names(&self) -> Vec<String> {
        let video = self
            .video
            .iter()
            .flat_map(|video| std::iter::once(video.file.clone()).chain(video.poster.clone()));
        self.photo
            .iter()
            .chain(self.logo.iter())
            .cloned()
            .chain(video)
            .collect()
    }

    pub fn write_to(&self, row: &mut card::ActiveModel) {
        row.photo_file = Set(self.photo.clone());
        row.logo_file = Set(self.logo.clone());
        let video = self.video.as_ref();
        row.video_file = Set(video.map(|video| video.file.clone()));
        row.video_poster_file = Set(video.and_then(|video| video.poster.clone()));
        row.video_width = Set(video.map(|video| video.width));
        row.video_height = Set(video.map(|video| video.height));
        row.video_duration_ms = Set(video.map(|video| video.duration_ms));
    }

    /// The video as its page plays it.
    pub fn card_video(&self) -> Option<CardVideo> {
        self.video.as_ref().map(|video| {
            let media_type = match video.file.ends_with(".webm") {
                true => Container::WebM,
                false => Container::Mp4,
            }
            .media_type();
            CardVideo {
                url: MediaStore::url(&video.file),
                media_type: media_type.to_string(),
                poster_url: video.poster.as_deref().map(MediaStore::url),
                width: video.width as u32,
                height: video.height as u32,
                duration_ms: video.duration_ms as u64,
            }
        })
    }
}
