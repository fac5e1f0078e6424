//! The driver: one tokio task per call that owns the call's sockets and runs its
//! [`Call`] state machine (STYLE §2: the rules live in [`crate::call`], this only carries
//! events in and executes outputs).
//!
//! [`Bridge::start_call`] answers the caller's WebRTC offer and spawns the task. The task waits
//! on everything at once — the caller's browser leg, the trunk call's signalling and RTP, the
//! authority's answers, a hang-up from the page, the call's next deadline and the 20 ms pace
//! of whatever it is playing — and feeds each as an [`Input`] with the time since the call
//! began. Outputs become actions: authority requests run as their own tasks (so the media
//! never waits on the database) and come back as inputs; media is forwarded packet by packet
//! (G.711 passes through untouched when both legs agree, else it is transcoded by
//! [`crate::g711`]); announcements and the warning tone are paced at 20 ms and replace the
//! forwarded audio toward that leg while they play.
//!
//! Invariants: the task ends only after the call settled, and it always settles with the
//! authority before it reports `Ended` — the page never shows "ended" for a call whose money
//! is still held. Hanging up the trunk leg never waits for the trunk: its BYE or CANCEL
//! finishes on the trunk call's own task (up to 32 s when the trunk never answers it), so the
//! settlement follows the hang-up at once and the call's end is the moment we hung up. Phone
//! destinations need a trunk; without one the issuer leg fails with 503 and the caller sees
//! `trunk_error`. An issuer's browser rings through [`IssuerLines`] (the
//! server's open dashboards): accepting hands the bridge that page's offer, and the issuer's
//! leg is then a second [`BrowserLeg`]; with no dashboard open the call ends as
//! `issuer_did_not_answer`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use crate::authority::{
    Authority, Authorized, CallId, CallRequest, ExtendDecision, IssuerTarget, Settlement,
};
use crate::browser::{BrowserEvent, BrowserLeg, BrowserLegConfig, BrowserLegError, ScreenedSdp};
use crate::call::{Announcement, Call, CallConfig, Input, Leg, Output, Progress};
use crate::dtmf::{DialStep, DialString};
use crate::g711::Codec;
use crate::prompts::{self, Prompt};
use crate::time::Millis;
use crate::tone::{Frame, WarningTone};
use crate::trunk::{
    Dialer, PhoneNumber, Received, RemoteMedia, RtpReceiver, RtpSender, RtpSocket, TrunkCall,
    TrunkEvent,
};

/// A call ringing an issuer's browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ring {
    /// The call's token, as the server named it in [`Bridge::start_call`].
    pub call: String,
    pub card_slug: String,
    pub card_name: String,
}

/// What the issuer's page did about a ring.
#[derive(Debug)]
pub enum IssuerReply {
    /// Accepted with the page's WebRTC offer; the bridge sends back its answer SDP (or why not).
    Accept {
        offer_sdp: String,
        answer: oneshot::Sender<Result<String, String>>,
    },
    Decline,
    HangUp,
}

/// The issuers' open dashboards, as the bridge rings them (the server implements it).
pub trait IssuerLines: Send + Sync + 'static {
    /// Rings every open dashboard of `account_id`; `None` when none is open.
    fn ring(&self, account_id: i64, ring: Ring) -> Option<mpsc::UnboundedReceiver<IssuerReply>>;
    /// The call is over for the issuer's pages (declined, given up, hung up or ended).
    fn stop_ringing(&self, account_id: i64, call: &str);
}

/// Everything a bridge needs besides the authority and the trunk.
#[derive(Debug, Clone)]
pub struct BridgeConfig {
    pub call: CallConfig,
    pub browser: BrowserLegConfig,
    /// The local IP for the trunk legs' RTP sockets (port chosen per call).
    pub rtp_ip: std::net::IpAddr,
}

/// Where a call is, for the caller's page (docs/CALLING.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallStatus {
    /// The browser leg is connecting (ICE/DTLS).
    Connecting,
    Authorizing,
    Calling,
    Ringing,
    WaitingForIssuer,
    Connected {
        covered_secs: u32,
    },
    Extended {
        covered_secs: u32,
    },
    Warning {
        ends_in_secs: u32,
    },
    /// Settled; `cause` is the [`crate::call::HangupCause`] code.
    Ended {
        cause: String,
    },
}

/// A running call as its owner (the server's signalling) holds it.
#[derive(Debug, Clone)]
pub struct LiveCall {
    pub status: watch::Receiver<CallStatus>,
    hang_up: mpsc::UnboundedSender<()>,
}

impl LiveCall {
    /// The caller's page hung up.
    pub fn hang_up(&self) {
        // The task may have ended already: then there is nothing to hang up.
        let _ = self.hang_up.send(());
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error(transparent)]
    Browser(#[from] BrowserLegError),
}

/// Calls from browsers, bridged to issuers through `trunk` under `authority`'s decisions.
pub struct Bridge<A: Authority> {
    authority: Arc<A>,
    trunk: Option<Arc<Dialer>>,
    lines: Option<Arc<dyn IssuerLines>>,
    config: BridgeConfig,
}

impl<A: Authority> Bridge<A> {
    pub fn new(
        authority: A,
        trunk: Option<Dialer>,
        lines: Option<Arc<dyn IssuerLines>>,
        config: BridgeConfig,
    ) -> Arc<Self> {
        Arc::new(Bridge {
            authority: Arc::new(authority),
            trunk: trunk.map(Arc::new),
            lines,
            config,
        })
    }

    /// The browser legs' settings: [`BrowserLegConfig::screen`] makes the [`ScreenedSdp`]
    /// that [`Bridge::start_call`] takes.
    pub fn browser_config(&self) -> &BrowserLegConfig {
        &self.config.browser
    }

    /// Calls `number` through the trunk and asks for `code` (see [`crate::verify`]); returns
    /// once the call is decided and hung up. `progress` follows it.
    pub async fn verify_number(
        &self,
        number: PhoneNumber,
        code: Vec<crate::dtmf::Digit>,
        language: &str,
        progress: watch::Sender<crate::verify::Progress>,
    ) -> Result<crate::verify::Outcome, crate::verify::VerifyError> {
        let trunk = self
            .trunk
            .as_ref()
            .ok_or(crate::verify::VerifyError::NoTrunk)?;
        let call = crate::verify::VerificationCall {
            number,
            code,
            language: language.to_owned(),
            rtp_ip: self.config.rtp_ip,
            config: crate::verify::VerifyConfig::default(),
        };
        crate::verify::run(trunk, call, progress).await
    }

    /// Answers the caller's screened offer and starts the call named `token`; returns it with
    /// the answer SDP.
    pub async fn start_call(
        self: &Arc<Self>,
        offer_sdp: &ScreenedSdp,
        request: CallRequest,
        token: String,
    ) -> Result<(LiveCall, String), BridgeError> {
        let (caller, answer) = BrowserLeg::answer(offer_sdp, &self.config.browser).await?;
        let (status_sender, status) = watch::channel(CallStatus::Connecting);
        let (hang_up, hang_ups) = mpsc::unbounded_channel();
        let driver = Driver {
            bridge: Arc::clone(self),
            call: Call::new(request.clone(), self.config.call.clone(), Millis(0)),
            request,
            started: Instant::now(),
            started_wall: SystemTime::now(),
            caller,
            trunk_call: None,
            trunk_socket: None,
            trunk_media: None,
            issuer_replies: None,
            issuer_browser: None,
            token,
            target: None,
            bridged: false,
            playing: [None, None],
            keys: [None, None],
            covered_secs: 0,
            status: status_sender,
            hang_ups,
        };
        tokio::spawn(driver.run());
        Ok((LiveCall { status, hang_up }, answer))
    }
}

/// The authority's answers, carried back into the call's task.
enum Decision {
    Authorized(Authorized),
    Refused(crate::authority::Refusal),
    Extended(Option<ExtendDecision>),
}

/// Extension keys being sent to one leg: each key as RFC 4733, then the gap; a pause waits.
struct KeySchedule {
    steps: std::collections::VecDeque<DialStep>,
    next_at: Instant,
}

/// Frames being played to one leg, 20 ms at a time.
struct Playback {
    frames: Vec<Frame>,
    next: usize,
}

struct Driver<A: Authority> {
    bridge: Arc<Bridge<A>>,
    call: Call,
    request: CallRequest,
    started: Instant,
    started_wall: SystemTime,
    caller: BrowserLeg,
    /// The trunk leg once dialled: its signalling, its socket until the answer, its media.
    trunk_call: Option<TrunkCall>,
    trunk_socket: Option<RtpSocket>,
    trunk_media: Option<(RtpSender, RtpReceiver)>,
    /// The issuer's browser: its answers to the ring, then its leg once accepted.
    issuer_replies: Option<mpsc::UnboundedReceiver<IssuerReply>>,
    issuer_browser: Option<BrowserLeg>,
    token: String,
    target: Option<IssuerTarget>,
    bridged: bool,
    /// Index 0: to the caller; 1: to the issuer.
    playing: [Option<Playback>; 2],
    /// Extension keys being sent, by the same index.
    keys: [Option<KeySchedule>; 2],
    /// Talk time paid for so far, from the answer (for the page and a failed extension).
    covered_secs: u32,
    status: watch::Sender<CallStatus>,
    hang_ups: mpsc::UnboundedReceiver<()>,
}

fn slot(leg: Leg) -> usize {
    match leg {
        Leg::Caller => 0,
        Leg::Issuer => 1,
    }
}

impl<A: Authority> Driver<A> {
    fn now(&self) -> Millis {
        Millis(self.started.elapsed().as_millis() as u64)
    }

    async fn run(mut self) {
        let (decisions_sender, mut decisions) = mpsc::unbounded_channel::<Decision>();
        let mut pace = tokio::time::interval(Duration::from_millis(20));
        pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            while let Some(output) = self.call.poll_output() {
                self.execute(output, &decisions_sender).await;
            }
            if self.call.is_ended() {
                break;
            }
            let deadline = self
                .call
                .next_deadline()
                .map(|at| self.started + Duration::from_millis(at.0));
            let playing =
                self.playing.iter().any(Option::is_some) || self.keys.iter().any(Option::is_some);
            let input = tokio::select! {
                event = self.caller.next_event() => self.on_caller(event).await,
                event = next_trunk_event(&mut self.trunk_call) => Some(self.on_trunk(event)),
                received = next_trunk_media(&mut self.trunk_media) => self.on_trunk_media(received).await,
                reply = next_reply(&mut self.issuer_replies) => self.on_issuer_reply(reply).await,
                event = next_browser_event(&mut self.issuer_browser) => self.on_issuer_browser(event).await,
                Some(decision) = decisions.recv() => Some(self.on_decision(decision)),
                _ = self.hang_ups.recv() => Some(Input::HungUp(Leg::Caller)),
                _ = sleep_until(deadline) => Some(Input::Timeout),
                _ = pace.tick(), if playing => {
                    self.play_next().await;
                    self.send_next_keys().await;
                    None
                }
            };
            if let Some(input) = input {
                let now = self.now();
                tracing::debug!(?input, at = now.0, "call input");
                self.call.handle(input, now);
            }
        }
        // Whatever way the call ended, the issuer's line forgets it (idempotent).
        self.stop_ringing();
    }

    async fn on_caller(&mut self, event: Option<BrowserEvent>) -> Option<Input> {
        match event {
            Some(BrowserEvent::Connected) => Some(Input::Connected(Leg::Caller)),
            Some(BrowserEvent::Audio { payload, .. }) => {
                self.forward_to_issuer(&payload).await;
                None
            }
            Some(BrowserEvent::Digit(digit)) => Some(Input::Dtmf {
                from: Leg::Caller,
                digit,
            }),
            Some(BrowserEvent::Failed) => Some(Input::MediaFailed(Leg::Caller)),
            Some(BrowserEvent::Closed) | None => Some(Input::HungUp(Leg::Caller)),
        }
    }

    async fn on_trunk_media(
        &mut self,
        received: Result<Received, crate::trunk::RtpSocketError>,
    ) -> Option<Input> {
        match received {
            Ok(Received::Audio { payload, .. }) => {
                self.forward_to_caller(&payload).await;
                None
            }
            Ok(Received::Digit(digit)) => Some(Input::Dtmf {
                from: Leg::Issuer,
                digit,
            }),
            Err(error) => {
                tracing::warn!(%error, "trunk rtp failed");
                Some(Input::MediaFailed(Leg::Issuer))
            }
        }
    }

    fn on_decision(&mut self, decision: Decision) -> Input {
        match decision {
            Decision::Authorized(Authorized { grant, target }) => {
                let issuer_keys = match &target {
                    IssuerTarget::Phone {
                        extension: Some(extension),
                        ..
                    } => DialString::parse(extension)
                        .inspect_err(|error| {
                            tracing::error!(%error, "the issuer's extension cannot be dialled")
                        })
                        .ok(),
                    _ => None,
                };
                self.target = Some(target);
                self.covered_secs = grant.covered_seconds;
                Input::Authorized { grant, issuer_keys }
            }
            Decision::Refused(refusal) => Input::Refused(refusal),
            Decision::Extended(Some(decision)) => {
                self.covered_secs = decision.covered_seconds;
                Input::Extended(decision)
            }
            // The engine failed: end the call when what is covered runs out.
            Decision::Extended(None) => Input::Extended(ExtendDecision {
                covered_seconds: self.covered_secs,
                last: true,
                ends_at_call_limit: false,
            }),
        }
    }

    async fn forward_to_issuer(&mut self, payload: &[u8]) {
        if !self.bridged || self.playing[slot(Leg::Issuer)].is_some() {
            return;
        }
        let from = self.caller.codec().unwrap_or(Codec::Pcmu);
        if let Some(issuer) = self.issuer_browser.as_mut() {
            let audio = transcode(payload, from, issuer.codec().unwrap_or(Codec::Pcmu));
            if let Err(error) = issuer.send_audio(&audio, audio.len() as u32).await {
                tracing::trace!(%error, "rtp to the issuer's browser dropped");
            }
            return;
        }
        if let Some((sender, _)) = self.trunk_media.as_mut() {
            let to = sender.codec();
            let audio = transcode(payload, from, to);
            if let Err(error) = sender.send_audio(&audio).await {
                tracing::trace!(%error, "rtp to the trunk dropped");
            }
        }
    }

    async fn forward_to_caller(&mut self, payload: &[u8]) {
        if !self.bridged || self.playing[slot(Leg::Caller)].is_some() {
            return;
        }
        let from = self.codec_of(Leg::Issuer);
        let to = self.caller.codec().unwrap_or(Codec::Pcmu);
        let audio = transcode(payload, from, to);
        if let Err(error) = self.caller.send_audio(&audio, audio.len() as u32).await {
            tracing::trace!(%error, "rtp to the browser dropped");
        }
    }

    async fn play_next(&mut self) {
        for leg in [Leg::Caller, Leg::Issuer] {
            let Some(playback) = self.playing[slot(leg)].as_mut() else {
                continue;
            };
            let Some(frame) = playback.frames.get(playback.next).copied() else {
                self.playing[slot(leg)] = None;
                continue;
            };
            playback.next += 1;
            let sent = match leg {
                Leg::Caller => self
                    .caller
                    .send_audio(&frame, frame.len() as u32)
                    .await
                    .is_ok(),
                Leg::Issuer => match (self.issuer_browser.as_mut(), self.trunk_media.as_mut()) {
                    (Some(issuer), _) => {
                        issuer.send_audio(&frame, frame.len() as u32).await.is_ok()
                    }
                    (None, Some((sender, _))) => sender.send_audio(&frame).await.is_ok(),
                    (None, None) => false,
                },
            };
            if !sent {
                tracing::trace!(?leg, "a prompt frame was dropped");
            }
        }
    }

    /// Sends the next due step of each leg's extension keys, on the 20 ms pace.
    async fn send_next_keys(&mut self) {
        let timing = self.bridge.config.call.key_timing;
        for leg in [Leg::Caller, Leg::Issuer] {
            let Some(schedule) = self.keys[slot(leg)].as_mut() else {
                continue;
            };
            if Instant::now() < schedule.next_at {
                continue;
            }
            let Some(step) = schedule.steps.pop_front() else {
                self.keys[slot(leg)] = None;
                continue;
            };
            let wait = match step {
                DialStep::Pause => timing.pause,
                DialStep::Key(digit) => {
                    if !self.send_key(leg, digit, timing.tone).await {
                        tracing::debug!(?leg, "an extension key could not be sent");
                    }
                    timing.gap
                }
            };
            if let Some(schedule) = self.keys[slot(leg)].as_mut() {
                schedule.next_at = Instant::now() + wait;
            }
        }
    }

    /// One key press to `leg` as RFC 4733; false when it could not be sent.
    async fn send_key(&mut self, leg: Leg, digit: crate::dtmf::Digit, tone: Duration) -> bool {
        match leg {
            Leg::Caller => self.caller.send_digit(digit).await.is_ok(),
            Leg::Issuer => match (self.issuer_browser.as_mut(), self.trunk_media.as_mut()) {
                (Some(issuer), _) => issuer.send_digit(digit).await.is_ok(),
                (None, Some((sender, _))) => sender.send_digit(digit, tone).await.is_ok(),
                (None, None) => false,
            },
        }
    }

    fn play(&mut self, leg: Leg, frames: Vec<Frame>) {
        self.playing[slot(leg)] = Some(Playback { frames, next: 0 });
    }

    fn codec_of(&self, leg: Leg) -> Codec {
        match leg {
            Leg::Caller => self.caller.codec().unwrap_or(Codec::Pcmu),
            Leg::Issuer => match (&self.issuer_browser, &self.trunk_media) {
                (Some(issuer), _) => issuer.codec().unwrap_or(Codec::Pcmu),
                (None, Some((sender, _))) => sender.codec(),
                (None, None) => Codec::Pcmu,
            },
        }
    }

    async fn execute(&mut self, output: Output, decisions: &mpsc::UnboundedSender<Decision>) {
        tracing::debug!(?output, "call output");
        match output {
            Output::Authorize(request) => {
                let authority = Arc::clone(&self.bridge.authority);
                let decisions = decisions.clone();
                tokio::spawn(async move {
                    let decision = match authority.authorize(&request).await {
                        Ok(authorized) => Decision::Authorized(authorized),
                        Err(refusal) => Decision::Refused(refusal),
                    };
                    let _ = decisions.send(decision);
                });
            }
            Output::Invite(Leg::Issuer) => self.invite_issuer().await,
            Output::Invite(Leg::Caller) => {
                // This driver answers browsers; callbacks (a phone caller) are not driven yet
                // (docs/ROADMAP.md, issue 10), and it never creates one.
                tracing::error!("a callback's caller cannot be dialled by the browser bridge");
                let now = self.now();
                self.call.handle(
                    Input::Failed {
                        leg: Leg::Caller,
                        sip_status: 503,
                    },
                    now,
                );
            }
            Output::SendKeys { to, keys } => {
                self.keys[slot(to)] = Some(KeySchedule {
                    steps: keys.steps().iter().copied().collect(),
                    next_at: Instant::now(),
                });
            }
            Output::PlayAnnouncement {
                to,
                announcement: Announcement::AcceptPrompt,
            } => {
                let codec = self.codec_of(to);
                match prompts::frames(Prompt::Accept, &self.request.caller_language, codec) {
                    Ok(frames) => self.play(to, frames),
                    Err(error) => tracing::error!(%error, "the accept prompt is unreadable"),
                }
            }
            Output::PlayAnnouncement {
                announcement: Announcement::CallbackPrompt,
                ..
            } => {
                tracing::error!("the callback prompt is not recorded yet (issue 10)");
            }
            Output::ConnectMedia => {
                self.bridged = true;
                self.playing = [None, None];
            }
            Output::PickedUp { call_id, at } => {
                let authority = Arc::clone(&self.bridge.authority);
                let at = self.started_wall + Duration::from_millis(at.0);
                tokio::spawn(async move { authority.picked_up(call_id, at).await });
            }
            Output::Answered { call_id, at } => {
                let authority = Arc::clone(&self.bridge.authority);
                let at = self.started_wall + Duration::from_millis(at.0);
                tokio::spawn(async move { authority.answered(call_id, at).await });
            }
            Output::Extend { call_id } => self.extend(call_id, decisions),
            Output::PlayWarning { to } => {
                let frames = WarningTone::default().frames(self.codec_of(to));
                self.play(to, frames);
                let ends_in_secs = self.covered_secs.saturating_sub(self.talk_secs());
                self.status
                    .send_replace(CallStatus::Warning { ends_in_secs });
            }
            Output::SendDtmf { to, digit } => {
                if !self
                    .send_key(to, digit, crate::browser::DIGIT_DURATION)
                    .await
                {
                    tracing::debug!(?to, "a key press could not be forwarded");
                }
            }
            Output::Hangup {
                leg: Leg::Caller, ..
            } => {
                if let Err(error) = self.caller.close().await {
                    tracing::debug!(%error, "closing the caller's leg");
                }
            }
            Output::Hangup {
                leg: Leg::Issuer, ..
            } => {
                if let Some(call) = self.trunk_call.take() {
                    // Not awaited: the BYE (or CANCEL) finishes on the trunk call's own task,
                    // so a trunk that never answers it cannot hold back the settlement.
                    drop(call.hang_up());
                }
                self.stop_ringing();
                if let Some(mut issuer) = self.issuer_browser.take()
                    && let Err(error) = issuer.close().await
                {
                    tracing::debug!(%error, "closing the issuer's leg");
                }
            }
            Output::Settle(request) => {
                if let Some(call_id) = request.call_id {
                    let settlement = Settlement::from_request(&request, call_id, self.started_wall);
                    self.bridge.authority.settle(settlement).await;
                }
                self.status.send_replace(CallStatus::Ended {
                    cause: request.cause.to_string(),
                });
            }
            Output::Progress(progress) => {
                let status = match progress {
                    Progress::Authorizing => CallStatus::Authorizing,
                    Progress::Calling => CallStatus::Calling,
                    Progress::Ringing => CallStatus::Ringing,
                    Progress::WaitingForIssuer => CallStatus::WaitingForIssuer,
                    // Only callbacks call the caller, and this driver runs none yet.
                    Progress::CallingCaller => CallStatus::Calling,
                    Progress::CallerRinging => CallStatus::Ringing,
                    Progress::Connected { .. } => CallStatus::Connected {
                        covered_secs: self.covered_secs,
                    },
                    Progress::Covered { .. } => CallStatus::Extended {
                        covered_secs: self.covered_secs.saturating_sub(self.talk_secs()),
                    },
                };
                self.status.send_replace(status);
            }
        }
    }

    /// Seconds talked so far (0 before the answer).
    fn talk_secs(&self) -> u32 {
        self.call
            .answered_at()
            .map_or(0, |answered| self.now().since(answered).as_secs() as u32)
    }

    fn extend(&self, call_id: CallId, decisions: &mpsc::UnboundedSender<Decision>) {
        let authority = Arc::clone(&self.bridge.authority);
        let decisions = decisions.clone();
        tokio::spawn(async move {
            let decision = authority.extend(call_id, SystemTime::now()).await;
            let _ = decisions.send(Decision::Extended(decision));
        });
    }

    async fn invite_issuer(&mut self) {
        let failed = |status| {
            Some(Input::Failed {
                leg: Leg::Issuer,
                sip_status: status,
            })
        };
        let input = match (&self.target, &self.bridge.trunk) {
            (Some(IssuerTarget::Phone { number, .. }), Some(dialer)) => {
                match self.dial(dialer.clone(), number.clone()).await {
                    Ok((call, socket)) => {
                        self.trunk_call = Some(call);
                        self.trunk_socket = Some(socket);
                        None
                    }
                    Err(error) => {
                        tracing::warn!(%error, "the trunk call could not be placed");
                        failed(503)
                    }
                }
            }
            (Some(IssuerTarget::Phone { .. }), None) => failed(503),
            (Some(IssuerTarget::Browser { account_id }), _) => {
                let ring = Ring {
                    call: self.token.clone(),
                    card_slug: self.request.card_slug.clone(),
                    card_name: self.request.card_name.clone(),
                };
                let account_id = *account_id;
                match self
                    .bridge
                    .lines
                    .as_ref()
                    .and_then(|lines| lines.ring(account_id, ring))
                {
                    Some(replies) => {
                        self.issuer_replies = Some(replies);
                        Some(Input::Ringing(Leg::Issuer))
                    }
                    // No dashboard open: nobody can answer.
                    None => failed(480),
                }
            }
            (None, _) => failed(480),
        };
        if let Some(input) = input {
            let now = self.now();
            self.call.handle(input, now);
        }
    }

    async fn dial(
        &self,
        dialer: Arc<Dialer>,
        number: String,
    ) -> Result<(TrunkCall, RtpSocket), Box<dyn std::error::Error + Send + Sync>> {
        let number = PhoneNumber::parse(&number)?;
        let socket =
            RtpSocket::bind(std::net::SocketAddr::new(self.bridge.config.rtp_ip, 0)).await?;
        let call = dialer.dial(&number, socket.local_addr()?)?;
        Ok((call, socket))
    }

    async fn on_issuer_reply(&mut self, reply: Option<IssuerReply>) -> Option<Input> {
        match reply {
            Some(IssuerReply::Accept { offer_sdp, answer }) => {
                if self.issuer_browser.is_some() {
                    let _ = answer.send(Err("the call was already accepted".into()));
                    return None;
                }
                // Screened here, in the call's task: the issuer's page is signed in, and its
                // offer is bounded by the same limits (linear, a few KB at most).
                let offer_sdp = match self.bridge.config.browser.screen(&offer_sdp) {
                    Ok(offer_sdp) => offer_sdp,
                    Err(error) => {
                        let _ = answer.send(Err(error.to_string()));
                        return None;
                    }
                };
                match BrowserLeg::answer(&offer_sdp, &self.bridge.config.browser).await {
                    Ok((leg, answer_sdp)) => {
                        self.issuer_browser = Some(leg);
                        let _ = answer.send(Ok(answer_sdp));
                        // The call connects when this leg does.
                        None
                    }
                    Err(error) => {
                        let _ = answer.send(Err(error.to_string()));
                        None
                    }
                }
            }
            Some(IssuerReply::Decline) => Some(Input::Failed {
                leg: Leg::Issuer,
                sip_status: 603,
            }),
            Some(IssuerReply::HangUp) => Some(Input::HungUp(Leg::Issuer)),
            // The server dropped the ring (the page went away): stop waiting on it.
            None => {
                self.issuer_replies = None;
                None
            }
        }
    }

    async fn on_issuer_browser(&mut self, event: Option<BrowserEvent>) -> Option<Input> {
        match event {
            Some(BrowserEvent::Connected) => Some(Input::Answered(Leg::Issuer)),
            Some(BrowserEvent::Audio { payload, .. }) => {
                self.forward_to_caller(&payload).await;
                None
            }
            Some(BrowserEvent::Digit(digit)) => Some(Input::Dtmf {
                from: Leg::Issuer,
                digit,
            }),
            Some(BrowserEvent::Failed) => Some(Input::MediaFailed(Leg::Issuer)),
            Some(BrowserEvent::Closed) | None => {
                self.issuer_browser = None;
                Some(Input::HungUp(Leg::Issuer))
            }
        }
    }

    fn stop_ringing(&mut self) {
        if self.issuer_replies.take().is_some()
            && let Some(IssuerTarget::Browser { account_id }) = &self.target
            && let Some(lines) = &self.bridge.lines
        {
            lines.stop_ringing(*account_id, &self.token);
        }
    }

    fn on_trunk(&mut self, event: Option<TrunkEvent>) -> Input {
        match event {
            Some(TrunkEvent::Ringing) => Input::Ringing(Leg::Issuer),
            Some(TrunkEvent::Answered {
                remote_rtp,
                codec,
                telephone_event,
            }) => {
                if let Some(socket) = self.trunk_socket.take() {
                    self.trunk_media = Some(socket.start(RemoteMedia {
                        rtp: remote_rtp,
                        codec,
                        telephone_event,
                    }));
                }
                Input::Answered(Leg::Issuer)
            }
            Some(TrunkEvent::Failed { status }) => Input::Failed {
                leg: Leg::Issuer,
                sip_status: status,
            },
            Some(TrunkEvent::MediaFailed { error }) => {
                tracing::warn!(%error, "the trunk's answer cannot be used");
                Input::MediaFailed(Leg::Issuer)
            }
            Some(TrunkEvent::SessionExpired) => {
                // The trunk stopped refreshing the session: the leg is lost, and we sent BYE.
                self.trunk_call = None;
                tracing::warn!("the trunk's session expired");
                Input::SessionExpired(Leg::Issuer)
            }
            Some(TrunkEvent::HungUp) | None => {
                // The signalling is over: stop waiting on it.
                self.trunk_call = None;
                Input::HungUp(Leg::Issuer)
            }
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
) -> Result<Received, crate::trunk::RtpSocketError> {
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

/// The issuer's browser leg's next event, or never before it exists.
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

/// G.711 passes through when both legs agree; otherwise each byte is decoded and re-encoded.
fn transcode(payload: &[u8], from: Codec, to: Codec) -> Vec<u8> {
    if from == to {
        return payload.to_vec();
    }
    payload
        .iter()
        .map(|&byte| to.encode(from.decode(byte)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g711_passes_through_when_the_legs_agree_and_is_transcoded_otherwise() {
        let payload = [0x00, 0x7F, 0x80, 0xFF];
        assert_eq!(transcode(&payload, Codec::Pcmu, Codec::Pcmu), payload);
        let alaw = transcode(&payload, Codec::Pcmu, Codec::Pcma);
        assert_ne!(alaw, payload);
        let back = transcode(&alaw, Codec::Pcma, Codec::Pcmu);
        for (original, round_trip) in payload.iter().zip(back) {
            let (a, b) = (
                Codec::Pcmu.decode(*original),
                Codec::Pcmu.decode(round_trip),
            );
            assert!((i32::from(a) - i32::from(b)).abs() <= i32::from(a).abs() / 8 + 16);
        }
    }
}
