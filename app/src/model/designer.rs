//! The card designer's rules that the server's page and the browser's live preview share (issue
//! 11): how complete each language's text is, and what "copy from another language" does. Pure,
//! so both sides agree by construction.

use super::{AA_TEXT_CONTRAST, CardContent, CardInput, Lang, Template, Theme, contrast_ratio};

/// The card's white, on which every template but Bold writes the main colour as text (the
/// name, the outlined buttons).
const CARD_PAPER: &str = "#ffffff";

/// The contrast of the main colour on the card, when it is below WCAG AA for text; `None` when
/// it passes or the template writes no text in it (Bold sets all text on the main colour, in
/// black or white as reads best).
pub fn weak_main_colour(theme: &Theme) -> Option<f64> {
    if theme.template == Template::Bold {
        return None;
    }
    let ratio = contrast_ratio(&theme.primary_color, CARD_PAPER);
    (ratio < AA_TEXT_CONTRAST).then_some(ratio)
}

/// A language tab's mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanguageStatus {
    /// Nothing typed: the card does not offer this language.
    NotOnCard,
    /// Has every field that the language shown first has (the first language itself: a name).
    Complete,
    /// Lacks this many of the fields the language shown first has.
    Missing(usize),
}

impl LanguageStatus {
    /// A stable word for `data-status`, which the stylesheet and tests read.
    pub fn code(self) -> &'static str {
        match self {
            LanguageStatus::NotOnCard => "not-on-card",
            LanguageStatus::Complete => "complete",
            LanguageStatus::Missing(_) => "missing",
        }
    }
}

/// The card's fields one language writes, in the editor's order, with their form names.
pub const TEXT_FIELDS: [&str; 6] = ["name", "title", "company", "department", "address", "note"];

/// `content`'s field called `name` (one of [`TEXT_FIELDS`]).
pub fn field<'a>(content: &'a CardContent, name: &str) -> &'a str {
    match name {
        "name" => &content.name,
        "title" => &content.title,
        "company" => &content.company,
        "department" => &content.department,
        "address" => &content.address,
        "note" => &content.note,
        _ => "",
    }
}

pub fn field_mut<'a>(content: &'a mut CardContent, name: &str) -> Option<&'a mut String> {
    match name {
        "name" => Some(&mut content.name),
        "title" => Some(&mut content.title),
        "company" => Some(&mut content.company),
        "department" => Some(&mut content.department),
        "address" => Some(&mut content.address),
        "note" => Some(&mut content.note),
        _ => None,
    }
}

/// How complete `lang`'s text is, measured against the language shown first: a translation
/// is complete when it says everything the first language says.
pub fn language_status(
    content: &CardContent,
    first: &CardContent,
    is_first: bool,
) -> LanguageStatus {
    let filled = |content: &CardContent, name: &str| !field(content, name).trim().is_empty();
    if TEXT_FIELDS.iter().all(|name| !filled(content, name)) {
        return LanguageStatus::NotOnCard;
    }
    let missing = if is_first {
        usize::from(!filled(content, "name"))
    } else {
        TEXT_FIELDS
            .iter()
            .filter(|name| filled(first, name) && !filled(content, name))
            .count()
            + usize::from(!filled(content, "name") && !filled(first, "name"))
    };
    if missing == 0 {
        LanguageStatus::Complete
    } else {
        LanguageStatus::Missing(missing)
    }
}

/// The status of every language of `input`, in `Lang::ALL` order.
pub fn language_statuses(input: &CardInput) -> Vec<(Lang, LanguageStatus)> {
    let first = input.content(input.default_lang);
    Lang::ALL
        .into_iter()
        .map(|lang| {
            let status = language_status(&input.content(lang), &first, lang == input.default_lang);
            (lang, status)
        })
        .collect()
}

/// Fills the empty fields of `into` with `from`'s text, as a start for a translation; what
/// was typed already is kept.
pub fn copy_into_empty(from: &CardContent, into: &mut CardContent) {
    for name in TEXT_FIELDS {
        let source = field(from, name).to_string();
        if let Some(target) = field_mut(into, name)
            && target.trim().is_empty()
        {
            *target = source;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(name: &str, title: &str, note: &str) -> CardContent {
        CardContent {
            name: name.into(),
            title: title.into(),
            note: note.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_translation_is_complete_when_it_says_what_the_first_language_says() {
        let first = content("홍길동", "대표", "");
        assert_eq!(
            language_status(&first, &first, true),
            LanguageStatus::Complete
        );
        assert_eq!(
            language_status(&content("Hong", "CEO", ""), &first, false),
            LanguageStatus::Complete
        );
        assert_eq!(
            language_status(&content("Hong", "", ""), &first, false),
            LanguageStatus::Missing(1)
        );
        assert_eq!(
            language_status(&content("", "", "Hi"), &first, false),
            LanguageStatus::Missing(2)
        );
        assert_eq!(
            language_status(&CardContent::default(), &first, false),
            LanguageStatus::NotOnCard
        );
        // Blank is empty.
        assert_eq!(
            language_status(&content("  ", "", ""), &first, false),
            LanguageStatus::NotOnCard
        );
    }

    #[test]
    fn the_first_language_needs_a_name_and_others_need_one_even_when_it_has_none() {
        let nameless = content("", "CEO", "");
        assert_eq!(
            language_status(&nameless, &nameless, true),
            LanguageStatus::Missing(1)
        );
        assert_eq!(
            language_status(&content("", "대표", ""), &nameless, false),
            LanguageStatus::Missing(1)
        );
    }

    #[test]
    fn a_main_colour_below_aa_on_white_is_weak_unless_the_template_is_bold() {
        let theme = |colour: &str, template| Theme {
            template,
            primary_color: colour.into(),
            ..Theme::default()
        };
        assert_eq!(weak_main_colour(&theme("#1f3a5f", Template::Classic)), None);
        let yellow = weak_main_colour(&theme("#ffd54f", Template::Banner)).unwrap();
        assert!(yellow < 1.6, "{yellow}");
        assert_eq!(weak_main_colour(&theme("#ffd54f", Template::Bold)), None);
        assert!(weak_main_colour(&theme("#777777", Template::Minimal)).is_some());
        assert_eq!(weak_main_colour(&theme("#767676", Template::Minimal)), None);
    }

    #[test]
    fn copying_fills_only_empty_fields() {
        let from = content("Hong Gildong", "CEO", "Call me");
        let mut into = content("홍길동", " ", "");
        copy_into_empty(&from, &mut into);
        assert_eq!(into, content("홍길동", "CEO", "Call me"));
    }
}
