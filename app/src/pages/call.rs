//! The call window `/c/{slug}/call` (BRIEF R7). Calling itself arrives with the media bridge;
//! until then the window says so plainly instead of pretending to dial.

use leptos::prelude::*;

use crate::i18n;
use crate::model::{CardView, Lang};

#[component]
pub fn CallPage(card: CardView, lang: Lang) -> impl IntoView {
    let text = i18n::text(lang);
    let content = card.content(lang).clone();
    let numbers = [&card.contacts.office_phone, &card.contacts.mobile]
        .into_iter()
        .filter(|number| !number.is_empty())
        .map(|number| {
            let href = format!("tel:{}", super::card::dialable(number));
            view! { <li><a href=href>{number.clone()}</a></li> }
        })
        .collect_view();
    view! {
        <main class="call-page" lang=lang.code()>
            <h1>{text.call}" — "{content.name}</h1>
            <p role="status" class="notice">{text.call_coming}</p>
            <p>{text.call_meanwhile}</p>
            <ul class="call-numbers">{numbers}</ul>
            <p><a href=format!("/c/{}?lang={}", card.slug, lang.code())>{text.back_to_card}</a></p>
        </main>
    }
}
