//! Guild money: integer minor units of the installation's one currency (won for KRW, cents for
//! USD). Never a float; every sum is checked.

use serde::{Deserialize, Serialize};

/// The largest amount one ledger entry may move: far below `i64::MAX`, so no running balance
/// can overflow in the database either (SQLite would silently turn an overflow into a float).
pub const MAX_ENTRY: i64 = 1_000_000_000_000;

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("`{0}` is not an amount; write digits, e.g. 5000 or 12.50")]
    NotANumber(String),
    #[error("{currency} amounts have at most {digits} decimal places")]
    TooPrecise { currency: String, digits: u8 },
    #[error("the amount is too large")]
    TooLarge,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a currency code like KRW, USD or JPY")]
pub struct UnknownCurrency(String);

/// The installation's currency: its ISO 4217 code and how many decimal places it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    code: String,
    minor_digits: u8,
}

impl Currency {
    pub fn new(code: &str) -> Result<Currency, UnknownCurrency> {
        let code = code.trim().to_ascii_uppercase();
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(UnknownCurrency(code));
        }
        // One table of decimal places, which the pages format money with too.
        let minor_digits = app::i18n::format::minor_digits(&code);
        Ok(Currency { code, minor_digits })
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    /// `"12.50"` in USD → 1250; `"5,000"` in KRW → 5000. No sign: callers decide the direction.
    pub fn parse(&self, text: &str) -> Result<Money, AmountError> {
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != '_')
            .collect();
        let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) {
            return Err(AmountError::NotANumber(text.trim().to_string()));
        }
        if fraction.len() > usize::from(self.minor_digits) {
            return Err(AmountError::TooPrecise {
                currency: self.code.clone(),
                digits: self.minor_digits,
            });
        }
        let scale = 10_i64.pow(u32::from(self.minor_digits));
        let padded = format!(
            "{fraction:0<width$}",
            width = usize::from(self.minor_digits)
        );
        let minor = whole
            .parse::<i64>()
            .ok()
            .and_then(|whole| whole.checked_mul(scale))
            .and_then(|whole| whole.checked_add(padded.parse::<i64>().unwrap_or(0)))
            .filter(|amount| *amount <= MAX_ENTRY)
            .ok_or(AmountError::TooLarge)?;
        Ok(Money(minor))
    }

    /// 1250 in USD → `"12.50 USD"`; -5000 in KRW → `"-5,000 KRW"`: the same in every language,
    /// for the API's `*_display` fields and the CLI. Pages write money in their own language
    /// (`app::i18n::format::money`).
    pub fn format(&self, amount: Money) -> String {
        let scale = 10_u64.pow(u32::from(self.minor_digits));
        let magnitude = amount.0.unsigned_abs();
        let whole = (magnitude / scale).to_string();
        let mut grouped = String::new();
        for (index, digit) in whole.chars().enumerate() {
            if index > 0 && (whole.len() - index).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        let sign = if amount.0 < 0 { "-" } else { "" };
        if self.minor_digits == 0 {
            format!("{sign}{grouped} {}", self.code)
        } else {
            let fraction = magnitude % scale;
            let width = usize::from(self.minor_digits);
            format!("{sign}{grouped}.{fraction:0width$} {}", self.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_amounts_in_minor_units() {
        let krw = Currency::new("krw").unwrap();
        assert_eq!(krw.parse("5,000").unwrap(), Money(5000));
        let usd = Currency::new("USD").unwrap();
        assert_eq!(usd.parse("12.5").unwrap(), Money(1250));
        assert_eq!(usd.parse("0.05").unwrap(), Money(5));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        let krw = Currency::new("KRW").unwrap();
        for bad in ["", "-5", "1e3", "five", "1.2.3", "12.5"] {
            assert!(krw.parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            krw.parse("12.5").unwrap_err(),
            AmountError::TooPrecise {
                currency: "KRW".into(),
                digits: 0
            }
        );
        assert_eq!(
            krw.parse("99999999999999999999").unwrap_err(),
            AmountError::TooLarge
        );
        assert_eq!(
            krw.parse("1000000000001").unwrap_err(),
            AmountError::TooLarge
        );
    }

    #[test]
    fn formats_with_grouping_and_decimals() {
        assert_eq!(
            Currency::new("KRW").unwrap().format(Money(-1_234_567)),
            "-1,234,567 KRW"
        );
        assert_eq!(
            Currency::new("USD").unwrap().format(Money(1250)),
            "12.50 USD"
        );
        assert_eq!(Currency::new("USD").unwrap().format(Money(5)), "0.05 USD");
        assert_eq!(
            Currency::new("kwd").unwrap().format(Money(1_234_500)),
            "1,234.500 KWD"
        );
    }

    #[test]
    fn currency_codes_are_three_letters() {
        assert!(Currency::new("KRWX").is_err());
        assert!(Currency::new("K1W").is_err());
    }
}
