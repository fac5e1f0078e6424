//! The card editor (BRIEF R2, content part): one form with every language, the contact
//! channels, links, theme and images. The full designer with live preview comes later.

use leptos::prelude::*;

use super::text_area::TextArea;
use crate::model::{
    CallSettings, CardContent, EditorForm, FieldError, Lang, Template, Weekday, error_for,
};

/// How many empty link rows the form offers beyond the card's own links.
const SPARE_LINK_ROWS: usize = 2;

#[component]
pub fn EditorPage(form: EditorForm) -> impl IntoView {
    let EditorForm {
        existing_slug,
        input,
        photo_url,
        logo_url,
        errors,
    } = form;
    let (title, action) = match &existing_slug {
        Some(slug) => ("Edit card".to_string(), format!("/dashboard/cards/{slug}")),
        None => ("New card".to_string(), "/dashboard/cards".to_string()),
    };
    let err = |field: &str| error_for(&errors, field).map(str::to_string);
    let slug_field = match existing_slug.clone() {
        Some(slug) => view! {
            <p class="field">"Public address: "<a href=format!("/c/{slug}")>{format!("/c/{slug}")}</a></p>
            <Input name="slug".into()
                label="Move it to /c/… (the old address and its QR codes keep leading here)".into()
                value=input.slug.clone().unwrap_or(slug) error=err("slug")/>
        }
        .into_any(),
        None => view! {
            <Input name="slug".into() label="Public address /c/… (optional: letters, digits, dashes)".into()
                value=input.slug.clone().unwrap_or_default() error=err("slug")/>
        }
        .into_any(),
    };
    let languages = Lang::ALL
        .into_iter()
        .map(|lang| {
            let content = input
                .contents
                .iter()
                .find(|c| c.lang == lang)
                .map(|c| c.content.clone())
                .unwrap_or_default();
            view! { <LanguageFieldset lang content errors=errors.clone()/> }
        })
        .collect_view();
    let mut links = input.links.clone();
    links.extend(std::iter::repeat_with(Default::default).take(SPARE_LINK_ROWS));
    let link_rows = links
        .into_iter()
        .enumerate()
        .map(|(index, link)| {
            view! {
                <div class="link-row">
                    <Input name=format!("links.{index}.label") label=format!("Link {} label", index + 1) value=link.label error=err(&format!("links.{index}.label"))/>
                    <Input name=format!("links.{index}.url") label=format!("Link {} URL", index + 1) value=link.url error=err(&format!("links.{index}.url"))/>
                </div>
            }
        })
        .collect_view();
    let contacts = input.contacts.clone();
    let theme = input.theme.clone();
    view! {
        <main class="editor-page">
            <h1>{title}</h1>
            {(!errors.is_empty()).then(|| view! {
                <p class="form-error" role="alert">"Some fields need attention: see the messages below."</p>
            })}
            <form method="post" action=action enctype="multipart/form-data" class="stacked" novalidate>
                {slug_field}
                <div class="field">
                    <label for="field-default_lang">"Language shown first"</label>
                    <select id="field-default_lang" name="default_lang">
                        {Lang::ALL.into_iter().map(|lang| view! {
                            <option value=lang.code() selected={lang == input.default_lang}>{lang.native_name()}</option>
                        }).collect_view()}
                    </select>
                    <FieldErrorText name="default_lang".into() error=err("default_lang")/>
                </div>
                <div class="field checkbox">
                    <input id="field-published" type="checkbox" name="published" value="true" checked=input.published/>
                    <label for="field-published">"Published (anyone with the link can see it)"</label>
                </div>
                <FieldErrorText name="contents".into() error=err("contents")/>
                {languages}
                <fieldset>
                    <legend>"Contact"</legend>
                    <Input name="contacts.office_phone".into() label="Office phone".into() kind="tel" value=contacts.office_phone error=err("contacts.office_phone")/>
                    <Input name="contacts.mobile".into() label="Mobile".into() kind="tel" value=contacts.mobile error=err("contacts.mobile")/>
                    <Input name="contacts.fax".into() label="Fax".into() kind="tel" value=contacts.fax error=err("contacts.fax")/>
                    <Input name="contacts.email".into() label="E-mail".into() kind="email" value=contacts.email error=err("contacts.email")/>
                    <Input name="contacts.homepage".into() label="Homepage".into() kind="url" value=contacts.homepage error=err("contacts.homepage")/>
                </fieldset>
                <fieldset>
                    <legend>"Links"</legend>
                    {link_rows}
                </fieldset>
                <fieldset>
                    <legend>"Design"</legend>
                    <div class="field">
                        <label for="field-template">"Template"</label>
                        <select id="field-template" name="theme.template">
                            {Template::ALL.into_iter().map(|template| view! {
                                <option value=template.code() selected={template == theme.template}>{template.code()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <Input name="theme.primary_color".into() label="Main colour".into() kind="color" value=theme.primary_color error=err("theme.primary_color")/>
                    <Input name="theme.accent_color".into() label="Accent colour".into() kind="color" value=theme.accent_color error=err("theme.accent_color")/>
                </fieldset>
                <CallFieldset call=input.call.clone().unwrap_or_default() errors=errors.clone()/>
                <fieldset>
                    <legend>"Images (JPEG or PNG, up to 5 MB)"</legend>
                    <ImageField name="photo" label="Photo" current=photo_url error=err("photo")/>
                    <ImageField name="logo" label="Company logo" current=logo_url error=err("logo")/>
                </fieldset>
                <button type="submit" class="button">"Save card"</button>
                " "
                <a href="/dashboard">"Cancel"</a>
            </form>
        </main>
    }
}

/// Who may call, when, and where it rings (private: never shown on the public card).
#[component]
fn CallFieldset(call: CallSettings, errors: Vec<FieldError>) -> impl IntoView {
    let err = |name: &str| error_for(&errors, &format!("call.{name}")).map(str::to_string);
    let days = Weekday::ALL
        .into_iter()
        .map(|day| {
            // The label wraps its checkbox, which ties them together without ids.
            view! {
                <label class="checkbox">
                    <input type="checkbox" name=format!("call.day.{}", day.code()) value="true"
                        checked=call.available_days.contains(&day)/>
                    {day_name(day)}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="call-settings">
            <legend>"Calls (private)"</legend>
            <Input name="call.call_quota".into() label="Calls this card may still receive".into() kind="number" value=call.call_quota.to_string() error=err("call_quota")/>
            <Input name="call.max_call_minutes".into() label="Longest call, in minutes".into() kind="number" value=call.max_call_minutes.to_string() error=err("max_call_minutes")/>
            <Input name="call.daily_cap".into() label="Most this card's calls may spend in a day (empty: no cap of its own; the day starts at midnight in the time zone below)".into() kind="number" value=call.daily_cap.map(|cap| cap.to_string()).unwrap_or_default() error=err("daily_cap")/>
            <Input name="call.time_zone".into() label="Time zone (e.g. Asia/Seoul)".into() value=call.time_zone error=err("time_zone")/>
            <Input name="call.available_from".into() label="Available from".into() kind="time" value=call.available_from error=err("available_from")/>
            <Input name="call.available_until".into() label="Available until (24:00 for midnight)".into() value=call.available_until error=err("available_until")/>
            <fieldset class="days">
                <legend>"Days"</legend>
                {days}
                <FieldErrorText name="call.available_days".into() error=err("available_days")/>
            </fieldset>
            <Input name="call.allowed_regions".into() label="Callers from (region codes, e.g. KR, JP)".into() value=call.allowed_regions.join(", ") error=err("allowed_regions")/>
            <Input name="call.landline".into() label="Ring my landline".into() kind="tel" value=call.landline error=err("landline")/>
            <Input name="call.mobile".into() label="Ring my mobile".into() kind="tel" value=call.mobile error=err("mobile")/>
            <p class="hint">
                "A card rings only numbers you have verified: "
                <a href="/dashboard/numbers">"verify a number"</a>
            </p>
            <div class="field checkbox">
                <input id="field-call.internet_phone" type="checkbox" name="call.internet_phone" value="true" checked=call.internet_phone/>
                <label for="field-call.internet_phone">"Ring my browser (internet phone)"</label>
            </div>
            <FieldErrorText name="call.internet_phone".into() error=err("internet_phone")/>
        </fieldset>
    }
}

fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[component]
fn LanguageFieldset(lang: Lang, content: CardContent, errors: Vec<FieldError>) -> impl IntoView {
    let code = lang.code();
    let field = |name: &str| format!("content.{code}.{name}");
    let err = |name: &str| error_for(&errors, &field(name)).map(str::to_string);
    view! {
        <fieldset class="language" lang=code>
            <legend>{lang.native_name()}" ("{code}")"</legend>
            <Input name=field("name") label="Name".into() value=content.name error=err("name")/>
            <Input name=field("title") label="Title".into() value=content.title error=err("title")/>
            <Input name=field("company") label="Company".into() value=content.company error=err("company")/>
            <Input name=field("department") label="Department".into() value=content.department error=err("department")/>
            <Input name=field("address") label="Address".into() value=content.address error=err("address")/>
            <div class="field">
                <label for=format!("field-{}", field("note"))>"Note"</label>
                <TextArea id=format!("field-{}", field("note")) name=field("note") rows=3 text=content.note/>
                <FieldErrorText name=field("note") error=err("note")/>
            </div>
        </fieldset>
    }
}

#[component]
fn Input(
    name: String,
    label: String,
    #[prop(default = "text")] kind: &'static str,
    value: String,
    error: Option<String>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let invalid = error.is_some();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id.clone() name=name.clone() type=kind value=value
                aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then(|| format!("{id}-error"))/>
            <FieldErrorText name error/>
        </div>
    }
}

#[component]
fn FieldErrorText(name: String, error: Option<String>) -> impl IntoView {
    error.map(|message| {
        view! { <p class="field-error" id=format!("field-{name}-error") data-field-error=name>{message}</p> }
    })
}

#[component]
fn ImageField(
    name: &'static str,
    label: &'static str,
    current: Option<String>,
    error: Option<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=format!("field-{name}")>{label}</label>
            {current.map(|src| view! {
                <img class="thumbnail" src=src alt=format!("Current {}", label.to_lowercase()) height="64"/>
                <label class="checkbox"><input type="checkbox" name=format!("remove_{name}") value="true"/>" Remove"</label>
            })}
            <input id=format!("field-{name}") type="file" name=name accept="image/png,image/jpeg"/>
            <FieldErrorText name=name.to_string() error/>
        </div>
    }
}
