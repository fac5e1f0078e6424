//! The call's task: it waits on everything at once — both legs, the authority's answers, a
//! hang-up from the page, the call's next deadline and the 20 ms pace of whatever it is playing
//! or keying — feeds each as an [`Input`] with the time since the call began, and executes the
//! [`Call`]'s outputs. It decides nothing: where audio goes, when keys are sent and when a leg
//! is called are the core's outputs; each leg is a [`Transport`] that the task only drives.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::transport::{LegEvent, Transport};
use super::{Bridge, CallStatus, IssuerReply, Ring};
use crate::authority::{
    Authority, Authorized, CallId, CallRequest, CallerOrigin, CoverageEnd, ExtendDecision,
    IssuerTarget, Settlement,
};
use crate::browser::{BrowserEvent, BrowserLeg};
use crate::call::{Announcement, Call, HangupCause, Input, Leg, Output, PageEvent, Progress};
use crate::dtmf::{DialStep, DialString};
use crate::g711::Codec;
use crate::prompts::{self, Prompt};
use crate::time::Millis;
use crate::tone::{Frame, WarningTone};
use crate::trunk::{Dialer, PhoneNumber, Received, RemoteMedia, RtpSocket, TrunkCall, TrunkEvent};

/// The authority's answers, carried back into the call's task.
enum Decision {
    Authorized(Authorized),
    Refused(crate::authority::Refusal),
    Extended(Option<ExtendDecision>),
    /// How long the call may last from its answer, as the authority estimates it now.
    TalkTime(Option<u32>),
}

/// Extension keys being sent to one leg: each key as RFC 4733, then the gap; a pause waits.
struct KeySchedule {
    steps: VecDeque<DialStep>,
    next_at: Instant,
}

/// Frames being played to one leg, 20 ms at a time.
struct Playback {
    frames: Vec<Frame>,
    next: usize,
}

pub(super) struct Driver<A: Authority> {
    bridge: Arc<Bridge<A>>,
    call: Call,
    request: CallRequest,
    started: Instant,
    started_wall: SystemTime,
    /// Index 0: the caller; 1: the issuer ([`slot`]). So are the two arrays below.
    legs: [Transport; 2],
    /// Ringing both: the issuer's page, ringing beside the phone of the issuer's leg until
    /// one of them takes the call ([`Output::PageTakesOver`] moves it into the issuer's slot).
    page: Transport,
    /// Frames being played to a leg: they replace the forwarded audio toward it meanwhile.
    playing: [Option<Playback>; 2],
    /// Extension keys being sent to a leg.
    keys: [Option<KeySchedule>; 2],
    token: String,
    target: Option<IssuerTarget>,
    bridged: bool,
    /// Talk time paid for so far, from the answer (for the page and a failed extension).
    covered_secs: u32,
    /// The call's id once authorized, for the authority's estimates.
    call_id: Option<CallId>,
    /// How long the call may last from its answer, as last estimated (shown until the next
    /// estimate; dropped once the last interval is held, whose end is then known exactly).
    talk_time: Option<u32>,
    status: watch::Sender<CallStatus>,
    hang_ups: mpsc::UnboundedReceiver<()>,
}

/// Which ringing page: the issuer's leg itself, or the page ringing beside its phone.
#[derive(Debug, Clone, Copy)]
enum Which {
    Issuer,
    Fork,
}

fn slot(leg: Leg) -> usize {
    match leg {
        Leg::Caller => 0,
        Leg::Issuer => 1,
    }
}

fn other(leg: Leg) -> Leg {
    match leg {
        Leg::Caller => Leg::Issuer,
        Leg::Issuer => Leg::Caller,
    }
}

impl<A: Authority> Driver<A> {
    /// A call whose caller is `caller` (a browser that offered), or not reached yet (a
    /// callback: [`Transport::Idle`]).
    pub(super) fn new(
        bridge: Arc<Bridge<A>>,
        request: CallRequest,
        caller: Transport,
        token: String,
        status: watch::Sender<CallStatus>,
        hang_ups: mpsc::UnboundedReceiver<()>,
    ) -> Driver<A> {
        Driver {
            call: Call::new(request.clone(), bridge.config.call.clone(), Millis(0)),
            bridge,
            request,
            started: Instant::now(),
            started_wall: SystemTime::now(),
            legs: [caller, Transport::Idle],
            page: Transport::Idle,
            playing: [None, None],
            keys: [None, None],
            token,
            target: None,
            bridged: false,
            covered_secs: 0,
            call_id: None,
            talk_time: None,
            status,
            hang_ups,
        }
    }

    fn now(&self) -> Millis {
        Millis(self.started.elapsed().as_millis() as u64)
    }

    pub(super) async fn run(mut self) {
        let (decisions_sender, mut decisions) = mpsc::unbounded_channel::<Decision>();
        let mut pace = tokio::time::interval(Duration::from_millis(20));
        pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        // One timer for the core's deadline, moved only when the deadline moves: every packet
        // forwarded wakes this loop, and arming a new timer each time costs the timer wheel.
        let mut timer = Box::pin(tokio::time::sleep(Duration::ZERO));
        let mut armed: Option<Instant> = None;
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
            if let Some(deadline) = deadline
                && armed != Some(deadline)
            {
                timer.as_mut().reset(deadline);
                armed = Some(deadline);
            }
            let pacing =
                self.playing.iter().any(Option::is_some) || self.keys.iter().any(Option::is_some);
            let [caller, issuer] = &mut self.legs;
            let input = tokio::select! {
                event = caller.next_event() => self.on_leg_event(Leg::Caller, event).await,
                event = issuer.next_event() => self.on_leg_event(Leg::Issuer, event).await,
                event = self.page.next_event() => self.on_page_event(event).await,
                Some(decision) = decisions.recv() => self.on_decision(decision),
                _ = self.hang_ups.recv() => Some(Input::Cancelled),
                _ = &mut timer, if deadline.is_some() => Some(Input::Timeout),
                _ = pace.tick(), if pacing => {
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
        self.stop_page().await;
    }

    /// The page ringing beside the phone: what it does becomes an [`Input::Page`]; its audio
    /// goes nowhere until it has taken the call.
    async fn on_page_event(&mut self, event: LegEvent) -> Option<Input> {
        match event {
            LegEvent::Reply(reply) => match self.on_page_reply(Which::Fork, reply).await? {
                Input::Failed { .. } => Some(Input::Page(PageEvent::Declined)),
                _ => Some(Input::Page(PageEvent::Gone)),
            },
            LegEvent::Browser(Some(BrowserEvent::Connected)) => {
                Some(Input::Page(PageEvent::Accepted))
            }
            LegEvent::Browser(Some(BrowserEvent::Failed | BrowserEvent::Closed) | None) => {
                self.page.browser_closed();
                Some(Input::Page(PageEvent::Gone))
            }
            LegEvent::Browser(Some(_)) | LegEvent::Trunk(_) | LegEvent::Media(_) => None,
        }
    }

    /// Stops the page ringing beside the phone, and closes its browser if it had one.
    async fn stop_page(&mut self) {
        if matches!(self.page, Transport::Idle) {
            return;
        }
        self.forget_ring();
        self.page.hang_up().await;
    }

    async fn on_leg_event(&mut self, leg: Leg, event: LegEvent) -> Option<Input> {
        match event {
            LegEvent::Browser(Some(BrowserEvent::Connected)) => Some(Input::Connected(leg)),
            LegEvent::Browser(Some(BrowserEvent::Audio { payload, .. })) => {
                self.forward(leg, &payload).await;
                None
            }
            LegEvent::Browser(Some(BrowserEvent::Digit(digit))) => {
                Some(Input::Dtmf { from: leg, digit })
            }
            LegEvent::Browser(Some(BrowserEvent::Failed)) => Some(Input::MediaFailed(leg)),
            LegEvent::Browser(Some(BrowserEvent::Closed) | None) => {
                self.legs[slot(leg)].browser_closed();
                Some(Input::HungUp(leg))
            }
            LegEvent::Reply(reply) => self.on_page_reply(Which::Issuer, reply).await,
            LegEvent::Trunk(event) => self.on_trunk(leg, event),
            LegEvent::Media(Ok(Received::Audio { payload, .. })) => {
                self.forward(leg, &payload).await;
                None
            }
            LegEvent::Media(Ok(Received::Digit(digit))) => Some(Input::Dtmf { from: leg, digit }),
            LegEvent::Media(Err(error)) => {
                tracing::warn!(%error, ?leg, "trunk rtp failed");
                Some(Input::MediaFailed(leg))
            }
        }
    }

    fn on_trunk(&mut self, leg: Leg, event: Option<TrunkEvent>) -> Option<Input> {
        let transport = &mut self.legs[slot(leg)];
        Some(match event {
            Some(TrunkEvent::Ringing) => Input::Ringing(leg),
            Some(TrunkEvent::Answered {
                remote_rtp,
                codec,
                telephone_event,
            }) => {
                transport.start_media(RemoteMedia {
                    rtp: remote_rtp,
                    codec,
                    telephone_event,
                });
                Input::Answered(leg)
            }
            Some(TrunkEvent::MediaChanged(remote)) => {
                // Audio forwarded from now on is transcoded for the new codec; what is left of
                // a prompt, made in the old one, is recoded.
                let before = transport.codec();
                transport.follow_media(remote);
                if let Some(playback) = self.playing[slot(leg)].as_mut() {
                    for frame in &mut playback.frames[playback.next..] {
                        before.recode_in_place(remote.codec, frame);
                    }
                }
                return None;
            }
            Some(TrunkEvent::Failed { status }) => Input::Failed {
                leg,
                sip_status: status,
            },
            Some(TrunkEvent::MediaFailed { error }) => {
                tracing::warn!(%error, ?leg, "the trunk's answer cannot be used");
                Input::MediaFailed(leg)
            }
            Some(TrunkEvent::SessionExpired) => {
                // The trunk stopped refreshing the session: the leg is lost, and we sent BYE.
                transport.signalling_ended();
                tracing::warn!(?leg, "the trunk's session expired");
                Input::SessionExpired(leg)
            }
            Some(TrunkEvent::HungUp) | None => {
                // The signalling is over: stop waiting on it.
                transport.signalling_ended();
                Input::HungUp(leg)
            }
        })
    }

    fn on_decision(&mut self, decision: Decision) -> Option<Input> {
        Some(match decision {
            Decision::Authorized(Authorized { grant, target }) => {
                let issuer_keys = match target.phone() {
                    Some((_, Some(extension))) => DialString::parse(extension)
                        .inspect_err(|error| {
                            tracing::error!(%error, "the issuer's extension cannot be dialled")
                        })
                        .ok(),
                    _ => None,
                };
                self.target = Some(target);
                self.covered_secs = grant.covered_seconds;
                self.call_id = Some(grant.call_id);
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
                ends_by: CoverageEnd::Guild,
            }),
            Decision::TalkTime(estimate) => {
                self.show_talk_time(estimate);
                return None;
            }
        })
    }

    /// Tells the page how long the call may last, once the authority has said: only while
    /// the call runs unwarned (a warning already says when it ends).
    fn show_talk_time(&mut self, estimate: Option<u32>) {
        let running = matches!(
            *self.status.borrow(),
            CallStatus::Connected { .. } | CallStatus::Extended { .. }
        );
        if let (Some(from_answer), true) = (estimate, running) {
            self.talk_time = Some(from_answer);
            self.status.send_replace(CallStatus::Extended {
                covered_secs: self.covered_secs.saturating_sub(self.talk_secs()),
                available_secs: self.available_secs(),
            });
        }
    }

    /// Seconds the call may still last, from now, as last estimated.
    fn available_secs(&self) -> Option<u32> {
        self.talk_time
            .map(|from_answer| from_answer.saturating_sub(self.talk_secs()))
    }

    /// Asks the authority how long the call may last (R11 ¶60: the caller's clock shows that,
    /// not the interval held).
    fn estimate_talk_time(&self, decisions: &mpsc::UnboundedSender<Decision>) {
        let Some(call_id) = self.call_id else {
            return;
        };
        let authority = Arc::clone(&self.bridge.authority);
        let decisions = decisions.clone();
        tokio::spawn(async move {
            let estimate = authority.talk_time(call_id).await;
            let _ = decisions.send(Decision::TalkTime(estimate));
        });
    }

    /// Audio from `from` goes to the other leg once the call is bridged, unless that leg is
    /// hearing a prompt or being keyed. G.711 passes through when both legs agree.
    async fn forward(&mut self, from: Leg, payload: &[u8]) {
        let to = other(from);
        if !self.bridged || self.playing[slot(to)].is_some() || self.keys[slot(to)].is_some() {
            return;
        }
        let audio = transcode(
            payload,
            self.legs[slot(from)].codec(),
            self.legs[slot(to)].codec(),
        );
        if !self.legs[slot(to)].send_audio(&audio).await {
            tracing::trace!(?to, "forwarded audio dropped");
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
            if !self.legs[slot(leg)].send_audio(&frame).await {
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
                    if !self.legs[slot(leg)].send_key(digit, timing.tone).await {
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

    fn play(&mut self, leg: Leg, frames: Vec<Frame>) {
        self.playing[slot(leg)] = Some(Playback { frames, next: 0 });
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
            Output::RingPage => {
                let account_id = self.target.as_ref().and_then(IssuerTarget::page);
                match account_id.and_then(|account_id| self.ring_page(account_id)) {
                    Some(page) => {
                        self.page = page;
                        self.feed(Input::Page(PageEvent::Ringing));
                    }
                    // No dashboard open: only the phone rings.
                    None => self.feed(Input::Page(PageEvent::Gone)),
                }
            }
            Output::StopPage => self.stop_page().await,
            Output::PageTakesOver { hang_up_phone } => {
                if hang_up_phone {
                    self.legs[slot(Leg::Issuer)].hang_up().await;
                }
                self.playing[slot(Leg::Issuer)] = None;
                self.keys[slot(Leg::Issuer)] = None;
                self.legs[slot(Leg::Issuer)] = std::mem::replace(&mut self.page, Transport::Idle);
            }
            Output::Invite(Leg::Caller) => self.invite_caller().await,
            Output::SendKeys { to, keys } => {
                self.keys[slot(to)] = Some(KeySchedule {
                    steps: keys.steps().iter().copied().collect(),
                    next_at: Instant::now(),
                });
            }
            Output::PlayAnnouncement { to, announcement } => {
                let codec = self.legs[slot(to)].codec();
                let language = &self.request.caller_language;
                let frames = match (announcement, &self.request.origin) {
                    (
                        Announcement::CallbackPrompt,
                        CallerOrigin::Phone {
                            spoken, card_name, ..
                        },
                    ) => prompts::callback_request(language, card_name.get(), spoken, codec),
                    (Announcement::CallerUnreachable { cause }, _) => {
                        let prompt = match cause {
                            HangupCause::CallerBusy => Prompt::CallerBusy,
                            _ => Prompt::CallerUnreachable,
                        };
                        prompts::frames(prompt, language, codec)
                    }
                    _ => prompts::frames(Prompt::Accept, language, codec),
                };
                match frames {
                    Ok(frames) => self.play(to, frames),
                    Err(error) => tracing::error!(%error, "a prompt is unreadable"),
                }
            }
            Output::ConnectMedia => {
                self.bridged = true;
                self.playing = [None, None];
            }
            Output::PickedUp { leg, call_id, at } => {
                let authority = Arc::clone(&self.bridge.authority);
                let at = self.started_wall + Duration::from_millis(at.0);
                tokio::spawn(async move { authority.picked_up(call_id, leg, at).await });
            }
            Output::PhoneDropped { call_id, at } => {
                let authority = Arc::clone(&self.bridge.authority);
                let at = self.started_wall + Duration::from_millis(at.0);
                tokio::spawn(async move { authority.phone_dropped(call_id, at).await });
            }
            Output::Answered { call_id, at, on } => {
                let authority = Arc::clone(&self.bridge.authority);
                let at = self.started_wall + Duration::from_millis(at.0);
                tokio::spawn(async move { authority.answered(call_id, at, on).await });
            }
            Output::Extend { call_id } => self.extend(call_id, decisions),
            Output::PlayWarning { to } => {
                let frames = WarningTone::default().frames(self.legs[slot(to)].codec());
                self.play(to, frames);
                let ends_in_secs = self.covered_secs.saturating_sub(self.talk_secs());
                self.status
                    .send_replace(CallStatus::Warning { ends_in_secs });
            }
            Output::SendDtmf { to, digit } => {
                let tone = crate::browser::DIGIT_DURATION;
                if !self.legs[slot(to)].send_key(digit, tone).await {
                    tracing::debug!(?to, "a key press could not be forwarded");
                }
            }
            Output::Hangup { leg, .. } => {
                if leg == Leg::Issuer {
                    self.stop_ringing();
                }
                self.legs[slot(leg)].hang_up().await;
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
                if matches!(
                    progress,
                    Progress::Connected { .. } | Progress::Covered { last: false, .. }
                ) {
                    self.estimate_talk_time(decisions);
                }
                let status = match progress {
                    Progress::Authorizing => CallStatus::Authorizing,
                    Progress::Calling => CallStatus::Calling,
                    Progress::Ringing => CallStatus::Ringing,
                    Progress::WaitingForIssuer => CallStatus::WaitingForIssuer,
                    Progress::CallingCaller => CallStatus::CallingCaller,
                    Progress::CallerRinging => CallStatus::CallerRinging,
                    Progress::Connected { .. } => CallStatus::Connected {
                        covered_secs: self.covered_secs,
                        available_secs: None,
                    },
                    Progress::Covered { last, .. } => {
                        if last {
                            self.talk_time = None;
                        }
                        CallStatus::Extended {
                            covered_secs: self.covered_secs.saturating_sub(self.talk_secs()),
                            available_secs: self.available_secs(),
                        }
                    }
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

    /// Feeds an input of the driver's own making (a leg that could not even be called).
    fn feed(&mut self, input: Input) {
        let now = self.now();
        self.call.handle(input, now);
    }

    async fn invite_issuer(&mut self) {
        let failed = |sip_status| Input::Failed {
            leg: Leg::Issuer,
            sip_status,
        };
        let target = self.target.clone();
        let phone = target.as_ref().and_then(IssuerTarget::phone);
        let page = target.as_ref().and_then(IssuerTarget::page);
        let input = match (phone, page, self.bridge.trunk.clone()) {
            // Ringing both, this is the phone; the page rings on `RingPage`.
            (Some((number, _)), _, Some(dialer)) => match self.dial(dialer, number).await {
                Ok(phone) => {
                    self.legs[slot(Leg::Issuer)] = phone;
                    None
                }
                Err(error) => {
                    tracing::warn!(%error, "the trunk call could not be placed");
                    Some(failed(503))
                }
            },
            (Some(_), _, None) => Some(failed(503)),
            (None, Some(account_id), _) => match self.ring_page(account_id) {
                Some(page) => {
                    self.legs[slot(Leg::Issuer)] = page;
                    Some(Input::Ringing(Leg::Issuer))
                }
                // No dashboard open: nobody can answer.
                None => Some(failed(480)),
            },
            (None, None, _) => Some(failed(480)),
        };
        if let Some(input) = input {
            self.feed(input);
        }
    }

    /// Rings the dashboards of `account_id`; `None` when none is open.
    fn ring_page(&self, account_id: i64) -> Option<Transport> {
        let ring = Ring {
            call: self.token.clone(),
            card_slug: self.request.card_slug.clone(),
            card_name: self.request.card_name.clone(),
            caller_number: match &self.request.origin {
                CallerOrigin::Phone { number, .. } => Some(number.clone()),
                CallerOrigin::Browser => None,
            },
        };
        let replies = self.bridge.lines.as_ref()?.ring(account_id, ring)?;
        Some(Transport::Page {
            replies: Some(replies),
            leg: None,
        })
    }

    /// A callback's caller, on the number they typed, once the issuer accepted.
    async fn invite_caller(&mut self) {
        let (CallerOrigin::Phone { number, .. }, Some(dialer)) =
            (self.request.origin.clone(), self.bridge.trunk.clone())
        else {
            tracing::error!("a caller without a number, or no trunk to call them through");
            self.feed(Input::Failed {
                leg: Leg::Caller,
                sip_status: 503,
            });
            return;
        };
        match self.dial(dialer, &number).await {
            Ok(phone) => self.legs[slot(Leg::Caller)] = phone,
            Err(error) => {
                tracing::warn!(%error, "the caller's number could not be called");
                self.feed(Input::Failed {
                    leg: Leg::Caller,
                    sip_status: 503,
                });
            }
        }
    }

    async fn dial(
        &self,
        dialer: Arc<Dialer>,
        number: &str,
    ) -> Result<Transport, Box<dyn std::error::Error + Send + Sync>> {
        let number = PhoneNumber::parse(number)?;
        let socket =
            RtpSocket::bind(std::net::SocketAddr::new(self.bridge.config.rtp_ip, 0)).await?;
        let call: TrunkCall = dialer.dial(&number, socket.local_addr()?)?;
        Ok(Transport::phone(call, socket))
    }

    /// The transport of a ringing page: the issuer's leg, or the page ringing beside a phone.
    fn page_slot(&mut self, which: Which) -> &mut Transport {
        match which {
            Which::Issuer => &mut self.legs[slot(Leg::Issuer)],
            Which::Fork => &mut self.page,
        }
    }

    /// What a ringing page replied, as an input of the issuer's leg (the caller maps it for
    /// a page ringing beside the phone).
    async fn on_page_reply(&mut self, which: Which, reply: Option<IssuerReply>) -> Option<Input> {
        match reply {
            Some(IssuerReply::Accept { offer_sdp, answer }) => {
                let Transport::Page { leg: accepted, .. } = self.page_slot(which) else {
                    let _ = answer.send(Err("the call is no longer ringing".into()));
                    return None;
                };
                if accepted.is_some() {
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
                        if let Transport::Page { leg: accepted, .. } = self.page_slot(which) {
                            *accepted = Some(leg);
                        }
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
                self.page_slot(which).replies_ended();
                None
            }
        }
    }

    /// The issuer's dashboards stop showing this call's ring (idempotent).
    fn forget_ring(&self) {
        if let Some(account_id) = self.target.as_ref().and_then(IssuerTarget::page)
            && let Some(lines) = &self.bridge.lines
        {
            lines.stop_ringing(account_id, &self.token);
        }
    }

    fn stop_ringing(&mut self) {
        let ringing = matches!(
            self.legs[slot(Leg::Issuer)],
            Transport::Page {
                replies: Some(_),
                ..
            }
        );
        if ringing {
            self.legs[slot(Leg::Issuer)].replies_ended();
            self.forget_ring();
        }
    }
}

/// G.711 passes through when both legs agree; otherwise each byte is decoded and re-encoded.
fn transcode(payload: &[u8], from: Codec, to: Codec) -> Vec<u8> {
    let mut audio = payload.to_vec();
    from.recode_in_place(to, &mut audio);
    audio
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
