//! Accounts (BRIEF R1): sign-up confirmed by e-mail, log-in, log-out, sessions and the
//! operator role.
//!
//! Pages post plain forms (they work without JavaScript); the JSON API under `/api/auth` does
//! the same through the same service.

pub mod confirmation;
pub mod cookie;
pub mod entity;
pub mod password;
pub mod service;
pub mod sign_up;
pub mod throttle;

mod api;
mod pages;

use app::model::{AccountView, Role};
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    pages::router().merge(api::router())
}

pub use api::ApiDoc;

/// The signed-in account; API handlers that take it answer 401 to everyone else.
pub struct CurrentAccount(pub AccountView);

/// The signed-in account, if any; never refuses.
pub struct MaybeAccount(pub Option<AccountView>);

impl FromRequestParts<AppState> for MaybeAccount {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie::token(&parts.headers) else {
            return Ok(MaybeAccount(None));
        };
        Ok(MaybeAccount(
            service::session_account(&state.db, &token).await?,
        ))
    }
}

impl FromRequestParts<AppState> for CurrentAccount {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match MaybeAccount::from_request_parts(parts, state).await? {
            MaybeAccount(Some(account)) => Ok(CurrentAccount(account)),
            MaybeAccount(None) => Err(ApiError::Unauthenticated),
        }
    }
}

/// The signed-in account for a page; everyone else is sent to the log-in page.
pub struct SignedIn(pub AccountView);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        match MaybeAccount::from_request_parts(parts, state).await {
            Ok(MaybeAccount(Some(account))) => Ok(SignedIn(account)),
            Ok(MaybeAccount(None)) => Err(axum::response::Redirect::to("/login").into_response()),
            Err(error) => Err(error.into_response()),
        }
    }
}

/// An operator (BRIEF R1, R18: only operators set rates and credit money).
pub struct Operator(pub AccountView);

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let CurrentAccount(account) = CurrentAccount::from_request_parts(parts, state).await?;
        if account.role == Role::Operator {
            Ok(Operator(account))
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// Where a request comes from, for log-in and sign-up throttling.
pub use crate::client_address::ClientAddress;
