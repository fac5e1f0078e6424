//! The rules a card must follow before it is stored (BRIEF R2, R18). Pure: input and the issuer's
//! language in, a cleaned card or every refused field (named as the editor form names it, the
//! message in that language) out.

use app::i18n::card_form_text;
use app::model::{CardInput, CardLink, FieldError, ImageFrame, Lang, LocalizedContent};

use crate::auth::service::EmailProblem;

pub const MAX_LINKS: usize = 10;
const MAX_SHORT: usize = 200;
const MAX_NOTE: usize = 2000;

/// Paths under `/c/` that must never be a card's slug.
const RESERVED_SLUGS: &[&str] = &[
    "new", "edit", "admin", "api", "static", "pkg", "media", "call",
];

/// Why a field of a card was refused; [`Problem::message`] says it in the issuer's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A language has text but no name.
    NameMissing,
    TooLong {
        max: usize,
    },
    ControlCharacter {
        character: char,
        multi_line: bool,
    },
    /// No language has any text.
    NoName,
    DefaultLanguageEmpty(Lang),
    SlugLength,
    SlugCharacters,
    SlugDashes,
    SlugReserved(String),
    PhoneCharacters,
    /// Worded as sign-up words it.
    Email(EmailProblem),
    UrlMissing,
    UrlNotHttp,
    UrlNotWeb,
    UrlCharacters,
    TooManyLinks,
    Colour,
    FrameRange {
        min: u16,
        max: u16,
    },
}

impl Problem {
    pub fn message(&self, lang: Lang) -> String {
        let text = card_form_text(lang);
        match self {
            Problem::NameMissing => text.name_missing.into(),
            Problem::TooLong { max } => text.too_long(*max),
            Problem::ControlCharacter {
                character,
                multi_line,
            } => text.control_character(*character, *multi_line),
            Problem::NoName => text.no_name.into(),
            Problem::DefaultLanguageEmpty(first) => text.default_lang_empty(*first),
            Problem::SlugLength => text.slug_length.into(),
            Problem::SlugCharacters => text.slug_characters.into(),
            Problem::SlugDashes => text.slug_dashes.into(),
            Problem::SlugReserved(slug) => text.slug_reserved(slug),
            Problem::PhoneCharacters => text.phone_characters.into(),
            Problem::Email(problem) => problem.message(app::i18n::auth_text(lang)).into(),
            Problem::UrlMissing => text.url_missing.into(),
            Problem::UrlNotHttp => text.url_not_http.into(),
            Problem::UrlNotWeb => text.url_not_web.into(),
            Problem::UrlCharacters => text.url_characters.into(),
            Problem::TooManyLinks => text.too_many_links(MAX_LINKS),
            Problem::Colour => text.colour.into(),
            Problem::FrameRange { min, max } => text.frame_range(*min, *max),
        }
    }
}

/// Cleans and checks a card: text trimmed, empty languages dropped, links without a URL dropped.
/// Refusals are worded in `lang`, the issuer's.
pub fn validate(input: &CardInput, lang: Lang) -> Result<CardInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut refuse = |field: String, problem: Problem| {
        errors.push(FieldError::new(field, problem.message(lang)))
    };
    let mut card = input.clone();

    if let Some(slug) = &card.slug {
        let slug = slug.trim().to_ascii_lowercase();
        if slug.is_empty() {
            card.slug = None;
        } else {
            if let Err(problem) = check_slug(&slug) {
                refuse("slug".into(), problem);
            }
            card.slug = Some(slug);
        }
    }

    card.contents = Lang::ALL
        .into_iter()
        .filter_map(|lang| input.contents.iter().find(|c| c.lang == lang))
        .map(|localized| {
            let mut content = localized.content.clone();
            for text in [
                &mut content.name,
                &mut content.title,
                &mut content.company,
                &mut content.department,
                &mut content.address,
                &mut content.note,
            ] {
                *text = text.trim().to_string();
            }
            LocalizedContent {
                lang: localized.lang,
                content,
            }
        })
        .filter(|localized| localized.content != Default::default())
        .collect();
    for localized in &card.contents {
        let field = |name: &str| format!("content.{}.{name}", localized.lang.code());
        let content = &localized.content;
        if content.name.is_empty() {
            refuse(field("name"), Problem::NameMissing);
        }
        for (name, text, max) in [
            ("name", &content.name, MAX_SHORT),
            ("reading", &content.reading, MAX_SHORT),
            ("title", &content.title, MAX_SHORT),
            ("company", &content.company, MAX_SHORT),
            ("department", &content.department, MAX_SHORT),
            ("address", &content.address, MAX_SHORT),
            ("note", &content.note, MAX_NOTE),
        ] {
            if text.chars().count() > max {
                refuse(field(name), Problem::TooLong { max });
            }
            if let Err(problem) = check_text(text, name == "note") {
                refuse(field(name), problem);
            }
        }
    }
    if card.contents.is_empty() {
        refuse("contents".into(), Problem::NoName);
    } else if !card.contents.iter().any(|c| c.lang == card.default_lang) {
        refuse(
            "default_lang".into(),
            Problem::DefaultLanguageEmpty(card.default_lang),
        );
    }

    let contacts = &mut card.contacts;
    for (name, number) in [
        ("office_phone", &mut contacts.office_phone),
        ("mobile", &mut contacts.mobile),
        ("fax", &mut contacts.fax),
    ] {
        *number = number.trim().to_string();
        if let Err(problem) = check_phone(number) {
            refuse(format!("contacts.{name}"), problem);
        }
    }
    contacts.email = contacts.email.trim().to_string();
    if !contacts.email.is_empty()
        && let Err(problem) = crate::auth::service::check_email(&contacts.email)
    {
        refuse("contacts.email".into(), Problem::Email(problem));
    }
    contacts.homepage = contacts.homepage.trim().to_string();
    if !contacts.homepage.is_empty() {
        match normalize_url(&contacts.homepage) {
            Ok(url) => contacts.homepage = url,
            Err(problem) => refuse("contacts.homepage".into(), problem),
        }
    }

    let mut links = Vec::new();
    for (index, link) in input.links.iter().enumerate() {
        let label = link.label.trim().to_string();
        let url = link.url.trim().to_string();
        if label.is_empty() && url.is_empty() {
            continue;
        }
        match normalize_url(&url) {
            Ok(url) => links.push(CardLink {
                label: if label.is_empty() {
                    crate::cards::validate::host_of(&url)
                } else {
                    label
                },
                url,
            }),
            Err(problem) => refuse(format!("links.{index}.url"), problem),
        }
        if link.label.chars().count() > MAX_SHORT {
            refuse(
                format!("links.{index}.label"),
                Problem::TooLong { max: MAX_SHORT },
            );
        }
        if let Err(problem) = check_text(&link.label, false) {
            refuse(format!("links.{index}.label"), problem);
        }
    }
    if links.len() > MAX_LINKS {
        refuse("links".into(), Problem::TooManyLinks);
    }
    card.links = links;

    for (name, colour) in [
        ("primary_color", &mut card.theme.primary_color),
        ("accent_color", &mut card.theme.accent_color),
    ] {
        *colour = colour.trim().to_ascii_lowercase();
        if !is_hex_colour(colour) {
            refuse(format!("theme.{name}"), Problem::Colour);
        }
    }
    for (name, frame) in [
        ("photo_frame", card.theme.photo_frame),
        ("logo_frame", card.theme.logo_frame),
    ] {
        let position = Problem::FrameRange {
            min: 0,
            max: ImageFrame::MAX_POSITION,
        };
        let zoom = Problem::FrameRange {
            min: ImageFrame::MIN_ZOOM,
            max: ImageFrame::MAX_ZOOM,
        };
        for (part, value, problem) in [("x", frame.x, &position), ("y", frame.y, &position)] {
            if value > ImageFrame::MAX_POSITION {
                refuse(format!("theme.{name}.{part}"), problem.clone());
            }
        }
        if !(ImageFrame::MIN_ZOOM..=ImageFrame::MAX_ZOOM).contains(&frame.zoom) {
            refuse(format!("theme.{name}.zoom"), zoom);
        }
    }

    if errors.is_empty() {
        Ok(card)
    } else {
        Err(errors)
    }
}

/// Card text holds no control characters: they cannot be typed into the editor, PostgreSQL
/// refuses NUL in text, and the rest would garble the card page and vCards. Multi-line text
/// (the note) keeps its line breaks and tabs.
pub fn check_text(text: &str, multi_line: bool) -> Result<(), Problem> {
    let allowed = |c: char| multi_line && matches!(c, '\n' | '\r' | '\t');
    match text.chars().find(|&c| c.is_control() && !allowed(c)) {
        None => Ok(()),
        Some(character) => Err(Problem::ControlCharacter {
            character,
            multi_line,
        }),
    }
}

/// Slugs are what people type and read aloud: 3-40 lower-case letters, digits and inner dashes.
pub fn check_slug(slug: &str) -> Result<(), Problem> {
    let length = slug.len();
    if !(3..=40).contains(&length) {
        return Err(Problem::SlugLength);
    }
    if !slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(Problem::SlugCharacters);
    }
    if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
        return Err(Problem::SlugDashes);
    }
    if RESERVED_SLUGS.contains(&slug) {
        return Err(Problem::SlugReserved(slug.to_string()));
    }
    Ok(())
}

/// Phone numbers are kept as typed (calls parse them, `calls::number`), but only with the
/// characters a phone number has, and a digit or more. An extension follows a `;`, with `,` for
/// a pause between its keys (`02-3456-1234;235,1`), as phones write dial strings.
pub fn check_phone(number: &str) -> Result<(), Problem> {
    if number.is_empty() {
        return Ok(());
    }
    if number.chars().count() > 40 {
        return Err(Problem::TooLong { max: 40 });
    }
    let (written, extension) = number.split_once(';').unwrap_or((number, ""));
    let allowed = |c: char| c.is_ascii_digit() || " +-().#*/".contains(c);
    let allowed_in_extension = |c: char| c.is_ascii_digit() || " #*,".contains(c);
    if !written.chars().all(allowed)
        || !extension.chars().all(allowed_in_extension)
        || !written.chars().any(|c| c.is_ascii_digit())
    {
        return Err(Problem::PhoneCharacters);
    }
    Ok(())
}

/// `abcd.co.kr` → `http://abcd.co.kr`: only http(s) links, so a card never carries `javascript:`.
pub fn normalize_url(url: &str) -> Result<String, Problem> {
    let url = url.trim();
    if url.is_empty() {
        return Err(Problem::UrlMissing);
    }
    let with_scheme = if url.contains("://") {
        url.to_string()
    } else {
        format!("http://{url}")
    };
    let lower = with_scheme.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))
        .ok_or(Problem::UrlNotHttp)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || !host.contains('.') && !host.starts_with("localhost") {
        return Err(Problem::UrlNotWeb);
    }
    if with_scheme.len() > 2000
        || with_scheme
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
    {
        return Err(Problem::UrlCharacters);
    }
    Ok(with_scheme)
}

/// The host of an http(s) URL, as a link's label when none is given.
pub fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .unwrap_or(url)
        .to_string()
}

pub fn is_hex_colour(colour: &str) -> bool {
    colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A fresh random slug: 8 characters from an alphabet without look-alikes (no 0/o, 1/l).
pub fn random_slug() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    (0..8)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::{CardContent, Contacts};

    fn input(name: &str) -> CardInput {
        CardInput {
            default_lang: Lang::En,
            contents: vec![LocalizedContent {
                lang: Lang::En,
                content: CardContent {
                    name: name.into(),
                    ..Default::default()
                },
            }],
            ..Default::default()
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_name_in_the_default_language_is_enough() {
        let card = validate(&input("  Ada  "), Lang::En).unwrap();
        assert_eq!(card.contents[0].content.name, "Ada");
    }

    #[test]
    fn card_without_any_name_is_refused() {
        let errors = validate(&input("   "), Lang::En).unwrap_err();
        assert_eq!(fields(&errors), ["contents"]);
    }

    #[test]
    fn default_language_must_have_text() {
        let mut card = input("Ada");
        card.default_lang = Lang::Ko;
        assert_eq!(
            fields(&validate(&card, Lang::En).unwrap_err()),
            ["default_lang"]
        );
    }

    #[test]
    fn language_with_text_but_no_name_is_refused_by_field() {
        let mut card = input("Ada");
        card.contents.push(LocalizedContent {
            lang: Lang::Ja,
            content: CardContent {
                title: "技師".into(),
                ..Default::default()
            },
        });
        assert_eq!(
            fields(&validate(&card, Lang::En).unwrap_err()),
            ["content.ja.name"]
        );
    }

    #[test]
    fn slugs_follow_the_rules() {
        assert!(check_slug("hong-gildong").is_ok());
        for bad in [
            "ab",
            "Hong",
            "hong_gil",
            "-hong",
            "hong-",
            "a--b",
            "new",
            "홍길동",
        ] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_and_homepage_must_be_http() {
        assert_eq!(normalize_url("abcd.co.kr").unwrap(), "http://abcd.co.kr");
        assert!(normalize_url("javascript:alert(1)").is_err());
        assert!(normalize_url("ftp://x.example").is_err());
        assert!(normalize_url("http://a b.example").is_err());
        let mut card = input("Ada");
        card.contacts = Contacts {
            homepage: "javascript:alert(1)".into(),
            ..Default::default()
        };
        card.links = vec![CardLink {
            label: "x".into(),
            url: "data:text/html,hi".into(),
        }];
        assert_eq!(
            fields(&validate(&card, Lang::En).unwrap_err()),
            ["contacts.homepage", "links.0.url"]
        );
    }

    #[test]
    fn empty_link_rows_are_dropped_and_labels_default_to_host() {
        let mut card = input("Ada");
        card.links = vec![
            CardLink::default(),
            CardLink {
                label: String::new(),
                url: "https://ada.example/about".into(),
            },
        ];
        let card = validate(&card, Lang::En).unwrap();
        assert_eq!(
            card.links,
            [CardLink {
                label: "ada.example".into(),
                url: "https://ada.example/about".into()
            }]
        );
    }

    #[test]
    fn phones_allow_extensions_but_not_letters() {
        assert!(check_phone("025561234;235").is_ok());
        assert!(check_phone("02-3456-1234;235,1").is_ok());
        assert!(
            check_phone("02-3456-1234,235").is_err(),
            "a pause only in the extension"
        );
        assert!(check_phone("0234;56;78").is_err());
        assert!(check_phone("+82 (2) 3456-1234").is_ok());
        assert!(check_phone("call me").is_err());
        assert!(check_phone("---").is_err());
    }

    #[test]
    fn control_characters_in_card_text_are_refused_by_field() {
        let mut card = input("Ada\0Lovelace");
        card.contents[0].content.note = "first line\nsecond\tcolumn".into();
        card.contents[0].content.title = "Engineer\u{1b}[31m".into();
        card.links = vec![CardLink {
            label: "Notes\r\nSet-Cookie: x".into(),
            url: "https://ada.example".into(),
        }];
        let errors = validate(&card, Lang::En).unwrap_err();
        assert_eq!(
            fields(&errors),
            ["content.en.name", "content.en.title", "links.0.label"]
        );
        assert!(
            errors[0].message.contains("U+0000"),
            "{}",
            errors[0].message
        );
        card.contents[0].content.note.push('\0');
        assert!(fields(&validate(&card, Lang::En).unwrap_err()).contains(&"content.en.note"));
    }

    #[test]
    fn an_image_frame_stays_within_its_ranges() {
        let mut card = input("Ada");
        card.theme.photo_frame = ImageFrame {
            x: 0,
            y: 100,
            zoom: 400,
        };
        card.theme.logo_frame = ImageFrame {
            x: 100,
            y: 0,
            zoom: 100,
        };
        assert!(validate(&card, Lang::En).is_ok());
        card.theme.photo_frame = ImageFrame {
            x: 101,
            y: 50,
            zoom: 99,
        };
        card.theme.logo_frame = ImageFrame {
            x: 50,
            y: 900,
            zoom: 401,
        };
        let errors = validate(&card, Lang::Ko).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "theme.photo_frame.x",
                "theme.photo_frame.zoom",
                "theme.logo_frame.y",
                "theme.logo_frame.zoom"
            ]
        );
        assert_eq!(
            errors[0].message,
            card_form_text(Lang::Ko).frame_range(0, 100)
        );
        assert_eq!(
            errors[1].message,
            card_form_text(Lang::Ko).frame_range(100, 400)
        );
    }

    #[test]
    fn colours_must_be_hex() {
        let mut card = input("Ada");
        card.theme.primary_color = "red;background:url(x)".into();
        assert_eq!(
            fields(&validate(&card, Lang::En).unwrap_err()),
            ["theme.primary_color"]
        );
    }

    /// The message for `field` among `errors`.
    fn message<'a>(errors: &'a [FieldError], field: &str) -> &'a str {
        &errors.iter().find(|e| e.field == field).unwrap().message
    }

    /// Latin letters left in `message` once what it quotes (examples, the typed value) is out.
    fn latin_letters(message: &str) -> String {
        let quoted = [
            "U+0007",
            "#1f3a5f",
            "https://example.com",
            "https://",
            "http://",
            "name@example.com",
            "a-z",
        ];
        quoted
            .iter()
            .fold(message.to_owned(), |left, kept| left.replace(kept, ""))
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect()
    }

    /// A card refused for many reasons at once.
    fn faulty_card() -> CardInput {
        let mut card = input("Ada\u{7}");
        card.slug = Some("ab".into());
        card.contents.push(LocalizedContent {
            lang: Lang::Ja,
            content: CardContent {
                title: "技師".into(),
                ..Default::default()
            },
        });
        card.contacts = Contacts {
            mobile: "call me".into(),
            email: "not-an-email".into(),
            homepage: "ftp://ada.example".into(),
            ..Default::default()
        };
        card.links = vec![CardLink {
            label: "Ada".into(),
            url: "ada".into(),
        }];
        card.theme.primary_color = "red".into();
        card
    }

    #[test]
    fn refusals_keep_their_english_words() {
        let errors = validate(&faulty_card(), Lang::En).unwrap_err();
        assert_eq!(message(&errors, "slug"), "Use 3 to 40 characters.");
        assert_eq!(
            message(&errors, "content.en.name"),
            "Remove the invisible control character U+0007 (this field is a single line)."
        );
        assert_eq!(
            message(&errors, "content.ja.name"),
            "Enter the name for this language, or clear its other fields."
        );
        assert_eq!(
            message(&errors, "theme.primary_color"),
            "Use a colour like #1f3a5f."
        );
        assert_eq!(
            message(&errors, "links.0.url"),
            "This is not a web address, e.g. https://example.com."
        );
        assert_eq!(
            check_slug("new").unwrap_err().message(Lang::En),
            "“new” is reserved; pick another."
        );
    }

    #[test]
    fn refusals_speak_the_issuers_language() {
        let card = faulty_card();
        let english = validate(&card, Lang::En).unwrap_err();
        assert_eq!(
            fields(&english),
            [
                "slug",
                "content.en.name",
                "content.ja.name",
                "contacts.mobile",
                "contacts.email",
                "contacts.homepage",
                "links.0.url",
                "theme.primary_color"
            ]
        );
        for lang in [Lang::Ko, Lang::Ja, Lang::Zh] {
            let errors = validate(&card, lang).unwrap_err();
            assert_eq!(fields(&errors), fields(&english), "{lang:?}");
            let text = card_form_text(lang);
            assert_eq!(message(&errors, "slug"), text.slug_length);
            assert_eq!(message(&errors, "content.ja.name"), text.name_missing);
            assert_eq!(message(&errors, "contacts.mobile"), text.phone_characters);
            assert_eq!(message(&errors, "contacts.homepage"), text.url_not_http);
            assert_eq!(message(&errors, "theme.primary_color"), text.colour);
            assert_eq!(
                message(&errors, "content.en.name"),
                text.control_character('\u{7}', false)
            );
            for (error, in_english) in errors.iter().zip(&english) {
                assert_ne!(error.message, in_english.message, "{lang:?}");
                assert_eq!(
                    latin_letters(&error.message),
                    "",
                    "{lang:?}: {}",
                    error.message
                );
            }
        }
    }

    #[test]
    fn a_card_without_text_is_refused_in_the_issuers_language() {
        let nothing = input("");
        let mut english_only = input("Ada");
        english_only.default_lang = Lang::Ko;
        for lang in Lang::ALL {
            let text = card_form_text(lang);
            let errors = validate(&nothing, lang).unwrap_err();
            assert_eq!(message(&errors, "contents"), text.no_name);
            let errors = validate(&english_only, lang).unwrap_err();
            assert_eq!(
                message(&errors, "default_lang"),
                text.default_lang_empty(Lang::Ko)
            );
        }
        let errors = validate(&english_only, Lang::Ko).unwrap_err();
        assert_eq!(
            message(&errors, "default_lang"),
            "처음 보이는 언어(한국어)에 아직 내용이 없습니다. 내용을 입력하거나 다른 언어를 고르세요."
        );
    }

    #[test]
    fn random_slugs_pass_the_slug_rules() {
        for _ in 0..100 {
            let slug = random_slug();
            assert!(check_slug(&slug).is_ok(), "{slug}");
        }
    }
}
