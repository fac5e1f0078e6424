//! The words of the issuer's browser line on the dashboard ("internet phone", docs/CALLING.md).
//!
//! The dashboard speaks English only for now; these are all its line's words, in one table, so a
//! translation later is one more value of [`LineText`]. Microphone problems reuse the call
//! window's messages ([`super::CallText::refusal`]), so both ends explain them alike.

pub struct LineText {
    pub heading: &'static str,
    pub needs_javascript: &'static str,
    /// The toggle's label; `aria-pressed` says whether it is on, so the label stays.
    pub take_calls: &'static str,
    pub off: &'static str,
    pub opening: &'static str,
    pub available: &'static str,
    /// Has a `{card_name}` placeholder.
    pub call_to: &'static str,
    /// A callback; has a `{number}` placeholder.
    pub callback_from: &'static str,
    pub accept: &'static str,
    pub decline: &'static str,
    pub connecting: &'static str,
    pub connected: &'static str,
    pub talk_time: &'static str,
    pub hang_up: &'static str,
    pub ended: &'static str,
    pub no_longer_ringing: &'static str,
    pub taken_elsewhere: &'static str,
    pub accept_failed: &'static str,
    pub line_lost: &'static str,
}

static ENGLISH: LineText = LineText {
    heading: "Calls in this browser",
    needs_javascript: "Calls to your cards ring here only with JavaScript on.",
    take_calls: "Take calls in this browser",
    off: "Switch this on to answer calls to your cards here while this page stays open.",
    opening: "Opening the line…",
    available: "Calls to your cards ring here",
    call_to: "Call to {card_name}",
    callback_from: "{number} asks to be called back. Accept, and we call them for you.",
    accept: "Accept",
    decline: "Decline",
    connecting: "Connecting…",
    connected: "Connected",
    talk_time: "Talk time",
    hang_up: "Hang up",
    ended: "Call ended",
    no_longer_ringing: "This call is no longer ringing",
    taken_elsewhere: "Taken in another tab",
    accept_failed: "The call could not be connected.",
    line_lost: "The line closed (you may have been signed out). Reload the page, then switch it on again.",
};

/// The dashboard line's words.
pub fn line_text() -> &'static LineText {
    &ENGLISH
}

impl LineText {
    pub fn call_to(&self, card_name: &str) -> String {
        self.call_to.replace("{card_name}", card_name)
    }

    pub fn callback_from(&self, number: &str) -> String {
        self.callback_from.replace("{number}", number)
    }
}
