//! The daily spend cap (issue 10: the callback door's guards) as pure rules. A Guild may cap
//! what its calls spend in one day, counted from midnight in a zone of its choosing; the count
//! lives on the Guild's row (`day_spent` since `day_started_at`), which every hold updates in
//! the statement that holds (`reservation.rs`), so two calls at once can never both take the
//! last of the cap. What a day has spent is what its calls held, less what their settlements
//! gave back; a hold on a later day starts the count again.
//!
//! Setting a cap (`service::set_daily_cap`) counts the day so far as what calls charged since
//! its midnight plus what running calls hold: while no cap is set nothing is counted.
//!
//! A card may have a cap of its own (migration 16), counted the same way on its call-settings
//! row, over a day that starts at midnight in the card's own zone (the zone of its hours). A
//! call holds only what both caps let it: [`Today::left`] of each, the smaller one bounds it.

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::entity::guild;
use super::money::Money;
use crate::cards::entity::call_settings;

/// The largest cap that may be set (as large as any one ledger entry).
pub const MAX_CAP: Money = Money(super::money::MAX_ENTRY);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapError {
    /// The name itself stays out of the message: it is whatever a stranger typed.
    #[error("not a time zone: use an IANA name such as Asia/Seoul")]
    UnknownZone(String),
    #[error("a daily cap is a whole amount from 0 to {max}")]
    OutOfRange { max: i64 },
}

/// A Guild's day as of one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Today {
    /// When the day began (midnight in the Guild's zone).
    pub starts_at: DateTime<Utc>,
    /// What the day has spent so far (held or charged).
    pub spent: Money,
    pub cap: Option<Money>,
}

impl Today {
    /// The Guild's day at `now`, from its row. A stored zone that cannot be read is an error,
    /// never "no cap".
    pub fn of(guild: &guild::Model, now: DateTime<Utc>) -> Result<Today, CapError> {
        Today::counted(
            guild.daily_cap,
            &guild.cap_time_zone,
            guild.day_spent,
            guild.day_started_at,
            now,
        )
    }

    /// A card's day at `now`, from its call-settings row (its own cap, in its hours' zone).
    pub fn of_card(settings: &call_settings::Model, now: DateTime<Utc>) -> Result<Today, CapError> {
        Today::counted(
            settings.daily_cap,
            &settings.time_zone,
            settings.day_spent,
            settings.day_started_at,
            now,
        )
    }

    fn counted(
        cap: Option<i64>,
        zone_name: &str,
        spent: i64,
        started_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Today, CapError> {
        let starts_at = day_start(now, zone(zone_name)?);
        let spent = if started_at == Some(starts_at) {
            Money(spent)
        } else {
            Money::ZERO
        };
        Ok(Today {
            starts_at,
            spent,
            cap: cap.map(Money),
        })
    }

    /// What the cap still lets the day spend; `None` without a cap.
    pub fn left(&self) -> Option<Money> {
        self.cap.map(|cap| Money(Ord::max(cap.0 - self.spent.0, 0)))
    }
}

/// A Guild's cap setting and its day's spending, as the issuer sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spending {
    pub cap: Option<Money>,
    pub time_zone: String,
    /// Counted only while a cap is set.
    pub spent_today: Option<Money>,
}

impl Spending {
    pub fn of(guild: &guild::Model, now: DateTime<Utc>) -> Result<Spending, CapError> {
        let today = Today::of(guild, now)?;
        Ok(Spending {
            cap: today.cap,
            time_zone: guild.cap_time_zone.clone(),
            spent_today: today.cap.map(|_| today.spent),
        })
    }
}

/// Reads an IANA zone name.
pub fn zone(name: &str) -> Result<Tz, CapError> {
    name.parse::<Tz>()
        .map_err(|_| CapError::UnknownZone(name.to_owned()))
}

/// Checks a cap and its zone as an issuer sets them.
pub fn check(cap: Option<i64>, zone_name: &str) -> Result<(), CapError> {
    zone(zone_name)?;
    match cap {
        Some(cap) if !(0..=MAX_CAP.0).contains(&cap) => {
            Err(CapError::OutOfRange { max: MAX_CAP.0 })
        }
        _ => Ok(()),
    }
}

/// The instant the day holding `now` began in `zone`: its local midnight, or where the zone
/// skips midnight (a daylight-saving change at 00:00), its first local time that exists.
pub fn day_start(now: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    // No zone skips a whole day at midnight; if one did, its day starts at `now`.
    midnight(now.with_timezone(&zone).date_naive(), zone).unwrap_or(now)
}

/// The instant `date` began in `zone`: its local midnight, or its first local time that exists
/// where the zone skips midnight; `None` only if it skipped the whole day.
pub fn midnight(date: chrono::NaiveDate, zone: Tz) -> Option<DateTime<Utc>> {
    (0..24 * 4)
        .map(|quarter| date.and_time(NaiveTime::MIN) + chrono::Duration::minutes(15 * quarter))
        .find_map(|local| zone.from_local_datetime(&local).earliest())
        .map(|start| start.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn guild_row(cap: Option<i64>, zone: &str, spent: i64, started: Option<&str>) -> guild::Model {
        guild::Model {
            account_id: 1,
            balance: 10_000,
            held: 0,
            credit_limit: 0,
            daily_cap: cap,
            cap_time_zone: zone.into(),
            day_spent: spent,
            day_started_at: started.map(at),
        }
    }

    #[test]
    fn a_day_starts_at_midnight_in_the_guilds_zone() {
        let seoul = zone("Asia/Seoul").unwrap();
        // 14:00 UTC is 23:00 in Seoul; 15:00 UTC is the next day there.
        assert_eq!(
            day_start(at("2026-12-01T14:00:00Z"), seoul),
            at("2026-11-30T15:00:00Z")
        );
        assert_eq!(
            day_start(at("2026-12-01T15:00:00Z"), seoul),
            at("2026-12-01T15:00:00Z")
        );
        assert_eq!(
            day_start(at("2026-12-01T00:00:00Z"), Tz::UTC),
            at("2026-12-01T00:00:00Z")
        );
    }

    #[test]
    fn a_zone_that_skips_midnight_starts_its_day_at_its_first_hour() {
        // Chile moved its clocks from 00:00 to 01:00 on 2024-09-08.
        let santiago = zone("America/Santiago").unwrap();
        let start = day_start(at("2024-09-08T12:00:00Z"), santiago);
        assert_eq!(start, at("2024-09-08T04:00:00Z"));
    }

    #[test]
    fn a_count_of_an_earlier_day_is_nothing_today() {
        let now = at("2026-12-01T10:00:00Z");
        let today = Today::of(
            &guild_row(Some(500), "UTC", 300, Some("2026-12-01T00:00:00Z")),
            now,
        )
        .unwrap();
        assert_eq!((today.spent, today.left()), (Money(300), Some(Money(200))));
        let yesterday = Today::of(
            &guild_row(Some(500), "UTC", 300, Some("2026-11-30T00:00:00Z")),
            now,
        )
        .unwrap();
        assert_eq!(
            (yesterday.spent, yesterday.left()),
            (Money(0), Some(Money(500)))
        );
        let spent_over = Today::of(
            &guild_row(Some(200), "UTC", 300, Some("2026-12-01T00:00:00Z")),
            now,
        )
        .unwrap();
        assert_eq!(
            spent_over.left(),
            Some(Money(0)),
            "a cap lowered below the day's spending"
        );
        let uncapped = Today::of(&guild_row(None, "UTC", 300, None), now).unwrap();
        assert_eq!(uncapped.left(), None);
    }

    #[test]
    fn a_stored_zone_that_cannot_be_read_fails_rather_than_lifting_the_cap() {
        let error = Today::of(
            &guild_row(Some(500), "Mars/Olympus", 0, None),
            at("2026-12-01T10:00:00Z"),
        )
        .unwrap_err();
        assert_eq!(error, CapError::UnknownZone("Mars/Olympus".into()));
    }

    #[test]
    fn caps_are_checked_as_they_are_set() {
        assert_eq!(check(Some(5_000), "Asia/Seoul"), Ok(()));
        assert_eq!(check(None, "UTC"), Ok(()));
        assert_eq!(check(Some(0), "UTC"), Ok(()), "a cap of 0 stops every call");
        assert!(matches!(
            check(Some(-1), "UTC"),
            Err(CapError::OutOfRange { .. })
        ));
        assert!(matches!(
            check(Some(MAX_CAP.0 + 1), "UTC"),
            Err(CapError::OutOfRange { .. })
        ));
        assert!(matches!(
            check(Some(1), "Seoul"),
            Err(CapError::UnknownZone(_))
        ));
    }
}
