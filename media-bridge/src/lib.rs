//! callcard's media bridge: a visitor calls a card's issuer from the card page, and the bridge
//! connects that browser to the issuer's phone (through the SIP trunk) or the issuer's browser,
//! while the Guild pays for the talk time.
//!
//! The rules have no I/O (STYLE §2): [`call`], [`authority`]'s decision types, [`rtp`],
//! [`g711`], [`dtmf`], [`tone`], [`wav`] and [`time`] open no socket, spawn no task and read no
//! clock; they take their inputs (a packet, an event, "now") and return their outputs, so hours
//! of calls are tested in microseconds. The drivers around them own the I/O and only translate.
//!
//! - [`call`]: one call's state machine — a caller leg (browser, or a phone for a callback), an
//!   issuer leg (phone or browser), each a state enum, one [`call::HangupCause`].
//! - [`authority`]: the decisions it asks of the server's Guild engine (authorize, extend,
//!   settle) and the answers it acts on.
//! - [`rtp`]: RTP parsing and writing.
//! - [`g711`], [`dtmf`] (RFC 4733, and the keys of an extension), [`tone`] and [`wav`]: the
//!   audio the bridge handles itself; [`prompts`]: the recorded announcements.
//! - [`time`]: the time values the driver hands in.
//! - [`bridge`]: the per-call driver — one tokio task per call that feeds the core its events
//!   and executes its outputs (a browser caller today; callbacks are the core's only so far,
//!   docs/ROADMAP.md issue 10).
//! - [`trunk`]: the SIP trunk leg (rsipstack UAC over UDP, digest auth, session timers) and its
//!   RTP socket.
//! - [`browser`]: the browser leg — one webrtc-rs 0.21 peer connection per browser, G.711 only,
//!   non-trickle SDP in both directions.
//! - [`verify`]: a destination's verification call (issue 8): dial, ask for the code shown on
//!   the issuer's screen, compare the key presses, hang up.
//!
//! # A call's life
//! The caller's page offers → its leg connects → the authority grants (or refuses, with the
//! precise reason) → the issuer is invited, rings, answers → on a phone the keys of the
//! issuer's extension are sent, the issuer hears the accept prompt and presses 1 (2, hanging up
//! or silence declines) → media flows both ways, DTMF is forwarded for IVRs → the hold is
//! extended interval by interval → when the Guild can give no more, both hear the warning and
//! the call ends when the money does → one settlement with the pick-up, answer and end times
//! and the cause. Either side hanging up, in any state, ends both legs.
//!
//! The bridge runs inside the `callcard` server. To run it as its own process for scale, only
//! the authority's transport would change (the decisions become HTTP calls to the server); the
//! core stays as it is.

#![forbid(unsafe_code)]

pub mod authority;
pub mod bridge;
pub mod browser;
pub mod call;
pub mod dtmf;
pub mod g711;
pub mod prompts;
pub mod resample;
pub mod rtp;
pub mod time;
pub mod tone;
pub mod trunk;
pub mod verify;
pub mod wav;
