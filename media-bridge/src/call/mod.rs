//! The bridge's call state machine, without I/O (the str0m contract): the driver feeds each
//! event with [`Call::handle`] and the current time, executes everything [`Call::poll_output`]
//! returns, and calls `handle(Input::Timeout, now)` when [`Call::next_deadline`] is reached.
//! The call never reads a clock; it only compares the times it is given.
//!
//! One core for both ways in (STYLE §2): the caller's leg is a browser or a phone, the issuer's
//! a phone or a browser, and each leg's events are the same [`Input`]s.
//!
//! Lifecycle of a browser call: the caller's leg connects → the authority is asked to
//! authorize → on a grant the issuer is invited → it rings → it answers → (phone) the keys of
//! the issuer's extension are sent, the accept prompt plays and the issuer presses 1 → media is
//! connected, the authority is told the call was answered, and metering starts: the next
//! interval is asked for `extend_lead` before the covered time ends; once an extension comes
//! back `last`, both legs hear the warning `warn_before` the end, and the call ends exactly when
//! the covered time does.
//!
//! A callback (patent ¶80-83, claims 6-7) authorizes both legs first, rings the issuer first
//! (the prompt reads the caller's number), and dials the caller only once the issuer pressed 1;
//! when the caller's phone answers, their extension's keys go after `extension_delay`, and the
//! legs are bridged when the last key has been heard.
//!
//! Ringing both (issue 11, [`IssuerDestination::PhoneAndBrowser`]): the issuer's leg dials
//! the phone and a [`PageFork`] rings the page beside it, with the same ring timeout. The first
//! to accept takes the call: 1 on the phone stops the page; Accept in the page hangs up the
//! phone ([`Output::PageTakesOver`]), even at its prompt. A phone that fails, hangs up or lets
//! its prompt time out (a voicemail) leaves the race and the page rings on; 2 on the phone or
//! Decline in the page ends the call. A phone let go after its pick-up is billed to then
//! ([`SettleRequest::phone_dropped_at`]).
//!
//! Invariants:
//! - The first event that ends the call decides its [`HangupCause`]; every leg still up gets
//!   exactly one [`Output::Hangup`] with it, and then comes exactly one [`Output::Settle`],
//!   the last output of the call. If the caller leaves while the authorization is still being
//!   decided, the settlement waits for that answer, so a grant that arrives late is released.
//! - [`Output::ConnectMedia`] is emitted at most once, and only after the issuer accepted
//!   (pressed 1 on the phone, or answered in their browser) a granted call. A callback's
//!   caller is invited only after that acceptance.
//! - Deadlines fire at their own time, even when the driver is late: a call whose Guild
//!   covers 70 s is settled as ending at 70 s.
//! - Once settled, every input is ignored.

mod cause;
mod io;
mod legs;

#[cfg(test)]
mod callback_tests;
#[cfg(test)]
mod parallel_tests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;

pub use cause::{CallOutcome, HangupCause, UnknownCode};
pub use io::{Announcement, CallConfig, Input, Leg, Output, PageEvent, Progress};
use legs::{
    CallerLeg, Coverage, IssuerLeg, Meter, MeterEvent, PageFork, ReachingExtension, seconds,
};

#[cfg(test)]
use crate::authority::CoverageEnd;
use crate::authority::{
    CallId, CallRequest, CallerOrigin, ExtendDecision, Grant, IssuerDestination, Refusal,
    SettleRequest,
};
use crate::dtmf::{DialString, Digit};
use crate::time::Millis;

/// One call: the caller's leg, the issuer's leg, and the Guild's decisions about it.
#[derive(Debug, Clone)]
pub struct Call {
    config: CallConfig,
    request: CallRequest,
    /// The latest time seen; time handed in later never goes backwards.
    now: Millis,
    caller: CallerLeg,
    issuer: IssuerLeg,
    /// What the issuer's leg is: their phone or their page (never both; ringing both, the
    /// page rings beside it in `page`).
    issuer_on: IssuerDestination,
    page: PageFork,
    /// Ringing both: the phone that picked up and was let go (picked up, dropped).
    dropped_phone: Option<(Millis, Millis)>,
    /// The keys of the issuer's extension, from the grant's target.
    issuer_keys: Option<DialString>,
    authorization: Authorization,
    settlement: Settlement,
    outputs: VecDeque<Output>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Authorization {
    NotAsked,
    Asked,
    Granted(Grant),
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Settlement {
    Running,
    /// Ended while the authority was still deciding: settle when its answer comes.
    WaitingForAuthority {
        cause: HangupCause,
        ended_at: Millis,
    },
    Settled,
}

impl Call {
    /// A call whose caller has just offered from their browser (its leg must connect within
    /// the connect timeout), or just asked to be called back (it is authorized at once).
    pub fn new(request: CallRequest, config: CallConfig, now: Millis) -> Call {
        let caller = match request.origin {
            CallerOrigin::Browser => CallerLeg::Connecting {
                give_up_at: now + config.connect_timeout,
            },
            CallerOrigin::Phone { .. } => CallerLeg::NotDialled,
        };
        let issuer_on = match request.destination {
            IssuerDestination::Browser => IssuerDestination::Browser,
            IssuerDestination::Phone | IssuerDestination::PhoneAndBrowser => {
                IssuerDestination::Phone
            }
        };
        let mut call = Call {
            caller,
            issuer_on,
            page: PageFork::Quiet,
            dropped_phone: None,
            config,
            request,
            now,
            issuer: IssuerLeg::Idle,
            issuer_keys: None,
            authorization: Authorization::NotAsked,
            settlement: Settlement::Running,
            outputs: VecDeque::new(),
        };
        // A callback has no browser to wait for: both its legs are authorized at once.
        if matches!(call.request.origin, CallerOrigin::Phone { .. }) {
            call.ask_for_authorization();
        }
        call
    }

    /// Feeds one event. Deadlines that passed before `now` fire first, at their own time.
    pub fn handle(&mut self, input: Input, now: Millis) {
        let now = now.max(self.now);
        self.now = now;
        self.fire_deadlines(now);
        self.apply(input, now);
        // An answer can move a deadline into the past (a late, short extension).
        self.fire_deadlines(now);
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When to call `handle(Input::Timeout, …)` next; `None` once nothing is pending.
    pub fn next_deadline(&self) -> Option<Millis> {
        if self.settlement != Settlement::Running {
            return None;
        }
        let caller = match &self.caller {
            CallerLeg::Connecting { give_up_at }
            | CallerLeg::Inviting { give_up_at }
            | CallerLeg::Ringing { give_up_at } => Some(*give_up_at),
            CallerLeg::ReachingExtension(reaching) => Some(reaching.next_deadline()),
            CallerLeg::NotDialled | CallerLeg::Connected { .. } | CallerLeg::Ended { .. } => None,
        };
        let issuer = match &self.issuer {
            IssuerLeg::Inviting { give_up_at } | IssuerLeg::Ringing { give_up_at } => {
                Some(*give_up_at)
            }
            IssuerLeg::ReachingExtension(reaching) => Some(reaching.next_deadline()),
            IssuerLeg::AskingIssuer { decide_by, .. } => Some(*decide_by),
            IssuerLeg::TellingWhy { hang_up_at, .. } => Some(*hang_up_at),
            IssuerLeg::Bridged { meter, .. } => Some(meter.next_deadline(self.config.extend_lead)),
            IssuerLeg::Idle | IssuerLeg::Accepted { .. } | IssuerLeg::Ended { .. } => None,
        };
        let page = match self.page {
            PageFork::Ringing { give_up_at, .. } => Some(give_up_at),
            PageFork::Quiet => None,
        };
        caller.into_iter().chain(issuer).chain(page).min()
    }

    /// Settled: nothing more will happen.
    pub fn is_ended(&self) -> bool {
        self.settlement == Settlement::Settled
    }

    /// When the issuer accepted and the caller was connected.
    pub fn answered_at(&self) -> Option<Millis> {
        self.issuer.answered_at()
    }

    fn apply(&mut self, input: Input, now: Millis) {
        match input {
            Input::Timeout => {}
            // Checked before "is it over": a late answer is what a waiting settlement needs.
            Input::Authorized { grant, issuer_keys } => self.on_authorized(grant, issuer_keys, now),
            Input::Refused(reason) => self.on_refused(reason),
            _ if self.settlement != Settlement::Running => {}
            Input::Connected(Leg::Caller) => self.on_caller_connected(),
            // The issuer's page connecting is its answer.
            Input::Connected(Leg::Issuer) | Input::Answered(Leg::Issuer) => {
                self.on_issuer_answered(now)
            }
            Input::Answered(Leg::Caller) => self.on_caller_answered(now),
            Input::Ringing(Leg::Issuer) => self.on_issuer_ringing(),
            Input::Ringing(Leg::Caller) => self.on_caller_ringing(),
            Input::Failed {
                leg: Leg::Issuer,
                sip_status,
            } => self.on_issuer_gone(Some(sip_status), now),
            Input::Failed {
                leg: Leg::Caller,
                sip_status,
            } => self.on_caller_failed(sip_status, now),
            Input::HungUp(Leg::Issuer) => self.on_issuer_gone(None, now),
            Input::HungUp(Leg::Caller) => self.on_caller_lost(HangupCause::CallerHungUp, now),
            Input::Cancelled => self.on_cancelled(now),
            Input::MediaFailed(Leg::Caller) => self.on_caller_lost(HangupCause::MediaFailed, now),
            Input::MediaFailed(Leg::Issuer) => self.on_issuer_lost(HangupCause::MediaFailed, now),
            Input::SessionExpired(Leg::Caller) => {
                self.on_caller_lost(HangupCause::SessionExpired, now)
            }
            Input::SessionExpired(Leg::Issuer) => {
                self.on_issuer_lost(HangupCause::SessionExpired, now)
            }
            Input::Dtmf { from, digit } => self.on_dtmf(from, digit, now),
            Input::Extended(decision) => self.on_extended(decision),
            Input::Page(event) => self.on_page(event, now),
        }
    }

    fn ask_for_authorization(&mut self) {
        self.authorization = Authorization::Asked;
        self.outputs
            .push_back(Output::Authorize(self.request.clone()));
        self.outputs
            .push_back(Output::Progress(Progress::Authorizing));
    }

    fn on_caller_connected(&mut self) {
        if let CallerLeg::Connecting { .. } = self.caller {
            self.caller = CallerLeg::Connected { picked_up_at: None };
            self.ask_for_authorization();
        }
    }

    fn on_authorized(&mut self, grant: Grant, issuer_keys: Option<DialString>, now: Millis) {
        if self.authorization != Authorization::Asked {
            return;
        }
        let call_id = grant.call_id;
        self.authorization = Authorization::Granted(grant);
        self.issuer_keys = issuer_keys;
        match self.settlement {
            Settlement::Running => {
                self.issuer = IssuerLeg::Inviting {
                    give_up_at: now + self.config.ring_timeout,
                };
                // The page first: a phone that fails as it is dialled must find it ringing.
                if self.request.destination == IssuerDestination::PhoneAndBrowser {
                    self.page = PageFork::Ringing {
                        give_up_at: now + self.config.ring_timeout,
                        rang: false,
                    };
                    self.outputs.push_back(Output::RingPage);
                }
                self.outputs.push_back(Output::Invite(Leg::Issuer));
                self.outputs.push_back(Output::Progress(Progress::Calling));
            }
            Settlement::WaitingForAuthority { cause, ended_at } => {
                self.settle(Some(call_id), cause, ended_at);
            }
            Settlement::Settled => {}
        }
    }

    fn on_refused(&mut self, reason: Refusal) {
        if self.authorization != Authorization::Asked {
            return;
        }
        self.authorization = Authorization::Refused;
        match self.settlement {
            Settlement::Running => self.end(HangupCause::Refused { reason }, self.now),
            Settlement::WaitingForAuthority { cause, ended_at } => {
                self.settle(None, cause, ended_at);
            }
            Settlement::Settled => {}
        }
    }

    fn on_issuer_ringing(&mut self) {
        if let IssuerLeg::Inviting { give_up_at } = self.issuer {
            self.issuer = IssuerLeg::Ringing { give_up_at };
            // Ringing both, the page may have said so already.
            if !matches!(self.page, PageFork::Ringing { rang: true, .. }) {
                self.outputs.push_back(Output::Progress(Progress::Ringing));
            }
        }
    }

    /// The issuer's page, ringing beside their phone.
    fn on_page(&mut self, event: PageEvent, now: Millis) {
        let PageFork::Ringing { give_up_at, rang } = self.page else {
            return;
        };
        match event {
            PageEvent::Ringing if !rang => {
                self.page = PageFork::Ringing {
                    give_up_at,
                    rang: true,
                };
                if matches!(self.issuer, IssuerLeg::Inviting { .. }) {
                    self.outputs.push_back(Output::Progress(Progress::Ringing));
                }
            }
            PageEvent::Ringing => {}
            PageEvent::Accepted => {
                let hang_up_phone = self.issuer.is_live();
                self.page_takes_over(now, hang_up_phone);
                self.on_issuer_answered(now);
            }
            PageEvent::Declined => self.end(HangupCause::IssuerDeclined, now),
            PageEvent::Gone => self.stop_page(),
        }
    }

    /// Ringing both, the phone leaves the race by itself (failed, hung up, lost) or is let go
    /// (its prompt timed out, or `hang_up_phone`): the page, still ringing, becomes the
    /// issuer's leg. False when no page rings beside a phone not yet accepted (then the phone
    /// is the call's only way to the issuer).
    fn phone_leaves_race(&mut self, now: Millis, hang_up_phone: bool) -> bool {
        let before_accepting = matches!(
            self.issuer,
            IssuerLeg::Inviting { .. }
                | IssuerLeg::Ringing { .. }
                | IssuerLeg::ReachingExtension(_)
                | IssuerLeg::AskingIssuer { .. }
        );
        if !before_accepting || self.page == PageFork::Quiet {
            return false;
        }
        let was_picked_up = self.issuer.picked_up_at().is_some();
        let rang = matches!(self.page, PageFork::Ringing { rang: true, .. });
        self.page_takes_over(now, hang_up_phone);
        // The caller heard the phone answer: the call is back to ringing.
        if was_picked_up {
            let progress = if rang {
                Progress::Ringing
            } else {
                Progress::Calling
            };
            self.outputs.push_back(Output::Progress(progress));
        }
        true
    }

    /// The page becomes the issuer's leg, ringing (or calling, before its dashboard showed
    /// the ring) until the ring timeout they shared; a phone picked up is remembered as let go.
    fn page_takes_over(&mut self, now: Millis, hang_up_phone: bool) {
        let PageFork::Ringing { give_up_at, rang } = self.page else {
            return;
        };
        self.page = PageFork::Quiet;
        self.issuer_on = IssuerDestination::Browser;
        self.outputs
            .push_back(Output::PageTakesOver { hang_up_phone });
        if let Some(picked_up_at) = self.issuer.picked_up_at() {
            self.dropped_phone = Some((picked_up_at, now));
            // The phone is only dialled after a grant, so this always finds one.
            if let Authorization::Granted(grant) = &self.authorization {
                self.outputs.push_back(Output::PhoneDropped {
                    call_id: grant.call_id,
                    at: now,
                });
            }
        }
        self.issuer = if rang {
            IssuerLeg::Ringing { give_up_at }
        } else {
            IssuerLeg::Inviting { give_up_at }
        };
    }

    /// The page rings no more (the phone took the call, the ring timed out, the call ended).
    fn stop_page(&mut self) {
        if let PageFork::Ringing { .. } = self.page {
            self.page = PageFork::Quiet;
            self.outputs.push_back(Output::StopPage);
        }
    }

    fn on_issuer_answered(&mut self, now: Millis) {
        let (IssuerLeg::Inviting { .. } | IssuerLeg::Ringing { .. }) = self.issuer else {
            return;
        };
        match self.issuer_on {
            IssuerDestination::Phone | IssuerDestination::PhoneAndBrowser => {
                match &self.issuer_keys {
                    Some(keys) => {
                        let reaching = self.reaching_extension(keys, now);
                        self.issuer = IssuerLeg::ReachingExtension(reaching);
                    }
                    None => self.ask_issuer(now, now),
                }
                // The issuer is only invited after a grant, so this always finds one.
                if let Authorization::Granted(grant) = &self.authorization {
                    self.outputs.push_back(Output::PickedUp {
                        leg: Leg::Issuer,
                        call_id: grant.call_id,
                        at: now,
                    });
                }
                self.outputs
                    .push_back(Output::Progress(Progress::WaitingForIssuer));
            }
            IssuerDestination::Browser => self.on_issuer_accepted(now, now),
        }
    }

    /// A phone that answered at `now` is given `keys` after the extension delay.
    fn reaching_extension(&self, keys: &DialString, now: Millis) -> ReachingExtension {
        let send_keys_at = now + self.config.extension_delay;
        ReachingExtension {
            picked_up_at: now,
            send_keys_at: Some(send_keys_at),
            done_at: send_keys_at + keys.duration(&self.config.key_timing),
        }
    }

    /// The accept prompt: press 1 to accept, 2 to decline.
    fn ask_issuer(&mut self, now: Millis, picked_up_at: Millis) {
        self.issuer = IssuerLeg::AskingIssuer {
            decide_by: now + self.config.accept_timeout,
            picked_up_at,
        };
        let announcement = match self.request.origin {
            CallerOrigin::Browser => Announcement::AcceptPrompt,
            CallerOrigin::Phone { .. } => Announcement::CallbackPrompt,
        };
        self.outputs.push_back(Output::PlayAnnouncement {
            to: Leg::Issuer,
            announcement,
        });
    }

    /// The issuer accepted (pressed 1, or their page answered): a browser caller is there
    /// already; a callback's caller is dialled now.
    fn on_issuer_accepted(&mut self, now: Millis, picked_up_at: Millis) {
        // Ringing both, the phone took the call.
        self.stop_page();
        match self.request.origin {
            CallerOrigin::Browser => self.connect_media(now, picked_up_at),
            CallerOrigin::Phone { .. } => {
                self.issuer = IssuerLeg::Accepted { picked_up_at };
                self.caller = CallerLeg::Inviting {
                    give_up_at: now + self.config.ring_timeout,
                };
                self.outputs.push_back(Output::Invite(Leg::Caller));
                self.outputs
                    .push_back(Output::Progress(Progress::CallingCaller));
            }
        }
    }

    fn on_caller_ringing(&mut self) {
        if let CallerLeg::Inviting { give_up_at } = self.caller {
            self.caller = CallerLeg::Ringing { give_up_at };
            self.outputs
                .push_back(Output::Progress(Progress::CallerRinging));
        }
    }

    fn on_caller_answered(&mut self, now: Millis) {
        let (CallerLeg::Inviting { .. } | CallerLeg::Ringing { .. }) = self.caller else {
            return;
        };
        let IssuerLeg::Accepted { picked_up_at } = self.issuer else {
            return;
        };
        if let Authorization::Granted(grant) = &self.authorization {
            self.outputs.push_back(Output::PickedUp {
                leg: Leg::Caller,
                call_id: grant.call_id,
                at: now,
            });
        }
        match &self.request.origin {
            CallerOrigin::Phone {
                keys: Some(keys), ..
            } => {
                let reaching = self.reaching_extension(keys, now);
                self.caller = CallerLeg::ReachingExtension(reaching);
            }
            _ => {
                self.caller = CallerLeg::Connected {
                    picked_up_at: Some(now),
                };
                self.connect_media(now, picked_up_at);
            }
        }
    }

    /// A callback's caller's phone failed to answer (busy, no answer, trunk error).
    fn on_caller_failed(&mut self, sip_status: u16, now: Millis) {
        if let CallerLeg::Inviting { .. } | CallerLeg::Ringing { .. } = self.caller {
            self.caller = CallerLeg::Ended { picked_up_at: None };
            self.tell_issuer_why(HangupCause::from_caller_sip_status(sip_status), now);
        }
    }

    /// A callback's caller could not be reached after the issuer accepted: the caller's leg
    /// ends, and the issuer hears why before the call ends with `cause` (rather than a line
    /// that goes dead).
    fn tell_issuer_why(&mut self, cause: HangupCause, now: Millis) {
        if self.caller.is_live() {
            self.outputs.push_back(Output::Hangup {
                leg: Leg::Caller,
                cause,
            });
        }
        self.caller = self.caller.ended();
        let IssuerLeg::Accepted { picked_up_at } = self.issuer else {
            self.end(cause, now);
            return;
        };
        self.issuer = IssuerLeg::TellingWhy {
            picked_up_at,
            hang_up_at: now + self.config.telling_why,
            cause,
        };
        self.outputs.push_back(Output::PlayAnnouncement {
            to: Leg::Issuer,
            announcement: Announcement::CallerUnreachable { cause },
        });
    }

    /// The caller's leg went away under the call (hung up, media, the SIP session ran out).
    /// A leg that has ended already says nothing new (a failed callback leg's dialog closing
    /// while the issuer hears why).
    fn on_caller_lost(&mut self, cause: HangupCause, now: Millis) {
        if !self.caller.is_live() {
            return;
        }
        self.caller = self.caller.ended();
        self.end(cause, now);
    }

    /// The caller's page cancelled: a browser call ends; a callback only until the caller's
    /// phone rings (then the phone is theirs to hang up).
    fn on_cancelled(&mut self, now: Millis) {
        match (&self.request.origin, &self.caller) {
            (CallerOrigin::Browser, _) => self.on_caller_lost(HangupCause::CallerHungUp, now),
            // Not dialled yet, or still being called: we end the leg (CANCEL).
            (CallerOrigin::Phone { .. }, CallerLeg::NotDialled | CallerLeg::Inviting { .. }) => {
                self.end(HangupCause::CallerHungUp, now)
            }
            (CallerOrigin::Phone { .. }, _) => {}
        }
    }

    /// The issuer's leg was lost under the call (media, or the SIP session ran out).
    fn on_issuer_lost(&mut self, cause: HangupCause, now: Millis) {
        // Lost while hearing why the caller could not be reached: that stays the reason.
        let cause = match self.issuer {
            IssuerLeg::TellingWhy { cause, .. } => cause,
            _ => cause,
        };
        if self.phone_leaves_race(now, true) {
            return;
        }
        if self.issuer.is_live() {
            self.issuer = self.issuer.ended();
            self.end(cause, now);
        }
    }

    /// The issuer's leg went away by itself: a final failure status, or a hang-up.
    fn on_issuer_gone(&mut self, sip_status: Option<u16>, now: Millis) {
        // Ringing both, a phone that fails or hangs up before accepting leaves the page to it.
        if self.phone_leaves_race(now, false) {
            return;
        }
        let cause = match (&self.issuer, sip_status) {
            (IssuerLeg::Idle | IssuerLeg::Ended { .. }, _) => return,
            (IssuerLeg::Inviting { .. } | IssuerLeg::Ringing { .. }, Some(status)) => {
                HangupCause::from_sip_status(status)
            }
            // Gone before answering without a status (the page closed): nobody answered.
            (IssuerLeg::Inviting { .. } | IssuerLeg::Ringing { .. }, None) => {
                HangupCause::IssuerDidNotAnswer
            }
            // Hanging up before pressing 1 is declining (R9).
            (IssuerLeg::ReachingExtension(_) | IssuerLeg::AskingIssuer { .. }, _) => {
                HangupCause::IssuerDeclined
            }
            (IssuerLeg::Accepted { .. } | IssuerLeg::Bridged { .. }, _) => {
                HangupCause::IssuerHungUp
            }
            // Hanging up on hearing why the caller could not be reached.
            (IssuerLeg::TellingWhy { cause, .. }, _) => *cause,
        };
        self.issuer = self.issuer.ended();
        self.end(cause, now);
    }

    fn on_dtmf(&mut self, from: Leg, digit: Digit, now: Millis) {
        match (from, &self.issuer, digit) {
            (Leg::Issuer, IssuerLeg::AskingIssuer { picked_up_at, .. }, Digit::One) => {
                let picked_up_at = *picked_up_at;
                self.on_issuer_accepted(now, picked_up_at);
            }
            (Leg::Issuer, IssuerLeg::AskingIssuer { .. }, Digit::Two) => {
                self.end(HangupCause::IssuerDeclined, now);
            }
            // Once bridged, keys go through (IVRs, voicemail PINs).
            (Leg::Issuer, IssuerLeg::Bridged { .. }, digit) => {
                self.outputs.push_back(Output::SendDtmf {
                    to: Leg::Caller,
                    digit,
                })
            }
            (Leg::Caller, IssuerLeg::Bridged { .. }, digit) => {
                self.outputs.push_back(Output::SendDtmf {
                    to: Leg::Issuer,
                    digit,
                })
            }
            // Before that, keys mean nothing; above all the caller cannot accept for the issuer.
            _ => {}
        }
    }

    /// Both legs are there and the issuer accepted: talk, and meter.
    fn connect_media(&mut self, now: Millis, picked_up_at: Millis) {
        // The issuer is only invited after a grant, so this always finds one.
        let Authorization::Granted(grant) = &self.authorization else {
            return;
        };
        let meter = Meter::start(grant, now);
        let covered_until = meter.covered_until;
        let call_id = meter.call_id;
        self.issuer = IssuerLeg::Bridged {
            answered_at: now,
            picked_up_at,
            meter,
        };
        self.outputs.push_back(Output::ConnectMedia);
        self.outputs.push_back(Output::Answered {
            call_id,
            at: now,
            on: self.issuer_on,
        });
        self.outputs
            .push_back(Output::Progress(Progress::Connected { covered_until }));
    }

    fn on_extended(&mut self, decision: ExtendDecision) {
        let IssuerLeg::Bridged {
            answered_at, meter, ..
        } = &mut self.issuer
        else {
            return;
        };
        if meter.coverage != Coverage::Extending {
            return;
        }
        meter.covered_until = *answered_at + seconds(decision.covered_seconds);
        meter.coverage = if decision.last {
            Coverage::Last {
                warned: false,
                ends_by: decision.ends_by,
            }
        } else {
            Coverage::Extendable
        };
        self.outputs.push_back(Output::Progress(Progress::Covered {
            covered_until: meter.covered_until,
            last: decision.last,
        }));
    }

    fn fire_deadlines(&mut self, now: Millis) {
        while let Some(deadline) = self.next_deadline()
            && deadline <= now
        {
            if !self.on_deadline(deadline) {
                // Unreachable by construction; stopping beats spinning forever.
                break;
            }
        }
    }

    /// Acts on the deadline due at `at`; false if there was none.
    fn on_deadline(&mut self, at: Millis) -> bool {
        self.on_caller_deadline(at) || self.on_issuer_deadline(at) || self.on_page_deadline(at)
    }

    /// The page rang as long as the phone may: it stops (the phone, picked up, goes on).
    fn on_page_deadline(&mut self, at: Millis) -> bool {
        match self.page {
            PageFork::Ringing { give_up_at, .. } if give_up_at <= at => {
                self.stop_page();
                true
            }
            _ => false,
        }
    }

    fn on_caller_deadline(&mut self, at: Millis) -> bool {
        match &mut self.caller {
            CallerLeg::Connecting { give_up_at } if *give_up_at <= at => {
                self.end(HangupCause::MediaFailed, at);
            }
            CallerLeg::Inviting { give_up_at } | CallerLeg::Ringing { give_up_at }
                if *give_up_at <= at =>
            {
                self.tell_issuer_why(HangupCause::CallerDidNotAnswer, at);
            }
            CallerLeg::ReachingExtension(reaching) if reaching.next_deadline() <= at => {
                if reaching.send_keys_at.take().is_some() {
                    self.send_caller_keys();
                } else {
                    let picked_up_at = reaching.picked_up_at;
                    self.caller = CallerLeg::Connected {
                        picked_up_at: Some(picked_up_at),
                    };
                    let issuer_picked_up_at = self.issuer.picked_up_at().unwrap_or(picked_up_at);
                    self.connect_media(at, issuer_picked_up_at);
                }
            }
            _ => return false,
        }
        true
    }

    fn send_caller_keys(&mut self) {
        if let CallerOrigin::Phone {
            keys: Some(keys), ..
        } = &self.request.origin
        {
            self.outputs.push_back(Output::SendKeys {
                to: Leg::Caller,
                keys: keys.clone(),
            });
        }
    }

    fn on_issuer_deadline(&mut self, at: Millis) -> bool {
        let extend_lead = self.config.extend_lead;
        let event = match &mut self.issuer {
            IssuerLeg::Inviting { give_up_at } | IssuerLeg::Ringing { give_up_at }
                if *give_up_at <= at =>
            {
                self.end(HangupCause::IssuerDidNotAnswer, at);
                return true;
            }
            IssuerLeg::ReachingExtension(reaching) if reaching.next_deadline() <= at => {
                if reaching.send_keys_at.take().is_some() {
                    if let Some(keys) = self.issuer_keys.clone() {
                        self.outputs.push_back(Output::SendKeys {
                            to: Leg::Issuer,
                            keys,
                        });
                    }
                } else {
                    let picked_up_at = reaching.picked_up_at;
                    self.ask_issuer(at, picked_up_at);
                }
                return true;
            }
            // Silence on the accept prompt counts as declining, recorded as "did not answer";
            // ringing both, it is a voicemail's: the phone is let go and the page rings on.
            IssuerLeg::AskingIssuer { decide_by, .. } if *decide_by <= at => {
                if !self.phone_leaves_race(at, true) {
                    self.end(HangupCause::IssuerDidNotAnswer, at);
                }
                return true;
            }
            IssuerLeg::TellingWhy {
                hang_up_at, cause, ..
            } if *hang_up_at <= at => {
                let cause = *cause;
                self.end(cause, at);
                return true;
            }
            IssuerLeg::Bridged { meter, .. } => meter
                .take_due(at, extend_lead)
                .map(|event| (event, meter.call_id)),
            _ => None,
        };
        match event {
            Some((MeterEvent::AskForExtension, call_id)) => {
                self.outputs.push_back(Output::Extend { call_id });
            }
            Some((MeterEvent::Warn, _)) => {
                self.outputs
                    .push_back(Output::PlayWarning { to: Leg::Caller });
                self.outputs
                    .push_back(Output::PlayWarning { to: Leg::Issuer });
            }
            Some((MeterEvent::CoverageEnded { cause }, _)) => self.end(cause, at),
            None => return false,
        }
        true
    }

    /// Ends the call with `cause` (if it is still running): hangs up every leg still up,
    /// then settles — or waits for the authority when it has not answered yet.
    fn end(&mut self, cause: HangupCause, at: Millis) {
        if self.settlement != Settlement::Running {
            return;
        }
        if self.caller.is_live() {
            self.outputs.push_back(Output::Hangup {
                leg: Leg::Caller,
                cause,
            });
        }
        self.caller = self.caller.ended();
        if self.issuer.is_live() {
            self.outputs.push_back(Output::Hangup {
                leg: Leg::Issuer,
                cause,
            });
        }
        self.issuer = self.issuer.ended();
        self.stop_page();
        match &self.authorization {
            Authorization::Asked => {
                self.settlement = Settlement::WaitingForAuthority {
                    cause,
                    ended_at: at,
                };
            }
            Authorization::Granted(grant) => self.settle(Some(grant.call_id), cause, at),
            Authorization::NotAsked | Authorization::Refused => self.settle(None, cause, at),
        }
    }

    fn settle(&mut self, call_id: Option<CallId>, cause: HangupCause, ended_at: Millis) {
        self.settlement = Settlement::Settled;
        let answered_at = self.issuer.answered_at();
        self.outputs.push_back(Output::Settle(SettleRequest {
            call_id,
            // A phone let go was picked up first: its leg is billed from then.
            picked_up_at: self
                .dropped_phone
                .map(|(picked_up_at, _)| picked_up_at)
                .or(self.issuer.picked_up_at()),
            answered_at,
            caller_picked_up_at: self.caller.picked_up_at(),
            ended_at,
            cause,
            answered_on: answered_at.map(|_| self.issuer_on),
            phone_dropped_at: self.dropped_phone.map(|(_, dropped_at)| dropped_at),
        }));
    }
}
