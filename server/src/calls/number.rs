//! What a caller or an issuer typed, understood as a dialable number (BRIEF R7a, patent Fig. 3):
//! domestic `0255201115`, mobile `010-1234-5678`, an extension (`025561234;235`, `ext. 235`,
//! `x235`, `내선 235`: dial 025561234, then send 235 as DTMF once answered; claim 7),
//! international with the region's `00x` prefixes (`001`, `002`, `00700`… for KR) or
//! `+E.164`, in any digit script and with any separators people type ([`typed`]). Pure.
//!
//! libphonenumber's metadata (the `phonenumber` crate, which also parses) decides which
//! numbers exist; [`plan`] matches its patterns whole, where the crate matches only their
//! start. `reference.tsv`, made by an independent libphonenumber (`scripts/number-reference.py`),
//! holds us to its verdict on every number in it (`tests.rs`).

mod plan;
mod typed;

#[cfg(test)]
mod tests;

use app::i18n::number::{Problem, Understood, describe, number_text};
use app::model::Lang;
pub use app::model::NumberKind;
use phonenumber::country::Id;
use serde::Serialize;
pub(crate) use typed::EXTENSION_MARKERS;

/// Characters a person may reasonably type, separators and an extension included.
const MAX_INPUT: usize = 40;

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
    #[error("use digits, spaces, + - ( ) and, before an extension, ; or ext")]
    InvalidCharacters,
    #[error(
        "an extension has 1 to {} keys (0-9, * and #, and , for a pause)",
        typed::MAX_EXTENSION
    )]
    BadExtension,
    #[error("this is not a phone number we can call")]
    NotANumber,
    #[error("this number does not exist in {0}; check the area code")]
    Invalid(String),
}

impl NumberError {
    /// The page's words for it (`app::i18n::number`), with the stable code they carry.
    pub fn problem(&self) -> Problem {
        match self {
            NumberError::Empty => Problem::Empty,
            NumberError::TooLong => Problem::TooLong,
            NumberError::InvalidCharacters => Problem::InvalidCharacters,
            NumberError::BadExtension => Problem::BadExtension,
            NumberError::NotANumber => Problem::NotANumber,
            NumberError::Invalid(_) => Problem::DoesNotExist,
        }
    }

    /// The refusal in `lang`, naming the region the number was read in.
    pub fn message(&self, lang: Lang) -> String {
        let place = match self {
            NumberError::Invalid(place) => place.as_str(),
            _ => "",
        };
        number_text(lang).problem(lang, self.problem(), place)
    }
}

impl ParsedNumber {
    /// `+82 2-556-1234, extension 235 — Seoul landline`, in `lang`; numbers of `home` (the
    /// installation's region) go without their country's name.
    pub fn describe(&self, lang: Lang, home: Id) -> String {
        let national = &self.e164[1 + self.country_code.to_string().len()..];
        let understood = Understood {
            international: &self.international,
            extension: self.extension.as_deref(),
            kind: self.kind,
            region: self.region.as_deref(),
            national,
        };
        describe(lang, &understood, &format!("{home:?}"))
    }
}

/// `default_region` is where numbers without `+` or an international prefix are (e.g. `KR`).
pub fn parse(input: &str, default_region: Id) -> Result<ParsedNumber, NumberError> {
    // Bounded before anything else looks at it: a 4-byte character is the widest there is.
    if input.len() > MAX_INPUT * 4 || input.chars().count() > MAX_INPUT {
        return Err(NumberError::TooLong);
    }
    let input = input.trim();
    if input.is_empty() {
        return Err(NumberError::Empty);
    }
    let typed = typed::split(input)?;
    let (code, national) =
        plan::read(&typed.number, default_region).map_err(|_| NumberError::NotANumber)?;
    let Some(classified) = plan::classify(code, &national) else {
        return Err(NumberError::Invalid(home_or_code(code)));
    };
    Ok(ParsedNumber {
        e164: format!("+{code}{national}"),
        international: plan::international(code, &national),
        extension: typed.extension,
        kind: classified.kind,
        region: classified.region,
        country_code: code,
    })
}

/// `KR` for +82, `+800` for a code of no single region: named in "does not exist in …".
fn home_or_code(code: u16) -> String {
    match phonenumber::metadata::DATABASE.region(&code).as_deref() {
        Some([region]) if *region != "001" => (*region).to_owned(),
        _ => format!("+{code}"),
    }
}
