//! callcard's pages, as Leptos components rendered on the server and hydrated in the browser.
//!
//! The server decides which page a request gets and loads its data into a [`model::Page`], then
//! renders it here. Leptos' islands mode hydrates only the interactive parts (`#[island]`
//! components, whose props travel in the HTML); the rest stays server-rendered HTML, so the
//! browser bundle carries only the code of the islands. There is no client-side routing: links
//! are ordinary navigations and forms are ordinary posts, so every page works before (and
//! without) the WebAssembly.
#![forbid(unsafe_code)]
// Deeply nested view types (the card page) exceed the default when the compiler lays them out.
#![recursion_limit = "256"]

pub mod i18n;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod shell;

use leptos::prelude::*;
use model::Page;

/// The root component: picks the page component for the server's [`Page`]; the issuer's pages
/// speak the server's [`i18n::UiLang`], with the switcher to change it.
#[component]
pub fn App() -> impl IntoView {
    let page = expect_context::<Page>();
    let ui = expect_context::<i18n::UiLang>().0;
    let switcher = page
        .is_issuers()
        .then(|| view! { <pages::LanguageSwitcher ui/> });
    let page = match page {
        Page::Home { account, demo_slug } => {
            view! { <pages::home::HomePage ui account demo_slug/> }.into_any()
        }
        Page::Card {
            card,
            lang,
            embedded,
        } => view! { <pages::card::CardPage card lang embedded/> }.into_any(),
        Page::Call {
            card,
            lang,
            callback,
            embedded,
        } => view! { <pages::call::CallPage card lang callback embedded/> }.into_any(),
        Page::CallbackStatus { status } => {
            view! { <pages::call::callback::CallbackStatusPage status/> }.into_any()
        }
        Page::SignUp { form } => view! { <pages::auth::SignUpPage ui form/> }.into_any(),
        Page::LogIn { form } => view! { <pages::auth::LogInPage ui form/> }.into_any(),
        Page::SignUpSent { email } => view! { <pages::auth::SignUpSentPage ui email/> }.into_any(),
        Page::Confirm { form } => view! { <pages::auth::ConfirmPage ui form/> }.into_any(),
        Page::Dashboard { dashboard } => {
            view! { <pages::dashboard::DashboardPage ui dashboard/> }.into_any()
        }
        Page::Editor { form } => view! { <pages::editor::EditorPage ui form=*form/> }.into_any(),
        Page::Statement { guild, time_zone } => {
            view! { <pages::dashboard::StatementPage ui guild time_zone/> }.into_any()
        }
        Page::CallRecords { records } => {
            view! { <pages::calls::CallRecordsPage ui records/> }.into_any()
        }
        Page::Numbers { numbers } => view! { <pages::numbers::NumbersPage ui numbers/> }.into_any(),
        Page::Verification { verification } => {
            view! { <pages::numbers::VerificationPage ui verification/> }.into_any()
        }
        Page::EmbedPanel { panel } => view! { <pages::embed::EmbedPanelPage ui panel/> }.into_any(),
        Page::CardUsage { usage } => view! { <pages::usage::UsagePage ui usage/> }.into_any(),
        Page::NotFound => view! { <pages::not_found::NotFoundPage ui/> }.into_any(),
    };
    view! { {switcher} {page} }
}

/// The browser's entry point, called by the script that `HydrationScripts` writes.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Pages without islands are done now; islands mark the page themselves once live.
    let has_islands = gloo::utils::document()
        .query_selector("leptos-island")
        .ok()
        .flatten()
        .is_some();
    if !has_islands {
        mark_hydrated();
    }
}

/// Sets `data-hydrated` on `<body>` so tests (and styles) can tell a live page from a
/// server-rendered one.
pub(crate) fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    let _ = gloo::utils::body().set_attribute("data-hydrated", "true");
}
