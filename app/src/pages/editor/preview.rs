//! The designer's preview (issue 11): the card as callers will see it, in the language being
//! edited. The server renders it with the page, and again for `POST …/preview` (the whole page
//! without script; only this pane, `?part=preview`, for the [`DesignerLive`] island, which asks
//! for it as the issuer types).

use leptos::prelude::*;

use crate::i18n::EditorText;
use crate::model::{CardView, Lang};
use crate::pages::card::CardPreview;

/// What the preview pane holds: the card, or a word on why there is none yet.
#[component]
pub fn PreviewPane(text: &'static EditorText, card: Option<CardView>, lang: Lang) -> impl IntoView {
    match card {
        None => view! { <p class="preview-empty">{text.preview_empty}</p> }.into_any(),
        Some(card) => {
            let shown = card.resolve_lang(Some(lang));
            let note = (shown != lang).then(|| {
                let (before, after) = text.preview_falls_back();
                view! {
                    <p class="preview-note">
                        {before}<span lang=shown.code() translate="no">{shown.native_name()}</span>{after}
                    </p>
                }
            });
            let weak = crate::model::designer::weak_main_colour(&card.theme).map(|ratio| {
                view! { <p class="contrast-warning" role="status">{text.contrast_warning(ratio)}</p> }
            });
            // The card speaks its own language, whatever the designer's is.
            view! { {weak} {note} <div translate="no"><CardPreview card lang=shown/></div> }
                .into_any()
        }
    }
}

/// The preview pane and its controls: phone or desktop width (CSS alone), and a button that
/// sends the form to the preview route, which is all there is without script.
#[component]
pub fn PreviewAside(
    text: &'static EditorText,
    ui: Lang,
    card: Option<CardView>,
    lang: Lang,
    preview_action: String,
) -> impl IntoView {
    view! {
        <aside class="designer-preview" aria-labelledby="preview-heading">
            <div class="preview-bar">
                <h2 id="preview-heading">{text.preview}</h2>
                <div class="preview-widths" role="group" aria-label=text.preview>
                    <input type="radio" name="preview_width" id="preview-phone" value="phone" checked/>
                    <label for="preview-phone">{text.phone_width}</label>
                    <input type="radio" name="preview_width" id="preview-desktop" value="desktop"/>
                    <label for="preview-desktop">{text.desktop_width}</label>
                </div>
                <button type="submit" form="card-form" class="button secondary small update-preview"
                    formaction=preview_action formnovalidate>
                    {text.update_preview}
                </button>
            </div>
            <p class="hint">{text.preview_hint}</p>
            <div class="preview-frame" id="card-preview" inert>
                <PreviewPane text card lang/>
            </div>
            <DesignerLive ui/>
        </aside>
    }
}

/// Keeps the preview and the tabs' marks in step with the form as the issuer types, and copies
/// between languages in place. An island in the app bundle; without it the page still works
/// through the preview route.
#[cfg_attr(any(feature = "ssr", feature = "call-islands"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "call-islands")), component)]
pub fn DesignerLive(ui: Lang) -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        super::live::start(ui);
        #[cfg(feature = "hydrate")]
        super::poster::start();
        #[cfg(not(feature = "hydrate"))]
        let _ = ui;
        crate::mark_hydrated();
    });
}
