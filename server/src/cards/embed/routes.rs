//! The HTTP faces of embeds (issue 12): the embed itself, oEmbed, the two scripts, the
//! dashboard's Embed panel and the JSON API of a card's allowed sites.

use app::model::{EmbedPanelView, Page};
use app::pages::embed::{FRAME_HEIGHT, FRAME_WIDTH, frame_snippet};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};

use super::origin::{self, EmbedOrigin, MAX_ORIGINS, OriginError};
use crate::auth::{CurrentAccount, MaybeAccount, SignedIn};
use crate::cards::pages::card_error;
use crate::cards::public::{LangQuery, call_window, card_or_embed};
use crate::cards::service::CardError;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::render;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/embed/{slug}", get(embed_page))
        .route("/embed/{slug}/call", get(embed_call))
        .route("/oembed", get(oembed))
        .route("/embed.js", get(snippet_script))
        .route("/embed-frame.js", get(frame_script))
        .route(
            "/dashboard/cards/{slug}/embed",
            get(panel)
                .post(save_panel)
                .layer(DefaultBodyLimit::max(MAX_BODY)),
        )
        .route(
            "/api/cards/{slug}/embed-origins",
            get(list_origins)
                .put(replace_origins)
                .layer(DefaultBodyLimit::max(MAX_BODY)),
        )
}

/// An allowlist is at most [`MAX_ORIGINS`] short lines: a body above this is refused (413)
/// before it is parsed.
const MAX_BODY: usize = 32 * 1024;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list_origins, replace_origins),
    components(schemas(EmbedOrigins, ErrorBody))
)]
pub struct ApiDoc;

async fn embed_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
    MaybeAccount(viewer): MaybeAccount,
    uri: Uri,
) -> Result<Response, ApiError> {
    let viewer = viewer.map(|account| account.id);
    card_or_embed(&state, &slug, query, &headers, viewer, &uri, true).await
}

async fn embed_call(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
    MaybeAccount(viewer): MaybeAccount,
    uri: Uri,
) -> Result<Response, ApiError> {
    call_window(&state, &slug, query, &headers, &viewer, &uri, true).await
}

/// Scripts change with the server; an hour's caching spares the issuer's visitors a request
/// per page.
fn script(body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

async fn snippet_script() -> Response {
    script(include_str!("../../../../public/embed.js"))
}

async fn frame_script() -> Response {
    script(include_str!("../../../../public/embed-frame.js"))
}

#[derive(Deserialize)]
struct OEmbedQuery {
    url: Option<String>,
    format: Option<String>,
    maxwidth: Option<String>,
    maxheight: Option<String>,
}

/// The oEmbed answer (oembed.com, type `rich`).
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct OEmbed {
    pub version: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub provider_name: String,
    pub provider_url: String,
    pub html: String,
    pub width: u32,
    pub height: u32,
    pub cache_age: u32,
}

/// A card address longer than this is no card's.
const MAX_URL: usize = 2_048;

/// oEmbed for a published card's address (`/c/{slug}` or `/embed/{slug}`, a former address
/// too): the frame snippet, sized within `maxwidth`/`maxheight`. Other addresses are 404, as
/// the spec asks; `format=xml` is 501.
async fn oembed(
    State(state): State<AppState>,
    Query(query): Query<OEmbedQuery>,
) -> Result<Response, ApiError> {
    match query.format.as_deref() {
        None | Some("json") => {}
        Some("xml") => {
            let body = serde_json::json!({"error": {
                "code": "format_not_supported",
                "message": "Only format=json is offered."
            }});
            return Ok((StatusCode::NOT_IMPLEMENTED, Json(body)).into_response());
        }
        Some(_) => return Err(bad_request("bad_format", "Use format=json.")),
    }
    let url = query
        .url
        .ok_or_else(|| bad_request("missing_url", "Give the card's address as url=."))?;
    if url.len() > MAX_URL {
        return Err(bad_request("bad_url", "This address is too long."));
    }
    let bound = |value: Option<String>, default: u32, name: &str| -> Result<u32, ApiError> {
        match value {
            None => Ok(default),
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .map(|n| n.min(default))
                .ok_or_else(|| bad_request("bad_size", &format!("{name} is a number of pixels."))),
        }
    };
    let width = bound(query.maxwidth, FRAME_WIDTH, "maxwidth")?;
    let height = bound(query.maxheight, FRAME_HEIGHT, "maxheight")?;
    let public_url = &state.settings.public_url;
    let slug = card_slug(&url, public_url).ok_or(ApiError::NotFound)?;
    let cards = state.cards();
    let found = match cards.by_slug(&slug).await? {
        Some(found) => Some(found),
        None => match crate::cards::service::moved_to(&state.db, &slug).await? {
            Some(current) => cards.by_slug(&current).await?,
            None => None,
        },
    };
    let Some((card, _owner)) = found.filter(|(card, _)| card.published) else {
        return Err(ApiError::NotFound);
    };
    let title = card.content(card.default_lang).name.clone();
    let answer = OEmbed {
        version: "1.0".into(),
        kind: "rich".into(),
        html: frame_snippet(public_url, &card.slug, &title, width, height),
        title,
        provider_name: "callcard".into(),
        provider_url: format!("{public_url}/"),
        width,
        height,
        cache_age: 3_600,
    };
    Ok(Json(answer).into_response())
}

fn bad_request(code: &'static str, message: &str) -> ApiError {
    ApiError::BadRequest {
        code,
        message: message.into(),
    }
}

/// The slug of a card address of this installation: `{public_url}/c/{slug}` or
/// `{public_url}/embed/{slug}`, with an optional query or fragment. Scheme and host compare
/// without case, as URLs do.
pub fn card_slug(url: &str, public_url: &str) -> Option<String> {
    let head = url.get(..public_url.len())?;
    if !head.eq_ignore_ascii_case(public_url) {
        return None;
    }
    let path = &url[public_url.len()..];
    let rest = path
        .strip_prefix("/c/")
        .or_else(|| path.strip_prefix("/embed/"))?;
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let slug = rest[..end].trim_end_matches('/');
    crate::cards::validate::check_slug(slug).ok()?;
    Some(slug.to_string())
}

#[derive(Deserialize)]
struct PanelQuery {
    saved: Option<String>,
}

async fn panel(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Path(slug): Path<String>,
    Query(query): Query<PanelQuery>,
) -> Response {
    let card = match owned_card(&state, account.id, &slug).await {
        Ok(card) => card,
        Err(page) => return page,
    };
    let origins = match stored_origins(&state, &slug).await {
        Ok(origins) => origins,
        Err(error) => return error.into_response(),
    };
    let lines: Vec<&str> = origins.iter().map(EmbedOrigin::as_str).collect();
    let panel = panel_view(
        &state,
        &card,
        lines.join("\n"),
        Vec::new(),
        query.saved.is_some(),
    );
    render::page(&state, StatusCode::OK, Page::EmbedPanel { panel }).await
}

#[derive(Deserialize)]
struct PanelForm {
    #[serde(default)]
    origins: String,
}

async fn save_panel(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Path(slug): Path<String>,
    Form(form): Form<PanelForm>,
) -> Response {
    let card = match owned_card(&state, account.id, &slug).await {
        Ok(card) => card,
        Err(page) => return page,
    };
    let ui = crate::ui_language::current();
    match origin::parse_list(&form.origins) {
        Ok(origins) => {
            match super::replace_origins(&state.cards(), account.id, &slug, &origins).await {
                Ok(()) => {
                    Redirect::to(&format!("/dashboard/cards/{slug}/embed?saved=1")).into_response()
                }
                Err(CardError::NotFound) => render::not_found(&state).await,
                Err(error) => card_error(error).into_response(),
            }
        }
        Err(errors) => {
            let text = app::i18n::embed_text(ui);
            let messages = errors
                .iter()
                .map(|(line, error)| text.on_line(*line, &refusal(error, ui)))
                .collect();
            let panel = panel_view(&state, &card, form.origins, messages, false);
            render::page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                Page::EmbedPanel { panel },
            )
            .await
        }
    }
}

/// The signed-in issuer's card, or the page to answer instead (not found: someone else's).
async fn owned_card(
    state: &AppState,
    owner: i64,
    slug: &str,
) -> Result<app::model::CardView, Response> {
    match state.cards().owned(owner, slug).await {
        Ok(card) => Ok(card),
        Err(CardError::NotFound) => Err(render::not_found(state).await),
        Err(error) => Err(card_error(error).into_response()),
    }
}

fn panel_view(
    state: &AppState,
    card: &app::model::CardView,
    origins: String,
    errors: Vec<String>,
    saved: bool,
) -> EmbedPanelView {
    EmbedPanelView {
        slug: card.slug.clone(),
        name: card.content(card.default_lang).name.clone(),
        published: card.published,
        public_url: state.settings.public_url.clone(),
        origins,
        errors,
        saved,
    }
}

async fn stored_origins(state: &AppState, slug: &str) -> Result<Vec<EmbedOrigin>, ApiError> {
    let row = state
        .cards()
        .row_by_slug(slug)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(super::origins_of(&state.db, row.id).await?)
}

/// An origin's refusal in the issuer's language.
pub fn refusal(error: &OriginError, lang: app::model::Lang) -> String {
    let text = app::i18n::embed_text(lang);
    match error {
        OriginError::Empty | OriginError::NotWeb => text.not_web.into(),
        OriginError::TooLong => text.too_long.into(),
        OriginError::Wildcard => text.wildcard.into(),
        OriginError::HasPath(site) => text.has_path.replace("{0}", site),
        OriginError::UpperCase(site) => text.upper_case.replace("{0}", site),
        OriginError::HasUser => text.has_user.into(),
        OriginError::BadHost(host) => text.bad_host.replace("{0}", host),
        OriginError::BadPort(port) => text.bad_port.replace("{0}", port),
        OriginError::TooMany => text.too_many.replace("{max}", &MAX_ORIGINS.to_string()),
    }
}

/// The sites allowed to show a card in a frame.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EmbedOrigins {
    /// Web origins, `https://shop.example` (scheme, host, optional port; lower case, no path).
    /// Empty: the card shows on callcard only.
    pub origins: Vec<String>,
}

/// The sites allowed to show one of the issuer's cards in a frame (issue 12).
#[utoipa::path(get, path = "/api/cards/{slug}/embed-origins", tag = "cards",
    params(("slug" = String, Path)),
    responses((status = 200, body = EmbedOrigins), (status = 404, body = ErrorBody)))]
async fn list_origins(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
) -> Result<Json<EmbedOrigins>, ApiError> {
    state
        .cards()
        .owned(account.id, &slug)
        .await
        .map_err(card_error)?;
    let origins = stored_origins(&state, &slug).await?;
    Ok(Json(EmbedOrigins {
        origins: origins.iter().map(|o| o.as_str().to_string()).collect(),
    }))
}

/// Replace the sites allowed to show a card in a frame, whole: every entry is checked first and
/// one refusal stores nothing (422, each refused entry named `origins[n]`, counted from 1).
#[utoipa::path(put, path = "/api/cards/{slug}/embed-origins", tag = "cards",
    request_body = EmbedOrigins,
    params(("slug" = String, Path)),
    responses((status = 200, body = EmbedOrigins), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn replace_origins(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<EmbedOrigins>,
) -> Result<Json<EmbedOrigins>, ApiError> {
    let origins = origin::parse_entries(&input.origins).map_err(|errors| {
        ApiError::Validation(
            errors
                .into_iter()
                .map(|(number, error)| {
                    app::model::FieldError::new(format!("origins[{number}]"), error.to_string())
                })
                .collect(),
        )
    })?;
    super::replace_origins(&state.cards(), account.id, &slug, &origins)
        .await
        .map_err(card_error)?;
    Ok(Json(EmbedOrigins {
        origins: origins.iter().map(|o| o.as_str().to_string()).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::card_slug;

    #[test]
    fn card_addresses_give_their_slug_and_others_nothing() {
        let public = "https://cards.example";
        for (url, slug) in [
            ("https://cards.example/c/hong-gildong", Some("hong-gildong")),
            ("https://cards.example/c/hong?lang=en", Some("hong")),
            ("HTTPS://Cards.Example/c/hong/", Some("hong")),
            ("https://cards.example/embed/hong#x", Some("hong")),
            ("https://cards.example/c/hong/call", None),
            ("https://cards.example/dashboard", None),
            ("https://cards.example.evil/c/hong", None),
            ("https://other.example/c/hong", None),
            ("https://cards.example/c/", None),
            ("https://cards.example/c/HONG", None),
            ("", None),
        ] {
            assert_eq!(card_slug(url, public).as_deref(), slug, "{url}");
        }
    }
}
