//! Money, dates and times as each UI language writes them (issue 11), after CLDR's conventions.
//! Pure: no clock, no time-zone database, so the same code runs in the server and the browser.
//!
//! - Money is integer minor units of an ISO 4217 currency; [`minor_digits`] is the one table of
//!   decimal places (the server's `Currency` reads it too). Grouping is `#,##0` in all four
//!   languages, the symbol comes first (`¤#,##0.00`) and a negative amount puts its `-` before
//!   the symbol. Currencies without a symbol here are written `1,234.50 XYZ`.
//! - Dates use CLDR's *medium* date in every language (`Dec 5, 2026`, `2026. 12. 5.`,
//!   `2026/12/05`, `2026年12月5日`), and times its *short* time, 24-hour in ko, ja and zh.
//! - Times arrive as RFC 3339 already shifted to the zone the page names: what is shown is
//!   their wall clock, so converting between zones stays on the server.

use crate::model::Lang;

/// ISO 4217 decimal places: 0 for the currencies without cents that callcard's markets use,
/// 3 for the dinars and rials that have thousandths, 2 for the rest.
pub fn minor_digits(currency: &str) -> u8 {
    match currency {
        "KRW" | "JPY" | "VND" | "CLP" | "ISK" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

/// Where a language puts a currency's sign.
enum Symbol {
    Before(&'static str),
    After(&'static str),
}

/// CLDR's symbols per language. Korean is the exception for its own currency: CLDR writes
/// `₩1,234`, but Korean bills, bank and card statements write `1,234원`, which is what an
/// issuer checks their Guild against.
fn symbol(lang: Lang, currency: &str) -> Option<Symbol> {
    use Symbol::{After, Before};
    let symbol = match (lang, currency) {
        (Lang::Ko, "KRW") => After("원"),
        (Lang::En, "KRW") => Before("₩"),
        (Lang::Ja | Lang::Zh, "KRW") => Before("￦"),
        (Lang::En, "JPY") => Before("¥"),
        (Lang::Ja, "JPY") => Before("￥"),
        (Lang::Ko | Lang::Zh, "JPY") => Before("JP¥"),
        (Lang::En | Lang::Ja, "USD") => Before("$"),
        (Lang::Ko | Lang::Zh, "USD") => Before("US$"),
        (Lang::Zh, "CNY") => Before("¥"),
        (Lang::Ja, "CNY") => Before("元"),
        (Lang::Ko | Lang::En, "CNY") => Before("CN¥"),
        (_, "EUR") => Before("€"),
        (_, "GBP") => Before("£"),
        _ => return None,
    };
    Some(symbol)
}

/// `minor_units` of `currency` as `lang` writes money: `-₩1,234` in English, `-1,234원` in
/// Korean, `$12.50`, `￥1,234` in Japanese; `1,234.500 KWD` where no symbol is known.
pub fn money(lang: Lang, minor_units: i64, currency: &str) -> String {
    let digits = minor_digits(currency);
    let scale = 10_u64.pow(u32::from(digits));
    let magnitude = minor_units.unsigned_abs();
    let mut number = grouped(magnitude / scale);
    if digits > 0 {
        let width = usize::from(digits);
        number.push_str(&format!(".{:0width$}", magnitude % scale));
    }
    let sign = if minor_units < 0 { "-" } else { "" };
    match symbol(lang, currency) {
        Some(Symbol::Before(symbol)) => format!("{sign}{symbol}{number}"),
        Some(Symbol::After(symbol)) => format!("{sign}{number}{symbol}"),
        None => format!("{sign}{number} {currency}"),
    }
}

/// `1234567` → `1,234,567`.
fn grouped(whole: u64) -> String {
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A wall-clock time in the zone its page names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
}

impl LocalTime {
    /// The wall clock of an RFC 3339 time as written, offset and all (`2026-12-05T15:07:09+09:00`
    /// is 15:07 on Dec 5), or `None` if `text` is not one.
    pub fn parse(text: &str) -> Option<LocalTime> {
        let bytes = text.as_bytes();
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(range)?;
            part.bytes()
                .all(|byte| byte.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
        if bytes.len() < 20
            || !matches!(bytes[10], b'T' | b't' | b' ')
            || separators.iter().any(|&(at, byte)| bytes[at] != byte)
            || !matches!(bytes[19], b'Z' | b'z' | b'+' | b'-' | b'.')
        {
            return None;
        }
        let time = LocalTime {
            year: i32::try_from(number(0..4)?).ok()?,
            month: u8::try_from(number(5..7)?).ok()?,
            day: u8::try_from(number(8..10)?).ok()?,
            hour: u8::try_from(number(11..13)?).ok()?,
            minute: u8::try_from(number(14..16)?).ok()?,
        };
        let valid = (1..=12).contains(&time.month)
            && (1..=31).contains(&time.day)
            && time.hour < 24
            && time.minute < 60
            && number(17..19)? < 61;
        valid.then_some(time)
    }
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// CLDR's medium date: `Dec 5, 2026`, `2026. 12. 5.`, `2026/12/05`, `2026年12月5日`.
pub fn date(lang: Lang, time: &LocalTime) -> String {
    let LocalTime {
        year, month, day, ..
    } = *time;
    match lang {
        Lang::En => format!("{} {day}, {year}", MONTHS_EN[usize::from(month) - 1]),
        Lang::Ko => format!("{year}. {month}. {day}."),
        Lang::Ja => format!("{year}/{month:02}/{day:02}"),
        Lang::Zh => format!("{year}年{month}月{day}日"),
    }
}

/// The medium date and CLDR's short time: `Dec 5, 2026, 3:07 PM`, `2026. 12. 5. 15:07`,
/// `2026/12/05 15:07`, `2026年12月5日 15:07`. Korean takes the 24-hour clock (CLDR writes
/// `오후 3:07`), as Korean statements and call logs do. English has a plain space before
/// `PM` where CLDR now puts a narrow no-break space, so the text can be searched as typed.
pub fn date_time(lang: Lang, time: &LocalTime) -> String {
    let LocalTime { hour, minute, .. } = *time;
    let day = date(lang, time);
    match lang {
        Lang::En => {
            let half = if hour < 12 { "AM" } else { "PM" };
            let twelve = if hour % 12 == 0 { 12 } else { hour % 12 };
            format!("{day}, {twelve}:{minute:02} {half}")
        }
        Lang::Ko | Lang::Zh => format!("{day} {hour:02}:{minute:02}"),
        Lang::Ja => format!("{day} {hour}:{minute:02}"),
    }
}

/// CLDR's short month and day (`MMMd`) of a `YYYY-MM-DD` date: `Dec 6`, `12월 6일`, `12月6日`;
/// the text as it came if it is not one.
pub fn month_day(lang: Lang, iso_date: &str) -> String {
    let number = |range: std::ops::Range<usize>| iso_date.get(range)?.parse::<usize>().ok();
    let (Some(month @ 1..=12), Some(day @ 1..=31)) = (number(5..7), number(8..10)) else {
        return iso_date.to_string();
    };
    match lang {
        Lang::En => format!("{} {day}", MONTHS_EN[month - 1]),
        Lang::Ko => format!("{month}월 {day}일"),
        Lang::Ja | Lang::Zh => format!("{month}月{day}日"),
    }
}

/// [`date`] of an RFC 3339 time from the server; the text as it came if it is not one.
pub fn date_of(lang: Lang, rfc3339: &str) -> String {
    LocalTime::parse(rfc3339).map_or_else(|| rfc3339.to_string(), |time| date(lang, &time))
}

/// [`date_time`] of an RFC 3339 time from the server; the text as it came if it is not one.
pub fn date_time_of(lang: Lang, rfc3339: &str) -> String {
    LocalTime::parse(rfc3339).map_or_else(|| rfc3339.to_string(), |time| date_time(lang, &time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(minor_units: i64, currency: &str) -> [String; 4] {
        Lang::ALL.map(|lang| money(lang, minor_units, currency))
    }

    #[test]
    fn won_has_no_decimals_and_korean_writes_it_after_the_number() {
        // ko, en, ja, zh.
        assert_eq!(
            all(1_234_567, "KRW"),
            ["1,234,567원", "₩1,234,567", "￦1,234,567", "￦1,234,567"]
        );
        assert_eq!(
            all(-1_234, "KRW"),
            ["-1,234원", "-₩1,234", "-￦1,234", "-￦1,234"]
        );
        assert_eq!(all(0, "KRW"), ["0원", "₩0", "￦0", "￦0"]);
    }

    #[test]
    fn yen_has_no_decimals_and_each_language_its_own_sign() {
        assert_eq!(
            all(1_234, "JPY"),
            ["JP¥1,234", "¥1,234", "￥1,234", "JP¥1,234"]
        );
        assert_eq!(money(Lang::Ja, -5, "JPY"), "-￥5");
    }

    #[test]
    fn dollars_have_cents() {
        assert_eq!(
            all(1_250, "USD"),
            ["US$12.50", "$12.50", "$12.50", "US$12.50"]
        );
        assert_eq!(money(Lang::En, 5, "USD"), "$0.05");
        assert_eq!(money(Lang::En, -5, "USD"), "-$0.05");
        assert_eq!(money(Lang::Zh, 0, "USD"), "US$0.00");
        assert_eq!(all(1_250, "CNY")[3], "¥12.50");
        assert_eq!(all(1_250, "CNY")[2], "元12.50");
    }

    #[test]
    fn large_amounts_are_grouped_by_thousands() {
        assert_eq!(
            money(Lang::En, 1_000_000_000_000, "KRW"),
            "₩1,000,000,000,000"
        );
        assert_eq!(money(Lang::En, 100_000_000, "USD"), "$1,000,000.00");
        assert_eq!(money(Lang::Ko, 999, "KRW"), "999원");
        assert_eq!(money(Lang::Ko, 1_000, "KRW"), "1,000원");
        assert_eq!(
            money(Lang::En, i64::MIN, "KRW"),
            "-₩9,223,372,036,854,775,808"
        );
    }

    #[test]
    fn dinars_have_three_decimals_and_unknown_currencies_keep_their_code() {
        assert_eq!(minor_digits("KWD"), 3);
        assert_eq!(all(1_234_500, "KWD"), ["1,234.500 KWD"; 4]);
        assert_eq!(money(Lang::Ja, -7, "KWD"), "-0.007 KWD");
        assert_eq!(all(123_450, "XYZ"), ["1,234.50 XYZ"; 4]);
        assert_eq!(money(Lang::Ko, -123_450, "XYZ"), "-1,234.50 XYZ");
    }

    #[test]
    fn dates_are_cldr_medium_dates() {
        let time = LocalTime::parse("2026-12-05T15:07:09+09:00").unwrap();
        assert_eq!(
            Lang::ALL.map(|lang| date(lang, &time)),
            ["2026. 12. 5.", "Dec 5, 2026", "2026/12/05", "2026年12月5日"]
        );
    }

    #[test]
    fn date_times_add_the_short_time() {
        let afternoon = LocalTime::parse("2026-12-05T15:07:09+09:00").unwrap();
        assert_eq!(
            Lang::ALL.map(|lang| date_time(lang, &afternoon)),
            [
                "2026. 12. 5. 15:07",
                "Dec 5, 2026, 3:07 PM",
                "2026/12/05 15:07",
                "2026年12月5日 15:07"
            ]
        );
        let morning = LocalTime::parse("2027-01-31T09:05:00Z").unwrap();
        assert_eq!(
            Lang::ALL.map(|lang| date_time(lang, &morning)),
            [
                "2027. 1. 31. 09:05",
                "Jan 31, 2027, 9:05 AM",
                "2027/01/31 9:05",
                "2027年1月31日 09:05"
            ]
        );
        let midnight = LocalTime::parse("2026-06-01T00:30:00-04:00").unwrap();
        assert_eq!(date_time(Lang::En, &midnight), "Jun 1, 2026, 12:30 AM");
        let noon = LocalTime::parse("2026-06-01T12:00:00.250Z").unwrap();
        assert_eq!(date_time(Lang::En, &noon), "Jun 1, 2026, 12:00 PM");
    }

    #[test]
    fn the_wall_clock_is_read_as_written_whatever_the_offset() {
        let time = LocalTime::parse("2026-12-31T23:59:59-10:00").unwrap();
        assert_eq!(
            time,
            LocalTime {
                year: 2026,
                month: 12,
                day: 31,
                hour: 23,
                minute: 59
            }
        );
    }

    #[test]
    fn what_is_not_rfc_3339_is_shown_as_it_came() {
        for text in [
            "",
            "2026-12-05",
            "2026-13-05T10:00:00Z",
            "2026-12-00T10:00:00Z",
            "2026-12-05T24:00:00Z",
            "2026-12-05T10:60:00Z",
            "2026-12-05X10:00:00Z",
            "2026-1a-05T10:00:00Z",
            "2026-12-05T10:00:00",
            "２０２６-12-05T10:00:00Z",
        ] {
            assert_eq!(LocalTime::parse(text), None, "{text}");
            assert_eq!(date_of(Lang::En, text), text);
            assert_eq!(date_time_of(Lang::Ko, text), text);
        }
        assert_eq!(date_of(Lang::Zh, "2026-02-03T04:05:06Z"), "2026年2月3日");
    }

    #[test]
    fn month_and_day_read_as_each_language_writes_them() {
        assert_eq!(month_day(Lang::Ko, "2026-12-06"), "12월 6일");
        assert_eq!(month_day(Lang::En, "2026-12-06"), "Dec 6");
        assert_eq!(month_day(Lang::Ja, "2026-01-31"), "1月31日");
        assert_eq!(month_day(Lang::Zh, "2026-01-31"), "1月31日");
        assert_eq!(
            month_day(Lang::En, "2026-13-01"),
            "2026-13-01",
            "not a date: as it came"
        );
    }
}
