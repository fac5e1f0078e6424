//! One leg's transport, as the call's task holds it: a browser, an issuer's ringing dashboard,
//! or a phone through the trunk. The driver asks any leg for its next event, sends it audio or
//! a key, or ends it, without knowing which it is (issue 10: the driver only executes).

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::IssuerReply;
use crate::browser::{BrowserEvent, BrowserLeg};
use crate::dtmf::Digit;
use crate::g711::Codec;
use crate::trunk::{
    Received, RtpReceiver, RtpSender, RtpSocket, RtpSocketError, TrunkCall, TrunkEvent,
};

pub(super) enum Transport {
    /// Not reached yet (a callback's caller before the issuer accepted), or gone.
    Idle,
    /// A browser: the caller on the card page.
    Browser(BrowserLeg),
    /// An issuer's dashboard: its replies to the ring, and its browser leg once it accepted.
    Page {
        replies: Option<mpsc::UnboundedReceiver<IssuerReply>>,
        leg: Option<BrowserLeg>,
    },
    /// A phone through the trunk: the call's signalling, its RTP socket until the answer, then
    /// its media.
    Phone {
        call: Option<TrunkCall>,
        socket: Option<RtpSocket>,
        media: Option<(RtpSender, RtpReceiver)>,
    },
}

/// What a leg reported.
pub(super) enum LegEvent {
    Browser(Option<BrowserEvent>),
    Reply(Option<IssuerReply>),
    Trunk(Option<TrunkEvent>),
    Media(Result<Received, RtpSocketError>),
}

impl Transport {
    pub(super) fn phone(call: TrunkCall, socket: RtpSocket) -> Transport {
        Transport::Phone {
            call: Some(call),
            socket: Some(socket),
            media: None,
        }
    }

    /// The leg's next event; never, for a leg with nothing to report.
    pub(super) async fn next_event(&mut self) -> LegEvent {
        match self {
            Transport::Idle => std::future::pending().await,
            Transport::Browser(leg) => LegEvent::Browser(leg.next_event().await),
            Transport::Page { replies, leg } => tokio::select! {
                reply = next_reply(replies) => LegEvent::Reply(reply),
                event = next_browser_event(leg) => LegEvent::Browser(event),
            },
            Transport::Phone { call, media, .. } => tokio::select! {
                event = next_trunk_event(call) => LegEvent::Trunk(event),
                received = next_trunk_media(media) => LegEvent::Media(received),
            },
        }
    }

    /// The leg's browser, if it has one up.
    fn browser(&mut self) -> Option<&mut BrowserLeg> {
        match self {
            Transport::Browser(leg) | Transport::Page { leg: Some(leg), .. } => Some(leg),
            _ => None,
        }
    }

    /// The G.711 law the leg speaks (PCMU until it says otherwise).
    pub(super) fn codec(&self) -> Codec {
        match self {
            Transport::Browser(leg) | Transport::Page { leg: Some(leg), .. } => {
                leg.codec().unwrap_or(Codec::Pcmu)
            }
            Transport::Phone {
                media: Some((sender, _)),
                ..
            } => sender.codec(),
            _ => Codec::Pcmu,
        }
    }

    /// Sends 20 ms of audio; false when the leg has no media to send it on.
    pub(super) async fn send_audio(&mut self, audio: &[u8]) -> bool {
        if let Some(leg) = self.browser() {
            return leg.send_audio(audio, audio.len() as u32).await.is_ok();
        }
        match self {
            Transport::Phone {
                media: Some((sender, _)),
                ..
            } => sender.send_audio(audio).await.is_ok(),
            _ => false,
        }
    }

    /// One key press as RFC 4733 (`tone` long toward a phone); false when it could not be sent.
    pub(super) async fn send_key(&mut self, digit: Digit, tone: Duration) -> bool {
        if let Some(leg) = self.browser() {
            return leg.send_digit(digit).await.is_ok();
        }
        match self {
            Transport::Phone {
                media: Some((sender, _)),
                ..
            } => sender.send_digit(digit, tone).await.is_ok(),
            _ => false,
        }
    }

    /// The phone answered: its media starts toward what its answer named.
    pub(super) fn start_media(&mut self, remote: crate::trunk::RemoteMedia) {
        if let Transport::Phone { socket, media, .. } = self
            && let Some(socket) = socket.take()
        {
            *media = Some(socket.start(remote));
        }
    }

    /// The phone's trunk moved its stream or switched codec inside the call.
    pub(super) fn follow_media(&mut self, remote: crate::trunk::RemoteMedia) {
        if let Transport::Phone {
            media: Some((sender, receiver)),
            ..
        } = self
        {
            sender.follow(remote);
            receiver.follow(remote);
        }
    }

    /// The leg's signalling is over by itself (BYE received, session expired): nothing to end.
    pub(super) fn signalling_ended(&mut self) {
        if let Transport::Phone { call, .. } = self {
            *call = None;
        }
    }

    /// A browser closed: the leg is gone, but an issuer's page still hears about the ring.
    pub(super) fn browser_closed(&mut self) {
        match self {
            Transport::Page { leg, .. } => *leg = None,
            _ => *self = Transport::Idle,
        }
    }

    /// The server stopped relaying the issuer page's replies (the page went away).
    pub(super) fn replies_ended(&mut self) {
        if let Transport::Page { replies, .. } = self {
            *replies = None;
        }
    }

    /// Ends the leg and forgets it. A phone's BYE or CANCEL finishes on the trunk call's own
    /// task, so a trunk that never answers it cannot hold back the settlement.
    pub(super) async fn hang_up(&mut self) {
        match std::mem::replace(self, Transport::Idle) {
            Transport::Phone {
                call: Some(call), ..
            } => drop(call.hang_up()),
            Transport::Browser(mut leg)
            | Transport::Page {
                leg: Some(mut leg), ..
            } => {
                if let Err(error) = leg.close().await {
                    tracing::debug!(%error, "closing a browser leg");
                }
            }
            _ => {}
        }
    }
}

/// The trunk's next signalling event, or never when there is no trunk call.
pub(crate) async fn next_trunk_event(call: &mut Option<TrunkCall>) -> Option<TrunkEvent> {
    match call.as_mut() {
        Some(call) => call.next_event().await,
        None => std::future::pending().await,
    }
}

/// The trunk's next packet, or never before its media started.
pub(crate) async fn next_trunk_media(
    media: &mut Option<(RtpSender, RtpReceiver)>,
) -> Result<Received, RtpSocketError> {
    match media.as_mut() {
        Some((_, receiver)) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

/// The issuer page's next reply, or never when nothing rings.
async fn next_reply(
    replies: &mut Option<mpsc::UnboundedReceiver<IssuerReply>>,
) -> Option<IssuerReply> {
    match replies.as_mut() {
        Some(replies) => replies.recv().await,
        None => std::future::pending().await,
    }
}

/// A browser leg's next event, or never before it exists.
async fn next_browser_event(leg: &mut Option<BrowserLeg>) -> Option<BrowserEvent> {
    match leg.as_mut() {
        Some(leg) => leg.next_event().await,
        None => std::future::pending().await,
    }
}

pub(crate) async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
