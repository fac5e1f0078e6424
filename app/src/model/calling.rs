//! Wire types of browser calling (docs/CALLING.md): starting a call from a card, the events
//! that tell the caller's page how the call goes, and the issuer's browser line ("internet
//! phone"): the events that ring it and the answer it gives.

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

/// `POST /api/cards/{slug}/callbacks` (issue 10): the number to call back, as typed, with its
/// extension if any (`010-1234-5678`, `02-556-1234 ext. 235`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StartCallback {
    pub number: String,
    pub lang: Lang,
}

/// `202 Accepted` of `POST /api/cards/{slug}/callbacks`: the call is under way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallbackStarted {
    /// Opaque token naming the call in `/api/calls/live/{call}/…`.
    pub call: String,
    /// How the number was understood, in the page's language.
    pub understood: String,
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
    /// A callback: the issuer accepted, and the caller's phone is being called.
    CallingCaller,
    /// A callback: the caller's phone rings (the page can no longer cancel).
    CallerRinging,
    /// `covered_secs`: talk time paid for so far, counted from this event. `available_secs`:
    /// how long the call may last from this event — the card's per-call limit or what the
    /// Guild covers, whichever is less; an estimate renewed as the call goes on, absent until
    /// known (R11 ¶60).
    Connected {
        covered_secs: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        available_secs: Option<u32>,
    },
    /// More talk time: `covered_secs` and `available_secs` counted from this event.
    Extended {
        covered_secs: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        available_secs: Option<u32>,
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

/// One `data:` line of `GET /api/issuer/calls/events` (the issuer's browser line), tagged by
/// `"state"`. The open stream is the issuer's availability; several tabs may listen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LineEvent {
    /// Sent first: calls to the issuer's cards ring this stream now.
    Available,
    /// A call rings; `call` is the token of `/api/issuer/calls/{call}/…`.
    Incoming {
        call: String,
        card_slug: String,
        card_name: String,
        /// A callback: the number that asks to be called back, as the issuer reads it
        /// (`+82 2-556-1234`); absent for a caller in a browser.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caller: Option<String>,
    },
    /// The call stopped ringing: the caller hung up, the ring timed out, or a tab took it.
    Gone { call: String },
    /// A state this page does not know yet: ignored, so the server may add some.
    #[serde(other)]
    Unknown,
}

impl LineEvent {
    /// Reads one event's JSON; `None` for anything that is not an event object.
    pub fn parse(json: &str) -> Option<LineEvent> {
        serde_json::from_str(json).ok()
    }
}

/// `POST /api/issuer/calls/{call}/accept`: the dashboard's offer, after ICE gathering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AcceptCall {
    pub offer_sdp: String,
}

/// `200` of `POST /api/issuer/calls/{call}/accept`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallAccepted {
    pub answer_sdp: String,
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
            Some(CallEvent::Connected {
                covered_secs: 70,
                available_secs: None
            })
        );
        assert_eq!(
            CallEvent::parse(r#"{"state":"extended","covered_secs":130}"#),
            Some(CallEvent::Extended {
                covered_secs: 130,
                available_secs: None
            })
        );
        assert_eq!(
            CallEvent::parse(r#"{"state":"extended","covered_secs":60,"available_secs":3540}"#),
            Some(CallEvent::Extended {
                covered_secs: 60,
                available_secs: Some(3_540)
            })
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

    #[test]
    fn line_events_parse_by_their_state() {
        assert_eq!(
            LineEvent::parse(r#"{"state":"available"}"#),
            Some(LineEvent::Available)
        );
        assert_eq!(
            LineEvent::parse(
                r#"{"state":"incoming","call":"tok","card_slug":"ada","card_name":"Ada Lovelace"}"#
            ),
            Some(LineEvent::Incoming {
                call: "tok".into(),
                card_slug: "ada".into(),
                card_name: "Ada Lovelace".into(),
                caller: None,
            })
        );
        assert_eq!(
            LineEvent::parse(r#"{"state":"gone","call":"tok"}"#),
            Some(LineEvent::Gone { call: "tok".into() })
        );
        assert_eq!(
            LineEvent::parse(r#"{"state":"paused","until":"later"}"#),
            Some(LineEvent::Unknown)
        );
        assert_eq!(LineEvent::parse(r#"{"state":"gone"}"#), None);
        assert_eq!(LineEvent::parse("ping"), None);
    }

    #[test]
    fn line_events_serialize_as_the_contract_says() {
        let incoming = LineEvent::Incoming {
            call: "tok".into(),
            card_slug: "ada".into(),
            card_name: "Ada".into(),
            caller: None,
        };
        assert_eq!(
            serde_json::to_value(incoming).unwrap(),
            serde_json::json!({"state": "incoming", "call": "tok", "card_slug": "ada", "card_name": "Ada"})
        );
        let callback = LineEvent::Incoming {
            call: "tok".into(),
            card_slug: "ada".into(),
            card_name: "Ada".into(),
            caller: Some("+82 2-556-1234".into()),
        };
        assert_eq!(
            serde_json::to_value(&callback).unwrap()["caller"],
            "+82 2-556-1234"
        );
        assert_eq!(
            serde_json::to_value(LineEvent::Available).unwrap(),
            serde_json::json!({"state": "available"})
        );
        let accept = serde_json::to_value(AcceptCall {
            offer_sdp: "v=0".into(),
        })
        .unwrap();
        assert_eq!(accept, serde_json::json!({"offer_sdp": "v=0"}));
        let accepted: CallAccepted = serde_json::from_str(r#"{"answer_sdp":"v=0"}"#).unwrap();
        assert_eq!(accepted.answer_sdp, "v=0");
    }
}

/// The call window's "Call me back" form as the server renders it: the number as typed and,
/// after a refused post without JavaScript, why it was refused (in the page's language).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackForm {
    pub number: String,
    pub error: Option<String>,
}

/// `/c/{slug}/callback/{call}`: where a callback asked for without JavaScript is followed. The
/// page refreshes itself until the call has ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackStatusView {
    pub slug: String,
    pub card_name: String,
    pub lang: Lang,
    /// The call's token, for the cancel form.
    pub call: String,
    /// The number being called back, as understood, in the page's language (while the call is
    /// known here).
    pub understood: Option<String>,
    /// The call's latest step; `None` once the call is no longer known here (ended a while
    /// ago, or never started).
    pub latest: Option<CallEvent>,
}
