//! The dashboard's numbers pages: `/dashboard/numbers` lists the verified numbers and starts a
//! verification call; `/dashboard/numbers/verifications/{id}` shows its code and follows it.

use app::model::{NumbersView, Page, VerificationView};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::api::{begin, view};
use super::store;
use crate::auth::SignedIn;
use crate::calls::number;
use crate::error::ApiError;
use crate::render;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/numbers", get(numbers_page))
        .route("/dashboard/numbers/verify", post(verify))
        .route(
            "/dashboard/numbers/verifications/{id}",
            get(verification_page),
        )
}

#[derive(Deserialize)]
struct VerifyForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    lang: String,
}

async fn numbers_view(
    state: &AppState,
    account_id: i64,
    form: VerifyForm,
    error: Option<String>,
) -> Result<NumbersView, ApiError> {
    let verified = store::verified_numbers(&state.db, account_id)
        .await?
        .into_iter()
        .map(|e164| {
            number::parse(&e164, state.settings.default_region)
                .map(|parsed| parsed.international)
                .unwrap_or(e164)
        })
        .collect();
    Ok(NumbersView {
        verified,
        number: form.number,
        lang: if form.lang.is_empty() {
            "ko".into()
        } else {
            form.lang
        },
        error,
        can_verify: state.bridge.is_some() && state.trunk_configured(),
    })
}

async fn numbers_page(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
) -> Result<Response, ApiError> {
    let form = VerifyForm {
        number: String::new(),
        lang: String::new(),
    };
    let numbers = numbers_view(&state, account.id, form, None).await?;
    Ok(render::page(&state, StatusCode::OK, Page::Numbers { numbers }).await)
}

async fn verify(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Form(form): Form<VerifyForm>,
) -> Result<Response, ApiError> {
    match begin(&state, account.id, &form.number, Some(&form.lang)).await {
        Ok(row) => Ok(
            Redirect::to(&format!("/dashboard/numbers/verifications/{}", row.id)).into_response(),
        ),
        Err(ApiError::Internal(cause)) => Err(ApiError::Internal(cause)),
        Err(refused) => {
            let status = refused.status();
            let message = match &refused {
                ApiError::Validation(fields) => fields
                    .iter()
                    .map(|field| field.message.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
                ApiError::TooManyRequests { .. } => {
                    app::i18n::phone_numbers_text(crate::ui_language::current())
                        .too_many
                        .to_string()
                }
                other => other.to_string(),
            };
            let numbers = numbers_view(&state, account.id, form, Some(message)).await?;
            Ok(render::page(&state, status, Page::Numbers { numbers }).await)
        }
    }
}

async fn verification_page(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let Some(row) = (match id.parse::<i64>() {
        Ok(id) => store::owned(&state.db, account.id, id).await?,
        Err(_) => None,
    }) else {
        return Ok(render::not_found(&state).await);
    };
    let verification: VerificationView = view(&state, &row)?;
    Ok(render::page(&state, StatusCode::OK, Page::Verification { verification }).await)
}
