//! The call's vocabulary: what a driver tells it ([`Input`]), what it asks the driver to do
//! ([`Output`]), and its settings ([`CallConfig`]).

use std::time::Duration;

use super::HangupCause;
use crate::authority::{CallId, CallRequest, ExtendDecision, Grant, IssuerDestination, Refusal};
use crate::dtmf::{DialString, Digit, KeyTiming};
use crate::time::Millis;

/// One side of the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Leg {
    /// The visitor: from the card page (WebRTC), or on the phone number they typed (callback).
    Caller,
    /// The card's issuer: a phone through the SIP trunk, or the issuer's browser.
    Issuer,
}

/// Something that happened, reported by the driver. Events of a leg name it: the caller's
/// leg is a browser or (a callback) a phone, the issuer's a phone or a browser, and the same
/// event means the same on either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A browser leg is up (ICE and DTLS connected). For the issuer's page, its answer.
    Connected(Leg),
    /// The authority's answer to [`Output::Authorize`]: the grant, and the keys that reach the
    /// issuer's extension once their phone answers.
    Authorized {
        grant: Grant,
        issuer_keys: Option<DialString>,
    },
    Refused(Refusal),
    /// 180/183 from the trunk, or the issuer's page started ringing.
    Ringing(Leg),
    /// 200 OK from the trunk, or Accept pressed in the issuer's page.
    Answered(Leg),
    /// A final failure response to the leg's INVITE (486, 480, 603, 503, …).
    Failed {
        leg: Leg,
        sip_status: u16,
    },
    /// BYE from the trunk, or the page hung up or went away.
    HungUp(Leg),
    /// The leg's media failed (ICE failed or disconnected for good, RTP lost).
    MediaFailed(Leg),
    /// The trunk's session timer ran out (RFC 4028): the phone leg is gone, BYE already sent.
    SessionExpired(Leg),
    /// The caller's page cancelled. A callback honours it until the caller's phone rings
    /// (then the caller hangs up their phone instead); a browser call ends at once.
    Cancelled,
    /// A key press received on a leg (RFC 4733, see [`crate::dtmf::DtmfReceiver`]).
    Dtmf {
        from: Leg,
        digit: Digit,
    },
    /// The authority's answer to [`Output::Extend`].
    Extended(ExtendDecision),
    /// The issuer's page, ringing beside their phone ([`Output::RingPage`]), did something.
    Page(PageEvent),
    /// Nothing but the passing of time: the deadline from [`super::Call::next_deadline`]
    /// was reached.
    Timeout,
}

#[cfg(test)]
impl Input {
    /// A grant whose issuer has no extension to dial.
    pub fn granted(grant: Grant) -> Input {
        Input::Authorized {
            grant,
            issuer_keys: None,
        }
    }
}

/// What the issuer's page does while it rings beside their phone. Once it has taken over the
/// issuer's leg ([`Output::PageTakesOver`]), its events are that leg's, as for a page alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageEvent {
    /// The dashboard shows the ring.
    Ringing,
    /// Accepted, and its browser leg is connected: the page takes the call.
    Accepted,
    /// Declined in the page: the issuer said no, so the whole call ends (as 2 on the phone).
    Declined,
    /// No dashboard open, or it went away: only the page stops ringing.
    Gone,
}

/// Audio the bridge plays to a leg from its own store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Announcement {
    /// "A caller from your card … Press 1 to accept, 2 to decline", in the card's language.
    AcceptPrompt,
    /// "A call request on your card … from 0 1 0 …; press 1 to accept, 2 to decline": the
    /// caller's number read digit by digit (a callback, patent ¶80-83).
    CallbackPrompt,
    /// To the issuer who accepted a callback: the caller's phone was busy (`CallerBusy`) or
    /// could not be reached (any other cause); the call then ends.
    CallerUnreachable { cause: HangupCause },
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
    /// The issuer accepted a callback: the caller's phone is being called.
    CallingCaller,
    /// The caller's phone is ringing (too late to cancel from the page).
    CallerRinging,
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
    /// Call a leg: the issuer (INVITE through the trunk, or ring the issuer's page), or a
    /// callback's caller (INVITE to the number they typed).
    Invite(Leg),
    /// Ringing both: ring the issuer's page too, beside the phone the issuer's leg dials; its
    /// events come back as [`Input::Page`].
    RingPage,
    /// Ringing both: the page stops ringing (the phone took the call, or the call ended).
    StopPage,
    /// Ringing both: the page becomes the issuer's leg — it accepted, or the phone is out of
    /// the race. With `hang_up_phone` the phone's leg is ended first (BYE or CANCEL); without,
    /// it ended by itself. No [`Output::Hangup`] follows for that phone.
    PageTakesOver {
        hang_up_phone: bool,
    },
    /// Send `keys` to `to` as RFC 4733 events now, paced by [`CallConfig::key_timing`]: an
    /// extension behind the number that answered. Nothing else is sent to that leg meanwhile.
    SendKeys {
        to: Leg,
        keys: DialString,
    },
    PlayAnnouncement {
        to: Leg,
        announcement: Announcement,
    },
    /// The issuer accepted and the caller is there: stop any announcement and forward media
    /// both ways.
    ConnectMedia,
    /// Tell the authority a phone picked up at `at` — the issuer's before the key press, a
    /// callback's caller's before its extension and the bridge (the server's `picked_up`):
    /// that phone leg is billed from here even if this process dies.
    PickedUp {
        leg: Leg,
        call_id: CallId,
        at: Millis,
    },
    /// Ringing both: tell the authority the issuer's phone, picked up, was let go at `at` (the
    /// page took the call, or the phone left the race): that phone leg is billed to here, also
    /// when the call is settled without this process.
    PhoneDropped {
        call_id: CallId,
        at: Millis,
    },
    /// Tell the authority the call was answered at `at`, `on` the issuer's phone or page (the
    /// server's `answer`): from then on it bills talk time, even if this process dies before
    /// settling. Always follows `ConnectMedia`; the same time is the settlement's
    /// `answered_at`.
    Answered {
        call_id: CallId,
        at: Millis,
        on: IssuerDestination,
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
    /// From a phone's answer until the first key of its extension (a PBX or IVR picking up).
    pub extension_delay: Duration,
    /// How extension keys are paced; the driver sends them to the same timing.
    pub key_timing: KeyTiming,
    /// How long the issuer who accepted a callback hears why its caller could not be reached
    /// before the call ends (the recordings last under 4 s).
    pub telling_why: Duration,
}

impl Default for CallConfig {
    fn default() -> CallConfig {
        CallConfig {
            connect_timeout: Duration::from_secs(20),
            ring_timeout: Duration::from_secs(45),
            accept_timeout: Duration::from_secs(15),
            extend_lead: Duration::from_secs(15),
            extension_delay: Duration::from_secs(2),
            key_timing: KeyTiming::default(),
            telling_why: Duration::from_secs(5),
        }
    }
}
