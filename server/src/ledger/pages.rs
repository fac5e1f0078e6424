//! The dashboard's voucher form: post, redeem, and back to the dashboard with the outcome.

use app::i18n::DashboardText;
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
        .route("/dashboard/guild/daily-cap", post(set_daily_cap))
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
    let page = super::api::statement_page(
        &state,
        account.id,
        before,
        super::api::STATEMENT_ENTRIES,
        super::TimesIn::GuildZone,
    )
    .await;
    match page {
        Ok((guild, time_zone)) => {
            let page = Page::Statement { guild, time_zone };
            crate::render::page(&state, StatusCode::OK, page).await
        }
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

#[derive(Deserialize)]
struct DailyCapForm {
    /// Empty: no cap.
    #[serde(default)]
    daily_cap: String,
    #[serde(default)]
    time_zone: String,
}

/// The dashboard's daily-cap form: an amount in minor units (empty lifts the cap) and a zone.
async fn set_daily_cap(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Form(form): Form<DailyCapForm>,
) -> Response {
    let amount = form.daily_cap.trim();
    let cap = if amount.is_empty() {
        None
    } else {
        match amount.parse::<i64>() {
            Ok(cap) => Some(super::money::Money(cap)),
            Err(_) => return Redirect::to("/dashboard?cap=bad_amount").into_response(),
        }
    };
    let outcome = match super::service::set_daily_cap(
        &state.db,
        account.id,
        cap,
        &form.time_zone,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(_) if cap.is_some() => "set",
        Ok(_) => "lifted",
        Err(super::service::LedgerError::Cap(super::daily_cap::CapError::UnknownZone(_))) => {
            "bad_zone"
        }
        Err(super::service::LedgerError::Cap(super::daily_cap::CapError::OutOfRange {
            ..
        })) => "bad_amount",
        Err(error) => return super::api::ledger_error(error).into_response(),
    };
    Redirect::to(&format!("/dashboard?cap={outcome}")).into_response()
}

/// The dashboard's notice for a `?cap=` outcome.
pub fn cap_notice(outcome: &str) -> Option<GuildNotice> {
    Some(match outcome {
        "set" => GuildNotice::CapSaved,
        "lifted" => GuildNotice::CapLifted,
        "bad_zone" => GuildNotice::CapBadZone,
        "bad_amount" => GuildNotice::CapBadAmount,
        _ => return None,
    })
}

/// What a Guild form's outcome tells the issuer on their dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuildNotice {
    VoucherRedeemed,
    VoucherUnknown,
    VoucherUsed,
    VoucherExpired,
    CapSaved,
    CapLifted,
    CapBadZone,
    CapBadAmount,
}

impl GuildNotice {
    pub fn message(self, text: &DashboardText) -> &'static str {
        match self {
            GuildNotice::VoucherRedeemed => text.voucher_redeemed,
            GuildNotice::VoucherUnknown => text.voucher_unknown,
            GuildNotice::VoucherUsed => text.voucher_used,
            GuildNotice::VoucherExpired => text.voucher_expired,
            GuildNotice::CapSaved => text.cap_saved,
            GuildNotice::CapLifted => text.cap_lifted,
            GuildNotice::CapBadZone => text.cap_bad_zone,
            GuildNotice::CapBadAmount => text.cap_bad_amount,
        }
    }
}

/// The dashboard's notice for a `?voucher=` outcome.
pub fn voucher_notice(outcome: &str) -> Option<GuildNotice> {
    Some(match outcome {
        "ok" => GuildNotice::VoucherRedeemed,
        "unknown" => GuildNotice::VoucherUnknown,
        "redeemed" => GuildNotice::VoucherUsed,
        "expired" => GuildNotice::VoucherExpired,
        _ => return None,
    })
}
