//! The decision before every call (BRIEF R8, patent ¶80-83, S45/S70): may this card be called
//! now, over these legs, and how much Guild money must be held for it? Pure — the card's state,
//! the Guild's numbers, the rated legs and "now" in, a grant or the one precise refusal out. The
//! reservation that makes it hold under concurrency (holding money in `guilds.held` and a unit of
//! the call count in one transaction) builds on this (docs/ROADMAP.md).

use app::model::{CallSettings, Weekday};
use chrono::{DateTime, Datelike, Timelike, Utc};

use super::metering::CallLegs;
use super::rates::Rate;
use crate::cards::call_settings;
use crate::ledger::money::Money;
use crate::ledger::rules::GuildState;

/// The longest call time ever computed: a day.
pub const MAX_SECONDS: u32 = 24 * 60 * 60;

/// What is known of the card being called.
#[derive(Debug, Clone)]
pub struct CardState {
    pub published: bool,
    pub settings: CallSettings,
}

/// Why a call is refused, in the words the caller's page shows (R8: the precise reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("card_unavailable")]
    CardUnavailable,
    #[error("call_count_exhausted")]
    CallCountExhausted,
    #[error("outside_hours")]
    OutsideHours,
    #[error("destination_not_allowed")]
    DestinationNotAllowed,
    #[error("no_rate")]
    NoRate,
    /// The issuer can only be reached by phone and no SIP trunk is configured.
    #[error("no_trunk")]
    NoTrunk,
    #[error("guild_exhausted")]
    GuildExhausted { available: Money, needed: Money },
    /// The Guild has the money, but its daily spend cap does not let the day spend it.
    #[error("daily_cap_reached")]
    DailyCapReached { left: Money, needed: Money },
}

impl Refusal {
    /// The same refusal as the media bridge and the stored records name it.
    pub fn bridge_code(&self) -> media_bridge::authority::Refusal {
        use media_bridge::authority::Refusal as Code;
        match self {
            Refusal::CardUnavailable => Code::CardUnavailable,
            Refusal::CallCountExhausted => Code::CallCountExhausted,
            Refusal::OutsideHours => Code::OutsideHours,
            Refusal::DestinationNotAllowed => Code::DestinationNotAllowed,
            Refusal::NoRate => Code::NoRate,
            Refusal::NoTrunk => Code::NoTrunk,
            Refusal::GuildExhausted { .. } => Code::GuildExhausted,
            Refusal::DailyCapReached { .. } => Code::DailyCapReached,
        }
    }
}

/// A call that may go ahead: what to hold now, how long that covers, when to warn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// Money to hold for the first interval (≤ the Guild's available money).
    pub hold: Money,
    /// Seconds of talk the hold pays for, across all legs.
    pub covered_secs: u32,
    /// The card's per-call limit.
    pub max_secs: u32,
    /// What bounds the money, should the call outgrow it.
    pub bound: Bound,
}

/// Which of the call's funds runs out first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Guild,
    DailyCap,
}

/// What a call may spend: the Guild's money and, if it has one, what its daily cap still lets
/// the day spend (`daily_cap.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Funds {
    pub guild: GuildState,
    pub cap_left: Option<Money>,
}

impl From<GuildState> for Funds {
    fn from(guild: GuildState) -> Funds {
        Funds {
            guild,
            cap_left: None,
        }
    }
}

impl Funds {
    /// These funds, also bounded by `left` (a card's own daily cap): a call spends within
    /// both caps.
    pub fn capped_by(self, left: Option<Money>) -> Funds {
        let cap_left = match (self.cap_left, left) {
            (Some(guild), Some(card)) => Some(Ord::min(guild, card)),
            (guild, card) => guild.or(card),
        };
        Funds { cap_left, ..self }
    }

    /// What may be held now, and which fund bounds it.
    pub fn spendable(&self) -> (Money, Bound) {
        let available = self.guild.available();
        match self.cap_left {
            Some(left) if left < available => (left, Bound::DailyCap),
            _ => (available, Bound::Guild),
        }
    }
}

/// A Guild with more money than any call holds. A call decided before its Guild is read (a
/// cached card, `card_cache.rs`) is decided against it; the reservation then holds the money
/// only if the real Guild has it all, and whenever it has, deciding against the real Guild
/// gives the same grant (`the_real_guild_decides_alike_when_it_covers_the_hold`).
pub const ANY_GUILD: GuildState = GuildState {
    balance: Money(i64::MAX / 4),
    held: Money(0),
    credit_limit: Money(0),
};

/// Decides a call. `legs` are the call's rated legs (a callback has two, a browser call one or
/// two); `caller_region` is the region of the number to call back, if any; `hold_secs` is the
/// metering interval to hold money for.
pub fn authorize(
    card: &CardState,
    funds: impl Into<Funds>,
    legs: &[Option<Rate>],
    caller_region: Option<&str>,
    now: DateTime<Utc>,
    hold_secs: u32,
) -> Result<Grant, Refusal> {
    if !card.published {
        return Err(Refusal::CardUnavailable);
    }
    if card.settings.call_quota == 0 {
        return Err(Refusal::CallCountExhausted);
    }
    if !within_hours(&card.settings, now) {
        return Err(Refusal::OutsideHours);
    }
    if let Some(region) = caller_region
        && !card
            .settings
            .allowed_regions
            .iter()
            .any(|allowed| allowed == region)
    {
        return Err(Refusal::DestinationNotAllowed);
    }
    let rates: Vec<Rate> = legs
        .iter()
        .map(|leg| leg.clone().ok_or(Refusal::NoRate))
        .collect::<Result<_, _>>()?;
    // Ringing both, the issuer's two legs are held as the dearer of them (`metering.rs`).
    let rates = CallLegs::new(rates).map_err(|_| Refusal::NoRate)?;
    let funds = funds.into();
    // R8: the Guild must cover at least the first billing increment of every leg, and so must
    // what its daily cap leaves.
    let needed = rates.first_increments();
    let available = funds.guild.available();
    if needed > available {
        return Err(Refusal::GuildExhausted { available, needed });
    }
    let (spendable, bound) = funds.spendable();
    if needed > spendable {
        return Err(Refusal::DailyCapReached {
            left: spendable,
            needed,
        });
    }
    let max_secs = card.settings.max_call_minutes * 60;
    let wanted = rates.cost(hold_secs.min(max_secs));
    let hold = wanted.min(spendable);
    Ok(Grant {
        hold,
        covered_secs: rates.covered_secs(hold),
        max_secs,
        bound,
    })
}

/// Is `now` inside the card's availability hours, in the issuer's time zone? An end earlier
/// than the start spans midnight and belongs to the day it starts on.
pub fn within_hours(settings: &CallSettings, now: DateTime<Utc>) -> bool {
    let Ok(zone) = settings.time_zone.parse::<chrono_tz::Tz>() else {
        return false;
    };
    let local = now.with_timezone(&zone);
    let minute = local.hour() * 60 + local.minute();
    let (Some(from), Some(until)) = (
        call_settings::minutes(&settings.available_from, false),
        call_settings::minutes(&settings.available_until, true),
    ) else {
        return false;
    };
    let day = Weekday::ALL[local.weekday().num_days_from_monday() as usize];
    let previous = Weekday::ALL[(local.weekday().num_days_from_monday() as usize + 6) % 7];
    let open_on = |day: Weekday| settings.available_days.contains(&day);
    if from < until {
        open_on(day) && (from..until).contains(&minute)
    } else {
        (open_on(day) && minute >= from) || (open_on(previous) && minute < until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::rates::{LegClass, cost};
    use chrono::TimeZone;

    fn rate(per_minute: i64, initial: u32, subsequent: u32, connect_fee: i64) -> Rate {
        Rate {
            class: LegClass::Landline,
            prefix: String::new(),
            per_minute,
            initial_increment_secs: initial,
            subsequent_increment_secs: subsequent,
            connect_fee,
        }
    }

    fn card() -> CardState {
        CardState {
            published: true,
            settings: CallSettings {
                available_days: Weekday::ALL.to_vec(),
                ..CallSettings::default()
            },
        }
    }

    fn guild(balance: i64) -> GuildState {
        GuildState {
            balance: Money(balance),
            ..GuildState::default()
        }
    }

    /// 2026-11-26 (a Thursday) at `hour`:`minute` in Seoul.
    fn seoul(hour: u32, minute: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Seoul
            .with_ymd_and_hms(2026, 11, 26, hour, minute, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn grants_and_holds_one_interval_of_every_leg() {
        let legs = [Some(rate(60, 60, 60, 0)), Some(rate(120, 60, 60, 0))];
        let grant = authorize(&card(), guild(10_000), &legs, Some("KR"), seoul(10, 0), 60).unwrap();
        assert_eq!(grant.hold, Money(180));
        assert_eq!(grant.covered_secs, 60);
        assert_eq!(grant.max_secs, 600);
    }

    #[test]
    fn the_daily_cap_bounds_the_hold_and_refuses_a_call_it_cannot_start() {
        let per_second = [Some(rate(60, 1, 1, 0))];
        let at_ten = seoul(10, 0);
        let funds = |balance: i64, left: i64| Funds {
            guild: guild(balance),
            cap_left: Some(Money(left)),
        };
        let capped = authorize(&card(), funds(10_000, 30), &per_second, None, at_ten, 60).unwrap();
        assert_eq!(
            (capped.hold, capped.covered_secs, capped.bound),
            (Money(30), 30, Bound::DailyCap)
        );
        let poorer = authorize(&card(), funds(20, 30), &per_second, None, at_ten, 60).unwrap();
        assert_eq!((poorer.hold, poorer.bound), (Money(20), Bound::Guild));
        // A whole interval fits; should the call outgrow what is left, the cap will end it.
        let ample = authorize(&card(), funds(10_000, 500), &per_second, None, at_ten, 60).unwrap();
        assert_eq!((ample.hold, ample.bound), (Money(60), Bound::DailyCap));
        let uncapped = authorize(&card(), guild(10_000), &per_second, None, at_ten, 60).unwrap();
        assert_eq!((uncapped.hold, uncapped.bound), (Money(60), Bound::Guild));
        assert_eq!(
            authorize(&card(), funds(10_000, 0), &per_second, None, at_ten, 60),
            Err(Refusal::DailyCapReached {
                left: Money(0),
                needed: Money(1)
            })
        );
        // Both short: the Guild is the reason (money must come in before the cap matters).
        assert_eq!(
            authorize(&card(), funds(0, 0), &per_second, None, at_ten, 60),
            Err(Refusal::GuildExhausted {
                available: Money(0),
                needed: Money(1)
            })
        );
    }

    #[test]
    fn each_refusal_has_its_reason() {
        let legs = [Some(rate(60, 60, 60, 0))];
        let at_ten = seoul(10, 0);
        let unpublished = CardState {
            published: false,
            ..card()
        };
        assert_eq!(
            authorize(&unpublished, guild(1000), &legs, None, at_ten, 60),
            Err(Refusal::CardUnavailable)
        );
        let mut used_up = card();
        used_up.settings.call_quota = 0;
        assert_eq!(
            authorize(&used_up, guild(1000), &legs, None, at_ten, 60),
            Err(Refusal::CallCountExhausted)
        );
        assert_eq!(
            authorize(&card(), guild(1000), &legs, None, seoul(8, 59), 60),
            Err(Refusal::OutsideHours)
        );
        assert_eq!(
            authorize(&card(), guild(1000), &legs, Some("US"), at_ten, 60),
            Err(Refusal::DestinationNotAllowed)
        );
        assert_eq!(
            authorize(&card(), guild(1000), &[None], None, at_ten, 60),
            Err(Refusal::NoRate)
        );
        assert_eq!(
            authorize(&card(), guild(59), &legs, None, at_ten, 60),
            Err(Refusal::GuildExhausted {
                available: Money(59),
                needed: Money(60)
            })
        );
    }

    #[test]
    fn a_short_guild_holds_what_it_has_and_covers_less() {
        let legs = [Some(rate(60, 1, 1, 0))];
        let grant = authorize(&card(), guild(30), &legs, None, seoul(10, 0), 60).unwrap();
        assert_eq!(grant.hold, Money(30));
        assert_eq!(grant.covered_secs, 30);
    }

    #[test]
    fn hours_follow_the_issuers_time_zone_days_and_midnight() {
        let mut settings = CallSettings::default(); // 09:00-18:00, Monday to Friday, Seoul
        assert!(within_hours(&settings, seoul(9, 0)));
        assert!(!within_hours(&settings, seoul(18, 0)));
        let saturday = chrono_tz::Asia::Seoul
            .with_ymd_and_hms(2026, 11, 28, 10, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert!(!within_hours(&settings, saturday));
        settings.time_zone = "Europe/Paris".into(); // 10:00 in Seoul is 02:00 in Paris
        assert!(!within_hours(&settings, seoul(10, 0)));
        let night = CallSettings {
            available_from: "22:00".into(),
            available_until: "06:00".into(),
            ..CallSettings::default()
        };
        assert!(within_hours(&night, seoul(23, 0)));
        // Friday 05:00 belongs to Thursday night's window; Saturday 23:00 to no window.
        let friday_early = chrono_tz::Asia::Seoul
            .with_ymd_and_hms(2026, 11, 27, 5, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert!(within_hours(&night, friday_early));
        let saturday_night = chrono_tz::Asia::Seoul
            .with_ymd_and_hms(2026, 11, 28, 23, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert!(!within_hours(&night, saturday_night));
    }

    #[test]
    fn free_legs_cover_a_whole_day() {
        let free = CallLegs::new(vec![rate(0, 1, 1, 0)]).unwrap();
        assert_eq!(free.covered_secs(Money(0)), MAX_SECONDS);
    }

    proptest::proptest! {
        /// The cached-card path's premise: a Guild that can hold what `ANY_GUILD` was granted
        /// gets exactly that grant, whatever the legs, interval and per-call limit.
        #[test]
        fn the_real_guild_decides_alike_when_it_covers_the_hold(
            rates in proptest::collection::vec((0i64..5_000, 1u32..120, 1u32..120, 0i64..500), 1..3),
            hold_secs in 6u32..3_600,
            max_minutes in 1u32..240,
            spare in 0i64..1_000_000,
            held in 0i64..1_000_000,
        ) {
            let legs: Vec<Option<Rate>> = rates
                .iter()
                .map(|&(per_minute, initial, subsequent, fee)| Some(rate(per_minute, initial, subsequent, fee)))
                .collect();
            let mut card = card();
            card.settings.max_call_minutes = max_minutes;
            let at_ten = seoul(10, 0);
            let ample = authorize(&card, ANY_GUILD, &legs, None, at_ten, hold_secs).unwrap();
            let real = GuildState {
                balance: Money(ample.hold.0 + spare + held),
                held: Money(held),
                credit_limit: Money(0),
            };
            proptest::prop_assert_eq!(authorize(&card, real, &legs, None, at_ten, hold_secs), Ok(ample));
        }

        /// What the hold covers never costs more than the hold, and one second more would.
        #[test]
        fn covered_time_is_exactly_what_the_money_pays(
            per_minute in 1i64..5_000, initial in 1u32..120, subsequent in 1u32..120, fee in 0i64..500, money in 0i64..100_000,
        ) {
            let rate = rate(per_minute, initial, subsequent, fee);
            let covered = CallLegs::new(vec![rate.clone()]).unwrap().covered_secs(Money(money));
            proptest::prop_assert!(cost(&rate, covered).0 <= money);
            if covered < MAX_SECONDS {
                proptest::prop_assert!(cost(&rate, covered + 1).0 > money);
            }
        }
    }
}
