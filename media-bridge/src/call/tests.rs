//! Simulated-time scenarios: a test is a script of inputs at chosen times, and the outputs the
//! call must produce. A punctual driver is simulated by `run_until`.

use std::time::Duration;

use super::*;

const CALL_ID: CallId = CallId(7);

fn request(destination: IssuerDestination) -> CallRequest {
    CallRequest {
        card_slug: "mina".into(),
        card_name: "Mina".into(),
        destination,
        origin: CallerOrigin::Browser,
        caller_language: "ko".into(),
    }
}

fn grant(covered_seconds: u32, last: bool) -> Grant {
    Grant {
        call_id: CALL_ID,
        covered_seconds,
        warn_before_seconds: 10,
        last,
        ends_by: CoverageEnd::Guild,
    }
}

fn at(seconds: u64) -> Millis {
    Millis::from_secs(seconds)
}

struct Harness {
    call: Call,
    now: Millis,
}

impl Harness {
    fn new(destination: IssuerDestination) -> Harness {
        Harness {
            call: Call::new(request(destination), CallConfig::default(), Millis::ZERO),
            now: Millis::ZERO,
        }
    }

    fn feed(&mut self, input: Input) -> Vec<Output> {
        self.call.handle(input, self.now);
        self.drain()
    }

    fn feed_at(&mut self, when: Millis, input: Input) -> Vec<Output> {
        let mut outputs = self.run_until(when);
        outputs.extend(self.feed(input));
        outputs
    }

    fn drain(&mut self) -> Vec<Output> {
        std::iter::from_fn(|| self.call.poll_output()).collect()
    }

    /// Lets time pass until `until`, waking at every deadline like a punctual driver.
    fn run_until(&mut self, until: Millis) -> Vec<Output> {
        let mut outputs = Vec::new();
        while let Some(deadline) = self.call.next_deadline()
            && deadline <= until
        {
            self.now = deadline.max(self.now);
            outputs.extend(self.feed(Input::Timeout));
        }
        self.now = until.max(self.now);
        outputs
    }

    /// Caller connected at 1 s, granted `grant`, issuer invited and ringing at 2 s.
    fn ringing(destination: IssuerDestination, grant: Grant) -> Harness {
        let mut harness = Harness::new(destination);
        harness.feed_at(at(1), Input::Connected(Leg::Caller));
        harness.feed(Input::granted(grant));
        harness.feed_at(at(2), Input::Ringing(Leg::Issuer));
        harness
    }

    /// The issuer's phone answered at 10 s and is hearing the accept prompt.
    fn asking_issuer() -> Harness {
        let mut harness = Harness::ringing(IssuerDestination::Phone, grant(60, false));
        harness.feed_at(at(10), Input::Answered(Leg::Issuer));
        harness
    }

    /// The issuer pressed 1 at 12 s: talking, with `grant` paying.
    fn bridged(grant: Grant) -> Harness {
        let mut harness = Harness::ringing(IssuerDestination::Phone, grant);
        harness.feed_at(at(10), Input::Answered(Leg::Issuer));
        harness.feed_at(at(12), issuer_pressed(Digit::One));
        harness
    }
}

fn issuer_pressed(digit: Digit) -> Input {
    Input::Dtmf {
        from: Leg::Issuer,
        digit,
    }
}

fn caller_pressed(digit: Digit) -> Input {
    Input::Dtmf {
        from: Leg::Caller,
        digit,
    }
}

fn hangup(leg: Leg, cause: HangupCause) -> Output {
    Output::Hangup { leg, cause }
}

fn settle(
    call_id: Option<CallId>,
    picked_up_at: Option<Millis>,
    answered_at: Option<Millis>,
    ended_at: Millis,
    cause: HangupCause,
) -> Output {
    Output::Settle(SettleRequest {
        call_id,
        picked_up_at,
        answered_at,
        caller_picked_up_at: None,
        ended_at,
        cause,
        answered_on: answered_at.map(|_| IssuerDestination::Phone),
        phone_dropped_at: None,
    })
}

fn settles(outputs: &[Output]) -> usize {
    outputs
        .iter()
        .filter(|output| matches!(output, Output::Settle(_)))
        .count()
}

#[test]
fn a_connected_caller_is_authorized_before_anyone_is_called() {
    let mut harness = Harness::new(IssuerDestination::Phone);
    assert_eq!(
        harness.call.next_deadline(),
        Some(at(20)),
        "connect timeout"
    );
    let outputs = harness.feed_at(at(1), Input::Connected(Leg::Caller));
    assert_eq!(
        outputs,
        [
            Output::Authorize(request(IssuerDestination::Phone)),
            Output::Progress(Progress::Authorizing)
        ]
    );
    assert_eq!(
        harness.call.next_deadline(),
        None,
        "waiting on the authority only"
    );
}

#[test]
fn a_grant_invites_the_issuer_and_starts_the_ring_timeout() {
    let mut harness = Harness::new(IssuerDestination::Phone);
    harness.feed_at(at(1), Input::Connected(Leg::Caller));
    let outputs = harness.feed_at(at(2), Input::granted(grant(60, false)));
    assert_eq!(
        outputs,
        [
            Output::Invite(Leg::Issuer),
            Output::Progress(Progress::Calling)
        ]
    );
    assert_eq!(harness.call.next_deadline(), Some(at(47)));
    assert_eq!(
        harness.feed(Input::Ringing(Leg::Issuer)),
        [Output::Progress(Progress::Ringing)]
    );
}

#[test]
fn the_issuers_answer_plays_the_accept_prompt_and_connects_nobody_yet() {
    let mut harness = Harness::ringing(IssuerDestination::Phone, grant(60, false));
    let outputs = harness.feed_at(at(10), Input::Answered(Leg::Issuer));
    assert_eq!(
        outputs,
        [
            Output::PlayAnnouncement {
                to: Leg::Issuer,
                announcement: Announcement::AcceptPrompt
            },
            Output::PickedUp {
                leg: Leg::Issuer,
                call_id: CALL_ID,
                at: at(10)
            },
            Output::Progress(Progress::WaitingForIssuer)
        ]
    );
    assert_eq!(harness.call.next_deadline(), Some(at(25)), "accept timeout");
    assert_eq!(harness.call.answered_at(), None);
}

#[test]
fn issuer_pressing_1_connects_the_caller() {
    let mut harness = Harness::asking_issuer();
    let outputs = harness.feed_at(at(12), issuer_pressed(Digit::One));
    assert_eq!(
        outputs,
        [
            Output::ConnectMedia,
            Output::Answered {
                call_id: CALL_ID,
                at: at(12),
                on: IssuerDestination::Phone
            },
            Output::Progress(Progress::Connected {
                covered_until: at(72)
            })
        ]
    );
    assert_eq!(harness.call.answered_at(), Some(at(12)));
}

#[test]
fn other_keys_on_the_prompt_do_nothing_and_the_caller_cannot_accept() {
    let mut harness = Harness::asking_issuer();
    assert!(harness.feed(issuer_pressed(Digit::Five)).is_empty());
    assert!(harness.feed(issuer_pressed(Digit::Pound)).is_empty());
    assert!(harness.feed(caller_pressed(Digit::One)).is_empty());
    assert_eq!(harness.call.answered_at(), None);
}

#[test]
fn issuer_pressing_2_declines() {
    let mut harness = Harness::asking_issuer();
    let outputs = harness.feed_at(at(13), issuer_pressed(Digit::Two));
    let cause = HangupCause::IssuerDeclined;
    assert_eq!(
        outputs,
        [
            hangup(Leg::Caller, cause),
            hangup(Leg::Issuer, cause),
            settle(Some(CALL_ID), Some(at(10)), None, at(13), cause)
        ]
    );
    assert!(harness.call.is_ended());
}

#[test]
fn issuer_hanging_up_on_the_prompt_declines() {
    let mut harness = Harness::asking_issuer();
    let outputs = harness.feed_at(at(11), Input::HungUp(Leg::Issuer));
    let cause = HangupCause::IssuerDeclined;
    assert_eq!(
        outputs,
        [
            hangup(Leg::Caller, cause),
            settle(Some(CALL_ID), Some(at(10)), None, at(11), cause)
        ],
        "no hang-up is sent to a leg that is already gone"
    );
}

#[test]
fn silence_on_the_prompt_ends_the_call_at_the_accept_timeout() {
    let mut harness = Harness::asking_issuer();
    assert!(harness.run_until(Millis(24_999)).is_empty());
    let outputs = harness.run_until(at(30));
    let cause = HangupCause::IssuerDidNotAnswer;
    assert_eq!(
        outputs,
        [
            hangup(Leg::Caller, cause),
            hangup(Leg::Issuer, cause),
            settle(Some(CALL_ID), Some(at(10)), None, at(25), cause)
        ]
    );
    assert!(
        harness.feed(issuer_pressed(Digit::One)).is_empty(),
        "too late"
    );
}

#[test]
fn failed_invites_end_with_the_cause_their_sip_status_means() {
    for (status, cause) in [
        (486, HangupCause::IssuerBusy),
        (480, HangupCause::IssuerDidNotAnswer),
        (408, HangupCause::IssuerDidNotAnswer),
        (603, HangupCause::IssuerDeclined),
        (503, HangupCause::TrunkError { status: 503 }),
    ] {
        let mut harness = Harness::ringing(IssuerDestination::Phone, grant(60, false));
        let outputs = harness.feed_at(
            at(5),
            Input::Failed {
                leg: Leg::Issuer,
                sip_status: status,
            },
        );
        assert_eq!(
            outputs,
            [
                hangup(Leg::Caller, cause),
                settle(Some(CALL_ID), None, None, at(5), cause)
            ],
            "status {status}"
        );
    }
}

#[test]
fn a_busy_issuer_is_recorded_as_busy() {
    let mut harness = Harness::ringing(IssuerDestination::Phone, grant(60, false));
    let outputs = harness.feed(Input::Failed {
        leg: Leg::Issuer,
        sip_status: 486,
    });
    let Some(Output::Settle(settlement)) = outputs.last() else {
        panic!("no settlement in {outputs:?}");
    };
    assert_eq!(settlement.outcome(), CallOutcome::Busy);
    assert_eq!(settlement.cause.sip_status(), Some(486));
}

#[test]
fn an_issuer_who_never_answers_is_cancelled_at_the_ring_timeout() {
    let mut harness = Harness::ringing(IssuerDestination::Phone, grant(60, false));
    let outputs = harness.run_until(at(120));
    let cause = HangupCause::IssuerDidNotAnswer;
    assert_eq!(
        outputs,
        [
            hangup(Leg::Caller, cause),
            hangup(Leg::Issuer, cause),
            settle(Some(CALL_ID), None, None, at(46), cause)
        ],
        "45 s after the INVITE sent at 1 s"
    );
}

#[test]
fn a_refusal_hangs_up_the_caller_with_the_reason_and_calls_nobody() {
    let mut harness = Harness::new(IssuerDestination::Phone);
    harness.feed_at(at(1), Input::Connected(Leg::Caller));
    let outputs = harness.feed_at(at(2), Input::Refused(Refusal::NoTrunk));
    let cause = HangupCause::Refused {
        reason: Refusal::NoTrunk,
    };
    assert_eq!(
        outputs,
        [
            hangup(Leg::Caller, cause),
            settle(None, None, None, at(2), cause)
        ]
    );
}

#[test]
fn a_caller_who_never_connects_fails_at_the_connect_timeout() {
    let mut harness = Harness::new(IssuerDestination::Phone);
    let cause = HangupCause::MediaFailed;
    assert_eq!(
        harness.run_until(at(60)),
        [
            hangup(Leg::Caller, cause),
            settle(None, None, None, at(20), cause)
        ]
    );
}

#[test]
fn caller_hanging_up_while_connecting_settles_with_nothing_held() {
    let mut harness = Harness::new(IssuerDestination::Phone);
    let cause = HangupCause::CallerHungUp;
    assert_eq!(
        harness.feed_at(at(3), Input::HungUp(Leg::Caller)),
        [settle(None, None, None, at(3), cause)]
    );
}

#[test]
fn caller_hanging_up_during_authorization_releases_a_late_grant() {
    let mut harness = Harness::new(IssuerDestination::Phone);
    harness.feed_at(at(1), Input::Connected(Leg::Caller));
    assert!(
        harness
            .feed_at(at(2), Input::HungUp(Leg::Caller))
            .is_empty()
    );
    assert!(
        !harness.call.is_ended(),
        "the authority has not answered yet"
    );
    let outputs = harness.feed_at(at(4), Input::granted(grant(60, false)));
    assert_eq!(
        outputs,
        [settle(
            Some(CALL_ID),
            None,
            None,
            at(2),
            HangupCause::CallerHungUp
        )],
        "settled as of the hang-up, without inviting anyone"
    );
    assert!(harness.call.is_ended());
}

#[test]
fn caller_hanging_up_during_a_refused_authorization_settles_once() {
    let mut harness = Harness::new(IssuerDestination::Phone);
    harness.feed_at(at(1), Input::Connected(Leg::Caller));
    harness.feed_at(at(2), Input::HungUp(Leg::Caller));
    let outputs = harness.feed(Input::Refused(Refusal::OutsideHours));
    assert_eq!(
        outputs,
        [settle(None, None, None, at(2), HangupCause::CallerHungUp)]
    );
}

#[test]
fn caller_hanging_up_while_the_issuer_is_invited_cancels_the_invite() {
    let mut harness = Harness::new(IssuerDestination::Phone);
    harness.feed_at(at(1), Input::Connected(Leg::Caller));
    harness.feed(Input::granted(grant(60, false)));
    let cause = HangupCause::CallerHungUp;
    assert_eq!(
        harness.feed_at(at(2), Input::HungUp(Leg::Caller)),
        [
            hangup(Leg::Issuer, cause),
            settle(Some(CALL_ID), None, None, at(2), cause)
        ]
    );
}

#[test]
fn caller_hanging_up_while_ringing_or_asking_ends_the_issuers_leg() {
    // Hanging up on a phone that picked up still pays for the pick-up (issue 8).
    for (mut harness, picked_up_at) in [
        (
            Harness::ringing(IssuerDestination::Phone, grant(60, false)),
            None,
        ),
        (Harness::asking_issuer(), Some(at(10))),
    ] {
        let cause = HangupCause::CallerHungUp;
        assert_eq!(
            harness.feed_at(at(11), Input::HungUp(Leg::Caller)),
            [
                hangup(Leg::Issuer, cause),
                settle(Some(CALL_ID), picked_up_at, None, at(11), cause)
            ]
        );
    }
}

#[test]
fn caller_hanging_up_while_bridged_settles_the_talk_time() {
    let mut harness = Harness::bridged(grant(60, false));
    let cause = HangupCause::CallerHungUp;
    let outputs = harness.feed_at(at(42), Input::HungUp(Leg::Caller));
    assert_eq!(
        outputs,
        [
            hangup(Leg::Issuer, cause),
            settle(Some(CALL_ID), Some(at(10)), Some(at(12)), at(42), cause)
        ]
    );
    let Some(Output::Settle(settlement)) = outputs.last() else {
        panic!("no settlement");
    };
    assert_eq!(settlement.talk_seconds(), 30);
    assert_eq!(settlement.outcome(), CallOutcome::Answered);
}

#[test]
fn issuer_hanging_up_while_bridged_ends_the_callers_leg() {
    let mut harness = Harness::bridged(grant(60, false));
    let cause = HangupCause::IssuerHungUp;
    assert_eq!(
        harness.feed_at(at(30), Input::HungUp(Leg::Issuer)),
        [
            hangup(Leg::Caller, cause),
            settle(Some(CALL_ID), Some(at(10)), Some(at(12)), at(30), cause)
        ]
    );
}

#[test]
fn an_expired_trunk_session_ends_the_call_with_its_own_cause() {
    let mut harness = Harness::bridged(grant(60, false));
    let cause = HangupCause::SessionExpired;
    assert_eq!(
        harness.feed_at(at(40), Input::SessionExpired(Leg::Issuer)),
        [
            hangup(Leg::Caller, cause),
            settle(Some(CALL_ID), Some(at(10)), Some(at(12)), at(40), cause)
        ],
        "the trunk leg is gone already: only the caller is hung up"
    );
}

#[test]
fn lost_media_on_either_leg_ends_the_call() {
    let mut harness = Harness::bridged(grant(60, false));
    let cause = HangupCause::MediaFailed;
    assert_eq!(
        harness.feed_at(at(20), Input::MediaFailed(Leg::Issuer)),
        [
            hangup(Leg::Caller, cause),
            settle(Some(CALL_ID), Some(at(10)), Some(at(12)), at(20), cause)
        ]
    );
    let mut harness = Harness::bridged(grant(60, false));
    assert_eq!(
        harness.feed_at(at(20), Input::MediaFailed(Leg::Caller)),
        [
            hangup(Leg::Issuer, cause),
            settle(Some(CALL_ID), Some(at(10)), Some(at(12)), at(20), cause)
        ]
    );
}

#[test]
fn a_browser_issuer_accepting_in_the_page_connects_without_a_prompt() {
    let mut harness = Harness::ringing(IssuerDestination::Browser, grant(60, false));
    let outputs = harness.feed_at(at(8), Input::Answered(Leg::Issuer));
    assert_eq!(
        outputs,
        [
            Output::ConnectMedia,
            Output::Answered {
                call_id: CALL_ID,
                at: at(8),
                on: IssuerDestination::Browser
            },
            Output::Progress(Progress::Connected {
                covered_until: at(68)
            })
        ]
    );
}

#[test]
fn the_guild_running_out_mid_call_warns_and_hangs_up_exactly_at_70_seconds() {
    // The Guild covers 70 s of talk; intervals are 60 s, so the first extension is the last.
    let mut harness = Harness::bridged(grant(60, false));
    let answered = at(12);
    let extend_at = answered + Duration::from_secs(45);
    assert_eq!(harness.call.next_deadline(), Some(extend_at));
    assert!(harness.run_until(Millis(extend_at.0 - 1)).is_empty());
    assert_eq!(
        harness.run_until(extend_at),
        [Output::Extend { call_id: CALL_ID }]
    );
    let covered_until = answered + Duration::from_secs(70);
    assert_eq!(
        harness.feed_at(
            extend_at + Duration::from_millis(30),
            Input::Extended(ExtendDecision {
                covered_seconds: 70,
                last: true,
                ends_by: CoverageEnd::Guild,
            })
        ),
        [Output::Progress(Progress::Covered {
            covered_until,
            last: true,
        })]
    );
    let warn_at = answered + Duration::from_secs(60);
    assert_eq!(harness.call.next_deadline(), Some(warn_at));
    assert_eq!(
        harness.run_until(warn_at),
        [
            Output::PlayWarning { to: Leg::Caller },
            Output::PlayWarning { to: Leg::Issuer }
        ]
    );
    assert!(harness.run_until(Millis(covered_until.0 - 1)).is_empty());
    let cause = HangupCause::GuildExhausted;
    assert_eq!(
        harness.run_until(covered_until),
        [
            hangup(Leg::Caller, cause),
            hangup(Leg::Issuer, cause),
            settle(
                Some(CALL_ID),
                Some(at(10)),
                Some(answered),
                covered_until,
                cause
            )
        ]
    );
}

#[test]
fn a_late_driver_still_settles_at_the_covered_time() {
    let mut harness = Harness::bridged(grant(30, true));
    // The driver wakes long after every deadline: warning and end still happen, in order,
    // and the call is billed up to the covered time only.
    harness.now = at(500);
    let outputs = harness.feed(Input::Timeout);
    let cause = HangupCause::GuildExhausted;
    assert_eq!(
        outputs,
        [
            Output::PlayWarning { to: Leg::Caller },
            Output::PlayWarning { to: Leg::Issuer },
            hangup(Leg::Caller, cause),
            hangup(Leg::Issuer, cause),
            settle(Some(CALL_ID), Some(at(10)), Some(at(12)), at(42), cause)
        ]
    );
}

#[test]
fn extensions_keep_the_call_going_while_the_guild_pays() {
    let mut harness = Harness::bridged(grant(60, false));
    for covered in [120, 180] {
        let outputs = harness.run_until(at(12 + covered - 60 - 15));
        assert_eq!(outputs, [Output::Extend { call_id: CALL_ID }]);
        harness.feed(Input::Extended(ExtendDecision {
            covered_seconds: covered as u32,
            last: false,
            ends_by: CoverageEnd::Guild,
        }));
    }
    assert!(!harness.call.is_ended());
    assert_eq!(harness.call.next_deadline(), Some(at(12 + 180 - 15)));
    assert!(harness.feed_at(at(150), caller_pressed(Digit::Star)).len() == 1);
}

#[test]
fn an_unanswered_extension_lapses_when_the_covered_time_ends() {
    let mut harness = Harness::bridged(grant(60, false));
    let outputs = harness.run_until(at(200));
    let cause = HangupCause::MeteringLapsed;
    assert_eq!(
        outputs,
        [
            Output::Extend { call_id: CALL_ID },
            hangup(Leg::Caller, cause),
            hangup(Leg::Issuer, cause),
            settle(Some(CALL_ID), Some(at(10)), Some(at(12)), at(72), cause)
        ]
    );
    assert!(
        harness
            .feed(Input::Extended(ExtendDecision {
                covered_seconds: 120,
                last: false,
                ends_by: CoverageEnd::Guild,
            }))
            .is_empty()
    );
}

#[test]
fn a_grant_that_is_already_the_last_warns_without_extending() {
    let mut harness = Harness::bridged(grant(25, true));
    let outputs = harness.run_until(at(100));
    assert!(
        !outputs
            .iter()
            .any(|output| matches!(output, Output::Extend { .. }))
    );
    assert_eq!(outputs[0], Output::PlayWarning { to: Leg::Caller });
    assert_eq!(
        outputs.last(),
        Some(&settle(
            Some(CALL_ID),
            Some(at(10)),
            Some(at(12)),
            at(37),
            HangupCause::GuildExhausted
        ))
    );
}

#[test]
fn the_cards_call_limit_ends_the_call_with_its_own_cause() {
    // Issue 9: a call cut by the card's longest call is not "the Guild ran out".
    let limited = Grant {
        ends_by: CoverageEnd::CallLimit,
        ..grant(25, true)
    };
    let mut harness = Harness::bridged(limited);
    let outputs = harness.run_until(at(100));
    assert_eq!(outputs[0], Output::PlayWarning { to: Leg::Caller });
    assert_eq!(
        outputs.last(),
        Some(&settle(
            Some(CALL_ID),
            Some(at(10)),
            Some(at(12)),
            at(37),
            HangupCause::CallLimit
        ))
    );

    // The same when the limit comes with an extension.
    let mut harness = Harness::bridged(grant(60, false));
    harness.run_until(at(57));
    harness.feed_at(
        at(58),
        Input::Extended(ExtendDecision {
            covered_seconds: 90,
            last: true,
            ends_by: CoverageEnd::CallLimit,
        }),
    );
    let outputs = harness.run_until(at(200));
    assert_eq!(
        outputs.last(),
        Some(&settle(
            Some(CALL_ID),
            Some(at(10)),
            Some(at(12)),
            at(102),
            HangupCause::CallLimit
        ))
    );
}

#[test]
fn dtmf_is_forwarded_both_ways_once_bridged() {
    let mut harness = Harness::bridged(grant(60, false));
    assert_eq!(
        harness.feed(caller_pressed(Digit::Three)),
        [Output::SendDtmf {
            to: Leg::Issuer,
            digit: Digit::Three
        }]
    );
    assert_eq!(
        harness.feed(issuer_pressed(Digit::Pound)),
        [Output::SendDtmf {
            to: Leg::Caller,
            digit: Digit::Pound
        }]
    );
    // A 1 or 2 from the issuer is no longer a decision, just a key for the caller's IVR.
    assert_eq!(
        harness.feed(issuer_pressed(Digit::Two)),
        [Output::SendDtmf {
            to: Leg::Caller,
            digit: Digit::Two
        }]
    );
}

#[test]
fn caller_keys_before_the_bridge_reach_nobody() {
    let mut harness = Harness::ringing(IssuerDestination::Phone, grant(60, false));
    assert!(harness.feed(caller_pressed(Digit::Nine)).is_empty());
}

#[test]
fn both_legs_hanging_up_at_once_settle_exactly_once() {
    let mut harness = Harness::bridged(grant(60, false));
    harness.now = at(30);
    harness.call.handle(Input::HungUp(Leg::Caller), harness.now);
    harness.call.handle(Input::HungUp(Leg::Issuer), harness.now);
    let outputs = harness.drain();
    let cause = HangupCause::CallerHungUp;
    assert_eq!(
        outputs,
        [
            hangup(Leg::Issuer, cause),
            settle(Some(CALL_ID), Some(at(10)), Some(at(12)), at(30), cause)
        ],
        "the first hang-up decides the cause"
    );
}

#[test]
fn inputs_after_the_end_are_ignored() {
    let mut harness = Harness::bridged(grant(60, false));
    harness.feed_at(at(20), Input::HungUp(Leg::Caller));
    assert!(harness.call.is_ended());
    assert_eq!(harness.call.next_deadline(), None);
    for input in [
        Input::Connected(Leg::Caller),
        Input::HungUp(Leg::Caller),
        Input::granted(grant(60, false)),
        Input::Refused(Refusal::NoRate),
        Input::Ringing(Leg::Issuer),
        Input::Answered(Leg::Issuer),
        Input::Failed {
            leg: Leg::Issuer,
            sip_status: 486,
        },
        Input::HungUp(Leg::Issuer),
        Input::MediaFailed(Leg::Issuer),
        issuer_pressed(Digit::One),
        caller_pressed(Digit::One),
        Input::Extended(ExtendDecision {
            covered_seconds: 999,
            last: false,
            ends_by: CoverageEnd::Guild,
        }),
        Input::Timeout,
    ] {
        assert!(
            harness.feed_at(at(1_000), input.clone()).is_empty(),
            "{input:?}"
        );
    }
    assert_eq!(harness.call.answered_at(), Some(at(12)));
}

#[test]
fn unasked_answers_from_the_authority_are_ignored() {
    let mut harness = Harness::new(IssuerDestination::Phone);
    assert!(harness.feed(Input::granted(grant(60, false))).is_empty());
    assert!(harness.feed(Input::Refused(Refusal::NoRate)).is_empty());
    let mut harness = Harness::bridged(grant(60, false));
    assert!(
        harness
            .feed(Input::Extended(ExtendDecision {
                covered_seconds: 5,
                last: true,
                ends_by: CoverageEnd::Guild,
            }))
            .is_empty(),
        "no extension was asked for"
    );
    assert_eq!(harness.call.next_deadline(), Some(at(12 + 45)));
}

#[test]
fn time_handed_in_out_of_order_never_runs_backwards() {
    let mut harness = Harness::asking_issuer();
    harness.call.handle(Input::Timeout, at(24));
    // A stale timestamp from another task must not make the accept window longer.
    harness.call.handle(issuer_pressed(Digit::Five), at(3));
    harness.call.handle(Input::Timeout, at(25));
    let outputs = harness.drain();
    assert_eq!(settles(&outputs), 1);
    assert_eq!(
        outputs.last(),
        Some(&settle(
            Some(CALL_ID),
            Some(at(10)),
            None,
            at(25),
            HangupCause::IssuerDidNotAnswer
        ))
    );
}
