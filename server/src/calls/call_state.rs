//! What a row of `calls` may say (issue 9: typed states and causes): its state, how the call
//! came out, and why it ended — one enum each, stored as the same strings as before and held to
//! them by `CHECK` constraints (migration `m20261130_000009_call_checks`). Reading a row back
//! never guesses: a value outside these enums is a database error, not a default.

use media_bridge::authority::Refusal;
use media_bridge::call::{CallOutcome, HangupCause, UnknownCode};
use sea_orm::DeriveValueType;

/// Where a call's row is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, DeriveValueType)]
#[sea_orm(value_type = "String")]
pub enum CallState {
    /// Money and a call-count unit are held: the call is running (or its process died and the
    /// sweeper has not settled it yet).
    Reserved,
    /// Ended and priced, exactly once.
    Settled,
    /// Never started; nothing was held.
    Refused,
}

impl CallState {
    pub const ALL: [CallState; 3] = [CallState::Reserved, CallState::Settled, CallState::Refused];

    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Reserved => "reserved",
            CallState::Settled => "settled",
            CallState::Refused => "refused",
        }
    }
}

/// The record's `outcome`: what the call came to, or the refusal that stopped it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, DeriveValueType)]
#[sea_orm(value_type = "String")]
pub enum Outcome {
    /// A call that was granted and ended (`answered`, `busy`, …).
    Ended(CallOutcome),
    /// Refused before anything was held: `refused:<reason>`.
    Refused(Refusal),
}

/// The record's `hangup_cause`: the bridge's cause, or the server's own when no live process
/// ended the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, DeriveValueType)]
#[sea_orm(value_type = "String")]
pub enum RecordedCause {
    Call(HangupCause),
    /// The sweeper settled it: its process stopped vouching for it (another process's call).
    StaleReservation,
    /// Its own process was restarted and settled what it had been running (kill -9, crash).
    ProcessRestarted,
}

impl Outcome {
    /// Every outcome, each refusal once: for tests that hold them to the database.
    pub fn one_of_each() -> Vec<Outcome> {
        CallOutcome::ALL
            .into_iter()
            .map(Outcome::Ended)
            .chain(Refusal::ALL.into_iter().map(Outcome::Refused))
            .collect()
    }
}

impl RecordedCause {
    /// One cause of each kind and every refusal: for tests that hold them to the database.
    pub fn one_of_each() -> Vec<RecordedCause> {
        HangupCause::ONE_OF_EACH
            .into_iter()
            .chain(
                Refusal::ALL
                    .into_iter()
                    .map(|reason| HangupCause::Refused { reason }),
            )
            .map(RecordedCause::Call)
            .chain([
                RecordedCause::StaleReservation,
                RecordedCause::ProcessRestarted,
            ])
            .collect()
    }
}

/// Where the issuer accepted a call: their phone or their page (issue 11: both may ring).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, DeriveValueType)]
#[sea_orm(value_type = "String")]
pub enum AnsweredOn {
    Phone,
    Browser,
}

impl AnsweredOn {
    pub fn as_str(self) -> &'static str {
        match self {
            AnsweredOn::Phone => "phone",
            AnsweredOn::Browser => "browser",
        }
    }

    /// The bridge's word for it; `None` for "both", which is never where a call was answered.
    pub fn of(destination: media_bridge::authority::IssuerDestination) -> Option<AnsweredOn> {
        use media_bridge::authority::IssuerDestination;
        match destination {
            IssuerDestination::Phone => Some(AnsweredOn::Phone),
            IssuerDestination::Browser => Some(AnsweredOn::Browser),
            IssuerDestination::PhoneAndBrowser => None,
        }
    }
}

impl std::fmt::Display for AnsweredOn {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl std::str::FromStr for AnsweredOn {
    type Err = UnknownCode;

    fn from_str(code: &str) -> Result<Self, UnknownCode> {
        [AnsweredOn::Phone, AnsweredOn::Browser]
            .into_iter()
            .find(|on| on.as_str() == code)
            .ok_or_else(|| UnknownCode(code.to_owned()))
    }
}

impl std::fmt::Display for CallState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl std::str::FromStr for CallState {
    type Err = UnknownCode;

    fn from_str(code: &str) -> Result<Self, UnknownCode> {
        CallState::ALL
            .into_iter()
            .find(|state| state.as_str() == code)
            .ok_or_else(|| UnknownCode(code.to_owned()))
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Ended(outcome) => formatter.write_str(outcome.as_str()),
            Outcome::Refused(reason) => write!(formatter, "refused:{}", reason.as_str()),
        }
    }
}

impl std::str::FromStr for Outcome {
    type Err = UnknownCode;

    fn from_str(code: &str) -> Result<Self, UnknownCode> {
        match code.strip_prefix("refused:") {
            Some(reason) => Ok(Outcome::Refused(reason.parse()?)),
            None => Ok(Outcome::Ended(code.parse()?)),
        }
    }
}

impl std::fmt::Display for RecordedCause {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordedCause::Call(cause) => cause.fmt(formatter),
            RecordedCause::StaleReservation => formatter.write_str("stale_reservation"),
            RecordedCause::ProcessRestarted => formatter.write_str("process_restarted"),
        }
    }
}

impl std::str::FromStr for RecordedCause {
    type Err = UnknownCode;

    fn from_str(code: &str) -> Result<Self, UnknownCode> {
        Ok(match code {
            "stale_reservation" => RecordedCause::StaleReservation,
            "process_restarted" => RecordedCause::ProcessRestarted,
            code => RecordedCause::Call(code.parse()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_reads_back_from_the_string_it_stores() {
        for state in CallState::ALL {
            assert_eq!(state.to_string().parse(), Ok(state));
        }
        for on in [AnsweredOn::Phone, AnsweredOn::Browser] {
            assert_eq!(on.to_string().parse(), Ok(on));
        }
        for outcome in Outcome::one_of_each() {
            assert_eq!(outcome.to_string().parse(), Ok(outcome));
        }
        for cause in RecordedCause::one_of_each() {
            assert_eq!(cause.to_string().parse(), Ok(cause));
        }
    }

    #[test]
    fn the_stored_strings_are_the_ones_records_always_had() {
        assert_eq!(
            Outcome::Refused(Refusal::NoRate).to_string(),
            "refused:no_rate"
        );
        assert_eq!(
            Outcome::Ended(CallOutcome::NoAnswer).to_string(),
            "no_answer"
        );
        assert_eq!(
            RecordedCause::Call(HangupCause::TrunkError { status: 503 }).to_string(),
            "trunk_error:503"
        );
        assert_eq!(
            RecordedCause::StaleReservation.to_string(),
            "stale_reservation"
        );
    }

    #[test]
    fn every_outcome_and_cause_has_words_in_the_records() {
        let known = |code: &str| app::i18n::record_causes().any(|cause| cause == code);
        for outcome in Outcome::one_of_each() {
            let code = outcome.to_string();
            let (base, reason) = code.split_once(':').unwrap_or((&code, ""));
            assert!(app::i18n::OUTCOMES.contains(&base), "{code}");
            assert!(reason.is_empty() || known(reason), "{code}");
        }
        for cause in RecordedCause::one_of_each() {
            let code = cause.to_string();
            let name = code.split(':').next().unwrap_or(&code);
            // A refused call's cause is `refused:<reason>`: the reason is the word.
            let word = if name == "refused" {
                code.rsplit(':').next().unwrap()
            } else {
                name
            };
            assert!(known(word), "{code}");
        }
    }

    #[test]
    fn strings_outside_the_enums_are_refused() {
        for bad in ["", "Reserved", "running", "settled "] {
            assert!(bad.parse::<CallState>().is_err(), "{bad:?}");
        }
        for bad in ["", "refused:", "refused:maybe", "ok"] {
            assert!(bad.parse::<Outcome>().is_err(), "{bad:?}");
        }
        for bad in ["", "stale", "trunk_error:abc"] {
            assert!(bad.parse::<RecordedCause>().is_err(), "{bad:?}");
        }
    }
}
