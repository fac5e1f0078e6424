//! The card designer (BRIEF R2, D2; issue 11): the form, one tab per language, and beside it a
//! preview of the card as callers will see it, in the issuer's language (ko, en, ja, zh).
//!
//! Everything works without script: the tabs are radio buttons shown by CSS, and the preview
//! and "copy from" buttons send the form to the preview route, which renders the page again
//! with nothing saved. The app bundle's [`preview::DesignerLive`] island makes the preview
//! follow the typing.

use leptos::prelude::*;

use crate::i18n::{EditorText, editor_text};
use crate::model::{
    CardFont, CardLink, Contacts, EditorForm, FieldError, Lang, Template, Theme, error_for,
};

mod call_settings;
mod fields;
mod languages;
#[cfg(feature = "hydrate")]
mod live;
#[cfg(feature = "hydrate")]
mod poster;
pub mod preview;

use call_settings::CallFieldset;
use fields::{FieldErrorText, FrameFields, ImageField, Input, VideoField};
use languages::LanguageTabs;
use preview::PreviewAside;

/// How many empty link rows the form offers beyond the card's own links.
const SPARE_LINK_ROWS: usize = 2;

/// The preview route of the designer for a card (or a new one): the JSON-free twin of the save.
pub fn preview_action(existing_slug: Option<&str>) -> String {
    match existing_slug {
        Some(slug) => format!("/dashboard/cards/{slug}/preview"),
        None => "/dashboard/cards/preview".to_string(),
    }
}

#[component]
pub fn EditorPage(ui: Lang, form: EditorForm) -> impl IntoView {
    let text = editor_text(ui);
    let EditorForm {
        existing_slug,
        input,
        media,
        errors,
        editing_lang,
        preview,
    } = form;
    let (title, action) = match &existing_slug {
        Some(slug) => (text.edit_card, format!("/dashboard/cards/{slug}")),
        None => (text.new_card, "/dashboard/cards".to_string()),
    };
    let preview_action = preview_action(existing_slug.as_deref());
    let err = |field: &str| error_for(&errors, field).map(str::to_string);
    let slug_field = match existing_slug.clone() {
        Some(slug) => view! {
            <p class="field">{text.public_address}<a href=format!("/c/{slug}")>{format!("/c/{slug}")}</a></p>
            <Input name="slug".into() label=text.move_address.into()
                value=input.slug.clone().unwrap_or(slug) error=err("slug")/>
        }
        .into_any(),
        None => view! {
            <Input name="slug".into() label=text.new_address.into()
                value=input.slug.clone().unwrap_or_default() error=err("slug")/>
        }
        .into_any(),
    };
    let call = input.call.clone().unwrap_or_default();
    view! {
        <main class="designer-page">
            <h1>{title}</h1>
            {(!errors.is_empty()).then(|| view! {
                <p class="form-error" role="alert">{text.needs_attention}</p>
            })}
            <div class="designer">
                <form id="card-form" method="post" action=action enctype="multipart/form-data"
                    class="stacked designer-form" novalidate data-preview=preview_action.clone()>
                    // Enter in a field submits with the form's first button: make it Save, not a
                    // copy or preview button further down.
                    <button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">{text.save}</button>
                    {slug_field}
                    <div class="field">
                        <label for="field-default_lang">{text.shown_first}</label>
                        <select id="field-default_lang" name="default_lang">
                            {Lang::ALL.into_iter().map(|lang| view! {
                                <option value=lang.code() lang=lang.code() translate="no" selected={lang == input.default_lang}>{lang.native_name()}</option>
                            }).collect_view()}
                        </select>
                        <FieldErrorText name="default_lang".into() error=err("default_lang")/>
                    </div>
                    <div class="field checkbox">
                        <input id="field-published" type="checkbox" name="published" value="true" checked=input.published/>
                        <label for="field-published">{text.published}</label>
                    </div>
                    <LanguageTabs text input=input.clone() editing=editing_lang errors=errors.clone()
                        preview_action=preview_action.clone()/>
                    <ContactFieldset text contacts=input.contacts.clone() errors=errors.clone()/>
                    <LinksFieldset text links=input.links.clone() errors=errors.clone()/>
                    <DesignFieldset text theme=input.theme.clone() errors=errors.clone()/>
                    <CallFieldset text call errors=errors.clone()/>
                    <fieldset>
                        <legend>{text.images}</legend>
                        <ImageField name="photo" label=text.photo current_alt=text.current_photo
                            remove=text.remove current=media.photo_url error=err("photo")/>
                        <FrameFields text image="photo" image_label=text.photo
                            frame=input.theme.photo_frame errors=errors.clone()/>
                        <ImageField name="logo" label=text.logo current_alt=text.current_logo
                            remove=text.remove current=media.logo_url error=err("logo")/>
                        <FrameFields text image="logo" image_label=text.logo
                            frame=input.theme.logo_frame errors=errors.clone()/>
                    </fieldset>
                    <VideoField text=crate::i18n::video_text(ui) remove=text.remove
                        current=media.video error=err("video") poster_error=err("poster")/>
                    <button type="submit" class="button">{text.save}</button>
                    " "
                    <a href="/dashboard">{text.cancel}</a>
                </form>
                <PreviewAside text ui card=preview lang=editing_lang preview_action/>
            </div>
        </main>
    }
}

#[component]
fn ContactFieldset(
    text: &'static EditorText,
    contacts: Contacts,
    errors: Vec<FieldError>,
) -> impl IntoView {
    let err = |name: &str| error_for(&errors, &format!("contacts.{name}")).map(str::to_string);
    view! {
        <fieldset>
            <legend>{text.contact}</legend>
            <Input name="contacts.office_phone".into() label=text.office_phone.into() kind="tel" value=contacts.office_phone error=err("office_phone")/>
            <Input name="contacts.mobile".into() label=text.mobile.into() kind="tel" value=contacts.mobile error=err("mobile")/>
            <Input name="contacts.fax".into() label=text.fax.into() kind="tel" value=contacts.fax error=err("fax")/>
            <Input name="contacts.email".into() label=text.email.into() kind="email" value=contacts.email error=err("email")/>
            <Input name="contacts.homepage".into() label=text.homepage.into() kind="url" value=contacts.homepage error=err("homepage")/>
        </fieldset>
    }
}

#[component]
fn LinksFieldset(
    text: &'static EditorText,
    links: Vec<CardLink>,
    errors: Vec<FieldError>,
) -> impl IntoView {
    let err = |field: String| error_for(&errors, &field).map(str::to_string);
    let mut links = links;
    links.extend(std::iter::repeat_with(Default::default).take(SPARE_LINK_ROWS));
    let rows = links
        .into_iter()
        .enumerate()
        .map(|(index, link)| {
            view! {
                <div class="link-row">
                    <Input name=format!("links.{index}.label") label=text.link_label(index) value=link.label error=err(format!("links.{index}.label"))/>
                    <Input name=format!("links.{index}.url") label=text.link_url(index) value=link.url error=err(format!("links.{index}.url"))/>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset>
            <legend>{text.links}</legend>
            <FieldErrorText name="links".into() error=err("links".into())/>
            {rows}
        </fieldset>
    }
}

#[component]
fn DesignFieldset(
    text: &'static EditorText,
    theme: Theme,
    errors: Vec<FieldError>,
) -> impl IntoView {
    let err = |name: &str| error_for(&errors, &format!("theme.{name}")).map(str::to_string);
    view! {
        <fieldset>
            <legend>{text.design}</legend>
            <div class="field">
                <label for="field-theme.template">{text.template}</label>
                <select id="field-theme.template" name="theme.template">
                    {Template::ALL.into_iter().map(|template| view! {
                        <option value=template.code() selected={template == theme.template}>{text.template(template)}</option>
                    }).collect_view()}
                </select>
                <FieldErrorText name="theme.template".into() error=err("template")/>
            </div>
            <div class="field">
                <label for="field-theme.font">{text.font}</label>
                <select id="field-theme.font" name="theme.font">
                    {CardFont::ALL.into_iter().map(|font| view! {
                        <option value=font.code() selected={font == theme.font}>{text.font(font)}</option>
                    }).collect_view()}
                </select>
                <FieldErrorText name="theme.font".into() error=err("font")/>
            </div>
            <Input name="theme.primary_color".into() label=text.main_colour.into() kind="color" value=theme.primary_color error=err("primary_color")/>
            <Input name="theme.accent_color".into() label=text.accent_colour.into() kind="color" value=theme.accent_color error=err("accent_color")/>
        </fieldset>
    }
}
