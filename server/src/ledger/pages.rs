//! The dashboard's voucher form: post, redeem, and back to the dashboard with the outcome.

use app::model::Page;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::vouchers::{self, VoucherError};
use crate::auth::SignedIn;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/guild/voucher", post(redeem))
        .route("/dashboard/statement", get(statement))
}

#[derive(Deserialize)]
struct StatementSearch {
    before: Option<i64>,
}

/// The statement, a page of entries at a time; a mangled `before` shows the latest page.
async fn statement(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    search: Result<Query<StatementSearch>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let before = search.ok().and_then(|Query(search)| search.before);
    match super::api::statement_page(&state, account.id, before, super::api::STATEMENT_ENTRIES)
        .await
    {
        Ok(guild) => crate::render::page(&state, StatusCode::OK, Page::Statement { guild }).await,
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
struct VoucherForm {
    #[serde(default)]
    code: String,
}

async fn redeem(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Form(form): Form<VoucherForm>,
) -> Response {
    let outcome =
        match vouchers::redeem(&state.db, account.id, &form.code, chrono::Utc::now()).await {
            Ok(_) => "ok",
            Err(VoucherError::Unknown) => "unknown",
            Err(VoucherError::AlreadyRedeemed) => "redeemed",
            Err(VoucherError::Expired) => "expired",
            Err(error) => return super::voucher_error(error).into_response(),
        };
    Redirect::to(&format!("/dashboard?voucher={outcome}")).into_response()
}

/// The dashboard's notice for a `?voucher=` outcome.
pub fn voucher_notice(outcome: &str) -> Option<&'static str> {
    Some(match outcome {
        "ok" => "Voucher redeemed: your Guild was credited.",
        "unknown" => "No voucher has this code. Check it and try again.",
        "redeemed" => "This voucher was already redeemed.",
        "expired" => "This voucher has expired.",
        _ => return None,
    })
}
