//! Why a call ended: one value, decided once, that goes straight into the call record.

use crate::authority::Refusal;

/// The cause of a call's end. The first event that ends a call decides it; later events
/// (the other leg hanging up in reply, say) never change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HangupCause {
    /// The caller left (closed the page, pressed hang up), in any state.
    CallerHungUp,
    /// The issuer hung up after the call was connected.
    IssuerHungUp,
    /// The issuer refused: pressed 2, hung up on the accept prompt, or the trunk said 603.
    IssuerDeclined,
    /// Nobody answered in time (ring timeout, 408, 480), or the issuer answered but did not
    /// press 1 in time.
    IssuerDidNotAnswer,
    /// 486 Busy Here or 600 Busy Everywhere.
    IssuerBusy,
    /// A callback's caller was busy, or rejected the call (486, 600, 603).
    CallerBusy,
    /// A callback's caller did not pick up in time (ring timeout, 408, 480).
    CallerDidNotAnswer,
    /// Any other failure of the trunk leg before the answer, with its SIP status.
    TrunkError { status: u16 },
    /// The Guild engine did not let the call start.
    Refused { reason: Refusal },
    /// The money ran out: the last interval's covered time was reached.
    GuildExhausted,
    /// The card's longest call (`max_call_minutes`) was reached, though the Guild could pay on.
    CallLimit,
    /// The Guild's daily spend cap was reached, though its balance could pay on.
    DailyCap,
    /// The covered time was reached while an extension was still unanswered: the engine was
    /// too slow, so the call ends rather than run on unpaid time.
    MeteringLapsed,
    /// A leg's media could not be set up or was lost (ICE failed, RTP timeout).
    MediaFailed,
    /// The trunk stopped refreshing the SIP session (RFC 4028): the phone leg was dropped.
    SessionExpired,
}

impl HangupCause {
    /// One cause of each kind (one refusal, one SIP status): for tests that hold every cause
    /// to its messages and to the database.
    pub const ONE_OF_EACH: [HangupCause; 15] = [
        HangupCause::CallerHungUp,
        HangupCause::IssuerHungUp,
        HangupCause::IssuerDeclined,
        HangupCause::IssuerDidNotAnswer,
        HangupCause::IssuerBusy,
        HangupCause::CallerBusy,
        HangupCause::CallerDidNotAnswer,
        HangupCause::TrunkError { status: 500 },
        HangupCause::Refused {
            reason: Refusal::OutsideHours,
        },
        HangupCause::GuildExhausted,
        HangupCause::CallLimit,
        HangupCause::DailyCap,
        HangupCause::MeteringLapsed,
        HangupCause::MediaFailed,
        HangupCause::SessionExpired,
    ];

    /// The stable snake_case code stored in the call record's `hangup_cause`.
    pub fn as_str(self) -> &'static str {
        match self {
            HangupCause::CallerHungUp => "caller_hung_up",
            HangupCause::IssuerHungUp => "issuer_hung_up",
            HangupCause::IssuerDeclined => "issuer_declined",
            HangupCause::IssuerDidNotAnswer => "issuer_did_not_answer",
            HangupCause::IssuerBusy => "issuer_busy",
            HangupCause::CallerBusy => "caller_busy",
            HangupCause::CallerDidNotAnswer => "caller_did_not_answer",
            HangupCause::TrunkError { .. } => "trunk_error",
            HangupCause::Refused { .. } => "refused",
            HangupCause::GuildExhausted => "guild_exhausted",
            HangupCause::CallLimit => "call_limit",
            HangupCause::DailyCap => "daily_cap",
            HangupCause::MeteringLapsed => "metering_lapsed",
            HangupCause::MediaFailed => "media_failed",
            HangupCause::SessionExpired => "session_expired",
        }
    }

    /// The cause of a final SIP response to the INVITE toward the issuer.
    pub fn from_sip_status(status: u16) -> HangupCause {
        match status {
            486 | 600 => HangupCause::IssuerBusy,
            408 | 480 => HangupCause::IssuerDidNotAnswer,
            603 => HangupCause::IssuerDeclined,
            status => HangupCause::TrunkError { status },
        }
    }

    /// The cause of a final SIP response to the INVITE toward a callback's caller.
    pub fn from_caller_sip_status(status: u16) -> HangupCause {
        match status {
            486 | 600 | 603 => HangupCause::CallerBusy,
            408 | 480 => HangupCause::CallerDidNotAnswer,
            status => HangupCause::TrunkError { status },
        }
    }

    /// The SIP status that describes a failed set-up (for the record's SIP cause and for
    /// rejecting a SIP caller); `None` for endings that are not a failed INVITE.
    pub fn sip_status(self) -> Option<u16> {
        match self {
            HangupCause::IssuerBusy | HangupCause::CallerBusy => Some(486),
            HangupCause::IssuerDidNotAnswer | HangupCause::CallerDidNotAnswer => Some(480),
            HangupCause::IssuerDeclined => Some(603),
            HangupCause::TrunkError { status } => Some(status),
            HangupCause::Refused { .. } => Some(403),
            HangupCause::CallerHungUp
            | HangupCause::IssuerHungUp
            | HangupCause::GuildExhausted
            | HangupCause::CallLimit
            | HangupCause::DailyCap
            | HangupCause::MeteringLapsed
            | HangupCause::MediaFailed
            | HangupCause::SessionExpired => None,
        }
    }
}

/// A stored code that names no cause or outcome (reading a record back never guesses).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code `{0}`")]
pub struct UnknownCode(pub String);

impl std::str::FromStr for HangupCause {
    type Err = UnknownCode;

    /// Reads back what [`Display`](std::fmt::Display) wrote: `trunk_error:503`, `refused:no_trunk`…
    fn from_str(code: &str) -> Result<Self, UnknownCode> {
        let unknown = || UnknownCode(code.to_owned());
        if let Some(status) = code.strip_prefix("trunk_error:") {
            let status = status.parse().map_err(|_| unknown())?;
            return Ok(HangupCause::TrunkError { status });
        }
        if let Some(reason) = code.strip_prefix("refused:") {
            let reason = reason.parse().map_err(|_| unknown())?;
            return Ok(HangupCause::Refused { reason });
        }
        Ok(match code {
            "caller_hung_up" => HangupCause::CallerHungUp,
            "issuer_hung_up" => HangupCause::IssuerHungUp,
            "issuer_declined" => HangupCause::IssuerDeclined,
            "issuer_did_not_answer" => HangupCause::IssuerDidNotAnswer,
            "issuer_busy" => HangupCause::IssuerBusy,
            "caller_busy" => HangupCause::CallerBusy,
            "caller_did_not_answer" => HangupCause::CallerDidNotAnswer,
            "guild_exhausted" => HangupCause::GuildExhausted,
            "call_limit" => HangupCause::CallLimit,
            "daily_cap" => HangupCause::DailyCap,
            "metering_lapsed" => HangupCause::MeteringLapsed,
            "media_failed" => HangupCause::MediaFailed,
            "session_expired" => HangupCause::SessionExpired,
            _ => return Err(unknown()),
        })
    }
}

/// What a call came to, for its record: the outcome column beside the [`HangupCause`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallOutcome {
    /// The issuer accepted and the parties talked, however it ended.
    Answered,
    Busy,
    NoAnswer,
    Declined,
    Refused,
    /// The caller left before anybody answered.
    Abandoned,
    /// Anything else that ended an unanswered call (trunk error, media, money).
    Failed,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 7] = [
        CallOutcome::Answered,
        CallOutcome::Busy,
        CallOutcome::NoAnswer,
        CallOutcome::Declined,
        CallOutcome::Refused,
        CallOutcome::Abandoned,
        CallOutcome::Failed,
    ];

    /// The outcome of a call that ended with `cause`, answered or not.
    pub fn of(answered: bool, cause: HangupCause) -> CallOutcome {
        if answered {
            return CallOutcome::Answered;
        }
        match cause {
            HangupCause::IssuerBusy | HangupCause::CallerBusy => CallOutcome::Busy,
            HangupCause::IssuerDidNotAnswer | HangupCause::CallerDidNotAnswer => {
                CallOutcome::NoAnswer
            }
            HangupCause::IssuerDeclined => CallOutcome::Declined,
            HangupCause::Refused { .. } => CallOutcome::Refused,
            HangupCause::CallerHungUp => CallOutcome::Abandoned,
            HangupCause::IssuerHungUp
            | HangupCause::TrunkError { .. }
            | HangupCause::GuildExhausted
            | HangupCause::CallLimit
            | HangupCause::DailyCap
            | HangupCause::MeteringLapsed
            | HangupCause::MediaFailed
            | HangupCause::SessionExpired => CallOutcome::Failed,
        }
    }

    /// The stable code stored in the record's `outcome`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Answered => "answered",
            CallOutcome::Busy => "busy",
            CallOutcome::NoAnswer => "no_answer",
            CallOutcome::Declined => "declined",
            CallOutcome::Refused => "refused",
            CallOutcome::Abandoned => "abandoned",
            CallOutcome::Failed => "failed",
        }
    }
}

impl std::fmt::Display for CallOutcome {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl std::str::FromStr for CallOutcome {
    type Err = UnknownCode;

    fn from_str(code: &str) -> Result<Self, UnknownCode> {
        CallOutcome::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == code)
            .ok_or_else(|| UnknownCode(code.to_owned()))
    }
}

impl std::fmt::Display for HangupCause {
    /// The code, with the detail that the code alone loses (`trunk_error:503`,
    /// `refused:no_trunk`).
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HangupCause::TrunkError { status } => write!(formatter, "trunk_error:{status}"),
            HangupCause::Refused { reason } => write!(formatter, "refused:{}", reason.as_str()),
            other => formatter.write_str(other.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sip_failures_map_to_causes() {
        assert_eq!(HangupCause::from_sip_status(486), HangupCause::IssuerBusy);
        assert_eq!(HangupCause::from_sip_status(600), HangupCause::IssuerBusy);
        assert_eq!(
            HangupCause::from_sip_status(480),
            HangupCause::IssuerDidNotAnswer
        );
        assert_eq!(
            HangupCause::from_sip_status(408),
            HangupCause::IssuerDidNotAnswer
        );
        assert_eq!(
            HangupCause::from_sip_status(603),
            HangupCause::IssuerDeclined
        );
        assert_eq!(
            HangupCause::from_sip_status(503),
            HangupCause::TrunkError { status: 503 }
        );
    }

    #[test]
    fn a_callback_callers_failures_are_their_own() {
        for (status, cause) in [
            (486, HangupCause::CallerBusy),
            (603, HangupCause::CallerBusy),
            (480, HangupCause::CallerDidNotAnswer),
            (408, HangupCause::CallerDidNotAnswer),
            (503, HangupCause::TrunkError { status: 503 }),
        ] {
            assert_eq!(HangupCause::from_caller_sip_status(status), cause);
        }
        assert_eq!(
            CallOutcome::of(false, HangupCause::CallerDidNotAnswer),
            CallOutcome::NoAnswer
        );
    }

    #[test]
    fn failed_setups_map_back_to_a_sip_status() {
        for status in [486, 480, 603, 503, 404] {
            let cause = HangupCause::from_sip_status(status);
            let back = cause.sip_status().expect("a failed set-up has a status");
            assert_eq!(HangupCause::from_sip_status(back), cause);
        }
        assert_eq!(HangupCause::GuildExhausted.sip_status(), None);
        assert_eq!(HangupCause::CallerHungUp.sip_status(), None);
    }

    #[test]
    fn codes_are_stable_snake_case_and_display_keeps_the_detail() {
        assert_eq!(
            HangupCause::IssuerDidNotAnswer.as_str(),
            "issuer_did_not_answer"
        );
        assert_eq!(
            HangupCause::TrunkError { status: 503 }.as_str(),
            "trunk_error"
        );
        assert_eq!(
            HangupCause::TrunkError { status: 503 }.to_string(),
            "trunk_error:503"
        );
        assert_eq!(
            HangupCause::Refused {
                reason: Refusal::NoTrunk
            }
            .to_string(),
            "refused:no_trunk"
        );
        assert_eq!(HangupCause::GuildExhausted.to_string(), "guild_exhausted");
        let all = HangupCause::ONE_OF_EACH;
        let codes: std::collections::HashSet<_> = all.iter().map(|cause| cause.as_str()).collect();
        assert_eq!(codes.len(), all.len(), "codes are distinct");
        assert!(
            codes
                .iter()
                .all(|code| code.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        );
    }

    #[test]
    fn every_cause_reads_back_from_what_it_stores() {
        for cause in HangupCause::ONE_OF_EACH {
            assert_eq!(cause.to_string().parse::<HangupCause>(), Ok(cause));
        }
        for unknown in [
            "",
            "busy",
            "trunk_error:",
            "trunk_error:x",
            "refused:",
            "refused:nope",
        ] {
            assert!(unknown.parse::<HangupCause>().is_err(), "{unknown:?}");
        }
    }

    #[test]
    fn outcome_is_answered_whenever_the_call_was_answered() {
        for cause in HangupCause::ONE_OF_EACH {
            assert_eq!(CallOutcome::of(true, cause), CallOutcome::Answered);
        }
        assert_eq!(
            CallOutcome::of(false, HangupCause::IssuerBusy),
            CallOutcome::Busy
        );
        assert_eq!(
            CallOutcome::of(false, HangupCause::CallerHungUp),
            CallOutcome::Abandoned
        );
        assert_eq!(
            CallOutcome::of(false, HangupCause::TrunkError { status: 503 }),
            CallOutcome::Failed
        );
        for outcome in CallOutcome::ALL {
            assert_eq!(outcome.as_str().parse::<CallOutcome>(), Ok(outcome));
        }
        assert!("refused:no_rate".parse::<CallOutcome>().is_err());
    }
}
