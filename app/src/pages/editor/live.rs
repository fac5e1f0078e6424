//! The browser side of the designer (issue 11), run by the [`super::preview::DesignerLive`]
//! island: it asks the server for the preview as the issuer types (debounced; a late answer to
//! an older request is dropped), keeps the tabs' marks current, and copies between languages in
//! place. It only reads and writes the server-rendered form, so the page works without it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::{TimeoutHandle, set_timeout_with_handle};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, Event, FormData, HtmlFormElement, RequestInit, Response};

use super::languages::status_text;
use crate::i18n::{EditorText, editor_text};
use crate::model::designer::{TEXT_FIELDS, copy_into_empty, field, language_statuses};
use crate::model::{CardContent, CardInput, Lang, LocalizedContent};

/// How long typing must pause before the preview is asked for.
const PAUSE: Duration = Duration::from_millis(250);

struct Designer {
    form: HtmlFormElement,
    preview: Element,
    /// The preview route of this form (`…/preview`).
    action: String,
    text: &'static EditorText,
    /// The number of the latest preview asked for: older answers are dropped.
    latest: Cell<u32>,
    pending: RefCell<Option<TimeoutHandle>>,
}

/// Wires the designer up, if this page has one.
pub fn start(ui: Lang) {
    let document = gloo::utils::document();
    let form = document
        .get_element_by_id("card-form")
        .and_then(|element| element.dyn_into::<HtmlFormElement>().ok());
    let (Some(form), Some(preview)) = (form, document.get_element_by_id("card-preview")) else {
        return;
    };
    let Some(action) = form.get_attribute("data-preview") else {
        return;
    };
    let designer = Rc::new(Designer {
        form,
        preview,
        action,
        text: editor_text(ui),
        latest: Cell::new(0),
        pending: RefCell::new(None),
    });
    let typed = {
        let designer = designer.clone();
        Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            designer.mark_tabs();
            designer.refresh_soon();
        })
    };
    for kind in ["input", "change"] {
        let _ = designer
            .form
            .add_event_listener_with_callback(kind, typed.as_ref().unchecked_ref());
    }
    typed.forget();
    // Buttons that would send the form to the preview route do their work in place instead.
    let clicked = {
        let designer = designer.clone();
        Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            let Some(button) = event
                .target()
                .and_then(|target| target.dyn_into::<Element>().ok())
                .and_then(|element| element.closest("button").ok().flatten())
            else {
                return;
            };
            if let (Some(from), Some(into)) = (
                button.get_attribute("data-copy-from"),
                button.get_attribute("data-copy-into"),
            ) {
                event.prevent_default();
                designer.copy(&from, &into);
                designer.mark_tabs();
                designer.refresh();
            } else if button.class_list().contains("update-preview") {
                event.prevent_default();
                designer.refresh();
            }
        })
    };
    let _ = document.add_event_listener_with_callback("click", clicked.as_ref().unchecked_ref());
    clicked.forget();
}

impl Designer {
    fn data(&self) -> Option<FormData> {
        FormData::new_with_form(&self.form).ok()
    }

    fn value(data: &FormData, name: &str) -> String {
        data.get(name).as_string().unwrap_or_default()
    }

    /// What the form holds now for `lang`.
    fn content(data: &FormData, lang: Lang) -> CardContent {
        let value = |name: &str| Self::value(data, &format!("content.{}.{name}", lang.code()));
        CardContent {
            name: value("name"),
            reading: value("reading"),
            title: value("title"),
            company: value("company"),
            department: value("department"),
            address: value("address"),
            note: value("note"),
        }
    }

    fn mark_tabs(&self) {
        let Some(data) = self.data() else { return };
        let input = CardInput {
            default_lang: Lang::from_code(&Self::value(&data, "default_lang")).unwrap_or(Lang::En),
            contents: Lang::ALL
                .into_iter()
                .map(|lang| LocalizedContent {
                    lang,
                    content: Self::content(&data, lang),
                })
                .collect(),
            ..Default::default()
        };
        for (lang, status) in language_statuses(&input) {
            let selector = format!("label[data-lang=\"{}\"] .tab-status", lang.code());
            if let Ok(Some(mark)) = self.form.query_selector(&selector) {
                mark.set_text_content(Some(&status_text(self.text, status)));
                let _ = mark.set_attribute("data-status", status.code());
            }
        }
    }

    /// Fills `into`'s empty fields from `from`, as the preview route does without script.
    fn copy(&self, from: &str, into: &str) {
        let (Some(from), Some(into), Some(data)) =
            (Lang::from_code(from), Lang::from_code(into), self.data())
        else {
            return;
        };
        let mut target = Self::content(&data, into);
        copy_into_empty(&Self::content(&data, from), &mut target);
        for name in TEXT_FIELDS {
            let selector = format!("[name=\"content.{}.{name}\"]", into.code());
            if let Ok(Some(element)) = self.form.query_selector(&selector) {
                set_value(&element, field(&target, name));
            }
        }
    }

    fn refresh_soon(self: &Rc<Self>) {
        if let Some(pending) = self.pending.borrow_mut().take() {
            pending.clear();
        }
        let designer = self.clone();
        if let Ok(handle) = set_timeout_with_handle(move || designer.refresh(), PAUSE) {
            *self.pending.borrow_mut() = Some(handle);
        }
    }

    fn refresh(self: &Rc<Self>) {
        let Some(data) = self.data() else { return };
        // The images and the video are not sent on every key: the preview shows the stored ones.
        for file in ["photo", "logo", "video", "poster"] {
            data.delete(file);
        }
        let number = self.latest.get().wrapping_add(1);
        self.latest.set(number);
        let designer = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let Ok(html) = fetch_preview(&designer.action, &data).await else {
                return;
            };
            if designer.latest.get() == number {
                designer.preview.set_inner_html(&html);
            }
        });
    }
}

/// `POST {action}?part=preview` with the form: the pane's HTML, rendered (and escaped) by the
/// server with the same components as the page.
async fn fetch_preview(action: &str, data: &FormData) -> Result<String, JsValue> {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(data);
    let url = format!("{action}?part=preview");
    let response: Response =
        JsFuture::from(gloo::utils::window().fetch_with_str_and_init(&url, &init))
            .await?
            .dyn_into()?;
    if !response.ok() {
        return Err(JsValue::from(response.status()));
    }
    Ok(JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default())
}

fn set_value(element: &Element, value: &str) {
    if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(value);
    }
}
