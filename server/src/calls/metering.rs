//! The money rules of a running call (issue 9; BRIEF R11), beside `authorize.rs` (which decides
//! whether a call may start). Pure: the database layer (`reservation.rs`) claims the call's row,
//! asks these functions what to hold, charge and release, and writes exactly that.
//!
//! A call's legs are rated when it is reserved and stored with it. While it runs it holds money
//! in the Guild (`held`), one interval at a time: [`CallLegs::next_hold`] is what the next
//! interval adds, [`CallLegs::covered_secs`] the talk time everything held pays for. When it
//! ends, [`CallLegs::settle`] says what it costs and what it releases.
//!
//! Invariants (property-tested below):
//! - a settlement never charges more than the call held, and releases exactly what it held;
//! - the covered time is exact: the held money pays for `covered_secs`, not one second more;
//! - holding the next interval never lowers the covered time, and covers `hold_secs` more
//!   whenever the call is not at the longest talk time there is;
//! - stored legs are read strictly: an unreadable or empty list is an error, never "no legs"
//!   (which would make a call free).

use super::authorize::MAX_SECONDS;
use super::call_state::AnsweredOn;
use super::rates::{self, Rate};
use crate::ledger::money::Money;

/// The rated legs of one call, as stored with it (never empty): the issuer's alone; the
/// caller's then the issuer's; or, ringing both (issue 11), the caller's, the issuer's phone's
/// and the issuer's page's — of which only the one that takes the call is billed for the talk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallLegs {
    rates: Vec<Rate>,
    /// Ringing both: where the issuer accepted, once they have.
    answered_on: Option<AnsweredOn>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeteringError {
    #[error("the call's stored legs cannot be read: {0}")]
    UnreadableLegs(String),
    #[error("the call has no legs stored, so it could not be priced")]
    NoLegs,
    #[error("the call has {0} legs stored; a call has one to three")]
    TooManyLegs(usize),
}

/// How long each leg of an ended call was up, each billed from its own start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegTimes {
    /// The caller's leg: a browser from the issuer's acceptance; a callback's phone from its
    /// pick-up (at least the talk time).
    pub caller_secs: u32,
    /// The issuer's leg: a phone from its pick-up, accepted or not (every answered second of a
    /// trunk leg costs the operator); a page from its acceptance. Ringing both, the phone's.
    pub issuer_secs: u32,
    /// Ringing both: the page's leg, from its acceptance (0 when the phone took the call).
    pub page_secs: u32,
}

impl LegTimes {
    /// Both legs up for the same time (a call accepted as it was picked up).
    pub fn talk(talk_secs: u32) -> LegTimes {
        LegTimes {
            caller_secs: talk_secs,
            issuer_secs: talk_secs,
            page_secs: 0,
        }
    }
}

/// What ending a call does to its money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// Debited from the Guild: the call's cost, capped by what it held.
    pub charge: Money,
    /// Released from the Guild's held money: all the call held.
    pub release: Money,
    /// The longest billed time of its legs (increments applied).
    pub billed_secs: u32,
}

impl CallLegs {
    pub fn new(legs: Vec<Rate>) -> Result<CallLegs, MeteringError> {
        match legs.len() {
            0 => Err(MeteringError::NoLegs),
            1..=3 => Ok(CallLegs {
                rates: legs,
                answered_on: None,
            }),
            more => Err(MeteringError::TooManyLegs(more)),
        }
    }

    /// Reads the legs stored with a call (a JSON list of rates).
    pub fn from_stored(stored: &str) -> Result<CallLegs, MeteringError> {
        let legs: Vec<Rate> = serde_json::from_str(stored)
            .map_err(|error| MeteringError::UnreadableLegs(error.to_string()))?;
        CallLegs::new(legs)
    }

    /// These legs once the issuer accepted `on` their phone or page: ringing both, the talk
    /// is then priced on that leg alone.
    pub fn answered_on(self, answered_on: Option<AnsweredOn>) -> CallLegs {
        CallLegs {
            answered_on,
            ..self
        }
    }

    /// The form stored with the call.
    pub fn to_stored(&self) -> String {
        serde_json::to_string(&self.rates).expect("rates always serialise")
    }

    pub fn rates(&self) -> &[Rate] {
        &self.rates
    }

    /// Are the issuer's phone and page both rated (ringing both)?
    pub fn ring_both(&self) -> bool {
        self.both().is_some()
    }

    /// Ringing both: the issuer's phone and page.
    fn both(&self) -> Option<(&Rate, &Rate)> {
        match self.rates.as_slice() {
            [_, phone, page] => Some((phone, page)),
            _ => None,
        }
    }

    /// What `talk_secs` of the call cost on all its legs; ringing both, on the caller's and
    /// the dearer of the issuer's two (whichever may yet take the call), or the one that took it.
    pub fn cost(&self, talk_secs: u32) -> Money {
        let cost = |rate: &Rate| rates::cost(rate, talk_secs).0;
        Money(match (self.both(), self.answered_on) {
            (Some((phone, page)), answered_on) => {
                let issuer = match answered_on {
                    Some(AnsweredOn::Phone) => cost(phone),
                    Some(AnsweredOn::Browser) => cost(page),
                    None => Ord::max(cost(phone), cost(page)),
                };
                cost(&self.rates[0]) + issuer
            }
            (None, _) => self.rates.iter().map(cost).sum(),
        })
    }

    /// What must be there before the call starts (R8): the first billing increment of every
    /// leg it may be billed on.
    pub fn first_increments(&self) -> Money {
        let first = |rate: &Rate| rates::cost(rate, rate.initial_increment_secs).0;
        Money(match self.both() {
            Some((phone, page)) => first(&self.rates[0]) + Ord::max(first(phone), first(page)),
            None => self.rates.iter().map(first).sum(),
        })
    }

    /// The longest talk time `held` pays for (patent ¶60). Costs only grow with time, so a
    /// binary search finds it.
    pub fn covered_secs(&self, held: Money) -> u32 {
        let free = |rate: &Rate| rate.per_minute == 0 && rate.connect_fee == 0;
        if self.rates.iter().all(free) {
            return MAX_SECONDS;
        }
        let (mut low, mut high) = (0, MAX_SECONDS);
        while low < high {
            let middle = low + (high - low).div_ceil(2);
            if self.cost(middle) <= held {
                low = middle
            } else {
                high = middle - 1
            }
        }
        low
    }

    /// What holding `hold_secs` more talk time adds to `held` (0 when it already covers it).
    pub fn next_hold(&self, held: Money, hold_secs: u32) -> Money {
        let covered = self.covered_secs(held);
        let wanted = self.cost(covered.saturating_add(hold_secs));
        Money(Ord::max(wanted.0 - held.0, 0))
    }

    /// Ending a call that held `held`. Stored legs are the caller's then the issuer's
    /// (`route.rs`); a call of one leg has only the issuer's; ringing both, the third is the
    /// page's. Each is billed for its own time.
    pub fn settle(&self, held: Money, time: LegTimes) -> Settlement {
        let seconds = |index: usize| match (self.rates.len(), index) {
            (1, _) => time.issuer_secs,
            (_, 0) => time.caller_secs,
            (_, 1) => time.issuer_secs,
            _ => time.page_secs,
        };
        let cost: i64 = self
            .rates
            .iter()
            .enumerate()
            .map(|(index, rate)| rates::cost(rate, seconds(index)).0)
            .sum();
        Settlement {
            charge: Money(Ord::min(cost, held.0)),
            release: held,
            billed_secs: self
                .rates
                .iter()
                .enumerate()
                .map(|(index, rate)| rates::billed_seconds(rate, seconds(index)))
                .max()
                .unwrap_or(0),
        }
    }
}

#[cfg(test)]
mod tests;
