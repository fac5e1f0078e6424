//! Log-in and sign-up throttling (BRIEF R1, R18).
//!
//! Model of a log-in: an attempt names an account (the e-mail typed, whether or not it exists)
//! and comes from an address. It counts against three keys, each with its own limit of failed
//! attempts per window:
//! - the account from that address, at `login_max_failures`: one guesser stops quickly;
//! - the account from anywhere, higher: guessing spread over many addresses stops too, while
//!   one stranger cannot lock the owner out with a handful of tries;
//! - the address, much higher: an office behind one NAT is not locked out by one person.
//!
//! An attempt **reserves** a place on all three keys before the password is checked, and is
//! then converted into a failure or released. Attempts in flight count against the limits, so
//! 40 wrong passwords sent at once check at most the limit of them; the rest wait.
//! A success clears the failures of the account (it proves the password is known), never
//! those of the address (or a guesser would clear its own count by logging into its own
//! account between guesses).
//!
//! Sign-up is limited per address: each one costs a memory-hard hash and brings the sign-up
//! grant, so an address gets `signup_max_per_address` attempts per window, counted on entry.
//!
//! Pure: the caller passes "now", so the rules are tested without waiting. Invariant: a key's
//! failures plus its attempts in flight never exceed its limit.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::sliding_window::{SlidingWindows, forget_older_than};

/// Keys with nothing recent are dropped once the map is this large, bounding memory under a
/// flood of distinct e-mails or addresses.
const PRUNE_ABOVE_KEYS: usize = 10_000;

/// How long to wait when the limit is taken by attempts still being checked: they end within
/// a hash's time.
const IN_FLIGHT_WAIT: Duration = Duration::from_secs(1);

/// Failed log-ins allowed per window, per key kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    pub per_account_from_address: u32,
    pub per_account: u32,
    pub per_address: u32,
}

impl LoginLimits {
    /// From the one configured number: the account from anywhere gets four times it, an
    /// address twenty times it.
    pub fn from_max_failures(max_failures: u32) -> LoginLimits {
        let max_failures = max_failures.max(1);
        LoginLimits {
            per_account_from_address: max_failures,
            per_account: max_failures.saturating_mul(4),
            per_address: max_failures.saturating_mul(20),
        }
    }

    fn of(&self, key: &Key) -> usize {
        let limit = match key {
            Key::AccountFromAddress { .. } => self.per_account_from_address,
            Key::Account(_) => self.per_account,
            Key::Address(_) => self.per_address,
        };
        limit.max(1) as usize
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    AccountFromAddress { account: String, address: String },
    Account(String),
    Address(String),
}

#[derive(Debug, Default)]
struct Counter {
    /// Oldest first; never more than the key's limit.
    failures: VecDeque<Instant>,
    in_flight: usize,
}

impl Counter {
    fn is_idle(&self) -> bool {
        self.failures.is_empty() && self.in_flight == 0
    }

    /// `Err(wait)` when failures and attempts in flight fill `limit`.
    fn room(&mut self, limit: usize, now: Instant, window: Duration) -> Result<(), Duration> {
        forget_older_than(&mut self.failures, now, window);
        if self.failures.len() + self.in_flight < limit {
            return Ok(());
        }
        match self.failures.front() {
            Some(&oldest) if self.failures.len() >= limit => {
                Err(window.saturating_sub(now.duration_since(oldest)))
            }
            _ => Err(IN_FLIGHT_WAIT),
        }
    }
}

/// The places one log-in attempt holds. Hand it back to [`LoginThrottle::failed`],
/// [`LoginThrottle::succeeded`] or [`LoginThrottle::released`].
#[derive(Debug)]
#[must_use = "a reservation holds places until it is given back"]
pub struct Reservation {
    keys: [Key; 3],
}

#[derive(Debug)]
pub struct LoginThrottle {
    limits: LoginLimits,
    window: Duration,
    counters: HashMap<Key, Counter>,
}

impl LoginThrottle {
    pub fn new(limits: LoginLimits, window: Duration) -> LoginThrottle {
        LoginThrottle {
            limits,
            window,
            counters: HashMap::new(),
        }
    }

    /// Reserves a place for one attempt at `account` from `address`, or says how long to wait.
    pub fn reserve(
        &mut self,
        account: &str,
        address: &str,
        now: Instant,
    ) -> Result<Reservation, Duration> {
        let keys = [
            Key::AccountFromAddress {
                account: account.to_string(),
                address: address.to_string(),
            },
            Key::Account(account.to_string()),
            Key::Address(address.to_string()),
        ];
        let mut longest_wait = None;
        for key in &keys {
            let limit = self.limits.of(key);
            if let Some(counter) = self.counters.get_mut(key)
                && let Err(wait) = counter.room(limit, now, self.window)
            {
                longest_wait = longest_wait.max(Some(wait));
            }
        }
        if let Some(wait) = longest_wait {
            return Err(wait);
        }
        self.prune(now);
        for key in &keys {
            self.counters.entry(key.clone()).or_default().in_flight += 1;
        }
        Ok(Reservation { keys })
    }

    /// The attempt was wrong (or given up on): its places become failures.
    pub fn failed(&mut self, reservation: Reservation, now: Instant) {
        for key in reservation.keys {
            let limit = self.limits.of(&key);
            let counter = self.counters.entry(key).or_default();
            counter.in_flight = counter.in_flight.saturating_sub(1);
            counter.failures.push_back(now);
            while counter.failures.len() > limit {
                counter.failures.pop_front();
            }
        }
    }

    /// The password was right: the account's failures are forgotten, the address's are kept.
    pub fn succeeded(&mut self, reservation: Reservation) {
        for key in reservation.keys {
            let forget = !matches!(key, Key::Address(_));
            self.release_key(key, forget);
        }
    }

    /// The attempt could not be checked (the server was busy or failed): nothing is counted.
    pub fn released(&mut self, reservation: Reservation) {
        for key in reservation.keys {
            self.release_key(key, false);
        }
    }

    fn release_key(&mut self, key: Key, forget_failures: bool) {
        if let Some(counter) = self.counters.get_mut(&key) {
            counter.in_flight = counter.in_flight.saturating_sub(1);
            if forget_failures {
                counter.failures.clear();
            }
            if counter.is_idle() {
                self.counters.remove(&key);
            }
        }
    }

    fn prune(&mut self, now: Instant) {
        if self.counters.len() > PRUNE_ABOVE_KEYS {
            let window = self.window;
            self.counters.retain(|_, counter| {
                forget_older_than(&mut counter.failures, now, window);
                !counter.is_idle()
            });
        }
    }
}

/// At most `max_per_address` sign-ups per address per window, counted when they start.
#[derive(Debug)]
pub struct SignUpThrottle {
    max_per_address: usize,
    attempts: SlidingWindows<String>,
}

impl SignUpThrottle {
    pub fn new(max_per_address: u32, window: Duration) -> SignUpThrottle {
        SignUpThrottle {
            max_per_address: max_per_address.max(1) as usize,
            attempts: SlidingWindows::new(window),
        }
    }

    /// Counts one sign-up from `address`, or says how long it must wait.
    pub fn admit(&mut self, address: &str, now: Instant) -> Result<(), Duration> {
        self.attempts
            .admit(address.to_string(), self.max_per_address, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(900);

    fn throttle(per_pair: u32, per_account: u32, per_address: u32) -> LoginThrottle {
        LoginThrottle::new(
            LoginLimits {
                per_account_from_address: per_pair,
                per_account,
                per_address,
            },
            WINDOW,
        )
    }

    fn fail(throttle: &mut LoginThrottle, account: &str, address: &str, now: Instant) {
        let reservation = throttle.reserve(account, address, now).expect("room left");
        throttle.failed(reservation, now);
    }

    #[test]
    fn refuses_after_max_failures_and_says_how_long_to_wait() {
        let mut throttle = throttle(3, 100, 100);
        let start = Instant::now();
        for i in 0..3 {
            fail(&mut throttle, "a", "ip", start + Duration::from_secs(i));
        }
        let wait = throttle
            .reserve("a", "ip", start + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, WINDOW - Duration::from_secs(10));
    }

    #[test]
    fn attempts_in_flight_count_against_the_limit() {
        let mut throttle = throttle(5, 100, 100);
        let now = Instant::now();
        let held: Vec<Reservation> = (0..5)
            .map(|_| throttle.reserve("a", "ip", now).expect("room"))
            .collect();
        for _ in 0..35 {
            assert_eq!(
                throttle.reserve("a", "ip", now).unwrap_err(),
                IN_FLIGHT_WAIT
            );
        }
        for reservation in held {
            throttle.failed(reservation, now);
        }
        let wait = throttle.reserve("a", "ip", now).unwrap_err();
        assert_eq!(wait, WINDOW, "five failures now fill the window");
    }

    #[test]
    fn a_released_attempt_gives_its_place_back_uncounted() {
        let mut throttle = throttle(1, 100, 100);
        let now = Instant::now();
        let reservation = throttle.reserve("a", "ip", now).unwrap();
        assert!(throttle.reserve("a", "ip", now).is_err());
        throttle.released(reservation);
        let reservation = throttle.reserve("a", "ip", now).expect("room again");
        throttle.released(reservation);
        assert!(throttle.counters.is_empty(), "idle keys are not kept");
    }

    #[test]
    fn one_account_locked_from_an_address_leaves_other_accounts_open_there() {
        let mut throttle = throttle(3, 12, 60);
        let now = Instant::now();
        for _ in 0..3 {
            fail(&mut throttle, "ada", "office", now);
        }
        assert!(throttle.reserve("ada", "office", now).is_err());
        let other = throttle
            .reserve("bob", "office", now)
            .expect("bob is not locked");
        throttle.succeeded(other);
        let elsewhere = throttle.reserve("ada", "home", now).expect("ada from home");
        throttle.released(elsewhere);
    }

    #[test]
    fn guessing_from_many_addresses_locks_the_account_at_its_own_limit() {
        let mut throttle = throttle(3, 6, 60);
        let now = Instant::now();
        for address in ["a", "a", "b", "b", "c", "c"] {
            fail(&mut throttle, "ada", address, now);
        }
        assert!(throttle.reserve("ada", "d", now).is_err());
        assert!(throttle.reserve("bob", "d", now).is_ok());
    }

    #[test]
    fn an_address_is_refused_at_its_higher_limit() {
        let mut throttle = throttle(3, 12, 8);
        let now = Instant::now();
        for account in 0..8 {
            fail(&mut throttle, &format!("user{account}"), "ip", now);
        }
        assert!(throttle.reserve("fresh", "ip", now).is_err());
        assert!(throttle.reserve("fresh", "other-ip", now).is_ok());
    }

    #[test]
    fn allows_again_once_failures_age_out() {
        let mut throttle = throttle(2, 100, 100);
        let start = Instant::now();
        fail(&mut throttle, "a", "ip", start);
        fail(&mut throttle, "a", "ip", start);
        let almost = start + WINDOW - Duration::from_secs(1);
        assert!(throttle.reserve("a", "ip", almost).is_err());
        assert!(throttle.reserve("a", "ip", start + WINDOW).is_ok());
    }

    #[test]
    fn success_clears_the_account_but_not_the_address() {
        let mut throttle = throttle(2, 100, 3);
        let now = Instant::now();
        fail(&mut throttle, "a", "ip", now);
        fail(&mut throttle, "b", "ip", now);
        let right = throttle.reserve("a", "ip", now).unwrap();
        throttle.succeeded(right);
        fail(&mut throttle, "a", "ip", now);
        assert!(
            throttle.reserve("c", "ip", now).is_err(),
            "the address still holds its three failures"
        );
    }

    #[test]
    fn limits_follow_the_configured_number() {
        let limits = LoginLimits::from_max_failures(5);
        assert_eq!(limits.per_account_from_address, 5);
        assert!(limits.per_account > 5);
        assert!(limits.per_address > limits.per_account);
    }

    #[test]
    fn sign_ups_are_counted_per_address() {
        let mut throttle = SignUpThrottle::new(2, Duration::from_secs(3600));
        let start = Instant::now();
        assert!(throttle.admit("ip", start).is_ok());
        assert!(throttle.admit("ip", start + Duration::from_secs(1)).is_ok());
        let wait = throttle
            .admit("ip", start + Duration::from_secs(60))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(3600 - 60));
        assert!(throttle.admit("other", start).is_ok());
        assert!(
            throttle
                .admit("ip", start + Duration::from_secs(3600))
                .is_ok()
        );
    }
}
