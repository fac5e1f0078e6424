//! vCard text → card draft: unfolding, content lines, parameters, unescaping.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

use app::model::{CardContent, CardInput, CardLink, Contacts, Lang, LocalizedContent};

use unicode_normalization::UnicodeNormalization;

use super::lines::{content_lines, printable};
use super::*;

/// A 2.1, 3.0 or 4.0 vCard as a card draft (see the module header). Only the first vCard of
/// the bytes is read. Texts go to the language of their `LANGUAGE` parameter; texts without one
/// (or with a language cards do not offer) go to the default language, guessed from the script
/// of the name. Slug, theme and images are left to the designer.
pub fn import(bytes: impl AsRef<[u8]>) -> Result<CardInput, VCardError> {
    let bytes = bytes.as_ref();
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(VCardError::TooLarge {
            max_bytes: MAX_IMPORT_BYTES,
        });
    }
    let mut lines = content_lines(bytes, MAX_IMPORT_PROPERTIES)?;
    if lines.iter().filter(|l| l.name == "URL").count() > MAX_IMPORT_URLS {
        return Err(VCardError::TooManyUrls {
            max: MAX_IMPORT_URLS,
        });
    }
    check_version(&lines)?;
    if lines
        .iter()
        .any(|l| l.name == "VERSION" && l.value.trim() == "2.1")
    {
        for line in &mut lines {
            line.value = escaped_as_v3(&line.value);
        }
    }
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

pub(super) fn check_version(lines: &[ContentLine]) -> Result<(), VCardError> {
    // A missing VERSION is tolerated: the rest of the card is still worth reading.
    match lines.iter().find(|l| l.name == "VERSION") {
        None => Ok(()),
        Some(line) if matches!(line.value.trim(), "2.1" | "3.0" | "4.0") => Ok(()),
        Some(line) => Err(VCardError::UnsupportedVersion {
            found: printable(&line.value),
        }),
    }
}

/// The language of an unmarked name (or of the preferred one when all are marked).
pub(super) fn default_language(lines: &[ContentLine]) -> Lang {
    for property in ["FN", "N"] {
        let names: Vec<&ContentLine> = lines
            .iter()
            .filter(|l| l.name == property && !l.value.trim().is_empty())
            .collect();
        if let Some(unmarked) = names.iter().find(|l| l.language().is_none()) {
            return match guess_language(&unmarked.value) {
                // A name in Han characters alone is Chinese or Japanese (or Korean in hanja):
                // the other texts tell, by their kana or Hangul.
                Lang::Zh => texts_language(lines).unwrap_or(Lang::Zh),
                lang => lang,
            };
        }
        let preferred = names.iter().min_by_key(|l| l.pref().unwrap_or(u32::MAX));
        if let Some(lang) = preferred.and_then(|l| l.language()) {
            return lang;
        }
    }
    Lang::En
}

/// Japanese if the unmarked texts (company, title, address, note) have kana, Korean if they have
/// Hangul.
fn texts_language(lines: &[ContentLine]) -> Option<Lang> {
    let texts = || {
        lines
            .iter()
            .filter(|l| matches!(l.name.as_str(), "ORG" | "TITLE" | "ADR" | "NOTE"))
            .filter(|l| l.language().is_none())
            .flat_map(|l| l.value.chars())
    };
    if texts().any(is_kana) {
        Some(Lang::Ja)
    } else if texts().any(is_hangul) {
        Some(Lang::Ko)
    } else {
        None
    }
}

/// Hangul → ko, kana → ja, only Han characters → zh, anything else → en.
pub(super) fn guess_language(text: &str) -> Lang {
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
pub(super) struct FoundUrl {
    pub(super) url: String,
    pub(super) label: Option<String>,
    pub(super) is_card: bool,
}

/// What the vCard says, gathered before it is shaped into a `CardInput`.
#[derive(Default)]
pub(super) struct Draft {
    pub(super) contents: BTreeMap<Lang, CardContent>,
    pub(super) names_from_n: BTreeMap<Lang, String>,
    /// The phonetic name's family and given parts, per language.
    pub(super) readings: BTreeMap<Lang, (String, String)>,
    pub(super) contacts: Contacts,
    pub(super) urls: Vec<FoundUrl>,
    pub(super) source: Option<String>,
}

impl Draft {
    pub(super) fn read(lines: &[ContentLine], default_lang: Lang) -> Draft {
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
                    let number = card_phone(&unescape(&line.value));
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
                // The phonetic name: Apple's and Android's parts, or a Japanese phone's
                // `SOUND;X-IRMC-N` (the reading laid out as `N`).
                "X-PHONETIC-LAST-NAME" => fill(
                    &mut draft.readings.entry(lang).or_default().0,
                    unescape(&line.value),
                ),
                "X-PHONETIC-FIRST-NAME" => fill(
                    &mut draft.readings.entry(lang).or_default().1,
                    unescape(&line.value),
                ),
                "SOUND" if line.has_type("X-IRMC-N") => {
                    let mut parts = components(&line.value).into_iter();
                    let reading = draft.readings.entry(lang).or_default();
                    fill(&mut reading.0, parts.next().unwrap_or_default());
                    fill(&mut reading.1, parts.next().unwrap_or_default());
                }
                // PHOTO and LOGO are skipped on purpose: the import prefills text, and images
                // are uploaded separately so they pass `cards::media::sanitize`.
                _ => {}
            }
        }
        draft
    }

    pub(super) fn into_input(mut self, default_lang: Lang) -> CardInput {
        for (lang, name) in std::mem::take(&mut self.names_from_n) {
            fill(&mut self.contents.entry(lang).or_default().name, name);
        }
        // A reading belongs to a name: one without a name in its language is left out.
        for (lang, (family, given)) in std::mem::take(&mut self.readings) {
            if let Some(content) = self.contents.get_mut(&lang).filter(|c| !c.name.is_empty()) {
                let (family, given) = (family.trim(), given.trim());
                let ordered = match lang {
                    Lang::En => [given, family],
                    Lang::Ko | Lang::Ja | Lang::Zh => [family, given],
                };
                let reading: Vec<&str> = ordered.into_iter().filter(|p| !p.is_empty()).collect();
                // NFKC: a Japanese phone's half-width kana (ﾔﾏﾀﾞ) become the usual ヤマダ.
                let reading: String = reading.join(" ").nfkc().collect();
                fill(&mut content.reading, reading);
            }
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
    /// labelled by their `X-ABLabel` or else by their host. The card's own URL is dropped, and
    /// so is a URL seen before.
    pub(super) fn homepage_and_links(&self) -> (String, Vec<CardLink>) {
        self.homepage_and_links_by(|url| url)
    }

    /// [`Draft::homepage_and_links`], telling URLs apart by `key`: one hash-set lookup per URL,
    /// so linear (comparing each URL with every link kept was quadratic: 75,000 URLs took
    /// 42 s). Tests pass a key that counts the work.
    pub(super) fn homepage_and_links_by<'a, K: Hash + Eq>(
        &'a self,
        key: impl Fn(&'a str) -> K,
    ) -> (String, Vec<CardLink>) {
        let mut homepage = String::new();
        let mut links: Vec<CardLink> = Vec::new();
        let mut seen: HashSet<K> = HashSet::with_capacity(self.urls.len());
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
                seen.insert(key(&found.url));
            } else if seen.insert(key(&found.url)) {
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
pub(super) fn custom_label(label: &str) -> Option<&str> {
    let label = label.trim();
    (!label.is_empty() && !label.starts_with("_$!<")).then_some(label)
}

pub(super) fn fill(slot: &mut String, value: String) {
    if slot.is_empty() {
        *slot = value;
    }
}

/// A phone as a card keeps it (`cards::validate::check_phone`): the number as written, then
/// `;` and the keys to dial once answered, pauses as `,`. Exporters write an extension as a
/// `tel:` URI's `;ext=235` (RFC 3966), as dial pauses (`p`, `w`, `,`, `;` on Android, iOS and
/// Samsung phones) or in words (`ext. 235`, `x235`); a URI's other parameters
/// (`phone-context`, `isub`) say nothing a caller dials and are dropped.
pub(super) fn card_phone(value: &str) -> String {
    let value = value.trim();
    let uri = strip_scheme(value, "tel:");
    let (number, extension) = if uri.len() < value.len() {
        let mut parts = uri.split(';');
        let written = parts.next().unwrap_or_default();
        let extension = parts.find_map(|param| {
            let value = strip_scheme(param, "ext=");
            (value.len() < param.len()).then_some(value)
        });
        match extension {
            Some(extension) => (written, extension),
            None => split_extension(written),
        }
    } else {
        split_extension(value)
    };
    let keys = dial_keys(extension);
    let number = number.trim();
    if keys.is_empty() {
        number.to_string()
    } else {
        format!("{number};{keys}")
    }
}

/// Dial-string pauses and waits that phones write between a number and its extension.
const PAUSES: &[&str] = &[",", "p", "w"];

/// `02-3456-1234 ext. 235` → (`02-3456-1234`, ` 235`): cut at the first marker after a digit,
/// a pause or a word that calls read as an extension (`calls::number`); not `#`, which ends
/// service codes (`*123#`) as often as it starts an extension.
fn split_extension(text: &str) -> (&str, &str) {
    let markers = || {
        crate::calls::number::EXTENSION_MARKERS
            .iter()
            .filter(|marker| **marker != "#")
            .chain(PAUSES)
    };
    let mut seen_digit = false;
    for (at, ch) in text.char_indices() {
        seen_digit |= ch.is_ascii_digit();
        let rest = &text[at..];
        let marker = markers().find(|marker| {
            rest.get(..marker.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(marker))
        });
        if let (true, Some(marker)) = (seen_digit, marker) {
            return (&text[..at], &text[at + marker.len()..]);
        }
    }
    (text, "")
}

/// The keys of an extension: digits, `*` and `#`; pauses and waits (`,` `;` `p` `w`) become
/// `,`, leading and trailing ones dropped (the call waits for the answer anyway); separators go.
fn dial_keys(extension: &str) -> String {
    let mut keys = String::new();
    for ch in extension.chars() {
        match ch.to_ascii_lowercase() {
            digit @ ('0'..='9' | '*' | '#') => keys.push(digit),
            ',' | ';' | 'p' | 'w' if !keys.is_empty() && !keys.ends_with(',') => keys.push(','),
            _ => {}
        }
    }
    keys.trim_end_matches(',').to_string()
}

pub(super) fn strip_scheme<'a>(value: &'a str, scheme: &str) -> &'a str {
    match value.get(..scheme.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(scheme) => &value[scheme.len()..],
        _ => value,
    }
}

/// `http://user@www.example.com:8080/x` → `www.example.com`.
pub(super) fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host);
    if host.is_empty() { url } else { host }
}

/// A name from `N` (family; given; additional; prefixes; suffixes), in the name's own order.
pub(super) fn name_from_n(value: &str) -> String {
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
pub(super) fn address(line: &ContentLine) -> String {
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
pub(super) fn components(value: &str) -> Vec<String> {
    split_unescaped(value, ';')
        .into_iter()
        .map(unescape)
        .collect()
}

pub(super) fn split_unescaped(value: &str, separator: char) -> Vec<&str> {
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

/// A vCard 2.1 value in 3.0's escaping, so one reader serves both. 2.1 escapes only a `;`
/// inside a compound value; any other backslash, and every comma, is the text's own (a Windows
/// path, a `\n` typed in a note), as Android's 2.1 exporter writes them.
pub(super) fn escaped_as_v3(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' if chars.peek() == Some(&';') => {
                out.push_str("\\;");
                chars.next();
            }
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            other => out.push(other),
        }
    }
    out
}

/// Reverses RFC 6350 §3.4 escaping; also accepts escapes exporters add beyond the RFC
/// (Apple writes `http\://`), keeping the escaped character.
pub(super) fn unescape(value: &str) -> String {
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
pub(super) struct ContentLine {
    /// Lower-cased, to match `item1.TEL` with `ITEM1.X-ABLabel`.
    pub(super) group: Option<String>,
    /// Upper-cased.
    pub(super) name: String,
    /// Upper-cased names; values unquoted. A bare parameter (`TEL;WORK;VOICE:`) is a `TYPE`.
    pub(super) params: Vec<(String, String)>,
    /// Still escaped: how to unescape depends on the property.
    pub(super) value: String,
}

impl ContentLine {
    /// The header of a line, the part before its value's colon; the value is left empty.
    pub(super) fn parse_header(header: &str) -> ContentLine {
        let name_end = header.find(';').unwrap_or(header.len());
        let (group, name) = match header[..name_end].split_once('.') {
            Some((group, name)) => (Some(group.trim().to_ascii_lowercase()), name),
            None => (None, &header[..name_end]),
        };
        let mut params = Vec::new();
        let mut rest = &header[name_end..];
        while let Some(after) = rest.strip_prefix(';') {
            let end = unquoted_position(after, |c| c == ';').unwrap_or(after.len());
            params.extend(parse_param(&after[..end]));
            rest = &after[end..];
        }
        ContentLine {
            group,
            name: name.trim().to_ascii_uppercase(),
            params,
            value: String::new(),
        }
    }

    pub(super) fn param<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.params
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `TYPE=work,voice`, `TYPE=WORK;TYPE=VOICE` and `TYPE="work,voice"` alike.
    pub(super) fn has_type(&self, wanted: &str) -> bool {
        self.param("TYPE")
            .flat_map(|v| v.split(','))
            .any(|v| v.trim().eq_ignore_ascii_case(wanted))
    }

    pub(super) fn language(&self) -> Option<Lang> {
        self.param("LANGUAGE").find_map(Lang::from_tag)
    }

    /// 4.0 `PREF=1`, or 3.0 `TYPE=pref` counted as 1.
    pub(super) fn pref(&self) -> Option<u32> {
        let explicit = self.param("PREF").find_map(|p| p.trim().parse().ok());
        explicit.or_else(|| self.has_type("pref").then_some(1))
    }
}

/// The byte position of the first `stop` character outside double quotes.
pub(super) fn unquoted_position(text: &str, stop: impl Fn(char) -> bool) -> Option<usize> {
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
pub(super) fn parse_param(param: &str) -> Vec<(String, String)> {
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
pub(super) fn decode_caret(value: &str) -> String {
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
