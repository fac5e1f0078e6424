//! Wire types of browser calling (docs/CALLING.md): starting a call from a card, and the events
//! that tell the caller's page how the call goes.

use serde::{Deserialize, Serialize};

use super::Lang;

/// `POST /api/cards/{slug}/calls`: the page's offer, with its ICE candidates gathered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StartCall {
    pub offer_sdp: String,
    pub lang: Lang,
}

/// `201 Created` of `POST /api/cards/{slug}/calls`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallStarted {
    /// Opaque token naming the call in `/api/calls/live/{call}/…`.
    pub call: String,
    pub answer_sdp: String,
}

/// A STUN or TURN server for the page's peer connection. None are needed while the bridge is
/// reachable directly; the server can hand some to the call window when it is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub credential: Option<String>,
}

/// One `data:` line of `GET /api/calls/live/{call}/events`, tagged by `"state"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CallEvent {
    Authorizing,
    Calling,
    Ringing,
    /// The issuer answered and heard the prompt; the caller waits for their `1`.
    WaitingForIssuer,
    /// `covered_secs`: talk time paid for so far, counted from this event.
    Connected {
        covered_secs: u32,
    },
    /// More talk time: `covered_secs` counted from this event.
    Extended {
        covered_secs: u32,
    },
    Warning {
        ends_in_secs: u32,
    },
    /// `cause` is a stable code (`issuer_busy`, `refused:outside_hours`, …); `message` says it
    /// in the call's language.
    Ended {
        cause: String,
        #[serde(default)]
        message: String,
    },
    /// A state this page does not know yet: ignored, so the server may add steps.
    #[serde(other)]
    Unknown,
}

impl CallEvent {
    /// Reads one event's JSON; `None` for anything that is not an event object.
    pub fn parse(json: &str) -> Option<CallEvent> {
        serde_json::from_str(json).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_parse_by_their_state() {
        assert_eq!(
            CallEvent::parse(r#"{"state":"authorizing"}"#),
            Some(CallEvent::Authorizing)
        );
        assert_eq!(
            CallEvent::parse(r#"{"state":"waiting_for_issuer"}"#),
            Some(CallEvent::WaitingForIssuer)
        );
        assert_eq!(
            CallEvent::parse(r#"{"state":"connected","covered_secs":70}"#),
            Some(CallEvent::Connected { covered_secs: 70 })
        );
        assert_eq!(
            CallEvent::parse(r#"{"state":"extended","covered_secs":130}"#),
            Some(CallEvent::Extended { covered_secs: 130 })
        );
        assert_eq!(
            CallEvent::parse(r#"{"state":"warning","ends_in_secs":30}"#),
            Some(CallEvent::Warning { ends_in_secs: 30 })
        );
        assert_eq!(
            CallEvent::parse(
                r#"{"state":"ended","cause":"refused:outside_hours","message":"Outside hours"}"#
            ),
            Some(CallEvent::Ended {
                cause: "refused:outside_hours".into(),
                message: "Outside hours".into()
            })
        );
    }

    #[test]
    fn unknown_states_and_extra_fields_are_tolerated() {
        assert_eq!(
            CallEvent::parse(r#"{"state":"transferring","to":"x"}"#),
            Some(CallEvent::Unknown)
        );
        assert_eq!(
            CallEvent::parse(r#"{"state":"ringing","since":"now"}"#),
            Some(CallEvent::Ringing)
        );
        assert_eq!(
            CallEvent::parse(r#"{"state":"ended","cause":"issuer_busy"}"#),
            Some(CallEvent::Ended {
                cause: "issuer_busy".into(),
                message: String::new()
            })
        );
    }

    #[test]
    fn malformed_events_are_rejected() {
        assert_eq!(CallEvent::parse("not json"), None);
        assert_eq!(CallEvent::parse(r#"{"covered_secs":5}"#), None);
        assert_eq!(CallEvent::parse(r#"{"state":"connected"}"#), None);
    }

    #[test]
    fn the_start_request_is_the_contract_s_json() {
        let body = serde_json::to_value(StartCall {
            offer_sdp: "v=0".into(),
            lang: Lang::Ja,
        })
        .unwrap();
        assert_eq!(body, serde_json::json!({"offer_sdp": "v=0", "lang": "ja"}));
        let started: CallStarted =
            serde_json::from_str(r#"{"call":"tok","answer_sdp":"v=0"}"#).unwrap();
        assert_eq!(started.call, "tok");
    }
}
