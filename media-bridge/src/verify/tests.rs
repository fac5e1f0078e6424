use std::time::Duration;

use proptest::prelude::*;

use super::*;

fn code() -> Vec<Digit> {
    "4071"
        .chars()
        .map(|c| Digit::from_char(c).unwrap())
        .collect()
}

fn outputs(verification: &mut Verification) -> Vec<Output> {
    std::iter::from_fn(|| verification.poll_output()).collect()
}

fn answered() -> Verification {
    let mut verification = Verification::new(code(), VerifyConfig::default(), Millis(0));
    verification.handle(Input::Ringing, Millis(1_000));
    verification.handle(Input::Answered, Millis(3_000));
    assert_eq!(
        outputs(&mut verification),
        [
            Output::Progress(Progress::Calling),
            Output::Progress(Progress::Ringing),
            Output::Progress(Progress::WaitingForCode),
            Output::Play(Prompt::EnterCode),
        ]
    );
    verification
}

fn type_digits(verification: &mut Verification, digits: &str, at: Millis) {
    for c in digits.chars() {
        verification.handle(Input::Digit(Digit::from_char(c).unwrap()), at);
    }
}

#[test]
fn the_right_code_verifies_thanks_the_callee_and_hangs_up_after_the_prompt() {
    let mut verification = answered();
    type_digits(&mut verification, "407", Millis(8_000));
    assert_eq!(outputs(&mut verification), []);
    type_digits(&mut verification, "1", Millis(9_000));
    assert_eq!(
        outputs(&mut verification),
        [
            Output::Decided(Outcome::Verified),
            Output::Play(Prompt::CodeConfirmed)
        ]
    );
    assert!(!verification.is_over());
    verification.handle(Input::PromptFinished, Millis(11_000));
    assert_eq!(outputs(&mut verification), [Output::HangUp]);
    assert!(verification.is_over());
}

#[test]
fn a_wrong_digit_decides_at_once() {
    let mut verification = answered();
    type_digits(&mut verification, "40", Millis(8_000));
    type_digits(&mut verification, "9", Millis(8_500));
    assert_eq!(
        outputs(&mut verification),
        [
            Output::Decided(Outcome::WrongCode),
            Output::Play(Prompt::CodeWrong)
        ]
    );
    // More digits change nothing; the closing prompt's deadline hangs up.
    type_digits(&mut verification, "71", Millis(8_600));
    assert_eq!(verification.next_deadline(), Some(Millis(18_500)));
    verification.handle(Input::Timeout, Millis(18_500));
    assert_eq!(outputs(&mut verification), [Output::HangUp]);
}

#[test]
fn silence_after_the_answer_ends_as_no_code_at_the_entry_deadline() {
    let mut verification = answered();
    assert_eq!(
        verification.next_deadline(),
        Some(Millis(3_000) + Duration::from_secs(40))
    );
    verification.handle(Input::PromptFinished, Millis(9_000));
    verification.handle(Input::Timeout, Millis(43_000));
    assert_eq!(
        outputs(&mut verification),
        [Output::Decided(Outcome::NoCode), Output::HangUp]
    );
    assert!(verification.is_over());
}

#[test]
fn unanswered_calls_end_with_the_reason_the_trunk_gave() {
    for (status, outcome) in [
        (486, Outcome::Busy),
        (603, Outcome::Declined),
        (480, Outcome::NoAnswer),
        (404, Outcome::Failed),
        (503, Outcome::Failed),
    ] {
        let mut verification = Verification::new(code(), VerifyConfig::default(), Millis(0));
        verification.handle(Input::Failed { status }, Millis(2_000));
        assert_eq!(
            outputs(&mut verification),
            [
                Output::Progress(Progress::Calling),
                Output::Decided(outcome)
            ],
            "{status}"
        );
        assert!(verification.is_over());
    }
    let mut ringing = Verification::new(code(), VerifyConfig::default(), Millis(0));
    ringing.handle(Input::Ringing, Millis(500));
    ringing.handle(Input::Timeout, Millis(45_000));
    assert_eq!(
        outputs(&mut ringing)[2..],
        [Output::Decided(Outcome::NoAnswer), Output::HangUp]
    );
}

#[test]
fn digits_before_the_answer_do_not_count() {
    let mut verification = Verification::new(code(), VerifyConfig::default(), Millis(0));
    type_digits(&mut verification, "4071", Millis(100));
    verification.handle(Input::Answered, Millis(1_000));
    type_digits(&mut verification, "407", Millis(2_000));
    verification.handle(Input::HungUp, Millis(3_000));
    assert_eq!(
        outputs(&mut verification)[1..],
        [
            Output::Progress(Progress::WaitingForCode),
            Output::Play(Prompt::EnterCode),
            Output::Decided(Outcome::HungUp)
        ]
    );
}

#[test]
fn outcome_codes_read_back() {
    for outcome in Outcome::ALL {
        assert_eq!(Outcome::from_code(outcome.code()), Some(outcome));
    }
    assert_eq!(Outcome::from_code("maybe"), None);
}

fn any_input() -> impl Strategy<Value = Input> {
    prop_oneof![
        Just(Input::Ringing),
        Just(Input::Answered),
        (400u16..700).prop_map(|status| Input::Failed { status }),
        Just(Input::MediaFailed),
        Just(Input::HungUp),
        (0usize..16).prop_map(|i| Input::Digit(Digit::ALL[i])),
        Just(Input::PromptFinished),
        Just(Input::Timeout),
    ]
}

proptest! {
    /// Whatever happens, in any order: one decision, before at most one hang-up; "verified"
    /// only when the digits typed after the answer began with the code.
    #[test]
    fn one_decision_and_verified_only_for_the_code(
        inputs in proptest::collection::vec((any_input(), 0u64..5_000), 0..40)
    ) {
        let mut verification = Verification::new(code(), VerifyConfig::default(), Millis(0));
        let mut now = Millis(0);
        let mut answered = false;
        let mut typed = Vec::new();
        let mut all = Vec::new();
        for (input, step) in inputs {
            now = now + Duration::from_millis(step);
            // The driver only sends Timeout at the deadline.
            if input == Input::Timeout {
                match verification.next_deadline() {
                    Some(deadline) => now = now.max(deadline),
                    None => continue,
                }
            }
            let decided_before = all.iter().any(|o| matches!(o, Output::Decided(_)));
            if answered && !decided_before && let Input::Digit(digit) = input {
                typed.push(digit);
            }
            if input == Input::Answered && !decided_before && !answered {
                answered = true;
            }
            verification.handle(input, now);
            all.extend(outputs(&mut verification));
        }
        let decisions: Vec<Outcome> = all.iter().filter_map(|o| match o {
            Output::Decided(outcome) => Some(*outcome),
            _ => None,
        }).collect();
        prop_assert!(decisions.len() <= 1, "{all:?}");
        let hang_ups = all.iter().filter(|o| **o == Output::HangUp).count();
        prop_assert!(hang_ups <= 1);
        if let Some(position) = all.iter().position(|o| *o == Output::HangUp) {
            prop_assert!(all[..position].iter().any(|o| matches!(o, Output::Decided(_))));
        }
        if verification.is_over() {
            prop_assert_eq!(decisions.len(), 1);
        }
        if decisions == [Outcome::Verified] {
            prop_assert!(typed.starts_with(&code()), "{typed:?}");
        }
    }
}
