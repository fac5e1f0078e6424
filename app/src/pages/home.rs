//! The front page: what callcard is, and the way in.

use leptos::prelude::*;

use crate::model::AccountView;

#[component]
pub fn HomePage(account: Option<AccountView>, demo_slug: Option<String>) -> impl IntoView {
    let entry = match account {
        Some(account) => view! {
            <p>"Signed in as "{account.display_name}". "<a href="/dashboard">"Your cards"</a></p>
        }
        .into_any(),
        None => view! {
            <p class="entry">
                <a class="button" href="/signup">"Sign up"</a>
                " "
                <a class="button secondary" href="/login">"Log in"</a>
            </p>
        }
        .into_any(),
    };
    view! {
        <main class="home-page">
            <h1>"callcard"</h1>
            <p class="lead">
                "Online business cards that anyone can call for free, with nothing to install. "
                "You design the card, share it by link or QR code, and pay for the calls."
            </p>
            {entry}
            {demo_slug.map(|slug| view! {
                <p><a href=format!("/c/{slug}")>"See a sample card"</a></p>
            })}
        </main>
    }
}
