//! Card → vCard text: the writer that escapes, folds and frames.

use app::model::{CardContent, CardView, Contacts, Lang, LocalizedContent};
use base64::Engine;

use super::korean_names;
use super::*;

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
    write_reading(&mut out, card, version);
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
pub(super) struct LocalizedProperty {
    pub(super) name: &'static str,
    pub(super) types: Option<&'static str>,
    /// RFC 6350 allows `PREF` on all of these but `N`.
    pub(super) takes_pref: bool,
    /// The escaped value, or `None` when the content leaves the property empty.
    pub(super) value: fn(&CardContent, Lang, NameHints) -> Option<String>,
}

pub(super) const LOCALIZED: [LocalizedProperty; 6] = [
    LocalizedProperty {
        name: "FN",
        types: None,
        takes_pref: true,
        value: |c, _, _| filled(&c.name).map(escape_text),
    },
    LocalizedProperty {
        name: "N",
        types: None,
        takes_pref: false,
        value: |c, lang, hints| {
            filled(&c.name).map(|name| {
                let (family, given) = split_name(name, lang, hints);
                structured(&[family, given, "", "", ""])
            })
        },
    },
    LocalizedProperty {
        name: "ORG",
        types: None,
        takes_pref: true,
        value: |c, _, _| match (filled(&c.company), filled(&c.department)) {
            (None, None) => None,
            (_, None) => Some(escape_text(&c.company)),
            (_, Some(department)) => Some(structured(&[c.company.as_str(), department])),
        },
    },
    LocalizedProperty {
        name: "TITLE",
        types: None,
        takes_pref: true,
        value: |c, _, _| filled(&c.title).map(escape_text),
    },
    LocalizedProperty {
        name: "ADR",
        types: Some("work"),
        takes_pref: true,
        // The card keeps the address as one free text; it goes whole into the street part.
        value: |c, _, _| filled(&c.address).map(|a| structured(&["", "", a, "", "", "", ""])),
    },
    LocalizedProperty {
        name: "NOTE",
        types: None,
        takes_pref: true,
        value: |c, _, _| filled(&c.note).map(escape_text),
    },
];

pub(super) fn write_all_languages(out: &mut Writer, card: &CardView) {
    // Default language first: readers that ignore ALTID take the first instance.
    let mut ordered: Vec<&LocalizedContent> = card.contents.iter().collect();
    ordered.sort_by_key(|c| c.lang != card.default_lang);
    let hints = NameHints::of(card);

    for property in &LOCALIZED {
        let values: Vec<(Lang, String)> = ordered
            .iter()
            .filter_map(|c| (property.value)(&c.content, c.lang, hints).map(|v| (c.lang, v)))
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

pub(super) fn write_default_language(out: &mut Writer, card: &CardView) {
    let content = card.content(card.default_lang);
    for property in &LOCALIZED {
        if let Some(value) = (property.value)(content, card.default_lang, NameHints::of(card)) {
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

/// How the name in the card's first language is read, as the phonetic name contact apps
/// keep (Apple's and Android's `X-PHONETIC-LAST-NAME` / `X-PHONETIC-FIRST-NAME`) to sort and
/// say it: the family name first in Korean, Japanese and Chinese, last in English, split at
/// the first space or `・`; a reading without one is kept whole as the family part.
pub(super) fn write_reading(out: &mut Writer, card: &CardView, version: VCardVersion) {
    let reading = card.content(card.default_lang).reading.trim();
    let (family, given) = split_reading(reading, card.default_lang);
    for (name, part) in [
        ("X-PHONETIC-LAST-NAME", family),
        ("X-PHONETIC-FIRST-NAME", given),
    ] {
        if part.is_empty() {
            continue;
        }
        // 4.0 says whose reading it is (import puts it with that language's name); 3.0 holds
        // the first language only, which import finds as its default.
        let params = match version {
            VCardVersion::V4 => vec![("LANGUAGE", card.default_lang.code().to_string())],
            VCardVersion::V3 if !part.is_ascii() => vec![("CHARSET", "UTF-8".to_string())],
            VCardVersion::V3 => Vec::new(),
        };
        out.property(name, &params, &escape_text(part));
    }
}

/// A reading's family and given parts.
pub(super) fn split_reading(reading: &str, lang: Lang) -> (&str, &str) {
    let is_break = |c: char| c.is_whitespace() || c == '・';
    let reading = reading.trim();
    match lang {
        Lang::Ko | Lang::Ja | Lang::Zh => match reading.split_once(is_break) {
            Some((family, given)) => (family, given.trim_start_matches(is_break)),
            None => (reading, ""),
        },
        Lang::En => match reading.rsplit_once(is_break) {
            Some((given, family)) => (family, given.trim_end_matches(is_break)),
            None => (reading, ""),
        },
    }
}

pub(super) fn write_contacts(out: &mut Writer, contacts: &Contacts) {
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

pub(super) fn write_links(out: &mut Writer, card: &CardView) {
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
pub(super) struct Writer {
    pub(super) version: VCardVersion,
    pub(super) text: String,
}

impl Writer {
    pub(super) fn new(version: VCardVersion) -> Self {
        Writer {
            version,
            text: String::new(),
        }
    }

    /// Parameter values are case-insensitive; they are written lower case in 4.0 and upper
    /// case in 3.0, as each RFC's examples (and the readers tested against them) have them.
    pub(super) fn case(&self, value: &str) -> String {
        match self.version {
            VCardVersion::V4 => value.to_ascii_lowercase(),
            VCardVersion::V3 => value.to_ascii_uppercase(),
        }
    }

    pub(super) fn raw(&mut self, line: &str) {
        fold_into(&mut self.text, line);
    }

    /// `value` must already be escaped or be a URI; parameter values are plain tokens.
    pub(super) fn property(&mut self, name: &str, params: &[(&str, String)], value: &str) {
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

    pub(super) fn image(&mut self, name: &str, image: Photo) {
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
pub(super) fn fold_into(out: &mut String, line: &str) {
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
pub(super) fn escape_text(value: &str) -> String {
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
pub(super) fn structured(components: &[&str]) -> String {
    components
        .iter()
        .map(|c| escape_text(c))
        .collect::<Vec<_>>()
        .join(";")
}

/// URIs are not text-escaped (a `,` in a URL is data), but a line break would end the line and
/// let a URL inject properties, so control characters are removed.
pub(super) fn uri(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// A `tel:` URI for global numbers written with digits, `-` and spaces only, and an extension
/// of digits only as its `;ext=` (RFC 3966 §5.1.5); anything else stays text.
pub(super) fn tel_uri(number: &str) -> Option<String> {
    let (written, extension) = number.split_once(';').unwrap_or((number, ""));
    let digits = written.trim().strip_prefix('+')?;
    let plain = !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
    let extension = extension.trim();
    let plain_extension = extension.chars().all(|c| c.is_ascii_digit());
    (plain && plain_extension).then(|| {
        let number = format!("tel:+{}", digits.trim_end().replace(' ', "-"));
        match extension {
            "" => number,
            extension => format!("{number};ext={extension}"),
        }
    })
}

/// RFC 3339 → the vCard timestamp form `20261126T142800Z`.
pub(super) fn revision(updated_at: &str) -> Option<String> {
    let time = chrono::DateTime::parse_from_rfc3339(updated_at).ok()?;
    Some(
        time.with_timezone(&chrono::Utc)
            .format("%Y%m%dT%H%M%SZ")
            .to_string(),
    )
}

pub(super) fn filled(value: &str) -> Option<&str> {
    (!value.trim().is_empty()).then_some(value)
}

/// What the card's other texts tell about the order of a name written in Latin letters.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct NameHints<'a> {
    /// The card is Korean: Korean first, or with a name in Hangul.
    pub(super) korean: bool,
    /// The family name of the card's name in Hangul, if it has one (`홍` of `홍길동`).
    pub(super) hangul_family: Option<&'a str>,
}

impl<'a> NameHints<'a> {
    pub(super) fn of(card: &'a CardView) -> NameHints<'a> {
        let hangul_family = card
            .contents
            .iter()
            .find_map(|c| korean_names::hangul_family_name(&c.content.name));
        NameHints {
            korean: card.default_lang == Lang::Ko || hangul_family.is_some(),
            hangul_family,
        }
    }
}

/// `(family, given)` for `N`. Names in Latin script are "Given Family", unless the card is
/// Korean and the first word, not the last, spells its family name ("Hong Gildong"). Korean and
/// Chinese names are family first, and written without a space the family name is the first
/// character. Japanese family names are mostly two or more kanji, so an unspaced Japanese name
/// (in `ja`, or with kana) stays whole in the family part rather than being cut in the wrong place.
pub(super) fn split_name<'n>(name: &'n str, lang: Lang, hints: NameHints) -> (&'n str, &'n str) {
    let name = name.trim();
    let Some(first) = name.chars().next() else {
        return ("", "");
    };
    let family_first = is_hangul(first) || is_han(first) || is_kana(first);
    if let Some(space) = name.find(char::is_whitespace) {
        let last = name.rfind(char::is_whitespace).unwrap_or(space);
        let spells = |word: &str| korean_names::spells_family_name(word, hints.hangul_family);
        let romanised_family_first =
            hints.korean && spells(&name[..space]) && !spells(name[last..].trim_start());
        if family_first || romanised_family_first {
            return (&name[..space], name[space..].trim_start());
        }
        return (name[last..].trim_start(), name[..last].trim_end());
    }
    let japanese = lang == Lang::Ja || name.chars().any(is_kana);
    if japanese || !family_first || name.chars().count() < 2 {
        return (name, "");
    }
    match korean_names::hangul_family_name(name) {
        Some(family) => (family, &name[family.len()..]),
        None => name.split_at(first.len_utf8()),
    }
}
