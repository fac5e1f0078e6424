//! Events counted per key over a sliding window: the one mechanism behind log-in, sign-up and
//! call-start throttling (`auth/throttle.rs`, `calls/admission.rs`).
//!
//! Pure: the caller passes "now". Invariants: a key holds only events younger than the window
//! (oldest first); keys with nothing recent are dropped once there are many of them, so a flood
//! of distinct keys costs bounded memory.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::time::{Duration, Instant};

/// Distinct keys kept before the ones with nothing in the window are dropped.
const PRUNE_ABOVE_KEYS: usize = 10_000;

#[derive(Debug)]
pub struct SlidingWindows<K> {
    window: Duration,
    events: HashMap<K, VecDeque<Instant>>,
}

impl<K: Hash + Eq> SlidingWindows<K> {
    pub fn new(window: Duration) -> SlidingWindows<K> {
        SlidingWindows {
            window,
            events: HashMap::new(),
        }
    }

    /// `Some(wait)` when `key` already has `max` events in the window: how long until the
    /// oldest leaves it. Counts nothing.
    pub fn wait(&mut self, key: &K, max: usize, now: Instant) -> Option<Duration> {
        let times = self.events.get_mut(key)?;
        forget_older_than(times, now, self.window);
        if times.len() < max {
            return None;
        }
        let oldest = *times.front()?;
        Some(self.window.saturating_sub(now.duration_since(oldest)))
    }

    /// Counts one event of `key` at `now`.
    pub fn record(&mut self, key: K, now: Instant) {
        if self.events.len() > PRUNE_ABOVE_KEYS {
            let window = self.window;
            self.events.retain(|_, times| {
                forget_older_than(times, now, window);
                !times.is_empty()
            });
        }
        self.events.entry(key).or_default().push_back(now);
    }

    /// Counts one event of `key` if it has room for it, else says how long to wait.
    pub fn admit(&mut self, key: K, max: usize, now: Instant) -> Result<(), Duration> {
        match self.wait(&key, max, now) {
            Some(wait) => Err(wait),
            None => {
                self.record(key, now);
                Ok(())
            }
        }
    }
}

/// Drops the events of `times` (oldest first) that are `window` old or older.
pub fn forget_older_than(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
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

    #[test]
    fn a_key_is_refused_at_its_maximum_until_its_oldest_event_leaves_the_window() {
        let mut windows = SlidingWindows::new(Duration::from_secs(60));
        let start = Instant::now();
        windows.admit("a", 2, start).unwrap();
        windows
            .admit("a", 2, start + Duration::from_secs(10))
            .unwrap();
        assert_eq!(
            windows.admit("a", 2, start + Duration::from_secs(20)),
            Err(Duration::from_secs(40))
        );
        windows
            .admit("b", 2, start + Duration::from_secs(20))
            .unwrap();
        windows
            .admit("a", 2, start + Duration::from_secs(60))
            .unwrap();
    }

    #[test]
    fn keys_with_nothing_recent_are_dropped_under_a_flood() {
        let mut windows = SlidingWindows::new(Duration::from_secs(1));
        let start = Instant::now();
        for key in 0..=PRUNE_ABOVE_KEYS {
            windows.record(key, start);
        }
        windows.record(usize::MAX, start + Duration::from_secs(2));
        assert_eq!(windows.events.len(), 1);
    }
}
