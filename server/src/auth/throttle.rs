//! Log-in throttling: after `max_failures` failed log-ins for one key (a client address or an
//! e-mail) within `window`, further attempts are refused until the oldest failure ages out.
//!
//! Pure: the caller passes "now", so the rules are tested without waiting.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: usize,
    window: Duration,
    failures: HashMap<String, VecDeque<Instant>>,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> LoginThrottle {
        LoginThrottle {
            max_failures: max_failures.max(1) as usize,
            window,
            failures: HashMap::new(),
        }
    }

    /// `Err(wait)` when `key` must wait before trying again.
    pub fn check(&mut self, key: &str, now: Instant) -> Result<(), Duration> {
        let Some(times) = self.failures.get_mut(key) else {
            return Ok(());
        };
        forget_older_than(times, now, self.window);
        if times.len() < self.max_failures {
            return Ok(());
        }
        let oldest = *times.front().expect("full, so not empty");
        Err(self.window.saturating_sub(now.duration_since(oldest)))
    }

    pub fn record_failure(&mut self, key: &str, now: Instant) {
        let times = self.failures.entry(key.to_string()).or_default();
        forget_older_than(times, now, self.window);
        times.push_back(now);
        if times.len() > self.max_failures {
            times.pop_front();
        }
        // Bound memory under a flood of distinct keys: drop keys with nothing recent.
        if self.failures.len() > 10_000 {
            let window = self.window;
            self.failures.retain(|_, times| {
                forget_older_than(times, now, window);
                !times.is_empty()
            });
        }
    }

    pub fn record_success(&mut self, key: &str) {
        self.failures.remove(key);
    }
}

fn forget_older_than(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times
        .front()
        .is_some_and(|&time| now.duration_since(time) >= window)
    {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(900);

    #[test]
    fn refuses_after_max_failures_and_says_how_long_to_wait() {
        let mut throttle = LoginThrottle::new(3, WINDOW);
        let start = Instant::now();
        for i in 0..3 {
            assert!(throttle.check("a", start + Duration::from_secs(i)).is_ok());
            throttle.record_failure("a", start + Duration::from_secs(i));
        }
        let wait = throttle
            .check("a", start + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, WINDOW - Duration::from_secs(10));
        assert!(
            throttle.check("b", start).is_ok(),
            "other keys are not affected"
        );
    }

    #[test]
    fn allows_again_once_failures_age_out() {
        let mut throttle = LoginThrottle::new(2, WINDOW);
        let start = Instant::now();
        throttle.record_failure("a", start);
        throttle.record_failure("a", start);
        assert!(
            throttle
                .check("a", start + WINDOW - Duration::from_secs(1))
                .is_err()
        );
        assert!(throttle.check("a", start + WINDOW).is_ok());
    }

    #[test]
    fn success_clears_the_key() {
        let mut throttle = LoginThrottle::new(1, WINDOW);
        let start = Instant::now();
        throttle.record_failure("a", start);
        assert!(throttle.check("a", start).is_err());
        throttle.record_success("a");
        assert!(throttle.check("a", start).is_ok());
    }
}
