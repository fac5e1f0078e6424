//! The browser leg's driver: one WebRTC peer connection (webrtc-rs 0.21) per browser in a
//! call — the visitor on the card page, or an issuer answering in the dashboard.
//!
//! Model: this is the thin I/O layer of STYLE §2 for a browser leg. Signalling is
//! non-trickle, one SDP each way: [`BrowserLeg::answer`] takes the page's offer and returns
//! the answer only once ICE gathering is complete, so the answer carries every candidate;
//! [`BrowserLeg::offer`] + [`BrowserLeg::accept_answer`] is the same in the other direction
//! (the bridge rings an issuer's dashboard). Its [`BrowserEvent`]s become the core's inputs
//! for its leg (`Connected` → `Connected(leg)`, `Failed` → `MediaFailed(leg)`, `Closed` →
//! `HungUp(leg)`, `Digit` → `Dtmf`); its audio payloads go to the other leg, sent there as that
//! leg's own stream.
//!
//! The media is G.711 only: the peer registers PCMU, PCMA and telephone-event/8000 and nothing
//! else, so Chromium's default offer is answered with PCMU and the bridge forwards to a SIP
//! trunk without transcoding. The bridge writes raw RTP on one local track (the track's own
//! SSRC, sequence numbers and timestamps continuing across audio and key presses, as
//! [`crate::trunk::RtpSender`] does toward the trunk) and reads raw RTP from the browser's
//! track.
//!
//! Invariants:
//! - at most one `Connected`; at most one of `Failed` and `Closed`, and nothing but audio
//!   stragglers after it;
//! - `Audio` never carries an empty payload (Chromium sends a few zero-length packets) and
//!   only the negotiated G.711 payload type;
//! - one `Digit` per key press, whatever the number of RFC 4733 packets, via
//!   [`crate::dtmf::DtmfReceiver`];
//! - every SDP from a browser is screened before webrtc-rs reads it ([`sdp::screen`]):
//!   bounded in size and shape, stripped of candidates the server must not send to and of
//!   telephone-events not at 8000 Hz (the 0.21.1 clock-rate bug);
//! - mDNS is off (the server's candidates are real addresses; browsers' `.local` candidates
//!   are useless to a server anyway).
//!
//! - [`sdp`]: reading and munging the audio section — pure code, unit-tested.
//! - [`peer`]: building the peer connection and turning its callbacks into events.
//! - [`leg`]: [`BrowserLeg`], the public handle: negotiation, sending, closing.

pub mod leg;
mod peer;
pub mod sdp;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

pub use leg::BrowserLeg;
pub use sdp::{BrowserSdpError, CandidatePolicy, ScreenedSdp, SdpLimits};

use crate::dtmf::Digit;
use crate::rtp::RtpHeader;

/// How long a key press sent to the browser lasts.
pub const DIGIT_DURATION: Duration = Duration::from_millis(100);

/// Where the peer connections bind and what they advertise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserLegConfig {
    /// The UDP addresses to bind, one socket each (port 0 picks a free port). A wildcard
    /// (`0.0.0.0:0`) binds every interface except loopback and link-local.
    pub udp_addrs: Vec<SocketAddr>,
    /// Gather loopback candidates: for tests on 127.0.0.1 only (RFC 8445 excludes them).
    pub include_loopback_candidate: bool,
    /// Behind a 1:1 NAT (a cloud VM), the public IPs to advertise instead of the private ones.
    pub nat_public_ips: Vec<IpAddr>,
    /// How long ICE gathering may take before the answer (or offer) is given up.
    pub ice_gathering_timeout: Duration,
    /// Silence (no consent check, no media) after which the leg counts as disconnected…
    pub ice_disconnected_timeout: Duration,
    /// …and how much longer until it has failed: the leg's `Failed` event.
    pub ice_failed_timeout: Duration,
    /// How often ICE checks that the browser is still there when nothing else is sent.
    pub ice_keepalive_interval: Duration,
    /// The bounds on a browser's SDP ([`sdp::screen`]).
    pub sdp_limits: SdpLimits,
    /// Which candidate addresses of a browser the server may send ICE checks to.
    pub candidates: CandidatePolicy,
}

impl Default for BrowserLegConfig {
    fn default() -> BrowserLegConfig {
        BrowserLegConfig {
            udp_addrs: vec![SocketAddr::from(([0, 0, 0, 0], 0))],
            include_loopback_candidate: false,
            nat_public_ips: Vec::new(),
            // Host candidates (and 1:1 NAT ones) need no server round-trip; a few seconds is
            // generous and still short enough for a caller waiting on the page.
            ice_gathering_timeout: Duration::from_secs(5),
            // A browser that closes its page often sends nothing (a DTLS close_notify leaves
            // the connection "connected" by the W3C rules), so silence is how a vanished
            // caller is noticed. webrtc-rs waits 5 + 25 s; the Guild pays for every second a
            // dead call stays up, so the bridge gives up after 5 + 10 s.
            ice_disconnected_timeout: Duration::from_secs(5),
            ice_failed_timeout: Duration::from_secs(10),
            ice_keepalive_interval: Duration::from_secs(2),
            sdp_limits: SdpLimits::default(),
            candidates: CandidatePolicy::default(),
        }
    }
}

impl BrowserLegConfig {
    /// One socket on 127.0.0.1 with loopback candidates: two peers in one test process.
    /// Loopback loses nothing, so a peer gone quiet is detected within a few seconds.
    pub fn loopback() -> BrowserLegConfig {
        BrowserLegConfig {
            udp_addrs: vec![SocketAddr::from(([127, 0, 0, 1], 0))],
            include_loopback_candidate: true,
            ice_disconnected_timeout: Duration::from_millis(1_500),
            ice_failed_timeout: Duration::from_millis(1_500),
            ice_keepalive_interval: Duration::from_millis(300),
            candidates: CandidatePolicy {
                allow_loopback: true,
                allow_private: false,
            },
            ..BrowserLegConfig::default()
        }
    }

    /// Screens a browser's SDP under these bounds and this candidate policy: the only way
    /// to the [`ScreenedSdp`] that [`BrowserLeg::answer`] and [`BrowserLeg::accept_answer`]
    /// take. Linear in the SDP's length and bounded by `sdp_limits.max_bytes`.
    pub fn screen(&self, sdp: &str) -> Result<ScreenedSdp, BrowserSdpError> {
        sdp::screen(sdp, &self.sdp_limits, self.candidates)
    }
}

/// What happened on a browser leg (see the module header for their order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserEvent {
    /// ICE and DTLS are up: the core's `Input::Connected(Leg::Caller)`.
    Connected,
    /// One packet of G.711 audio in the negotiated codec, never empty.
    Audio { header: RtpHeader, payload: Vec<u8> },
    /// The first packet of a new key press (RFC 4733).
    Digit(Digit),
    /// ICE or DTLS failed for good: the core's `Input::MediaFailed(Leg::Caller)`.
    Failed,
    /// The connection was closed (by either side): the core's `Input::HungUp(Leg::Caller)`.
    Closed,
}

/// webrtc-rs errors are large enums, so they are boxed to keep `Result`s small.
#[derive(Debug, thiserror::Error)]
pub enum BrowserLegError {
    #[error("the browser's SDP cannot be used: {0}")]
    UnusableSdp(#[from] BrowserSdpError),
    #[error("the browser's SDP was rejected by the WebRTC stack: {0}")]
    RejectedSdp(#[source] Box<webrtc::error::Error>),
    #[error("cannot set up the peer connection: {0}")]
    Setup(#[source] Box<webrtc::error::Error>),
    #[error("ICE gathering did not complete within {waited:?}")]
    IceGatheringTimeout { waited: Duration },
    #[error("the local description is missing after negotiation")]
    NoLocalDescription,
    #[error("media cannot be sent before the answer is accepted")]
    NotNegotiated,
    #[error("the browser did not accept telephone-events, so key presses cannot be sent")]
    NoTelephoneEvents,
    #[error("a G.711 packet carries 1 to 1200 bytes, not {len}")]
    BadPayloadLength { len: usize },
    #[error("cannot write to or close the peer connection: {0}")]
    Write(#[source] Box<webrtc::error::Error>),
}

impl BrowserLegError {
    fn setup(error: webrtc::error::Error) -> BrowserLegError {
        BrowserLegError::Setup(Box::new(error))
    }
}
