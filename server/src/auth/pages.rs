//! The sign-up, log-in and log-out pages: plain HTML forms that post here.

use app::model::{AuthForm, FieldError, Page};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::service::{self, AuthError, SignUp};
use super::{ClientAddress, MaybeAccount, cookie};
use crate::heavy::HeavyWorkError;
use crate::render;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(sign_up_page).post(sign_up))
        .route("/login", get(log_in_page).post(log_in))
        .route("/logout", post(log_out))
}

#[derive(Deserialize)]
struct SignUpForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct LogInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn sign_up_page(
    State(state): State<AppState>,
    MaybeAccount(account): MaybeAccount,
) -> Response {
    if account.is_some() {
        return Redirect::to("/dashboard").into_response();
    }
    render::page(
        &state,
        StatusCode::OK,
        Page::SignUp {
            form: AuthForm::default(),
        },
    )
    .await
}

async fn sign_up(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,

    Form(form): Form<SignUpForm>,
) -> Response {
    let typed = AuthForm {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        errors: Vec::new(),
    };
    let result = service::sign_up_from(
        &state,
        SignUp {
            email: form.email,
            display_name: form.display_name,
            password: form.password,
        },
        &client.to_string(),
    )
    .await;
    match result {
        Ok(account) => signed_in(&state, account.id).await,
        Err(error) => {
            let (status, errors) = form_errors(error);
            let form = AuthForm { errors, ..typed };
            render::page(&state, status, Page::SignUp { form }).await
        }
    }
}

async fn log_in_page(
    State(state): State<AppState>,
    MaybeAccount(account): MaybeAccount,
) -> Response {
    if account.is_some() {
        return Redirect::to("/dashboard").into_response();
    }
    render::page(
        &state,
        StatusCode::OK,
        Page::LogIn {
            form: AuthForm::default(),
        },
    )
    .await
}

async fn log_in(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,

    Form(form): Form<LogInForm>,
) -> Response {
    match service::log_in(&state, &form.email, &form.password, &client.to_string()).await {
        Ok(account) => signed_in(&state, account.id).await,
        Err(error) => {
            let (status, errors) = form_errors(error);
            let form = AuthForm {
                email: form.email,
                display_name: String::new(),
                errors,
            };
            render::page(&state, status, Page::LogIn { form }).await
        }
    }
}

async fn log_out(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = cookie::token(&headers)
        && let Err(error) = service::end_session(&state.db, &token).await
    {
        return crate::error::ApiError::from(error).into_response();
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie::clear(state.settings.cookies_secure()),
    );
    response
}

/// Starts a session and sends the browser to its dashboard.
async fn signed_in(state: &AppState, account_id: i64) -> Response {
    match service::start_session(&state.db, account_id, state.settings.session_days).await {
        Ok(token) => {
            let mut response = Redirect::to("/dashboard").into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                cookie::set(
                    &token,
                    state.settings.session_days,
                    state.settings.cookies_secure(),
                ),
            );
            response
        }
        Err(error) => crate::error::ApiError::from(error).into_response(),
    }
}

/// What a refused form shows, and with which status.
fn form_errors(error: AuthError) -> (StatusCode, Vec<FieldError>) {
    match error {
        AuthError::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        AuthError::EmailTaken => (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![FieldError::new("email", service::EMAIL_UNAVAILABLE)],
        ),
        AuthError::WrongCredentials => (
            StatusCode::UNAUTHORIZED,
            vec![FieldError::new("form", "Wrong e-mail or password.")],
        ),
        AuthError::Throttled { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            vec![FieldError::new(
                "form",
                format!(
                    "Too many failed log-ins. Try again in {} minutes.",
                    retry_after_secs.div_ceil(60)
                ),
            )],
        ),
        AuthError::SignUpThrottled { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            vec![FieldError::new(
                "form",
                format!(
                    "Too many sign-ups from this address. Try again in {} minutes.",
                    retry_after_secs.div_ceil(60)
                ),
            )],
        ),
        AuthError::Hashing(HeavyWorkError::Busy) => (
            StatusCode::SERVICE_UNAVAILABLE,
            vec![FieldError::new(
                "form",
                "The server is busy. Please try again in a moment.",
            )],
        ),
        AuthError::UnknownAccount(_)
        | AuthError::Database(_)
        | AuthError::Ledger(_)
        | AuthError::Hashing(HeavyWorkError::Panicked) => {
            tracing::error!(%error, "account form failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                vec![FieldError::new(
                    "form",
                    "Something went wrong on our side. Please try again.",
                )],
            )
        }
    }
}
