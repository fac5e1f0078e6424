//! A card's usage per day (issue 11, BRIEF R13): views, calls, answered calls, talk time and
//! spend, counted into the days of one zone. Pure: the rows come from `usage_routes.rs`.
//!
//! Views are stored per UTC hour (`views.rs`); an hour belongs to the day its start falls on,
//! so in a zone that is not a whole number of hours from UTC (India, Nepal) up to 45 minutes of
//! views land on the neighbouring day. Calls are counted on the day they were asked for; their
//! talk time and cost once they are settled.

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::ledger::daily_cap::{day_start, midnight};

/// One call as the usage counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    pub authorized_at: DateTime<Utc>,
    pub answered: bool,
    /// `None` while the call runs or when it was refused: nothing billed yet.
    pub billed_secs: Option<i64>,
    pub cost: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayUsage {
    pub date: NaiveDate,
    pub views: i64,
    pub calls: i64,
    pub answered: i64,
    pub talk_secs: i64,
    /// In the Guild's minor units.
    pub spend: i64,
}

/// The last `days` days in `zone`, today included: their dates and the instant the first began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub zone: Tz,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub starts_at: DateTime<Utc>,
}

impl Window {
    pub fn ending(now: DateTime<Utc>, zone: Tz, days: u32) -> Window {
        let last = now.with_timezone(&zone).date_naive();
        let first = last
            .checked_sub_days(Days::new(u64::from(days.max(1) - 1)))
            .unwrap_or(last);
        let starts_at = midnight(first, zone).unwrap_or_else(|| day_start(now, zone));
        Window {
            zone,
            first,
            last,
            starts_at,
        }
    }

    /// The index of the day holding `at`, if it is in the window.
    fn day_of(&self, at: DateTime<Utc>) -> Option<usize> {
        let date = at.with_timezone(&self.zone).date_naive();
        if date < self.first || date > self.last {
            return None;
        }
        usize::try_from((date - self.first).num_days()).ok()
    }
}

/// Every day of `window`, in order, with what happened on it. `views` are `(hour, count)` as
/// stored; rows outside the window are left out.
pub fn per_day(window: &Window, views: &[(i64, i64)], calls: &[CallRow]) -> Vec<DayUsage> {
    let mut days: Vec<DayUsage> = window
        .first
        .iter_days()
        .take_while(|date| *date <= window.last)
        .map(|date| DayUsage {
            date,
            ..DayUsage::default()
        })
        .collect();
    for &(hour, count) in views {
        let Some(start) = DateTime::from_timestamp(hour.saturating_mul(3600), 0) else {
            continue;
        };
        if let Some(day) = window.day_of(start) {
            days[day].views += count;
        }
    }
    for call in calls {
        let Some(day) = window.day_of(call.authorized_at) else {
            continue;
        };
        let day = &mut days[day];
        day.calls += 1;
        day.answered += i64::from(call.answered);
        day.talk_secs += call.billed_secs.unwrap_or(0);
        day.spend += call.cost.unwrap_or(0);
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn seoul() -> Tz {
        "Asia/Seoul".parse().unwrap()
    }

    #[test]
    fn the_window_ends_today_in_the_zone_and_starts_at_its_first_midnight() {
        // 20:00 UTC on the 5th is already the 6th in Seoul.
        let window = Window::ending(at("2026-12-05T20:00:00Z"), seoul(), 7);
        assert_eq!(window.last, NaiveDate::from_ymd_opt(2026, 12, 6).unwrap());
        assert_eq!(window.first, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(window.starts_at, at("2026-11-29T15:00:00Z"));
    }

    #[test]
    fn views_and_calls_fall_on_the_day_of_the_zone() {
        let window = Window::ending(at("2026-12-06T12:00:00Z"), seoul(), 2);
        let hour = |text: &str| crate::cards::views::hour_of(at(text));
        let views = [
            // 23:00 on the 5th in Seoul: the first day.
            (hour("2026-12-05T14:00:00Z"), 3),
            // 00:00 on the 6th in Seoul: the second.
            (hour("2026-12-05T15:00:00Z"), 4),
            // Before the window.
            (hour("2026-12-04T14:00:00Z"), 100),
        ];
        let calls = [
            CallRow {
                authorized_at: at("2026-12-05T14:59:59Z"),
                answered: true,
                billed_secs: Some(60),
                cost: Some(500),
            },
            CallRow {
                authorized_at: at("2026-12-05T15:00:00Z"),
                answered: false,
                billed_secs: None,
                cost: None,
            },
            CallRow {
                authorized_at: at("2026-12-06T03:00:00Z"),
                answered: true,
                billed_secs: Some(90),
                cost: Some(750),
            },
        ];
        let days = per_day(&window, &views, &calls);
        assert_eq!(days.len(), 2);
        assert_eq!(
            days[0],
            DayUsage {
                date: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
                views: 3,
                calls: 1,
                answered: 1,
                talk_secs: 60,
                spend: 500,
            }
        );
        assert_eq!(
            days[1],
            DayUsage {
                date: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
                views: 4,
                calls: 2,
                answered: 1,
                talk_secs: 90,
                spend: 750,
            }
        );
    }

    #[test]
    fn a_window_has_one_entry_per_day_even_across_a_clock_change() {
        let new_york: Tz = "America/New_York".parse().unwrap();
        // 2026-11-01 is the end of daylight saving time in New York: a 25-hour day.
        let window = Window::ending(at("2026-11-03T12:00:00Z"), new_york, 7);
        let days = per_day(&window, &[], &[]);
        assert_eq!(days.len(), 7);
        assert!(
            days.windows(2)
                .all(|pair| (pair[1].date - pair[0].date).num_days() == 1)
        );
        assert_eq!(window.starts_at, at("2026-10-28T04:00:00Z"));
    }
}
