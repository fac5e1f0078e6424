//! The Guild JSON API: the issuer's statement, and operator credits (R17, R18: only operators
//! credit money).

use app::model::{GuildView, LedgerEntryView};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

use super::money::Money;
use super::rules::EntryKind;
use super::service::{self, LedgerError, Posting};
use crate::auth::entity::account;
use crate::auth::{CurrentAccount, Operator};
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::startup::AppState;

/// How many entries a statement shows.
const STATEMENT_ENTRIES: u64 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/guild", get(statement))
        .route("/api/operator/credits", post(credit))
}

#[derive(OpenApi)]
#[openapi(
    paths(statement, credit),
    components(schemas(GuildView, LedgerEntryView, CreditRequest, ErrorBody))
)]
pub struct ApiDoc;

/// The signed-in issuer's Guild: balance, what is available for calls, the latest entries.
#[utoipa::path(get, path = "/api/guild", tag = "guild",
    responses((status = 200, body = GuildView), (status = 401, body = ErrorBody)))]
async fn statement(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
) -> Result<Json<GuildView>, ApiError> {
    Ok(Json(guild_view(&state, account.id).await?))
}

pub async fn guild_view(state: &AppState, account_id: i64) -> Result<GuildView, ApiError> {
    let (guild, entries) = service::statement(&state.db, account_id, STATEMENT_ENTRIES)
        .await
        .map_err(ledger_error)?;
    Ok(super::view(&state.settings.currency, guild, &entries))
}

#[derive(Deserialize, ToSchema)]
pub struct CreditRequest {
    /// The account to credit.
    email: String,
    /// Minor units of the installation currency (won for KRW); must be positive.
    amount: i64,
    #[serde(default)]
    note: String,
}

/// Credit an account's Guild (operators only).
#[utoipa::path(post, path = "/api/operator/credits", tag = "guild", request_body = CreditRequest,
    responses(
        (status = 201, body = LedgerEntryView),
        (status = 403, description = "Not an operator", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 422, description = "Amount not positive or too large", body = ErrorBody),
    ))]
async fn credit(
    State(state): State<AppState>,
    Operator(operator): Operator,
    ApiJson(body): ApiJson<CreditRequest>,
) -> Result<(StatusCode, Json<LedgerEntryView>), ApiError> {
    let target = account::Entity::find()
        .filter(account::Column::Email.eq(body.email.trim().to_lowercase()))
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let note = body.note.trim();
    if note.chars().count() > 200 {
        return Err(field_error("note", "Use at most 200 characters."));
    }
    let entry = service::post_alone(
        &state.db,
        Posting {
            account_id: target.id,
            kind: EntryKind::OperatorCredit,
            amount: Money(body.amount),
            reference: None,
            note: if note.is_empty() {
                "Operator credit"
            } else {
                note
            },
            created_by: Some(operator.id),
        },
    )
    .await
    .map_err(ledger_error)?;
    let view = super::view(
        &state.settings.currency,
        Default::default(),
        std::slice::from_ref(&entry),
    );
    Ok((
        StatusCode::CREATED,
        Json(view.entries.into_iter().next().expect("one entry")),
    ))
}

fn field_error(field: &str, message: &str) -> ApiError {
    ApiError::Validation(vec![app::model::FieldError::new(field, message)])
}

pub fn ledger_error(error: LedgerError) -> ApiError {
    match error {
        LedgerError::Rule(rule) => field_error("amount", &rule.to_string()),
        LedgerError::NoGuild => ApiError::NotFound,
        LedgerError::DuplicateReference(_) => ApiError::Conflict {
            code: "duplicate_reference",
            message: error.to_string(),
        },
        LedgerError::Database(error) => ApiError::internal(error),
    }
}
