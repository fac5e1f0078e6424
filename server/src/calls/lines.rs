//! The issuer's browser as their phone line (BRIEF R2, R10; docs/CALLING.md): a signed-in
//! dashboard that follows `GET /api/issuer/calls/events` is available, and the bridge rings it
//! through [`IssuerLines`]. The first tab to accept takes the call; the others are refused.
//! Everything lives in this process's memory, like the live calls themselves.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::model::calling::{AcceptCall, CallAccepted, LineEvent};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::{get, post};
use axum::{Json, Router};
use media_bridge::bridge::{IssuerLines, IssuerReply, Ring};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::UnboundedReceiverStream;

use crate::auth::CurrentAccount;
use crate::error::{ApiError, ApiJson};
use crate::startup::AppState;

/// How long accepting may take the bridge (answering the page's offer).
const ACCEPT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Default)]
pub struct IssuerLineRegistry {
    inner: Arc<Mutex<Lines>>,
}

#[derive(Default)]
struct Lines {
    /// Open dashboards, by account.
    listeners: HashMap<i64, Vec<mpsc::UnboundedSender<LineEvent>>>,
    /// Calls ringing or taken, by token.
    calls: HashMap<String, LineCall>,
}

struct LineCall {
    account_id: i64,
    replies: mpsc::UnboundedSender<IssuerReply>,
    taken: bool,
}

impl IssuerLineRegistry {
    fn lock(&self) -> std::sync::MutexGuard<'_, Lines> {
        self.inner.lock().expect("issuer lines lock")
    }

    fn listen(&self, account_id: i64) -> mpsc::UnboundedReceiver<LineEvent> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let _ = sender.send(LineEvent::Available);
        self.lock()
            .listeners
            .entry(account_id)
            .or_default()
            .push(sender);
        receiver
    }

    /// The ringing call `call` of `account_id`, marked taken when `take` is set.
    fn reply_channel(
        &self,
        account_id: i64,
        call: &str,
        take: bool,
    ) -> Result<mpsc::UnboundedSender<IssuerReply>, ApiError> {
        let mut lines = self.lock();
        let line = lines
            .calls
            .get_mut(call)
            .filter(|line| line.account_id == account_id)
            .ok_or(ApiError::NotFound)?;
        if take {
            if line.taken {
                return Err(ApiError::Conflict {
                    code: "call_taken",
                    message: "another tab took this call".into(),
                });
            }
            line.taken = true;
        }
        Ok(line.replies.clone())
    }

    fn broadcast(lines: &mut Lines, account_id: i64, event: &LineEvent) -> bool {
        let listeners = lines.listeners.entry(account_id).or_default();
        listeners.retain(|listener| listener.send(event.clone()).is_ok());
        !listeners.is_empty()
    }
}

impl IssuerLines for IssuerLineRegistry {
    fn ring(&self, account_id: i64, ring: Ring) -> Option<mpsc::UnboundedReceiver<IssuerReply>> {
        let mut lines = self.lock();
        let event = LineEvent::Incoming {
            call: ring.call.clone(),
            card_slug: ring.card_slug,
            card_name: ring.card_name,
            caller: ring.caller_number.as_deref().map(readable_number),
        };
        if !Self::broadcast(&mut lines, account_id, &event) {
            return None;
        }
        let (replies, receiver) = mpsc::unbounded_channel();
        lines.calls.insert(
            ring.call,
            LineCall {
                account_id,
                replies,
                taken: false,
            },
        );
        Some(receiver)
    }

    fn stop_ringing(&self, account_id: i64, call: &str) {
        let mut lines = self.lock();
        lines.calls.remove(call);
        Self::broadcast(
            &mut lines,
            account_id,
            &LineEvent::Gone {
                call: call.to_string(),
            },
        );
    }
}

/// `+8225561234` → `+82 2-556-1234`: how the issuer reads a number that asks to be called
/// back. A number we dialled was read by us before, so it always reads again; were it not, the
/// issuer sees it as stored rather than nothing.
fn readable_number(e164: &str) -> String {
    super::number::parse(e164, phonenumber::country::Id::US)
        .map(|number| number.international)
        .unwrap_or_else(|_| e164.to_owned())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/issuer/calls/events", get(events))
        .route(
            "/api/issuer/calls/{call}/accept",
            post(accept).layer(DefaultBodyLimit::max(super::live::CALL_BODY_LIMIT)),
        )
        .route("/api/issuer/calls/{call}/decline", post(decline))
        .route("/api/issuer/calls/{call}/hangup", post(hang_up))
}

async fn events(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let stream = UnboundedReceiverStream::new(state.issuer_lines.listen(account.id)).map(|event| {
        Ok(Event::default()
            .json_data(&event)
            .unwrap_or_else(|_| Event::default().data("{}")))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn accept(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(call): Path<String>,
    ApiJson(body): ApiJson<AcceptCall>,
) -> Result<Json<CallAccepted>, ApiError> {
    let replies = state.issuer_lines.reply_channel(account.id, &call, true)?;
    let (answer, answered) = oneshot::channel();
    replies
        .send(IssuerReply::Accept {
            offer_sdp: body.offer_sdp,
            answer,
        })
        .map_err(|_| ApiError::NotFound)?;
    match tokio::time::timeout(ACCEPT_TIMEOUT, answered).await {
        Ok(Ok(Ok(answer_sdp))) => Ok(Json(CallAccepted { answer_sdp })),
        Ok(Ok(Err(reason))) => Err(ApiError::Validation(vec![app::model::FieldError::new(
            "offer_sdp",
            reason,
        )])),
        // The call ended meanwhile.
        Ok(Err(_)) | Err(_) => Err(ApiError::NotFound),
    }
}

async fn decline(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(call): Path<String>,
) -> Result<StatusCode, ApiError> {
    let replies = state.issuer_lines.reply_channel(account.id, &call, false)?;
    let _ = replies.send(IssuerReply::Decline);
    Ok(StatusCode::NO_CONTENT)
}

async fn hang_up(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(call): Path<String>,
) -> Result<StatusCode, ApiError> {
    let replies = state.issuer_lines.reply_channel(account.id, &call, false)?;
    let _ = replies.send(IssuerReply::HangUp);
    Ok(StatusCode::NO_CONTENT)
}
