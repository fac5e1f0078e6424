//! The call's vocabulary: what a driver tells it ([`Input`]), what it asks the driver to do
//! ([`Output`]), and its settings ([`CallConfig`]).

use std::time::Duration;

use super::HangupCause;
use crate::authority::{CallId, CallRequest, ExtendDecision, Grant, Refusal};
use crate::dtmf::Digit;
use crate::time::Millis;

/// One side of the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Leg {
    /// The visitor calling from the card page (WebRTC).
    Caller,
    /// The card's issuer: a phone through the SIP trunk, or the issuer's browser.
    Issuer,
}

/// Something that happened, reported by the driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The caller's browser leg is up (ICE and DTLS connected).
    CallerConnected,
    CallerHungUp,
    /// The caller's media failed (ICE failed or disconnected for good).
    CallerMediaFailed,
    /// The authority's answer to [`Output::Authorize`].
    Authorized(Grant),
    Refused(Refusal),
    /// 180/183 from the trunk, or the issuer's page started ringing.
    IssuerRinging,
    /// 200 OK from the trunk, or Accept pressed in the issuer's page.
    IssuerAnswered,
    /// A final failure response to the INVITE (486, 480, 603, 503, …).
    IssuerFailed {
        sip_status: u16,
    },
    /// BYE from the trunk, or the issuer's page hung up.
    IssuerHungUp,
    IssuerMediaFailed,
    /// The trunk's session timer ran out (RFC 4028): the phone leg is gone, BYE already sent.
    IssuerSessionExpired,
    /// A key press received on a leg (RFC 4733, see [`crate::dtmf::DtmfReceiver`]).
    Dtmf {
        from: Leg,
        digit: Digit,
    },
    /// The authority's answer to [`Output::Extend`].
    Extended(ExtendDecision),
    /// Nothing but the passing of time: the deadline from [`super::Call::next_deadline`]
    /// was reached.
    Timeout,
}

/// Audio the bridge plays to a leg from its own store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Announcement {
    /// "A caller from your card … Press 1 to accept, 2 to decline", in the card's language.
    AcceptPrompt,
}

/// What the caller's page shows, step by step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Authorizing,
    /// The INVITE (or the ring in the issuer's page) is under way.
    Calling,
    Ringing,
    /// The issuer answered and is being asked to accept.
    WaitingForIssuer,
    /// Talking; the Guild pays until `covered_until`.
    Connected {
        covered_until: Millis,
    },
    /// The authority extended the call; `last` means it ends at `covered_until`.
    Covered {
        covered_until: Millis,
        last: bool,
    },
}

/// Something the driver must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Ask the authority; answer with [`Input::Authorized`] or [`Input::Refused`].
    Authorize(CallRequest),
    /// Call the issuer (INVITE through the trunk, or ring the issuer's page).
    InviteIssuer,
    PlayAnnouncement {
        to: Leg,
        announcement: Announcement,
    },
    /// The issuer accepted: stop any announcement and forward media both ways.
    ConnectMedia,
    /// Tell the authority the issuer's phone picked up at `at`, before the key press (the
    /// server's `picked_up`): the phone leg is billed from here even if this process dies.
    PickedUp {
        call_id: CallId,
        at: Millis,
    },
    /// Tell the authority the call was answered at `at` (the server's `answer`): from then on
    /// it bills talk time, even if this process dies before settling. Always follows
    /// `ConnectMedia`; the same time is the settlement's `answered_at`.
    Answered {
        call_id: CallId,
        at: Millis,
    },
    /// Ask the authority to hold the next interval; answer with [`Input::Extended`].
    Extend {
        call_id: CallId,
    },
    /// Play the Guild warning tone to `to` (emitted once for each leg).
    PlayWarning {
        to: Leg,
    },
    /// Send a key press to `to` as RFC 4733 (see [`crate::dtmf::DtmfSender`]).
    SendDtmf {
        to: Leg,
        digit: Digit,
    },
    /// End this leg (BYE, CANCEL, or close the peer connection) giving `cause`. Emitted at
    /// most once per leg, and never to a leg that ended by itself.
    Hangup {
        leg: Leg,
        cause: HangupCause,
    },
    /// End the call's reservation and write its record. Exactly once per call, always last.
    Settle(crate::authority::SettleRequest),
    /// Tell the caller's page where the call is.
    Progress(Progress),
}

/// The timeouts a call runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallConfig {
    /// From the call's creation until the caller's leg must be connected.
    pub connect_timeout: Duration,
    /// From the INVITE until the issuer must answer.
    pub ring_timeout: Duration,
    /// From the issuer's answer until they must press 1 (a silence counts as declining).
    pub accept_timeout: Duration,
    /// How long before the covered time runs out the next interval is asked for: long enough
    /// for the authority to answer and, if it is the last one, for the warning to come in time.
    pub extend_lead: Duration,
}

impl Default for CallConfig {
    fn default() -> CallConfig {
        CallConfig {
            connect_timeout: Duration::from_secs(20),
            ring_timeout: Duration::from_secs(45),
            accept_timeout: Duration::from_secs(15),
            extend_lead: Duration::from_secs(15),
        }
    }
}
