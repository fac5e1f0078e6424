//! `POST /api/numbers/parse`: how the server understands a typed number, so the call window can
//! show it back before calling (R7a). Public: it reveals nothing stored.

use axum::extract::State;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::number::{self, NumberKind, ParsedNumber};
use super::rate_store;
use super::rates::{self, Rate};
use super::records::{self, RecordQuery};
use super::refund::{self, RefundError};
use app::model::Lang;

use crate::auth::{CurrentAccount, Operator};
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/numbers/parse", post(parse))
        .route("/api/rates", get(list_rates))
        .route("/api/calls", get(list_calls))
        .route("/api/calls.csv", get(export_calls))
        .route("/api/operator/rates", put(import_rates))
        .route("/api/operator/refunds", post(refund_call))
        .route("/dashboard/calls", get(super::pages::records_page))
        .route("/dashboard/calls.csv", get(super::pages::records_csv))
}

#[derive(OpenApi)]
#[openapi(
    paths(parse, list_rates, import_rates, list_calls, export_calls, refund_call),
    components(schemas(
        ParseRequest,
        UnderstoodNumber,
        ParsedNumber,
        NumberKind,
        Rate,
        rates::LegClass,
        RateImport,
        records::RecordPage,
        records::CallRecord,
        RefundRequest,
        ErrorBody
    ))
)]
pub struct ApiDoc;

#[derive(Deserialize, ToSchema)]
pub struct ParseRequest {
    /// As typed: `010-1234-5678`, `025561234;235`, `02-556-1234 ext. 235`,
    /// `001 1 650 253 0000`, `+82 2 3456 1234`…
    number: String,
    /// The page's language for `understood` and refusals (`ko`, `en`, `ja`, `zh`); else the
    /// best of `Accept-Language`, else English.
    lang: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UnderstoodNumber {
    #[serde(flatten)]
    number: ParsedNumber,
    /// For people, in the page's language: `+82 2-556-1234, extension 235 — Seoul landline`.
    understood: String,
}

/// Understand a phone number typed in the installation's default region.
#[utoipa::path(post, path = "/api/numbers/parse", tag = "calls", request_body = ParseRequest,
    responses((status = 200, body = UnderstoodNumber), (status = 422, description = "Not a callable number: `number_empty`, `number_too_long`, `number_invalid_characters`, `number_bad_extension`, `number_not_a_number` or `number_does_not_exist`, with the reason in the page's language", body = ErrorBody)))]
async fn parse(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<ParseRequest>,
) -> Result<Json<UnderstoodNumber>, ApiError> {
    let accept_language = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    let lang = crate::cards::negotiate::choose(
        &Lang::ALL,
        body.lang.as_deref(),
        accept_language,
        Lang::En,
    );
    let home = state.settings.default_region;
    match number::parse(&body.number, home) {
        Ok(number) => Ok(Json(UnderstoodNumber {
            understood: number.describe(lang, home),
            number,
        })),
        Err(error) => Err(ApiError::Unprocessable {
            code: error.problem().code(),
            message: error.message(lang),
        }),
    }
}

/// The rate table, for signed-in issuers and operators.
#[utoipa::path(get, path = "/api/rates", tag = "calls",
    responses((status = 200, body = [Rate]), (status = 401, body = ErrorBody)))]
async fn list_rates(
    State(state): State<AppState>,
    _: CurrentAccount,
) -> Result<Json<Vec<Rate>>, ApiError> {
    Ok(Json(rate_store::load(&state.db).await?.rates().to_vec()))
}

#[derive(Serialize, ToSchema)]
pub struct RateImport {
    imported: usize,
}

/// Replace the rate table with a CSV (operators only). The first line is
/// `class,prefix,per_minute,initial_increment,subsequent_increment,connect_fee`; amounts are in
/// the currency. A bad line refuses the whole file and keeps the table as it was.
#[utoipa::path(put, path = "/api/operator/rates", tag = "calls",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = RateImport), (status = 403, body = ErrorBody), (status = 422, description = "The bad line and why", body = ErrorBody)))]
async fn import_rates(
    State(state): State<AppState>,
    _: Operator,
    body: String,
) -> Result<Json<RateImport>, ApiError> {
    let table = rates::parse_csv(&body, &state.settings.currency).map_err(|error| {
        ApiError::Validation(vec![app::model::FieldError::new("csv", error.to_string())])
    })?;
    rate_store::replace(&state.db, &table).await?;
    Ok(Json(RateImport {
        imported: table.len(),
    }))
}

fn record_query(
    query: Result<axum::extract::Query<RecordQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<RecordQuery, ApiError> {
    query
        .map(|axum::extract::Query(query)| query)
        .map_err(|rejection| ApiError::BadRequest {
            code: "invalid_query",
            message: format!(
                "{}; dates are RFC 3339, e.g. 2026-11-26T00:00:00Z",
                rejection.body_text()
            ),
        })
}

/// The signed-in issuer's call records, newest first, filtered by number and date (R12).
#[utoipa::path(get, path = "/api/calls", tag = "calls", params(RecordQuery),
    responses((status = 200, body = records::RecordPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_calls(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    query: Result<axum::extract::Query<RecordQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<records::RecordPage>, ApiError> {
    let query = record_query(query)?;
    Ok(Json(
        records::search(&state.db, account.id, &query, chrono_tz::Tz::UTC).await?,
    ))
}

/// The same records as CSV, all pages (R12).
#[utoipa::path(get, path = "/api/calls.csv", tag = "calls", params(RecordQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = ErrorBody)))]
async fn export_calls(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    query: Result<axum::extract::Query<RecordQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::response::Response, ApiError> {
    csv_response(&state, account.id, record_query(query)?).await
}

/// Every record `query` finds (all pages, up to a bound) as a CSV download.
pub(super) async fn csv_response(
    state: &AppState,
    account_id: i64,
    mut query: RecordQuery,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    query.limit = Some(records::MAX_PAGE);
    query.offset = Some(0);
    let mut all = Vec::new();
    loop {
        let page = records::search(&state.db, account_id, &query, chrono_tz::Tz::UTC).await?;
        let fetched = page.records.len() as u64;
        all.extend(page.records);
        // A bound on one export; beyond it, narrow the dates.
        if fetched < records::MAX_PAGE || all.len() >= 100_000 {
            break;
        }
        query.offset = Some(query.offset.unwrap_or(0) + fetched);
    }
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"calls.csv\"",
            ),
        ],
        records::to_csv(&all),
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct RefundRequest {
    call_id: i64,
    /// Minor units; all of what the call cost when absent.
    #[serde(default)]
    amount: Option<i64>,
    #[serde(default)]
    note: String,
}

/// Refund a settled call, once, up to what it cost (operators only).
#[utoipa::path(post, path = "/api/operator/refunds", tag = "calls", request_body = RefundRequest,
    responses(
        (status = 201, body = app::model::LedgerEntryView),
        (status = 403, body = ErrorBody),
        (status = 404, description = "No such call", body = ErrorBody),
        (status = 409, description = "Already refunded", body = ErrorBody),
        (status = 422, description = "Nothing to refund, or more than it cost", body = ErrorBody),
    ))]
async fn refund_call(
    State(state): State<AppState>,
    Operator(operator): Operator,
    ApiJson(body): ApiJson<RefundRequest>,
) -> Result<(axum::http::StatusCode, Json<app::model::LedgerEntryView>), ApiError> {
    if body.note.chars().count() > 200 {
        return Err(field_error("note", "Use at most 200 characters."));
    }
    let amount = body.amount.map(crate::ledger::money::Money);
    let entry = refund::refund(&state.db, body.call_id, amount, &body.note, operator.id)
        .await
        .map_err(|error| match error {
            RefundError::UnknownCall => ApiError::NotFound,
            RefundError::AlreadyRefunded => ApiError::Conflict {
                code: "already_refunded",
                message: error.to_string(),
            },
            RefundError::NothingToRefund | RefundError::BadAmount { .. } => {
                field_error("amount", &error.to_string())
            }
            RefundError::Ledger(error) => crate::ledger::api_error(error),
        })?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(crate::ledger::entry_view(&state, entry)),
    ))
}

fn field_error(field: &str, message: &str) -> ApiError {
    ApiError::Validation(vec![app::model::FieldError::new(field, message)])
}
