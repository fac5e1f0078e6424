//! The card editor's form fields → a [`CardInput`]. Field names are the editor's:
//! `content.ko.name`, `contacts.email`, `links.0.url`, `theme.template`, … Pure, so the mapping
//! is tested without HTTP; the multipart reading lives in pages.rs. Refusals are worded in the
//! issuer's language, which the handler passes.

use std::collections::HashMap;

use app::i18n::{CardFormText, card_form_text};
use app::model::{
    CallSettings, CardContent, CardFont, CardInput, CardLink, Contacts, FieldError, ImageFrame,
    Lang, LocalizedContent, Template, Theme, Weekday,
};

use super::validate::MAX_LINKS;

/// The card as typed, and the choices that were not among the offered ones (those fall back to
/// a default, so the form can be shown again with everything else kept), refused in `lang`.
pub fn card_input(
    fields: &HashMap<String, String>,
    existing_slug: Option<&str>,
    lang: Lang,
) -> (CardInput, Vec<FieldError>) {
    let words = card_form_text(lang);
    let text = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let mut errors = Vec::new();
    let default_lang = match Lang::from_tag(&text("default_lang")) {
        Some(lang) => lang,
        None => {
            errors.push(FieldError::new("default_lang", words.pick_language));
            Lang::Ko
        }
    };
    let template = match fields.get("theme.template") {
        None => Template::default(),
        Some(code) => Template::from_code(code).unwrap_or_else(|| {
            errors.push(FieldError::new("theme.template", words.pick_template));
            Template::default()
        }),
    };
    let font = match fields.get("theme.font") {
        None => CardFont::default(),
        Some(code) => CardFont::from_code(code).unwrap_or_else(|| {
            errors.push(FieldError::new("theme.font", words.pick_font));
            CardFont::default()
        }),
    };
    let contents = Lang::ALL
        .into_iter()
        .map(|lang| {
            let field = |name: &str| text(&format!("content.{}.{name}", lang.code()));
            LocalizedContent {
                lang,
                content: CardContent {
                    name: field("name"),
                    reading: field("reading"),
                    title: field("title"),
                    company: field("company"),
                    department: field("department"),
                    address: field("address"),
                    note: field("note"),
                },
            }
        })
        .collect();
    // Rows beyond MAX_LINKS + a few are ignored rather than refused: validation reports the count.
    let links = (0..MAX_LINKS + 5)
        .map(|index| CardLink {
            label: text(&format!("links.{index}.label")),
            url: text(&format!("links.{index}.url")),
        })
        .collect();
    let defaults = Theme::default();
    let input = CardInput {
        // Editing, an empty address keeps the card's own; another one moves the card there.
        slug: match (fields.get("slug").map(|s| s.trim()), existing_slug) {
            (Some(""), Some(existing)) | (None, Some(existing)) => Some(existing.to_string()),
            (Some(typed), _) => Some(typed.to_string()),
            (None, None) => None,
        },
        default_lang,
        contents,
        contacts: Contacts {
            office_phone: text("contacts.office_phone"),
            mobile: text("contacts.mobile"),
            fax: text("contacts.fax"),
            email: text("contacts.email"),
            homepage: text("contacts.homepage"),
        },
        links,
        theme: Theme {
            template,
            primary_color: fields
                .get("theme.primary_color")
                .cloned()
                .unwrap_or(defaults.primary_color),
            accent_color: fields
                .get("theme.accent_color")
                .cloned()
                .unwrap_or(defaults.accent_color),
            font,
            photo_frame: image_frame(fields, "photo", words, &mut errors),
            logo_frame: image_frame(fields, "logo", words, &mut errors),
        },
        // An unchecked checkbox sends nothing at all.
        published: checked(fields, "published"),
        // A form without the Calls fieldset leaves the card's call settings as they are.
        call: fields
            .keys()
            .any(|name| name.starts_with("call."))
            .then(|| call_settings(fields, words, &mut errors)),
    };
    (input, errors)
}

/// `theme.photo_frame.x`, `.y`, `.zoom` as typed: a part left out is the default's, text that is
/// no number is refused here (a number out of range is `validate`'s to refuse).
fn image_frame(
    fields: &HashMap<String, String>,
    image: &str,
    words: &CardFormText,
    errors: &mut Vec<FieldError>,
) -> ImageFrame {
    let defaults = ImageFrame::default();
    let mut part = |name: &str, fallback: u16, min: u16, max: u16| {
        let field = format!("theme.{image}_frame.{name}");
        match fields.get(&field).map(|value| value.trim().parse::<u16>()) {
            None => fallback,
            Some(Ok(value)) => value,
            Some(Err(_)) => {
                errors.push(FieldError::new(field, words.frame_range(min, max)));
                fallback
            }
        }
    };
    ImageFrame {
        x: part("x", defaults.x, 0, ImageFrame::MAX_POSITION),
        y: part("y", defaults.y, 0, ImageFrame::MAX_POSITION),
        zoom: part(
            "zoom",
            defaults.zoom,
            ImageFrame::MIN_ZOOM,
            ImageFrame::MAX_ZOOM,
        ),
    }
}

fn checked(fields: &HashMap<String, String>, name: &str) -> bool {
    fields
        .get(name)
        .is_some_and(|value| value == "true" || value == "on")
}

/// The "Calls" fieldset: `call.call_quota`, `call.day.mon`…, `call.allowed_regions` (comma list).
fn call_settings(
    fields: &HashMap<String, String>,
    words: &CardFormText,
    errors: &mut Vec<FieldError>,
) -> CallSettings {
    let text = |name: &str| {
        fields
            .get(&format!("call.{name}"))
            .cloned()
            .unwrap_or_default()
    };
    let mut whole_number = |name: &str, fallback: u32| match text(name).trim().parse::<u32>() {
        Ok(value) => value,
        Err(_) => {
            errors.push(FieldError::new(format!("call.{name}"), words.whole_number));
            fallback
        }
    };
    let defaults = CallSettings::default();
    CallSettings {
        call_quota: whole_number("call_quota", defaults.call_quota),
        max_call_minutes: whole_number("max_call_minutes", defaults.max_call_minutes),
        time_zone: text("time_zone"),
        available_from: text("available_from"),
        available_until: text("available_until"),
        available_days: Weekday::ALL
            .into_iter()
            .filter(|day| checked(fields, &format!("call.day.{}", day.code())))
            .collect(),
        allowed_regions: text("allowed_regions")
            .split([',', ' '])
            .filter(|region| !region.is_empty())
            .map(str::to_string)
            .collect(),
        landline: text("landline"),
        mobile: text("mobile"),
        internet_phone: checked(fields, "call.internet_phone"),
        daily_cap: optional_amount(&text("daily_cap"), words, errors),
    }
}

/// An amount that may be left empty (`call.daily_cap`: empty lifts the cap).
fn optional_amount(text: &str, words: &CardFormText, errors: &mut Vec<FieldError>) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<i64>() {
        Ok(amount) => Some(amount),
        Err(_) => {
            errors.push(FieldError::new("call.daily_cap", words.daily_cap_whole));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn maps_editor_fields_to_a_card() {
        let input = card_input(
            &fields(&[
                ("default_lang", "en"),
                ("content.en.name", "Ada"),
                ("contacts.mobile", "010"),
                ("links.1.url", "https://a.example"),
                ("theme.template", "modern"),
                ("published", "true"),
            ]),
            None,
            Lang::En,
        )
        .0;
        assert_eq!(input.default_lang, Lang::En);
        assert_eq!(
            input
                .contents
                .iter()
                .find(|c| c.lang == Lang::En)
                .unwrap()
                .content
                .name,
            "Ada"
        );
        assert_eq!(input.contacts.mobile, "010");
        assert_eq!(input.links[1].url, "https://a.example");
        assert_eq!(input.theme.template, Template::Modern);
        assert!(input.published);
        assert!(input.call.is_none(), "no Calls fieldset, no change");
    }

    #[test]
    fn missing_checkbox_means_unpublished_and_a_typed_slug_moves_the_card() {
        let (input, errors) = card_input(
            &fields(&[("default_lang", "ko"), ("slug", "other")]),
            Some("mine"),
            Lang::En,
        );
        assert!(errors.is_empty());
        assert!(!input.published);
        assert_eq!(input.slug.as_deref(), Some("other"));
        for kept in [vec![("slug", " ")], vec![]] {
            let mut typed = kept.clone();
            typed.push(("default_lang", "ko"));
            let (input, _) = card_input(&fields(&typed), Some("mine"), Lang::En);
            assert_eq!(input.slug.as_deref(), Some("mine"), "{kept:?}");
        }
    }

    fn unknown_choices() -> HashMap<String, String> {
        fields(&[
            ("default_lang", "fr"),
            ("theme.template", "neon"),
            ("call.call_quota", "12"),
            ("call.max_call_minutes", "lots"),
            ("call.daily_cap", "much"),
        ])
    }

    #[test]
    fn unknown_choices_are_refused_by_field() {
        let (_, errors) = card_input(&unknown_choices(), None, Lang::En);
        let names: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            names,
            [
                "default_lang",
                "theme.template",
                "call.max_call_minutes",
                "call.daily_cap"
            ]
        );
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Pick one of the offered languages.",
                "Pick one of the offered templates.",
                "Use a whole number.",
                "Use a whole amount, or leave it empty for no cap."
            ]
        );
    }

    #[test]
    fn unknown_choices_are_refused_in_the_issuers_language() {
        let (_, english) = card_input(&unknown_choices(), None, Lang::En);
        for lang in [Lang::Ko, Lang::Ja, Lang::Zh] {
            let (_, errors) = card_input(&unknown_choices(), None, lang);
            let words = card_form_text(lang);
            let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
            assert_eq!(
                messages,
                [
                    words.pick_language,
                    words.pick_template,
                    words.whole_number,
                    words.daily_cap_whole
                ]
            );
            for (error, in_english) in errors.iter().zip(&english) {
                assert_ne!(error.message, in_english.message);
                assert!(
                    !error.message.chars().any(|c| c.is_ascii_alphabetic()),
                    "{lang:?}: {}",
                    error.message
                );
            }
        }
    }
}
