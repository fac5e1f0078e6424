//! The verification routes: `POST /api/verifications` starts a call, `GET
//! /api/verifications/{id}` follows it, `GET /api/verifications` lists the numbers verified.
//! The dashboard's pages (`pages.rs`) start and follow calls through [`begin`] and [`view`].

use app::model::{FieldError, VerificationView};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;
use media_bridge::prompts::LANGUAGES;
use media_bridge::trunk::PhoneNumber;
use media_bridge::verify::{Outcome, Progress};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use utoipa::{OpenApi, ToSchema};

use super::entity::Model;
use super::store::{self, StartError, VerificationState};
use super::{LIMITS, code_digits, new_code};
use crate::auth::CurrentAccount;
use crate::calls::{number, rates};
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/verifications", get(list).post(start))
        .route("/api/verifications/{id}", get(show))
}

#[derive(OpenApi)]
#[openapi(
    paths(start, show, list),
    components(schemas(StartRequest, VerificationView, VerifiedNumbers, ErrorBody))
)]
pub struct ApiDoc;

#[derive(Debug, Deserialize, ToSchema)]
pub struct StartRequest {
    /// As typed, like a card's destination: `010-1234-5678`, `+82 2 3456 1234`.
    pub number: String,
    /// The prompts' language: `ko`, `en`, `ja` or `zh` (default `en`).
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerifiedNumbers {
    /// E.164, oldest first.
    pub numbers: Vec<String>,
}

/// Call a number with a code to type back; the answer shows the code to the issuer.
#[utoipa::path(post, path = "/api/verifications", tag = "calls", operation_id = "start_verification", request_body = StartRequest,
    responses(
        (status = 202, description = "Calling", body = VerificationView),
        (status = 401, body = ErrorBody),
        (status = 409, description = "No trunk, or a verification call is already running", body = ErrorBody),
        (status = 422, description = "Not a number a card could call", body = ErrorBody),
        (status = 429, description = "Too many verification calls today", body = ErrorBody)))]
async fn start(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    ApiJson(body): ApiJson<StartRequest>,
) -> Result<(StatusCode, Json<VerificationView>), ApiError> {
    let row = begin(&state, account.id, &body.number, body.lang.as_deref()).await?;
    Ok((StatusCode::ACCEPTED, Json(view(&state, &row)?)))
}

/// One of your verification calls: where it is, and its code while it runs.
#[utoipa::path(get, path = "/api/verifications/{id}", tag = "calls", operation_id = "show_verification",
    params(("id" = i64, Path, description = "The verification's id")),
    responses((status = 200, body = VerificationView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<VerificationView>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let row = store::owned(&state.db, account.id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(view(&state, &row)?))
}

/// The numbers your cards may ring.
#[utoipa::path(get, path = "/api/verifications", tag = "calls", operation_id = "list_verified_numbers",
    responses((status = 200, body = VerifiedNumbers), (status = 401, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
) -> Result<Json<VerifiedNumbers>, ApiError> {
    Ok(Json(VerifiedNumbers {
        numbers: store::verified_numbers(&state.db, account.id).await?,
    }))
}

/// Checks `typed` as a card destination, records the call within the limits and starts it on
/// its own task. The number is checked exactly as call settings check it: a number that
/// could not be saved is never dialled.
pub async fn begin(
    state: &AppState,
    account_id: i64,
    typed: &str,
    lang: Option<&str>,
) -> Result<Model, ApiError> {
    let ui = crate::ui_language::current();
    let text = app::i18n::phone_numbers_text(ui);
    let bridge = match (&state.bridge, state.trunk_configured()) {
        (Some(bridge), true) => bridge.clone(),
        _ => {
            return Err(ApiError::Conflict {
                code: "no_trunk",
                message: text.no_trunk.into(),
            });
        }
    };
    let refuse = |message: String| ApiError::Validation(vec![FieldError::new("number", message)]);
    let parsed = number::parse(typed, state.settings.default_region)
        .map_err(|error| refuse(error.message(ui)))?;
    rates::classify(&parsed, state.settings.default_region)
        .map_err(|_| refuse(text.not_callable.into()))?;
    let phone = PhoneNumber::parse(&parsed.e164).map_err(|error| refuse(error.to_string()))?;
    let code = new_code();
    let digits = code_digits(&code).ok_or_else(|| ApiError::internal("a code with non-digits"))?;
    let row = store::start(
        &state.db,
        LIMITS,
        account_id,
        &parsed.e164,
        &code,
        Utc::now(),
    )
    .await
    .map_err(|error| match error {
        StartError::AlreadyRunning => ApiError::Conflict {
            code: "verification_running",
            message: text.already_running.into(),
        },
        StartError::TooManyForAccount | StartError::TooManyForNumber => ApiError::TooManyRequests {
            retry_after_secs: LIMITS.window_secs.unsigned_abs(),
        },
        StartError::Database(error) => error.into(),
    })?;
    let language = lang
        .filter(|lang| LANGUAGES.contains(lang))
        .unwrap_or("en")
        .to_owned();
    let db = state.db.clone();
    let id = row.id;
    tokio::spawn(async move {
        let (progress, mut steps) = watch::channel(Progress::Calling);
        let follow = async {
            while steps.changed().await.is_ok() {
                let step = *steps.borrow_and_update();
                if let Err(error) = store::advance(&db, id, step).await {
                    tracing::error!(%error, id, "cannot record a verification call's progress");
                }
            }
        };
        let call = bridge.verify_number(phone, digits, &language, progress);
        let (outcome, ()) = tokio::join!(call, follow);
        let outcome = outcome.unwrap_or_else(|error| {
            tracing::warn!(%error, id, "verification call could not be placed");
            Outcome::Failed
        });
        tracing::info!(id, outcome = outcome.code(), "verification call ended");
        if let Err(error) = store::finish(&db, id, outcome, Utc::now()).await {
            tracing::error!(%error, id, "cannot record a verification call's end");
        }
    });
    Ok(row)
}

/// What the issuer's page and the API show of a verification.
pub fn view(state: &AppState, row: &Model) -> Result<VerificationView, ApiError> {
    let verification_state = VerificationState::from_code(&row.state)?;
    let number = number::parse(&row.number, state.settings.default_region)
        .map(|parsed| parsed.international)
        .unwrap_or_else(|_| row.number.clone());
    Ok(VerificationView {
        id: row.id,
        number,
        state: row.state.clone(),
        running: verification_state.is_running(),
        verified: verification_state == VerificationState::Ended(Outcome::Verified),
        code: row.code.clone().filter(|_| verification_state.is_running()),
        message: message(
            verification_state,
            app::i18n::phone_numbers_text(crate::ui_language::current()),
        )
        .to_owned(),
    })
}

/// For the issuer, in the page's language.
fn message(state: VerificationState, text: &app::i18n::PhoneNumbersText) -> &'static str {
    match state {
        VerificationState::Running(Progress::Calling) => text.calling,
        VerificationState::Running(Progress::Ringing) => text.ringing,
        VerificationState::Running(Progress::WaitingForCode) => text.waiting_for_code,
        VerificationState::Ended(outcome) => match outcome {
            Outcome::Verified => text.done_verified,
            Outcome::WrongCode => text.wrong_code,
            Outcome::NoCode => text.no_code,
            Outcome::HungUp => text.hung_up,
            Outcome::NoAnswer => text.no_answer,
            Outcome::Busy => text.busy,
            Outcome::Declined => text.declined,
            Outcome::Failed => text.failed,
        },
    }
}
