//! The trunk leg's media: one UDP socket carrying G.711 RTP and RFC 4733 telephone-events
//! to and from the trunk.
//!
//! Model: [`RtpSocket::bind`] opens the socket before the INVITE (its address goes into the
//! SDP offer); once the answer is known, [`RtpSocket::start`] splits it into an
//! [`RtpSender`] and an [`RtpReceiver`] that can live in different tasks.
//!
//! The sender owns ONE outgoing stream: a random SSRC, sequence numbers that grow by one per
//! packet and a timestamp that grows by 160 per 20 ms of audio. A key press is sent as the
//! [`DtmfSender`]'s packets, all stamped with the timestamp at which the press starts, paced
//! 20 ms apart; the audio timestamp then jumps by the press's duration so that the
//! trunk's jitter buffer sees time pass. The caller paces audio (one packet per 20 ms);
//! this module does not sleep between audio packets, because the bridge forwards packets as
//! they arrive from the other leg.
//!
//! The receiver accepts packets only from the trunk's media IP (the port may differ:
//! not every trunk sends from the port it receives on), drops what does not parse, and turns
//! telephone-events into one [`Digit`] per key press with [`DtmfReceiver`]. Per-packet paths
//! log at trace level only.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::UdpSocket;
use tracing::trace;

use crate::dtmf::{Digit, DtmfReceiver, DtmfSender};
use crate::g711::Codec;
use crate::rtp::{G711_SAMPLES_PER_PACKET, RtpHeader, RtpPacket};

/// Larger than any RTP packet the trunk should send (MTU-sized), so none is truncated.
const RECEIVE_BUFFER_LEN: usize = 2_048;

#[derive(Debug, thiserror::Error)]
pub enum RtpSocketError {
    #[error("cannot bind the RTP socket to {address}")]
    Bind {
        address: SocketAddr,
        #[source]
        source: io::Error,
    },
    #[error("the RTP socket failed")]
    Io(#[from] io::Error),
    #[error("the trunk did not accept telephone-events, so key presses cannot be sent")]
    NoTelephoneEvents,
    #[error("a G.711 packet carries 1 to 1200 bytes, not {len}")]
    BadPayloadLength { len: usize },
}

/// Where and how to send, from the trunk's SDP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteMedia {
    pub rtp: SocketAddr,
    pub codec: Codec,
    pub telephone_event: Option<u8>,
}

/// A bound socket waiting for the trunk's answer.
#[derive(Debug)]
pub struct RtpSocket {
    socket: UdpSocket,
}

impl RtpSocket {
    /// Binds to `address` (port 0 picks a free port).
    pub async fn bind(address: SocketAddr) -> Result<RtpSocket, RtpSocketError> {
        let socket = UdpSocket::bind(address)
            .await
            .map_err(|source| RtpSocketError::Bind { address, source })?;
        Ok(RtpSocket { socket })
    }

    /// The address to put in the SDP offer.
    pub fn local_addr(&self) -> Result<SocketAddr, RtpSocketError> {
        Ok(self.socket.local_addr()?)
    }

    /// Starts the outgoing stream toward `remote`, with random SSRC, first sequence number
    /// and first timestamp (RFC 3550 §5.1).
    pub fn start(self, remote: RemoteMedia) -> (RtpSender, RtpReceiver) {
        let socket = Arc::new(self.socket);
        let sender = RtpSender {
            socket: Arc::clone(&socket),
            remote,
            ssrc: rand::random(),
            next_sequence_number: rand::random(),
            next_timestamp: rand::random(),
            datagram: Vec::with_capacity(256),
        };
        let receiver = RtpReceiver {
            socket,
            remote,
            dtmf: DtmfReceiver::new(),
            dtmf_ssrc: None,
            buffer: vec![0; RECEIVE_BUFFER_LEN],
        };
        (sender, receiver)
    }
}

/// The bridge's one outgoing stream toward the trunk (see the module header).
#[derive(Debug)]
pub struct RtpSender {
    socket: Arc<UdpSocket>,
    remote: RemoteMedia,
    ssrc: u32,
    next_sequence_number: u16,
    next_timestamp: u32,
    datagram: Vec<u8>,
}

impl RtpSender {
    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }

    pub fn codec(&self) -> Codec {
        self.remote.codec
    }

    /// Sends as `remote` says from the next packet on (the trunk's re-offer moved the stream
    /// or switched codec); the stream itself (SSRC, sequence, timestamp) goes on unbroken.
    pub fn follow(&mut self, remote: RemoteMedia) {
        self.remote = remote;
    }

    /// Sends one packet of G.711 audio in the negotiated codec (160 bytes for 20 ms).
    pub async fn send_audio(&mut self, payload: &[u8]) -> Result<(), RtpSocketError> {
        if payload.is_empty() || payload.len() > 1_200 {
            return Err(RtpSocketError::BadPayloadLength { len: payload.len() });
        }
        let timestamp = self.next_timestamp;
        self.send(self.remote.codec.payload_type(), false, timestamp, payload)
            .await?;
        // One G.711 byte is one sample.
        self.next_timestamp = timestamp.wrapping_add(payload.len() as u32);
        Ok(())
    }

    /// Sends one key press lasting `duration`, paced in real time (it takes about
    /// `duration` plus the repeated end packets). Audio must not be sent meanwhile.
    pub async fn send_digit(
        &mut self,
        digit: Digit,
        duration: Duration,
    ) -> Result<(), RtpSocketError> {
        let payload_type = self
            .remote
            .telephone_event
            .ok_or(RtpSocketError::NoTelephoneEvents)?;
        let event_timestamp = self.next_timestamp;
        let started = tokio::time::Instant::now();
        let mut last_duration = 0u32;
        for packet in DtmfSender::new(digit, duration) {
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
        // Audio resumes after the press, one packet interval on.
        self.next_timestamp = event_timestamp
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
    ) -> Result<(), RtpSocketError> {
        let header = RtpHeader {
            marker,
            payload_type,
            sequence_number: self.next_sequence_number,
            timestamp,
            ssrc: self.ssrc,
            csrc: Vec::new(),
        };
        self.datagram.clear();
        header
            .write(payload, &mut self.datagram)
            .expect("a header without CSRCs always writes");
        self.socket.send_to(&self.datagram, self.remote.rtp).await?;
        trace!(
            sequence_number = header.sequence_number,
            payload_type, "rtp sent"
        );
        self.next_sequence_number = self.next_sequence_number.wrapping_add(1);
        Ok(())
    }
}

/// Something the trunk sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// One packet of audio in the negotiated codec.
    Audio { header: RtpHeader, payload: Vec<u8> },
    /// The first packet of a new key press.
    Digit(Digit),
}

/// The trunk's incoming stream (see the module header).
#[derive(Debug)]
pub struct RtpReceiver {
    socket: Arc<UdpSocket>,
    remote: RemoteMedia,
    dtmf: DtmfReceiver,
    /// The source whose key presses `dtmf` is following.
    dtmf_ssrc: Option<u32>,
    buffer: Vec<u8>,
}

impl RtpReceiver {
    /// Reads as `remote` says from the next packet on: its codec and event type, from its IP.
    pub fn follow(&mut self, remote: RemoteMedia) {
        self.remote = remote;
    }

    /// Waits for the next audio packet or new key press; everything else (other payload
    /// types, repeated event packets, garbage, strangers) is dropped on the way.
    pub async fn recv(&mut self) -> Result<Received, RtpSocketError> {
        loop {
            let (len, from) = self.socket.recv_from(&mut self.buffer).await?;
            if from.ip() != self.remote.rtp.ip() {
                trace!(%from, "rtp from a stranger dropped");
                continue;
            }
            let Ok(packet) = RtpPacket::parse(&self.buffer[..len]) else {
                trace!(len, "unparsable rtp dropped");
                continue;
            };
            let payload_type = packet.header.payload_type;
            if Some(payload_type) == self.remote.telephone_event {
                // Timestamps only order the key presses of one source: a trunk that changes
                // its SSRC (or plays a recording) starts a new count.
                if self.dtmf_ssrc != Some(packet.header.ssrc) {
                    self.dtmf_ssrc = Some(packet.header.ssrc);
                    self.dtmf = DtmfReceiver::new();
                }
                match self.dtmf.receive(packet.header.timestamp, packet.payload) {
                    Ok(Some(digit)) => return Ok(Received::Digit(digit)),
                    Ok(None) => continue,
                    Err(error) => {
                        trace!(%error, "bad telephone-event dropped");
                        continue;
                    }
                }
            }
            if payload_type == self.remote.codec.payload_type() && !packet.payload.is_empty() {
                return Ok(Received::Audio {
                    payload: packet.payload.to_vec(),
                    header: packet.header,
                });
            }
            trace!(payload_type, "rtp of another payload type dropped");
        }
    }
}
