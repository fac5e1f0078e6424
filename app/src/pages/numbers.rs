//! The issuer's phone numbers (issue 8): a card rings a landline or mobile only once it is
//! verified. Server-rendered forms; the verification page reloads itself every two seconds
//! while its call runs (a `<meta http-equiv="refresh">` the shell writes), so it works without
//! JavaScript and without inline script, under the CSP.

use leptos::prelude::*;

use crate::i18n::{own_name, phone_numbers_text};
use crate::model::{Lang, NumbersView, VerificationView};

#[component]
pub fn NumbersPage(ui: Lang, numbers: NumbersView) -> impl IntoView {
    let text = phone_numbers_text(ui);
    let NumbersView {
        verified,
        number,
        lang,
        error,
        can_verify,
    } = numbers;
    let list = if verified.is_empty() {
        view! { <p>{text.none_verified}</p> }.into_any()
    } else {
        view! {
            <ul class="verified-numbers">
                {verified.into_iter().map(|number| view! { <li>{number}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let form = if can_verify {
        view! {
            <form method="post" action="/dashboard/numbers/verify" class="stacked" novalidate>
                <label for="verify-number">{text.phone_number}</label>
                <input id="verify-number" name="number" inputmode="tel" autocomplete="tel" required value=number/>
                <label for="verify-lang">{text.call_language}</label>
                // Each language named in itself, as in the switcher.
                <select id="verify-lang" name="lang" translate="no">
                    {Lang::ALL
                        .into_iter()
                        .map(|option| {
                            view! { <option value=option.code() selected=lang == option.code()>{own_name(option)}</option> }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="button">{text.call_me}</button>
            </form>
        }
        .into_any()
    } else {
        view! { <p>{text.no_trunk}</p> }.into_any()
    };
    view! {
        <main class="numbers-page">
            <header class="dashboard-header">
                <h1>{text.title}</h1>
                <p><a href="/dashboard">{text.back}</a></p>
            </header>
            <p>{text.why}</p>
            <h2>{text.verified}</h2>
            {list}
            <h2>{text.verify_heading}</h2>
            {error.map(|error| view! { <p class="error" role="alert">{error}</p> })}
            {form}
        </main>
    }
}

#[component]
pub fn VerificationPage(ui: Lang, verification: VerificationView) -> impl IntoView {
    let text = phone_numbers_text(ui);
    let VerificationView {
        number,
        running,
        verified,
        code,
        message,
        ..
    } = verification;
    let code = code.map(|code| {
        view! {
            <p class="verification-code">
                {text.your_code}<strong data-testid="verification-code">{code}</strong>
            </p>
        }
    });
    let next = (!running).then(|| {
        if verified {
            view! { <p><a href="/dashboard">{text.back}</a></p> }.into_any()
        } else {
            view! { <p><a href="/dashboard/numbers">{text.try_again}</a></p> }.into_any()
        }
    });
    view! {
        <main class="numbers-page">
            <header class="dashboard-header">
                <h1>{text.verifying(&number)}</h1>
            </header>
            {code}
            <p role="status" data-testid="verification-state">{message}</p>
            {next}
        </main>
    }
}
