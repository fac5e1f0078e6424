//! What anyone can fetch: the card page, the call window, the vCard, the QR codes and images
//! (BRIEF R3, R4, R5, R6). An unpublished card is "not found" to everyone but its owner.

use app::model::{CardView, Page};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::page_cache::CachedCard;
use super::service::MediaStore;
use super::{negotiate, qr, vcard};
use crate::auth::MaybeAccount;
use crate::error::ApiError;
use crate::render;
use crate::security_headers::FrameAncestors;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{slug}", get(card_page))
        .route("/c/{slug}/call", get(call_page))
        .route("/c/{slug}/vcard", get(vcard_file))
        .route("/c/{slug}/qr.svg", get(qr_svg))
        .route("/c/{slug}/qr.png", get(qr_png))
        .route("/media/{file}", get(media_file))
}

#[derive(Deserialize)]
pub(super) struct LangQuery {
    lang: Option<String>,
}

#[derive(Deserialize)]
struct VCardQuery {
    version: Option<String>,
}

/// A slug that is no card's now may be a former address of a card that moved (issue 11): a
/// permanent redirect to the same page at its current address, query kept, so printed QR codes
/// and shared links keep working. Only published cards are followed: a redirect would tell an
/// unpublished card's new address.
async fn redirect_if_moved(
    state: &AppState,
    slug: &str,
    uri: &Uri,
) -> Result<Option<Response>, ApiError> {
    let Some(current) = super::service::moved_to(&state.db, slug).await? else {
        return Ok(None);
    };
    // `/c/{slug}/…` or `/embed/{slug}/…`: the same page under the same scope.
    let (scope, rest) = uri
        .path()
        .strip_prefix("/embed/")
        .map(|rest| ("embed", rest))
        .unwrap_or_else(|| ("c", uri.path().strip_prefix("/c/").unwrap_or_default()));
    let page = rest.find('/').map(|at| &rest[at..]).unwrap_or_default();
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    let location = format!("/{scope}/{current}{page}{query}");
    Ok(Some(
        (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response(),
    ))
}

/// The card if the viewer may see it.
async fn visible_card(
    state: &AppState,
    slug: &str,
    viewer: &Option<app::model::AccountView>,
) -> Result<Option<CardView>, ApiError> {
    let found = state.cards().by_slug(slug).await?;
    Ok(found.and_then(|(card, owner)| {
        let is_owner = viewer.as_ref().is_some_and(|account| account.id == owner);
        (card.published || is_owner).then_some(card)
    }))
}

/// The card page.
async fn card_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
    MaybeAccount(viewer): MaybeAccount,
    uri: Uri,
) -> Result<Response, ApiError> {
    let viewer = viewer.map(|account| account.id);
    card_or_embed(&state, &slug, query, &headers, viewer, &uri, false).await
}

/// The card page, or its compact embed (`embedded`). Rendered pages are kept per language, so a
/// busy card costs no query per view while the cache is told of every change, one small query
/// while it is not; any edit shows at once (page_cache.rs). Either may be framed by the sites
/// the issuer allows.
pub(super) async fn card_or_embed(
    state: &AppState,
    slug: &str,
    query: LangQuery,
    headers: &HeaderMap,
    viewer: Option<i64>,
    uri: &Uri,
    embedded: bool,
) -> Result<Response, ApiError> {
    let pages = &state.page_cache;
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    // Told of every change (page_cache.rs): the kept page is the card's, no query needed.
    if let Some(known) = pages.current(slug) {
        if !(known.published || viewer == Some(known.owner)) {
            return Ok(render::not_found(state).await);
        }
        let lang = negotiate::choose(
            &known.languages,
            query.lang.as_deref(),
            accept,
            known.default_lang,
        );
        if let Some(page) = pages.page(slug, known.updated_at, lang, embedded) {
            count_view(state, &known, viewer);
            return Ok(card_html(page, known.frame));
        }
    }
    // Taken before the reads: a change committed while this renders keeps it out of the cache.
    let generation = pages.generation();
    let cards = state.cards();
    let Some(row) = cards.row_by_slug(slug).await? else {
        return match redirect_if_moved(state, slug, uri).await? {
            Some(redirect) => Ok(redirect),
            None => Ok(render::not_found(state).await),
        };
    };
    let is_owner = viewer == Some(row.account_id);
    if !(row.published || is_owner) {
        return Ok(render::not_found(state).await);
    }
    if let Some(known) = pages.card(slug, row.updated_at) {
        let lang = negotiate::choose(
            &known.languages,
            query.lang.as_deref(),
            accept,
            known.default_lang,
        );
        if let Some(page) = pages.page(slug, row.updated_at, lang, embedded) {
            count_view(state, &known, viewer);
            return Ok(card_html(page, known.frame));
        }
    }
    let card = cards.view(&row).await?;
    let sites = super::embed::origins_of(&state.db, row.id).await?;
    let lang = negotiate::choose(
        &card.languages(),
        query.lang.as_deref(),
        accept,
        card.default_lang,
    );
    let known = CachedCard {
        id: row.id,
        owner: row.account_id,
        published: row.published,
        updated_at: row.updated_at,
        languages: card.languages(),
        default_lang: card.default_lang,
        frame: FrameAncestors::for_card(&sites),
    };
    let frame = known.frame.clone();
    count_view(state, &known, viewer);
    let rendered = render::page(
        state,
        StatusCode::OK,
        Page::Card {
            card,
            lang,
            embedded,
        },
    )
    .await;
    let page = axum::body::to_bytes(rendered.into_body(), usize::MAX)
        .await
        .map_err(ApiError::internal)?;
    pages.store(slug, generation, known, lang, embedded, page.clone());
    Ok(card_html(page, frame))
}

/// A view for the card's usage (`views.rs`): a published card seen by anyone but its issuer, on
/// its page or in an embed.
fn count_view(state: &AppState, card: &CachedCard, viewer: Option<i64>) {
    if card.published && viewer != Some(card.owner) {
        state.card_views.count(card.id, chrono::Utc::now());
    }
}

fn card_html(page: axum::body::Bytes, frame: FrameAncestors) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::VARY, "Accept-Language, Cookie"),
        ],
        page,
    )
        .into_response();
    response.extensions_mut().insert(frame);
    response
}

async fn call_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
    MaybeAccount(viewer): MaybeAccount,
    uri: Uri,
) -> Result<Response, ApiError> {
    call_window(&state, &slug, query, &headers, &viewer, &uri, false).await
}

/// The call window, or (`embedded`) the same inside an embed's frame, where "back" leads to the
/// embed. Framed by the sites the card's issuer allows, as the card is.
pub(super) async fn call_window(
    state: &AppState,
    slug: &str,
    query: LangQuery,
    headers: &HeaderMap,
    viewer: &Option<app::model::AccountView>,
    uri: &Uri,
    embedded: bool,
) -> Result<Response, ApiError> {
    let Some(card) = visible_card(state, slug, viewer).await? else {
        return match redirect_if_moved(state, slug, uri).await? {
            Some(redirect) => Ok(redirect),
            None => Ok(render::not_found(state).await),
        };
    };
    let frame = super::embed::frame_policy(&state.db, slug).await?;
    let lang = pick_lang(&card, query.lang.as_deref(), headers);
    // "Call me back" needs a phone line; its form starts empty.
    let callback = crate::calls::callback::offered(state).then(Default::default);
    let mut response = render::page(
        state,
        StatusCode::OK,
        Page::Call {
            card,
            lang,
            callback,
            embedded,
        },
    )
    .await;
    response.extensions_mut().insert(frame);
    Ok(response)
}

fn pick_lang(card: &CardView, query: Option<&str>, headers: &HeaderMap) -> app::model::Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    negotiate::choose(&card.languages(), query, accept, card.default_lang)
}

async fn vcard_file(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<VCardQuery>,
    MaybeAccount(viewer): MaybeAccount,
    uri: Uri,
) -> Result<Response, ApiError> {
    let version = match query.version.as_deref() {
        None | Some("4.0") | Some("4") => vcard::VCardVersion::V4,
        Some("3.0") | Some("3") => vcard::VCardVersion::V3,
        Some(other) => {
            return Err(ApiError::BadRequest {
                code: "unsupported_version",
                message: format!("vCard version `{other}` is not offered; use 4.0 or 3.0."),
            });
        }
    };
    let Some(card) = visible_card(&state, &slug, &viewer).await? else {
        return redirect_if_moved(&state, &slug, &uri)
            .await?
            .ok_or(ApiError::NotFound);
    };
    let photo = read_image(&state.media, card.photo_url.as_deref()).await;
    let logo = read_image(&state.media, card.logo_url.as_deref()).await;
    let text = vcard::export(&card, version, as_photo(&photo), as_photo(&logo));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/vcard; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{}.vcf\"", card.slug))
                    .expect("slugs are header-safe"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        text,
    )
        .into_response())
}

/// The bytes and media type of a stored image from its public URL, for embedding.
async fn read_image(media: &MediaStore, url: Option<&str>) -> Option<(Vec<u8>, &'static str)> {
    let file = url?.strip_prefix("/media/")?;
    let path = media.path(file)?;
    let bytes = tokio::fs::read(&path).await.ok()?;
    Some((bytes, media_type(file)))
}

/// A stored video, streamed from disk in the ranges players ask for (Safari asks for nothing
/// else), never read whole into memory.
async fn video_file(
    path: &std::path::Path,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    use tower::ServiceExt;
    let served = tower_http::services::ServeFile::new(path)
        .oneshot(request)
        .await
        .map_err(ApiError::internal)?;
    if served.status() == StatusCode::NOT_FOUND {
        return Err(ApiError::NotFound);
    }
    let mut response = served.map(axum::body::Body::new);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}

fn as_photo<'a>(image: &'a Option<(Vec<u8>, &'static str)>) -> Option<vcard::Photo<'a>> {
    image
        .as_ref()
        .map(|(bytes, media_type)| vcard::Photo { bytes, media_type })
}

fn media_type(file: &str) -> &'static str {
    if file.ends_with(".png") {
        "image/png"
    } else {
        "image/jpeg"
    }
}

async fn qr_svg(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    MaybeAccount(viewer): MaybeAccount,
    uri: Uri,
) -> Result<Response, ApiError> {
    qr_code(&state, &slug, &viewer, &uri, "image/svg+xml", |url| {
        qr::svg(url).map(String::into_bytes)
    })
    .await
}

async fn qr_png(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    MaybeAccount(viewer): MaybeAccount,
    uri: Uri,
) -> Result<Response, ApiError> {
    qr_code(&state, &slug, &viewer, &uri, "image/png", |url| {
        qr::png(url, 8)
    })
    .await
}

/// The QR code of a visible card's absolute URL, in the format `encode` makes.
async fn qr_code(
    state: &AppState,
    slug: &str,
    viewer: &Option<app::model::AccountView>,
    uri: &Uri,
    media_type: &'static str,
    encode: impl FnOnce(&str) -> Result<Vec<u8>, qr::QrError>,
) -> Result<Response, ApiError> {
    let Some(card) = visible_card(state, slug, viewer).await? else {
        return redirect_if_moved(state, slug, uri)
            .await?
            .ok_or(ApiError::NotFound);
    };
    let image = encode(&card.url).map_err(ApiError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, media_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        image,
    )
        .into_response())
}

/// Uploaded images; their names are fresh UUIDs, so they never change and cache forever.
async fn media_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let path = state.media.path(&file).ok_or(ApiError::NotFound)?;
    if MediaStore::is_video(&file) {
        return video_file(&path, request).await;
    }
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| ApiError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, media_type(&file)),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}
