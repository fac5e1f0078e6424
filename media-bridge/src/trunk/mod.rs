//! The trunk leg's driver: a SIP user agent client that places the issuer's call through the
//! operator's SIP trunk over UDP, and the RTP socket that carries its media.
//!
//! Model: this is the thin I/O layer of STYLE §2 for the issuer's phone leg. The core's
//! [`crate::call::Output::Invite`] becomes [`Dialer::dial`]; the call's
//! [`TrunkEvent`]s become the core's inputs (`Ringing` → `IssuerRinging`, `Answered` →
//! `IssuerAnswered`, `Failed { status }` → `IssuerFailed { sip_status }`, `MediaFailed` and
//! `SessionExpired` → `IssuerSessionExpired`, `HungUp` → `IssuerHungUp`);
//! [`crate::call::Output::Hangup`] for the issuer becomes [`TrunkCall::hang_up`] (CANCEL or
//! BYE, finished in the background). Media goes through [`RtpSocket`]: bound before the
//! INVITE, started with the answer's address and codec.
//!
//! - [`config`]: the trunk's settings, checked once ([`TrunkConfig`]).
//! - [`sdp`]: the G.711 offer we send and the answer we read — pure code, unit-tested.
//! - [`in_dialog`]: our replies to the trunk's requests inside a call — pure code.
//! - [`session_timer`]: RFC 4028 session timers — pure code, simulated-time tests.
//! - [`dialer`]: INVITE / 1xx / 2xx + ACK / digest retry / CANCEL / BYE; its call task
//!   (`call_task.rs`) answers in-dialog requests and runs the session timer.
//! - [`rtp_socket`]: 20 ms G.711 packets with our own SSRC, RFC 4733 events both ways.
//!
//! # Why rsipstack
//! SIP over UDP is mostly its timers — INVITE retransmission until a provisional, re-ACKing
//! retransmitted 200s, CANCEL only after a provisional, a 2xx that crosses the CANCEL and
//! must be ACKed then ended with BYE, non-INVITE retransmission for BYE — plus digest
//! authentication (MD5, SHA-256, `qop=auth`, stale nonces). `rsipstack` 0.7 implements all of
//! it, was proven against SIPp on this machine (NOTES-media.md), and with default features
//! off (`std` only: no TLS, WebSocket or DNS SRV) it adds little to the build. A hand-written
//! UAC for this one flow would be a few hundred lines of exactly those timers, each a place
//! for a bug that only a lossy network shows. What we keep ours: the SDP (a few lines of
//! outside input we want strict errors for) and the RTP socket (it uses the core's
//! [`crate::rtp`] and [`crate::dtmf`]). Its defaults that would leak the library's name
//! (User-Agent, Call-ID domain) are overridden in [`dialer`].
//!
//! # Privacy
//! Phone numbers are [`PhoneNumber`]s, whose `Debug` and [`PhoneNumber::redacted`] hide all
//! but the last two digits; the password is a `SecretString`. Logs use `tracing` with a
//! span per call; per-packet events are at trace level.

mod call_task;
pub mod config;
pub mod dialer;
pub mod in_dialog;
pub mod rtp_socket;
pub mod sdp;
pub mod session_timer;

pub use config::{
    HostPort, PhoneNumber, PhoneNumberError, Transport, TrunkConfig, TrunkConfigError,
    TrunkSettings,
};
pub use dialer::{DialError, Dialer, HangingUp, TrunkCall, TrunkEvent};
pub use rtp_socket::{Received, RemoteMedia, RtpReceiver, RtpSender, RtpSocket, RtpSocketError};
pub use sdp::{SdpAnswer, SdpError, SdpOffer};
