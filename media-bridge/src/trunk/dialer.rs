//! Placing calls through the trunk: one [`Dialer`] per configured trunk (one SIP endpoint on
//! one UDP socket), one [`TrunkCall`] per outbound call, run by its own task
//! (`call_task.rs`).
//!
//! Model of a call, as the core sees it through [`TrunkEvent`]s:
//! INVITE (with our SDP offer, `Allow`, `Supported: timer` and, unless turned off, an RFC 4028
//! `Session-Expires`/`Min-SE`) → 1xx 180/183 → [`TrunkEvent::Ringing`] (once) → a final
//! response: 2xx → ACK (rsipstack sends it) → [`TrunkEvent::Answered`] with the answer's
//! media, or ≥ 300 → [`TrunkEvent::Failed`] with the status. A 401/407 challenge is answered
//! once with the configured credentials; a second challenge is final and reported as
//! `Failed { status: 401 | 407 }`. A 422 naming a larger `Min-SE` is retried once with it.
//! After the answer the trunk's in-dialog requests are answered ([`super::in_dialog`]:
//! OPTIONS and session refreshes 200, an offer we can serve 200 and, when it changed our
//! media, [`TrunkEvent::MediaChanged`]; an offer naming no codec we speak 488, other methods
//! 405),
//! the session timer refreshes or watches for the trunk's refreshes
//! ([`super::session_timer`]), and the call ends with the trunk's BYE
//! ([`TrunkEvent::HungUp`]), with an expired session (our BYE, then
//! [`TrunkEvent::SessionExpired`]) or with [`TrunkCall::hang_up`] (CANCEL before the answer,
//! BYE after it).
//!
//! Invariants: at most one `Ringing`; exactly one of `Answered`, `Failed` or `MediaFailed`
//! unless we hung up first; `MediaChanged`, `HungUp` and `SessionExpired` only after
//! `Answered`, and at most one of the last two; after [`TrunkCall::hang_up`] (or dropping the
//! [`TrunkCall`], which hangs up too) no event is delivered. Hanging up never makes its caller wait for the trunk: the
//! CANCEL or BYE transaction finishes on the call's task (up to 64 × T1 = 32 s when the
//! trunk never answers it), which then removes the dialog, so the call leaves no dialog
//! behind; [`HangingUp::finished`] waits for that moment if someone must. Errors without a
//! SIP status are given the one RFC 3261 says a UAC should assume: a transaction timeout is
//! 408 (§8.1.3.1), a transport failure 503.

use std::net::SocketAddr;
use std::sync::Arc;

use rsipstack::dialog::authenticate::Credential;
use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invitation::InviteOption;
use rsipstack::sip::{HostWithPort, Method, StatusCode, Uri};
use rsipstack::transaction::endpoint::EndpointOption;
use rsipstack::transaction::{EndpointBuilder, TransactionReceiver};
use rsipstack::transport::udp::UdpConnection;
use rsipstack::transport::{SipAddr, TransportLayer};
use secrecy::ExposeSecret;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, debug, info, info_span};

use super::call_task::{CallTask, Offer, invite_headers};
use super::config::{HostPort, PhoneNumber, Transport, TrunkConfig};
use super::rtp_socket::RemoteMedia;
use super::sdp::{SdpError, SdpOffer};
use super::session_timer::SessionTimer;
use crate::g711::Codec;

/// What we say we are; rsipstack's default would advertise the library and its version.
const USER_AGENT: &str = "callcard";
/// Call-IDs end in this instead of rsipstack's default domain, which says nothing about us.
const CALL_ID_SUFFIX: &str = "callcard";

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
    /// 180 or 183: the core's `Input::Ringing(leg)`.
    Ringing,
    /// 2xx, ACKed: the core's `Input::Answered(leg)`; start RTP toward `remote_rtp`.
    Answered {
        remote_rtp: SocketAddr,
        codec: Codec,
        /// The payload type for RFC 4733 events; `None` if the trunk refused them.
        telephone_event: Option<u8>,
    },
    /// The trunk's offer inside the call moved its stream, switched codec or event type, and
    /// we accepted: send and read from now on as this says. Nothing for the core.
    MediaChanged(RemoteMedia),
    /// A final failure, or its RFC 3261 stand-in: the core's `Input::Failed`.
    Failed { status: u16 },
    /// Answered with SDP the bridge cannot use; the call was ended with BYE. The core's
    /// `Input::MediaFailed(leg)`.
    MediaFailed { error: SdpError },
    /// The trunk sent BYE: the core's `Input::HungUp(leg)`.
    HungUp,
    /// The session timer ran out without a refresh (RFC 4028 §10; or our refresh found the
    /// dialog gone): we sent BYE. The trunk leg was lost, so the core's
    /// `Input::MediaFailed(leg)` (cause `media_failed`).
    SessionExpired,
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
        let sdp = offer.to_sdp();
        let timer = SessionTimer::new(self.config.session_timer());
        let mut invite = self.invite_option(number, sdp.clone())?;
        invite.headers = Some(invite_headers(&timer));
        let (state_sender, states) = self.dialog_layer.new_dialog_state_channel();
        let (dialog, outcome) = self
            .dialog_layer
            .do_invite_async(invite.clone(), state_sender)
            .map_err(|error| DialError::BuildInvite(Box::new(error)))?;
        let (events, event_receiver) = mpsc::unbounded_channel();
        let (hang_up, hang_up_requests) = oneshot::channel();
        let span = info_span!("trunk_call", number = %number.redacted());
        let call = CallTask {
            dialog_layer: Arc::clone(&self.dialog_layer),
            dialog,
            states,
            events,
            offer: Offer {
                invite,
                sdp,
                local_rtp,
                session_id: offer.session_id,
                codecs,
            },
            timer,
            started: tokio::time::Instant::now(),
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

    /// CANCEL before the answer, BYE after it. Returns at once: the transaction runs on
    /// the call's task, which removes the dialog when it is over. Does nothing if the call
    /// already ended. Await [`HangingUp::finished`] to wait for the trunk's reply.
    pub fn hang_up(mut self) -> HangingUp {
        let Some(hang_up) = self.hang_up.take() else {
            return HangingUp { finished: None };
        };
        let (done, finished) = oneshot::channel();
        // An error means the task ended meanwhile: nothing is left to wait for.
        let finished = hang_up.send(done).is_ok().then_some(finished);
        HangingUp { finished }
    }
}

/// A hang-up on its way; dropping this does not stop it.
#[derive(Debug)]
pub struct HangingUp {
    finished: Option<oneshot::Receiver<()>>,
}

impl HangingUp {
    /// Returns once the trunk replied to the CANCEL or BYE (or the transaction gave up,
    /// after 32 s) and the dialog is gone.
    pub async fn finished(self) {
        if let Some(finished) = self.finished {
            let _ = finished.await;
        }
    }
}

/// Requests from the trunk: in-dialog ones go to their dialog, where rsipstack answers BYE
/// itself and hands the others (re-INVITE, UPDATE, OPTIONS, …) to the call's task as dialog
/// states, which answers them; this user agent only places calls, so it refuses new INVITEs
/// and answers keep-alive OPTIONS outside a dialog.
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
