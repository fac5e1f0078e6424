//! The bridge: calls from browsers (and, in the making, callbacks) bridged to issuers.
//!
//! [`Bridge::start_call`] answers the caller's WebRTC offer and spawns the call's task
//! ([`driver`]), which runs its [`Call`] state machine (STYLE §2: the rules live in
//! [`crate::call`]; the task only carries events in and executes outputs). Each leg is a
//! [`transport`] — a browser, an issuer's ringing dashboard, or a phone through the trunk —
//! so the same task drives a browser caller and a callback's phone caller
//! ([`Bridge::start_callback`]). Authority requests run as their own tasks (the media never
//! waits on the database); media is forwarded packet by packet (G.711 passes through when
//! both legs agree, else it is transcoded); announcements, the warning tone and extension keys
//! are paced at 20 ms and replace the forwarded audio toward that leg while they play.
//!
//! Invariants: the task ends only after the call settled, and it always settles with the
//! authority before it reports `Ended` — the page never shows "ended" for a call whose money
//! is still held. Hanging up a trunk leg never waits for the trunk: its BYE or CANCEL
//! finishes on the trunk call's own task (up to 32 s when the trunk never answers it), so the
//! settlement follows the hang-up at once and the call's end is the moment we hung up. Phone
//! legs need a trunk; without one the leg fails with 503 (`trunk_error`). An issuer's browser
//! rings through [`IssuerLines`] (the server's open dashboards): accepting hands the bridge
//! that page's offer, and the issuer's leg is then a second browser leg; with no dashboard
//! open the call ends as `issuer_did_not_answer`.

mod driver;
mod transport;

pub(crate) use transport::{next_trunk_event, next_trunk_media, sleep_until};

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, watch};

use crate::authority::{Authority, CallRequest};
use crate::browser::{BrowserLeg, BrowserLegConfig, BrowserLegError, ScreenedSdp};
use crate::call::CallConfig;
use crate::trunk::{Dialer, PhoneNumber};
use driver::Driver;
use transport::Transport;

/// A call ringing an issuer's browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ring {
    /// The call's token, as the server named it in [`Bridge::start_call`].
    pub call: String,
    pub card_slug: String,
    pub card_name: String,
    /// A callback: the number (E.164) that asked to be called back, so the issuer knows whom
    /// they accept. `None` for a caller in a browser.
    pub caller_number: Option<String>,
}

/// What the issuer's page did about a ring.
#[derive(Debug)]
pub enum IssuerReply {
    /// Accepted with the page's WebRTC offer; the bridge sends back its answer SDP (or why not).
    Accept {
        offer_sdp: String,
        answer: oneshot::Sender<Result<String, String>>,
    },
    Decline,
    HangUp,
}

/// The issuers' open dashboards, as the bridge rings them (the server implements it).
pub trait IssuerLines: Send + Sync + 'static {
    /// Rings every open dashboard of `account_id`; `None` when none is open.
    fn ring(&self, account_id: i64, ring: Ring) -> Option<mpsc::UnboundedReceiver<IssuerReply>>;
    /// The call is over for the issuer's pages (declined, given up, hung up or ended).
    fn stop_ringing(&self, account_id: i64, call: &str);
}

/// Everything a bridge needs besides the authority and the trunk.
#[derive(Debug, Clone)]
pub struct BridgeConfig {
    pub call: CallConfig,
    pub browser: BrowserLegConfig,
    /// The local IP for the trunk legs' RTP sockets (port chosen per call).
    pub rtp_ip: std::net::IpAddr,
}

/// Where a call is, for the caller's page (docs/CALLING.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallStatus {
    /// The browser leg is connecting (ICE/DTLS).
    Connecting,
    Authorizing,
    Calling,
    Ringing,
    WaitingForIssuer,
    /// A callback: the issuer accepted and the caller's phone is being called.
    CallingCaller,
    /// A callback: the caller's phone rings (too late to cancel from the page).
    CallerRinging,
    /// `covered_secs`: talk time paid for, from now; `available_secs`: how long the call may
    /// last from now as the authority estimates it (the card's limit and the Guild), once known.
    Connected {
        covered_secs: u32,
        available_secs: Option<u32>,
    },
    Extended {
        covered_secs: u32,
        available_secs: Option<u32>,
    },
    Warning {
        ends_in_secs: u32,
    },
    /// Settled; `cause` is the [`crate::call::HangupCause`] code.
    Ended {
        cause: String,
    },
}

/// A running call as its owner (the server's signalling) holds it.
#[derive(Debug, Clone)]
pub struct LiveCall {
    pub status: watch::Receiver<CallStatus>,
    hang_up: mpsc::UnboundedSender<()>,
}

impl LiveCall {
    /// The caller's page hung up (or, for a callback, cancelled: honoured until the caller's
    /// phone rings).
    pub fn hang_up(&self) {
        // The task may have ended already: then there is nothing to hang up.
        let _ = self.hang_up.send(());
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error(transparent)]
    Browser(#[from] BrowserLegError),
}

/// Calls from browsers, bridged to issuers through `trunk` under `authority`'s decisions.
pub struct Bridge<A: Authority> {
    authority: Arc<A>,
    trunk: Option<Arc<Dialer>>,
    lines: Option<Arc<dyn IssuerLines>>,
    config: BridgeConfig,
}

impl<A: Authority> Bridge<A> {
    pub fn new(
        authority: A,
        trunk: Option<Dialer>,
        lines: Option<Arc<dyn IssuerLines>>,
        config: BridgeConfig,
    ) -> Arc<Self> {
        Arc::new(Bridge {
            authority: Arc::new(authority),
            trunk: trunk.map(Arc::new),
            lines,
            config,
        })
    }

    /// The browser legs' settings: [`BrowserLegConfig::screen`] makes the [`ScreenedSdp`]
    /// that [`Bridge::start_call`] takes.
    pub fn browser_config(&self) -> &BrowserLegConfig {
        &self.config.browser
    }

    /// Calls `number` through the trunk and asks for `code` (see [`crate::verify`]); returns
    /// once the call is decided and hung up. `progress` follows it.
    pub async fn verify_number(
        &self,
        number: PhoneNumber,
        code: Vec<crate::dtmf::Digit>,
        language: &str,
        progress: watch::Sender<crate::verify::Progress>,
    ) -> Result<crate::verify::Outcome, crate::verify::VerifyError> {
        let trunk = self
            .trunk
            .as_ref()
            .ok_or(crate::verify::VerifyError::NoTrunk)?;
        let call = crate::verify::VerificationCall {
            number,
            code,
            language: language.to_owned(),
            rtp_ip: self.config.rtp_ip,
            config: crate::verify::VerifyConfig::default(),
        };
        crate::verify::run(trunk, call, progress).await
    }

    /// Answers the caller's screened offer and starts the call named `token`; returns it with
    /// the answer SDP.
    pub async fn start_call(
        self: &Arc<Self>,
        offer_sdp: &ScreenedSdp,
        request: CallRequest,
        token: String,
    ) -> Result<(LiveCall, String), BridgeError> {
        let (caller, answer) = BrowserLeg::answer(offer_sdp, &self.config.browser).await?;
        let live = self.spawn(
            request,
            Transport::Browser(caller),
            token,
            CallStatus::Connecting,
        );
        Ok((live, answer))
    }

    /// Starts a callback named `token` (issue 10): `request.origin` is the caller's phone
    /// number, dialled once the issuer accepted. Authorized at once.
    pub fn start_callback(self: &Arc<Self>, request: CallRequest, token: String) -> LiveCall {
        self.spawn(request, Transport::Idle, token, CallStatus::Authorizing)
    }

    fn spawn(
        self: &Arc<Self>,
        request: CallRequest,
        caller: Transport,
        token: String,
        first: CallStatus,
    ) -> LiveCall {
        let (status_sender, status) = watch::channel(first);
        let (hang_up, hang_ups) = mpsc::unbounded_channel();
        let driver = Driver::new(
            Arc::clone(self),
            request,
            caller,
            token,
            status_sender,
            hang_ups,
        );
        tokio::spawn(driver.run());
        LiveCall { status, hang_up }
    }
}
