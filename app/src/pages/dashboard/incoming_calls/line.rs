//! The issuer's browser line as plain data: what the dashboard shows, from the line's events
//! (docs/CALLING.md, "Issuer's browser"), the buttons pressed and the peer connection's state.
//!
//! The life of the line: `Off` → (switched on) waiting, first "opening", then "available" after
//! the server's `available` → `incoming` rings (several calls may ring; `gone` silences one) →
//! Accept → connecting (microphone, offer, `POST …/accept`, answer) → connected once the peer
//! connection is → ended (hang-up, the connection closed or failed, or disconnected for more than
//! [`DISCONNECTED_GRACE_MS`]) → after [`ENDED_SHOWN_MS`] back to waiting. Switching off leaves
//! everything from any state. One call at a time: calls that ring during one wait out of sight.
//!
//! Nothing here reads a clock or touches the browser: the island feeds events and "now"
//! (milliseconds) in, and renders what comes out. Repeated events (a reconnected stream sends
//! `available` and the ringing calls again) change nothing the first did not.

use crate::i18n::{LineText, call_text};
use crate::model::calling::LineEvent;

/// How long a `disconnected` peer connection may take to come back before the call is over.
pub const DISCONNECTED_GRACE_MS: u64 = 2_000;
/// How long "Call ended" shows before the line reads as waiting again.
pub const ENDED_SHOWN_MS: u64 = 5_000;

/// The island root's `data-line-state`: stable, for styles and browser tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineState {
    Off,
    Waiting,
    Ringing,
    Connecting,
    Connected,
    Ended,
}

impl LineState {
    pub fn code(self) -> &'static str {
        match self {
            LineState::Off => "off",
            LineState::Waiting => "waiting",
            LineState::Ringing => "ringing",
            LineState::Connecting => "connecting",
            LineState::Connected => "connected",
            LineState::Ended => "ended",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listening {
    Off,
    /// Switched on; the stream has not said `available` yet.
    Opening,
    Available,
}

/// A call ringing this line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RingingCall {
    pub call: String,
    pub card_slug: String,
    pub card_name: String,
    /// A callback's number: accepting calls it.
    pub caller: Option<String>,
}

/// The call this line took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveCall {
    pub call: String,
    pub card_name: String,
    /// When the peer connection first connected; `None` while connecting.
    connected_at_ms: Option<u64>,
    disconnected_since_ms: Option<u64>,
}

/// The peer connection's `connectionState`, as far as the line cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerState {
    Connecting,
    Connected,
    /// May come back by itself; the call ends if it does not within the grace time.
    Disconnected,
    /// `failed` or `closed`: the bridge ended the call, or the media never flowed.
    Closed,
}

impl PeerState {
    pub fn parse(state: &str) -> PeerState {
        match state {
            "connected" => PeerState::Connected,
            "disconnected" => PeerState::Disconnected,
            "failed" | "closed" => PeerState::Closed,
            _ => PeerState::Connecting,
        }
    }
}

/// Why accepting a call did not connect it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptFailure {
    /// `404`: the caller hung up or the ring timed out.
    NoLongerRinging,
    /// `409`: another tab accepted first.
    TakenElsewhere,
    /// The microphone's end cause, as the call window names it (`microphone_refused`, …).
    Microphone(&'static str),
    Failed,
}

impl AcceptFailure {
    /// The failure for an answer of `POST …/accept` other than `200`.
    pub fn from_status(status: u16) -> AcceptFailure {
        match status {
            404 => AcceptFailure::NoLongerRinging,
            409 => AcceptFailure::TakenElsewhere,
            _ => AcceptFailure::Failed,
        }
    }
}

/// A message that stays under the status line until the next call or switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Accept(AcceptFailure),
    /// The event stream closed for good (signed out, or the server went away).
    LineLost,
}

impl Notice {
    pub fn message(self, text: &LineText) -> &'static str {
        match self {
            Notice::Accept(AcceptFailure::NoLongerRinging) => text.no_longer_ringing,
            Notice::Accept(AcceptFailure::TakenElsewhere) => text.taken_elsewhere,
            Notice::Accept(AcceptFailure::Microphone(cause)) => call_text(text.lang).refusal(cause),
            Notice::Accept(AcceptFailure::Failed) => text.accept_failed,
            Notice::LineLost => text.line_lost,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    listening: Listening,
    /// Oldest first.
    pub ringing: Vec<RingingCall>,
    pub call: Option<ActiveCall>,
    ended_at_ms: Option<u64>,
    pub notice: Option<Notice>,
}

impl Default for Line {
    fn default() -> Self {
        Line {
            listening: Listening::Off,
            ringing: Vec::new(),
            call: None,
            ended_at_ms: None,
            notice: None,
        }
    }
}

impl Line {
    pub fn state(&self) -> LineState {
        match (&self.listening, &self.call) {
            (Listening::Off, _) => LineState::Off,
            (_, Some(call)) if call.connected_at_ms.is_some() => LineState::Connected,
            (_, Some(_)) => LineState::Connecting,
            _ if !self.ringing.is_empty() => LineState::Ringing,
            _ if self.ended_at_ms.is_some() => LineState::Ended,
            _ => LineState::Waiting,
        }
    }

    pub fn is_on(&self) -> bool {
        self.listening != Listening::Off
    }

    /// The call this line has taken (accepting or talking).
    pub fn active_call(&self) -> Option<&str> {
        self.call.as_ref().map(|call| call.call.as_str())
    }

    /// The calls to show as ringing: none while a call is taken.
    pub fn ringing_shown(&self) -> Vec<RingingCall> {
        if self.call.is_some() {
            Vec::new()
        } else {
            self.ringing.clone()
        }
    }

    /// The toggle switched on: the page opens the event stream.
    pub fn switch_on(&mut self) {
        if self.listening == Listening::Off {
            *self = Line {
                listening: Listening::Opening,
                ..Line::default()
            };
        }
    }

    /// The toggle switched off: everything is forgotten. Returns the call to hang up, if any.
    pub fn switch_off(&mut self) -> Option<String> {
        let call = self.call.take().map(|call| call.call);
        *self = Line::default();
        call
    }

    /// The stream closed for good: the line is off, and says why.
    pub fn lose(&mut self) -> Option<String> {
        let call = self.switch_off();
        self.notice = Some(Notice::LineLost);
        call
    }

    pub fn apply(&mut self, event: LineEvent) {
        if self.listening == Listening::Off {
            return;
        }
        match event {
            LineEvent::Available => self.listening = Listening::Available,
            LineEvent::Incoming {
                call,
                card_slug,
                card_name,
                caller,
            } => {
                let known = self.active_call() == Some(call.as_str())
                    || self.ringing.iter().any(|ringing| ringing.call == call);
                if !known {
                    self.ringing.push(RingingCall {
                        call,
                        card_slug,
                        card_name,
                        caller,
                    });
                }
            }
            // `gone` for the call this tab took only means it stopped ringing: its end comes
            // from the peer connection.
            LineEvent::Gone { call } => self.ringing.retain(|ringing| ringing.call != call),
            LineEvent::Unknown => {}
        }
    }

    /// Accept pressed: the call leaves the ringing list and becomes this line's call. `false`
    /// (nothing to do) when it no longer rings or a call is already taken.
    pub fn accept(&mut self, call: &str) -> bool {
        if self.call.is_some() || !self.is_on() {
            return false;
        }
        let Some(index) = self.ringing.iter().position(|ringing| ringing.call == call) else {
            return false;
        };
        let ringing = self.ringing.remove(index);
        self.call = Some(ActiveCall {
            call: ringing.call,
            card_name: ringing.card_name,
            connected_at_ms: None,
            disconnected_since_ms: None,
        });
        self.ended_at_ms = None;
        self.notice = None;
        true
    }

    /// Accepting `call` failed: back to waiting (or to the other calls ringing), with the reason.
    pub fn accept_failed(&mut self, call: &str, failure: AcceptFailure) {
        if self.active_call() == Some(call) {
            self.call = None;
            self.notice = Some(Notice::Accept(failure));
        }
    }

    /// Decline pressed. `true` when the call was ringing (the page then tells the server).
    pub fn decline(&mut self, call: &str) -> bool {
        let before = self.ringing.len();
        self.ringing.retain(|ringing| ringing.call != call);
        self.ringing.len() != before
    }

    /// Hang up pressed. Returns the call to hang up, if one was taken.
    pub fn hang_up(&mut self, now_ms: u64) -> Option<String> {
        let call = self.call.as_ref()?.call.clone();
        self.end(now_ms);
        Some(call)
    }

    /// The peer connection of `call` changed state at `now_ms`.
    pub fn peer_changed(&mut self, call: &str, state: PeerState, now_ms: u64) {
        let Some(active) = self.call.as_mut().filter(|active| active.call == call) else {
            return;
        };
        match state {
            PeerState::Connecting => {}
            PeerState::Connected => {
                active.connected_at_ms.get_or_insert(now_ms);
                active.disconnected_since_ms = None;
            }
            PeerState::Disconnected => {
                active.disconnected_since_ms.get_or_insert(now_ms);
            }
            PeerState::Closed => self.end(now_ms),
        }
    }

    /// Time passes: a connection disconnected too long ends the call, and "Call ended" gives
    /// way to waiting. `true` when something changed.
    pub fn tick(&mut self, now_ms: u64) -> bool {
        let lost = self
            .call
            .as_ref()
            .and_then(|call| call.disconnected_since_ms)
            .is_some_and(|since| now_ms.saturating_sub(since) > DISCONNECTED_GRACE_MS);
        if lost {
            self.end(now_ms);
            return true;
        }
        if self
            .ended_at_ms
            .is_some_and(|at| now_ms.saturating_sub(at) >= ENDED_SHOWN_MS)
        {
            self.ended_at_ms = None;
            return true;
        }
        false
    }

    /// Seconds since the call connected, while it is connected.
    pub fn talk_secs(&self, now_ms: u64) -> Option<u64> {
        let connected_at = self.call.as_ref()?.connected_at_ms?;
        Some(now_ms.saturating_sub(connected_at) / 1000)
    }

    /// The status line (`role="status"`).
    pub fn status(&self, text: &LineText) -> &'static str {
        match self.state() {
            LineState::Off => text.off,
            LineState::Waiting | LineState::Ringing if self.listening == Listening::Opening => {
                text.opening
            }
            LineState::Waiting | LineState::Ringing => text.available,
            LineState::Connecting => text.connecting,
            LineState::Connected => text.connected,
            LineState::Ended => text.ended,
        }
    }

    fn end(&mut self, now_ms: u64) {
        self.call = None;
        self.ended_at_ms = Some(now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::line_text;
    use crate::model::Lang;

    fn incoming(call: &str, card_name: &str) -> LineEvent {
        LineEvent::Incoming {
            call: call.into(),
            card_slug: "ada".into(),
            card_name: card_name.into(),
            caller: None,
        }
    }

    #[test]
    fn a_callback_rings_with_the_number_that_asked() {
        let mut line = available();
        line.apply(LineEvent::Incoming {
            call: "c1".into(),
            card_slug: "ada".into(),
            card_name: "Ada".into(),
            caller: Some("+82 2-556-1234".into()),
        });
        assert_eq!(
            line.ringing_shown()[0].caller.as_deref(),
            Some("+82 2-556-1234")
        );
        assert_eq!(
            line_text(Lang::En).callback_from("+82 2-556-1234"),
            "+82 2-556-1234 asks to be called back. Accept, and we call them for you."
        );
    }

    fn available() -> Line {
        let mut line = Line::default();
        line.switch_on();
        line.apply(LineEvent::Available);
        line
    }

    fn talking(call: &str) -> Line {
        let mut line = available();
        line.apply(incoming(call, "Ada"));
        assert!(line.accept(call));
        line.peer_changed(call, PeerState::Connected, 10_000);
        line
    }

    #[test]
    fn the_line_opens_then_says_calls_ring_here() {
        let text = line_text(Lang::En);
        let mut line = Line::default();
        assert_eq!(line.state(), LineState::Off);
        line.apply(LineEvent::Available);
        assert_eq!(line.state(), LineState::Off, "events do not switch it on");
        line.switch_on();
        assert_eq!(line.state(), LineState::Waiting);
        assert_eq!(line.status(text), text.opening);
        line.apply(LineEvent::Available);
        assert_eq!(line.status(text), "Calls to your cards ring here");
    }

    #[test]
    fn a_call_rings_until_it_is_gone() {
        let mut line = available();
        line.apply(incoming("c1", "Ada"));
        line.apply(incoming("c1", "Ada"));
        line.apply(incoming("c2", "Bob"));
        assert_eq!(line.state(), LineState::Ringing);
        assert_eq!(line.ringing.len(), 2, "a repeated incoming rings once");
        line.apply(LineEvent::Gone { call: "c1".into() });
        line.apply(LineEvent::Unknown);
        assert_eq!(line.ringing_shown()[0].card_name, "Bob");
        line.apply(LineEvent::Gone { call: "c2".into() });
        assert_eq!(line.state(), LineState::Waiting);
    }

    #[test]
    fn an_accepted_call_connects_and_its_clock_runs() {
        let mut line = available();
        line.apply(incoming("c1", "Ada"));
        assert!(line.accept("c1"));
        assert!(!line.accept("c1"), "accepted once");
        assert_eq!(line.state(), LineState::Connecting);
        assert_eq!(line.talk_secs(5_000), None);
        line.apply(LineEvent::Gone { call: "c1".into() });
        assert_eq!(line.state(), LineState::Connecting, "gone is not the end");
        line.peer_changed("c1", PeerState::Connected, 10_000);
        assert_eq!(line.state(), LineState::Connected);
        assert_eq!(line.talk_secs(85_900), Some(75));
        line.peer_changed("c1", PeerState::Connected, 20_000);
        assert_eq!(
            line.talk_secs(85_900),
            Some(75),
            "the clock keeps its start"
        );
    }

    #[test]
    fn calls_ringing_during_a_call_wait_out_of_sight() {
        let mut line = talking("c1");
        line.apply(incoming("c2", "Bob"));
        assert_eq!(line.state(), LineState::Connected);
        assert!(line.ringing_shown().is_empty());
        assert!(!line.accept("c2"), "one call at a time");
        line.peer_changed("c1", PeerState::Closed, 20_000);
        assert_eq!(line.state(), LineState::Ringing);
    }

    #[test]
    fn a_closed_connection_ends_the_call_and_the_line_waits_again() {
        let text = line_text(Lang::En);
        let mut line = talking("c1");
        line.peer_changed("other", PeerState::Closed, 11_000);
        assert_eq!(line.state(), LineState::Connected, "another call's state");
        line.peer_changed("c1", PeerState::Closed, 20_000);
        assert_eq!(line.state(), LineState::Ended);
        assert_eq!(line.status(text), "Call ended");
        assert_eq!(line.active_call(), None);
        assert!(!line.tick(20_000 + ENDED_SHOWN_MS - 1));
        assert!(line.tick(20_000 + ENDED_SHOWN_MS));
        assert_eq!(line.state(), LineState::Waiting);
    }

    #[test]
    fn a_short_disconnection_is_forgiven_a_long_one_ends_the_call() {
        let mut line = talking("c1");
        line.peer_changed("c1", PeerState::Disconnected, 20_000);
        assert!(!line.tick(20_000 + DISCONNECTED_GRACE_MS));
        line.peer_changed("c1", PeerState::Connected, 21_000);
        assert!(!line.tick(30_000));
        assert_eq!(line.state(), LineState::Connected);
        line.peer_changed("c1", PeerState::Disconnected, 40_000);
        line.peer_changed("c1", PeerState::Disconnected, 41_000);
        assert!(line.tick(40_000 + DISCONNECTED_GRACE_MS + 1));
        assert_eq!(line.state(), LineState::Ended);
    }

    #[test]
    fn hanging_up_names_the_call_once() {
        let mut line = talking("c1");
        assert_eq!(line.hang_up(30_000), Some("c1".into()));
        assert_eq!(line.hang_up(30_000), None);
        assert_eq!(line.state(), LineState::Ended);
    }

    #[test]
    fn failed_accepts_say_why_and_return_to_waiting() {
        let text = line_text(Lang::En);
        for (failure, message) in [
            (
                AcceptFailure::from_status(404),
                "This call is no longer ringing",
            ),
            (AcceptFailure::from_status(409), "Taken in another tab"),
            (AcceptFailure::from_status(500), text.accept_failed),
            (
                AcceptFailure::Microphone("microphone_refused"),
                call_text(Lang::En).ends.microphone_refused,
            ),
        ] {
            let mut line = available();
            line.apply(incoming("c1", "Ada"));
            line.accept("c1");
            line.accept_failed("c1", failure);
            assert_eq!(line.state(), LineState::Waiting);
            assert_eq!(
                line.notice.map(|notice| notice.message(text)),
                Some(message)
            );
        }
    }

    #[test]
    fn declining_takes_the_call_off_the_list() {
        let mut line = available();
        line.apply(incoming("c1", "Ada"));
        assert!(line.decline("c1"));
        assert!(!line.decline("c1"));
        assert_eq!(line.state(), LineState::Waiting);
    }

    #[test]
    fn switching_off_forgets_everything_and_names_the_call_to_hang_up() {
        let mut line = talking("c1");
        line.apply(incoming("c2", "Bob"));
        assert_eq!(line.switch_off(), Some("c1".into()));
        assert_eq!(line, Line::default());
        let mut line = available();
        assert_eq!(line.lose(), None);
        assert_eq!(line.state(), LineState::Off);
        assert_eq!(line.notice, Some(Notice::LineLost));
        line.switch_on();
        assert_eq!(line.notice, None);
    }

    #[test]
    fn peer_states_read_from_the_browser_s_names() {
        assert_eq!(PeerState::parse("connected"), PeerState::Connected);
        assert_eq!(PeerState::parse("disconnected"), PeerState::Disconnected);
        assert_eq!(PeerState::parse("failed"), PeerState::Closed);
        assert_eq!(PeerState::parse("closed"), PeerState::Closed);
        assert_eq!(PeerState::parse("new"), PeerState::Connecting);
    }

    #[test]
    fn state_codes_are_stable() {
        let codes = [
            LineState::Off,
            LineState::Waiting,
            LineState::Ringing,
            LineState::Connecting,
            LineState::Connected,
            LineState::Ended,
        ]
        .map(LineState::code);
        assert_eq!(
            codes,
            [
                "off",
                "waiting",
                "ringing",
                "connecting",
                "connected",
                "ended"
            ]
        );
    }
}
