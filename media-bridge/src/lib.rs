//! callcard's media bridge: a visitor calls a card's issuer from the card page, and the bridge
//! connects that browser to the issuer's phone (through the SIP trunk) or the issuer's browser,
//! while the Guild pays for the talk time.
//!
//! This crate is, so far, only the bridge's core: rules with no I/O (STYLE §2). Nothing here
//! opens a socket, spawns a task or reads a clock; everything takes its inputs (a packet, an
//! event, "now") and returns its outputs, so hours of calls are tested in microseconds.
//!
//! - [`call`]: one call's state machine — two legs, each a state enum, one [`call::HangupCause`].
//! - [`authority`]: the decisions it asks of the server's Guild engine (authorize, extend,
//!   settle) and the answers it acts on.
//! - [`rtp`]: RTP parsing and writing, and the rewriting that keeps SSRCs, sequence numbers
//!   and timestamps right across the bridge (trunk SSRC changes, empty packets).
//! - [`g711`], [`dtmf`] (RFC 4733), [`tone`] and [`wav`]: the audio the bridge handles itself.
//! - [`time`]: the time values the driver hands in.
//! - [`trunk`]: the first driver — the SIP trunk leg (rsipstack UAC over UDP, digest auth)
//!   and its RTP socket.
//! - [`verify`]: a destination's verification call (issue 8): dial, ask for the code shown on
//!   the issuer's screen, compare the key presses, hang up.
//! - [`browser`]: the browser leg's driver — one webrtc-rs 0.21 peer connection per browser,
//!   G.711 only, non-trickle SDP in both directions.
//!
//! # A call's life
//! The caller's page offers → its leg connects → the authority grants (or refuses, with the
//! precise reason) → the issuer is invited, rings, answers → on a phone the issuer hears the
//! accept prompt and presses 1 (2, hanging up or silence declines) → media flows both ways,
//! DTMF is forwarded for IVRs → the hold is extended interval by interval → when the Guild
//! can give no more, both hear the warning and the call ends when the money does → one
//! settlement with the answer time, the end time and the cause. Either side hanging up, in any
//! state, ends both legs.
//!
//! # The drivers to come
//! A thin async layer will own the I/O and translate, and nothing more:
//! - the caller's leg (and an issuer's browser leg): `webrtc` 0.21 peer connections —
//!   "connected" / "failed" / "closed" become [`call::Input`]s, their RTP goes through
//!   [`rtp::StreamRewriter`] and telephone-events through [`dtmf::DtmfReceiver`];
//! - the trunk leg: a SIP user agent (rsipstack) over UDP with digest authentication —
//!   180/183, 200, final failures and BYE become inputs; [`call::Output::InviteIssuer`] and
//!   [`call::Output::Hangup`] become INVITE, CANCEL and BYE; plain RTP sockets carry its media;
//! - the authority: [`call::Output::Authorize`], `Answered`, `Extend` and `Settle` become calls
//!   into the server's `calls::reservation`, whose answers come back as inputs;
//! - one tokio task per call loops: wait for the next event or [`call::Call::next_deadline`],
//!   `handle` it with the current time, execute every `poll_output`.
//!
//! The bridge runs inside the `callcard` server by default. To run it as its own process for
//! scale, only the authority's transport changes (the three decisions become HTTP calls to the
//! server); the core stays as it is.

#![forbid(unsafe_code)]

pub mod authority;
pub mod bridge;
pub mod browser;
pub mod call;
pub mod dtmf;
pub mod g711;
pub mod prompts;
pub mod rtp;
pub mod time;
pub mod tone;
pub mod trunk;
pub mod verify;
pub mod wav;
