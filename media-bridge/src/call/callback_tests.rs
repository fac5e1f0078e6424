//! Callbacks (issue 10, patent ¶80-83, claims 6-7) and extensions behind a phone that
//! answered, as simulated-time scenarios: the caller's leg is a phone dialled only after the
//! issuer accepted; keys go after the extension delay, and the legs meet when the last key has
//! been heard.

use std::time::Duration;

use super::*;

const CALL_ID: CallId = CallId(9);
/// "235" at the default timing: three keys of 100 ms tone and 100 ms gap.
const THREE_KEYS: Duration = Duration::from_millis(600);

fn callback(keys: Option<&str>) -> CallRequest {
    CallRequest {
        card_slug: "mina".into(),
        card_name: "Mina".into(),
        destination: IssuerDestination::Phone,
        origin: CallerOrigin::Phone {
            number: "+821012345678".into(),
            spoken: "01012345678".into(),
            keys: keys.map(|keys| DialString::parse(keys).unwrap()),
            card_name: Default::default(),
        },
        caller_language: "ko".into(),
    }
}

fn grant() -> Grant {
    Grant {
        call_id: CALL_ID,
        covered_seconds: 120,
        warn_before_seconds: 10,
        last: false,
        ends_by: CoverageEnd::Guild,
    }
}

fn at(seconds: u64) -> Millis {
    Millis::from_secs(seconds)
}

struct Script {
    call: Call,
    now: Millis,
}

impl Script {
    fn new(request: CallRequest) -> (Script, Vec<Output>) {
        let mut script = Script {
            call: Call::new(request, CallConfig::default(), Millis::ZERO),
            now: Millis::ZERO,
        };
        let outputs = script.drain();
        (script, outputs)
    }

    fn drain(&mut self) -> Vec<Output> {
        std::iter::from_fn(|| self.call.poll_output()).collect()
    }

    /// Lets time pass to `when`, waking at every deadline, then feeds `input`.
    fn at(&mut self, when: Millis, input: Input) -> Vec<Output> {
        let mut outputs = self.run_until(when);
        self.call.handle(input, self.now);
        outputs.extend(self.drain());
        outputs
    }

    fn run_until(&mut self, until: Millis) -> Vec<Output> {
        let mut outputs = Vec::new();
        while let Some(deadline) = self.call.next_deadline()
            && deadline <= until
        {
            self.now = deadline.max(self.now);
            self.call.handle(Input::Timeout, self.now);
            outputs.extend(self.drain());
        }
        self.now = until.max(self.now);
        outputs
    }

    /// Granted at once, the issuer's phone ringing at 1 s and answered at 5 s.
    fn issuer_prompted(keys: Option<&str>) -> Script {
        let (mut script, _) = Script::new(callback(keys));
        script.at(Millis::ZERO, Input::granted(grant()));
        script.at(at(1), Input::Ringing(Leg::Issuer));
        script.at(at(5), Input::Answered(Leg::Issuer));
        script
    }

    /// A browser call whose issuer's number has extension 235: the caller connected at 0 s,
    /// granted at 1 s, the issuer's phone answered at 5 s (with what that answer emitted).
    fn browser_call_to_extension() -> (Script, Vec<Output>) {
        let request = CallRequest {
            origin: CallerOrigin::Browser,
            ..callback(None)
        };
        let (mut script, _) = Script::new(request);
        script.at(Millis::ZERO, Input::Connected(Leg::Caller));
        script.at(
            at(1),
            Input::Authorized {
                grant: grant(),
                issuer_keys: Some(DialString::parse("235").unwrap()),
            },
        );
        let answered = script.at(at(5), Input::Answered(Leg::Issuer));
        (script, answered)
    }

    /// …and the issuer pressed 1 at 8 s.
    fn caller_dialled(keys: Option<&str>) -> Script {
        let mut script = Script::issuer_prompted(keys);
        script.at(at(8), issuer_pressed(Digit::One));
        script
    }
}

fn issuer_pressed(digit: Digit) -> Input {
    Input::Dtmf {
        from: Leg::Issuer,
        digit,
    }
}

fn settlement(outputs: &[Output]) -> &SettleRequest {
    outputs
        .iter()
        .find_map(|output| match output {
            Output::Settle(request) => Some(request),
            _ => None,
        })
        .expect("the call settled")
}

fn invites(outputs: &[Output], leg: Leg) -> bool {
    outputs.contains(&Output::Invite(leg))
}

#[test]
fn a_callback_is_authorized_at_once_for_both_legs_and_rings_the_issuer_first() {
    let (mut script, outputs) = Script::new(callback(None));
    assert_eq!(
        outputs,
        [
            Output::Authorize(callback(None)),
            Output::Progress(Progress::Authorizing)
        ],
        "nothing waits for a browser to connect"
    );
    let outputs = script.at(Millis::ZERO, Input::granted(grant()));
    assert!(invites(&outputs, Leg::Issuer));
    assert!(
        !invites(&outputs, Leg::Caller),
        "the issuer is the gatekeeper"
    );
}

#[test]
fn the_issuer_hears_the_callback_prompt_and_the_caller_is_dialled_only_after_1() {
    let (mut script, _) = Script::new(callback(None));
    script.at(Millis::ZERO, Input::granted(grant()));
    let answered = script.at(at(5), Input::Answered(Leg::Issuer));
    assert!(answered.contains(&Output::PlayAnnouncement {
        to: Leg::Issuer,
        announcement: Announcement::CallbackPrompt,
    }));
    assert!(answered.contains(&Output::PickedUp {
        leg: Leg::Issuer,
        call_id: CALL_ID,
        at: at(5)
    }));
    // Keys of anybody but the issuer, or other keys, dial nobody.
    let caller_keys = script.at(
        at(6),
        Input::Dtmf {
            from: Leg::Caller,
            digit: Digit::One,
        },
    );
    let other_key = script.at(at(7), issuer_pressed(Digit::Five));
    assert!(!invites(&caller_keys, Leg::Caller) && !invites(&other_key, Leg::Caller));
    let accepted = script.at(at(8), issuer_pressed(Digit::One));
    assert_eq!(
        accepted,
        [
            Output::Invite(Leg::Caller),
            Output::Progress(Progress::CallingCaller)
        ]
    );
    let ringing = script.at(at(9), Input::Ringing(Leg::Caller));
    assert_eq!(ringing, [Output::Progress(Progress::CallerRinging)]);
}

#[test]
fn the_callers_extension_goes_after_the_delay_and_the_legs_meet_after_its_last_key() {
    let mut script = Script::caller_dialled(Some("235"));
    let picked_up = script.at(at(12), Input::Answered(Leg::Caller));
    assert!(
        !picked_up.contains(&Output::ConnectMedia),
        "the extension is not reached yet"
    );
    // Stored at once: a call settled by the sweeper or a restart bills the caller's leg from
    // here, not from the bridge after the keys.
    assert!(picked_up.contains(&Output::PickedUp {
        leg: Leg::Caller,
        call_id: CALL_ID,
        at: at(12)
    }));
    let delay = CallConfig::default().extension_delay;
    let keys = script.run_until(at(12) + delay);
    assert_eq!(
        keys,
        [Output::SendKeys {
            to: Leg::Caller,
            keys: DialString::parse("235").unwrap()
        }]
    );
    let bridged_at = at(12) + delay + THREE_KEYS;
    let before = script.run_until(bridged_at.saturating_sub(Duration::from_millis(1)));
    assert!(before.is_empty(), "{before:?}");
    let bridged = script.run_until(bridged_at);
    assert_eq!(bridged[0], Output::ConnectMedia);
    assert_eq!(
        bridged[1],
        Output::Answered {
            call_id: CALL_ID,
            at: bridged_at,
            on: IssuerDestination::Phone
        }
    );
    let ended = script.at(at(60), Input::HungUp(Leg::Caller));
    let settled = settlement(&ended);
    assert_eq!(settled.picked_up_at, Some(at(5)), "the issuer's pick-up");
    assert_eq!(settled.caller_picked_up_at, Some(at(12)));
    assert_eq!(settled.answered_at, Some(bridged_at));
    assert_eq!(settled.cause, HangupCause::CallerHungUp);
    assert_eq!(
        ended[0],
        Output::Hangup {
            leg: Leg::Issuer,
            cause: HangupCause::CallerHungUp
        }
    );
}

#[test]
fn a_caller_without_an_extension_is_bridged_as_they_answer() {
    let mut script = Script::caller_dialled(None);
    let answered = script.at(at(12), Input::Answered(Leg::Caller));
    assert_eq!(
        answered[..2],
        [
            Output::PickedUp {
                leg: Leg::Caller,
                call_id: CALL_ID,
                at: at(12)
            },
            Output::ConnectMedia
        ]
    );
    assert!(answered.contains(&Output::Answered {
        call_id: CALL_ID,
        at: at(12),
        on: IssuerDestination::Phone
    }));
}

/// The issuer who accepted hears why the caller could not be reached, then the call ends with
/// the caller's cause (issue 10: "the issuer hears why"); their leg is billed until then.
#[test]
fn a_busy_or_silent_caller_ends_the_call_with_their_own_cause_once_the_issuer_heard_it() {
    let telling = CallConfig::default().telling_why;
    let mut busy = Script::caller_dialled(None);
    let failed = busy.at(
        at(10),
        Input::Failed {
            leg: Leg::Caller,
            sip_status: 486,
        },
    );
    assert_eq!(
        failed,
        [Output::PlayAnnouncement {
            to: Leg::Issuer,
            announcement: Announcement::CallerUnreachable {
                cause: HangupCause::CallerBusy
            },
        }],
        "no hang-up for the caller's leg (no dialog left) and none yet for the issuer's"
    );
    assert_eq!(busy.call.next_deadline(), Some(at(10) + telling));
    // The failed leg's dialog closing meanwhile says nothing new.
    assert!(busy.at(at(11), Input::HungUp(Leg::Caller)).is_empty());
    let ended = busy.run_until(at(10) + telling);
    assert_eq!(
        ended[0],
        Output::Hangup {
            leg: Leg::Issuer,
            cause: HangupCause::CallerBusy
        }
    );
    let settled = settlement(&ended);
    assert_eq!(
        (settled.answered_at, settled.outcome(), settled.ended_at),
        (None, CallOutcome::Busy, at(10) + telling)
    );
    assert_eq!(
        settled.picked_up_at,
        Some(at(5)),
        "billed from the issuer's pick-up"
    );

    let mut silent = Script::caller_dialled(None);
    silent.at(at(9), Input::Ringing(Leg::Caller));
    let ring_timeout = CallConfig::default().ring_timeout;
    let gave_up = silent.run_until(at(8) + ring_timeout);
    assert_eq!(
        gave_up,
        [
            Output::Hangup {
                leg: Leg::Caller,
                cause: HangupCause::CallerDidNotAnswer
            },
            Output::PlayAnnouncement {
                to: Leg::Issuer,
                announcement: Announcement::CallerUnreachable {
                    cause: HangupCause::CallerDidNotAnswer
                },
            }
        ]
    );
    // The issuer hangs up on hearing it: the caller's cause stays the call's.
    let ended = silent.at(
        at(8) + ring_timeout + Duration::from_secs(2),
        Input::HungUp(Leg::Issuer),
    );
    let settled = settlement(&ended);
    assert_eq!(settled.cause, HangupCause::CallerDidNotAnswer);
    assert_eq!(
        settled.ended_at,
        at(8) + ring_timeout + Duration::from_secs(2)
    );
    assert_eq!(settled.outcome(), CallOutcome::NoAnswer);
    assert!(
        !ended
            .iter()
            .any(|output| matches!(output, Output::Hangup { .. }))
    );
}

#[test]
fn declining_dials_nobody() {
    let mut script = Script::issuer_prompted(None);
    let declined = script.at(at(7), issuer_pressed(Digit::Two));
    assert!(!invites(&declined, Leg::Caller));
    assert_eq!(settlement(&declined).cause, HangupCause::IssuerDeclined);

    let mut silent = Script::issuer_prompted(None);
    let accept_timeout = CallConfig::default().accept_timeout;
    let gave_up = silent.run_until(at(5) + accept_timeout);
    assert!(!invites(&gave_up, Leg::Caller));
    assert_eq!(settlement(&gave_up).cause, HangupCause::IssuerDidNotAnswer);
}

#[test]
fn the_page_can_cancel_until_the_callers_phone_rings() {
    // Before the grant: the settlement waits for the authority, then releases its grant.
    let (mut early, _) = Script::new(callback(None));
    let cancelled = early.at(Millis::ZERO, Input::Cancelled);
    assert!(cancelled.is_empty(), "{cancelled:?}");
    let released = early.at(at(1), Input::granted(grant()));
    assert_eq!(settlement(&released).call_id, Some(CALL_ID));
    assert!(!invites(&released, Leg::Issuer));

    // While the caller's phone is being called: both legs end.
    let mut dialling = Script::caller_dialled(None);
    let cancelled = dialling.at(at(9), Input::Cancelled);
    assert!(cancelled.contains(&Output::Hangup {
        leg: Leg::Caller,
        cause: HangupCause::CallerHungUp
    }));
    assert!(cancelled.contains(&Output::Hangup {
        leg: Leg::Issuer,
        cause: HangupCause::CallerHungUp
    }));

    // Once it rings, the phone is theirs to hang up.
    let mut ringing = Script::caller_dialled(None);
    ringing.at(at(9), Input::Ringing(Leg::Caller));
    assert!(ringing.at(at(10), Input::Cancelled).is_empty());
    let answered = ringing.at(at(11), Input::Answered(Leg::Caller));
    assert!(answered.contains(&Output::ConnectMedia));
}

#[test]
fn the_issuer_hanging_up_while_the_caller_is_dialled_ends_both() {
    let mut script = Script::caller_dialled(None);
    let ended = script.at(at(9), Input::HungUp(Leg::Issuer));
    assert_eq!(
        ended[0],
        Output::Hangup {
            leg: Leg::Caller,
            cause: HangupCause::IssuerHungUp
        }
    );
    let settled = settlement(&ended);
    assert_eq!(settled.picked_up_at, Some(at(5)));
    assert_eq!(settled.outcome(), CallOutcome::Failed);
}

/// Browser calls too (issue 4 item 5): a number with `;235` reaches extension 235 before the
/// accept prompt, and the issuer's keys mean nothing until the prompt plays.
#[test]
fn the_issuers_extension_is_dialled_before_the_accept_prompt() {
    let (mut script, answered) = Script::browser_call_to_extension();
    let keys = DialString::parse("235").unwrap();
    assert!(
        answered
            .iter()
            .all(|output| !matches!(output, Output::PlayAnnouncement { .. })),
        "{answered:?}"
    );
    assert!(answered.contains(&Output::PickedUp {
        leg: Leg::Issuer,
        call_id: CALL_ID,
        at: at(5)
    }));
    let early_key = script.at(at(6), issuer_pressed(Digit::One));
    assert!(!early_key.contains(&Output::ConnectMedia));
    let delay = CallConfig::default().extension_delay;
    let sent = script.run_until(at(5) + delay);
    assert_eq!(
        sent,
        [Output::SendKeys {
            to: Leg::Issuer,
            keys
        }]
    );
    let prompt_at = at(5) + delay + THREE_KEYS;
    let prompted = script.run_until(prompt_at);
    assert_eq!(
        prompted,
        [Output::PlayAnnouncement {
            to: Leg::Issuer,
            announcement: Announcement::AcceptPrompt
        }]
    );
    let accepted = script.at(
        prompt_at + Duration::from_secs(2),
        issuer_pressed(Digit::One),
    );
    assert_eq!(accepted[0], Output::ConnectMedia);
}

#[test]
fn the_accept_timeout_runs_from_the_prompt_after_an_extension() {
    let (mut script, _) = Script::browser_call_to_extension();
    let config = CallConfig::default();
    let prompt_at = at(5) + config.extension_delay + THREE_KEYS;
    let waiting = script
        .run_until((prompt_at + config.accept_timeout).saturating_sub(Duration::from_millis(1)));
    assert!(
        waiting
            .iter()
            .all(|output| !matches!(output, Output::Settle(_)))
    );
    let gave_up = script.run_until(prompt_at + config.accept_timeout);
    let settled = settlement(&gave_up);
    assert_eq!(settled.cause, HangupCause::IssuerDidNotAnswer);
    assert_eq!(settled.picked_up_at, Some(at(5)), "billed from the pick-up");
}
