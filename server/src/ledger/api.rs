//! The Guild JSON API: the issuer's statement, and operator credits (R17, R18: only operators
//! credit money).

use app::i18n::SystemNote;
use app::model::Lang;
use app::model::{GuildView, LedgerEntryView};
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::money::Money;
use super::rules::EntryKind;
use super::service::{self, LedgerError, Posting};
use super::vouchers::{self, VoucherError};
use super::webhook;
use crate::auth::entity::account;
use crate::auth::{CurrentAccount, Operator};
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::startup::AppState;

/// How many entries a statement page shows unless asked for fewer or more.
pub const STATEMENT_ENTRIES: u64 = 100;
/// The most entries one page may ask for.
const MAX_STATEMENT_ENTRIES: u64 = 500;
/// Entries read per round trip while exporting a whole ledger.
const EXPORT_BATCH: u64 = 1_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/guild", get(statement))
        .route("/api/guild/entries.csv", get(export_entries))
        .route("/api/operator/accounts", get(list_accounts))
        .route("/api/operator/credits", post(credit))
        .route("/api/operator/adjustments", post(adjust))
        .route(
            "/api/operator/vouchers",
            post(create_vouchers).get(list_vouchers),
        )
        .route("/api/operator/vouchers/{code}", delete(revoke_voucher))
        .route("/api/operator/credit-limits", put(set_credit_limit))
        .route("/api/guild/vouchers", post(redeem_voucher))
        .route("/api/guild/daily-cap", put(set_daily_cap))
        .route("/api/payments/webhook", post(payment_webhook))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list_accounts,
        statement,
        export_entries,
        credit,
        adjust,
        create_vouchers,
        list_vouchers,
        revoke_voucher,
        set_credit_limit,
        set_daily_cap,
        redeem_voucher,
        payment_webhook
    ),
    components(schemas(
        GuildView,
        LedgerEntryView,
        OperatorAccountView,
        CreditRequest,
        AdjustmentRequest,
        VoucherView,
        VoucherBatchRequest,
        VoucherBatch,
        CreditLimitRequest,
        DailyCapRequest,
        app::model::DailySpendingView,
        RedeemRequest,
        PaymentEvent,
        PaymentData,
        WebhookOutcome,
        ErrorBody
    ))
)]
pub struct ApiDoc;

/// Which page of a statement: entries older than `before` (an entry id, from the previous
/// page's `older`), `limit` of them.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// Entries older than this entry id; the latest without it.
    pub before: Option<i64>,
    /// 1 to 500; 100 by default.
    pub limit: Option<u64>,
}

/// The signed-in issuer's Guild: balance, what is available for calls, and a page of entries,
/// newest first (`older` names the next page).
#[utoipa::path(get, path = "/api/guild", tag = "guild", params(StatementQuery),
    responses((status = 200, body = GuildView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn statement(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    query: Result<axum::extract::Query<StatementQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<GuildView>, ApiError> {
    let axum::extract::Query(query) = query.map_err(|rejection| ApiError::BadRequest {
        code: "invalid_query",
        message: rejection.body_text(),
    })?;
    let limit = query.limit.unwrap_or(STATEMENT_ENTRIES);
    if !(1..=MAX_STATEMENT_ENTRIES).contains(&limit) {
        return Err(ApiError::Validation(vec![app::model::FieldError::new(
            "limit",
            format!("Ask for 1 to {MAX_STATEMENT_ENTRIES} entries."),
        )]));
    }
    let (view, _) = statement_page(&state, account.id, query.before, limit, TimesIn::Utc).await?;
    Ok(Json(view))
}

/// Which clock a statement's times are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimesIn {
    /// The API's: machine-readable, the same for every reader.
    Utc,
    /// The pages': the zone whose midnight starts the Guild's day, so a day on the statement
    /// is the day its daily cap counts.
    GuildZone,
}

/// The latest page of the account's statement (the dashboard's), with the zone its times are in.
pub async fn guild_view(
    state: &AppState,
    account_id: i64,
    times: TimesIn,
) -> Result<(GuildView, String), ApiError> {
    statement_page(state, account_id, None, STATEMENT_ENTRIES, times).await
}

/// A page of the statement and the name of the zone its times are written in.
pub async fn statement_page(
    state: &AppState,
    account_id: i64,
    before: Option<i64>,
    limit: u64,
    times: TimesIn,
) -> Result<(GuildView, String), ApiError> {
    let page = service::statement(&state.db, account_id, before, limit)
        .await
        .map_err(ledger_error)?;
    let zone = match times {
        TimesIn::Utc => chrono_tz::Tz::UTC,
        TimesIn::GuildZone => super::daily_cap::zone(&page.spending.time_zone)
            .map_err(|error| ledger_error(error.into()))?,
    };
    let mut view = super::view(
        &state.settings.currency,
        page.guild,
        &page.entries,
        page.older,
        zone,
    );
    view.spending = Some(spending_view(state, &page.spending));
    Ok((view, zone.name().to_string()))
}

fn spending_view(
    state: &AppState,
    spending: &super::daily_cap::Spending,
) -> app::model::DailySpendingView {
    let currency = &state.settings.currency;
    app::model::DailySpendingView {
        daily_cap: spending.cap.map(|cap| cap.0),
        daily_cap_display: spending.cap.map(|cap| currency.format(cap)),
        time_zone: spending.time_zone.clone(),
        spent_today: spending.spent_today.map(|spent| spent.0),
        spent_today_display: spending.spent_today.map(|spent| currency.format(spent)),
    }
}

/// A daily spend cap to set.
#[derive(Deserialize, ToSchema)]
pub struct DailyCapRequest {
    /// The most the Guild's calls may spend in one day, in minor units; `null` lifts the cap.
    /// A call that would pass it is refused (`daily_cap_reached`), and one in progress ends
    /// when it is reached (`daily_cap`).
    daily_cap: Option<i64>,
    /// The IANA zone whose midnight starts the day, e.g. `Asia/Seoul`.
    time_zone: String,
}

/// Set or lift the signed-in issuer's daily spend cap. The day so far counts what calls
/// charged since midnight and what running calls hold.
#[utoipa::path(put, path = "/api/guild/daily-cap", tag = "guild", request_body = DailyCapRequest,
    responses((status = 200, body = app::model::DailySpendingView), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn set_daily_cap(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    ApiJson(body): ApiJson<DailyCapRequest>,
) -> Result<Json<app::model::DailySpendingView>, ApiError> {
    let spending = service::set_daily_cap(
        &state.db,
        account.id,
        body.daily_cap.map(Money),
        &body.time_zone,
        chrono::Utc::now(),
    )
    .await
    .map_err(ledger_error)?;
    Ok(Json(spending_view(&state, &spending)))
}

/// Every entry of the signed-in issuer's ledger as CSV, oldest first: `id, created_at, kind,
/// amount, balance_after, reference, note`, amounts in minor units. Streamed a batch at a
/// time, so a long ledger costs one batch of memory; a failure part-way breaks the download
/// rather than ending it early as if complete.
#[utoipa::path(get, path = "/api/guild/entries.csv", tag = "guild",
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = ErrorBody)))]
async fn export_entries(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<String, std::io::Error>>(2);
    let db = state.db.clone();
    tokio::spawn(async move {
        let header = "id,created_at,kind,amount,balance_after,reference,note\r\n".to_string();
        if sender.send(Ok(header)).await.is_err() {
            return;
        }
        let mut after = 0;
        loop {
            let batch = match service::entries_after(&db, account.id, after, EXPORT_BATCH).await {
                Ok(batch) => batch,
                Err(error) => {
                    tracing::error!(%error, "ledger export failed part-way");
                    let _ = sender.send(Err(std::io::Error::other(error))).await;
                    return;
                }
            };
            let Some(last) = batch.last() else { return };
            after = last.id;
            let full = batch.len() as u64 == EXPORT_BATCH;
            if sender.send(Ok(entries_csv(&batch))).await.is_err() || !full {
                return;
            }
        }
    });
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"guild-statement.csv\"",
            ),
        ],
        axum::body::Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(receiver)),
    )
        .into_response()
}

/// Ledger entries as CSV lines (RFC 4180). Numbers are ours and written as they are (a debit
/// is `-60`); the text fields are quoted and defused (notes are typed by operators).
fn entries_csv(entries: &[super::entity::entry::Model]) -> String {
    let mut csv = String::new();
    for entry in entries {
        csv.push_str(&format!(
            "{},{},{},{},{},{},{}\r\n",
            entry.id,
            entry
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            crate::csv::field(&entry.kind),
            entry.amount,
            entry.balance_after,
            crate::csv::field(entry.reference.as_deref().unwrap_or_default()),
            crate::csv::field(&entry.note),
        ));
    }
    csv
}

/// An account as operators see it: who, which role, and its Guild.
#[derive(Serialize, ToSchema)]
pub struct OperatorAccountView {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    balance: i64,
    held: i64,
    credit_limit: i64,
    available: i64,
}

/// Every account with its Guild (operators only).
#[utoipa::path(get, path = "/api/operator/accounts", tag = "guild",
    responses((status = 200, body = [OperatorAccountView]), (status = 403, body = ErrorBody)))]
async fn list_accounts(
    State(state): State<AppState>,
    _: Operator,
) -> Result<Json<Vec<OperatorAccountView>>, ApiError> {
    let accounts = service::accounts_with_guilds(&state.db)
        .await
        .map_err(ledger_error)?;
    Ok(Json(
        accounts
            .into_iter()
            .map(|(account, guild)| OperatorAccountView {
                id: account.id,
                email: account.email,
                display_name: account.display_name,
                role: account.role,
                balance: guild.balance.0,
                held: guild.held.0,
                credit_limit: guild.credit_limit.0,
                available: guild.available().0,
            })
            .collect(),
    ))
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
    let target = find_account(&state, &body.email).await?;
    let note = body.note.trim();
    let default_note = SystemNote::OperatorCredit.words(Lang::En);
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
            note: if note.is_empty() { &default_note } else { note },
            created_by: Some(operator.id),
        },
    )
    .await
    .map_err(ledger_error)?;
    let view = super::view(
        &state.settings.currency,
        Default::default(),
        std::slice::from_ref(&entry),
        None,
        chrono_tz::Tz::UTC,
    );
    Ok((
        StatusCode::CREATED,
        Json(view.entries.into_iter().next().expect("one entry")),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct AdjustmentRequest {
    email: String,
    /// Minor units, positive or negative; never below what the Guild can give.
    amount: i64,
    /// Why: required, kept in the ledger for the issuer and for audit (1-200 characters).
    note: String,
}

/// Correct an account's Guild either way, with a reason (operators only).
#[utoipa::path(post, path = "/api/operator/adjustments", tag = "guild", request_body = AdjustmentRequest,
    responses(
        (status = 201, body = LedgerEntryView),
        (status = 403, description = "Not an operator", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 422, description = "No note, zero, too large, or more than the Guild has", body = ErrorBody),
    ))]
async fn adjust(
    State(state): State<AppState>,
    Operator(operator): Operator,
    ApiJson(body): ApiJson<AdjustmentRequest>,
) -> Result<(StatusCode, Json<LedgerEntryView>), ApiError> {
    let target = find_account(&state, &body.email).await?;
    let note = body.note.trim();
    if note.is_empty() || note.chars().count() > 200 {
        return Err(field_error(
            "note",
            "Say why, in 1 to 200 characters: the issuer sees it in their ledger.",
        ));
    }
    let entry = service::post_alone(
        &state.db,
        Posting {
            account_id: target.id,
            kind: EntryKind::Adjustment,
            amount: Money(body.amount),
            reference: None,
            note,
            created_by: Some(operator.id),
        },
    )
    .await
    .map_err(ledger_error)?;
    Ok((StatusCode::CREATED, Json(entry_view(&state, entry))))
}

/// A voucher as operators see it.
#[derive(Serialize, ToSchema)]
pub struct VoucherView {
    /// As printed, e.g. `ABCD-EFGH-JKMN-PQRS`.
    code: String,
    amount: i64,
    created_at: String,
    expires_at: Option<String>,
    redeemed_by: Option<i64>,
    redeemed_at: Option<String>,
    /// `open`, `redeemed` or `expired` (revoked codes are expired).
    status: &'static str,
}

fn voucher_view(voucher: super::entity::voucher::Model) -> VoucherView {
    let time =
        |at: chrono::DateTime<chrono::Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let status = match (voucher.redeemed_by, voucher.expires_at) {
        (Some(_), _) => "redeemed",
        (None, Some(expires)) if expires <= chrono::Utc::now() => "expired",
        (None, _) => "open",
    };
    VoucherView {
        code: vouchers::display(&voucher.code),
        amount: voucher.amount,
        created_at: time(voucher.created_at),
        expires_at: voucher.expires_at.map(time),
        redeemed_by: voucher.redeemed_by,
        redeemed_at: voucher.redeemed_at.map(time),
        status,
    }
}

/// Every voucher, newest first (operators only).
#[utoipa::path(get, path = "/api/operator/vouchers", tag = "guild",
    responses((status = 200, body = [VoucherView]), (status = 403, body = ErrorBody)))]
async fn list_vouchers(
    State(state): State<AppState>,
    _: Operator,
) -> Result<Json<Vec<VoucherView>>, ApiError> {
    let all = vouchers::list(&state.db).await?;
    Ok(Json(all.into_iter().map(voucher_view).collect()))
}

/// Revoke an unredeemed voucher: it expires now (operators only).
#[utoipa::path(delete, path = "/api/operator/vouchers/{code}", tag = "guild",
    params(("code" = String, Path, description = "As printed; case and dashes do not matter")),
    responses(
        (status = 200, body = VoucherView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already redeemed or expired", body = ErrorBody),
    ))]
async fn revoke_voucher(
    State(state): State<AppState>,
    _: Operator,
    Path(code): Path<String>,
) -> Result<Json<VoucherView>, ApiError> {
    match vouchers::revoke(&state.db, &code, chrono::Utc::now()).await {
        Ok(voucher) => Ok(Json(voucher_view(voucher))),
        Err(VoucherError::Unknown) => Err(ApiError::NotFound),
        Err(VoucherError::Expired) => Err(ApiError::Conflict {
            code: "voucher_expired",
            message: "this voucher already expired".into(),
        }),
        Err(error) => Err(voucher_error(error)),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct VoucherBatchRequest {
    /// Minor units each voucher is worth.
    amount: i64,
    /// 1 to 1000.
    count: u32,
    /// Days until the codes expire; never when absent.
    #[serde(default)]
    valid_days: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct VoucherBatch {
    /// As printed, e.g. `ABCD-EFGH-JKMN-PQRS`; case and dashes do not matter when redeeming.
    codes: Vec<String>,
}

/// Issue voucher codes (operators only).
#[utoipa::path(post, path = "/api/operator/vouchers", tag = "guild", request_body = VoucherBatchRequest,
    responses((status = 201, body = VoucherBatch), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_vouchers(
    State(state): State<AppState>,
    Operator(operator): Operator,
    ApiJson(body): ApiJson<VoucherBatchRequest>,
) -> Result<(StatusCode, Json<VoucherBatch>), ApiError> {
    let codes = vouchers::create(
        &state.db,
        Money(body.amount),
        body.count,
        body.valid_days,
        Some(operator.id),
    )
    .await
    .map_err(voucher_error)?;
    Ok((StatusCode::CREATED, Json(VoucherBatch { codes })))
}

#[derive(Deserialize, ToSchema)]
pub struct RedeemRequest {
    code: String,
}

/// Redeem a voucher code into the signed-in issuer's Guild.
#[utoipa::path(post, path = "/api/guild/vouchers", tag = "guild", request_body = RedeemRequest,
    responses(
        (status = 201, body = LedgerEntryView),
        (status = 409, description = "Already redeemed", body = ErrorBody),
        (status = 422, description = "Unknown or expired code", body = ErrorBody),
    ))]
async fn redeem_voucher(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    ApiJson(body): ApiJson<RedeemRequest>,
) -> Result<(StatusCode, Json<LedgerEntryView>), ApiError> {
    let entry = vouchers::redeem(&state.db, account.id, &body.code, chrono::Utc::now())
        .await
        .map_err(voucher_error)?;
    Ok((StatusCode::CREATED, Json(entry_view(&state, entry))))
}

pub fn voucher_error(error: VoucherError) -> ApiError {
    match error {
        VoucherError::AlreadyRedeemed => ApiError::Conflict {
            code: "voucher_redeemed",
            message: error.to_string(),
        },
        VoucherError::Unknown | VoucherError::Expired => field_error("code", &error.to_string()),
        VoucherError::BadCount => field_error("count", &error.to_string()),
        VoucherError::Ledger(error) => ledger_error(error),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreditLimitRequest {
    email: String,
    /// Minor units the account may go below zero (postpaid); 0 for prepaid.
    credit_limit: i64,
}

/// Set an account's credit limit (operators only).
#[utoipa::path(put, path = "/api/operator/credit-limits", tag = "guild", request_body = CreditLimitRequest,
    responses((status = 200, body = GuildView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_credit_limit(
    State(state): State<AppState>,
    _: Operator,
    ApiJson(body): ApiJson<CreditLimitRequest>,
) -> Result<Json<GuildView>, ApiError> {
    if !(0..=super::money::MAX_ENTRY).contains(&body.credit_limit) {
        return Err(field_error(
            "credit_limit",
            "Use 0 or a positive amount in minor units.",
        ));
    }
    let target = find_account(&state, &body.email).await?;
    service::set_credit_limit(&state.db, target.id, Money(body.credit_limit))
        .await
        .map_err(ledger_error)?;
    let (view, _) = guild_view(&state, target.id, TimesIn::Utc).await?;
    Ok(Json(view))
}

#[derive(Deserialize, ToSchema)]
pub struct PaymentEvent {
    /// The provider's event id: each is credited once.
    id: String,
    /// Only `payment.succeeded` moves money; other types are acknowledged and ignored.
    #[serde(rename = "type")]
    kind: String,
    data: PaymentData,
}

#[derive(Deserialize, ToSchema)]
pub struct PaymentData {
    account_email: String,
    /// Minor units paid.
    amount: i64,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookOutcome {
    /// `credited`, `duplicate` or `ignored`.
    status: &'static str,
}

/// The payment provider's signed webhook (header `X-Callcard-Signature: t=<unix>,v1=<hex>`,
/// HMAC-SHA256 over `"{t}.{body}"`). Answers 404 when no secret is configured.
#[utoipa::path(post, path = "/api/payments/webhook", tag = "guild", request_body = PaymentEvent,
    responses(
        (status = 200, body = WebhookOutcome),
        (status = 400, description = "Bad signature or body", body = ErrorBody),
        (status = 422, description = "Unknown account or bad amount", body = ErrorBody),
    ))]
async fn payment_webhook(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<WebhookOutcome>, ApiError> {
    use secrecy::ExposeSecret;
    let Some(secret) = &state.settings.payment_webhook_secret else {
        return Err(ApiError::NotFound);
    };
    let signature = headers
        .get(webhook::SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    webhook::verify(
        secret.expose_secret().as_bytes(),
        signature,
        &body,
        chrono::Utc::now().timestamp(),
    )
    .map_err(|error| ApiError::BadRequest {
        code: "bad_signature",
        message: error.to_string(),
    })?;
    let event: PaymentEvent =
        serde_json::from_slice(&body).map_err(|error| ApiError::BadRequest {
            code: "invalid_body",
            message: error.to_string(),
        })?;
    if event.kind != "payment.succeeded" {
        return Ok(Json(WebhookOutcome { status: "ignored" }));
    }
    let target = find_account(&state, &event.data.account_email)
        .await
        .map_err(|_| field_error("data.account_email", "No account has this e-mail."))?;
    let posted = service::post_alone(
        &state.db,
        Posting {
            account_id: target.id,
            kind: EntryKind::Payment,
            amount: Money(event.data.amount),
            reference: Some(&event.id),
            note: &SystemNote::Payment.words(Lang::En),
            created_by: None,
        },
    )
    .await;
    match posted {
        Ok(_) => Ok(Json(WebhookOutcome { status: "credited" })),
        Err(LedgerError::DuplicateReference(_)) => Ok(Json(WebhookOutcome {
            status: "duplicate",
        })),
        Err(error) => Err(ledger_error(error)),
    }
}

async fn find_account(state: &AppState, email: &str) -> Result<account::Model, ApiError> {
    account::Entity::find()
        .filter(account::Column::Email.eq(email.trim().to_lowercase()))
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)
}

pub fn entry_view(state: &AppState, entry: super::entity::entry::Model) -> LedgerEntryView {
    let view = super::view(
        &state.settings.currency,
        Default::default(),
        std::slice::from_ref(&entry),
        None,
        chrono_tz::Tz::UTC,
    );
    view.entries.into_iter().next().expect("one entry")
}

fn field_error(field: &str, message: &str) -> ApiError {
    ApiError::Validation(vec![app::model::FieldError::new(field, message)])
}

pub fn ledger_error(error: LedgerError) -> ApiError {
    match error {
        LedgerError::Rule(rule) => field_error("amount", &rule.to_string()),
        LedgerError::NoGuild => ApiError::NotFound,
        LedgerError::Cap(super::daily_cap::CapError::UnknownZone(_)) => {
            field_error("time_zone", &error.to_string())
        }
        LedgerError::Cap(super::daily_cap::CapError::OutOfRange { .. }) => {
            field_error("daily_cap", &error.to_string())
        }
        LedgerError::DuplicateReference(_) => ApiError::Conflict {
            code: "duplicate_reference",
            message: error.to_string(),
        },
        LedgerError::Database(error) => ApiError::internal_error(&error),
    }
}
