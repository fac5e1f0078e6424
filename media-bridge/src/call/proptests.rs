//! Random scripts of inputs at random times: whatever the driver, the trunk and the authority
//! do, the call's invariants hold (see the module header).

use proptest::prelude::*;

use super::*;

fn any_digit() -> impl Strategy<Value = Digit> {
    prop::sample::select(Digit::ALL.to_vec())
}

fn any_leg() -> impl Strategy<Value = Leg> {
    prop_oneof![Just(Leg::Caller), Just(Leg::Issuer)]
}

fn any_refusal() -> impl Strategy<Value = Refusal> {
    prop::sample::select(Refusal::ALL.to_vec())
}

/// Every input, weighted so that scripts often get as far as a connected, metered call
/// while still meeting every failure on the way.
fn any_input() -> impl Strategy<Value = Input> {
    prop_oneof![
        4 => Just(Input::Connected(Leg::Caller)),
        1 => Just(Input::HungUp(Leg::Caller)),
        1 => Just(Input::MediaFailed(Leg::Caller)),
        4 => (0..200u32, 0..30u32, any::<bool>(), any_end(), any::<bool>()).prop_map(
            |(covered, warn, last, ends_by, extension)| {
                Input::Authorized {
                    grant: Grant {
                        call_id: CallId(1),
                        covered_seconds: covered,
                        warn_before_seconds: warn,
                        last,
                        ends_by,
                    },
                    issuer_keys: extension.then(|| DialString::parse("2,35").unwrap()),
                }
            }
        ),
        // A callback's caller's phone.
        2 => Just(Input::Ringing(Leg::Caller)),
        3 => Just(Input::Answered(Leg::Caller)),
        1 => prop::sample::select(vec![408u16, 480, 486, 503, 603])
            .prop_map(|sip_status| Input::Failed { leg: Leg::Caller, sip_status }),
        1 => Just(Input::SessionExpired(Leg::Caller)),
        1 => Just(Input::Cancelled),
        1 => any_refusal().prop_map(Input::Refused),
        2 => Just(Input::Ringing(Leg::Issuer)),
        4 => Just(Input::Answered(Leg::Issuer)),
        1 => prop::sample::select(vec![408u16, 480, 486, 500, 503, 600, 603])
            .prop_map(|sip_status| Input::Failed { leg: Leg::Issuer, sip_status }),
        1 => Just(Input::HungUp(Leg::Issuer)),
        1 => Just(Input::MediaFailed(Leg::Issuer)),
        1 => Just(Input::SessionExpired(Leg::Issuer)),
        4 => (any_leg(), any_digit()).prop_map(|(from, digit)| Input::Dtmf { from, digit }),
        3 => Just(Input::Dtmf { from: Leg::Issuer, digit: Digit::One }),
        3 => (0..300u32, any::<bool>(), any_end()).prop_map(|(covered_seconds, last, ends_by)| {
            Input::Extended(ExtendDecision {
                covered_seconds,
                last,
                ends_by,
            })
        }),
        2 => Just(Input::Timeout),
        // The page ringing beside the phone (ringing both).
        2 => prop::sample::select(vec![
            PageEvent::Ringing,
            PageEvent::Accepted,
            PageEvent::Declined,
            PageEvent::Gone,
        ])
        .prop_map(Input::Page),
    ]
}

/// What may end a last interval.
fn any_end() -> impl Strategy<Value = CoverageEnd> {
    prop::sample::select(vec![
        CoverageEnd::Guild,
        CoverageEnd::CallLimit,
        CoverageEnd::DailyCap,
    ])
}

/// Mostly the pace of signalling, sometimes a long silence that lets timeouts fire.
fn any_step() -> impl Strategy<Value = u64> {
    prop_oneof![8 => 0..3_000u64, 1 => 0..90_000u64]
}

/// The grant of the happy path.
fn happy_grant() -> Input {
    Input::granted(Grant {
        call_id: CallId(1),
        covered_seconds: 60,
        warn_before_seconds: 10,
        last: false,
        ends_by: CoverageEnd::Guild,
    })
}

fn any_destination() -> impl Strategy<Value = IssuerDestination> {
    prop_oneof![
        Just(IssuerDestination::Phone),
        Just(IssuerDestination::Browser),
        Just(IssuerDestination::PhoneAndBrowser),
    ]
}

/// What a well-behaved call may emit, checked output by output.
#[derive(Default)]
struct Observer {
    /// The caller is a phone dialled back, not a browser.
    callback: bool,
    prompt_played: bool,
    issuer_accepted: bool,
    caller_invited: bool,
    caller_answered: bool,
    cancelled: bool,
    granted: bool,
    connected: bool,
    authorize_asked: bool,
    /// The authority's first answer after it was asked: the grant's call id, or `None`.
    authority_answer: Option<Option<CallId>>,
    answered_at: Option<Millis>,
    settled: Option<SettleRequest>,
    hangups: Vec<Leg>,
    /// Ringing both: the page rings beside the phone.
    page_ringing: bool,
    page_rung: bool,
    /// The issuer's leg is a page: from the start, or since it took over.
    issuer_is_page: bool,
    /// Where the issuer was when the call connected.
    connected_on: Option<IssuerDestination>,
}

impl Observer {
    /// Notes an input fed to the call, before it is handled.
    fn saw_input(&mut self, input: &Input) {
        match input {
            Input::Answered(Leg::Caller) if self.caller_invited => self.caller_answered = true,
            Input::Cancelled => self.cancelled = true,
            _ => {}
        }
        match (input, self.issuer_is_page) {
            (
                Input::Dtmf {
                    from: Leg::Issuer,
                    digit: Digit::One,
                },
                false,
            ) if self.prompt_played => self.issuer_accepted = true,
            (Input::Answered(Leg::Issuer) | Input::Connected(Leg::Issuer), true) => {
                self.issuer_accepted = true
            }
            (Input::Page(PageEvent::Accepted), false) if self.page_ringing => {
                self.issuer_accepted = true
            }
            (Input::Authorized { grant, .. }, _)
                if self.authorize_asked && self.authority_answer.is_none() =>
            {
                self.authority_answer = Some(Some(grant.call_id));
            }
            (Input::Refused(_), _) if self.authorize_asked && self.authority_answer.is_none() => {
                self.authority_answer = Some(None);
            }
            _ => {}
        }
    }

    fn saw_output(&mut self, output: &Output) -> Result<(), TestCaseError> {
        prop_assert!(self.settled.is_none(), "{output:?} after the settlement");
        match output {
            Output::PlayAnnouncement { .. } => self.prompt_played = true,
            Output::Authorize(_) => self.authorize_asked = true,
            Output::Invite(Leg::Issuer) => self.granted = true,
            Output::Invite(Leg::Caller) => {
                prop_assert!(self.callback, "a browser caller dialled");
                prop_assert!(
                    self.issuer_accepted,
                    "the caller dialled before the issuer accepted"
                );
                prop_assert!(!self.caller_invited, "the caller dialled twice");
                self.caller_invited = true;
            }
            Output::RingPage => {
                prop_assert!(
                    matches!(self.authority_answer, Some(Some(_))),
                    "the page rang before the grant"
                );
                prop_assert!(!self.page_rung, "the page rang twice");
                self.page_rung = true;
                self.page_ringing = true;
            }
            Output::StopPage => {
                prop_assert!(self.page_ringing, "a page stopped that did not ring");
                self.page_ringing = false;
            }
            Output::PageTakesOver { .. } => {
                prop_assert!(self.page_ringing, "a page took over that did not ring");
                prop_assert!(!self.connected, "the page took over a connected call");
                self.page_ringing = false;
                self.issuer_is_page = true;
            }
            Output::ConnectMedia => {
                prop_assert!(!self.page_ringing, "connected while the page still rang");
                prop_assert!(self.issuer_accepted, "connected before the issuer accepted");
                prop_assert!(
                    !self.callback || self.caller_answered,
                    "connected before the caller's phone answered"
                );
                prop_assert!(self.granted, "connected without a grant");
                prop_assert!(!self.connected, "connected twice");
                self.connected = true;
            }
            Output::Answered { at, on, .. } => {
                prop_assert!(self.connected, "answered without connecting");
                let page = *on == IssuerDestination::Browser;
                prop_assert_eq!(page, self.issuer_is_page, "answered on the wrong leg");
                self.connected_on = Some(*on);
                prop_assert!(self.answered_at.is_none(), "answered twice");
                self.answered_at = Some(*at);
            }
            Output::Hangup { leg, cause } => {
                prop_assert!(!self.hangups.contains(leg), "{leg:?} hung up twice");
                // A leg that hung up by itself is gone: it is never sent a hang-up.
                let own_hangup = match leg {
                    Leg::Caller => HangupCause::CallerHungUp,
                    Leg::Issuer => HangupCause::IssuerHungUp,
                };
                // A cancelled callback ends its caller's leg itself (CANCEL), with the same cause.
                if !(self.cancelled && *leg == Leg::Caller) {
                    prop_assert_ne!(*cause, own_hangup, "hang-up sent to a leg that left");
                }
                self.hangups.push(*leg);
            }
            Output::Settle(settlement) => {
                prop_assert!(!self.page_ringing, "settled while the page still rang");
                prop_assert_eq!(settlement.answered_on, self.connected_on);
                if let Some(dropped_at) = settlement.phone_dropped_at {
                    prop_assert!(
                        self.issuer_is_page,
                        "a phone let go without the page taking over"
                    );
                    prop_assert!(settlement.picked_up_at.is_some_and(|at| at <= dropped_at));
                    prop_assert!(
                        dropped_at <= settlement.answered_at.unwrap_or(settlement.ended_at)
                    );
                }
                prop_assert_eq!(settlement.answered_at.is_some(), self.connected);
                prop_assert_eq!(settlement.answered_at, self.answered_at);
                if let Some(answered_at) = settlement.answered_at {
                    prop_assert!(answered_at <= settlement.ended_at);
                    // An answered call was picked up first (or at once, in a page).
                    prop_assert!(settlement.picked_up_at.is_some_and(|at| at <= answered_at));
                }
                if let Some(picked_up_at) = settlement.picked_up_at {
                    prop_assert!(picked_up_at <= settlement.ended_at);
                }
                // Only a callback's caller picks up a phone, and only after being dialled.
                if let Some(caller_picked_up_at) = settlement.caller_picked_up_at {
                    prop_assert!(self.callback && self.caller_answered);
                    prop_assert!(caller_picked_up_at <= settlement.ended_at);
                    if let Some(answered_at) = settlement.answered_at {
                        prop_assert!(caller_picked_up_at <= answered_at);
                    }
                }
                if self.callback && settlement.answered_at.is_some() {
                    prop_assert!(settlement.caller_picked_up_at.is_some());
                }
                self.settled = Some(settlement.clone());
            }
            _ => {}
        }
        Ok(())
    }
}

fn feed(
    call: &mut Call,
    observer: &mut Observer,
    input: Input,
    now: Millis,
) -> Result<(), TestCaseError> {
    // What was due by `now` happens first (as `handle` itself does), so that the observer
    // sees a prompt that starts at the very moment of a key press before the key.
    call.handle(Input::Timeout, now);
    while let Some(output) = call.poll_output() {
        observer.saw_output(&output)?;
    }
    observer.saw_input(&input);
    call.handle(input, now);
    while let Some(output) = call.poll_output() {
        observer.saw_output(&output)?;
    }
    prop_assert_eq!(call.is_ended(), observer.settled.is_some());
    if let Some(deadline) = call.next_deadline() {
        prop_assert!(!call.is_ended());
        // Deadlines already due were handled: what is left is in the future.
        prop_assert!(
            deadline > now,
            "deadline {deadline:?} left behind at {now:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn random_scripts_keep_the_call_invariants(
        destination in any_destination(),
        callback in any::<bool>(),
        happy_start in 0..=6usize,
        script in prop::collection::vec((any_input(), any_step()), 0..40),
    ) {
        let request = CallRequest {
            card_slug: "card".into(),
            card_name: "Card".into(),
            destination,
            origin: if callback {
                CallerOrigin::Phone {
                    number: "+821012345678".into(),
                    spoken: "01012345678".into(),
                    keys: Some(DialString::parse("235").unwrap()),
                    card_name: Default::default(),
                }
            } else {
                CallerOrigin::Browser
            },
            caller_language: "en".into(),
        };
        let mut observer = Observer {
            callback,
            issuer_is_page: destination == IssuerDestination::Browser,
            ..Observer::default()
        };
        let mut call = Call::new(request, CallConfig::default(), Millis::ZERO);
        while let Some(output) = call.poll_output() {
            observer.saw_output(&output)?;
        }
        let mut now = Millis::ZERO;
        // A prefix of the happy path, so that the random tail often starts deep in the call.
        // A callback is authorized at once; a browser call once the browser connected.
        let (start, then) = if callback {
            (happy_grant(), Input::Timeout)
        } else {
            (Input::Connected(Leg::Caller), happy_grant())
        };
        let happy_path = [
            start,
            then,
            Input::Ringing(Leg::Issuer),
            Input::Answered(Leg::Issuer),
            Input::Dtmf { from: Leg::Issuer, digit: Digit::One },
            Input::Answered(Leg::Caller),
        ];
        let prefix = happy_path.into_iter().take(happy_start).map(|input| (input, 500));
        for (input, step) in prefix.chain(script) {
            now = Millis(now.0 + step);
            feed(&mut call, &mut observer, input, now)?;
        }
        // However it went, hang-ups and the authority's answer always end it (a callback's
        // caller not dialled yet, or already gone, has no leg to hang up: the issuer's does;
        // ringing both, a phone hanging up leaves the page, whose hang-up then ends it).
        for input in [
            Input::HungUp(Leg::Caller),
            Input::HungUp(Leg::Issuer),
            Input::HungUp(Leg::Issuer),
            Input::Refused(Refusal::AuthorityUnavailable),
        ] {
            feed(&mut call, &mut observer, input, now)?;
        }
        prop_assert!(call.is_ended());
        // A grant is always settled (released), even one that came after the caller left.
        let settled = observer.settled.as_ref().map(|settlement| settlement.call_id);
        prop_assert_eq!(settled, Some(observer.authority_answer.flatten()));
        prop_assert_eq!(call.next_deadline(), None);
    }
}
