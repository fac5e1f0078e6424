//! [`BrowserLeg`]: one browser's peer connection as the bridge uses it — negotiate once,
//! then send G.711 and key presses, receive [`BrowserEvent`]s, close.
//!
//! Model: the bridge owns ONE outgoing stream per leg, on a `TrackLocalStaticRTP` whose SSRC
//! the bridge draws itself (webrtc-rs drops packets carrying any other SSRC). Sequence
//! numbers grow by one per packet and timestamps by the samples sent, across audio and key
//! presses alike, so the browser's jitter buffer sees one continuous stream. A key press is
//! the [`DtmfSender`]'s packets, all stamped with the timestamp at which the press starts and
//! paced 20 ms apart; audio then resumes one packet interval after the press.
//!
//! Invariants: media is only sent once the SDP exchange is complete
//! ([`BrowserLegError::NotNegotiated`] before); the answer or offer handed out always holds
//! the gathered candidates (non-trickle) or the call fails with
//! [`BrowserLegError::IceGatheringTimeout`]; a leg dropped without [`BrowserLeg::close`] is
//! closed in the background, because webrtc-rs keeps a dropped connection's driver running.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use rtc::media_stream::MediaStreamTrack;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use tokio::sync::mpsc;
use tracing::{debug, trace};
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::peer_connection::{PeerConnection, RTCSessionDescription};

use super::peer::{LegHandler, NegotiatedMedia, build_peer_connection};
use super::sdp::{AudioFormats, ScreenedSdp};
use super::{BrowserEvent, BrowserLegConfig, BrowserLegError, DIGIT_DURATION};
use crate::dtmf::{Digit, DtmfSender};
use crate::g711::Codec;
use crate::rtp::G711_SAMPLES_PER_PACKET;

/// The largest G.711 payload the bridge sends (well under any MTU).
const MAX_PAYLOAD_LEN: usize = 1_200;

/// One browser's leg (see the module header).
pub struct BrowserLeg {
    peer: Arc<dyn PeerConnection>,
    track: Arc<TrackLocalStaticRTP>,
    handler: Arc<LegHandler>,
    negotiated: Arc<OnceLock<NegotiatedMedia>>,
    events: mpsc::UnboundedReceiver<BrowserEvent>,
    outgoing: OutgoingStream,
    closed: bool,
}

/// Our one RTP stream toward the browser.
#[derive(Debug)]
struct OutgoingStream {
    ssrc: u32,
    next_sequence_number: u16,
    next_timestamp: u32,
    /// The first packet of the stream carries the marker bit (start of a talkspurt).
    started: bool,
}

impl BrowserLeg {
    /// Answers the browser's screened offer ([`BrowserLegConfig::screen`], which already
    /// refused what the bridge cannot carry); returns the leg and the answer SDP, complete
    /// with its candidates.
    pub async fn answer(
        offer_sdp: &ScreenedSdp,
        config: &BrowserLegConfig,
    ) -> Result<(BrowserLeg, String), BrowserLegError> {
        let leg = BrowserLeg::start(config).await?;
        let offer =
            RTCSessionDescription::offer(offer_sdp.as_str().to_owned()).map_err(rejected)?;
        leg.peer
            .set_remote_description(offer)
            .await
            .map_err(rejected)?;
        let answer = leg
            .peer
            .create_answer(None)
            .await
            .map_err(BrowserLegError::setup)?;
        leg.peer
            .set_local_description(answer)
            .await
            .map_err(BrowserLegError::setup)?;
        let answer_sdp = leg.gathered_local_description(config).await?;
        leg.settle(&answer_sdp)?;
        Ok((leg, answer_sdp))
    }

    /// Offers a call to a browser (an issuer's dashboard); returns the leg and the offer SDP,
    /// complete with its candidates. Media flows after [`BrowserLeg::accept_answer`].
    pub async fn offer(config: &BrowserLegConfig) -> Result<(BrowserLeg, String), BrowserLegError> {
        let leg = BrowserLeg::start(config).await?;
        let offer = leg
            .peer
            .create_offer(None)
            .await
            .map_err(BrowserLegError::setup)?;
        leg.peer
            .set_local_description(offer)
            .await
            .map_err(BrowserLegError::setup)?;
        let offer_sdp = leg.gathered_local_description(config).await?;
        Ok((leg, offer_sdp))
    }

    /// Applies the browser's screened answer to our [`BrowserLeg::offer`]. (A browser can
    /// only answer with what we offered, but the bug the screen's strip works around is in
    /// matching, so an answer gets the same treatment as an offer.)
    pub async fn accept_answer(&mut self, answer_sdp: &ScreenedSdp) -> Result<(), BrowserLegError> {
        let answer =
            RTCSessionDescription::answer(answer_sdp.as_str().to_owned()).map_err(rejected)?;
        self.peer
            .set_remote_description(answer)
            .await
            .map_err(rejected)?;
        self.settle(answer_sdp.as_str())
    }

    /// Builds the connection with our one audio track.
    async fn start(config: &BrowserLegConfig) -> Result<BrowserLeg, BrowserLegError> {
        let (event_sender, events) = mpsc::unbounded_channel();
        let negotiated = Arc::new(OnceLock::new());
        let handler = Arc::new(LegHandler::new(event_sender, Arc::clone(&negotiated)));
        let peer = build_peer_connection(config, Arc::clone(&handler)).await?;
        let ssrc = rand::random();
        let track = Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
            "callcard".to_owned(),
            "callcard-audio".to_owned(),
            "callcard-audio".to_owned(),
            RtpCodecKind::Audio,
            vec![RTCRtpEncodingParameters {
                rtp_coding_parameters: RTCRtpCodingParameters {
                    ssrc: Some(ssrc),
                    ..Default::default()
                },
                // No codec on purpose: webrtc-rs makes an encoding's codec the transceiver's
                // only preference, and an offer would then lack PCMA and telephone-event.
                // The media engine holds only what we accept anyway.
                ..Default::default()
            }],
        )));
        peer.add_track(Arc::clone(&track) as Arc<dyn TrackLocal>)
            .await
            .map_err(BrowserLegError::setup)?;
        Ok(BrowserLeg {
            peer,
            track,
            handler,
            negotiated,
            events,
            outgoing: OutgoingStream {
                ssrc,
                next_sequence_number: rand::random(),
                next_timestamp: rand::random(),
                started: false,
            },
            closed: false,
        })
    }

    /// Waits for ICE gathering to complete, then reads the local description, which now
    /// lists every candidate.
    async fn gathered_local_description(
        &self,
        config: &BrowserLegConfig,
    ) -> Result<String, BrowserLegError> {
        let waited = config.ice_gathering_timeout;
        let mut complete = self.handler.gathering_complete();
        match tokio::time::timeout(waited, complete.wait_for(|done| *done)).await {
            Ok(Ok(_)) => {}
            // The handler, which owns the sender, lives as long as the leg.
            Ok(Err(_)) | Err(_) => return Err(BrowserLegError::IceGatheringTimeout { waited }),
        }
        let description = self
            .peer
            .local_description()
            .await
            .ok_or(BrowserLegError::NoLocalDescription)?;
        Ok(description.sdp)
    }

    /// Records what the answer settled (the answer is ours or the browser's).
    fn settle(&self, answer_sdp: &str) -> Result<(), BrowserLegError> {
        let formats = AudioFormats::read(answer_sdp)?;
        let media = NegotiatedMedia {
            codec: formats.codec(),
            telephone_event: formats.telephone_event,
        };
        debug!(?media, "browser leg negotiated");
        // Negotiation happens once per leg; a second answer is refused by webrtc-rs above.
        let _ = self.negotiated.set(media);
        Ok(())
    }

    /// The codec both directions use, once negotiated.
    pub fn codec(&self) -> Option<Codec> {
        self.negotiated.get().map(|media| media.codec)
    }

    /// The SSRC of the bridge's stream toward the browser.
    pub fn ssrc(&self) -> u32 {
        self.outgoing.ssrc
    }

    /// The next event; `None` once the leg is gone and every event has been read.
    pub async fn next_event(&mut self) -> Option<BrowserEvent> {
        self.events.recv().await
    }

    /// The events themselves, for `select!` loops.
    pub fn events(&mut self) -> &mut mpsc::UnboundedReceiver<BrowserEvent> {
        &mut self.events
    }

    /// Sends one packet of G.711 in the negotiated codec; `samples` is its duration in 8 kHz
    /// samples (160 for 20 ms), by which the timestamp advances. The caller paces the packets.
    pub async fn send_audio(
        &mut self,
        payload: &[u8],
        samples: u32,
    ) -> Result<(), BrowserLegError> {
        let media = *self
            .negotiated
            .get()
            .ok_or(BrowserLegError::NotNegotiated)?;
        if payload.is_empty() || payload.len() > MAX_PAYLOAD_LEN {
            return Err(BrowserLegError::BadPayloadLength { len: payload.len() });
        }
        let timestamp = self.outgoing.next_timestamp;
        let marker = !self.outgoing.started;
        self.send(media.codec.payload_type(), marker, timestamp, payload)
            .await?;
        self.outgoing.started = true;
        self.outgoing.next_timestamp = timestamp.wrapping_add(samples);
        Ok(())
    }

    /// Sends one key press as RFC 4733 events, paced in real time (about
    /// [`DIGIT_DURATION`] plus the repeated end packets). Audio must not be sent meanwhile.
    pub async fn send_digit(&mut self, digit: Digit) -> Result<(), BrowserLegError> {
        let media = *self
            .negotiated
            .get()
            .ok_or(BrowserLegError::NotNegotiated)?;
        let payload_type = media
            .telephone_event
            .ok_or(BrowserLegError::NoTelephoneEvents)?;
        let event_timestamp = self.outgoing.next_timestamp;
        let started = tokio::time::Instant::now();
        let mut last_duration = 0u32;
        for packet in DtmfSender::new(digit, DIGIT_DURATION) {
            tokio::time::sleep_until(started + packet.send_after).await;
            self.send(
                payload_type,
                packet.marker,
                event_timestamp,
                &packet.payload,
            )
            .await?;
            last_duration = u32::from(u16::from_be_bytes([packet.payload[2], packet.payload[3]]));
        }
        self.outgoing.next_timestamp = event_timestamp
            .wrapping_add(last_duration)
            .wrapping_add(G711_SAMPLES_PER_PACKET);
        Ok(())
    }

    async fn send(
        &mut self,
        payload_type: u8,
        marker: bool,
        timestamp: u32,
        payload: &[u8],
    ) -> Result<(), BrowserLegError> {
        let sequence_number = self.outgoing.next_sequence_number;
        let packet = rtc::rtp::Packet {
            header: rtc::rtp::header::Header {
                version: 2,
                marker,
                payload_type,
                sequence_number,
                timestamp,
                ssrc: self.outgoing.ssrc,
                ..Default::default()
            },
            payload: Bytes::copy_from_slice(payload),
        };
        self.track
            .write_rtp(packet)
            .await
            .map_err(|error| BrowserLegError::Write(Box::new(error)))?;
        trace!(sequence_number, payload_type, "rtp sent to browser");
        self.outgoing.next_sequence_number = sequence_number.wrapping_add(1);
        Ok(())
    }

    /// Closes the connection (DTLS close and ICE teardown); the leg's own events end with
    /// `Closed`.
    pub async fn close(&mut self) -> Result<(), BrowserLegError> {
        self.closed = true;
        self.peer
            .close()
            .await
            .map_err(|error| BrowserLegError::Write(Box::new(error)))
    }
}

impl Drop for BrowserLeg {
    fn drop(&mut self) {
        if self.closed {
            return;
        }
        // Without a runtime (a panic during shutdown) there is no driver left to stop either.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let peer = Arc::clone(&self.peer);
            runtime.spawn(async move {
                if let Err(error) = peer.close().await {
                    debug!(%error, "closing a dropped browser leg");
                }
            });
        }
    }
}

fn rejected(error: webrtc::error::Error) -> BrowserLegError {
    BrowserLegError::RejectedSdp(Box::new(error))
}
