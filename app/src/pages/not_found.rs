//! The 404 page, for unknown paths and for cards that do not exist or are unpublished.

use leptos::prelude::*;

use crate::i18n::site_text;
use crate::model::Lang;

#[component]
pub fn NotFoundPage(ui: Lang) -> impl IntoView {
    let text = site_text(ui);
    view! {
        <main class="not-found-page">
            <h1>{text.not_found_title}</h1>
            <p>{text.not_found_body}</p>
            <p><a href="/">{text.go_home}</a></p>
        </main>
    }
}
