//! Building one G.711-only webrtc-rs peer connection, and turning its callbacks into
//! [`BrowserEvent`]s.
//!
//! Model: webrtc-rs runs its own driver task and calls [`LegHandler`] from it. The handler
//! only translates and forwards into an unbounded channel (it must never block the driver):
//! connection states into `Connected` / `Failed` / `Closed`, each at most once, and the
//! browser's track into audio and digits by a task that polls it until it ends. What was
//! negotiated ([`NegotiatedMedia`]) is set once by the leg after the SDP exchange; packets
//! arriving before that (there should be none: media needs ICE and DTLS first) are dropped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use rtc::ice::mdns::MulticastDnsMode;
use rtc::peer_connection::configuration::media_engine::{
    MIME_TYPE_PCMA, MIME_TYPE_PCMU, MIME_TYPE_TELEPHONE_EVENT,
};
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodec, RTCRtpCodecParameters, RtpCodecKind};
use tokio::sync::{mpsc, watch};
use tracing::{debug, trace};
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfigurationBuilder, RTCIceCandidateType, RTCIceGatheringState, RTCPeerConnectionState,
    SettingEngineBuilder,
};

use super::{BrowserEvent, BrowserLegConfig, BrowserLegError};
use crate::dtmf::DtmfReceiver;
use crate::g711::Codec;
use crate::rtp::RtpHeader;

/// The payload type the bridge offers telephone-events on (when it is the offerer; as the
/// answerer it takes the browser's).
pub(super) const TELEPHONE_EVENT_PAYLOAD_TYPE: u8 = 101;

/// What the SDP exchange settled, for both directions of media.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct NegotiatedMedia {
    pub codec: Codec,
    pub telephone_event: Option<u8>,
}

/// The G.711 codec as webrtc-rs names it.
fn rtp_codec(codec: Codec) -> RTCRtpCodec {
    let mime_type = match codec {
        Codec::Pcmu => MIME_TYPE_PCMU,
        Codec::Pcma => MIME_TYPE_PCMA,
    };
    RTCRtpCodec {
        mime_type: mime_type.to_owned(),
        clock_rate: 8_000,
        channels: 1,
        sdp_fmtp_line: String::new(),
        rtcp_feedback: Vec::new(),
    }
}

/// PCMU, PCMA and telephone-event/8000, nothing else (see the module header of `browser`).
fn g711_media_engine() -> Result<MediaEngine, BrowserLegError> {
    let mut media_engine = MediaEngine::default();
    let telephone_event = RTCRtpCodec {
        mime_type: MIME_TYPE_TELEPHONE_EVENT.to_owned(),
        clock_rate: 8_000,
        channels: 1,
        sdp_fmtp_line: "0-15".to_owned(),
        rtcp_feedback: Vec::new(),
    };
    let codecs = [
        (rtp_codec(Codec::Pcmu), Codec::Pcmu.payload_type()),
        (rtp_codec(Codec::Pcma), Codec::Pcma.payload_type()),
        (telephone_event, TELEPHONE_EVENT_PAYLOAD_TYPE),
    ];
    for (rtp_codec, payload_type) in codecs {
        let parameters = RTCRtpCodecParameters {
            rtp_codec,
            payload_type,
        };
        media_engine
            .register_codec(parameters, RtpCodecKind::Audio)
            .map_err(BrowserLegError::setup)?;
    }
    Ok(media_engine)
}

/// Builds the peer connection with `handler` receiving its callbacks.
pub(super) async fn build_peer_connection(
    config: &BrowserLegConfig,
    handler: Arc<LegHandler>,
) -> Result<Arc<dyn PeerConnection>, BrowserLegError> {
    let mut settings = SettingEngineBuilder::new()
        .with_multicast_dns_mode(MulticastDnsMode::Disabled)
        .with_include_loopback_candidate(config.include_loopback_candidate)
        .with_ice_timeouts(
            Some(config.ice_disconnected_timeout),
            Some(config.ice_failed_timeout),
            Some(config.ice_keepalive_interval),
        );
    if !config.nat_public_ips.is_empty() {
        let ips = config.nat_public_ips.iter().map(ToString::to_string);
        settings = settings.with_nat_1to1_ips(ips.collect(), RTCIceCandidateType::Host);
    }
    let peer = PeerConnectionBuilder::new()
        .with_configuration(RTCConfigurationBuilder::new().build())
        .with_media_engine(g711_media_engine()?)
        .with_setting_engine(settings.build())
        .with_handler(handler)
        .with_udp_addrs(config.udp_addrs.clone())
        .build()
        .await
        .map_err(BrowserLegError::setup)?;
    Ok(Arc::new(peer))
}

/// Receives webrtc-rs's callbacks for one leg (see the module header).
pub(super) struct LegHandler {
    events: mpsc::UnboundedSender<BrowserEvent>,
    gathering_complete: watch::Sender<bool>,
    negotiated: Arc<OnceLock<NegotiatedMedia>>,
    connected: AtomicBool,
    ended: AtomicBool,
}

impl LegHandler {
    pub(super) fn new(
        events: mpsc::UnboundedSender<BrowserEvent>,
        negotiated: Arc<OnceLock<NegotiatedMedia>>,
    ) -> LegHandler {
        LegHandler {
            events,
            gathering_complete: watch::Sender::new(false),
            negotiated,
            connected: AtomicBool::new(false),
            ended: AtomicBool::new(false),
        }
    }

    /// Resolves to `true` once ICE gathering is complete (a watch, so no wake-up is lost).
    pub(super) fn gathering_complete(&self) -> watch::Receiver<bool> {
        self.gathering_complete.subscribe()
    }

    fn end(&self, event: BrowserEvent) {
        if !self.ended.swap(true, Ordering::SeqCst) {
            // The receiver may be gone (the leg was dropped): nobody to tell.
            let _ = self.events.send(event);
        }
    }
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for LegHandler {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        debug!(?state, "ice gathering");
        if state == RTCIceGatheringState::Complete {
            self.gathering_complete.send_replace(true);
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        debug!(?state, "browser leg connection");
        match state {
            RTCPeerConnectionState::Connected => {
                let already = self.connected.swap(true, Ordering::SeqCst);
                if !already && !self.ended.load(Ordering::SeqCst) {
                    let _ = self.events.send(BrowserEvent::Connected);
                }
            }
            RTCPeerConnectionState::Failed => self.end(BrowserEvent::Failed),
            RTCPeerConnectionState::Closed => self.end(BrowserEvent::Closed),
            // Disconnected may recover (ICE consent resumes); webrtc-rs moves on to Failed
            // when it does not.
            _ => {}
        }
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let reader = TrackReader {
            events: self.events.clone(),
            negotiated: Arc::clone(&self.negotiated),
            dtmf: DtmfReceiver::new(),
        };
        tokio::spawn(reader.run(track));
    }
}

/// Reads the browser's track until it ends (see the module header).
struct TrackReader {
    events: mpsc::UnboundedSender<BrowserEvent>,
    negotiated: Arc<OnceLock<NegotiatedMedia>>,
    dtmf: DtmfReceiver,
}

impl TrackReader {
    async fn run(mut self, track: Arc<dyn TrackRemote>) {
        while let Some(event) = track.poll().await {
            match event {
                TrackRemoteEvent::OnRtpPacket(packet) => {
                    if let Some(event) = self.translate(&packet.header, &packet.payload)
                        && self.events.send(event).is_err()
                    {
                        return;
                    }
                }
                TrackRemoteEvent::OnEnded => break,
                _ => {}
            }
        }
        debug!("browser track ended");
    }

    fn translate(
        &mut self,
        header: &rtc::rtp::header::Header,
        payload: &[u8],
    ) -> Option<BrowserEvent> {
        let Some(negotiated) = self.negotiated.get() else {
            trace!("rtp before negotiation dropped");
            return None;
        };
        let payload_type = header.payload_type;
        if Some(payload_type) == negotiated.telephone_event {
            return match self.dtmf.receive(header.timestamp, payload) {
                Ok(digit) => digit.map(BrowserEvent::Digit),
                Err(error) => {
                    trace!(%error, "bad telephone-event dropped");
                    None
                }
            };
        }
        if payload_type != negotiated.codec.payload_type() || payload.is_empty() {
            trace!(payload_type, len = payload.len(), "rtp dropped");
            return None;
        }
        Some(BrowserEvent::Audio {
            header: RtpHeader {
                marker: header.marker,
                payload_type,
                sequence_number: header.sequence_number,
                timestamp: header.timestamp,
                ssrc: header.ssrc,
                csrc: header.csrc.clone(),
            },
            payload: payload.to_vec(),
        })
    }
}
