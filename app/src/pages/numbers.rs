//! The issuer's phone numbers (issue 8): a card rings a landline or mobile only once it is
//! verified. Server-rendered forms; the verification page reloads itself every two seconds
//! while its call runs (a `<meta http-equiv="refresh">` the shell writes), so it works without
//! JavaScript and without inline script, under the CSP.

use leptos::prelude::*;

use crate::model::{NumbersView, VerificationView};

const LANGUAGES: [(&str, &str); 4] = [
    ("ko", "한국어"),
    ("en", "English"),
    ("ja", "日本語"),
    ("zh", "中文"),
];

#[component]
pub fn NumbersPage(numbers: NumbersView) -> impl IntoView {
    let NumbersView {
        verified,
        number,
        lang,
        error,
        can_verify,
    } = numbers;
    let list = if verified.is_empty() {
        view! { <p>"No number is verified yet."</p> }.into_any()
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
                <label for="verify-number">"Phone number"</label>
                <input id="verify-number" name="number" inputmode="tel" autocomplete="tel" required value=number/>
                <label for="verify-lang">"Language of the call"</label>
                <select id="verify-lang" name="lang">
                    {LANGUAGES
                        .into_iter()
                        .map(|(code, name)| {
                            view! { <option value=code selected=lang == code>{name}</option> }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="button">"Call me with a code"</button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <p>"This installation has no telephone trunk, so cards ring only in your browser."</p>
        }
        .into_any()
    };
    view! {
        <main class="numbers-page">
            <header class="dashboard-header">
                <h1>"Your phone numbers"</h1>
                <p><a href="/dashboard">"Back to your cards"</a></p>
            </header>
            <p>
                "A card rings a landline or mobile only once you have shown it is yours: we call it, and you type on its keypad the code we show here."
            </p>
            <h2>"Verified"</h2>
            {list}
            <h2>"Verify a number"</h2>
            {error.map(|error| view! { <p class="error" role="alert">{error}</p> })}
            {form}
        </main>
    }
}

#[component]
pub fn VerificationPage(verification: VerificationView) -> impl IntoView {
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
                "Your code: " <strong data-testid="verification-code">{code}</strong>
            </p>
        }
    });
    let next = (!running).then(|| {
        if verified {
            view! { <p><a href="/dashboard">"Back to your cards"</a></p> }.into_any()
        } else {
            view! { <p><a href="/dashboard/numbers">"Try again"</a></p> }.into_any()
        }
    });
    view! {
        <main class="numbers-page">
            <header class="dashboard-header">
                <h1>{format!("Verifying {number}")}</h1>
            </header>
            {code}
            <p role="status" data-testid="verification-state">{message}</p>
            {next}
        </main>
    }
}
