//! Browser calls in progress (issue 4; docs/CALLING.md): the caller's page posts its WebRTC
//! offer, follows the call's states as Server-Sent Events, and may hang up. The media bridge
//! runs the call; this keeps each live call under an unguessable token until a minute after it
//! ended, so a page that reconnects late still reads how it ended.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::model::calling::{CallEvent, CallStarted, StartCall};
use app::model::{CallSettings, Lang};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use media_bridge::authority::{CallRequest, IssuerDestination};
use media_bridge::bridge::{BridgeError, CallStatus, LiveCall};
use media_bridge::browser::BrowserLegError;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::WatchStream;

use super::admission::{AdmissionRefusal, AdmissionTicket};
use super::rates::RateTable;
use super::route::{self, Destination};
use crate::cards::call_settings;
use crate::cards::entity::card;
use crate::client_address::ClientAddress;
use crate::error::{ApiError, ApiJson};
use crate::startup::AppState;

/// How long an ended call stays readable.
const KEEP_ENDED: Duration = Duration::from_secs(60);

/// The largest request body of the call routes: an SDP offer is bounded at 32 KB
/// (`SdpLimits`), and JSON escaping can double its line endings.
pub const CALL_BODY_LIMIT: usize = 64 * 1024;

/// The live calls of this process, by token.
#[derive(Clone, Default)]
pub struct LiveCalls {
    calls: Arc<Mutex<HashMap<String, LiveEntry>>>,
}

/// A live call as its pages read it.
#[derive(Clone)]
pub(super) struct LiveEntry {
    pub call: LiveCall,
    /// The caller's page's language, for the messages of its events.
    pub lang: Lang,
    /// For a callback: what its status page shows.
    pub callback: Option<CallbackShown>,
}

/// What the status page of a callback followed without JavaScript shows beside the call's step.
#[derive(Clone)]
pub(super) struct CallbackShown {
    pub card_slug: String,
    /// The number called back, as understood, in the caller's language.
    pub understood: String,
}

impl LiveCalls {
    /// A fresh, unguessable token for a call about to start.
    pub(super) fn new_token() -> String {
        format!("{:032x}", rand::random::<u128>())
    }

    /// Keeps `call` readable under `token`; what it `holds` (its admission ticket, a callback's
    /// number) is given back the moment it ends, its entry a while later.
    pub(super) fn insert(&self, token: String, entry: LiveEntry, holds: impl Send + 'static) {
        let mut status = entry.call.status.clone();
        self.calls
            .lock()
            .expect("live calls lock")
            .insert(token.clone(), entry);
        // Forget the call a while after it ended.
        let calls = self.clone();
        let key = token;
        tokio::spawn(async move {
            let _ = status
                .wait_for(|status| matches!(status, CallStatus::Ended { .. }))
                .await;
            drop(holds);
            tokio::time::sleep(KEEP_ENDED).await;
            calls.calls.lock().expect("live calls lock").remove(&key);
        });
    }

    pub(super) fn get(&self, token: &str) -> Option<LiveEntry> {
        self.calls
            .lock()
            .expect("live calls lock")
            .get(token)
            .cloned()
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(start, events, hang_up),
    components(schemas(StartCall, CallStarted, CallEvent, crate::error::ErrorBody))
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/cards/{slug}/calls",
            post(start).layer(DefaultBodyLimit::max(CALL_BODY_LIMIT)),
        )
        .route("/api/calls/live/{call}/events", get(events))
        .route(
            "/api/calls/live/{call}/hangup",
            post(hang_up).layer(DefaultBodyLimit::max(1024)),
        )
}

/// A caller let in at the door of a card: the published card, its call settings, and the
/// caller's place in the admission counts (held until the call ends). Every call starts here,
/// from the browser or as a callback.
pub(super) struct Admitted {
    pub card: card::Model,
    pub settings: CallSettings,
    pub ticket: AdmissionTicket,
}

/// Lets a caller from `address` in to call the published card `slug`: one joined read of the
/// card and its call settings, then the admission counts (before anything costly is read or
/// started). A card without call settings has the defaults, which the authority refuses.
pub(super) async fn admit_caller(
    state: &AppState,
    address: std::net::IpAddr,
    slug: &str,
) -> Result<Admitted, ApiError> {
    let found = super::reservation::card_for_call(&state.db, slug)
        .await?
        .filter(|found| found.card.published)
        .ok_or(ApiError::NotFound)?;
    let ticket = state
        .admission
        .admit(address, found.card.id)
        .map_err(admission_error)?;
    Ok(Admitted {
        settings: found
            .settings
            .as_ref()
            .map(call_settings::from_row)
            .unwrap_or_default(),
        card: found.card,
        ticket,
    })
}

/// Where a call to `card` rings (rates do not decide that: the authority rates the call when
/// it reserves), and the card's text in its default language: its name for the issuer's
/// ringing dashboard, and the name as said to the issuer's phone.
pub(super) async fn issuer_end(
    state: &AppState,
    card: &card::Model,
    settings: &CallSettings,
) -> Result<(IssuerDestination, app::model::CardContent), ApiError> {
    let destination = match route::browser_call(
        settings,
        &RateTable::default(),
        state.settings.default_region,
        state.trunk_configured(),
    ) {
        Ok(route) => match route.destination {
            Destination::Phone { .. } => IssuerDestination::Phone,
            Destination::PhoneAndBrowser { .. } => IssuerDestination::PhoneAndBrowser,
            Destination::Browser => IssuerDestination::Browser,
        },
        Err(_) => IssuerDestination::Browser,
    };
    let view = state.cards().view(card).await?;
    Ok((destination, view.content(view.default_lang).clone()))
}

pub(super) fn admission_error(refusal: AdmissionRefusal) -> ApiError {
    match refusal {
        AdmissionRefusal::AddressStarts { retry_after_secs }
        | AdmissionRefusal::CardStarts { retry_after_secs } => {
            ApiError::TooManyRequests { retry_after_secs }
        }
        AdmissionRefusal::AddressLive | AdmissionRefusal::CardLive => ApiError::Conflict {
            code: "line_busy",
            message: refusal.to_string(),
        },
        AdmissionRefusal::Full => ApiError::Busy {
            retry_after_secs: 5,
        },
    }
}

/// Start a call from a card's call window: the page's WebRTC offer in, the bridge's answer out
/// (docs/CALLING.md). Authorization follows once the caller's media connects.
#[utoipa::path(post, path = "/api/cards/{slug}/calls", tag = "calling", request_body = StartCall,
    params(("slug" = String, Path, description = "The card")),
    responses(
        (status = 201, body = CallStarted),
        (status = 400, description = "Browser calling is off here", body = crate::error::ErrorBody),
        (status = 404, description = "No such published card", body = crate::error::ErrorBody),
        (status = 409, description = "Too many calls alive from this address or to this card (`line_busy`)", body = crate::error::ErrorBody),
        (status = 413, description = "The body is over 64 KB"),
        (status = 422, description = "The offer has no usable G.711 audio, or is over a limit (which one is said)", body = crate::error::ErrorBody),
        (status = 429, description = "Too many call starts from this address or to this card; see Retry-After", body = crate::error::ErrorBody),
        (status = 503, description = "Calling is at capacity; see Retry-After", body = crate::error::ErrorBody),
    ))]
async fn start(
    State(state): State<AppState>,
    ClientAddress(caller): ClientAddress,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<StartCall>,
) -> Result<Response, ApiError> {
    let Some(bridge) = state.bridge.clone() else {
        return Err(ApiError::BadRequest {
            code: "calling_off",
            message: "browser calling is not running on this installation".into(),
        });
    };
    // Counted before the offer is read: a flood of bad offers is throttled like good ones.
    let Admitted {
        card,
        settings,
        ticket,
    } = admit_caller(&state, caller, &slug).await?;
    let browser = bridge.browser_config().clone();
    let offer_sdp = body.offer_sdp;
    let offer = state
        .parsing
        .run(move || browser.screen(&offer_sdp))
        .await?
        .map_err(|error| {
            ApiError::Validation(vec![app::model::FieldError::new(
                "offer_sdp",
                format!("the browser's SDP cannot be used: {error}"),
            )])
        })?;
    let lang = body.lang;
    let (destination, card_text) = issuer_end(&state, &card, &settings).await?;
    let request = CallRequest {
        card_slug: card.slug,
        card_name: card_text.name,
        destination,
        origin: media_bridge::authority::CallerOrigin::Browser,
        caller_language: lang.code().to_string(),
    };
    let token = LiveCalls::new_token();
    let (call, answer_sdp) = bridge
        .start_call(&offer, request, token.clone())
        .await
        .map_err(|error| match error {
            BridgeError::Browser(
                error @ (BrowserLegError::UnusableSdp(_) | BrowserLegError::RejectedSdp(_)),
            ) => ApiError::Validation(vec![app::model::FieldError::new(
                "offer_sdp",
                error.to_string(),
            )]),
            BridgeError::Browser(error) => ApiError::internal(error),
        })?;
    let entry = LiveEntry {
        call,
        lang,
        callback: None,
    };
    state.live_calls.insert(token.clone(), entry, ticket);
    Ok((
        StatusCode::CREATED,
        Json(CallStarted {
            call: token,
            answer_sdp,
        }),
    )
        .into_response())
}

/// The page's view of a status (docs/CALLING.md); `None` for the bridge's own first step.
pub(super) fn call_event(status: &CallStatus, lang: Lang) -> Option<CallEvent> {
    Some(match status {
        CallStatus::Connecting => return None,
        CallStatus::CallingCaller => CallEvent::CallingCaller,
        CallStatus::CallerRinging => CallEvent::CallerRinging,
        CallStatus::Authorizing => CallEvent::Authorizing,
        CallStatus::Calling => CallEvent::Calling,
        CallStatus::Ringing => CallEvent::Ringing,
        CallStatus::WaitingForIssuer => CallEvent::WaitingForIssuer,
        CallStatus::Connected {
            covered_secs,
            available_secs,
        } => CallEvent::Connected {
            covered_secs: *covered_secs,
            available_secs: *available_secs,
        },
        CallStatus::Extended {
            covered_secs,
            available_secs,
        } => CallEvent::Extended {
            covered_secs: *covered_secs,
            available_secs: *available_secs,
        },
        CallStatus::Warning { ends_in_secs } => CallEvent::Warning {
            ends_in_secs: *ends_in_secs,
        },
        CallStatus::Ended { cause } => CallEvent::Ended {
            message: app::i18n::refusal_message(lang, cause).to_string(),
            cause: cause.clone(),
        },
    })
}

/// The call's steps as Server-Sent Events, one JSON `CallEvent` each, until `ended`.
#[utoipa::path(get, path = "/api/calls/live/{call}/events", tag = "calling",
    params(("call" = String, Path, description = "The token from starting the call")),
    responses(
        (status = 200, content_type = "text/event-stream", body = CallEvent),
        (status = 404, body = crate::error::ErrorBody),
    ))]
async fn events(
    State(state): State<AppState>,
    Path(call): Path<String>,
) -> Result<Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let LiveEntry { call, lang, .. } = state.live_calls.get(&call).ok_or(ApiError::NotFound)?;
    let mut ended = false;
    let stream = WatchStream::new(call.status)
        // The stream ends with the call: after `ended`, nothing more will come.
        .take_while(move |status| {
            let more = !ended;
            ended = matches!(status, CallStatus::Ended { .. });
            more
        })
        .filter_map(move |status| call_event(&status, lang))
        .map(|event| {
            Ok(Event::default()
                .json_data(&event)
                .unwrap_or_else(|_| Event::default().data("{}")))
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// Hang up: both legs end and the call is settled.
#[utoipa::path(post, path = "/api/calls/live/{call}/hangup", tag = "calling",
    params(("call" = String, Path, description = "The token from starting the call")),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn hang_up(
    State(state): State<AppState>,
    Path(call): Path<String>,
) -> Result<StatusCode, ApiError> {
    let entry = state.live_calls.get(&call).ok_or(ApiError::NotFound)?;
    entry.call.hang_up();
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use app::model::Lang;
    use media_bridge::authority::Refusal;
    use media_bridge::call::HangupCause;

    /// One cause enum in the bridge, one message table in the page: every cause the bridge can
    /// end a call with reaches the caller as its own message, in every language (issue 9).
    #[test]
    fn every_hangup_cause_has_its_own_message_in_every_language() {
        let causes = HangupCause::ONE_OF_EACH.into_iter().chain(
            Refusal::ALL
                .into_iter()
                .map(|reason| HangupCause::Refused { reason }),
        );
        for lang in Lang::ALL {
            let unknown = app::i18n::refusal_message(lang, "no_such_cause");
            for cause in causes.clone() {
                let message = app::i18n::refusal_message(lang, &cause.to_string());
                assert_ne!(
                    message, unknown,
                    "{lang:?}: {cause} has no message of its own"
                );
            }
        }
    }
}
