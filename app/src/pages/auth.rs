//! Sign-up and log-in pages (BRIEF R1): plain forms that post to the server, with the refused
//! fields marked next to their inputs, in the language of the issuer's pages.

use leptos::prelude::*;

use crate::i18n::auth_text;
use crate::model::{AuthForm, ConfirmForm, FieldError, Lang, error_for};

#[component]
pub fn SignUpPage(ui: Lang, form: AuthForm) -> impl IntoView {
    let text = auth_text(ui);
    let errors = form.errors.clone();
    view! {
        <main class="auth-page">
            <h1>{text.sign_up_title}</h1>
            <FormError errors=errors.clone()/>
            <form method="post" action="/signup" class="stacked" novalidate>
                <TextField name="email" label=text.email kind="email" value=form.email autocomplete="email" errors=errors.clone()/>
                <TextField name="display_name" label=text.your_name kind="text" value=form.display_name autocomplete="name" errors=errors.clone()/>
                <TextField name="password" label=text.new_password kind="password" value=String::new() autocomplete="new-password" errors=errors/>
                <button type="submit" class="button">{text.sign_up}</button>
            </form>
            <p>{text.have_account}<a href="/login">{text.log_in}</a></p>
        </main>
    }
}

#[component]
pub fn LogInPage(ui: Lang, form: AuthForm) -> impl IntoView {
    let text = auth_text(ui);
    let errors = form.errors.clone();
    view! {
        <main class="auth-page">
            <h1>{text.log_in_title}</h1>
            <FormError errors=errors.clone()/>
            <form method="post" action="/login" class="stacked" novalidate>
                <TextField name="email" label=text.email kind="email" value=form.email autocomplete="email" errors=errors.clone()/>
                <TextField name="password" label=text.password kind="password" value=String::new() autocomplete="current-password" errors=errors/>
                <button type="submit" class="button">{text.log_in}</button>
            </form>
            <p>{text.new_here}<a href="/signup">{text.create_account}</a></p>
        </main>
    }
}

/// What every sign-up sees, whether or not the address had an account: its mailbox says which.
#[component]
pub fn SignUpSentPage(ui: Lang, email: String) -> impl IntoView {
    let text = auth_text(ui);
    let marker = email.clone();
    view! {
        <main class="auth-page">
            <h1>{text.check_email_title}</h1>
            <p data-sign-up-sent=marker>
                {text.sent_before}<strong translate="no">{email}</strong>{text.sent_after}
            </p>
            <p>{text.no_mail}<a href="/signup">{text.sign_up_again}</a>{text.no_mail_after}</p>
        </main>
    }
}

/// Opened from the confirmation mail: the password proves the account is the reader's.
#[component]
pub fn ConfirmPage(ui: Lang, form: ConfirmForm) -> impl IntoView {
    let text = auth_text(ui);
    let errors = form.errors.clone();
    view! {
        <main class="auth-page">
            <h1>{text.confirm_title}</h1>
            <FormError errors=errors.clone()/>
            <form method="post" action="/confirm" class="stacked" novalidate>
                <input type="hidden" name="token" value=form.token/>
                <TextField name="password" label=text.chosen_password kind="password" value=String::new() autocomplete="current-password" errors=errors/>
                <button type="submit" class="button">{text.confirm_and_log_in}</button>
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
