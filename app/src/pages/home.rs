//! The front page: what callcard is, and the way in.

use leptos::prelude::*;

use crate::i18n::site_text;
use crate::model::{AccountView, Lang};

#[component]
pub fn HomePage(
    ui: Lang,
    account: Option<AccountView>,
    demo_slug: Option<String>,
) -> impl IntoView {
    let text = site_text(ui);
    let entry = match account {
        Some(account) => view! {
            <p>
                {text.signed_in_as(&account.display_name)}
                <a href="/dashboard">{text.your_cards}</a>
            </p>
        }
        .into_any(),
        None => view! {
            <p class="entry">
                <a class="button" href="/signup">{text.sign_up}</a>
                " "
                <a class="button secondary" href="/login">{text.log_in}</a>
            </p>
        }
        .into_any(),
    };
    view! {
        <main class="home-page">
            <h1 translate="no">"callcard"</h1>
            <p class="lead">{text.home_lead}{text.home_lead_more}</p>
            {entry}
            {demo_slug.map(|slug| view! {
                <p><a href=format!("/c/{slug}")>{text.sample_card}</a></p>
            })}
        </main>
    }
}
