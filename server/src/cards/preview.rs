//! The designer's preview (issue 11): the card as callers would see it if the form were saved
//! now. Pure. The form may hold anything while the issuer types, so every part that reaches a
//! link or a `style` attribute passes the same checks as a save first, and what fails them is
//! left out (or drawn in the default colours) rather than shown; the refusals themselves are
//! the save's business.

use std::collections::HashMap;

use app::model::designer::copy_into_empty;
use app::model::{
    CardInput, CardLink, CardView, Contacts, FieldError, ImageFrame, Lang, StoredMedia, Theme,
};

use super::validate::{check_phone, host_of, is_hex_colour, normalize_url};

/// Where the card lives, for the parts of the preview that point at it.
pub struct Place<'a> {
    /// The card's address now (`None`: not saved yet, so no QR code to show).
    pub slug: Option<&'a str>,
    pub public_url: &'a str,
    /// The stored images and video the card would show.
    pub media: StoredMedia,
}

/// The card `input` describes, cleaned for showing; `None` while it has no text at all.
pub fn preview_card(input: &CardInput, place: Place<'_>) -> Option<CardView> {
    let mut contents: Vec<_> = input
        .contents
        .iter()
        .filter(|localized| {
            let content = &localized.content;
            [
                &content.name,
                &content.title,
                &content.company,
                &content.department,
                &content.address,
                &content.note,
            ]
            .iter()
            .any(|text| !text.trim().is_empty())
        })
        .cloned()
        .collect();
    if contents.is_empty() {
        return None;
    }
    contents.sort_by_key(|localized| localized.lang);
    let phone = |number: &str| {
        let number = number.trim();
        if check_phone(number).is_ok() {
            number.to_string()
        } else {
            String::new()
        }
    };
    let typed = &input.contacts;
    let email = typed.email.trim();
    let defaults = Theme::default();
    let colour = |typed: &str, default: String| {
        let typed = typed.trim().to_ascii_lowercase();
        if is_hex_colour(&typed) {
            typed
        } else {
            default
        }
    };
    let slug = place.slug.unwrap_or_default().to_string();
    Some(CardView {
        url: format!("{}/c/{slug}", place.public_url),
        slug,
        published: input.published,
        default_lang: input.default_lang,
        contents,
        contacts: Contacts {
            office_phone: phone(&typed.office_phone),
            mobile: phone(&typed.mobile),
            fax: phone(&typed.fax),
            email: if crate::auth::service::check_email(email).is_ok() {
                email.to_string()
            } else {
                String::new()
            },
            homepage: normalize_url(&typed.homepage).unwrap_or_default(),
        },
        links: input
            .links
            .iter()
            .filter_map(|link| {
                let url = normalize_url(&link.url).ok()?;
                let label = link.label.trim();
                Some(CardLink {
                    label: if label.is_empty() {
                        host_of(&url)
                    } else {
                        label.to_string()
                    },
                    url,
                })
            })
            .collect(),
        theme: Theme {
            template: input.theme.template,
            primary_color: colour(&input.theme.primary_color, defaults.primary_color),
            accent_color: colour(&input.theme.accent_color, defaults.accent_color),
            font: input.theme.font,
            // A frame out of range (a save would refuse it) is drawn as the default's.
            photo_frame: Some(input.theme.photo_frame)
                .filter(ImageFrame::is_valid)
                .unwrap_or_default(),
            logo_frame: Some(input.theme.logo_frame)
                .filter(ImageFrame::is_valid)
                .unwrap_or_default(),
        },
        photo_url: place.media.photo_url,
        logo_url: place.media.logo_url,
        video: place.media.video,
        updated_at: String::new(),
    })
}

/// "Copy from" without script: the form's `copy` button says `from:into` (`en:ko`). Fills
/// `into`'s empty fields and returns the tab to open, `into`; `None` for anything else.
pub fn apply_copy(input: &mut CardInput, copy: &str) -> Option<Lang> {
    let (from, into) = copy.split_once(':')?;
    let (from, into) = (Lang::from_code(from)?, Lang::from_code(into)?);
    let source = input.content(from);
    let mut target = input.content(into);
    copy_into_empty(&source, &mut target);
    match input.contents.iter_mut().find(|c| c.lang == into) {
        Some(localized) => localized.content = target,
        None => input.contents.push(app::model::LocalizedContent {
            lang: into,
            content: target,
        }),
    }
    Some(into)
}

/// The tab to open: the one the issuer had open, unless another language holds a refusal and
/// that one does not (a refused save must show where the problem is); else the first language.
pub fn tab_to_open(
    fields: &HashMap<String, String>,
    input: &CardInput,
    errors: &[FieldError],
) -> Lang {
    let with_error = |lang: Lang| {
        let prefix = format!("content.{}.", lang.code());
        errors.iter().any(|error| error.field.starts_with(&prefix))
    };
    let open = fields
        .get("editing_lang")
        .and_then(|code| Lang::from_code(code));
    match open {
        Some(lang) if with_error(lang) => lang,
        _ => match Lang::ALL.into_iter().find(|lang| with_error(*lang)) {
            Some(lang) => lang,
            None => open.unwrap_or(input.default_lang),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::{CardContent, LocalizedContent};

    fn place() -> Place<'static> {
        Place {
            slug: None,
            public_url: "https://callcard.example",
            media: StoredMedia::default(),
        }
    }

    fn card(name: &str) -> CardInput {
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

    #[test]
    fn no_text_no_preview() {
        assert!(preview_card(&card("  "), place()).is_none());
        assert!(preview_card(&card("Ada"), place()).is_some());
    }

    #[test]
    fn what_would_be_refused_never_reaches_a_link_or_a_style() {
        let mut input = card("Ada");
        input.theme.primary_color = "red;background:url(https://evil.example)".into();
        input.theme.accent_color = "#ABCDEF".into();
        input.contacts.homepage = "javascript:alert(1)".into();
        input.contacts.email = "not an address".into();
        input.contacts.mobile = "010<script>".into();
        input.links = vec![
            CardLink {
                label: "x".into(),
                url: "javascript:alert(1)".into(),
            },
            CardLink {
                label: String::new(),
                url: "example.com/me".into(),
            },
        ];
        let view = preview_card(&input, place()).unwrap();
        assert_eq!(view.theme.primary_color, Theme::default().primary_color);
        assert_eq!(view.theme.accent_color, "#abcdef");
        assert_eq!(view.contacts.homepage, "");
        assert_eq!(view.contacts.email, "");
        assert_eq!(view.contacts.mobile, "");
        assert_eq!(
            view.links,
            vec![CardLink {
                label: "example.com".into(),
                url: "http://example.com/me".into()
            }]
        );
    }

    #[test]
    fn copy_fills_the_target_and_opens_its_tab() {
        let mut input = card("Ada");
        assert_eq!(apply_copy(&mut input, "en:ja"), Some(Lang::Ja));
        assert_eq!(input.content(Lang::Ja).name, "Ada");
        assert_eq!(apply_copy(&mut input, "en:fr"), None);
        assert_eq!(apply_copy(&mut input, "nonsense"), None);
    }

    #[test]
    fn a_refusal_in_another_language_opens_that_tab() {
        let input = card("Ada");
        let fields: HashMap<_, _> = [("editing_lang".to_string(), "en".to_string())].into();
        assert_eq!(tab_to_open(&fields, &input, &[]), Lang::En);
        let refused = [FieldError::new("content.ja.name", "…")];
        assert_eq!(tab_to_open(&fields, &input, &refused), Lang::Ja);
        let both = [
            FieldError::new("content.ja.name", "…"),
            FieldError::new("content.en.title", "…"),
        ];
        assert_eq!(tab_to_open(&fields, &input, &both), Lang::En);
        assert_eq!(tab_to_open(&HashMap::new(), &input, &[]), Lang::En);
    }
}
