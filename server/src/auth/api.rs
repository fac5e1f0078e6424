//! The accounts JSON API: `/api/auth/*` and `/api/me`.

use crate::error::ApiJson;
use app::model::AccountView;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::service::{self, SignUp};
use super::sign_up;
use super::{ClientAddress, CurrentAccount, cookie};
use crate::error::{ApiError, ErrorBody};
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/signup", post(sign_up))
        .route("/api/auth/confirm", post(confirm))
        .route("/api/auth/login", post(log_in))
        .route("/api/auth/logout", post(log_out))
        .route("/api/me", get(me))
}

#[derive(OpenApi)]
#[openapi(
    paths(sign_up, confirm, log_in, log_out, me),
    components(schemas(
        SignUpRequest,
        SignUpAccepted,
        ConfirmRequest,
        LogInRequest,
        AccountView,
        app::model::Role,
        ErrorBody
    ))
)]
pub struct ApiDoc;

#[derive(Deserialize, ToSchema)]
pub struct SignUpRequest {
    email: String,
    display_name: String,
    /// 10 to 256 characters.
    password: String,
}

/// The answer to every accepted sign-up, whether or not the address already had an account.
#[derive(Serialize, ToSchema)]
pub struct SignUpAccepted {
    /// The address, as it will be stored (trimmed, lower-case).
    email: String,
    /// Always `confirm_email`: the mail sent to the address says what to do next.
    next: &'static str,
}

#[derive(Deserialize, ToSchema)]
pub struct ConfirmRequest {
    /// From the link in the confirmation mail (`/confirm/{token}`).
    token: String,
    /// The password chosen at sign-up.
    password: String,
}

#[derive(Deserialize, ToSchema)]
pub struct LogInRequest {
    email: String,
    password: String,
}

/// Sign up. The answer is the same whether or not the address has an account: the mail sent
/// to it carries a confirmation link (new address) or a notice (an account exists). The
/// account can log in, and gets its sign-up grant, once the link is confirmed.
#[utoipa::path(post, path = "/api/auth/signup", tag = "accounts", request_body = SignUpRequest,
    responses(
        (status = 202, description = "Check the mailbox of this address", body = SignUpAccepted),
        (status = 422, description = "A field was refused", body = ErrorBody),
        (status = 429, description = "Too many sign-ups from this address", body = ErrorBody),
        (status = 503, description = "Busy; retry after Retry-After seconds", body = ErrorBody),
    ))]
async fn sign_up(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,

    ApiJson(body): ApiJson<SignUpRequest>,
) -> Result<Response, ApiError> {
    let received = sign_up::sign_up_from(
        &state,
        SignUp {
            email: body.email,
            display_name: body.display_name,
            password: body.password,
        },
        &client.to_string(),
    )
    .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(SignUpAccepted {
            email: received.email,
            next: "confirm_email",
        }),
    )
        .into_response())
}

/// Confirm the e-mail address with the link's token and the account's password: the sign-up
/// grant is credited (once per account) and a session starts (sets the session cookie).
#[utoipa::path(post, path = "/api/auth/confirm", tag = "accounts", request_body = ConfirmRequest,
    responses(
        (status = 200, description = "Confirmed, signed in", body = AccountView),
        (status = 400, description = "`link_invalid` (unknown or expired), `link_used`, or \
            `wrong_credentials`", body = ErrorBody),
        (status = 429, description = "Too many failed attempts", body = ErrorBody),
        (status = 503, description = "Busy; retry after Retry-After seconds", body = ErrorBody),
    ))]
async fn confirm(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,

    ApiJson(body): ApiJson<ConfirmRequest>,
) -> Result<Response, ApiError> {
    let account =
        sign_up::confirm(&state, &body.token, &body.password, &client.to_string()).await?;
    with_session(&state, StatusCode::OK, account).await
}

/// Log in (sets the session cookie). Throttled after repeated failures, counting attempts
/// still being checked.
#[utoipa::path(post, path = "/api/auth/login", tag = "accounts", request_body = LogInRequest,
    responses(
        (status = 200, description = "Signed in", body = AccountView),
        (status = 400, description = "Wrong e-mail or password", body = ErrorBody),
        (status = 403, description = "`email_unconfirmed`: the address has not been confirmed yet", body = ErrorBody),
        (status = 429, description = "Too many failed log-ins", body = ErrorBody),
        (status = 503, description = "Busy; retry after Retry-After seconds", body = ErrorBody),
    ))]
async fn log_in(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,

    ApiJson(body): ApiJson<LogInRequest>,
) -> Result<Response, ApiError> {
    let account = service::log_in(&state, &body.email, &body.password, &client.to_string()).await?;
    with_session(&state, StatusCode::OK, account).await
}

/// End the current session.
#[utoipa::path(post, path = "/api/auth/logout", tag = "accounts",
    responses((status = 204, description = "Signed out")))]
async fn log_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = cookie::token(&headers) {
        service::end_session(&state.db, &token).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie::clear(state.settings.cookies_secure()),
    );
    Ok(response)
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/me", tag = "accounts",
    responses(
        (status = 200, description = "The signed-in account", body = AccountView),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
async fn me(CurrentAccount(account): CurrentAccount) -> Json<AccountView> {
    Json(account)
}

async fn with_session(
    state: &AppState,
    status: StatusCode,
    account: AccountView,
) -> Result<Response, ApiError> {
    let token = service::start_session(&state.db, account.id, state.settings.session_days).await?;
    let mut response = (status, Json(account)).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie::set(
            &token,
            state.settings.session_days,
            state.settings.cookies_secure(),
        ),
    );
    Ok(response)
}
