//! The task that owns one trunk call's dialog: it reads rsipstack's dialog states, answers
//! the trunk's in-dialog requests, keeps the session timer and reports [`TrunkEvent`]s (the
//! model and invariants are in [`super::dialer`]'s header). The rules it follows are
//! [`super::in_dialog`] and [`super::session_timer`]; this only moves SIP to and from them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rsipstack::dialog::DialogId;
use rsipstack::dialog::dialog::{DialogState, DialogStateReceiver};
use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invitation::InviteOption;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::sip::headers::make_header;
use rsipstack::sip::{Header, Headers, Method, Request, Response, StatusCode, StatusCodeKind};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::{debug, info, warn};

use super::dialer::TrunkEvent;
use super::in_dialog::{ALLOW, InDialog, InDialogMethod, Verdict};
use super::sdp::SdpAnswer;
use super::session_timer::{Deadline, SessionTimer, TimerHeaders, lists_timer};
use crate::g711::Codec;
use crate::time::Millis;

/// After CANCEL or BYE, how long to wait for the transaction to finish (64 × T1).
const HANG_UP_WAIT: Duration = Duration::from_secs(32);

pub(super) type InviteOutcome =
    JoinHandle<rsipstack::Result<(DialogId, Option<rsipstack::sip::Response>)>>;
pub(super) type HangUpRequests = oneshot::Receiver<oneshot::Sender<()>>;
type RefreshOutcome = JoinHandle<rsipstack::Result<Option<Response>>>;

/// Our offer, kept for the answer's bookkeeping and a 422 retry.
pub(super) struct Offer {
    pub invite: InviteOption,
    pub sdp: String,
    pub local_rtp: SocketAddr,
    pub session_id: u64,
    pub codecs: Vec<Codec>,
}

pub(super) struct CallTask {
    pub dialog_layer: Arc<DialogLayer>,
    pub dialog: InviteDialog,
    pub states: DialogStateReceiver,
    pub events: mpsc::UnboundedSender<TrunkEvent>,
    pub offer: Offer,
    pub timer: SessionTimer,
    pub started: Instant,
}

/// The headers our INVITE carries besides rsipstack's own.
pub(super) fn invite_headers(timer: &SessionTimer) -> Vec<Header> {
    let mut headers = vec![
        make_header("Allow", ALLOW.to_owned()),
        make_header("Supported", "timer".to_owned()),
    ];
    if let Some(offer) = timer.offer() {
        headers.extend(timer_headers(&offer));
    }
    headers
}

fn timer_headers(timer: &TimerHeaders) -> Vec<Header> {
    let mut headers = vec![make_header(
        "Session-Expires",
        timer.session_expires.clone(),
    )];
    if let Some(min_se) = &timer.min_se {
        headers.push(make_header("Min-SE", min_se.clone()));
    }
    if timer.require_timer {
        headers.push(make_header("Require", "timer".to_owned()));
    }
    headers
}

/// The first value of header `name` (full name; rsipstack maps compact forms to it).
fn header<'a>(headers: &'a Headers, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|header| header.name().eq_ignore_ascii_case(name))
        .map(Header::value)
}

/// Whether any `name` header lists `token` (for `Supported`, `Allow`).
fn lists(headers: &Headers, name: &str, token: &str) -> bool {
    headers
        .iter()
        .filter(|header| header.name().eq_ignore_ascii_case(name))
        .any(|header| {
            header
                .value()
                .split(',')
                .any(|item| item.trim().eq_ignore_ascii_case(token))
        })
}

impl CallTask {
    fn now(&self) -> Millis {
        Millis(self.started.elapsed().as_millis() as u64)
    }

    pub(super) async fn run(mut self, mut outcome: InviteOutcome, mut hang_up: HangUpRequests) {
        let mut rang = false;
        let response = loop {
            let Some(final_response) = self
                .final_response(&mut outcome, &mut hang_up, &mut rang)
                .await
            else {
                return;
            };
            let response = match final_response {
                Ok(Ok((_, Some(response)))) => response,
                Ok(Ok((_, None))) => return self.fail(408, "no final response"),
                Ok(Err(error)) => {
                    warn!(%error, "INVITE failed");
                    return self.fail(503, "transport or transaction error");
                }
                Err(error) => {
                    warn!(%error, "INVITE task failed");
                    return self.fail(503, "INVITE task failed");
                }
            };
            if response.status_code == StatusCode::SessionIntervalTooSmall
                && self
                    .timer
                    .raise_after_too_small(header(&response.headers, "Min-SE"))
            {
                info!("422: offering the trunk's minimum session interval");
                match self.invite_again() {
                    Some(next) => {
                        outcome = next;
                        continue;
                    }
                    None => return self.fail(422, "cannot send the INVITE again"),
                }
            }
            break response;
        };
        if response.status_code.kind() != StatusCodeKind::Successful {
            return self.fail(response.status_code.code(), "final response");
        }
        let dialog_id = self.dialog.id();
        let in_dialog = match SdpAnswer::parse(&response.body, &self.offer.codecs) {
            Ok(answer) => {
                info!(codec = ?answer.codec, remote_rtp = %answer.rtp, "answered");
                self.emit(TrunkEvent::Answered {
                    remote_rtp: answer.rtp,
                    codec: answer.codec,
                    telephone_event: answer.telephone_event,
                });
                InDialog::new(
                    self.offer.sdp.clone(),
                    self.offer.local_rtp,
                    self.offer.session_id,
                    &self.offer.codecs,
                    &answer,
                )
            }
            Err(error) => {
                warn!(%error, "unusable SDP answer, hanging up");
                self.emit(TrunkEvent::MediaFailed { error });
                self.bye(&dialog_id).await;
                return;
            }
        };
        let now = self.now();
        self.timer
            .answered(header(&response.headers, "Session-Expires"), now);
        if let Some((refresher, interval)) = self.timer.session() {
            info!(?refresher, interval, "session timer running");
        }
        let update_allowed = lists(&response.headers, "Allow", "UPDATE");
        self.confirmed(dialog_id, in_dialog, update_allowed, hang_up)
            .await;
    }

    /// Until the INVITE's final response, reporting the first ringing; `None` when we hung up
    /// first (and cancelled).
    async fn final_response(
        &mut self,
        outcome: &mut InviteOutcome,
        hang_up: &mut HangUpRequests,
        rang: &mut bool,
    ) -> Option<<InviteOutcome as std::future::Future>::Output> {
        loop {
            tokio::select! {
                // States first: a 180 queued before the final response is reported before
                // it (unbiased, a 180 and a 486 arriving together could lose the ringing).
                biased;
                Some(state) = self.states.recv() => {
                    if let DialogState::Early(_, response) = state && !*rang {
                        *rang = true;
                        debug!(status = response.status_code.code(), "ringing");
                        self.emit(TrunkEvent::Ringing);
                    }
                }
                result = &mut *outcome => return Some(result),
                request = &mut *hang_up => {
                    self.cancel(outcome).await;
                    if let Ok(done) = request {
                        let _ = done.send(());
                    }
                    return None;
                }
            }
        }
    }

    /// After a 422: the same INVITE (same Call-ID) with the raised interval. rsipstack makes
    /// it a new dialog, with a new From tag, so it can never be taken for a merged request.
    fn invite_again(&mut self) -> Option<InviteOutcome> {
        let refused = self.dialog.id();
        self.dialog_layer.remove_dialog(&refused);
        let mut invite = self.offer.invite.clone();
        invite.headers = Some(invite_headers(&self.timer));
        invite.call_id = Some(refused.call_id);
        let (state_sender, states) = self.dialog_layer.new_dialog_state_channel();
        match self.dialog_layer.do_invite_async(invite, state_sender) {
            Ok((dialog, outcome)) => {
                self.dialog = dialog;
                self.states = states;
                Some(outcome)
            }
            Err(error) => {
                warn!(%error, "the INVITE could not be sent again");
                None
            }
        }
    }

    /// After the answer: the trunk's BYE or ours, the trunk's in-dialog requests, and the
    /// session timer's refreshes and expiry.
    async fn confirmed(
        mut self,
        dialog_id: DialogId,
        mut in_dialog: InDialog,
        update_allowed: bool,
        mut hang_up: HangUpRequests,
    ) {
        let mut refresh: Option<RefreshOutcome> = None;
        loop {
            let deadline = self
                .timer
                .next_deadline()
                .map(|at| self.started + Duration::from_millis(at.0));
            tokio::select! {
                state = self.states.recv() => match state {
                    Some(DialogState::Terminated(_, reason)) => {
                        info!(?reason, "trunk hung up");
                        self.dialog_layer.remove_dialog(&dialog_id);
                        self.emit(TrunkEvent::HungUp);
                        return;
                    }
                    Some(state) => self.on_request(state, &mut in_dialog).await,
                    None => {
                        self.dialog_layer.remove_dialog(&dialog_id);
                        self.emit(TrunkEvent::HungUp);
                        return;
                    }
                },
                request = &mut hang_up => {
                    self.bye(&dialog_id).await;
                    if let Ok(done) = request {
                        let _ = done.send(());
                    }
                    return;
                }
                _ = sleep_until(deadline) => {
                    let now = self.now();
                    match self.timer.on_deadline(now) {
                        Some(Deadline::Refresh(headers)) => {
                            refresh = Some(self.refresh(headers, update_allowed, &in_dialog));
                        }
                        Some(Deadline::Expired) => return self.expire(&dialog_id).await,
                        None => {}
                    }
                }
                result = wait_refresh(&mut refresh) => {
                    refresh = None;
                    if self.refresh_answered(result) == Some(Deadline::Expired) {
                        return self.expire(&dialog_id).await;
                    }
                }
            }
        }
    }

    /// Our refresh's outcome, for the session timer: no answer counts as 408 (the dialog
    /// is gone, RFC 3261 §12.2.1.2), a dialog rsipstack no longer confirms as 481.
    fn refresh_answered(
        &mut self,
        result: Result<rsipstack::Result<Option<Response>>, tokio::task::JoinError>,
    ) -> Option<Deadline> {
        let (status, session_expires) = match result {
            Ok(Ok(Some(response))) => (
                response.status_code.code(),
                header(&response.headers, "Session-Expires").map(str::to_owned),
            ),
            Ok(Ok(None)) => (481, None),
            Ok(Err(_)) | Err(_) => (408, None),
        };
        debug!(status, "session refresh answered");
        let now = self.now();
        self.timer
            .refresh_answered(status, session_expires.as_deref(), now)
    }

    /// Our refresh (RFC 4028 §7.4): an UPDATE without SDP if the trunk allows UPDATE, else
    /// a re-INVITE with the SDP we last sent (same version: nothing changes).
    fn refresh(
        &self,
        headers: TimerHeaders,
        update_allowed: bool,
        in_dialog: &InDialog,
    ) -> RefreshOutcome {
        let mut sip_headers = timer_headers(&headers);
        sip_headers.push(make_header("Supported", "timer".to_owned()));
        sip_headers.push(make_header("Allow", ALLOW.to_owned()));
        let dialog = self.dialog.clone();
        let sdp = in_dialog.last_sdp().as_bytes().to_vec();
        info!(update = update_allowed, "refreshing the session");
        tokio::spawn(async move {
            if update_allowed {
                dialog.update(Some(sip_headers), None).await
            } else {
                sip_headers.push(make_header("Content-Type", "application/sdp".to_owned()));
                dialog.reinvite(Some(sip_headers), Some(sdp)).await
            }
        })
    }

    /// A request from the trunk inside the call, as rsipstack hands it over: answered here,
    /// at once (rsipstack answers 501 to what is left unanswered).
    async fn on_request(&mut self, state: DialogState, in_dialog: &mut InDialog) {
        let (request, handle) = match state {
            DialogState::Updated(_, request, handle)
            | DialogState::Options(_, request, handle)
            | DialogState::Info(_, request, handle)
            | DialogState::Notify(_, request, handle)
            | DialogState::Refer(_, request, handle)
            | DialogState::Message(_, request, handle)
            | DialogState::Publish(_, request, handle) => (request, handle),
            _ => return,
        };
        let method = match request.method {
            Method::Invite => InDialogMethod::Invite,
            Method::Update => InDialogMethod::Update,
            Method::Options => InDialogMethod::Options,
            _ => InDialogMethod::Other,
        };
        let (status, headers, body) = self.reply_to(&request, method, in_dialog);
        info!(method = %request.method, status = status.code(), "in-dialog request answered");
        if let Err(error) = handle.respond(status, Some(headers), body).await {
            debug!(%error, "the in-dialog reply could not be handed over");
        }
    }

    fn reply_to(
        &mut self,
        request: &Request,
        method: InDialogMethod,
        in_dialog: &mut InDialog,
    ) -> (StatusCode, Vec<Header>, Option<Vec<u8>>) {
        let mut headers = vec![
            make_header("Allow", ALLOW.to_owned()),
            make_header("Supported", "timer".to_owned()),
        ];
        let mut timer = None;
        if matches!(method, InDialogMethod::Invite | InDialogMethod::Update) {
            let now = self.now();
            // Checked first: a refused interval must leave the session as it was.
            let session_expires = header(&request.headers, "Session-Expires");
            let supports_timer = lists(&request.headers, "Supported", "timer")
                || header(&request.headers, "Require").is_some_and(lists_timer);
            let mut trial = self.timer.clone();
            match trial.refresh_received(session_expires, supports_timer, now) {
                Ok(headers) => timer = Some((trial, headers)),
                Err(too_small) => {
                    headers.push(make_header("Min-SE", too_small.min_se_secs.to_string()));
                    return (StatusCode::SessionIntervalTooSmall, headers, None);
                }
            }
        }
        let verdict = in_dialog.decide(method, &request.body);
        match verdict {
            Verdict::Accept { sdp, media } => {
                if let Some(media) = media {
                    info!(codec = ?media.codec, remote_rtp = %media.rtp, "the trunk's media changed");
                    self.emit(TrunkEvent::MediaChanged(media));
                }
                if let Some((trial, timer_headers_out)) = timer {
                    self.timer = trial;
                    if let Some(refresh) = timer_headers_out {
                        headers.extend(timer_headers(&refresh));
                    }
                    if let Some((refresher, interval)) = self.timer.session() {
                        debug!(?refresher, interval, "session refreshed by the trunk");
                    }
                }
                if sdp.is_some() {
                    headers.push(make_header("Content-Type", "application/sdp".to_owned()));
                }
                (StatusCode::OK, headers, sdp.map(String::into_bytes))
            }
            Verdict::NotAcceptable { why } => {
                info!(why, "refusing the trunk's offer");
                (StatusCode::NotAcceptableHere, headers, None)
            }
            Verdict::MethodNotAllowed => (StatusCode::MethodNotAllowed, headers, None),
        }
    }

    /// The session timer ran out: BYE, and the call is over for the holder.
    async fn expire(&self, dialog_id: &DialogId) {
        warn!("session expired without a refresh, hanging up");
        self.emit(TrunkEvent::SessionExpired);
        self.bye(dialog_id).await;
    }

    /// CANCEL, then wait for the INVITE to end: a 487, or a 2xx that crossed the CANCEL,
    /// which rsipstack ACKs and ends with a BYE itself.
    async fn cancel(&self, outcome: &mut InviteOutcome) {
        info!("cancelling before the answer");
        if let Err(error) = self.dialog.cancel().await {
            debug!(%error, "CANCEL failed");
        }
        if let Ok(Ok(Ok((dialog_id, _)))) = tokio::time::timeout(HANG_UP_WAIT, outcome).await {
            self.dialog_layer.remove_dialog(&dialog_id);
        }
    }

    async fn bye(&self, dialog_id: &DialogId) {
        info!("hanging up");
        match tokio::time::timeout(HANG_UP_WAIT, self.dialog.bye()).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => debug!(%error, "BYE failed"),
            Err(_) => debug!("BYE timed out"),
        }
        self.dialog_layer.remove_dialog(dialog_id);
    }

    fn fail(&self, status: u16, why: &str) {
        info!(status, why, "call failed");
        self.emit(TrunkEvent::Failed { status });
    }

    fn emit(&self, event: TrunkEvent) {
        // The holder may have stopped listening; the call still ends cleanly.
        let _ = self.events.send(event);
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Our refresh's answer, or never when none is in flight.
async fn wait_refresh(
    refresh: &mut Option<RefreshOutcome>,
) -> Result<rsipstack::Result<Option<Response>>, tokio::task::JoinError> {
    match refresh.as_mut() {
        Some(refresh) => refresh.await,
        None => std::future::pending().await,
    }
}
