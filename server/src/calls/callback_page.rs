//! "Call me back" without JavaScript (issue 10, R7a): the call window's form posts here, and
//! the caller follows the callback on a status page that reloads itself, with a plain form to
//! cancel until their phone rings. The same door as `POST /api/cards/{slug}/callbacks`
//! ([`place_callback`]): this only turns its answers into pages.
//!
//! - `POST /c/{slug}/callback` (form: `number`, `lang`): `303` to the status page, or the call
//!   window again with the number as typed and why it was refused, in the page's language, under
//!   the refusal's own status (422, 409, 429…).
//! - `GET /c/{slug}/callback/{call}`: the call's latest step; `404` once it is forgotten (a
//!   minute after it ended).
//! - `POST /c/{slug}/callback/{call}/cancel`: `303` back to the status page.

use std::time::Duration;

use app::i18n::call_text;
use app::i18n::number::{Problem, number_text};
use app::model::calling::{CallEvent, CallbackForm, CallbackStatusView, StartCallback};
use app::model::{CardView, Lang, Page};
use app::pages::call::callback::status_url;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use media_bridge::bridge::CallStatus;
use serde::Deserialize;

use super::callback::place_callback;
use super::live::{LiveEntry, call_event};
use crate::cards::negotiate;
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::render;
use crate::security_headers::FrameAncestors;
use crate::startup::AppState;

/// The form: a typed number and a language, as for the API.
const BODY_LIMIT: usize = 1024;

/// How long a cancel waits for the call to end before showing the status page, so the page
/// shows the outcome rather than the step before it.
const CANCEL_SETTLES_WITHIN: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/c/{slug}/callback",
            post(post_form).layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .route("/c/{slug}/callback/{call}", get(status_page))
        .route(
            "/c/{slug}/callback/{call}/cancel",
            post(cancel).layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
}

#[derive(Deserialize)]
struct CallbackFormBody {
    #[serde(default)]
    number: String,
    #[serde(default)]
    lang: String,
}

async fn post_form(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(slug): Path<String>,
    headers: HeaderMap,
    form: Result<Form<CallbackFormBody>, FormRejection>,
) -> Result<Response, ApiError> {
    let Some(card) = published_card_view(&state, &slug).await? else {
        return Ok(render::not_found(&state).await);
    };
    let (number, asked_lang, unreadable) = match form {
        Ok(Form(body)) => (body.number, body.lang, None),
        Err(rejection) => (String::new(), String::new(), Some(rejection.status())),
    };
    let lang = negotiate::choose(
        &card.languages(),
        Some(&asked_lang),
        accept_language(&headers),
        card.default_lang,
    );
    if let Some(status) = unreadable {
        // Over the limit is a number far too long; anything else is not our form.
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            number_text(lang).problem(lang, Problem::TooLong, "")
        } else {
            call_text(lang).ends.start_failed.to_string()
        };
        return Ok(call_page_again(&state, card, lang, String::new(), status, message, None).await);
    }
    let request = StartCallback {
        number: number.clone(),
        lang,
    };
    match place_callback(&state, address, &slug, request).await {
        // 303: the browser follows with a GET, so reloading the status page posts nothing again.
        Ok(started) => Ok(Redirect::to(&status_url(&slug, &started.call, lang)).into_response()),
        Err(ApiError::NotFound) => Ok(render::not_found(&state).await),
        Err(error) => {
            let message = refusal_message(lang, &error);
            let retry_after = match error {
                ApiError::TooManyRequests { retry_after_secs }
                | ApiError::Busy { retry_after_secs } => Some(retry_after_secs),
                _ => None,
            };
            let status = error.status();
            Ok(call_page_again(&state, card, lang, number, status, message, retry_after).await)
        }
    }
}

/// The call window again, its callback form holding what was typed and why it was refused.
async fn call_page_again(
    state: &AppState,
    card: CardView,
    lang: Lang,
    number: String,
    status: StatusCode,
    message: String,
    retry_after: Option<u64>,
) -> Response {
    let callback = Some(CallbackForm {
        number,
        error: Some(message),
    });
    let frame = framing(state, &card.slug).await;
    let mut response = render::page(
        state,
        status,
        // A refused post without JavaScript lands on the full call window, also from an embed.
        Page::Call {
            card,
            lang,
            callback,
            embedded: false,
        },
    )
    .await;
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response.extensions_mut().insert(frame);
    response
}

/// These pages follow a callback asked for without JavaScript, also inside an embed's frame
/// (issue 12): framed as the card's other pages are. A failed read frames them for nobody.
async fn framing(state: &AppState, slug: &str) -> FrameAncestors {
    crate::cards::embed::frame_policy(&state.db, slug)
        .await
        .unwrap_or_else(|error| {
            tracing::warn!(%error, slug, "cannot read a card's embed sites; its page is framed by nobody");
            FrameAncestors::Nobody
        })
}

/// Why the door refused, for the caller, in `lang`: the number's own words where the number was
/// the problem (already in `lang`), else the call window's message for the code.
fn refusal_message(lang: Lang, error: &ApiError) -> String {
    let text = call_text(lang);
    let code = match error {
        ApiError::Unprocessable { message, .. } => return message.clone(),
        ApiError::Conflict {
            code: "callback_pending",
            ..
        } => "callback_pending",
        ApiError::Conflict { .. } => "line_busy",
        ApiError::TooManyRequests { .. } | ApiError::Busy { .. } => "too_many_calls",
        ApiError::BadRequest {
            code: "calling_off",
            ..
        } => "refused:no_trunk",
        ApiError::Internal(cause) => {
            tracing::error!(%cause, "a callback from the form failed");
            "start_failed"
        }
        _ => "start_failed",
    };
    text.refusal(code).to_string()
}

async fn status_page(
    State(state): State<AppState>,
    Path((slug, call)): Path<(String, String)>,
    query: axum::extract::Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Some(card) = published_card_view(&state, &slug).await? else {
        return Ok(render::not_found(&state).await);
    };
    let (status, view) = match callback_of(&state, &slug, &call) {
        Some(entry) => {
            let latest = entry.call.status.borrow().clone();
            let latest = call_event(&latest, entry.lang).unwrap_or(CallEvent::Authorizing);
            let understood = entry.callback.map(|shown| shown.understood);
            (
                StatusCode::OK,
                status_view(&card, entry.lang, call, understood, Some(latest)),
            )
        }
        None => {
            let lang = negotiate::choose(
                &card.languages(),
                query.lang.as_deref(),
                accept_language(&headers),
                card.default_lang,
            );
            (
                StatusCode::NOT_FOUND,
                status_view(&card, lang, call, None, None),
            )
        }
    };
    let mut response = render::page(&state, status, Page::CallbackStatus { status: view }).await;
    response
        .extensions_mut()
        .insert(framing(&state, &slug).await);
    Ok(response)
}

async fn cancel(
    State(state): State<AppState>,
    Path((slug, call)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let Some(entry) = callback_of(&state, &slug, &call) else {
        return Ok(render::not_found(&state).await);
    };
    // Honoured by the call until the caller's phone rings; after that, nothing changes.
    entry.call.hang_up();
    let mut status = entry.call.status.clone();
    let _ = tokio::time::timeout(
        CANCEL_SETTLES_WITHIN,
        status.wait_for(|status| {
            matches!(
                status,
                CallStatus::Ended { .. } | CallStatus::CallerRinging | CallStatus::Connected { .. }
            )
        }),
    )
    .await;
    Ok(Redirect::to(&status_url(&slug, &call, entry.lang)).into_response())
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

/// The live callback `call` of the card `slug`; `None` for a browser call's token or another
/// card's, so a status page never shows a call under the wrong card.
fn callback_of(state: &AppState, slug: &str, call: &str) -> Option<LiveEntry> {
    state.live_calls.get(call).filter(|entry| {
        entry
            .callback
            .as_ref()
            .is_some_and(|shown| shown.card_slug == slug)
    })
}

fn status_view(
    card: &CardView,
    lang: Lang,
    call: String,
    understood: Option<String>,
    latest: Option<CallEvent>,
) -> CallbackStatusView {
    CallbackStatusView {
        slug: card.slug.clone(),
        card_name: card.content(lang).name.clone(),
        lang,
        call,
        understood,
        latest,
    }
}

async fn published_card_view(state: &AppState, slug: &str) -> Result<Option<CardView>, ApiError> {
    Ok(state
        .cards()
        .by_slug(slug)
        .await?
        .map(|(card, _)| card)
        .filter(|card| card.published))
}

fn accept_language(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
}
