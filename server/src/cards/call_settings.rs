//! A card's call settings (BRIEF R2): rules, and the mapping to their table row. Pure: refusals
//! are worded in the language the caller passes (the issuer's).
//!
//! Hours are kept as minutes after midnight in the issuer's time zone, days as a bit set
//! (bit 0 = Monday), regions as a comma list; destinations as E.164 (with `;extension`), so the
//! calling engine dials exactly what was checked here.

use app::i18n::card_form_text;
use app::i18n::number::region_name;
use app::model::{CallSettings, FieldError, Lang, Weekday};
use phonenumber::country::Id;

use super::entity::call_settings::{ActiveModel, Model};
use crate::calls::number::{self, ParsedNumber};
use crate::calls::rates::{self, DestinationRefusal};
use crate::ledger::daily_cap::MAX_CAP;

const MAX_QUOTA: u32 = 1_000_000;
const MAX_CALL_MINUTES: u32 = 240;

/// Cleans and checks the settings; field names are the editor's (`call.time_zone`, …), messages
/// are in `lang`.
pub fn validate(
    settings: &CallSettings,
    default_region: Id,
    lang: Lang,
) -> Result<CallSettings, Vec<FieldError>> {
    let text = card_form_text(lang);
    let mut errors = Vec::new();
    let mut clean = settings.clone();
    let mut refuse = |field: &str, message: String| {
        errors.push(FieldError::new(format!("call.{field}"), message))
    };

    if clean.call_quota > MAX_QUOTA {
        refuse("call_quota", text.call_quota(MAX_QUOTA));
    }
    if !(1..=MAX_CALL_MINUTES).contains(&clean.max_call_minutes) {
        refuse("max_call_minutes", text.call_minutes(MAX_CALL_MINUTES));
    }
    if let Some(cap) = clean.daily_cap
        && !(0..=MAX_CAP.0).contains(&cap)
    {
        refuse("daily_cap", text.daily_cap_range(MAX_CAP.0));
    }
    clean.time_zone = clean.time_zone.trim().to_string();
    if clean.time_zone.parse::<chrono_tz::Tz>().is_err() {
        refuse("time_zone", text.time_zone.into());
    }
    let from = minutes(&clean.available_from, false);
    let until = minutes(&clean.available_until, true);
    match (from, until) {
        (None, _) => refuse("available_from", text.time_from.into()),
        (_, None) => refuse("available_until", text.time_until.into()),
        (Some(from), Some(until)) if from == until => {
            refuse("available_until", text.same_times.into())
        }
        (Some(from), Some(until)) => {
            clean.available_from = clock(from);
            clean.available_until = clock(until);
        }
    }
    clean.available_days = Weekday::ALL
        .into_iter()
        .filter(|day| settings.available_days.contains(day))
        .collect();
    if clean.available_days.is_empty() {
        refuse("available_days", text.no_days.into());
    }
    let mut regions = Vec::new();
    for region in &settings.allowed_regions {
        let region = region.trim().to_ascii_uppercase();
        if region.is_empty() || regions.contains(&region) {
            continue;
        }
        if region.len() != 2 || region.parse::<Id>().is_err() {
            refuse("allowed_regions", text.bad_region(&region));
        }
        regions.push(region);
    }
    if regions.is_empty() {
        refuse("allowed_regions", text.no_region.into());
    }
    clean.allowed_regions = regions;
    for (field, destination) in [
        ("landline", &mut clean.landline),
        ("mobile", &mut clean.mobile),
    ] {
        let typed = destination.trim().to_string();
        *destination = String::new();
        if typed.is_empty() {
            continue;
        }
        match number::parse(&typed, default_region) {
            Ok(parsed) => {
                // Refused when saved, not only when called (issue 8, toll fraud).
                if let Err(refusal) = rates::classify(&parsed, default_region) {
                    refuse(field, destination_refusal(refusal, &parsed, lang));
                    continue;
                }
                *destination = match parsed.extension {
                    Some(extension) => format!("{};{extension}", parsed.e164),
                    None => parsed.e164,
                }
            }
            Err(error) => refuse(field, error.message(lang)),
        }
    }
    if clean.landline.is_empty()
        && clean.mobile.is_empty()
        && !clean.internet_phone
        && errors.is_empty()
    {
        errors.push(FieldError::new("call.internet_phone", text.nowhere_to_ring));
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(errors)
    }
}

/// Why a destination may never ring, in `lang`. The high-risk list names its ranges in English
/// (`calls::high_risk`); other languages name the range's region from CLDR, or only its prefix
/// when it is no single region's (`+870`).
fn destination_refusal(refusal: DestinationRefusal, number: &ParsedNumber, lang: Lang) -> String {
    let text = card_form_text(lang);
    match refusal {
        DestinationRefusal::PremiumRate => text.premium_rate.into(),
        DestinationRefusal::SharedCost => text.shared_cost.into(),
        DestinationRefusal::HighRisk { prefix, name } => {
            let place = match lang {
                Lang::En => Some(name),
                _ => number
                    .region
                    .as_deref()
                    .and_then(|region| region_name(lang, region)),
            };
            text.high_risk(place, prefix)
        }
    }
}

/// `09:30` → 570; `24:00` only where `end` allows it.
pub fn minutes(text: &str, end: bool) -> Option<u32> {
    let (hours, mins) = text.trim().split_once(':')?;
    // At most two digits each: `1073741833:00` must not wrap around to a valid time.
    if hours.len() > 2 || mins.len() != 2 {
        return None;
    }
    let (hours, mins): (u32, u32) = (hours.parse().ok()?, mins.parse().ok()?);
    let total = hours.checked_mul(60)?.checked_add(mins)?;
    let valid = mins < 60 && (total < 24 * 60 || (end && total == 24 * 60));
    valid.then_some(total)
}

fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub fn to_row(card_id: i64, settings: &CallSettings) -> ActiveModel {
    use sea_orm::Set;
    ActiveModel {
        card_id: Set(card_id),
        call_quota: Set(i64::from(settings.call_quota)),
        max_call_secs: Set((settings.max_call_minutes * 60) as i32),
        time_zone: Set(settings.time_zone.clone()),
        available_from: Set(minutes(&settings.available_from, false).unwrap_or(0) as i32),
        available_until: Set(minutes(&settings.available_until, true).unwrap_or(24 * 60) as i32),
        available_days: Set(Weekday::ALL
            .iter()
            .enumerate()
            .filter(|(_, day)| settings.available_days.contains(day))
            .map(|(bit, _)| 1 << bit)
            .sum()),
        allowed_regions: Set(settings.allowed_regions.join(",")),
        landline: Set(settings.landline.clone()),
        mobile: Set(settings.mobile.clone()),
        internet_phone: Set(settings.internet_phone),
        daily_cap: Set(settings.daily_cap),
        // Counted afresh when the row is written with a cap (`reservation::count_card_day`).
        day_spent: Set(0),
        day_started_at: Set(None),
    }
}

pub fn from_row(row: &Model) -> CallSettings {
    CallSettings {
        call_quota: u32::try_from(row.call_quota).unwrap_or(0),
        max_call_minutes: (row.max_call_secs / 60).max(0) as u32,
        time_zone: row.time_zone.clone(),
        available_from: clock(row.available_from.max(0) as u32),
        available_until: clock(row.available_until.max(0) as u32),
        available_days: Weekday::ALL
            .into_iter()
            .enumerate()
            .filter(|(bit, _)| row.available_days & (1 << bit) != 0)
            .map(|(_, day)| day)
            .collect(),
        allowed_regions: row
            .allowed_regions
            .split(',')
            .filter(|region| !region.is_empty())
            .map(str::to_string)
            .collect(),
        landline: row.landline.clone(),
        mobile: row.mobile.clone(),
        internet_phone: row.internet_phone,
        daily_cap: row.daily_cap,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn premium_and_high_risk_destinations_are_refused_when_saved() {
        // Issue 8, toll fraud: an issuer cannot point a card at a number that pays its answerer.
        for (landline, mobile, field, words) in [
            ("060-700-1234", "", "call.landline", "Premium-rate"),
            ("", "+1 876 927 1234", "call.mobile", "Jamaica (+1876)"),
        ] {
            let settings = CallSettings {
                landline: landline.into(),
                mobile: mobile.into(),
                internet_phone: true,
                ..CallSettings::default()
            };
            let errors = validate(&settings, Id::KR, Lang::En).unwrap_err();
            assert_eq!(fields(&errors), vec![field]);
            assert!(errors[0].message.contains(words), "{}", errors[0].message);
        }
    }

    #[test]
    fn refusals_speak_the_issuers_language() {
        let settings = CallSettings {
            call_quota: 2_000_000,
            max_call_minutes: 0,
            time_zone: "Mars/Olympus".into(),
            available_from: "25:00".into(),
            available_days: vec![],
            allowed_regions: vec!["XX".into()],
            landline: "call me".into(),
            mobile: "060-700-1234".into(),
            daily_cap: Some(-1),
            ..CallSettings::default()
        };
        let english = validate(&settings, Id::KR, Lang::En).unwrap_err();
        assert_eq!(english[0].message, "Use at most 1000000 calls.");
        assert_eq!(
            english[3].message,
            "Use a time zone like Asia/Seoul or Europe/Paris."
        );
        // What the refusal may quote: the typed region, examples of codes, time zones and the
        // `ext` people type before an extension.
        let quoted = [
            "XX",
            "KR",
            "JP",
            "US",
            "Asia/Seoul",
            "Asia/Tokyo",
            "Asia/Shanghai",
            "Europe/Paris",
            "ext",
        ];
        for lang in [Lang::Ko, Lang::Ja, Lang::Zh] {
            let errors = validate(&settings, Id::KR, lang).unwrap_err();
            assert_eq!(fields(&errors), fields(&english), "{lang:?}");
            let text = card_form_text(lang);
            assert_eq!(errors[0].message, text.call_quota(MAX_QUOTA));
            assert_eq!(errors[3].message, text.time_zone);
            assert_eq!(errors[6].message, text.bad_region("XX"));
            assert_eq!(
                errors[7].message,
                number::NumberError::InvalidCharacters.message(lang)
            );
            assert_eq!(errors[8].message, text.premium_rate);
            for (error, in_english) in errors.iter().zip(&english) {
                assert_ne!(error.message, in_english.message, "{lang:?}");
                let left: String = quoted
                    .iter()
                    .fold(error.message.clone(), |left, kept| left.replace(kept, ""))
                    .chars()
                    .filter(char::is_ascii_alphabetic)
                    .collect();
                assert_eq!(left, "", "{lang:?}: {}", error.message);
            }
        }
    }

    #[test]
    fn a_high_risk_range_is_named_in_the_issuers_language() {
        let settings = CallSettings {
            mobile: "+1 876 927 1234".into(),
            ..CallSettings::default()
        };
        let refusal = |lang| {
            validate(&settings, Id::KR, lang).unwrap_err()[0]
                .message
                .clone()
        };
        assert_eq!(
            refusal(Lang::En),
            "Numbers in Jamaica (+1876) cannot be called from here: a range known for toll fraud."
        );
        assert_eq!(
            refusal(Lang::Ko),
            "자메이카(+1876) 번호로는 여기서 전화할 수 없습니다. 요금 사기에 자주 쓰이는 번호대입니다."
        );
        assert!(
            refusal(Lang::Ja).starts_with("ジャマイカ（+1876）"),
            "{}",
            refusal(Lang::Ja)
        );
        assert!(
            refusal(Lang::Zh).contains("牙买加（+1876）"),
            "{}",
            refusal(Lang::Zh)
        );
    }

    #[test]
    fn an_hour_too_large_is_refused_not_wrapped_around() {
        // Issue 8: 1073741833 × 60 + 0 wraps a u32 to 540, which read as 09:00.
        assert_eq!(minutes("1073741833:00", false), None);
        assert_eq!(minutes("4294967295:59", true), None);
        assert_eq!(minutes("25:00", true), None);
        assert_eq!(minutes("09:30", false), Some(570));
        assert_eq!(minutes("9:30", false), Some(570));
        assert_eq!(minutes("24:00", true), Some(1440));
        assert_eq!(minutes("24:00", false), None);
    }

    #[test]
    fn defaults_are_valid_and_destinations_become_e164() {
        let settings = CallSettings {
            landline: "025561234;235".into(),
            mobile: "010-1234-5678".into(),
            ..CallSettings::default()
        };
        let clean = validate(&settings, Id::KR, Lang::En).unwrap();
        assert_eq!(clean.landline, "+8225561234;235");
        assert_eq!(clean.mobile, "+821012345678");
    }

    #[test]
    fn every_bad_field_is_named() {
        let settings = CallSettings {
            call_quota: 2_000_000,
            max_call_minutes: 0,
            time_zone: "Mars/Olympus".into(),
            available_from: "25:00".into(),
            available_days: vec![],
            allowed_regions: vec!["XX".into()],
            landline: "call me".into(),
            daily_cap: Some(-1),
            ..CallSettings::default()
        };
        let errors = validate(&settings, Id::KR, Lang::En).unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                "call.call_quota",
                "call.max_call_minutes",
                "call.daily_cap",
                "call.time_zone",
                "call.available_from",
                "call.available_days",
                "call.allowed_regions",
                "call.landline"
            ]
        );
    }

    #[test]
    fn calls_must_ring_somewhere() {
        let settings = CallSettings {
            internet_phone: false,
            ..CallSettings::default()
        };
        assert_eq!(
            fields(&validate(&settings, Id::KR, Lang::En).unwrap_err()),
            ["call.internet_phone"]
        );
    }

    #[test]
    fn hours_allow_midnight_end_and_overnight() {
        let all_day = CallSettings {
            available_from: "0:00".into(),
            available_until: "24:00".into(),
            ..CallSettings::default()
        };
        let clean = validate(&all_day, Id::KR, Lang::En).unwrap();
        assert_eq!(
            (
                clean.available_from.as_str(),
                clean.available_until.as_str()
            ),
            ("00:00", "24:00")
        );
        let overnight = CallSettings {
            available_from: "22:00".into(),
            available_until: "06:00".into(),
            ..CallSettings::default()
        };
        assert!(validate(&overnight, Id::KR, Lang::En).is_ok());
        let empty = CallSettings {
            available_from: "10:00".into(),
            available_until: "10:00".into(),
            ..CallSettings::default()
        };
        assert_eq!(
            fields(&validate(&empty, Id::KR, Lang::En).unwrap_err()),
            ["call.available_until"]
        );
    }

    #[test]
    fn rows_round_trip() {
        let settings = validate(
            &CallSettings {
                available_days: vec![Weekday::Sat, Weekday::Mon],
                allowed_regions: vec!["kr".into(), "JP".into(), "KR".into()],
                daily_cap: Some(3_000),
                ..CallSettings::default()
            },
            Id::KR,
            Lang::En,
        )
        .unwrap();
        assert_eq!(settings.available_days, [Weekday::Mon, Weekday::Sat]);
        assert_eq!(settings.allowed_regions, ["KR", "JP"]);
        let row = to_row(7, &settings);
        let model = Model {
            card_id: 7,
            call_quota: row.call_quota.unwrap(),
            max_call_secs: row.max_call_secs.unwrap(),
            time_zone: row.time_zone.unwrap(),
            available_from: row.available_from.unwrap(),
            available_until: row.available_until.unwrap(),
            available_days: row.available_days.unwrap(),
            allowed_regions: row.allowed_regions.unwrap(),
            landline: row.landline.unwrap(),
            mobile: row.mobile.unwrap(),
            internet_phone: row.internet_phone.unwrap(),
            daily_cap: row.daily_cap.unwrap(),
            day_spent: row.day_spent.unwrap(),
            day_started_at: row.day_started_at.unwrap(),
        };
        assert_eq!(from_row(&model), settings);
    }
}
