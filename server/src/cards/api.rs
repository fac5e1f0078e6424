//! The cards JSON API (`/api/cards`, `/api/vcard/import`), for the issuer's own cards.

use app::model::{CardInput, CardSummary, CardView};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use utoipa::OpenApi;

use super::media::{self, ImageLimits};
use super::pages::{card_error, import_error};
use super::service::{ImageChange, MediaChange, VideoChange};
use super::{vcard, video, video_check};
use crate::auth::CurrentAccount;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/cards", get(list).post(create))
        .route("/api/cards/{slug}", get(show).put(update).delete(remove))
        .route("/api/cards/{slug}/call-settings", get(call_settings))
        .route("/api/cards/{slug}/duplicate", post(duplicate))
        .route(
            "/api/cards/{slug}/photo",
            put(put_photo).delete(delete_photo),
        )
        .route("/api/cards/{slug}/logo", put(put_logo).delete(delete_logo))
        .route(
            "/api/cards/{slug}/video",
            put(put_video).delete(delete_video),
        )
        .route("/api/cards/{slug}/video/poster", put(put_video_poster))
        .route(
            "/api/vcard/import",
            post(import).layer(DefaultBodyLimit::max(vcard::MAX_IMPORT_BYTES)),
        )
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list,
        create,
        call_settings,
        show,
        update,
        duplicate,
        remove,
        put_photo,
        delete_photo,
        put_logo,
        delete_logo,
        put_video,
        put_video_poster,
        delete_video,
        import
    ),
    components(schemas(
        CardInput,
        CardView,
        CardSummary,
        app::model::LocalizedContent,
        app::model::CardContent,
        app::model::Contacts,
        app::model::CardLink,
        app::model::Theme,
        app::model::Template,
        app::model::Lang,
        app::model::FieldError,
        app::model::CallSettings,
        app::model::Weekday,
        ErrorBody
    ))
)]
pub struct ApiDoc;

/// The signed-in issuer's cards, most recently changed first.
#[utoipa::path(get, path = "/api/cards", tag = "cards",
    responses((status = 200, body = [CardSummary]), (status = 401, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
) -> Result<Json<Vec<CardSummary>>, ApiError> {
    Ok(Json(state.cards().list(account.id).await?))
}

/// Create a card. Without `slug`, a random one is given.
#[utoipa::path(post, path = "/api/cards", tag = "cards", request_body = CardInput,
    responses(
        (status = 201, body = CardView),
        (status = 409, description = "Slug taken", body = ErrorBody),
        (status = 422, description = "A field was refused", body = ErrorBody),
    ))]
async fn create(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    ApiJson(input): ApiJson<CardInput>,
) -> Result<(StatusCode, Json<CardView>), ApiError> {
    let card = state
        .cards()
        .create(account.id, &input, MediaChange::none())
        .await
        .map_err(card_error)?;
    Ok((StatusCode::CREATED, Json(card)))
}

/// One of the issuer's cards, published or not.
#[utoipa::path(get, path = "/api/cards/{slug}", tag = "cards",
    params(("slug" = String, Path)),
    responses((status = 200, body = CardView), (status = 404, body = ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
) -> Result<Json<CardView>, ApiError> {
    Ok(Json(
        state
            .cards()
            .owned(account.id, &slug)
            .await
            .map_err(card_error)?,
    ))
}

/// The card's call settings: call count, limits, hours, allowed regions, destinations.
/// Change them with `PUT /api/cards/{slug}` and a `call` object.
#[utoipa::path(get, path = "/api/cards/{slug}/call-settings", tag = "cards",
    params(("slug" = String, Path)),
    responses((status = 200, body = app::model::CallSettings), (status = 404, body = ErrorBody)))]
async fn call_settings(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
) -> Result<Json<app::model::CallSettings>, ApiError> {
    Ok(Json(
        state
            .cards()
            .call_settings(account.id, &slug)
            .await
            .map_err(card_error)?,
    ))
}

/// Replace a card's content (images are kept). A `slug` other than the card's moves it there:
/// the old address keeps leading to the card (a permanent redirect), and no other card may take
/// it. A missing `slug` keeps the card's own.
#[utoipa::path(put, path = "/api/cards/{slug}", tag = "cards", request_body = CardInput,
    params(("slug" = String, Path)),
    responses((status = 200, body = CardView), (status = 404, body = ErrorBody),
        (status = 409, description = "The new slug is taken, or a former address of another card", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<CardInput>,
) -> Result<Json<CardView>, ApiError> {
    let card = state
        .cards()
        .update(account.id, &slug, &input, MediaChange::none())
        .await
        .map_err(card_error)?;
    Ok(Json(card))
}

/// A copy of the card at a new random address, unpublished: its texts, links, theme, call
/// settings and images (copied).
#[utoipa::path(post, path = "/api/cards/{slug}/duplicate", tag = "cards",
    params(("slug" = String, Path)),
    responses((status = 201, body = CardView), (status = 404, body = ErrorBody)))]
async fn duplicate(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
) -> Result<(StatusCode, Json<CardView>), ApiError> {
    let card = state
        .cards()
        .duplicate(account.id, &slug)
        .await
        .map_err(card_error)?;
    Ok((StatusCode::CREATED, Json(card)))
}

/// Delete a card and its images.
#[utoipa::path(delete, path = "/api/cards/{slug}", tag = "cards",
    params(("slug" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .cards()
        .delete(account.id, &slug)
        .await
        .map_err(card_error)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Clone, Copy)]
enum Slot {
    Photo,
    Logo,
}

impl Slot {
    /// The name of the refused field.
    fn field(self) -> &'static str {
        match self {
            Slot::Photo => "photo",
            Slot::Logo => "logo",
        }
    }
}

async fn set_image(
    state: &AppState,
    owner: i64,
    slug: &str,
    slot: Slot,
    change: ImageChange,
) -> Result<Json<CardView>, ApiError> {
    let cards = state.cards();
    let card = cards.owned(owner, slug).await.map_err(card_error)?;
    store_image(state, owner, card, slot, change).await
}

/// An upload, in order of cost: the card must be the issuer's (else 404), the bytes must pass
/// the checks that need no decoding (size, type, the header's pixel count), and only then is
/// the image decoded and re-encoded, on the parsing pool.
async fn upload_image(
    state: &AppState,
    owner: i64,
    slug: &str,
    slot: Slot,
    body: Bytes,
) -> Result<Json<CardView>, ApiError> {
    let card = state.cards().owned(owner, slug).await.map_err(card_error)?;
    let clean = cleaned_image(state, slot.field(), body).await?;
    store_image(state, owner, card, slot, ImageChange::Replace(clean)).await
}

/// An uploaded image checked without decoding, then decoded and re-encoded on the parsing
/// pool; a refusal names `field`.
async fn cleaned_image(
    state: &AppState,
    field: &'static str,
    body: Bytes,
) -> Result<media::CleanImage, ApiError> {
    let limits = ImageLimits {
        max_bytes: state.settings.upload_max_bytes,
        ..ImageLimits::default()
    };
    let refused = |error: media::ImageError| {
        ApiError::Validation(vec![app::model::FieldError::new(
            field,
            error.message(crate::ui_language::current()),
        )])
    };
    media::inspect(&body, &limits).map_err(refused)?;
    state
        .parsing
        .run(move || media::sanitize(&body, &limits))
        .await?
        .map_err(refused)
}

async fn store_image(
    state: &AppState,
    owner: i64,
    card: CardView,
    slot: Slot,
    change: ImageChange,
) -> Result<Json<CardView>, ApiError> {
    let media = match slot {
        Slot::Photo => MediaChange {
            photo: change,
            ..MediaChange::none()
        },
        Slot::Logo => MediaChange {
            logo: change,
            ..MediaChange::none()
        },
    };
    update_media(state, owner, card, media).await
}

/// The card as it is, with its files changed.
async fn update_media(
    state: &AppState,
    owner: i64,
    card: CardView,
    media: MediaChange,
) -> Result<Json<CardView>, ApiError> {
    let input = card.to_input();
    Ok(Json(
        state
            .cards()
            .update(owner, &card.slug, &input, media)
            .await
            .map_err(card_error)?,
    ))
}

/// Upload the card's photo: the request body is the JPEG or PNG file.
#[utoipa::path(put, path = "/api/cards/{slug}/photo", tag = "cards",
    params(("slug" = String, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 200, body = CardView), (status = 404, body = ErrorBody),
        (status = 422, description = "Not a JPEG/PNG, too large, over 16 megapixels or corrupt", body = ErrorBody),
        (status = 503, description = "Busy; retry after Retry-After seconds", body = ErrorBody)))]
async fn put_photo(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Json<CardView>, ApiError> {
    upload_image(&state, account.id, &slug, Slot::Photo, body).await
}

/// Remove the card's photo.
#[utoipa::path(delete, path = "/api/cards/{slug}/photo", tag = "cards",
    params(("slug" = String, Path)), responses((status = 200, body = CardView)))]
async fn delete_photo(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
) -> Result<Json<CardView>, ApiError> {
    set_image(&state, account.id, &slug, Slot::Photo, ImageChange::Remove).await
}

/// Upload the company logo: the request body is the JPEG or PNG file.
#[utoipa::path(put, path = "/api/cards/{slug}/logo", tag = "cards",
    params(("slug" = String, Path)), request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 200, body = CardView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn put_logo(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Json<CardView>, ApiError> {
    upload_image(&state, account.id, &slug, Slot::Logo, body).await
}

/// Remove the company logo.
#[utoipa::path(delete, path = "/api/cards/{slug}/logo", tag = "cards",
    params(("slug" = String, Path)), responses((status = 200, body = CardView)))]
async fn delete_logo(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
) -> Result<Json<CardView>, ApiError> {
    set_image(&state, account.id, &slug, Slot::Logo, ImageChange::Remove).await
}

/// Upload the card's short video: the request body is the MP4 (or MOV) or WebM file, written
/// to disk as it arrives and checked by its headers: H.264, VP8, VP9 or AV1 with AAC, Opus or
/// Vorbis sound, within the installation's length and size. Replaces the video and its still.
#[utoipa::path(put, path = "/api/cards/{slug}/video", tag = "cards",
    params(("slug" = String, Path)), request_body(content = Vec<u8>, content_type = "video/mp4"),
    responses((status = 200, body = CardView), (status = 404, body = ErrorBody),
        (status = 413, description = "Larger than the installation's video limit", body = ErrorBody),
        (status = 422, description = "Not MP4/WebM, a codec not every browser plays, too long, without a picture or damaged", body = ErrorBody),
        (status = 503, description = "Busy; retry after Retry-After seconds", body = ErrorBody)))]
async fn put_video(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<Json<CardView>, ApiError> {
    use tokio_stream::StreamExt;
    let card = state
        .cards()
        .owned(account.id, &slug)
        .await
        .map_err(card_error)?;
    let lang = crate::ui_language::current();
    let max_bytes = state.settings.video_max_bytes as u64;
    let too_large = || ApiError::PayloadTooLarge {
        message: app::i18n::video_text(lang)
            .too_large(&media::human_size(state.settings.video_max_bytes)),
    };
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    let mut stream = body.into_data_stream();
    if declared.is_some_and(|declared| declared > max_bytes) {
        crate::refused_body::discard(&mut stream).await;
        return Err(too_large());
    }
    let mut incoming = state
        .media
        .receive_video()
        .await
        .map_err(ApiError::internal)?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| ApiError::BadRequest {
            code: "invalid_body",
            message: error.to_string(),
        })?;
        incoming
            .write(&chunk, max_bytes + 1)
            .await
            .map_err(ApiError::internal)?;
        // Past the limit the rest is not kept (the file goes with `incoming`).
        if incoming.len() > max_bytes {
            drop(incoming);
            crate::refused_body::discard(&mut stream).await;
            return Err(too_large());
        }
    }
    let upload = incoming.finish().await.map_err(ApiError::internal)?;
    let refused = |error: video::VideoError| {
        ApiError::Validation(vec![app::model::FieldError::new(
            "video",
            video_check::refusal(&error, &state, lang),
        )])
    };
    if upload.len == 0 {
        return Err(refused(video::VideoError::UnsupportedFormat));
    }
    let (upload, info) = video_check::checked(&state, upload)
        .await?
        .map_err(refused)?;
    let media = MediaChange {
        video: VideoChange::Replace { upload, info },
        ..MediaChange::none()
    };
    update_media(&state, account.id, card, media).await
}

/// Upload the still shown before the card's video plays: the request body is the JPEG or PNG
/// file. The card must have a video.
#[utoipa::path(put, path = "/api/cards/{slug}/video/poster", tag = "cards",
    params(("slug" = String, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 200, body = CardView), (status = 404, body = ErrorBody),
        (status = 422, description = "No video, or not a JPEG/PNG, too large, over 16 megapixels or corrupt", body = ErrorBody),
        (status = 503, description = "Busy; retry after Retry-After seconds", body = ErrorBody)))]
async fn put_video_poster(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Json<CardView>, ApiError> {
    let card = state
        .cards()
        .owned(account.id, &slug)
        .await
        .map_err(card_error)?;
    if card.video.is_none() {
        let text = app::i18n::video_text(crate::ui_language::current());
        return Err(ApiError::Validation(vec![app::model::FieldError::new(
            "poster",
            text.poster_without_video,
        )]));
    }
    let clean = cleaned_image(&state, "poster", body).await?;
    let media = MediaChange {
        poster: ImageChange::Replace(clean),
        ..MediaChange::none()
    };
    update_media(&state, account.id, card, media).await
}

/// Remove the card's video and its still.
#[utoipa::path(delete, path = "/api/cards/{slug}/video", tag = "cards",
    params(("slug" = String, Path)), responses((status = 200, body = CardView)))]
async fn delete_video(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
) -> Result<Json<CardView>, ApiError> {
    let card = state
        .cards()
        .owned(account.id, &slug)
        .await
        .map_err(card_error)?;
    let media = MediaChange {
        video: VideoChange::Remove,
        ..MediaChange::none()
    };
    update_media(&state, account.id, card, media).await
}

/// Read a vCard (2.1, 3.0 or 4.0; the body is the .vcf file as exported, in any character set
/// it names) into a card draft. Stores nothing.
/// At most 1 MB, 1,000 lines and 50 URLs.
#[utoipa::path(post, path = "/api/vcard/import", tag = "cards",
    request_body(content = String, content_type = "text/vcard"),
    responses((status = 200, body = CardInput),
        (status = 413, description = "Larger than 1 MB", body = ErrorBody),
        (status = 422, description = "Not a usable vCard, or over a line or URL limit", body = ErrorBody),
        (status = 503, description = "Busy; retry after Retry-After seconds", body = ErrorBody)))]
async fn import(
    State(state): State<AppState>,
    _account: CurrentAccount,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<CardInput>, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            import_error(vcard::VCardError::TooLarge {
                max_bytes: vcard::MAX_IMPORT_BYTES,
            })
        } else {
            ApiError::BadRequest {
                code: "invalid_body",
                message: rejection.body_text(),
            }
        }
    })?;
    let imported = state.parsing.run(move || vcard::import(&body)).await?;
    imported.map(Json).map_err(import_error)
}
