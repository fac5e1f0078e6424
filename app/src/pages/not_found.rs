//! The 404 page, for unknown paths and for cards that do not exist or are unpublished.

use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <main class="not-found-page">
            <h1>"Page not found"</h1>
            <p>"There is no card or page at this address. It may have been unpublished or deleted."</p>
            <p><a href="/">"Go to the home page"</a></p>
        </main>
    }
}
