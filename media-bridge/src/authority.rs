//! What the bridge asks the server's Guild engine, and the answers it acts on.
//!
//! Model (CGRateS-style authorize → debit loop → terminate, STYLE §5): before a call starts the
//! bridge asks to *authorize* it and gets either a [`Grant`] — money held for the first interval
//! and the talk time that pays for — or the one precise [`Refusal`]. While the call runs it asks
//! to *extend* the hold before the covered time runs out (and tells it once when the call is
//! *answered*, so that billing starts even if the process dies); an [`ExtendDecision`] marked `last`
//! means the Guild could not give a whole interval and the call must end when that time is
//! reached. Whatever happens, the call ends with exactly one [`SettleRequest`], which tells the
//! engine when (and whether) the call was answered, when it ended and why.
//!
//! The bridge never touches the database: the server implements these decisions (its
//! `calls::reservation::{reserve, answer, extend, settle}`), and a driver carries the requests the
//! [`crate::call::Call`] emits to it and feeds the answers back as inputs. Covered seconds are
//! always counted from the moment the call was answered, and cover everything held so far.

use std::future::Future;
use std::time::SystemTime;

use crate::call::{CallOutcome, HangupCause, UnknownCode};
use crate::dtmf::DialString;
use crate::time::Millis;

/// The server's id of a call (a row of `calls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub i64);

/// Where the issuer takes the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssuerDestination {
    /// The issuer's phone, through the SIP trunk: answering is not yet accepting, so the
    /// bridge asks the issuer to press 1 first.
    Phone,
    /// The issuer's dashboard in a browser ("internet phone"): its Accept button is the
    /// issuer's consent, so answering connects straight away.
    Browser,
    /// Both at once (issue 11: the issuer chose both): the phone and the page ring together,
    /// and the first to accept — 1 pressed on the phone, or Accept in the page — takes the
    /// call; the other stops ringing (or, a phone at its prompt, is hung up).
    PhoneAndBrowser,
}

/// Where the caller is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerOrigin {
    /// On the card page, talking from the browser (WebRTC): its leg connects first, then the
    /// call is authorized.
    Browser,
    /// On the phone number they typed (a callback, R7a): the call is authorized at once, and
    /// the caller is dialled only after the issuer accepted.
    Phone {
        /// E.164, dialled.
        number: String,
        /// The digits the callback prompt reads to the issuer, as the caller would say them
        /// (`01012345678` for a number of the installation's country).
        spoken: String,
        /// The extension behind it, dialled once the caller's phone answers.
        keys: Option<DialString>,
        /// The card's name, said first in the prompt to the issuer once it is there.
        card_name: crate::prompts::SpokenName,
    },
}

/// A caller wants to talk to a card's issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRequest {
    pub card_slug: String,
    /// The card's name as the issuer knows it: what a ring of the issuer's browser shows.
    pub card_name: String,
    pub destination: IssuerDestination,
    pub origin: CallerOrigin,
    /// The language of the caller's page (`ko`, `en`, `ja`, `zh`): refusals and
    /// announcements are chosen by it.
    pub caller_language: String,
}

/// A call that may go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub call_id: CallId,
    /// Talk time the money held so far pays for, from the answer.
    pub covered_seconds: u32,
    /// How long before the covered time ends both parties hear the warning (only when `last`).
    pub warn_before_seconds: u32,
    /// The Guild could not hold a whole interval: no extension will be asked for, the call
    /// ends when `covered_seconds` is reached.
    pub last: bool,
    /// With `last`: what ends the call when `covered_seconds` is reached.
    pub ends_by: CoverageEnd,
}

/// What ends a call whose last interval runs out, and so the cause it ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CoverageEnd {
    /// The Guild's money ran out (`guild_exhausted`).
    #[default]
    Guild,
    /// The card's per-call limit, though the Guild could pay on (`call_limit`).
    CallLimit,
    /// The Guild's daily spend cap, though its balance could pay on (`daily_cap`).
    DailyCap,
}

impl CoverageEnd {
    pub fn cause(self) -> HangupCause {
        match self {
            CoverageEnd::Guild => HangupCause::GuildExhausted,
            CoverageEnd::CallLimit => HangupCause::CallLimit,
            CoverageEnd::DailyCap => HangupCause::DailyCap,
        }
    }
}

/// Why a call may not start, as the stable codes the caller's page translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Refusal {
    #[error("guild_exhausted")]
    GuildExhausted,
    /// The Guild's daily spend cap leaves too little for the call.
    #[error("daily_cap_reached")]
    DailyCapReached,
    #[error("call_count_exhausted")]
    CallCountExhausted,
    #[error("outside_hours")]
    OutsideHours,
    #[error("destination_not_allowed")]
    DestinationNotAllowed,
    #[error("card_unavailable")]
    CardUnavailable,
    /// A phone destination while no SIP trunk is configured.
    #[error("no_trunk")]
    NoTrunk,
    /// No rate for one of the call's legs.
    #[error("no_rate")]
    NoRate,
    /// The engine could not decide (its database failed): the driver feeds this rather than
    /// leaving the call waiting.
    #[error("authority_unavailable")]
    AuthorityUnavailable,
}

impl Refusal {
    pub const ALL: [Refusal; 9] = [
        Refusal::GuildExhausted,
        Refusal::DailyCapReached,
        Refusal::CallCountExhausted,
        Refusal::OutsideHours,
        Refusal::DestinationNotAllowed,
        Refusal::CardUnavailable,
        Refusal::NoTrunk,
        Refusal::NoRate,
        Refusal::AuthorityUnavailable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::GuildExhausted => "guild_exhausted",
            Refusal::DailyCapReached => "daily_cap_reached",
            Refusal::CallCountExhausted => "call_count_exhausted",
            Refusal::OutsideHours => "outside_hours",
            Refusal::DestinationNotAllowed => "destination_not_allowed",
            Refusal::CardUnavailable => "card_unavailable",
            Refusal::NoTrunk => "no_trunk",
            Refusal::NoRate => "no_rate",
            Refusal::AuthorityUnavailable => "authority_unavailable",
        }
    }
}

impl std::str::FromStr for Refusal {
    type Err = UnknownCode;

    fn from_str(code: &str) -> Result<Self, UnknownCode> {
        Refusal::ALL
            .into_iter()
            .find(|refusal| refusal.as_str() == code)
            .ok_or_else(|| UnknownCode(code.to_owned()))
    }
}

/// The answer to an extension request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtendDecision {
    /// Talk time everything held so far pays for, from the answer.
    pub covered_seconds: u32,
    /// No further interval can be held: warn, then end at `covered_seconds`. A driver whose
    /// extension failed feeds the previous coverage with `last` set.
    pub last: bool,
    /// With `last`: what ends the call when `covered_seconds` is reached.
    pub ends_by: CoverageEnd,
}

/// How a call ended, for its settlement and its record (the server's `settle` with an
/// `Ending`; the driver turns [`Millis`] into wall-clock time from when it created the call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettleRequest {
    /// `None` when nothing was granted (refused, or abandoned before the authorization
    /// answered with a refusal): nothing is held, the driver only records or logs it.
    pub call_id: Option<CallId>,
    /// When the issuer's phone picked up (before the accept prompt), or their page accepted;
    /// `None` if never. The phone leg is billed from here (issue 8: toll fraud).
    pub picked_up_at: Option<Millis>,
    /// When the issuer accepted and the caller was connected; `None` if never.
    pub answered_at: Option<Millis>,
    /// When a callback's caller picked up their phone (before their extension's keys); `None`
    /// for a browser caller or a phone that never answered. Their phone leg costs from here.
    pub caller_picked_up_at: Option<Millis>,
    pub ended_at: Millis,
    pub cause: HangupCause,
    /// Where the issuer accepted ([`IssuerDestination::Phone`] or `Browser`); `None` if never.
    pub answered_on: Option<IssuerDestination>,
    /// Ringing both: when the issuer's phone, picked up at `picked_up_at`, was let go because
    /// the page took the call (or the phone hung up, or let its prompt time out, while the
    /// page rang on). That phone leg is billed from its pick-up to here.
    pub phone_dropped_at: Option<Millis>,
}

impl SettleRequest {
    /// What the call came to, for the record's outcome column.
    pub fn outcome(&self) -> CallOutcome {
        CallOutcome::of(self.answered_at.is_some(), self.cause)
    }

    /// Whole seconds from answer to end: what the call is billed on.
    pub fn talk_seconds(&self) -> u64 {
        self.answered_at
            .map_or(0, |answered| self.ended_at.since(answered).as_secs())
    }
}

/// Where a granted call reaches the issuer, as the authority decided from the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuerTarget {
    /// Through the trunk: the E.164 number, and the keys of its extension, sent once the phone
    /// answers, before the accept prompt.
    Phone {
        number: String,
        extension: Option<String>,
    },
    /// The issuer's signed-in dashboard.
    Browser { account_id: i64 },
    /// Both at once ([`IssuerDestination::PhoneAndBrowser`]).
    PhoneAndBrowser {
        number: String,
        extension: Option<String>,
        account_id: i64,
    },
}

impl IssuerTarget {
    /// The phone to dial and its extension, if this target rings one.
    pub fn phone(&self) -> Option<(&str, Option<&str>)> {
        match self {
            IssuerTarget::Phone { number, extension }
            | IssuerTarget::PhoneAndBrowser {
                number, extension, ..
            } => Some((number, extension.as_deref())),
            IssuerTarget::Browser { .. } => None,
        }
    }

    /// The account whose dashboard rings, if this target rings one.
    pub fn page(&self) -> Option<i64> {
        match self {
            IssuerTarget::Browser { account_id }
            | IssuerTarget::PhoneAndBrowser { account_id, .. } => Some(*account_id),
            IssuerTarget::Phone { .. } => None,
        }
    }
}

/// The authority's yes: the grant the call runs on, and where to ring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    pub grant: Grant,
    pub target: IssuerTarget,
}

/// A [`SettleRequest`] in wall-clock time, as the authority records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub call_id: CallId,
    /// [`SettleRequest::picked_up_at`].
    pub picked_up_at: Option<SystemTime>,
    pub answered_at: Option<SystemTime>,
    /// [`SettleRequest::caller_picked_up_at`].
    pub caller_picked_up_at: Option<SystemTime>,
    pub ended_at: SystemTime,
    /// [`SettleRequest::outcome`].
    pub outcome: CallOutcome,
    pub cause: HangupCause,
    /// [`SettleRequest::answered_on`].
    pub answered_on: Option<IssuerDestination>,
    /// [`SettleRequest::phone_dropped_at`].
    pub phone_dropped_at: Option<SystemTime>,
}

impl Settlement {
    /// Turns the call's own times into wall-clock times, given when its time 0 was.
    pub fn from_request(request: &SettleRequest, call_id: CallId, epoch: SystemTime) -> Self {
        let at = |millis: Millis| epoch + std::time::Duration::from_millis(millis.0);
        Settlement {
            call_id,
            picked_up_at: request.picked_up_at.map(at),
            answered_at: request.answered_at.map(at),
            caller_picked_up_at: request.caller_picked_up_at.map(at),
            ended_at: at(request.ended_at),
            outcome: request.outcome(),
            cause: request.cause,
            answered_on: request.answered_on,
            phone_dropped_at: request.phone_dropped_at.map(at),
        }
    }
}

/// The server's Guild engine as the bridge sees it: the three decisions of the module header.
/// Implemented by the server over its database (in process), or — when the bridge runs as a
/// process of its own — by an HTTP client of the same decisions.
pub trait Authority: Send + Sync + 'static {
    /// Authorizes and reserves: a grant and a target, or the one precise refusal. An error
    /// of the engine itself is [`Refusal::AuthorityUnavailable`].
    fn authorize(
        &self,
        request: &CallRequest,
    ) -> impl Future<Output = Result<Authorized, Refusal>> + Send;

    /// A phone picked up at `at` — the issuer's (before accepting) or a callback's caller's:
    /// that leg is billed from here, even if this process dies later.
    fn picked_up(
        &self,
        call: CallId,
        leg: crate::call::Leg,
        at: SystemTime,
    ) -> impl Future<Output = ()> + Send;

    /// The issuer accepted at `at`, `on` their phone or in their page: billing starts, on that
    /// leg's rate, even if this process dies later.
    fn answered(
        &self,
        call: CallId,
        at: SystemTime,
        on: IssuerDestination,
    ) -> impl Future<Output = ()> + Send;

    /// Ringing both: the issuer's phone, picked up, was let go at `at`; its leg is billed to
    /// here, even if this process dies later.
    fn phone_dropped(&self, call: CallId, at: SystemTime) -> impl Future<Output = ()> + Send;

    /// Holds the next interval; `None` when the engine failed (the call then ends when what
    /// is covered runs out).
    fn extend(
        &self,
        call: CallId,
        now: SystemTime,
    ) -> impl Future<Output = Option<ExtendDecision>> + Send;

    /// Ends the call's reservation and writes its record; settling twice is harmless.
    fn settle(&self, settlement: Settlement) -> impl Future<Output = ()> + Send;

    /// How long the call may last, in seconds from its answer, as things stand: the smaller of
    /// the card's per-call limit and what the Guild's money covers on this call's legs (what it
    /// holds for the call and what is still free). An estimate for the caller's clock (R11,
    /// ¶60): other calls spend from the same Guild. `None` when it cannot be told.
    fn talk_time(&self, call: CallId) -> impl Future<Output = Option<u32>> + Send {
        let _ = call;
        async { None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settle(answered_at: Option<Millis>, cause: HangupCause) -> SettleRequest {
        SettleRequest {
            call_id: Some(CallId(1)),
            picked_up_at: answered_at,
            answered_at,
            caller_picked_up_at: None,
            ended_at: Millis(75_500),
            cause,
            answered_on: answered_at.map(|_| IssuerDestination::Phone),
            phone_dropped_at: None,
        }
    }

    #[test]
    fn refusal_codes_match_their_display_and_read_back() {
        for refusal in Refusal::ALL {
            assert_eq!(refusal.to_string(), refusal.as_str());
            assert_eq!(refusal.as_str().parse::<Refusal>(), Ok(refusal));
        }
        assert_eq!(Refusal::NoTrunk.as_str(), "no_trunk");
        assert!("No_Trunk".parse::<Refusal>().is_err());
    }

    #[test]
    fn the_outcome_follows_the_answer_and_the_cause() {
        let answered = settle(Some(Millis(5_000)), HangupCause::GuildExhausted);
        assert_eq!(answered.outcome(), CallOutcome::Answered);
        assert_eq!(answered.talk_seconds(), 70);
        let busy = settle(None, HangupCause::IssuerBusy);
        assert_eq!(busy.outcome(), CallOutcome::Busy);
        assert_eq!(busy.talk_seconds(), 0);
    }
}
