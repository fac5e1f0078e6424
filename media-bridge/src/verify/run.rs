//! The verification call's driver: dials the number through the trunk, carries its events,
//! key presses and deadlines into [`Verification`], and plays its prompts at 20 ms a frame.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::{Input, Outcome, Output, Progress, Verification, VerifyConfig};
use crate::bridge::{next_trunk_event, next_trunk_media, sleep_until};
use crate::dtmf::Digit;
use crate::g711::Codec;
use crate::prompts;
use crate::time::Millis;
use crate::tone::Frame;
use crate::trunk::{
    DialError, Dialer, PhoneNumber, Received, RemoteMedia, RtpSocket, RtpSocketError, TrunkEvent,
};

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("no SIP trunk is configured: phone numbers cannot be called")]
    NoTrunk,
    #[error("cannot open the call's RTP socket: {0}")]
    Rtp(#[from] RtpSocketError),
    #[error("cannot dial: {0}")]
    Dial(#[from] DialError),
}

/// Which number to call, the code to expect and the prompts' language (`ko`, `en`, …).
#[derive(Debug, Clone)]
pub struct VerificationCall {
    pub number: PhoneNumber,
    pub code: Vec<Digit>,
    pub language: String,
    /// The local IP for the call's RTP socket.
    pub rtp_ip: IpAddr,
    pub config: VerifyConfig,
}

/// Places the call and runs it to its end; `progress` follows it for the issuer's page.
/// Returns the outcome once the call is decided and hung up.
pub async fn run(
    dialer: &Dialer,
    call: VerificationCall,
    progress: watch::Sender<Progress>,
) -> Result<Outcome, VerifyError> {
    let socket = RtpSocket::bind(SocketAddr::new(call.rtp_ip, 0)).await?;
    let mut trunk = Some(dialer.dial(&call.number, socket.local_addr()?)?);
    let mut socket = Some(socket);
    let mut media = None;
    let mut codec = Codec::Pcmu;
    let started = Instant::now();
    let now = || Millis(started.elapsed().as_millis() as u64);
    let mut verification = Verification::new(call.code, call.config, now());
    let mut playing: Option<std::vec::IntoIter<Frame>> = None;
    let mut outcome = None;
    let mut pace = tokio::time::interval(Duration::from_millis(20));
    pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        while let Some(output) = verification.poll_output() {
            match output {
                Output::Progress(step) => {
                    // Followers see changes only (the channel starts at `Calling`).
                    progress.send_if_modified(|current| {
                        let changed = *current != step;
                        *current = step;
                        changed
                    });
                }
                Output::Play(prompt) => match prompts::frames(prompt, &call.language, codec) {
                    Ok(frames) => playing = Some(frames.into_iter()),
                    Err(error) => {
                        tracing::error!(%error, ?prompt, "a built-in prompt does not parse");
                        verification.handle(Input::PromptFinished, now());
                    }
                },
                Output::Decided(decided) => outcome = Some(decided),
                Output::HangUp => {
                    if let Some(trunk) = trunk.take() {
                        // The BYE or CANCEL finishes on the trunk call's own task.
                        drop(trunk.hang_up());
                    }
                }
            }
        }
        if verification.is_over() {
            break;
        }
        let deadline = verification
            .next_deadline()
            .map(|at| started + Duration::from_millis(at.0));
        let input = tokio::select! {
            event = next_trunk_event(&mut trunk) => match event {
                Some(TrunkEvent::Ringing) => Some(Input::Ringing),
                Some(TrunkEvent::Answered { remote_rtp, codec: answered, telephone_event }) => {
                    if telephone_event.is_none() {
                        tracing::warn!("the trunk refused RFC 4733 events: no code can be typed");
                    }
                    codec = answered;
                    if let Some(socket) = socket.take() {
                        media = Some(socket.start(RemoteMedia {
                            rtp: remote_rtp,
                            codec: answered,
                            telephone_event,
                        }));
                    }
                    Some(Input::Answered)
                }
                Some(TrunkEvent::MediaChanged(remote)) => {
                    // Prompts are made in the codec the trunk now takes; what is left of one
                    // playing is recoded.
                    if let Some(rest) = playing.take() {
                        let before = codec;
                        playing = Some(rest.map(|mut frame| {
                            before.recode_in_place(remote.codec, &mut frame);
                            frame
                        }).collect::<Vec<_>>().into_iter());
                    }
                    codec = remote.codec;
                    if let Some((sender, receiver)) = media.as_mut() {
                        sender.follow(remote);
                        receiver.follow(remote);
                    }
                    None
                }
                Some(TrunkEvent::Failed { status }) => Some(Input::Failed { status }),
                Some(TrunkEvent::MediaFailed { .. } | TrunkEvent::SessionExpired) => {
                    Some(Input::MediaFailed)
                }
                Some(TrunkEvent::HungUp) | None => {
                    trunk = None;
                    Some(Input::HungUp)
                }
            },
            received = next_trunk_media(&mut media) => match received {
                Ok(Received::Digit(digit)) => Some(Input::Digit(digit)),
                Ok(Received::Audio { .. }) => None,
                Err(error) => {
                    tracing::warn!(%error, "verification call's rtp failed");
                    media = None;
                    Some(Input::MediaFailed)
                }
            },
            _ = sleep_until(deadline) => Some(Input::Timeout),
            _ = pace.tick(), if playing.is_some() => {
                match playing.as_mut().and_then(Iterator::next) {
                    Some(frame) => {
                        if let Some((sender, _)) = media.as_mut()
                            && sender.send_audio(&frame).await.is_err()
                        {
                            tracing::trace!("a prompt frame was dropped");
                        }
                        None
                    }
                    None => {
                        playing = None;
                        Some(Input::PromptFinished)
                    }
                }
            }
        };
        if let Some(input) = input {
            verification.handle(input, now());
        }
    }
    // The core decides before it is over (module invariant); say so loudly if it did not.
    Ok(outcome.unwrap_or_else(|| {
        tracing::error!("a verification call ended undecided");
        Outcome::Failed
    }))
}
