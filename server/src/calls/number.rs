//! What a caller or an issuer typed, understood as a dialable number (BRIEF R7a, patent Fig. 3):
//! domestic `0255201115`, mobile `010-1234-5678`, an extension after `;` (`025561234;235`: dial
//! 025561234, then send 235 as DTMF once answered; claim 7), international with the region's
//! `00x` prefixes (`001`, `002`, `00700`… for KR) or `+E.164`. Pure; libphonenumber's metadata
//! (the `phonenumber` crate) decides validity, type and country.

use phonenumber::country::Id;
use phonenumber::{PhoneNumber, Type};
use serde::Serialize;

/// Digits a person may reasonably type, separators included.
const MAX_INPUT: usize = 40;
const MAX_EXTENSION: usize = 20;

/// The kind of line a number reaches, which decides its rate class and whether it may be called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    FixedLine,
    Mobile,
    FixedLineOrMobile,
    TollFree,
    PremiumRate,
    SharedCost,
    Voip,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ParsedNumber {
    /// `+82255201115`
    pub e164: String,
    /// Shown back to the caller, e.g. `+82 2-552-0115`.
    pub international: String,
    /// DTMF digits to send once answered (`0-9`, `*`, `#`, `,` for a pause).
    pub extension: Option<String>,
    pub kind: NumberKind,
    /// ISO 3166 region, e.g. `KR`, when the number belongs to exactly one.
    pub region: Option<String>,
    pub country_code: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("enter a phone number")]
    Empty,
    #[error("a phone number has at most {MAX_INPUT} characters")]
    TooLong,
    #[error("use digits, spaces, + - ( ) and ; before an extension")]
    InvalidCharacters,
    #[error("an extension after ; has 1 to {MAX_EXTENSION} digits (0-9, * and #)")]
    BadExtension,
    #[error("this is not a phone number we can call")]
    NotANumber,
    #[error("this number does not exist in {0}; check the area code")]
    Invalid(String),
}

/// `default_region` is where numbers without `+` or an international prefix are (e.g. `KR`).
pub fn parse(input: &str, default_region: Id) -> Result<ParsedNumber, NumberError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(NumberError::Empty);
    }
    if input.chars().count() > MAX_INPUT {
        return Err(NumberError::TooLong);
    }
    let (number, extension) = match input.split_once(';') {
        Some((number, extension)) => (number, Some(parse_extension(extension)?)),
        None => (input, None),
    };
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    if !number.chars().all(allowed) || !number.chars().any(|c| c.is_ascii_digit()) {
        return Err(NumberError::InvalidCharacters);
    }
    if number.trim_start().starts_with('+') && number.matches('+').count() > 1 {
        return Err(NumberError::InvalidCharacters);
    }
    let parsed =
        phonenumber::parse(Some(default_region), number).map_err(|_| NumberError::NotANumber)?;
    if !parsed.is_valid() {
        let region = parsed
            .country()
            .id()
            .map(|id| format!("{id:?}"))
            .unwrap_or_else(|| format!("+{}", parsed.country().code()));
        return Err(NumberError::Invalid(region));
    }
    Ok(describe(&parsed, extension))
}

fn parse_extension(text: &str) -> Result<String, NumberError> {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let valid = !digits.is_empty()
        && digits.len() <= MAX_EXTENSION
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '*' | '#' | ','));
    if valid {
        Ok(digits)
    } else {
        Err(NumberError::BadExtension)
    }
}

fn describe(number: &PhoneNumber, extension: Option<String>) -> ParsedNumber {
    let database = &*phonenumber::metadata::DATABASE;
    ParsedNumber {
        e164: number.format().mode(phonenumber::Mode::E164).to_string(),
        international: number
            .format()
            .mode(phonenumber::Mode::International)
            .to_string(),
        extension,
        kind: match number.number_type(database) {
            Type::FixedLine => NumberKind::FixedLine,
            Type::Mobile => NumberKind::Mobile,
            Type::FixedLineOrMobile => NumberKind::FixedLineOrMobile,
            Type::TollFree => NumberKind::TollFree,
            Type::PremiumRate => NumberKind::PremiumRate,
            Type::SharedCost => NumberKind::SharedCost,
            Type::Voip => NumberKind::Voip,
            Type::PersonalNumber => NumberKind::PersonalNumber,
            Type::Pager => NumberKind::Pager,
            Type::Uan => NumberKind::Uan,
            Type::Voicemail => NumberKind::Voicemail,
            _ => NumberKind::Unknown,
        },
        region: number.country().id().map(|id| format!("{id:?}")),
        country_code: number.country().code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kr(input: &str) -> Result<ParsedNumber, NumberError> {
        parse(input, Id::KR)
    }

    /// Every format of the call window (Fig. 3), typed as people type them.
    #[test]
    fn understands_the_call_window_formats() {
        let cases: &[(&str, &str, Option<&str>, NumberKind, &str)] = &[
            (
                "0255201115",
                "+82255201115",
                None,
                NumberKind::FixedLine,
                "KR",
            ),
            (
                "02-3456-1234",
                "+82234561234",
                None,
                NumberKind::FixedLine,
                "KR",
            ),
            (
                "010-1234-5678",
                "+821012345678",
                None,
                NumberKind::Mobile,
                "KR",
            ),
            (
                "025561234;235",
                "+8225561234",
                Some("235"),
                NumberKind::FixedLine,
                "KR",
            ),
            (
                "+82 2 3456 1234",
                "+82234561234",
                None,
                NumberKind::FixedLine,
                "KR",
            ),
            (
                "001 1 650 253 0000",
                "+16502530000",
                None,
                NumberKind::FixedLineOrMobile,
                "US",
            ),
            (
                "002-81-3-3224-5000",
                "+81332245000",
                None,
                NumberKind::FixedLine,
                "JP",
            ),
            (
                "+44 20 7946 0958",
                "+442079460958",
                None,
                NumberKind::FixedLine,
                "GB",
            ),
        ];
        for (input, e164, extension, kind, region) in cases {
            let parsed = kr(input).unwrap_or_else(|error| panic!("{input}: {error}"));
            assert_eq!(parsed.e164, *e164, "{input}");
            assert_eq!(parsed.extension.as_deref(), *extension, "{input}");
            assert_eq!(parsed.kind, *kind, "{input}");
            assert_eq!(parsed.region.as_deref(), Some(*region), "{input}");
        }
    }

    #[test]
    fn premium_and_toll_free_numbers_are_recognised() {
        assert_eq!(
            kr("060-700-1234").map(|n| n.kind),
            Ok(NumberKind::PremiumRate)
        );
        assert_eq!(kr("080-123-4567").map(|n| n.kind), Ok(NumberKind::TollFree));
    }

    #[test]
    fn refuses_with_a_reason() {
        assert_eq!(kr(""), Err(NumberError::Empty));
        assert_eq!(kr("call me maybe"), Err(NumberError::InvalidCharacters));
        assert_eq!(kr("++82 2 3456 1234"), Err(NumberError::InvalidCharacters));
        assert_eq!(kr("025561234;"), Err(NumberError::BadExtension));
        assert_eq!(kr("025561234;12a"), Err(NumberError::BadExtension));
        assert_eq!(kr(&"1".repeat(41)), Err(NumberError::TooLong));
        assert!(matches!(
            kr("012"),
            Err(NumberError::Invalid(_) | NumberError::NotANumber)
        ));
    }

    proptest::proptest! {
        /// Outside input never panics the parser; whatever it accepts is a well-formed E.164.
        #[test]
        fn any_input_is_answered_without_panicking(input in "\\PC{0,45}") {
            if let Ok(parsed) = kr(&input) {
                proptest::prop_assert!(parsed.e164.starts_with('+'));
                proptest::prop_assert!(parsed.e164[1..].bytes().all(|b| b.is_ascii_digit()));
            }
        }

        #[test]
        fn digit_strings_are_answered_without_panicking(input in "[0-9+;*# -]{0,40}") {
            let _ = kr(&input);
        }
    }
}
