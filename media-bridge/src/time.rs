//! Time as the core sees it: a number the driver hands in, never a clock it reads.
//!
//! Model: a [`Millis`] is a point in time, in milliseconds since an origin the driver chooses
//! (the moment it created the call, say). Tests start at zero and step it by hand, so hours of
//! calls run in microseconds. Durations are plain [`std::time::Duration`]s.

use std::ops::Add;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Millis(pub u64);

impl Millis {
    pub const ZERO: Millis = Millis(0);

    pub fn from_secs(seconds: u64) -> Millis {
        Millis(seconds.saturating_mul(1_000))
    }

    pub fn as_millis(self) -> u64 {
        self.0
    }

    /// How long after `earlier` this is; zero when `earlier` is later.
    pub fn since(self, earlier: Millis) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }

    /// This point moved `duration` earlier, stopping at the origin.
    pub fn saturating_sub(self, duration: Duration) -> Millis {
        Millis(self.0.saturating_sub(duration_millis(duration)))
    }
}

impl Add<Duration> for Millis {
    type Output = Millis;

    fn add(self, duration: Duration) -> Millis {
        Millis(self.0.saturating_add(duration_millis(duration)))
    }
}

fn duration_millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_wrapping() {
        assert_eq!(Millis::from_secs(70), Millis(70_000));
        assert_eq!(Millis(5) + Duration::from_millis(7), Millis(12));
        assert_eq!(
            Millis(u64::MAX - 1) + Duration::from_secs(1),
            Millis(u64::MAX)
        );
        assert_eq!(
            Millis(5).saturating_sub(Duration::from_secs(1)),
            Millis::ZERO
        );
        assert_eq!(Millis(1_500).since(Millis(500)), Duration::from_secs(1));
        assert_eq!(Millis(500).since(Millis(1_500)), Duration::ZERO);
        assert_eq!(Millis(42).as_millis(), 42);
    }
}
