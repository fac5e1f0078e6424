//! The bridge's call state machine, without I/O (the str0m contract): the driver feeds each
//! event with [`Call::handle`] and the current time, executes everything [`Call::poll_output`]
//! returns, and calls `handle(Input::Timeout, now)` when [`Call::next_deadline`] is reached.
//! The call never reads a clock; it only compares the times it is given.
//!
//! Lifecycle: the caller's leg connects → the authority is asked to authorize → on a grant the
//! issuer is invited → it rings → it answers → (phone only) the accept prompt plays and the
//! issuer presses 1 → media is connected, the authority is told the call was answered, and
//! metering starts: the next interval is asked for
//! `extend_lead` before the covered time ends; once an extension comes back `last`, both legs
//! hear the warning `warn_before` the end, and the call ends exactly when the covered time does.
//!
//! Invariants:
//! - The first event that ends the call decides its [`HangupCause`]; every leg still up gets
//!   exactly one [`Output::Hangup`] with it, and then comes exactly one [`Output::Settle`],
//!   the last output of the call. If the caller leaves while the authorization is still being
//!   decided, the settlement waits for that answer, so a grant that arrives late is released.
//! - [`Output::ConnectMedia`] is emitted at most once, and only after the issuer accepted
//!   (pressed 1 on the phone, or answered in their browser) a granted call.
//! - Deadlines fire at their own time, even when the driver is late: a call whose Guild
//!   covers 70 s is settled as ending at 70 s.
//! - Once settled, every input is ignored.

mod cause;
mod io;
mod legs;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;

pub use cause::{CallOutcome, HangupCause, UnknownCode};
pub use io::{Announcement, CallConfig, Input, Leg, Output, Progress};
use legs::{CallerLeg, Coverage, IssuerLeg, Meter, MeterEvent, seconds};

use crate::authority::{
    CallId, CallRequest, ExtendDecision, Grant, IssuerDestination, Refusal, SettleRequest,
};
use crate::dtmf::Digit;
use crate::time::Millis;

/// One browser call: the caller's leg, the issuer's leg, and the Guild's decisions about it.
#[derive(Debug, Clone)]
pub struct Call {
    config: CallConfig,
    request: CallRequest,
    /// The latest time seen; time handed in later never goes backwards.
    now: Millis,
    caller: CallerLeg,
    issuer: IssuerLeg,
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
    /// A call whose caller has just offered; its leg must connect within the connect timeout.
    pub fn new(request: CallRequest, config: CallConfig, now: Millis) -> Call {
        Call {
            caller: CallerLeg::Connecting {
                give_up_at: now + config.connect_timeout,
            },
            config,
            request,
            now,
            issuer: IssuerLeg::Idle,
            authorization: Authorization::NotAsked,
            settlement: Settlement::Running,
            outputs: VecDeque::new(),
        }
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
        let caller = match self.caller {
            CallerLeg::Connecting { give_up_at } => Some(give_up_at),
            CallerLeg::Connected | CallerLeg::Ended => None,
        };
        let issuer = match &self.issuer {
            IssuerLeg::Inviting { give_up_at } | IssuerLeg::Ringing { give_up_at } => {
                Some(*give_up_at)
            }
            IssuerLeg::AskingIssuer { decide_by, .. } => Some(*decide_by),
            IssuerLeg::Bridged { meter, .. } => Some(meter.next_deadline(self.config.extend_lead)),
            IssuerLeg::Idle | IssuerLeg::Ended { .. } => None,
        };
        caller.into_iter().chain(issuer).min()
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
            Input::Authorized(grant) => self.on_authorized(grant, now),
            Input::Refused(reason) => self.on_refused(reason),
            _ if self.settlement != Settlement::Running => {}
            Input::CallerConnected => self.on_caller_connected(),
            Input::CallerHungUp => {
                self.caller = CallerLeg::Ended;
                self.end(HangupCause::CallerHungUp, now);
            }
            Input::CallerMediaFailed => {
                self.caller = CallerLeg::Ended;
                self.end(HangupCause::MediaFailed, now);
            }
            Input::IssuerRinging => self.on_issuer_ringing(),
            Input::IssuerAnswered => self.on_issuer_answered(now),
            Input::IssuerFailed { sip_status } => self.on_issuer_gone(Some(sip_status), now),
            Input::IssuerHungUp => self.on_issuer_gone(None, now),
            Input::IssuerMediaFailed => self.on_issuer_lost(HangupCause::MediaFailed, now),
            Input::IssuerSessionExpired => self.on_issuer_lost(HangupCause::SessionExpired, now),
            Input::Dtmf { from, digit } => self.on_dtmf(from, digit, now),
            Input::Extended(decision) => self.on_extended(decision),
        }
    }

    fn on_caller_connected(&mut self) {
        if let CallerLeg::Connecting { .. } = self.caller {
            self.caller = CallerLeg::Connected;
            self.authorization = Authorization::Asked;
            self.outputs
                .push_back(Output::Authorize(self.request.clone()));
            self.outputs
                .push_back(Output::Progress(Progress::Authorizing));
        }
    }

    fn on_authorized(&mut self, grant: Grant, now: Millis) {
        if self.authorization != Authorization::Asked {
            return;
        }
        let call_id = grant.call_id;
        self.authorization = Authorization::Granted(grant);
        match self.settlement {
            Settlement::Running => {
                self.issuer = IssuerLeg::Inviting {
                    give_up_at: now + self.config.ring_timeout,
                };
                self.outputs.push_back(Output::InviteIssuer);
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
            self.outputs.push_back(Output::Progress(Progress::Ringing));
        }
    }

    fn on_issuer_answered(&mut self, now: Millis) {
        let (IssuerLeg::Inviting { .. } | IssuerLeg::Ringing { .. }) = self.issuer else {
            return;
        };
        match self.request.destination {
            IssuerDestination::Phone => {
                self.issuer = IssuerLeg::AskingIssuer {
                    decide_by: now + self.config.accept_timeout,
                    picked_up_at: now,
                };
                self.outputs.push_back(Output::PlayAnnouncement {
                    to: Leg::Issuer,
                    announcement: Announcement::AcceptPrompt,
                });
                // The issuer is only invited after a grant, so this always finds one.
                if let Authorization::Granted(grant) = &self.authorization {
                    self.outputs.push_back(Output::PickedUp {
                        call_id: grant.call_id,
                        at: now,
                    });
                }
                self.outputs
                    .push_back(Output::Progress(Progress::WaitingForIssuer));
            }
            IssuerDestination::Browser => self.connect_media(now),
        }
    }

    /// The issuer's leg was lost under the call (media, or the SIP session ran out).
    fn on_issuer_lost(&mut self, cause: HangupCause, now: Millis) {
        if self.issuer.is_live() {
            self.issuer = self.issuer.ended();
            self.end(cause, now);
        }
    }

    /// The issuer's leg went away by itself: a final failure status, or a hang-up.
    fn on_issuer_gone(&mut self, sip_status: Option<u16>, now: Millis) {
        let cause = match (&self.issuer, sip_status) {
            (IssuerLeg::Idle | IssuerLeg::Ended { .. }, _) => return,
            (IssuerLeg::Inviting { .. } | IssuerLeg::Ringing { .. }, Some(status)) => {
                HangupCause::from_sip_status(status)
            }
            // Gone before answering without a status (the page closed): nobody answered.
            (IssuerLeg::Inviting { .. } | IssuerLeg::Ringing { .. }, None) => {
                HangupCause::IssuerDidNotAnswer
            }
            // Hanging up on the accept prompt is declining (R9).
            (IssuerLeg::AskingIssuer { .. }, _) => HangupCause::IssuerDeclined,
            (IssuerLeg::Bridged { .. }, _) => HangupCause::IssuerHungUp,
        };
        self.issuer = self.issuer.ended();
        self.end(cause, now);
    }

    fn on_dtmf(&mut self, from: Leg, digit: Digit, now: Millis) {
        match (from, &self.issuer, digit) {
            (Leg::Issuer, IssuerLeg::AskingIssuer { .. }, Digit::One) => self.connect_media(now),
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

    fn connect_media(&mut self, now: Millis) {
        // The issuer is only invited after a grant, so this always finds one.
        let Authorization::Granted(grant) = &self.authorization else {
            return;
        };
        let meter = Meter::start(grant, now);
        let covered_until = meter.covered_until;
        let call_id = meter.call_id;
        // A page that accepts picks up and answers at once.
        let picked_up_at = self.issuer.picked_up_at().unwrap_or(now);
        self.issuer = IssuerLeg::Bridged {
            answered_at: now,
            picked_up_at,
            meter,
        };
        self.outputs.push_back(Output::ConnectMedia);
        self.outputs
            .push_back(Output::Answered { call_id, at: now });
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
                call_limit: decision.ends_at_call_limit,
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
        if let CallerLeg::Connecting { give_up_at } = self.caller
            && give_up_at <= at
        {
            self.end(HangupCause::MediaFailed, at);
            return true;
        }
        let extend_lead = self.config.extend_lead;
        let event = match &mut self.issuer {
            IssuerLeg::Inviting { give_up_at } | IssuerLeg::Ringing { give_up_at }
                if *give_up_at <= at =>
            {
                self.end(HangupCause::IssuerDidNotAnswer, at);
                return true;
            }
            // Silence on the accept prompt counts as declining, recorded as "did not answer".
            IssuerLeg::AskingIssuer { decide_by, .. } if *decide_by <= at => {
                self.end(HangupCause::IssuerDidNotAnswer, at);
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
        if self.caller != CallerLeg::Ended {
            self.caller = CallerLeg::Ended;
            self.outputs.push_back(Output::Hangup {
                leg: Leg::Caller,
                cause,
            });
        }
        if self.issuer.is_live() {
            self.outputs.push_back(Output::Hangup {
                leg: Leg::Issuer,
                cause,
            });
        }
        self.issuer = self.issuer.ended();
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
        self.outputs.push_back(Output::Settle(SettleRequest {
            call_id,
            picked_up_at: self.issuer.picked_up_at(),
            answered_at: self.issuer.answered_at(),
            ended_at,
            cause,
        }));
    }
}
