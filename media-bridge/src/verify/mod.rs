//! Destination verification (issue 8, toll fraud): before a card may ring a phone number, the
//! issuer proves the number is theirs. The server shows a one-time code on the issuer's screen
//! and calls the number; whoever answers hears "enter the code shown on your screen" and types
//! it on the keypad (RFC 4733). A machine that answers a premium range hears nothing it can
//! act on, and a number nobody there controls never gets verified.
//!
//! This module is the rule of one verification call, without I/O (like [`crate::call`]): the
//! driver ([`run`]) feeds [`Input`]s with the current time and executes the [`Output`]s.
//!
//! Invariants:
//! - Exactly one [`Output::Decided`] per call, and it comes before the [`Output::HangUp`];
//!   [`Outcome::Verified`] only when the digits typed are exactly the code, in order.
//! - A wrong digit decides at once (no guessing digit by digit beyond the code's length).
//! - Exactly one [`Output::HangUp`], unless the far end ended the call itself.
//! - Every state has a deadline: an unanswered call, a silent callee and a final prompt that
//!   never ends all finish.

mod run;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::time::Duration;

pub use run::{VerificationCall, VerifyError, run};

use crate::dtmf::Digit;
use crate::prompts::Prompt;
use crate::time::Millis;

/// How long each step may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyConfig {
    /// From the INVITE to the answer.
    pub ring_timeout: Duration,
    /// From the answer to the last digit (the prompt takes about 6 s of it).
    pub entry_timeout: Duration,
    /// The closing prompt's longest run before we hang up anyway.
    pub closing_timeout: Duration,
}

impl Default for VerifyConfig {
    fn default() -> VerifyConfig {
        VerifyConfig {
            ring_timeout: Duration::from_secs(45),
            entry_timeout: Duration::from_secs(40),
            closing_timeout: Duration::from_secs(10),
        }
    }
}

/// Where a verification call is, for the issuer's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Calling,
    Ringing,
    /// Answered: the prompt plays and the code is awaited.
    WaitingForCode,
}

impl Progress {
    pub fn code(self) -> &'static str {
        match self {
            Progress::Calling => "calling",
            Progress::Ringing => "ringing",
            Progress::WaitingForCode => "waiting_for_code",
        }
    }
}

/// How a verification call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The code was typed back: the number is the issuer's.
    Verified,
    WrongCode,
    /// Answered, but the code was not typed in time.
    NoCode,
    /// Answered and hung up before typing the whole code.
    HungUp,
    NoAnswer,
    Busy,
    Declined,
    /// The trunk failed the call (any other final status), or its media could not be used.
    Failed,
}

impl Outcome {
    pub const ALL: [Outcome; 8] = [
        Outcome::Verified,
        Outcome::WrongCode,
        Outcome::NoCode,
        Outcome::HungUp,
        Outcome::NoAnswer,
        Outcome::Busy,
        Outcome::Declined,
        Outcome::Failed,
    ];

    /// The stable code stored and shown to the issuer's page.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Verified => "verified",
            Outcome::WrongCode => "wrong_code",
            Outcome::NoCode => "no_code",
            Outcome::HungUp => "hung_up",
            Outcome::NoAnswer => "no_answer",
            Outcome::Busy => "busy",
            Outcome::Declined => "declined",
            Outcome::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Outcome> {
        Outcome::ALL
            .into_iter()
            .find(|outcome| outcome.code() == code)
    }

    /// A final SIP status of an unanswered call.
    fn of_status(status: u16) -> Outcome {
        match status {
            486 | 600 => Outcome::Busy,
            603 => Outcome::Declined,
            408 | 480 | 487 => Outcome::NoAnswer,
            _ => Outcome::Failed,
        }
    }
}

/// What the driver saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Ringing,
    Answered,
    /// A final failure before the answer.
    Failed {
        status: u16,
    },
    /// The answer's media was unusable, or the session was lost.
    MediaFailed,
    /// The far end hung up.
    HungUp,
    Digit(Digit),
    /// The prompt being played has finished.
    PromptFinished,
    /// [`Verification::next_deadline`] was reached.
    Timeout,
}

/// What the driver must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Progress(Progress),
    Play(Prompt),
    Decided(Outcome),
    HangUp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Dialling,
    Ringing,
    /// Answered; `typed` digits so far.
    Entering {
        typed: usize,
    },
    /// Decided while answered: the closing prompt plays, then we hang up.
    Closing,
    Over,
}

/// One verification call of one number with one code.
#[derive(Debug, Clone)]
pub struct Verification {
    code: Vec<Digit>,
    config: VerifyConfig,
    state: State,
    deadline: Option<Millis>,
    outputs: VecDeque<Output>,
}

impl Verification {
    /// A call that has just been dialled at `now`.
    pub fn new(code: Vec<Digit>, config: VerifyConfig, now: Millis) -> Verification {
        assert!(!code.is_empty(), "a verification code has digits");
        let mut outputs = VecDeque::new();
        outputs.push_back(Output::Progress(Progress::Calling));
        Verification {
            code,
            deadline: Some(now + config.ring_timeout),
            config,
            state: State::Dialling,
            outputs,
        }
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    pub fn next_deadline(&self) -> Option<Millis> {
        self.deadline
    }

    pub fn is_over(&self) -> bool {
        self.state == State::Over
    }

    pub fn handle(&mut self, input: Input, now: Millis) {
        match (&self.state, input) {
            (State::Over, _) => {}
            (State::Dialling, Input::Ringing) => {
                self.state = State::Ringing;
                self.outputs.push_back(Output::Progress(Progress::Ringing));
            }
            (State::Dialling | State::Ringing, Input::Answered) => {
                self.state = State::Entering { typed: 0 };
                self.deadline = Some(now + self.config.entry_timeout);
                self.outputs
                    .push_back(Output::Progress(Progress::WaitingForCode));
                self.outputs.push_back(Output::Play(Prompt::EnterCode));
            }
            (State::Dialling | State::Ringing, Input::Failed { status }) => {
                self.finish_remote(Outcome::of_status(status));
            }
            (State::Dialling | State::Ringing, Input::HungUp | Input::MediaFailed) => {
                self.finish_remote(Outcome::Failed);
            }
            (State::Dialling | State::Ringing, Input::Timeout) => {
                self.decide(Outcome::NoAnswer);
                self.hang_up();
            }
            (&State::Entering { typed }, Input::Digit(digit)) => {
                if self.code[typed] != digit {
                    self.close(Outcome::WrongCode, Prompt::CodeWrong, now);
                } else if typed + 1 == self.code.len() {
                    self.close(Outcome::Verified, Prompt::CodeConfirmed, now);
                } else {
                    self.state = State::Entering { typed: typed + 1 };
                }
            }
            (State::Entering { .. }, Input::Timeout) => {
                self.decide(Outcome::NoCode);
                self.hang_up();
            }
            (State::Entering { .. }, Input::HungUp) => self.finish_remote(Outcome::HungUp),
            (State::Entering { .. }, Input::MediaFailed) => {
                self.decide(Outcome::Failed);
                self.hang_up();
            }
            (State::Closing, Input::PromptFinished | Input::Timeout) => self.hang_up(),
            (State::Closing, Input::HungUp | Input::MediaFailed) => {
                self.state = State::Over;
                self.deadline = None;
            }
            // Late or irrelevant: a digit before the answer, a second answer, the entry
            // prompt finishing (the code may still come), a failure after the answer.
            _ => {}
        }
    }

    fn decide(&mut self, outcome: Outcome) {
        self.outputs.push_back(Output::Decided(outcome));
    }

    /// Decided with the callee still on the line: tell them, then hang up.
    fn close(&mut self, outcome: Outcome, prompt: Prompt, now: Millis) {
        self.decide(outcome);
        self.state = State::Closing;
        self.deadline = Some(now + self.config.closing_timeout);
        self.outputs.push_back(Output::Play(prompt));
    }

    fn hang_up(&mut self) {
        self.outputs.push_back(Output::HangUp);
        self.state = State::Over;
        self.deadline = None;
    }

    /// The far end ended the call: nothing to hang up.
    fn finish_remote(&mut self, outcome: Outcome) {
        self.decide(outcome);
        self.state = State::Over;
        self.deadline = None;
    }
}
