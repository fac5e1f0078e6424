//! vCard export and import (BRIEF R4, R5).
//!
//! Model: a card becomes one vCard, either 4.0 (RFC 6350) carrying every language of the card,
//! or 3.0 (RFC 2426) for Outlook carrying only the default language. Every vCard also carries
//! the card's public URL, so a saved contact keeps a way back to the always-current card (R5).
//! Import goes the other way, from any 3.0 or 4.0 vCard to a `CardInput` that prefills the card
//! designer; it is lenient about what real exporters write and strict only about what would
//! make the result meaningless (no card, no name, the wrong version, too much input).
//!
//! Invariants of the output: CRLF line endings, every physical line at most 75 octets and
//! never cut inside a UTF-8 sequence, text escaped per RFC 6350 §3.4, `BEGIN`/`VERSION` first
//! and `END` last. `import(export(card, V4, ..))` gives back the card's texts in every
//! language, its contacts and its links.
//!
//! Lines are modelled in three steps both ways: a physical line (folded, ≤ 75 octets), a
//! logical content line (`group.NAME;PARAM=value:value`), and the escaped value.

use std::collections::{BTreeMap, HashMap};

use app::model::{CardContent, CardInput, CardLink, CardView, Contacts, Lang, LocalizedContent};
use base64::Engine;

/// Largest vCard `import` reads; a single contact is a few KB, with a photo a few hundred.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;

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
    #[error("this vCard has no name (neither FN nor N); add a name to the contact and retry")]
    NoName,
    #[error(
        "this file is larger than {} MB; export a single contact, without its photo",
        .max_bytes / (1024 * 1024)
    )]
    TooLarge { max_bytes: usize },
}

// ---------------------------------------------------------------------------------------------
// Export

/// The card as a vCard document.
///
/// 4.0 writes `FN`, `N`, `ORG`, `TITLE`, `ADR` and `NOTE` once per language with `LANGUAGE=`,
/// the same `ALTID` for all languages of a property, the default language first and marked
/// `PREF=1` (except on `N`, which RFC 6350 gives no `PREF`).
///
/// 3.0 writes the default language only. Outlook ignores `LANGUAGE` and shows repeated `FN`s as
/// conflicts, and `NICKNAME` would mislabel a translation as a nickname, so the other languages
/// are left out: the card URL in the vCard leads to them. Non-ASCII values get `CHARSET=UTF-8`,
/// a vCard 2.1 parameter that RFC 2426 dropped but without which Outlook may read the text in
/// the local ANSI code page; other readers ignore unknown parameters (RFC 2425 §5.8.2).
///
/// `SOURCE` (4.0) is where this vCard itself is refreshed from (RFC 6350 §6.1.3: the card's
/// `/vcard` address), and a `URL;TYPE=x-callcard` line holds the card's public page; extra links are
/// grouped with an `X-ABLabel` (Apple's convention, also in Google's exports) to keep labels.
pub fn export(
    card: &CardView,
    version: VCardVersion,
    photo: Option<Photo>,
    logo: Option<Photo>,
) -> String {
    let mut out = Writer::new(version);
    out.raw("BEGIN:VCARD");
    out.raw(match version {
        VCardVersion::V4 => "VERSION:4.0",
        VCardVersion::V3 => "VERSION:3.0",
    });
    out.raw("PRODID:-//callcard//EN");
    out.property("UID", &[], &uri(&format!("urn:callcard:{}", card.slug)));
    if let Some(revision) = revision(&card.updated_at) {
        out.property("REV", &[], &revision);
    }
    match version {
        VCardVersion::V4 => write_all_languages(&mut out, card),
        VCardVersion::V3 => write_default_language(&mut out, card),
    }
    write_contacts(&mut out, &card.contacts);
    write_links(&mut out, card);
    if let Some(photo) = photo {
        out.image("PHOTO", photo);
    }
    if let Some(logo) = logo {
        out.image("LOGO", logo);
    }
    out.raw("END:VCARD");
    out.text
}

/// One per-language property: its name, fixed parameters, and how a content fills its value.
struct LocalizedProperty {
    name: &'static str,
    types: Option<&'static str>,
    /// RFC 6350 allows `PREF` on all of these but `N`.
    takes_pref: bool,
    /// The escaped value, or `None` when the content leaves the property empty.
    value: fn(&CardContent, Lang) -> Option<String>,
}

const LOCALIZED: [LocalizedProperty; 6] = [
    LocalizedProperty {
        name: "FN",
        types: None,
        takes_pref: true,
        value: |c, _| filled(&c.name).map(escape_text),
    },
    LocalizedProperty {
        name: "N",
        types: None,
        takes_pref: false,
        value: |c, lang| {
            filled(&c.name).map(|name| {
                let (family, given) = split_name(name, lang);
                structured(&[family, given, "", "", ""])
            })
        },
    },
    LocalizedProperty {
        name: "ORG",
        types: None,
        takes_pref: true,
        value: |c, _| match (filled(&c.company), filled(&c.department)) {
            (None, None) => None,
            (_, None) => Some(escape_text(&c.company)),
            (_, Some(department)) => Some(structured(&[c.company.as_str(), department])),
        },
    },
    LocalizedProperty {
        name: "TITLE",
        types: None,
        takes_pref: true,
        value: |c, _| filled(&c.title).map(escape_text),
    },
    LocalizedProperty {
        name: "ADR",
        types: Some("work"),
        takes_pref: true,
        // The card keeps the address as one free text; it goes whole into the street part.
        value: |c, _| filled(&c.address).map(|a| structured(&["", "", a, "", "", "", ""])),
    },
    LocalizedProperty {
        name: "NOTE",
        types: None,
        takes_pref: true,
        value: |c, _| filled(&c.note).map(escape_text),
    },
];

fn write_all_languages(out: &mut Writer, card: &CardView) {
    // Default language first: readers that ignore ALTID take the first instance.
    let mut ordered: Vec<&LocalizedContent> = card.contents.iter().collect();
    ordered.sort_by_key(|c| c.lang != card.default_lang);

    for property in &LOCALIZED {
        let values: Vec<(Lang, String)> = ordered
            .iter()
            .filter_map(|c| (property.value)(&c.content, c.lang).map(|v| (c.lang, v)))
            .collect();
        let alternatives = values.len() > 1;
        for (lang, value) in &values {
            let mut params = Vec::new();
            if let Some(types) = property.types {
                params.push(("TYPE", types.to_string()));
            }
            if alternatives {
                params.push(("ALTID", "1".to_string()));
            }
            params.push(("LANGUAGE", lang.code().to_string()));
            if alternatives && property.takes_pref && *lang == card.default_lang {
                params.push(("PREF", "1".to_string()));
            }
            out.property(property.name, &params, value);
        }
    }
}

fn write_default_language(out: &mut Writer, card: &CardView) {
    let content = card.content(card.default_lang);
    for property in &LOCALIZED {
        if let Some(value) = (property.value)(content, card.default_lang) {
            let mut params = Vec::new();
            if let Some(types) = property.types {
                params.push(("TYPE", out.case(types)));
            }
            if !value.is_ascii() {
                params.push(("CHARSET", "UTF-8".to_string()));
            }
            out.property(property.name, &params, &value);
        }
    }
}

fn write_contacts(out: &mut Writer, contacts: &Contacts) {
    let phones = [
        (&contacts.office_phone, "work,voice"),
        (&contacts.mobile, "cell"),
        (&contacts.fax, "work,fax"),
    ];
    for (number, types) in phones {
        let Some(number) = filled(number) else {
            continue;
        };
        match (out.version, tel_uri(number)) {
            (VCardVersion::V4, Some(tel)) => out.property(
                "TEL",
                &[("TYPE", types.into()), ("VALUE", "uri".into())],
                &tel,
            ),
            // A local number would need RFC 3966's `phone-context`, which we cannot know.
            (VCardVersion::V4, None) => out.property(
                "TEL",
                &[("TYPE", types.into()), ("VALUE", "text".into())],
                &escape_text(number),
            ),
            (VCardVersion::V3, _) => {
                out.property("TEL", &[("TYPE", out.case(types))], &escape_text(number))
            }
        }
    }
    if let Some(email) = filled(&contacts.email) {
        let types = match out.version {
            VCardVersion::V4 => "work",
            VCardVersion::V3 => "INTERNET,WORK",
        };
        out.property("EMAIL", &[("TYPE", types.into())], &escape_text(email));
    }
    if let Some(homepage) = filled(&contacts.homepage) {
        let types = out.case("work");
        out.property("URL", &[("TYPE", types)], &uri(homepage));
    }
}

fn write_links(out: &mut Writer, card: &CardView) {
    if out.version == VCardVersion::V4 {
        out.property("SOURCE", &[], &uri(&format!("{}/vcard", card.url)));
    }
    let card_type = out.case(CARD_URL_TYPE);
    out.property("URL", &[("TYPE", card_type)], &uri(&card.url));
    for (index, link) in card.links.iter().enumerate() {
        if filled(&link.url).is_none() {
            continue;
        }
        let group = format!("item{}", index + 1);
        out.property(&format!("{group}.URL"), &[], &uri(&link.url));
        if filled(&link.label).is_some() {
            out.property(
                &format!("{group}.X-ABLabel"),
                &[],
                &escape_text(&link.label),
            );
        }
    }
}

/// Builds the document: one folded content line at a time.
struct Writer {
    version: VCardVersion,
    text: String,
}

impl Writer {
    fn new(version: VCardVersion) -> Self {
        Writer {
            version,
            text: String::new(),
        }
    }

    /// Parameter values are case-insensitive; they are written lower case in 4.0 and upper
    /// case in 3.0, as each RFC's examples (and the readers tested against them) have them.
    fn case(&self, value: &str) -> String {
        match self.version {
            VCardVersion::V4 => value.to_ascii_lowercase(),
            VCardVersion::V3 => value.to_ascii_uppercase(),
        }
    }

    fn raw(&mut self, line: &str) {
        fold_into(&mut self.text, line);
    }

    /// `value` must already be escaped or be a URI; parameter values are plain tokens.
    fn property(&mut self, name: &str, params: &[(&str, String)], value: &str) {
        let mut line = String::from(name);
        for (param, param_value) in params {
            line.push(';');
            line.push_str(param);
            line.push('=');
            line.push_str(param_value);
        }
        line.push(':');
        line.push_str(value);
        fold_into(&mut self.text, &line);
    }

    fn image(&mut self, name: &str, image: Photo) {
        let data = base64::engine::general_purpose::STANDARD.encode(image.bytes);
        match self.version {
            VCardVersion::V4 => {
                let value = format!("data:{};base64,{data}", uri(image.media_type));
                self.property(name, &[], &value);
            }
            VCardVersion::V3 => {
                let subtype = image.media_type.rsplit('/').next().unwrap_or("jpeg");
                let params = [
                    ("ENCODING", "b".to_string()),
                    ("TYPE", uri(subtype).to_ascii_uppercase()),
                ];
                self.property(name, &params, &data);
            }
        }
    }
}

/// Appends `line` folded to 75-octet physical lines, each ended by CRLF. A continuation line's
/// leading space counts towards its 75 octets; cuts fall only between characters.
fn fold_into(out: &mut String, line: &str) {
    let mut octets = 0;
    for ch in line.chars() {
        if octets + ch.len_utf8() > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(ch);
        octets += ch.len_utf8();
    }
    out.push_str("\r\n");
}

/// RFC 6350 §3.4 text escaping. Line breaks of any kind become `\n`; other control characters
/// cannot be carried by a content line and are dropped.
fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            ch if ch.is_control() && ch != '\t' => {}
            ch => out.push(ch),
        }
    }
    out
}

/// A structured value (`N`, `ORG`, `ADR`): components escaped, then joined by `;`.
fn structured(components: &[&str]) -> String {
    components
        .iter()
        .map(|c| escape_text(c))
        .collect::<Vec<_>>()
        .join(";")
}

/// URIs are not text-escaped (a `,` in a URL is data), but a line break would end the line and
/// let a URL inject properties, so control characters are removed.
fn uri(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// A `tel:` URI for global numbers written with digits, `-` and spaces only.
fn tel_uri(number: &str) -> Option<String> {
    let digits = number.trim().strip_prefix('+')?;
    let plain = !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
    plain.then(|| format!("tel:+{}", digits.replace(' ', "-")))
}

/// RFC 3339 → the vCard timestamp form `20261126T142800Z`.
fn revision(updated_at: &str) -> Option<String> {
    let time = chrono::DateTime::parse_from_rfc3339(updated_at).ok()?;
    Some(
        time.with_timezone(&chrono::Utc)
            .format("%Y%m%dT%H%M%SZ")
            .to_string(),
    )
}

fn filled(value: &str) -> Option<&str> {
    (!value.trim().is_empty()).then_some(value)
}

/// Korean surnames of two syllables; in a four-syllable name they take the first two.
const KOREAN_COMPOUND_SURNAMES: [&str; 7] =
    ["남궁", "황보", "제갈", "선우", "독고", "사공", "서문"];

/// `(family, given)` for `N`. Names in Latin script are "Given Family"; Korean and Chinese
/// names are family first, and written without a space the family name is the first character.
/// Japanese family names are mostly two or more kanji, so an unspaced Japanese name (in `ja`, or
/// with kana) stays whole in the family part rather than being cut in the wrong place.
fn split_name(name: &str, lang: Lang) -> (&str, &str) {
    let name = name.trim();
    let Some(first) = name.chars().next() else {
        return ("", "");
    };
    let family_first = is_hangul(first) || is_han(first) || is_kana(first);
    if let Some(space) = name.find(char::is_whitespace) {
        if family_first {
            return (&name[..space], name[space..].trim_start());
        }
        let last = name.rfind(char::is_whitespace).unwrap_or(space);
        return (name[last..].trim_start(), name[..last].trim_end());
    }
    let japanese = lang == Lang::Ja || name.chars().any(is_kana);
    if japanese || !family_first || name.chars().count() < 2 {
        return (name, "");
    }
    if is_hangul(first)
        && name.chars().count() == 4
        && let Some(surname) = KOREAN_COMPOUND_SURNAMES
            .into_iter()
            .find(|s| name.starts_with(s))
    {
        return (surname, &name[surname.len()..]);
    }
    name.split_at(first.len_utf8())
}

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

// ---------------------------------------------------------------------------------------------
// Import

/// A 3.0 or 4.0 vCard as a card draft (see the module header). Only the first vCard of the
/// text is read. Texts go to the language of their `LANGUAGE` parameter; texts without one (or
/// with a language cards do not offer) go to the default language, guessed from the script of
/// the name. Slug, theme and images are left to the designer.
pub fn import(text: &str) -> Result<CardInput, VCardError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(VCardError::TooLarge {
            max_bytes: MAX_IMPORT_BYTES,
        });
    }
    let lines = first_vcard(text)?;
    let mut lines: Vec<ContentLine> = lines.iter().filter_map(|l| ContentLine::parse(l)).collect();
    check_version(&lines)?;
    let named = |property: &str| {
        lines
            .iter()
            .any(|l| l.name == property && !l.value.trim().is_empty())
    };
    if !named("FN") && !named("N") {
        return Err(VCardError::NoName);
    }
    let default_lang = default_language(&lines);
    // Several addresses, e-mails or phones of one kind: the work one wins (first one wins below).
    lines.sort_by_key(|l| !l.has_type("work"));
    Ok(Draft::read(&lines, default_lang).into_input(default_lang))
}

/// The unfolded content lines between the first `BEGIN:VCARD` and its `END:VCARD`.
fn first_vcard(text: &str) -> Result<Vec<String>, VCardError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines = unfold(text);
    let is = |line: &String, marker: &str| line.trim().eq_ignore_ascii_case(marker);
    let begin = lines
        .iter()
        .position(|l| is(l, "BEGIN:VCARD"))
        .ok_or(VCardError::NotAVCard)?;
    let body = &lines[begin + 1..];
    let end = body
        .iter()
        .position(|l| is(l, "END:VCARD"))
        .ok_or(VCardError::Unterminated)?;
    Ok(body[..end].to_vec())
}

/// Physical lines → logical lines: CRLF, LF or CR breaks; a line starting with a space or a
/// tab continues the previous one, minus that one character.
fn unfold(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<String> = Vec::new();
    for physical in text.split('\n') {
        match (physical.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(continuation), Some(previous)) => previous.push_str(continuation),
            _ => lines.push(physical.to_string()),
        }
    }
    lines
}

fn check_version(lines: &[ContentLine]) -> Result<(), VCardError> {
    // A missing VERSION is tolerated: the rest of the card is still worth reading.
    match lines.iter().find(|l| l.name == "VERSION") {
        None => Ok(()),
        Some(line) if matches!(line.value.trim(), "3.0" | "4.0") => Ok(()),
        Some(line) => Err(VCardError::UnsupportedVersion {
            // Echoed to a person: keep it short and printable.
            found: line
                .value
                .trim()
                .chars()
                .filter(|c| !c.is_control())
                .take(12)
                .collect(),
        }),
    }
}

/// The language of an unmarked name (or of the preferred one when all are marked).
fn default_language(lines: &[ContentLine]) -> Lang {
    for property in ["FN", "N"] {
        let names: Vec<&ContentLine> = lines
            .iter()
            .filter(|l| l.name == property && !l.value.trim().is_empty())
            .collect();
        if let Some(unmarked) = names.iter().find(|l| l.language().is_none()) {
            return guess_language(&unmarked.value);
        }
        let preferred = names.iter().min_by_key(|l| l.pref().unwrap_or(u32::MAX));
        if let Some(lang) = preferred.and_then(|l| l.language()) {
            return lang;
        }
    }
    Lang::En
}

/// Hangul → ko, kana → ja, only Han characters → zh, anything else → en.
fn guess_language(text: &str) -> Lang {
    let letters = || text.chars().filter(|c| c.is_alphabetic());
    if letters().any(is_hangul) {
        Lang::Ko
    } else if letters().any(is_kana) {
        Lang::Ja
    } else if letters().any(is_han) && letters().all(is_han) {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// A URL found in the vCard, with the label its group gives it, if any.
struct FoundUrl {
    url: String,
    label: Option<String>,
    is_card: bool,
}

/// What the vCard says, gathered before it is shaped into a `CardInput`.
#[derive(Default)]
struct Draft {
    contents: BTreeMap<Lang, CardContent>,
    names_from_n: BTreeMap<Lang, String>,
    contacts: Contacts,
    urls: Vec<FoundUrl>,
    source: Option<String>,
}

impl Draft {
    fn read(lines: &[ContentLine], default_lang: Lang) -> Draft {
        let labels: HashMap<String, String> = lines
            .iter()
            .filter(|l| l.name == "X-ABLABEL")
            .filter_map(|l| Some((l.group.clone()?, unescape(&l.value))))
            .collect();
        let mut draft = Draft::default();
        for line in lines {
            let lang = line.language().unwrap_or(default_lang);
            let content = draft.contents.entry(lang).or_default();
            match line.name.as_str() {
                "FN" => fill(&mut content.name, unescape(&line.value)),
                "N" => fill(
                    draft.names_from_n.entry(lang).or_default(),
                    name_from_n(&line.value),
                ),
                // The first ORG of a language wins whole; mixing two would invent a company.
                "ORG" if content.company.is_empty() && content.department.is_empty() => {
                    let mut units = components(&line.value).into_iter();
                    content.company = units.next().unwrap_or_default();
                    let rest: Vec<String> = units.filter(|u| !u.is_empty()).collect();
                    content.department = rest.join(", ");
                }
                "TITLE" => fill(&mut content.title, unescape(&line.value)),
                "ADR" => fill(&mut content.address, address(line)),
                "NOTE" => fill(&mut content.note, unescape(&line.value)),
                "TEL" => {
                    let number = unescape(&line.value);
                    let number = strip_scheme(&number, "tel:").trim().to_string();
                    let slot = if line.has_type("cell") {
                        &mut draft.contacts.mobile
                    } else if line.has_type("fax") {
                        &mut draft.contacts.fax
                    } else {
                        &mut draft.contacts.office_phone
                    };
                    fill(slot, number);
                }
                "EMAIL" => {
                    let email = unescape(&line.value);
                    fill(
                        &mut draft.contacts.email,
                        strip_scheme(&email, "mailto:").trim().to_string(),
                    );
                }
                "URL" => draft.urls.push(FoundUrl {
                    url: unescape(&line.value).trim().to_string(),
                    label: line.group.as_ref().and_then(|g| labels.get(g)).cloned(),
                    is_card: line.has_type(CARD_URL_TYPE),
                }),
                "SOURCE" => draft.source = Some(unescape(&line.value).trim().to_string()),
                // PHOTO and LOGO are skipped on purpose: the import prefills text, and images
                // are uploaded separately so they pass `cards::media::sanitize`.
                _ => {}
            }
        }
        draft
    }

    fn into_input(mut self, default_lang: Lang) -> CardInput {
        for (lang, name) in std::mem::take(&mut self.names_from_n) {
            fill(&mut self.contents.entry(lang).or_default().name, name);
        }
        self.contents.entry(default_lang).or_default();
        let contents = std::mem::take(&mut self.contents)
            .into_iter()
            .filter(|(lang, c)| *lang == default_lang || *c != CardContent::default())
            .map(|(lang, content)| LocalizedContent { lang, content })
            .collect();
        let (homepage, links) = self.homepage_and_links();
        self.contacts.homepage = homepage;
        CardInput {
            default_lang,
            contents,
            contacts: self.contacts,
            links,
            ..CardInput::default()
        }
    }

    /// The first URL without a label of its own is the homepage; the others become links,
    /// labelled by their `X-ABLabel` or else by their host. The card's own URL is dropped.
    fn homepage_and_links(&self) -> (String, Vec<CardLink>) {
        let mut homepage = String::new();
        let mut links: Vec<CardLink> = Vec::new();
        for found in &self.urls {
            let is_source = self.source.as_deref().is_some_and(|source| {
                source == found.url || source.strip_suffix("/vcard") == Some(found.url.as_str())
            });
            if found.url.is_empty() || found.is_card || is_source {
                continue;
            }
            let label = found.label.as_deref().and_then(custom_label);
            if homepage.is_empty() && label.is_none() {
                homepage = found.url.clone();
            } else if found.url != homepage && links.iter().all(|l| l.url != found.url) {
                links.push(CardLink {
                    label: label.unwrap_or_else(|| host(&found.url)).to_string(),
                    url: found.url.clone(),
                });
            }
        }
        (homepage, links)
    }
}

/// Apple's built-in labels look like `_$!<HomePage>!$_`; only a person's own label counts.
fn custom_label(label: &str) -> Option<&str> {
    let label = label.trim();
    (!label.is_empty() && !label.starts_with("_$!<")).then_some(label)
}

fn fill(slot: &mut String, value: String) {
    if slot.is_empty() {
        *slot = value;
    }
}

fn strip_scheme<'a>(value: &'a str, scheme: &str) -> &'a str {
    match value.get(..scheme.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(scheme) => &value[scheme.len()..],
        _ => value,
    }
}

/// `http://user@www.example.com:8080/x` → `www.example.com`.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host);
    if host.is_empty() { url } else { host }
}

/// A name from `N` (family; given; additional; prefixes; suffixes), in the name's own order.
fn name_from_n(value: &str) -> String {
    let parts: Vec<String> = components(value)
        .into_iter()
        .map(|c| c.split(',').map(str::trim).collect::<Vec<_>>().join(" "))
        .collect();
    let part = |i: usize| parts.get(i).map(String::as_str).unwrap_or("");
    let (family, given, additional) = (part(0), part(1), part(2));
    let family_first = family
        .chars()
        .next()
        .is_some_and(|c| is_hangul(c) || is_han(c) || is_kana(c));
    // Korean and Chinese names are written family first and without spaces.
    let (ordered, separator) = if family_first {
        (vec![family, given, additional], "")
    } else {
        (vec![part(3), given, additional, family, part(4)], " ")
    };
    ordered
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}

/// A one-line address: the `LABEL` parameter (4.0) when present, else the non-empty parts.
fn address(line: &ContentLine) -> String {
    if let Some(label) = line.param("LABEL").next().filter(|l| !l.trim().is_empty()) {
        return label.to_string();
    }
    components(&line.value)
        .iter()
        .flat_map(|c| c.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A structured value split at unescaped `;` and unescaped. Commas inside a component are
/// unescaped too, so list items come back joined by `,`.
fn components(value: &str) -> Vec<String> {
    split_unescaped(value, ';')
        .into_iter()
        .map(unescape)
        .collect()
}

fn split_unescaped(value: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (index, ch) in value.char_indices() {
        match ch {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ch if ch == separator => {
                parts.push(&value[start..index]);
                start = index + ch.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts
}

/// Reverses RFC 6350 §3.4 escaping; also accepts escapes exporters add beyond the RFC
/// (Apple writes `http\://`), keeping the escaped character.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// One logical line: `[group.]NAME *(;PARAM[=value[,value]]) : value`.
#[derive(Debug)]
struct ContentLine {
    /// Lower-cased, to match `item1.TEL` with `ITEM1.X-ABLabel`.
    group: Option<String>,
    /// Upper-cased.
    name: String,
    /// Upper-cased names; values unquoted. A bare parameter (`TEL;WORK;VOICE:`) is a `TYPE`.
    params: Vec<(String, String)>,
    /// Still escaped: how to unescape depends on the property.
    value: String,
}

impl ContentLine {
    fn parse(line: &str) -> Option<ContentLine> {
        let name_end = line.find([';', ':'])?;
        let (group, name) = match line[..name_end].split_once('.') {
            Some((group, name)) => (Some(group.trim().to_ascii_lowercase()), name),
            None => (None, &line[..name_end]),
        };
        let mut params = Vec::new();
        let mut rest = &line[name_end..];
        while let Some(after) = rest.strip_prefix(';') {
            let end = unquoted_position(after, |c| c == ';' || c == ':')?;
            params.extend(parse_param(&after[..end]));
            rest = &after[end..];
        }
        let value = rest.strip_prefix(':')?;
        Some(ContentLine {
            group,
            name: name.trim().to_ascii_uppercase(),
            params,
            value: value.to_string(),
        })
    }

    fn param<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.params
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `TYPE=work,voice`, `TYPE=WORK;TYPE=VOICE` and `TYPE="work,voice"` alike.
    fn has_type(&self, wanted: &str) -> bool {
        self.param("TYPE")
            .flat_map(|v| v.split(','))
            .any(|v| v.trim().eq_ignore_ascii_case(wanted))
    }

    fn language(&self) -> Option<Lang> {
        self.param("LANGUAGE").find_map(Lang::from_tag)
    }

    /// 4.0 `PREF=1`, or 3.0 `TYPE=pref` counted as 1.
    fn pref(&self) -> Option<u32> {
        let explicit = self.param("PREF").find_map(|p| p.trim().parse().ok());
        explicit.or_else(|| self.has_type("pref").then_some(1))
    }
}

/// The byte position of the first `stop` character outside double quotes.
fn unquoted_position(text: &str, stop: impl Fn(char) -> bool) -> Option<usize> {
    let mut quoted = false;
    for (index, ch) in text.char_indices() {
        match ch {
            '"' => quoted = !quoted,
            ch if !quoted && stop(ch) => return Some(index),
            _ => {}
        }
    }
    None
}

/// `NAME=v1,"v2"` → one `(NAME, value)` pair per value; a bare `WORK` → `(TYPE, WORK)`.
fn parse_param(param: &str) -> Vec<(String, String)> {
    let (name, values) = match param.split_once('=') {
        Some((name, values)) => (name.trim().to_ascii_uppercase(), values),
        None => ("TYPE".to_string(), param),
    };
    let mut pairs = Vec::new();
    let mut rest = values;
    loop {
        let end = unquoted_position(rest, |c| c == ',').unwrap_or(rest.len());
        let value = rest[..end].trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        pairs.push((name.clone(), decode_caret(value)));
        match rest.get(end + 1..) {
            Some(next) => rest = next,
            None => break,
        }
    }
    pairs
}

/// RFC 6868: `^n` is a line break, `^'` a double quote and `^^` a caret in parameter values.
fn decode_caret(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(ch) = chars.next() {
        let decoded = match (ch, chars.peek()) {
            ('^', Some('n')) => Some('\n'),
            ('^', Some('\'')) => Some('"'),
            ('^', Some('^')) => Some('^'),
            _ => None,
        };
        match decoded {
            Some(decoded) => {
                chars.next();
                out.push(decoded);
            }
            None => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::Theme;
    use proptest::prelude::*;

    fn content(name: &str, title: &str, company: &str, department: &str) -> CardContent {
        CardContent {
            name: name.into(),
            title: title.into(),
            company: company.into(),
            department: department.into(),
            ..CardContent::default()
        }
    }

    /// The sample card of the patent, with an English version beside the Korean one.
    fn patent_card() -> CardView {
        let korean = CardContent {
            address: "서울특별시 강남구 역삼2동 123-45".into(),
            ..content("홍길동", "과장", "(주)에이비씨디", "영업부")
        };
        let english = CardContent {
            address: "123-45 Yeoksam 2-dong, Gangnam-gu, Seoul".into(),
            note: "Call me;\nany time, \\ any day".into(),
            ..content("Hong Gildong", "Manager", "ABCD Co., Ltd.", "Sales; Korea")
        };
        CardView {
            slug: "hong".into(),
            url: "https://callcard.example/c/hong".into(),
            published: true,
            default_lang: Lang::Ko,
            contents: vec![
                LocalizedContent {
                    lang: Lang::Ko,
                    content: korean,
                },
                LocalizedContent {
                    lang: Lang::En,
                    content: english,
                },
            ],
            contacts: Contacts {
                office_phone: "02-3456-1234".into(),
                mobile: "010-1234-5678".into(),
                fax: "02-3456-1235".into(),
                email: "kildong@abcd.co.kr".into(),
                homepage: "http://abcd.co.kr".into(),
            },
            links: vec![CardLink {
                label: "Blog".into(),
                url: "https://blog.abcd.co.kr/hong".into(),
            }],
            theme: Theme::default(),
            photo_url: None,
            logo_url: None,
            updated_at: "2026-11-26T23:28:00+09:00".into(),
        }
    }

    /// What import should give back for a card: its texts, contacts and links.
    fn expected_input(card: &CardView) -> CardInput {
        CardInput {
            slug: None,
            ..card.to_input()
        }
    }

    /// The document cut at each CRLF, as bytes, so a cut inside a character would show.
    fn physical_lines(document: &str) -> Vec<&[u8]> {
        let mut rest = document
            .as_bytes()
            .strip_suffix(b"\r\n")
            .expect("the document ends in CRLF");
        let mut lines = Vec::new();
        while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
            lines.push(&rest[..end]);
            rest = &rest[end + 2..];
        }
        lines.push(rest);
        assert!(
            lines
                .iter()
                .all(|l| !l.contains(&b'\n') && !l.contains(&b'\r'))
        );
        lines
    }

    /// Whether the unfolded document has exactly this content line.
    fn has_line(document: &str, line: &str) -> bool {
        unfold(document).iter().any(|l| l == line)
    }

    #[test]
    fn folded_lines_never_exceed_75_octets_nor_split_utf8() {
        let mut card = patent_card();
        card.contents[0].content.note =
            "홍길동의 명함입니다. 한국어로 쓴 아주 긴 메모. ".repeat(20);
        let photo = Photo {
            bytes: &[0xAB; 300],
            media_type: "image/jpeg",
        };
        let document = export(&card, VCardVersion::V4, Some(photo), None);
        for line in physical_lines(&document) {
            assert!(line.len() <= MAX_LINE_OCTETS, "{} octets", line.len());
            assert!(std::str::from_utf8(line).is_ok(), "a line cuts a character");
        }
        let note = unfold(&document)
            .into_iter()
            .find(|l| l.starts_with("NOTE;") && l.contains("LANGUAGE=ko"))
            .unwrap();
        let value = note.split_once(':').unwrap().1;
        assert_eq!(unescape(value), card.contents[0].content.note);
    }

    #[test]
    fn escaping_round_trips() {
        let text = "a,b;c\\d\nsecond line: 홍길동 \\n literal";
        let escaped = escape_text(text);
        assert_eq!(
            escaped,
            "a\\,b\\;c\\\\d\\nsecond line: 홍길동 \\\\n literal"
        );
        assert_eq!(unescape(&escaped), text);
        assert_eq!(escape_text("one\r\ntwo\rthree"), "one\\ntwo\\nthree");
    }

    #[test]
    fn export_then_import_round_trips_the_patent_card_in_all_languages() {
        let card = patent_card();
        let document = export(&card, VCardVersion::V4, None, None);
        assert_eq!(import(&document).unwrap(), expected_input(&card));
    }

    #[test]
    fn v4_frames_the_card_with_begin_version_and_end() {
        let document = export(&patent_card(), VCardVersion::V4, None, None);
        let lines: Vec<&str> = document.split("\r\n").collect();
        assert_eq!(
            &lines[..3],
            ["BEGIN:VCARD", "VERSION:4.0", "PRODID:-//callcard//EN"]
        );
        assert_eq!(lines[lines.len() - 2..], ["END:VCARD", ""]);
    }

    #[test]
    fn v4_marks_each_language_and_prefers_the_default() {
        let document = export(&patent_card(), VCardVersion::V4, None, None);
        for line in [
            "FN;ALTID=1;LANGUAGE=ko;PREF=1:홍길동",
            "FN;ALTID=1;LANGUAGE=en:Hong Gildong",
            "N;ALTID=1;LANGUAGE=ko:홍;길동;;;",
            "N;ALTID=1;LANGUAGE=en:Gildong;Hong;;;",
            "ORG;ALTID=1;LANGUAGE=en:ABCD Co.\\, Ltd.;Sales\\; Korea",
            "ADR;TYPE=work;ALTID=1;LANGUAGE=ko;PREF=1:;;서울특별시 강남구 역삼2동 123-45;;;;",
        ] {
            assert!(has_line(&document, line), "missing {line}");
        }
        // Only English has a note: one instance, no ALTID needed.
        assert!(document.contains("\r\nNOTE;LANGUAGE=en:"));
        assert!(document.find("LANGUAGE=ko").unwrap() < document.find("LANGUAGE=en").unwrap());
    }

    #[test]
    fn v4_writes_contacts_revision_uid_and_the_card_url() {
        let mut card = patent_card();
        card.contacts.mobile = "+82 10-1234-5678".into();
        let document = export(&card, VCardVersion::V4, None, None);
        for line in [
            "UID:urn:callcard:hong",
            "REV:20261126T142800Z",
            "TEL;TYPE=work,voice;VALUE=text:02-3456-1234",
            "TEL;TYPE=cell;VALUE=uri:tel:+82-10-1234-5678",
            "TEL;TYPE=work,fax;VALUE=text:02-3456-1235",
            "EMAIL;TYPE=work:kildong@abcd.co.kr",
            "URL;TYPE=work:http://abcd.co.kr",
            "SOURCE:https://callcard.example/c/hong/vcard",
            "URL;TYPE=x-callcard:https://callcard.example/c/hong",
            "item1.URL:https://blog.abcd.co.kr/hong",
            "item1.X-ABLabel:Blog",
        ] {
            assert!(has_line(&document, line), "missing {line}");
        }
    }

    #[test]
    fn v3_holds_the_default_language_only() {
        let document = export(&patent_card(), VCardVersion::V3, None, None);
        assert!(document.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"));
        assert!(has_line(&document, "FN;CHARSET=UTF-8:홍길동"));
        assert!(has_line(&document, "TEL;TYPE=WORK,VOICE:02-3456-1234"));
        assert!(has_line(
            &document,
            "URL;TYPE=X-CALLCARD:https://callcard.example/c/hong"
        ));
        assert!(!document.contains("Hong Gildong"));
        assert!(!document.contains("LANGUAGE="));
        assert!(!document.contains("SOURCE"));
        let input = import(&document).unwrap();
        assert_eq!(input.default_lang, Lang::Ko);
        assert_eq!(input.contents.len(), 1);
        assert_eq!(input.contents[0].content, patent_card().contents[0].content);
    }

    #[test]
    fn photo_and_logo_are_embedded_in_each_version_s_form() {
        let jpeg = Photo {
            bytes: b"\xFF\xD8\xFF",
            media_type: "image/jpeg",
        };
        let png = Photo {
            bytes: b"\x89PNG",
            media_type: "image/png",
        };
        let v4 = export(&patent_card(), VCardVersion::V4, Some(jpeg), Some(png));
        assert!(v4.contains("\r\nPHOTO:data:image/jpeg;base64,/9j/\r\n"));
        assert!(v4.contains("\r\nLOGO:data:image/png;base64,iVBORw==\r\n"));
        let v3 = export(&patent_card(), VCardVersion::V3, Some(jpeg), Some(png));
        assert!(v3.contains("\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/\r\n"));
        assert!(v3.contains("\r\nLOGO;ENCODING=b;TYPE=PNG:iVBORw==\r\n"));
    }

    #[test]
    fn names_split_into_family_and_given() {
        assert_eq!(split_name("홍길동", Lang::Ko), ("홍", "길동"));
        assert_eq!(split_name("남궁민수", Lang::Ko), ("남궁", "민수"));
        assert_eq!(split_name("王小明", Lang::Zh), ("王", "小明"));
        assert_eq!(split_name("田中太郎", Lang::Ja), ("田中太郎", ""));
        assert_eq!(split_name("田中 太郎", Lang::Ja), ("田中", "太郎"));
        assert_eq!(
            split_name("Mary Ann Smith", Lang::En),
            ("Smith", "Mary Ann")
        );
        assert_eq!(split_name("Madonna", Lang::En), ("Madonna", ""));
    }

    #[test]
    fn line_breaks_in_urls_cannot_inject_properties() {
        let mut card = patent_card();
        card.contacts.homepage = "http://abcd.co.kr\r\nFN:Mallory".into();
        let document = export(&card, VCardVersion::V4, None, None);
        assert!(!document.contains("\r\nFN:Mallory"));
    }

    const IOS_CARD: &str = "BEGIN:VCARD\n\
        VERSION:3.0\n\
        PRODID:-//Apple Inc.//iPhone OS 17.4//EN\n\
        N:Appleseed;John;;;\n\
        FN:John Appleseed\n\
        ORG:Apple Inc.;\n\
        TITLE:Engineer\n\
        item1.EMAIL;type=INTERNET;type=pref:john@example.com\n\
        item2.TEL;type=CELL;type=VOICE;type=pref:+1 (408) 555-0100\n\
        TEL;type=HOME;type=VOICE:(408) 555-0111\n\
        TEL;type=WORK;type=VOICE:(408) 555-0199\n\
        TEL;type=WORK;type=FAX:(408) 555-0198\n\
        ADR;type=HOME:;;2 Home Road;Cupertino;CA;95014;United States\n\
        item3.ADR;type=WORK;type=pref:;;1 Infinite Loop;Cupertino;CA;95014;United States\n\
        item3.X-ABADR:us\n\
        item4.URL;type=pref:http\\://www.apple.com\n\
        item4.X-ABLabel:_$!<HomePage>!$_\n\
        item5.URL:https\\://github.com/john\n\
        item5.X-ABLabel:GitHub\n\
        item6.URL:https://example.org/john\n\
        item6.X-ABLabel:_$!<Other>!$_\n\
        NOTE:Met at WWDC\\, booth 12\\;\\n follow up\n\
        \t next week\n\
        PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJ\n \
        CQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/\n\
        END:VCARD\n";

    #[test]
    fn import_reads_an_ios_style_3_0_card() {
        let input = import(IOS_CARD).unwrap();
        assert_eq!(input.default_lang, Lang::En);
        assert_eq!(input.contents.len(), 1);
        let content = &input.contents[0].content;
        assert_eq!(content.name, "John Appleseed");
        assert_eq!(content.company, "Apple Inc.");
        assert_eq!(content.department, "");
        assert_eq!(content.title, "Engineer");
        assert_eq!(
            content.address,
            "1 Infinite Loop, Cupertino, CA, 95014, United States"
        );
        assert_eq!(content.note, "Met at WWDC, booth 12;\n follow up next week");
        assert_eq!(
            input.contacts,
            Contacts {
                office_phone: "(408) 555-0199".into(),
                mobile: "+1 (408) 555-0100".into(),
                fax: "(408) 555-0198".into(),
                email: "john@example.com".into(),
                homepage: "http://www.apple.com".into(),
            }
        );
        assert_eq!(
            input.links,
            [
                CardLink {
                    label: "GitHub".into(),
                    url: "https://github.com/john".into()
                },
                CardLink {
                    label: "example.org".into(),
                    url: "https://example.org/john".into()
                },
            ]
        );
    }

    #[test]
    fn import_reads_every_form_of_type_and_quoted_parameters() {
        let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Kim\r\n\
            TEL;TYPE=\"work,fax\":+82-2-1\r\n\
            TEL;type=WORK;type=CELL;VALUE=uri:tel:+82-10-1\r\n\
            TEL;WORK;VOICE:02-1\r\n\
            ADR;LABEL=\"1 Main St^nSeoul; Korea: ^'HQ^'\";TYPE=work:;;1 Main St;Seoul;;;Korea\r\n\
            END:VCARD\r\n";
        let input = import(text).unwrap();
        assert_eq!(input.contacts.fax, "+82-2-1");
        assert_eq!(input.contacts.mobile, "+82-10-1");
        assert_eq!(input.contacts.office_phone, "02-1");
        assert_eq!(
            input.contents[0].content.address,
            "1 Main St\nSeoul; Korea: \"HQ\""
        );
    }

    #[test]
    fn import_guesses_the_default_language_from_the_name_script() {
        let guess = |name: &str| {
            let text = format!("BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nEND:VCARD\n");
            import(&text).unwrap().default_lang
        };
        assert_eq!(guess("홍길동"), Lang::Ko);
        assert_eq!(guess("やまだ 太郎"), Lang::Ja);
        assert_eq!(guess("王小明"), Lang::Zh);
        assert_eq!(guess("Jane Doe"), Lang::En);
        assert_eq!(guess("李 Lee"), Lang::En);
    }

    #[test]
    fn import_puts_unknown_languages_in_the_default_one() {
        let text = "BEGIN:VCARD\nVERSION:4.0\n\
            FN;LANGUAGE=fr:Jean Dupont\nTITLE;LANGUAGE=ko:과장\nTITLE;LANGUAGE=fr:Directeur\n\
            END:VCARD\n";
        let input = import(text).unwrap();
        assert_eq!(input.default_lang, Lang::En);
        let langs: Vec<Lang> = input.contents.iter().map(|c| c.lang).collect();
        assert_eq!(langs, [Lang::Ko, Lang::En]);
        assert_eq!(input.contents[1].content.title, "Directeur");
        assert_eq!(input.contents[0].content.title, "과장");
    }

    #[test]
    fn import_builds_the_name_from_n_when_fn_is_missing() {
        let korean = import("BEGIN:VCARD\nVERSION:3.0\nN:홍;길동;;;\nEND:VCARD\n").unwrap();
        assert_eq!(korean.default_lang, Lang::Ko);
        assert_eq!(korean.contents[0].content.name, "홍길동");
        let latin = import("BEGIN:VCARD\nVERSION:3.0\nN:Doe;Jane;Q.;Dr.;PhD\nEND:VCARD\n").unwrap();
        assert_eq!(latin.contents[0].content.name, "Dr. Jane Q. Doe PhD");
    }

    #[test]
    fn import_reads_only_the_first_vcard() {
        let text = "junk before\nBEGIN:VCARD\nVERSION:4.0\nFN:First\nEND:VCARD\n\
            BEGIN:VCARD\nVERSION:4.0\nFN:Second\nEND:VCARD\n";
        assert_eq!(import(text).unwrap().contents[0].content.name, "First");
    }

    #[test]
    fn import_refuses_text_without_begin_vcard() {
        assert_eq!(import("FN:Jane Doe\n"), Err(VCardError::NotAVCard));
        assert_eq!(import(""), Err(VCardError::NotAVCard));
    }

    #[test]
    fn import_refuses_a_vcard_without_end() {
        let text = "BEGIN:VCARD\nVERSION:4.0\nFN:Jane Doe\n";
        assert_eq!(import(text), Err(VCardError::Unterminated));
    }

    #[test]
    fn import_refuses_vcard_2_1() {
        let text = "BEGIN:VCARD\nVERSION:2.1\nFN:Jane Doe\nEND:VCARD\n";
        let error = import(text).unwrap_err();
        assert_eq!(
            error,
            VCardError::UnsupportedVersion {
                found: "2.1".into()
            }
        );
        assert!(error.to_string().contains("3.0 or 4.0"));
    }

    #[test]
    fn import_refuses_a_vcard_without_a_name() {
        let text = "BEGIN:VCARD\nVERSION:4.0\nFN:\nEMAIL:a@b.c\nEND:VCARD\n";
        assert_eq!(import(text), Err(VCardError::NoName));
    }

    #[test]
    fn import_refuses_more_than_a_mebibyte() {
        let text = format!(
            "BEGIN:VCARD\nVERSION:4.0\nFN:Jane\nNOTE:{}\nEND:VCARD\n",
            "x".repeat(MAX_IMPORT_BYTES)
        );
        assert_eq!(
            import(&text),
            Err(VCardError::TooLarge {
                max_bytes: MAX_IMPORT_BYTES
            })
        );
    }

    /// Text a person might type: any printable character, line breaks, and the characters
    /// vCard escapes.
    fn typed_text() -> impl Strategy<Value = String> {
        let character = prop_oneof![
            any::<char>().prop_filter("printable", |c| !c.is_control()),
            Just('\n'),
            Just(','),
            Just(';'),
            Just('\\'),
            Just(' '),
            Just('홍'),
        ];
        proptest::collection::vec(character, 0..60).prop_map(|chars| chars.into_iter().collect())
    }

    /// Empty, or text with something visible in it (blank fields are not exported).
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            ("[a-z가-힣]", typed_text()).prop_map(|(a, b)| a + &b)
        ]
    }

    proptest! {
        #[test]
        fn typed_text_round_trips_through_export_and_import(
            name in ("[a-zA-Z홍]", typed_text()).prop_map(|(a, b)| a + &b),
            title in field(),
            company in field(),
            department in field(),
            note in field(),
            version in prop_oneof![Just(VCardVersion::V4), Just(VCardVersion::V3)],
        ) {
            let mut card = patent_card();
            card.contents.truncate(1);
            card.contents[0].content = CardContent {
                note,
                ..content(&name, &title, &company, &department)
            };
            card.contents[0].content.address = String::new();
            let document = export(&card, version, None, None);
            let input = import(&document).unwrap();
            if version == VCardVersion::V4 {
                // 3.0 has no LANGUAGE: there the default comes from the name's script.
                prop_assert_eq!(input.default_lang, Lang::Ko);
            }
            prop_assert_eq!(&input.contents[0].content, &card.contents[0].content);
        }

        #[test]
        fn import_never_panics_on_arbitrary_lines(
            lines in proptest::collection::vec(
                prop_oneof![
                    "[A-Za-z0-9.;:=,\"\\\\^ \t-]{0,40}",
                    "(item1\\.)?(FN|N|ORG|ADR|TEL|URL|X-ABLabel)(;[A-Z]+=\"?[a-z,:;^]*\"?)*:.{0,20}",
                    any::<String>(),
                ],
                0..20,
            )
        ) {
            let text = format!("BEGIN:VCARD\r\n{}\r\nEND:VCARD\r\n", lines.join("\r\n"));
            let _ = import(&text);
        }
    }
}
