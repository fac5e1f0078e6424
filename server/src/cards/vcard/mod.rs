//! vCard export and import (BRIEF R4, R5).
//!
//! Model: a card becomes one vCard, either 4.0 (RFC 6350) carrying every language of the card,
//! or 3.0 (RFC 2426) for Outlook carrying only the default language. Every vCard also carries
//! the card's public URL, so a saved contact keeps a way back to the always-current card (R5).
//! Import goes the other way, from a 2.1, 3.0 or 4.0 vCard to a `CardInput` that prefills the
//! card designer; it is lenient about what real exporters write (phones' 2.1 with
//! quoted-printable and legacy character sets, folds inside a character, `tel:` URIs with
//! `;ext=`, dial pauses) and strict about what would make the result meaningless or wrong (no
//! card, no name, an unknown version, text it cannot decode, too much input): it refuses
//! rather than guesses, so an import never fills a card with mojibake.
//! Import reads what strangers share, so it is bounded: at most `MAX_IMPORT_BYTES`,
//! `MAX_IMPORT_PROPERTIES` content lines and `MAX_IMPORT_URLS` URLs, and linear in its input
//! (the import routes run it on the parsing pool, `heavy.rs`).
//!
//! Invariants of the output: CRLF line endings, every physical line at most 75 octets and
//! never cut inside a UTF-8 sequence, text escaped per RFC 6350 §3.4, `BEGIN`/`VERSION` first
//! and `END` last. `import(export(card, V4, ..))` gives back the card's texts in every
//! language, its contacts and its links.
//!
//! Lines are modelled in three steps both ways: a physical line (folded, ≤ 75 octets), a
//! logical content line (`group.NAME;PARAM=value:value`), and the escaped value.

mod export;
#[cfg(test)]
mod exporter_tests;
mod import;
mod korean_names;
#[cfg(test)]
mod limit_tests;
mod lines;
#[cfg(test)]
mod tests;

pub use export::export;
pub use import::import;

/// Largest vCard `import` reads; a single contact is a few KB, with a photo a few hundred.
/// The import routes refuse a larger body before reading it whole.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;

/// Most content lines (after unfolding) `import` reads in the vCard; a rich contact has fifty.
pub const MAX_IMPORT_PROPERTIES: usize = 1000;

/// Most `URL` lines `import` reads; a card keeps at most `validate::MAX_LINKS` links.
pub const MAX_IMPORT_URLS: usize = 50;

/// RFC 6350 §3.2: lines SHOULD NOT be longer than 75 octets, excluding the line break.
const MAX_LINE_OCTETS: usize = 75;

/// The `TYPE` of the URL line that points back to the card; marks it so import can skip it.
const CARD_URL_TYPE: &str = "x-callcard";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VCardVersion {
    /// RFC 6350, vCard 4.0: all languages, told apart with `ALTID` and `LANGUAGE`.
    V4,
    /// RFC 2426, vCard 3.0: what Outlook reads; the default language only.
    V3,
}

/// An image to embed, already sanitised (see `cards::media`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Photo<'a> {
    pub bytes: &'a [u8],
    /// `image/jpeg` or `image/png`.
    pub media_type: &'a str,
}

/// Why an uploaded vCard cannot prefill a card; shown to the person who uploaded it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VCardError {
    #[error("this file is not a vCard: it has no BEGIN:VCARD line")]
    NotAVCard,
    #[error("this vCard is cut off: BEGIN:VCARD has no matching END:VCARD")]
    Unterminated,
    #[error("vCard version {found} is not supported; export the contact as vCard 3.0 or 4.0")]
    UnsupportedVersion { found: String },
    #[error(
        "this vCard's text is in the character set \"{name}\", which is not supported; export \
         the contact as vCard 3.0 or 4.0 (UTF-8)"
    )]
    UnknownCharset { name: String },
    #[error(
        "this vCard's {property} is not valid {charset} text, as the vCard says it is; export \
         the contact again as vCard 3.0 or 4.0 (UTF-8)"
    )]
    Undecodable { property: String, charset: String },
    #[error(
        "this vCard's {property} is not UTF-8 text and the vCard does not say which character \
         set it is in; export the contact again as vCard 3.0 or 4.0 (UTF-8)"
    )]
    NotUtf8 { property: String },
    #[error("this vCard's {property} is marked base64 but is not valid base64")]
    BadEncoding { property: String },
    #[error("this vCard has no name (neither FN nor N); add a name to the contact and retry")]
    NoName,
    #[error(
        "this file is larger than {} MB; export a single contact, without its photo",
        .max_bytes / (1024 * 1024)
    )]
    TooLarge { max_bytes: usize },
    #[error("this vCard has more than {max} lines; export a single contact and retry")]
    TooManyProperties { max: usize },
    #[error(
        "this vCard has more than {max} web addresses (URL lines); a card keeps at most {} links",
        crate::cards::validate::MAX_LINKS
    )]
    TooManyUrls { max: usize },
}

impl VCardError {
    /// The refusal in `lang` (the `Display` text is the English one, for logs).
    pub fn message(&self, lang: app::model::Lang) -> String {
        let text = app::i18n::vcard_text(lang);
        match self {
            VCardError::NotAVCard => text.not_a_vcard.into(),
            VCardError::Unterminated => text.unterminated.into(),
            VCardError::UnsupportedVersion { found } => {
                text.unsupported_version.replace("{found}", found)
            }
            VCardError::UnknownCharset { name } => text.unknown_charset.replace("{name}", name),
            VCardError::Undecodable { property, charset } => text
                .undecodable
                .replace("{property}", property)
                .replace("{charset}", charset),
            VCardError::NotUtf8 { property } => text.not_utf8.replace("{property}", property),
            VCardError::BadEncoding { property } => {
                text.bad_encoding.replace("{property}", property)
            }
            VCardError::NoName => text.no_name.into(),
            VCardError::TooLarge { max_bytes } => text
                .too_large
                .replace("{mb}", &(max_bytes / (1024 * 1024)).to_string()),
            VCardError::TooManyProperties { max } => {
                text.too_many_lines.replace("{max}", &max.to_string())
            }
            VCardError::TooManyUrls { max } => text
                .too_many_urls
                .replace("{max}", &max.to_string())
                .replace("{links}", &crate::cards::validate::MAX_LINKS.to_string()),
        }
    }
}

// Scripts, to split and guess names by language.

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}')
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}
