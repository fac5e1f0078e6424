//! One tab per card language (issue 11), each marked complete or not, with "copy from another
//! language". The tabs are radio buttons (`editing_lang`) whose checked one shows its panel by
//! CSS alone, so they work before (and without) any script, and the open tab travels with the
//! form: a refused save or a preview comes back on the same tab.

use leptos::prelude::*;

use super::fields::{FieldErrorText, Input};
use crate::i18n::EditorText;
use crate::model::designer::{LanguageStatus, language_statuses};
use crate::model::{CardContent, CardInput, FieldError, Lang, error_for};
use crate::pages::text_area::TextArea;

/// What a tab says of its language.
pub fn status_text(text: &EditorText, status: LanguageStatus) -> String {
    match status {
        LanguageStatus::NotOnCard => text.not_on_card.to_string(),
        LanguageStatus::Complete => text.complete.to_string(),
        LanguageStatus::Missing(count) => text.missing(count),
    }
}

#[component]
pub fn LanguageTabs(
    text: &'static EditorText,
    input: CardInput,
    editing: Lang,
    errors: Vec<FieldError>,
    /// Where the copy buttons send the form when no script runs (the preview route).
    preview_action: String,
) -> impl IntoView {
    let tabs = language_statuses(&input)
        .into_iter()
        .map(|(lang, status)| {
            let code = lang.code();
            let has_error = errors
                .iter()
                .any(|error| error.field.starts_with(&format!("content.{code}.")));
            view! {
                <input type="radio" class="tab-radio" name="editing_lang" value=code
                    id=format!("tab-{code}") checked=lang == editing/>
                <label for=format!("tab-{code}") class="tab" data-lang=code>
                    <span class="tab-name" lang=code translate="no">{lang.native_name()}</span>
                    <span class="tab-status" data-status=status.code()>{status_text(text, status)}</span>
                    {has_error.then(|| view! { <span class="tab-error" aria-hidden="true">"!"</span> })}
                </label>
                <LanguagePanel text lang content=input.content(lang) errors=errors.clone()
                    preview_action=preview_action.clone()/>
            }
        })
        .collect_view();
    view! {
        <fieldset class="texts">
            <legend>{text.texts}</legend>
            <FieldErrorText name="contents".into() error=error_for(&errors, "contents").map(str::to_string)/>
            <div class="language-tabs">{tabs}</div>
        </fieldset>
    }
}

#[component]
fn LanguagePanel(
    text: &'static EditorText,
    lang: Lang,
    content: CardContent,
    errors: Vec<FieldError>,
    preview_action: String,
) -> impl IntoView {
    let code = lang.code();
    let field = |name: &str| format!("content.{code}.{name}");
    let err = |name: &str| error_for(&errors, &field(name)).map(str::to_string);
    let copy_buttons = Lang::ALL
        .into_iter()
        .filter(|source| *source != lang)
        .map(|source| {
            view! {
                <button type="submit" class="button secondary small" formaction=preview_action.clone()
                    formnovalidate name="copy" value=format!("{}:{code}", source.code())
                    data-copy-from=source.code() data-copy-into=code>
                    {text.copy_from().0}
                    <span lang=source.code() translate="no">{source.native_name()}</span>
                    {text.copy_from().1}
                </button>
            }
        })
        .collect_view();
    view! {
        <fieldset class="language tab-panel" lang=code data-lang=code>
            <legend class="visually-hidden" lang=code translate="no">{lang.native_name()}</legend>
            <Input name=field("name") label=text.name.into() value=content.name error=err("name")/>
            <Input name=field("reading") label=text.reading.into() value=content.reading error=err("reading")/>
            <Input name=field("title") label=text.title.into() value=content.title error=err("title")/>
            <Input name=field("company") label=text.company.into() value=content.company error=err("company")/>
            <Input name=field("department") label=text.department.into() value=content.department error=err("department")/>
            <Input name=field("address") label=text.address.into() value=content.address error=err("address")/>
            <div class="field">
                <label for=format!("field-{}", field("note"))>{text.note}</label>
                <TextArea id=format!("field-{}", field("note")) name=field("note") rows=3 text=content.note/>
                <FieldErrorText name=field("note") error=err("note")/>
            </div>
            <div class="copy-from">
                {copy_buttons}
                <p class="hint">{text.copy_hint}</p>
            </div>
        </fieldset>
    }
}
