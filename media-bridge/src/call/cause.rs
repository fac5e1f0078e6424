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
    /// Any other failure of the trunk leg before the answer, with its SIP status.
    TrunkError { status: u16 },
    /// The Guild engine did not let the call start.
    Refused { reason: Refusal },
    /// The money ran out: the last interval's covered time was reached.
    GuildExhausted,
    /// The card's longest call (`max_call_minutes`) was reached, though the Guild could pay on.
    CallLimit,
    /// The covered time was reached while an extension was still unanswered: the engine was
    /// too slow, so the call ends rather than run on unpaid time.
    MeteringLapsed,
    /// A leg's media could not be set up or was lost (ICE failed, RTP timeout).
    MediaFailed,
}

impl HangupCause {
    /// The stable snake_case code stored in the call record's `hangup_cause`.
    pub fn as_str(self) -> &'static str {
        match self {
            HangupCause::CallerHungUp => "caller_hung_up",
            HangupCause::IssuerHungUp => "issuer_hung_up",
            HangupCause::IssuerDeclined => "issuer_declined",
            HangupCause::IssuerDidNotAnswer => "issuer_did_not_answer",
            HangupCause::IssuerBusy => "issuer_busy",
            HangupCause::TrunkError { .. } => "trunk_error",
            HangupCause::Refused { .. } => "refused",
            HangupCause::GuildExhausted => "guild_exhausted",
            HangupCause::CallLimit => "call_limit",
            HangupCause::MeteringLapsed => "metering_lapsed",
            HangupCause::MediaFailed => "media_failed",
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

    /// The SIP status that describes a failed set-up (for the record's SIP cause and for
    /// rejecting a SIP caller); `None` for endings that are not a failed INVITE.
    pub fn sip_status(self) -> Option<u16> {
        match self {
            HangupCause::IssuerBusy => Some(486),
            HangupCause::IssuerDidNotAnswer => Some(480),
            HangupCause::IssuerDeclined => Some(603),
            HangupCause::TrunkError { status } => Some(status),
            HangupCause::Refused { .. } => Some(403),
            HangupCause::CallerHungUp
            | HangupCause::IssuerHungUp
            | HangupCause::GuildExhausted
            | HangupCause::CallLimit
            | HangupCause::MeteringLapsed
            | HangupCause::MediaFailed => None,
        }
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
        let all = [
            HangupCause::CallerHungUp,
            HangupCause::IssuerHungUp,
            HangupCause::IssuerDeclined,
            HangupCause::IssuerDidNotAnswer,
            HangupCause::IssuerBusy,
            HangupCause::TrunkError { status: 500 },
            HangupCause::Refused {
                reason: Refusal::OutsideHours,
            },
            HangupCause::GuildExhausted,
            HangupCause::MeteringLapsed,
            HangupCause::MediaFailed,
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(|cause| cause.as_str()).collect();
        assert_eq!(codes.len(), all.len(), "codes are distinct");
        assert!(
            codes
                .iter()
                .all(|code| code.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        );
    }
}
