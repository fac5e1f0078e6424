//! Placing calls through the trunk: one [`Dialer`] per configured trunk (one SIP endpoint on
//! one UDP socket), one [`TrunkCall`] per outbound call.
//!
//! Model of a call, as the core sees it through [`TrunkEvent`]s:
//! INVITE (with our SDP offer) → 1xx 180/183 → [`TrunkEvent::Ringing`] (once) → a final
//! response: 2xx → ACK (rsipstack sends it) → [`TrunkEvent::Answered`] with the answer's
//! media, or ≥ 300 → [`TrunkEvent::Failed`] with the status. A 401/407 challenge is answered
//! once with the configured credentials; a second challenge is final and reported as
//! `Failed { status: 401 | 407 }`. After the answer, the trunk's BYE is
//! [`TrunkEvent::HungUp`]. [`TrunkCall::hang_up`] sends CANCEL before the answer and BYE
//! after it.
//!
//! Invariants: at most one `Ringing`; exactly one of `Answered`, `Failed` or `MediaFailed`
//! unless we hung up first; `HungUp` only after `Answered`; after [`TrunkCall::hang_up`]
//! (or dropping the [`TrunkCall`], which hangs up too) no event is delivered and the call
//! leaves no dialog behind. Errors without a SIP status are given the one RFC 3261 says a
//! UAC should assume: a transaction timeout is 408 (§8.1.3.1), a transport failure 503.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rsipstack::dialog::DialogId;
use rsipstack::dialog::authenticate::Credential;
use rsipstack::dialog::dialog::{DialogState, DialogStateReceiver};
use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invitation::InviteOption;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::sip::{HostWithPort, Method, StatusCode, StatusCodeKind, Uri};
use rsipstack::transaction::endpoint::EndpointOption;
use rsipstack::transaction::{EndpointBuilder, TransactionReceiver};
use rsipstack::transport::udp::UdpConnection;
use rsipstack::transport::{SipAddr, TransportLayer};
use secrecy::ExposeSecret;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, debug, info, info_span, warn};

use super::config::{HostPort, PhoneNumber, Transport, TrunkConfig};
use super::sdp::{SdpAnswer, SdpError, SdpOffer};
use crate::g711::Codec;

/// What we say we are; rsipstack's default would advertise the library and its version.
const USER_AGENT: &str = "callcard";
/// Call-IDs end in this instead of rsipstack's default domain, which says nothing about us.
const CALL_ID_SUFFIX: &str = "callcard";
/// After CANCEL or BYE, how long to wait for the transaction to finish (64 × T1).
const HANG_UP_WAIT: Duration = Duration::from_secs(32);

/// rsipstack's errors are large, so they are boxed to keep `Result`s small.
#[derive(Debug, thiserror::Error)]
pub enum DialError {
    #[error("cannot open the SIP socket on {address}")]
    Bind {
        address: SocketAddr,
        #[source]
        source: Box<rsipstack::Error>,
    },
    #[error("the SIP endpoint has no local address")]
    NoLocalAddress,
    #[error("cannot build the INVITE: {0}")]
    BuildInvite(#[source] Box<rsipstack::Error>),
    #[error("cannot build a SIP URI or address for the INVITE: {0}")]
    BadAddress(#[source] Box<rsipstack::sip::Error>),
}

/// What happened to a call (see the module header for their order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrunkEvent {
    /// 180 or 183: the core's `Input::IssuerRinging`.
    Ringing,
    /// 2xx, ACKed: the core's `Input::IssuerAnswered`; start RTP toward `remote_rtp`.
    Answered {
        remote_rtp: SocketAddr,
        codec: Codec,
        /// The payload type for RFC 4733 events; `None` if the trunk refused them.
        telephone_event: Option<u8>,
    },
    /// A final failure, or its RFC 3261 stand-in: the core's `Input::IssuerFailed`.
    Failed { status: u16 },
    /// Answered with SDP the bridge cannot use; the call was ended with BYE. The core's
    /// `Input::IssuerMediaFailed`.
    MediaFailed { error: SdpError },
    /// The trunk sent BYE: the core's `Input::IssuerHungUp`.
    HungUp,
}

/// One trunk: a SIP endpoint on its own UDP socket, placing calls with [`Dialer::dial`].
/// Dropping it stops the endpoint (calls still running lose their signalling).
pub struct Dialer {
    config: TrunkConfig,
    dialog_layer: Arc<DialogLayer>,
    local_sip: SocketAddr,
    stop: CancellationToken,
}

impl Dialer {
    /// Opens the SIP socket on the configured local address and starts the endpoint.
    pub async fn start(config: TrunkConfig) -> Result<Dialer, DialError> {
        let stop = CancellationToken::new();
        let transport_layer = TransportLayer::new(stop.clone());
        let address = config.local_bind();
        match config.transport() {
            Transport::Udp => {
                let connection =
                    UdpConnection::create_connection(address, None, Some(stop.child_token()))
                        .await
                        .map_err(|source| DialError::Bind {
                            address,
                            source: Box::new(source),
                        })?;
                transport_layer.add_transport(connection.into());
            }
        }
        let endpoint = EndpointBuilder::new()
            .with_user_agent(USER_AGENT)
            .with_option(EndpointOption {
                callid_suffix: Some(CALL_ID_SUFFIX.to_owned()),
                ..EndpointOption::default()
            })
            .with_cancel_token(stop.clone())
            .with_transport_layer(transport_layer)
            .build();
        let local_sip = endpoint
            .get_addrs()
            .first()
            .and_then(|addr| addr.get_socketaddr().ok())
            .ok_or(DialError::NoLocalAddress)?;
        let incoming = endpoint
            .incoming_transactions()
            .map_err(|_| DialError::NoLocalAddress)?;
        let dialog_layer = Arc::new(DialogLayer::new(endpoint.inner.clone()));
        tokio::spawn(async move { endpoint.serve().await });
        tokio::spawn(route_incoming(Arc::clone(&dialog_layer), incoming));
        info!(trunk = %config.trunk(), %local_sip, "trunk dialer started");
        Ok(Dialer {
            config,
            dialog_layer,
            local_sip,
            stop,
        })
    }

    /// The address the trunk sends SIP to (Via and Contact).
    pub fn local_sip_addr(&self) -> SocketAddr {
        self.local_sip
    }

    pub fn config(&self) -> &TrunkConfig {
        &self.config
    }

    /// Sends the INVITE for `number`, offering RTP on `local_rtp`; the call then runs on its
    /// own task and reports through [`TrunkCall::next_event`].
    pub fn dial(
        &self,
        number: &PhoneNumber,
        local_rtp: SocketAddr,
    ) -> Result<TrunkCall, DialError> {
        let codecs = self.config.codecs().to_vec();
        let offer = SdpOffer {
            rtp: local_rtp,
            codecs: codecs.clone(),
            session_id: u64::from(rand::random::<u32>()),
        };
        let invite = self.invite_option(number, offer.to_sdp())?;
        let (state_sender, states) = self.dialog_layer.new_dialog_state_channel();
        let (dialog, outcome) = self
            .dialog_layer
            .do_invite_async(invite, state_sender)
            .map_err(|error| DialError::BuildInvite(Box::new(error)))?;
        let (events, event_receiver) = mpsc::unbounded_channel();
        let (hang_up, hang_up_requests) = oneshot::channel();
        let span = info_span!("trunk_call", number = %number.redacted());
        let call = CallTask {
            dialog_layer: Arc::clone(&self.dialog_layer),
            dialog,
            states,
            events,
            codecs,
        };
        tokio::spawn(call.run(outcome, hang_up_requests).instrument(span));
        Ok(TrunkCall {
            events: event_receiver,
            hang_up: Some(hang_up),
        })
    }

    fn invite_option(&self, number: &PhoneNumber, sdp: String) -> Result<InviteOption, DialError> {
        let trunk = self.config.trunk();
        let caller_id = self.config.caller_id().as_dial_string();
        let uri = |user: &str, host: &str, port: u16| {
            Uri::try_from(format!("sip:{user}@{}:{port}", uri_host(host)).as_str())
                .map_err(|error| DialError::BadAddress(Box::new(error)))
        };
        let next_hop: &HostPort = self.config.outbound_proxy().unwrap_or(trunk);
        let destination = SipAddr {
            r#type: Some(rsipstack::sip::Transport::Udp),
            addr: HostWithPort::try_from(next_hop.to_string().as_str())
                .map_err(|error| DialError::BadAddress(Box::new(error)))?,
        };
        let credential = match (self.config.username(), self.config.password()) {
            (Some(username), Some(password)) => Some(Credential {
                username: username.to_owned(),
                password: password.expose_secret().to_owned(),
                realm: None,
                auth_username: None,
            }),
            _ => None,
        };
        Ok(InviteOption {
            caller: uri(caller_id, &trunk.host, trunk.port)?,
            callee: uri(number.as_dial_string(), &trunk.host, trunk.port)?,
            contact: uri(
                caller_id,
                &self.local_sip.ip().to_string(),
                self.local_sip.port(),
            )?,
            destination: Some(destination),
            content_type: Some("application/sdp".to_owned()),
            offer: Some(sdp.into_bytes()),
            credential,
            ..InviteOption::default()
        })
    }
}

impl Drop for Dialer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// IPv6 literals are bracketed in SIP URIs.
fn uri_host(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

/// A call in progress. Dropping it hangs up, like [`TrunkCall::hang_up`] without waiting.
#[derive(Debug)]
pub struct TrunkCall {
    events: mpsc::UnboundedReceiver<TrunkEvent>,
    hang_up: Option<oneshot::Sender<oneshot::Sender<()>>>,
}

impl TrunkCall {
    /// The next event; `None` once the call is over and every event was read.
    pub async fn next_event(&mut self) -> Option<TrunkEvent> {
        self.events.recv().await
    }

    /// The events as a channel, for `select!` loops.
    pub fn events(&mut self) -> &mut mpsc::UnboundedReceiver<TrunkEvent> {
        &mut self.events
    }

    /// CANCEL before the answer, BYE after it; returns once the trunk replied (or the
    /// transaction gave up). Does nothing if the call already ended.
    pub async fn hang_up(mut self) {
        let Some(hang_up) = self.hang_up.take() else {
            return;
        };
        let (done, finished) = oneshot::channel();
        if hang_up.send(done).is_ok() {
            // An error means the task ended meanwhile: nothing is left to wait for.
            let _ = finished.await;
        }
    }
}

/// The task that owns one call's dialog.
struct CallTask {
    dialog_layer: Arc<DialogLayer>,
    dialog: InviteDialog,
    states: DialogStateReceiver,
    events: mpsc::UnboundedSender<TrunkEvent>,
    codecs: Vec<Codec>,
}

type InviteOutcome =
    tokio::task::JoinHandle<rsipstack::Result<(DialogId, Option<rsipstack::sip::Response>)>>;
type HangUpRequests = oneshot::Receiver<oneshot::Sender<()>>;

impl CallTask {
    async fn run(mut self, mut outcome: InviteOutcome, mut hang_up: HangUpRequests) {
        let mut rang = false;
        let final_response = loop {
            tokio::select! {
                result = &mut outcome => break result,
                Some(state) = self.states.recv() => {
                    if let DialogState::Early(_, response) = state && !rang {
                        rang = true;
                        debug!(status = response.status_code.code(), "ringing");
                        self.emit(TrunkEvent::Ringing);
                    }
                }
                request = &mut hang_up => {
                    self.cancel(outcome).await;
                    if let Ok(done) = request {
                        let _ = done.send(());
                    }
                    return;
                }
            }
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
        if response.status_code.kind() != StatusCodeKind::Successful {
            return self.fail(response.status_code.code(), "final response");
        }
        let dialog_id = self.dialog.id();
        match SdpAnswer::parse(&response.body, &self.codecs) {
            Ok(answer) => {
                info!(codec = ?answer.codec, remote_rtp = %answer.rtp, "answered");
                self.emit(TrunkEvent::Answered {
                    remote_rtp: answer.rtp,
                    codec: answer.codec,
                    telephone_event: answer.telephone_event,
                });
            }
            Err(error) => {
                warn!(%error, "unusable SDP answer, hanging up");
                self.emit(TrunkEvent::MediaFailed { error });
                self.bye(&dialog_id).await;
                return;
            }
        }
        self.confirmed(dialog_id, hang_up).await;
    }

    /// After the answer: wait for the trunk's BYE or ours.
    async fn confirmed(mut self, dialog_id: DialogId, mut hang_up: HangUpRequests) {
        loop {
            tokio::select! {
                state = self.states.recv() => match state {
                    Some(DialogState::Terminated(_, reason)) => {
                        info!(?reason, "trunk hung up");
                        self.dialog_layer.remove_dialog(&dialog_id);
                        self.emit(TrunkEvent::HungUp);
                        return;
                    }
                    Some(_) => {}
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
            }
        }
    }

    /// CANCEL, then wait for the INVITE to end: a 487, or a 2xx that crossed the CANCEL,
    /// which rsipstack ACKs and ends with a BYE itself.
    async fn cancel(&self, outcome: InviteOutcome) {
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

/// Requests from the trunk: in-dialog ones (BYE above all) go to their dialog; this user
/// agent only places calls, so it refuses new INVITEs and answers keep-alive OPTIONS.
async fn route_incoming(dialog_layer: Arc<DialogLayer>, mut incoming: TransactionReceiver) {
    while let Some(mut transaction) = incoming.recv().await {
        if let Some(mut dialog) = dialog_layer.match_dialog(&transaction) {
            tokio::spawn(async move {
                if let Err(error) = dialog.handle(&mut transaction).await {
                    debug!(%error, "in-dialog request failed");
                }
            });
            continue;
        }
        let reply = match transaction.original.method {
            Method::Ack => continue,
            Method::Options => StatusCode::OK,
            Method::Invite => StatusCode::Forbidden,
            _ => StatusCode::CallTransactionDoesNotExist,
        };
        tokio::spawn(async move {
            if let Err(error) = transaction.reply(reply).await {
                debug!(%error, "reply to a stray request failed");
            }
        });
    }
}
