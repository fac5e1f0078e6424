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

use super::authorize;
use super::rates::{self, Rate};
use crate::ledger::money::Money;

/// The rated legs of one call, as stored with it (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallLegs(Vec<Rate>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeteringError {
    #[error("the call's stored legs cannot be read: {0}")]
    UnreadableLegs(String),
    #[error("the call has no legs stored, so it could not be priced")]
    NoLegs,
}

/// How long each leg of an ended call was up, each billed from its own start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegTimes {
    /// The caller's leg: a browser from the issuer's acceptance; a callback's phone from its
    /// pick-up (at least the talk time).
    pub caller_secs: u32,
    /// The issuer's leg: a phone from its pick-up, accepted or not (every answered second of a
    /// trunk leg costs the operator); a page from its acceptance.
    pub issuer_secs: u32,
}

impl LegTimes {
    /// Both legs up for the same time (a call accepted as it was picked up).
    pub fn talk(talk_secs: u32) -> LegTimes {
        LegTimes {
            caller_secs: talk_secs,
            issuer_secs: talk_secs,
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
        if legs.is_empty() {
            return Err(MeteringError::NoLegs);
        }
        Ok(CallLegs(legs))
    }

    /// Reads the legs stored with a call (a JSON list of rates).
    pub fn from_stored(stored: &str) -> Result<CallLegs, MeteringError> {
        let legs: Vec<Rate> = serde_json::from_str(stored)
            .map_err(|error| MeteringError::UnreadableLegs(error.to_string()))?;
        CallLegs::new(legs)
    }

    /// The form stored with the call.
    pub fn to_stored(&self) -> String {
        serde_json::to_string(&self.0).expect("rates always serialise")
    }

    pub fn rates(&self) -> &[Rate] {
        &self.0
    }

    /// What `talk_secs` of the call cost on all its legs.
    pub fn cost(&self, talk_secs: u32) -> Money {
        Money(
            self.0
                .iter()
                .map(|rate| rates::cost(rate, talk_secs).0)
                .sum(),
        )
    }

    /// Talk time `held` pays for on all legs.
    pub fn covered_secs(&self, held: Money) -> u32 {
        let rates: Vec<&Rate> = self.0.iter().collect();
        authorize::seconds_covered(&rates, held)
    }

    /// What holding `hold_secs` more talk time adds to `held` (0 when it already covers it).
    pub fn next_hold(&self, held: Money, hold_secs: u32) -> Money {
        let covered = self.covered_secs(held);
        let wanted = self.cost(covered.saturating_add(hold_secs));
        Money(Ord::max(wanted.0 - held.0, 0))
    }

    /// Ending a call that held `held`. Stored legs are the caller's then the issuer's
    /// (`route.rs`); a call of one leg has only the issuer's. Each is billed for its own time.
    pub fn settle(&self, held: Money, time: LegTimes) -> Settlement {
        let seconds = |index: usize| {
            if self.0.len() >= 2 && index == 0 {
                time.caller_secs
            } else {
                time.issuer_secs
            }
        };
        let cost: i64 = self
            .0
            .iter()
            .enumerate()
            .map(|(index, rate)| rates::cost(rate, seconds(index)).0)
            .sum();
        Settlement {
            charge: Money(Ord::min(cost, held.0)),
            release: held,
            billed_secs: self
                .0
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
