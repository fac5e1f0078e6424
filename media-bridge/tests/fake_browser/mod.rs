//! A second webrtc-rs peer that plays the browser, on 127.0.0.1 in the test process.
//!
//! It registers what Chromium's default offer carries for G.711 calls — PCMU 0, PCMA 8, and
//! telephone-event at BOTH 48000 (PT 110) and 8000 (PT 126) — so that the bridge's answer has
//! to deal with webrtc-rs 0.21.1's clock-rate bug. It exposes raw RTP: the tests build and
//! check packets themselves, independently of the bridge's own code paths.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use rtc::ice::mdns::MulticastDnsMode;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::media_engine::{
    MIME_TYPE_PCMA, MIME_TYPE_PCMU, MIME_TYPE_TELEPHONE_EVENT,
};
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodecParameters, RTCRtpCodingParameters, RTCRtpEncodingParameters,
    RtpCodecKind,
};
use tokio::sync::mpsc;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfigurationBuilder, RTCIceGatheringState, RTCPeerConnectionState, RTCSessionDescription,
    SettingEngineBuilder,
};

pub const TELEPHONE_EVENT_48000: u8 = 110;
pub const TELEPHONE_EVENT_8000: u8 = 126;
pub const WAIT: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub enum Seen {
    State(RTCPeerConnectionState),
    Rtp(rtc::rtp::Packet),
}

struct Handler {
    seen: mpsc::UnboundedSender<Seen>,
    gathered: tokio::sync::watch::Sender<bool>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            self.gathered.send_replace(true);
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.seen.send(Seen::State(state));
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let seen = self.seen.clone();
        tokio::spawn(async move {
            while let Some(event) = track.poll().await {
                if let TrackRemoteEvent::OnRtpPacket(packet) = event {
                    let _ = seen.send(Seen::Rtp(packet));
                }
            }
        });
    }
}

pub struct FakeBrowser {
    peer: Arc<dyn PeerConnection>,
    track: Arc<TrackLocalStaticRTP>,
    pub ssrc: u32,
    seen: mpsc::UnboundedReceiver<Seen>,
    gathered: tokio::sync::watch::Receiver<bool>,
    next_sequence_number: u16,
}

fn codec(mime_type: &str, clock_rate: u32, fmtp: &str) -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: mime_type.to_owned(),
        clock_rate,
        channels: 1,
        sdp_fmtp_line: fmtp.to_owned(),
        rtcp_feedback: Vec::new(),
    }
}

impl FakeBrowser {
    pub async fn new() -> FakeBrowser {
        let mut media_engine = MediaEngine::default();
        for (rtp_codec, payload_type) in [
            (codec(MIME_TYPE_PCMU, 8_000, ""), 0),
            (codec(MIME_TYPE_PCMA, 8_000, ""), 8),
            (
                codec(MIME_TYPE_TELEPHONE_EVENT, 48_000, "0-16"),
                TELEPHONE_EVENT_48000,
            ),
            (
                codec(MIME_TYPE_TELEPHONE_EVENT, 8_000, "0-16"),
                TELEPHONE_EVENT_8000,
            ),
        ] {
            let parameters = RTCRtpCodecParameters {
                rtp_codec,
                payload_type,
            };
            media_engine
                .register_codec(parameters, RtpCodecKind::Audio)
                .unwrap();
        }
        let settings = SettingEngineBuilder::new()
            .with_multicast_dns_mode(MulticastDnsMode::Disabled)
            .with_include_loopback_candidate(true)
            // Short, like the bridge's loopback config, so a vanished bridge shows quickly.
            .with_ice_timeouts(
                Some(Duration::from_millis(1_500)),
                Some(Duration::from_millis(1_500)),
                Some(Duration::from_millis(300)),
            )
            .build();
        let (seen_sender, seen) = mpsc::unbounded_channel();
        let (gathered_sender, gathered) = tokio::sync::watch::channel(false);
        let handler = Arc::new(Handler {
            seen: seen_sender,
            gathered: gathered_sender,
        });
        let peer = PeerConnectionBuilder::new()
            .with_configuration(RTCConfigurationBuilder::new().build())
            .with_media_engine(media_engine)
            .with_setting_engine(settings)
            .with_handler(handler)
            .with_udp_addrs(vec!["127.0.0.1:0"])
            .build()
            .await
            .expect("the fake browser's peer connection builds");
        let peer: Arc<dyn PeerConnection> = Arc::new(peer);
        let ssrc = rand::random();
        let track = Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
            "fake-browser".to_owned(),
            "fake-browser-microphone".to_owned(),
            "microphone".to_owned(),
            RtpCodecKind::Audio,
            vec![RTCRtpEncodingParameters {
                rtp_coding_parameters: RTCRtpCodingParameters {
                    ssrc: Some(ssrc),
                    ..Default::default()
                },
                // No codec: webrtc-rs would turn it into the transceiver's only preference
                // and offer nothing else.
                ..Default::default()
            }],
        )));
        peer.add_track(Arc::clone(&track) as Arc<dyn TrackLocal>)
            .await
            .unwrap();
        FakeBrowser {
            peer,
            track,
            ssrc,
            seen,
            gathered,
            next_sequence_number: rand::random(),
        }
    }

    async fn gathered_local_sdp(&mut self) -> String {
        tokio::time::timeout(WAIT, self.gathered.wait_for(|done| *done))
            .await
            .expect("the fake browser gathers its candidates")
            .unwrap();
        self.peer.local_description().await.unwrap().sdp
    }

    /// A non-trickle offer, like the card page sends.
    pub async fn offer(&mut self) -> String {
        let offer = self.peer.create_offer(None).await.unwrap();
        self.peer.set_local_description(offer).await.unwrap();
        self.gathered_local_sdp().await
    }

    pub async fn accept_answer(&self, sdp: String) {
        let answer = RTCSessionDescription::answer(sdp).unwrap();
        self.peer.set_remote_description(answer).await.unwrap();
    }

    /// Answers the bridge's offer, like the issuer's dashboard does.
    pub async fn answer(&mut self, offer_sdp: String) -> String {
        let offer = RTCSessionDescription::offer(offer_sdp).unwrap();
        self.peer.set_remote_description(offer).await.unwrap();
        let answer = self.peer.create_answer(None).await.unwrap();
        self.peer.set_local_description(answer).await.unwrap();
        self.gathered_local_sdp().await
    }

    /// Sends one RTP packet with the next sequence number.
    pub async fn send_rtp(
        &mut self,
        payload_type: u8,
        marker: bool,
        timestamp: u32,
        payload: &[u8],
    ) {
        let packet = rtc::rtp::Packet {
            header: rtc::rtp::header::Header {
                version: 2,
                marker,
                payload_type,
                sequence_number: self.next_sequence_number,
                timestamp,
                ssrc: self.ssrc,
                ..Default::default()
            },
            payload: Bytes::copy_from_slice(payload),
        };
        self.next_sequence_number = self.next_sequence_number.wrapping_add(1);
        self.track.write_rtp(packet).await.unwrap();
    }

    /// The next thing seen within `wait`, or `None`.
    pub async fn next_seen(&mut self, wait: Duration) -> Option<Seen> {
        tokio::time::timeout(wait, self.seen.recv())
            .await
            .ok()
            .flatten()
    }

    /// Waits for `state`, ignoring RTP on the way; panics after [`WAIT`].
    pub async fn wait_for_state(
        &mut self,
        wanted: impl Fn(RTCPeerConnectionState) -> bool,
    ) -> RTCPeerConnectionState {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_seen(left).await {
                Some(Seen::State(state)) if wanted(state) => return state,
                Some(_) => continue,
                None => panic!("the fake browser did not reach the awaited state within {WAIT:?}"),
            }
        }
    }

    /// The next RTP packet within [`WAIT`], ignoring state changes.
    pub async fn next_rtp(&mut self) -> rtc::rtp::Packet {
        loop {
            match self.next_seen(WAIT).await {
                Some(Seen::Rtp(packet)) => return packet,
                Some(Seen::State(_)) => continue,
                None => panic!("the fake browser received no RTP within {WAIT:?}"),
            }
        }
    }

    pub async fn close(&self) {
        self.peer.close().await.unwrap();
    }
}
