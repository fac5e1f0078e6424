//! What the call window shows, as plain data: the page's own first step, then one step per event
//! of the server's stream (docs/CALLING.md), and the talk-time clock.
//!
//! The life of a call in the page: `Idle` → `Starting` (microphone, offer, `POST …/calls`) →
//! the server's steps `Authorizing` → `Calling` → `Ringing` → `WaitingForIssuer` → `Connected`
//! → `Ended`; a callback has `CallingCaller` → `CallerRinging` between the issuer's acceptance
//! and `Connected`. Any step may jump to `Ended`; nothing leaves `Ended` but a new call. No browser API
//! here: the island feeds events and "now" (milliseconds) in, and renders what comes out.

use crate::i18n::CallText;
use crate::model::calling::CallEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Idle,
    /// Asking for the microphone, building the offer, waiting for `201 Created`.
    Starting,
    Authorizing,
    Calling,
    Ringing,
    WaitingForIssuer,
    /// A callback: the issuer accepted; the caller's phone is being called.
    CallingCaller,
    /// A callback: the caller's phone rings.
    CallerRinging,
    Connected,
    /// `cause` is the server's code or the page's own (`microphone_refused`, …);
    /// `server_message` is what the server said, if it said anything.
    Ended {
        cause: String,
        server_message: String,
    },
}

impl Phase {
    /// The window's `data-call-state`: stable, for styles and browser tests.
    pub fn code(&self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Starting => "starting",
            Phase::Authorizing => "authorizing",
            Phase::Calling => "calling",
            Phase::Ringing => "ringing",
            Phase::WaitingForIssuer => "waiting_for_issuer",
            Phase::CallingCaller => "calling_caller",
            Phase::CallerRinging => "caller_ringing",
            Phase::Connected => "connected",
            Phase::Ended { .. } => "ended",
        }
    }

    /// Between pressing the call button and the end: hang-up and mute apply.
    pub fn is_active(&self) -> bool {
        !matches!(self, Phase::Idle | Phase::Ended { .. })
    }

    /// A callback can be called off until the caller's own phone rings: from then on the
    /// caller hangs up on their phone.
    pub fn can_cancel_callback(&self) -> bool {
        self.is_active() && !matches!(self, Phase::CallerRinging | Phase::Connected)
    }

    /// The phase of a call whose latest step is `event` (a page that reads only the latest
    /// step, such as the callback's status page without JavaScript).
    pub fn of_latest(event: &CallEvent) -> Phase {
        match event {
            CallEvent::Authorizing => Phase::Authorizing,
            CallEvent::Calling => Phase::Calling,
            CallEvent::Ringing => Phase::Ringing,
            CallEvent::WaitingForIssuer => Phase::WaitingForIssuer,
            CallEvent::CallingCaller => Phase::CallingCaller,
            CallEvent::CallerRinging => Phase::CallerRinging,
            CallEvent::Connected { .. }
            | CallEvent::Extended { .. }
            | CallEvent::Warning { .. } => Phase::Connected,
            CallEvent::Ended { cause, message } => Phase::Ended {
                cause: cause.clone(),
                server_message: message.clone(),
            },
            CallEvent::Unknown => Phase::Starting,
        }
    }

    pub fn cause(&self) -> Option<&str> {
        match self {
            Phase::Ended { cause, .. } => Some(cause),
            _ => None,
        }
    }
}

/// The window's state: the phase, the talk-time clock and the pending warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallProgress {
    pub phase: Phase,
    connected_at_ms: Option<u64>,
    covered_until_ms: Option<u64>,
    /// When the call may end as the server last estimated (the card's limit or the Guild); the
    /// clock counts down to this rather than to the interval held, once known.
    available_until_ms: Option<u64>,
    /// `ends_in_secs` of the last `warning`, until more time arrives or the call ends.
    pub warning: Option<u32>,
}

impl Default for CallProgress {
    fn default() -> Self {
        CallProgress {
            phase: Phase::Idle,
            connected_at_ms: None,
            covered_until_ms: None,
            available_until_ms: None,
            warning: None,
        }
    }
}

impl CallProgress {
    /// A new attempt: everything from the last call is forgotten.
    pub fn start(&mut self) {
        *self = CallProgress {
            phase: Phase::Starting,
            ..CallProgress::default()
        };
    }

    /// The page ends the call itself (hang-up, no microphone, lost stream). An ended call keeps
    /// its first cause.
    pub fn end(&mut self, cause: &str) {
        if matches!(self.phase, Phase::Ended { .. }) {
            return;
        }
        self.phase = Phase::Ended {
            cause: cause.to_string(),
            server_message: String::new(),
        };
        self.warning = None;
    }

    /// One event of the server's stream, received at `now_ms`. A reconnected stream may repeat
    /// steps: repeating one changes nothing that the first did not.
    pub fn apply(&mut self, event: CallEvent, now_ms: u64) {
        if matches!(self.phase, Phase::Ended { .. }) {
            return;
        }
        let before_connected = !matches!(self.phase, Phase::Connected);
        match event {
            CallEvent::Authorizing if before_connected => self.phase = Phase::Authorizing,
            CallEvent::Calling if before_connected => self.phase = Phase::Calling,
            CallEvent::Ringing if before_connected => self.phase = Phase::Ringing,
            CallEvent::WaitingForIssuer if before_connected => self.phase = Phase::WaitingForIssuer,
            CallEvent::CallingCaller if before_connected => self.phase = Phase::CallingCaller,
            CallEvent::CallerRinging if before_connected => self.phase = Phase::CallerRinging,
            CallEvent::Connected {
                covered_secs,
                available_secs,
            } => {
                self.phase = Phase::Connected;
                self.connected_at_ms.get_or_insert(now_ms);
                self.cover(covered_secs, available_secs, now_ms);
            }
            CallEvent::Extended {
                covered_secs,
                available_secs,
            } if !before_connected => self.cover(covered_secs, available_secs, now_ms),
            CallEvent::Warning { ends_in_secs } if !before_connected => {
                self.warning = Some(ends_in_secs);
                self.available_until_ms = None;
                let ends_at = now_ms + u64::from(ends_in_secs) * 1000;
                self.covered_until_ms = Some(
                    self.covered_until_ms
                        .map_or(ends_at, |until| until.min(ends_at)),
                );
            }
            CallEvent::Ended { cause, message } => {
                self.phase = Phase::Ended {
                    cause,
                    server_message: message,
                };
                self.warning = None;
            }
            // Steps out of order, and states this page does not know, change nothing.
            _ => {}
        }
    }

    fn cover(&mut self, covered_secs: u32, available_secs: Option<u32>, now_ms: u64) {
        let from_now = |secs: u32| now_ms + u64::from(secs) * 1000;
        self.covered_until_ms = Some(from_now(covered_secs));
        self.available_until_ms = available_secs.map(from_now);
        self.warning = None;
    }

    /// Seconds since the call connected, while it is connected.
    pub fn talk_secs(&self, now_ms: u64) -> Option<u64> {
        match self.phase {
            Phase::Connected => self
                .connected_at_ms
                .map(|at| now_ms.saturating_sub(at) / 1000),
            _ => None,
        }
    }

    /// Seconds of talk time left, while connected: until the call may end as the server
    /// estimates it, else until the end of the time paid for; rounded up, so it reads 0 only at
    /// the end.
    pub fn secs_left(&self, now_ms: u64) -> Option<u64> {
        match self.phase {
            Phase::Connected => self
                .available_until_ms
                .or(self.covered_until_ms)
                .map(|until| until.saturating_sub(now_ms).div_ceil(1000)),
            _ => None,
        }
    }
}

/// The status line (`role="status"`) for a phase; empty before the first press.
pub fn status_line(text: &CallText, phase: &Phase, name: &str) -> String {
    match phase {
        Phase::Idle => String::new(),
        Phase::Starting | Phase::Authorizing => text.connecting.to_string(),
        Phase::Calling => text.calling.to_string(),
        Phase::Ringing => text.ringing.to_string(),
        Phase::WaitingForIssuer => text.waiting_for(name),
        Phase::CallingCaller => text.calling_you_for(name),
        Phase::CallerRinging => text.your_phone_rings.to_string(),
        Phase::Connected => text.connected.to_string(),
        Phase::Ended {
            cause,
            server_message,
        } => end_message(text, cause, server_message),
    }
}

/// Why the call ended: the page's own words for a code it knows (so the whole window speaks one
/// language), else what the server said, else a general message.
pub fn end_message(text: &CallText, cause: &str, server_message: &str) -> String {
    if text.knows(cause) || server_message.trim().is_empty() {
        text.refusal(cause).to_string()
    } else {
        server_message.trim().to_string()
    }
}

/// `75` → `01:15`; an hour or more → `1:02:03`.
pub fn clock(secs: u64) -> String {
    let (hours, minutes, seconds) = (secs / 3600, secs / 60 % 60, secs % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes:02}:{seconds:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::call_text;
    use crate::model::Lang;

    fn ended(cause: &str, message: &str) -> CallEvent {
        CallEvent::Ended {
            cause: cause.into(),
            message: message.into(),
        }
    }

    fn connected(covered_secs: u32) -> CallEvent {
        CallEvent::Connected {
            covered_secs,
            available_secs: None,
        }
    }

    fn extended(covered_secs: u32) -> CallEvent {
        CallEvent::Extended {
            covered_secs,
            available_secs: None,
        }
    }

    fn started() -> CallProgress {
        let mut progress = CallProgress::default();
        progress.start();
        progress
    }

    #[test]
    fn a_call_walks_through_the_server_s_steps() {
        let mut progress = started();
        assert_eq!(progress.phase.code(), "starting");
        for (event, code) in [
            (CallEvent::Authorizing, "authorizing"),
            (CallEvent::Calling, "calling"),
            (CallEvent::Ringing, "ringing"),
            (CallEvent::WaitingForIssuer, "waiting_for_issuer"),
            (connected(70), "connected"),
            (ended("issuer_hung_up", ""), "ended"),
        ] {
            progress.apply(event, 1_000);
            assert_eq!(progress.phase.code(), code);
        }
        assert_eq!(progress.phase.cause(), Some("issuer_hung_up"));
        assert!(!progress.phase.is_active());
    }

    #[test]
    fn a_callback_calls_the_caller_after_the_issuer_accepted() {
        let mut progress = started();
        let mut cancellable = Vec::new();
        for (event, code) in [
            (CallEvent::Authorizing, "authorizing"),
            (CallEvent::Calling, "calling"),
            (CallEvent::Ringing, "ringing"),
            (CallEvent::WaitingForIssuer, "waiting_for_issuer"),
            (CallEvent::CallingCaller, "calling_caller"),
            (CallEvent::CallerRinging, "caller_ringing"),
            (connected(60), "connected"),
        ] {
            progress.apply(event, 1_000);
            assert_eq!(progress.phase.code(), code);
            cancellable.push(progress.phase.can_cancel_callback());
        }
        // R7a/issue 10: cancellable until the caller's own phone rings.
        assert_eq!(cancellable, [true, true, true, true, true, false, false]);
        progress.apply(CallEvent::CallingCaller, 2_000);
        assert_eq!(
            progress.phase,
            Phase::Connected,
            "a late step changes nothing"
        );
        let text = call_text(Lang::En);
        assert_eq!(
            status_line(text, &Phase::CallingCaller, "Ada"),
            "Ada accepted. Calling your phone…"
        );
    }

    #[test]
    fn the_latest_step_alone_names_the_phase() {
        assert_eq!(
            Phase::of_latest(&CallEvent::CallerRinging),
            Phase::CallerRinging
        );
        for running in [
            connected(5),
            extended(5),
            CallEvent::Warning { ends_in_secs: 5 },
        ] {
            assert_eq!(Phase::of_latest(&running), Phase::Connected);
        }
        let phase = Phase::of_latest(&ended("caller_busy", "Busy"));
        assert_eq!(phase.cause(), Some("caller_busy"));
        assert!(!phase.can_cancel_callback());
    }

    #[test]
    fn the_clock_runs_from_connected_and_counts_down_the_covered_time() {
        let mut progress = started();
        progress.apply(connected(70), 10_000);
        assert_eq!(progress.talk_secs(10_000), Some(0));
        assert_eq!(progress.secs_left(10_000), Some(70));
        assert_eq!(progress.talk_secs(25_500), Some(15));
        assert_eq!(progress.secs_left(25_500), Some(55));
        progress.apply(extended(60), 40_000);
        assert_eq!(progress.secs_left(40_000), Some(60));
        assert_eq!(progress.talk_secs(40_000), Some(30));
        assert_eq!(progress.secs_left(200_000), Some(0));
    }

    /// R11 ¶60, issue 10: "time left" is how long the call may last (the card's limit or the
    /// Guild), not the interval held; without an estimate it falls back to the interval, and a
    /// warning's end is exact.
    #[test]
    fn time_left_is_the_talk_time_available_not_the_interval_held() {
        let mut progress = started();
        progress.apply(connected(60), 0);
        assert_eq!(
            progress.secs_left(0),
            Some(60),
            "no estimate yet: the interval"
        );
        progress.apply(
            CallEvent::Extended {
                covered_secs: 59,
                available_secs: Some(3_599),
            },
            1_000,
        );
        assert_eq!(progress.secs_left(1_000), Some(3_599));
        assert_eq!(
            progress.secs_left(61_000),
            Some(3_539),
            "past the interval held"
        );
        progress.apply(
            CallEvent::Extended {
                covered_secs: 60,
                available_secs: Some(1_200),
            },
            70_000,
        );
        assert_eq!(
            progress.secs_left(70_000),
            Some(1_200),
            "renewed as the call goes on"
        );
        progress.apply(CallEvent::Warning { ends_in_secs: 30 }, 100_000);
        assert_eq!(
            progress.secs_left(100_000),
            Some(30),
            "a warning's end is exact"
        );
        progress.apply(extended(20), 105_000);
        assert_eq!(
            progress.secs_left(105_000),
            Some(20),
            "the last interval: its end"
        );
    }

    #[test]
    fn a_repeated_connected_keeps_the_talk_time() {
        let mut progress = started();
        progress.apply(connected(60), 0);
        progress.apply(connected(50), 10_000);
        assert_eq!(progress.talk_secs(10_000), Some(10));
        assert_eq!(progress.secs_left(10_000), Some(50));
    }

    #[test]
    fn a_warning_shows_until_more_time_arrives() {
        let mut progress = started();
        progress.apply(connected(70), 0);
        progress.apply(CallEvent::Warning { ends_in_secs: 30 }, 40_000);
        assert_eq!(progress.warning, Some(30));
        assert_eq!(progress.secs_left(40_000), Some(30));
        progress.apply(extended(60), 45_000);
        assert_eq!(progress.warning, None);
        progress.apply(CallEvent::Warning { ends_in_secs: 10 }, 95_000);
        progress.apply(ended("guild_exhausted", ""), 105_000);
        assert_eq!(progress.warning, None);
        assert_eq!(progress.secs_left(105_000), None);
    }

    #[test]
    fn nothing_moves_an_ended_call() {
        let mut progress = started();
        progress.apply(ended("refused:outside_hours", "Outside hours"), 0);
        progress.apply(CallEvent::Ringing, 0);
        progress.apply(connected(60), 0);
        progress.end("caller_hung_up");
        assert_eq!(progress.phase.cause(), Some("refused:outside_hours"));
    }

    #[test]
    fn late_or_unknown_steps_change_nothing() {
        let mut progress = started();
        progress.apply(extended(60), 0);
        progress.apply(CallEvent::Warning { ends_in_secs: 5 }, 0);
        progress.apply(CallEvent::Unknown, 0);
        assert_eq!(progress, started());
        progress.apply(connected(60), 0);
        progress.apply(CallEvent::Ringing, 1_000);
        assert_eq!(progress.phase, Phase::Connected);
    }

    #[test]
    fn the_page_can_end_a_call_itself() {
        let mut progress = started();
        progress.end("microphone_refused");
        assert_eq!(progress.phase.code(), "ended");
        assert_eq!(progress.phase.cause(), Some("microphone_refused"));
        progress.start();
        assert_eq!(progress.phase, Phase::Starting);
        assert_eq!(progress.warning, None);
    }

    #[test]
    fn status_lines_follow_the_phase() {
        let text = call_text(Lang::En);
        assert_eq!(status_line(text, &Phase::Idle, "Ada"), "");
        assert_eq!(status_line(text, &Phase::Starting, "Ada"), "Connecting…");
        assert_eq!(status_line(text, &Phase::Authorizing, "Ada"), "Connecting…");
        assert_eq!(
            status_line(text, &Phase::WaitingForIssuer, "Ada"),
            "Waiting for Ada to accept…"
        );
        let refused = Phase::Ended {
            cause: "refused:guild_exhausted".into(),
            server_message: "whatever the server said".into(),
        };
        assert_eq!(
            status_line(text, &refused, "Ada"),
            "This card cannot take calls right now: its call credit is used up."
        );
    }

    #[test]
    fn unknown_causes_use_the_server_s_message_then_a_general_one() {
        let text = call_text(Lang::Ko);
        assert_eq!(end_message(text, "new_cause", " 새 이유 "), "새 이유");
        assert_eq!(end_message(text, "new_cause", ""), text.ends.other);
        assert_eq!(
            end_message(text, "refused:new_reason", ""),
            text.ends.refused_other
        );
        assert_eq!(
            end_message(text, "issuer_busy", "busy"),
            text.ends.issuer_busy
        );
    }

    #[test]
    fn clocks_read_minutes_and_seconds() {
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(75), "01:15");
        assert_eq!(clock(599), "09:59");
        assert_eq!(clock(3600 + 2 * 60 + 3), "1:02:03");
    }
}
