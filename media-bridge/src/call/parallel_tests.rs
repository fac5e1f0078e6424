//! Ringing both (issue 11): the issuer's phone and page ring together and the first to accept
//! takes the call. Simulated time, as in `tests.rs`.

use super::*;

const CALL_ID: CallId = CallId(9);

fn grant() -> Grant {
    Grant {
        call_id: CALL_ID,
        covered_seconds: 60,
        warn_before_seconds: 10,
        last: false,
        ends_by: CoverageEnd::Guild,
    }
}

fn at(seconds: u64) -> Millis {
    Millis::from_secs(seconds)
}

struct Both {
    call: Call,
}

impl Both {
    /// Caller connected at 1 s and granted: the phone is dialled and the page rung (both
    /// give up at 46 s).
    fn granted() -> (Both, Vec<Output>) {
        let request = CallRequest {
            card_slug: "mina".into(),
            card_name: "Mina".into(),
            destination: IssuerDestination::PhoneAndBrowser,
            origin: CallerOrigin::Browser,
            caller_language: "en".into(),
        };
        let mut both = Both {
            call: Call::new(request, CallConfig::default(), Millis::ZERO),
        };
        both.at(1, Input::Connected(Leg::Caller));
        let outputs = both.at(1, Input::granted(grant()));
        (both, outputs)
    }

    /// Both ringing from 2 s.
    fn ringing() -> Both {
        let (mut both, _) = Both::granted();
        both.at(2, Input::Page(PageEvent::Ringing));
        both.at(2, Input::Ringing(Leg::Issuer));
        both
    }

    fn at(&mut self, seconds: u64, input: Input) -> Vec<Output> {
        self.call.handle(input, at(seconds));
        std::iter::from_fn(|| self.call.poll_output()).collect()
    }

    /// The settlement among `outputs`.
    fn settlement(outputs: &[Output]) -> SettleRequest {
        match outputs.last() {
            Some(Output::Settle(request)) => request.clone(),
            other => panic!("not settled last: {other:?}"),
        }
    }
}

fn progress(outputs: &[Output]) -> Vec<Progress> {
    outputs
        .iter()
        .filter_map(|output| match output {
            Output::Progress(progress) => Some(*progress),
            _ => None,
        })
        .collect()
}

#[test]
fn a_grant_dials_the_phone_and_rings_the_page_and_the_caller_hears_one_ring() {
    let (mut both, outputs) = Both::granted();
    assert_eq!(
        outputs,
        [
            Output::RingPage,
            Output::Invite(Leg::Issuer),
            Output::Progress(Progress::Calling)
        ]
    );
    let page = both.at(2, Input::Page(PageEvent::Ringing));
    let phone = both.at(3, Input::Ringing(Leg::Issuer));
    assert_eq!(progress(&page), [Progress::Ringing]);
    assert!(phone.is_empty(), "one ring shown: {phone:?}");
}

#[test]
fn the_page_accepting_first_hangs_up_the_ringing_phone_and_is_billed_alone() {
    let mut both = Both::ringing();
    let outputs = both.at(7, Input::Page(PageEvent::Accepted));
    assert_eq!(
        outputs[..3],
        [
            Output::PageTakesOver {
                hang_up_phone: true
            },
            Output::ConnectMedia,
            Output::Answered {
                call_id: CALL_ID,
                at: at(7),
                on: IssuerDestination::Browser
            }
        ]
    );
    // The page's leg is the issuer's now: its hang-up ends the call.
    let ended = both.at(30, Input::HungUp(Leg::Issuer));
    let settled = Both::settlement(&ended);
    assert_eq!(settled.answered_on, Some(IssuerDestination::Browser));
    assert_eq!(settled.phone_dropped_at, None, "the phone never picked up");
    assert_eq!(settled.picked_up_at, Some(at(7)));
    assert_eq!(settled.cause, HangupCause::IssuerHungUp);
    // The phone that was hung up on takeover is never sent a second hang-up.
    assert!(!ended.contains(&Output::Hangup {
        leg: Leg::Issuer,
        cause: HangupCause::IssuerHungUp
    }));
}

#[test]
fn the_page_accepting_while_the_phone_hears_its_prompt_bills_the_phone_until_then() {
    let mut both = Both::ringing();
    let picked_up = both.at(10, Input::Answered(Leg::Issuer));
    assert!(picked_up.contains(&Output::PickedUp {
        leg: Leg::Issuer,
        call_id: CALL_ID,
        at: at(10)
    }));
    assert!(!picked_up.contains(&Output::StopPage), "the page rings on");
    let outputs = both.at(14, Input::Page(PageEvent::Accepted));
    assert_eq!(
        outputs[..2],
        [
            Output::PageTakesOver {
                hang_up_phone: true
            },
            Output::PhoneDropped {
                call_id: CALL_ID,
                at: at(14)
            }
        ]
    );
    // The phone's 1, pressed too late, reaches a page: nothing happens.
    assert!(
        both.at(
            15,
            Input::Dtmf {
                from: Leg::Issuer,
                digit: Digit::One
            }
        )
        .iter()
        .all(|output| matches!(output, Output::SendDtmf { .. }))
    );
    let settled = Both::settlement(&both.at(40, Input::HungUp(Leg::Caller)));
    assert_eq!(settled.picked_up_at, Some(at(10)), "the phone's pick-up");
    assert_eq!(settled.phone_dropped_at, Some(at(14)));
    assert_eq!(settled.answered_at, Some(at(14)));
    assert_eq!(settled.answered_on, Some(IssuerDestination::Browser));
}

#[test]
fn one_on_the_phone_first_stops_the_page_and_a_late_accept_does_nothing() {
    let mut both = Both::ringing();
    both.at(10, Input::Answered(Leg::Issuer));
    let outputs = both.at(
        12,
        Input::Dtmf {
            from: Leg::Issuer,
            digit: Digit::One,
        },
    );
    assert_eq!(outputs[0], Output::StopPage);
    assert!(outputs.contains(&Output::Answered {
        call_id: CALL_ID,
        at: at(12),
        on: IssuerDestination::Phone
    }));
    assert!(both.at(13, Input::Page(PageEvent::Accepted)).is_empty());
    let settled = Both::settlement(&both.at(20, Input::HungUp(Leg::Issuer)));
    assert_eq!(settled.answered_on, Some(IssuerDestination::Phone));
    assert_eq!(settled.picked_up_at, Some(at(10)));
    assert_eq!(settled.phone_dropped_at, None);
}

#[test]
fn a_busy_phone_leaves_the_page_ringing_and_the_page_then_takes_the_call() {
    let mut both = Both::ringing();
    let busy = both.at(
        4,
        Input::Failed {
            leg: Leg::Issuer,
            sip_status: 486,
        },
    );
    assert_eq!(
        busy,
        [Output::PageTakesOver {
            hang_up_phone: false
        }],
        "the call goes on, ringing"
    );
    // Now the page is the issuer's leg: its events are that leg's.
    let outputs = both.at(9, Input::Connected(Leg::Issuer));
    assert!(outputs.contains(&Output::Answered {
        call_id: CALL_ID,
        at: at(9),
        on: IssuerDestination::Browser
    }));
}

#[test]
fn a_voicemail_that_picks_up_is_let_go_at_the_prompt_timeout_and_the_page_rings_on() {
    let mut both = Both::ringing();
    both.at(3, Input::Answered(Leg::Issuer));
    // The accept prompt times out 15 s after the pick-up.
    let timed_out = both.at(18, Input::Timeout);
    assert_eq!(
        timed_out,
        [
            Output::PageTakesOver {
                hang_up_phone: true
            },
            Output::PhoneDropped {
                call_id: CALL_ID,
                at: at(18)
            },
            Output::Progress(Progress::Ringing)
        ]
    );
    assert!(!both.call.is_ended());
    both.at(20, Input::Connected(Leg::Issuer));
    let settled = Both::settlement(&both.at(50, Input::HungUp(Leg::Caller)));
    assert_eq!(
        (settled.picked_up_at, settled.phone_dropped_at),
        (Some(at(3)), Some(at(18)))
    );
    assert_eq!(settled.answered_at, Some(at(20)));
}

#[test]
fn nobody_answering_stops_both_at_the_ring_timeout() {
    let mut both = Both::ringing();
    let outputs = both.at(46, Input::Timeout);
    assert_eq!(
        outputs[..3],
        [
            Output::Hangup {
                leg: Leg::Caller,
                cause: HangupCause::IssuerDidNotAnswer
            },
            Output::Hangup {
                leg: Leg::Issuer,
                cause: HangupCause::IssuerDidNotAnswer
            },
            Output::StopPage
        ]
    );
    let settled = Both::settlement(&outputs);
    assert_eq!((settled.picked_up_at, settled.answered_on), (None, None));
}

#[test]
fn declining_in_the_page_ends_the_call_but_a_page_going_away_leaves_the_phone() {
    let mut declined = Both::ringing();
    let outputs = declined.at(5, Input::Page(PageEvent::Declined));
    assert!(outputs.contains(&Output::StopPage));
    assert_eq!(
        Both::settlement(&outputs).cause,
        HangupCause::IssuerDeclined
    );

    let mut gone = Both::ringing();
    assert_eq!(gone.at(5, Input::Page(PageEvent::Gone)), [Output::StopPage]);
    // Only the phone is left: its failure is the call's.
    let busy = gone.at(
        6,
        Input::Failed {
            leg: Leg::Issuer,
            sip_status: 486,
        },
    );
    assert_eq!(Both::settlement(&busy).cause, HangupCause::IssuerBusy);
}

#[test]
fn the_page_stops_at_the_ring_timeout_while_the_phone_hears_its_prompt() {
    let mut both = Both::ringing();
    both.at(40, Input::Answered(Leg::Issuer));
    // The ring timeout (46 s) passes during the prompt (until 55 s): the page stops.
    assert_eq!(both.at(47, Input::Timeout), [Output::StopPage]);
    let outputs = both.at(
        50,
        Input::Dtmf {
            from: Leg::Issuer,
            digit: Digit::One,
        },
    );
    assert!(outputs.contains(&Output::ConnectMedia));
}

#[test]
fn the_caller_leaving_while_both_ring_ends_both() {
    let mut both = Both::ringing();
    let outputs = both.at(6, Input::HungUp(Leg::Caller));
    assert_eq!(
        outputs[..2],
        [
            Output::Hangup {
                leg: Leg::Issuer,
                cause: HangupCause::CallerHungUp
            },
            Output::StopPage
        ]
    );
    assert_eq!(Both::settlement(&outputs).cause, HangupCause::CallerHungUp);
}
