//! The two legs' states and the metering of a connected call. Each state carries the data that
//! only it needs (its deadline, the answer time), so there is no flag to forget to reset.

use std::time::Duration;

use super::HangupCause;
use crate::authority::{CallId, CoverageEnd, Grant};
use crate::time::Millis;

/// A phone that answered and is being given its extension's keys: they go at `send_keys_at`
/// (then `None`), and the leg moves on at `done_at`, when the last key has been heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ReachingExtension {
    pub(super) picked_up_at: Millis,
    pub(super) send_keys_at: Option<Millis>,
    pub(super) done_at: Millis,
}

impl ReachingExtension {
    pub(super) fn next_deadline(&self) -> Millis {
        self.send_keys_at.unwrap_or(self.done_at)
    }
}

/// The caller's leg: their browser on the card page, or their phone (a callback).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CallerLeg {
    /// Browser: the page has offered; ICE/DTLS must complete by `give_up_at`.
    Connecting {
        give_up_at: Millis,
    },
    /// Phone: not dialled yet — only once the issuer accepted.
    NotDialled,
    /// Phone: INVITE sent; the ring timeout runs from here.
    Inviting {
        give_up_at: Millis,
    },
    /// Phone: 180/183 received; still the same ring timeout.
    Ringing {
        give_up_at: Millis,
    },
    /// Phone: answered, its extension being dialled before the legs are bridged.
    ReachingExtension(ReachingExtension),
    /// Up: a browser whose media is connected, or a phone that answered (`picked_up_at`).
    Connected {
        picked_up_at: Option<Millis>,
    },
    Ended {
        picked_up_at: Option<Millis>,
    },
}

impl CallerLeg {
    /// Is there a peer connection or a dialog (or an INVITE) to end?
    pub(super) fn is_live(&self) -> bool {
        !matches!(self, CallerLeg::NotDialled | CallerLeg::Ended { .. })
    }

    /// When a callback's caller picked up their phone.
    pub(super) fn picked_up_at(&self) -> Option<Millis> {
        match self {
            CallerLeg::ReachingExtension(reaching) => Some(reaching.picked_up_at),
            CallerLeg::Connected { picked_up_at } | CallerLeg::Ended { picked_up_at } => {
                *picked_up_at
            }
            _ => None,
        }
    }

    pub(super) fn ended(&self) -> CallerLeg {
        CallerLeg::Ended {
            picked_up_at: self.picked_up_at(),
        }
    }
}

/// The issuer's leg: their phone through the trunk, or their browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum IssuerLeg {
    /// Not called yet: the call is being authorized.
    Idle,
    /// INVITE sent; the ring timeout runs from here.
    Inviting { give_up_at: Millis },
    /// 180/183 received; still the same ring timeout.
    Ringing { give_up_at: Millis },
    /// Phone: answered, its extension being dialled before the accept prompt. The phone leg
    /// costs the operator from the pick-up (issue 8: toll fraud), so it is billed from then.
    ReachingExtension(ReachingExtension),
    /// Answered at `picked_up_at`; the accept prompt is playing and the issuer must press 1
    /// by `decide_by`.
    AskingIssuer {
        decide_by: Millis,
        picked_up_at: Millis,
    },
    /// Accepted a callback; the caller's phone is being reached.
    Accepted { picked_up_at: Millis },
    /// Accepted a callback whose caller could not be reached: the issuer hears why until
    /// `hang_up_at`, then the call ends with `cause`.
    TellingWhy {
        picked_up_at: Millis,
        hang_up_at: Millis,
        cause: HangupCause,
    },
    /// Accepted, and the caller is there: both legs' media are connected and the Guild is
    /// paying.
    Bridged {
        answered_at: Millis,
        picked_up_at: Millis,
        meter: Meter,
    },
    Ended {
        answered_at: Option<Millis>,
        picked_up_at: Option<Millis>,
    },
}

impl IssuerLeg {
    /// Is there a dialog (or a ringing page) to end?
    pub(super) fn is_live(&self) -> bool {
        !matches!(self, IssuerLeg::Idle | IssuerLeg::Ended { .. })
    }

    pub(super) fn answered_at(&self) -> Option<Millis> {
        match self {
            IssuerLeg::Bridged { answered_at, .. } => Some(*answered_at),
            IssuerLeg::Ended { answered_at, .. } => *answered_at,
            _ => None,
        }
    }

    /// When the issuer's phone (or page) picked up, accepted or not.
    pub(super) fn picked_up_at(&self) -> Option<Millis> {
        match self {
            IssuerLeg::ReachingExtension(reaching) => Some(reaching.picked_up_at),
            IssuerLeg::AskingIssuer { picked_up_at, .. }
            | IssuerLeg::Accepted { picked_up_at }
            | IssuerLeg::TellingWhy { picked_up_at, .. }
            | IssuerLeg::Bridged { picked_up_at, .. } => Some(*picked_up_at),
            IssuerLeg::Ended { picked_up_at, .. } => *picked_up_at,
            IssuerLeg::Idle | IssuerLeg::Inviting { .. } | IssuerLeg::Ringing { .. } => None,
        }
    }

    /// The same leg, ended, remembering when it was picked up and answered.
    pub(super) fn ended(&self) -> IssuerLeg {
        IssuerLeg::Ended {
            answered_at: self.answered_at(),
            picked_up_at: self.picked_up_at(),
        }
    }
}

/// The issuer's page ringing beside their phone, while neither has taken the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PageFork {
    /// Nothing rings beside the issuer's leg: one destination, or the race is decided.
    Quiet,
    /// Ringing until `give_up_at` (the phone's ring timeout, so both give up together);
    /// `rang` once the dashboard showed it.
    Ringing { give_up_at: Millis, rang: bool },
}

/// Where the money of a connected call stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Coverage {
    /// More intervals may follow: ask for the next one `extend_lead` before the end.
    Extendable,
    /// The next interval was asked for; no answer yet.
    Extending,
    /// The last interval: warn `warn_before` the end, then end with the cause of what ends it.
    Last { warned: bool, ends_by: CoverageEnd },
}

/// The metering of a connected call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Meter {
    pub(super) call_id: CallId,
    /// The moment the money held so far runs out.
    pub(super) covered_until: Millis,
    pub(super) warn_before: Duration,
    pub(super) coverage: Coverage,
}

/// What a meter deadline asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MeterEvent {
    AskForExtension,
    Warn,
    /// The covered time is over; the cause tells the Guild's or the card's limit from a
    /// lapsed extension.
    CoverageEnded {
        cause: HangupCause,
    },
}

impl Meter {
    pub(super) fn start(grant: &Grant, answered_at: Millis) -> Meter {
        Meter {
            call_id: grant.call_id,
            covered_until: answered_at + seconds(grant.covered_seconds),
            warn_before: seconds(grant.warn_before_seconds),
            coverage: if grant.last {
                Coverage::Last {
                    warned: false,
                    ends_by: grant.ends_by,
                }
            } else {
                Coverage::Extendable
            },
        }
    }

    pub(super) fn next_deadline(&self, extend_lead: Duration) -> Millis {
        let before_the_end = match self.coverage {
            Coverage::Extendable => self.covered_until.saturating_sub(extend_lead),
            Coverage::Last { warned: false, .. } => {
                self.covered_until.saturating_sub(self.warn_before)
            }
            Coverage::Extending | Coverage::Last { warned: true, .. } => self.covered_until,
        };
        before_the_end.min(self.covered_until)
    }

    /// The event due at `at` (the meter's own deadline), moving the meter past it so that
    /// its next deadline is later.
    pub(super) fn take_due(&mut self, at: Millis, extend_lead: Duration) -> Option<MeterEvent> {
        if self.covered_until <= at {
            let cause = match self.coverage {
                Coverage::Last { ends_by, .. } => ends_by.cause(),
                Coverage::Extendable | Coverage::Extending => HangupCause::MeteringLapsed,
            };
            return Some(MeterEvent::CoverageEnded { cause });
        }
        if self.next_deadline(extend_lead) > at {
            return None;
        }
        match self.coverage {
            Coverage::Extendable => {
                self.coverage = Coverage::Extending;
                Some(MeterEvent::AskForExtension)
            }
            Coverage::Last {
                warned: false,
                ends_by,
            } => {
                self.coverage = Coverage::Last {
                    warned: true,
                    ends_by,
                };
                Some(MeterEvent::Warn)
            }
            Coverage::Extending | Coverage::Last { warned: true, .. } => None,
        }
    }
}

pub(super) fn seconds(seconds: u32) -> Duration {
    Duration::from_secs(u64::from(seconds))
}
