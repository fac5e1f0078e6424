//! Sign-up and log-in pages (BRIEF R1): plain forms that post to the server, with the refused
//! fields marked next to their inputs.

use leptos::prelude::*;

use crate::model::{AuthForm, ConfirmForm, FieldError, error_for};

#[component]
pub fn SignUpPage(form: AuthForm) -> impl IntoView {
    let errors = form.errors.clone();
    view! {
        <main class="auth-page">
            <h1>"Create your callcard account"</h1>
            <FormError errors=errors.clone()/>
            <form method="post" action="/signup" class="stacked" novalidate>
                <TextField name="email" label="E-mail" kind="email" value=form.email autocomplete="email" errors=errors.clone()/>
                <TextField name="display_name" label="Your name" kind="text" value=form.display_name autocomplete="name" errors=errors.clone()/>
                <TextField name="password" label="Password (at least 10 characters)" kind="password" value=String::new() autocomplete="new-password" errors=errors/>
                <button type="submit" class="button">"Sign up"</button>
            </form>
            <p>"Already have an account? "<a href="/login">"Log in"</a></p>
        </main>
    }
}

#[component]
pub fn LogInPage(form: AuthForm) -> impl IntoView {
    let errors = form.errors.clone();
    view! {
        <main class="auth-page">
            <h1>"Log in to callcard"</h1>
            <FormError errors=errors.clone()/>
            <form method="post" action="/login" class="stacked" novalidate>
                <TextField name="email" label="E-mail" kind="email" value=form.email autocomplete="email" errors=errors.clone()/>
                <TextField name="password" label="Password" kind="password" value=String::new() autocomplete="current-password" errors=errors/>
                <button type="submit" class="button">"Log in"</button>
            </form>
            <p>"New here? "<a href="/signup">"Create an account"</a></p>
        </main>
    }
}

/// What every sign-up sees, whether or not the address had an account: its mailbox says which.
#[component]
pub fn SignUpSentPage(email: String) -> impl IntoView {
    let marker = email.clone();
    view! {
        <main class="auth-page">
            <h1>"Check your e-mail"</h1>
            <p data-sign-up-sent=marker>
                "We sent a mail to "<strong>{email}</strong>". Open the link in it to confirm the \
                 address; your account and its starting balance are ready once you do."
            </p>
            <p>"No mail after a few minutes? Look in the spam folder, or "
                <a href="/signup">"sign up again"</a>" for a new link."</p>
        </main>
    }
}

/// Opened from the confirmation mail: the password proves the account is the reader's.
#[component]
pub fn ConfirmPage(form: ConfirmForm) -> impl IntoView {
    let errors = form.errors.clone();
    view! {
        <main class="auth-page">
            <h1>"Confirm your e-mail"</h1>
            <FormError errors=errors.clone()/>
            <form method="post" action="/confirm" class="stacked" novalidate>
                <input type="hidden" name="token" value=form.token/>
                <TextField name="password" label="The password you chose" kind="password" value=String::new() autocomplete="current-password" errors=errors/>
                <button type="submit" class="button">"Confirm and log in"</button>
            </form>
        </main>
    }
}

/// A labelled input with its error (if refused) tied to it for screen readers.
#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    value: String,
    #[prop(optional)] autocomplete: &'static str,
    errors: Vec<FieldError>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let error = error_for(&errors, name).map(str::to_string);
    let invalid = error.is_some();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then(|| error_id.clone())
            />
            {error.map(|message| view! {
                <p class="field-error" id=error_id data-field-error=name>{message}</p>
            })}
        </div>
    }
}

/// Errors that belong to no single field (e.g. "wrong e-mail or password").
#[component]
pub fn FormError(errors: Vec<FieldError>) -> impl IntoView {
    error_for(&errors, "form").map(|message| {
        view! { <p class="form-error" role="alert" data-field-error="form">{message.to_string()}</p> }
    })
}
