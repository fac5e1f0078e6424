//! The sign-up, confirmation, log-in and log-out pages: plain HTML forms that post here.

use app::model::{AuthForm, ConfirmForm, FieldError, Page};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::entity::account;
use super::service::{self, AuthError, SignUp};
use super::sign_up;
use super::{ClientAddress, MaybeAccount, cookie};
use crate::heavy::HeavyWorkError;
use crate::render;
use crate::startup::AppState;
use sea_orm::EntityTrait;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(sign_up_page).post(sign_up))
        .route("/confirm", post(confirm))
        .route("/confirm/{token}", get(confirm_page))
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
struct ConfirmFormBody {
    #[serde(default)]
    token: String,
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
    let result = sign_up::sign_up_from(
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
        Ok(received) => {
            render::page(
                &state,
                StatusCode::ACCEPTED,
                Page::SignUpSent {
                    email: received.email,
                },
            )
            .await
        }
        Err(error) => {
            let (status, errors) = form_errors(error);
            let form = AuthForm { errors, ..typed };
            render::page(&state, status, Page::SignUp { form }).await
        }
    }
}

/// The page a confirmation mail links to. It only shows a form: mail scanners that open
/// links must not confirm anything, so the confirmation is the form's POST.
async fn confirm_page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    render::page(
        &state,
        StatusCode::OK,
        Page::Confirm {
            form: ConfirmForm {
                token: echoed(token),
                errors: Vec::new(),
            },
        },
    )
    .await
}

async fn confirm(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,

    Form(form): Form<ConfirmFormBody>,
) -> Response {
    match sign_up::confirm(&state, &form.token, &form.password, &client.to_string()).await {
        Ok(account) => signed_in(&state, account.id).await,
        Err(error) => {
            let (status, errors) = form_errors(error);
            let form = ConfirmForm {
                token: echoed(form.token),
                errors,
            };
            render::page(&state, status, Page::Confirm { form }).await
        }
    }
}

/// What of a link's token goes back into the page: only one that could be ours.
fn echoed(token: String) -> String {
    if super::confirmation::is_well_formed(&token) {
        token
    } else {
        String::new()
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

/// Starts a session and sends the browser to its dashboard, in the language the account chose
/// for its pages if it chose one.
async fn signed_in(state: &AppState, account_id: i64) -> Response {
    let chosen = match account::Entity::find_by_id(account_id).one(&state.db).await {
        Ok(Some(row)) => match crate::ui_language::stored(&row) {
            Ok(chosen) => chosen,
            Err(error) => return crate::error::ApiError::internal(error).into_response(),
        },
        Ok(None) => None,
        Err(error) => return crate::error::ApiError::from(error).into_response(),
    };
    match service::start_session(&state.db, account_id, state.settings.session_days).await {
        Ok(token) => {
            let mut response = Redirect::to("/dashboard").into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                cookie::set(
                    &token,
                    state.settings.session_days,
                    state.settings.cookies_secure(),
                ),
            );
            if let Some(lang) = chosen {
                response.headers_mut().append(
                    header::SET_COOKIE,
                    crate::ui_language::set_cookie(lang, state.settings.cookies_secure()),
                );
            }
            response
        }
        Err(error) => crate::error::ApiError::from(error).into_response(),
    }
}

/// What a refused form shows, and with which status, in the language of the request's pages.
fn form_errors(error: AuthError) -> (StatusCode, Vec<FieldError>) {
    let text = app::i18n::auth_text(crate::ui_language::current());
    let form = |message: String| vec![FieldError::new("form", message)];
    match error {
        AuthError::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        AuthError::WrongCredentials => (
            StatusCode::UNAUTHORIZED,
            form(text.wrong_credentials.into()),
        ),
        AuthError::Unconfirmed => (StatusCode::FORBIDDEN, form(text.unconfirmed.into())),
        AuthError::LinkInvalid => (StatusCode::BAD_REQUEST, form(text.link_invalid.into())),
        AuthError::LinkUsed => (StatusCode::BAD_REQUEST, form(text.link_used.into())),
        AuthError::Throttled { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            form(text.log_ins_throttled(retry_after_secs.div_ceil(60))),
        ),
        AuthError::SignUpThrottled { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            form(text.sign_ups_throttled(retry_after_secs.div_ceil(60))),
        ),
        AuthError::Hashing(HeavyWorkError::Busy) => {
            (StatusCode::SERVICE_UNAVAILABLE, form(text.busy.into()))
        }
        AuthError::UnknownAccount(_)
        | AuthError::Inconsistent(_)
        | AuthError::Database(_)
        | AuthError::Ledger(_)
        | AuthError::Hashing(HeavyWorkError::Panicked) => {
            tracing::error!(%error, "account form failed");
            (StatusCode::INTERNAL_SERVER_ERROR, form(text.failed.into()))
        }
    }
}
