//! A card's usage, for its issuer (issue 11, BRIEF R13): the page
//! `/dashboard/cards/{slug}/usage` draws it as charts, `GET /api/cards/{slug}/usage` answers it
//! as JSON. Both read the same `CardUsageView`, counted by the pure rules of `usage.rs`.

use app::model::{CardUsageView, Page, UsageDay};
use app::pages::usage::PERIODS;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use serde::Deserialize;

use super::entity::call_settings;
use super::pages::card_error;
use super::service::CardError;
use super::usage::{self, CallRow, Window};
use super::views::{self, hour_of};
use crate::auth::{CurrentAccount, SignedIn};
use crate::calls::reservation::entity as call;
use crate::error::ApiError;
use crate::ledger::daily_cap;
use crate::ledger::money::Money;
use crate::render;
use crate::startup::AppState;

#[derive(utoipa::OpenApi)]
#[openapi(paths(usage_api), components(schemas(CardUsageView, UsageDay)))]
pub struct ApiDoc;

/// The period shown when none is asked for, in days.
const DEFAULT_PERIOD: u32 = 30;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/cards/{slug}/usage", get(usage_page))
        .route("/api/cards/{slug}/usage", get(usage_api))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// 7, 30 or 90 (default 30).
    days: Option<u32>,
}

async fn usage_page(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Path(slug): Path<String>,
    Query(query): Query<UsageQuery>,
) -> Response {
    // The page's own links offer the periods; anything else shows the default one.
    let period = query
        .days
        .filter(|days| PERIODS.contains(days))
        .unwrap_or(DEFAULT_PERIOD);
    match card_usage(&state, account.id, &slug, period, Utc::now()).await {
        Ok(usage) => render::page(&state, StatusCode::OK, Page::CardUsage { usage }).await,
        Err(CardError::NotFound) => render::not_found(&state).await,
        Err(error) => card_error(error).into_response(),
    }
}

/// A card's views, calls, talk time and spend per day.
#[utoipa::path(get, path = "/api/cards/{slug}/usage", tag = "cards",
    params(("slug" = String, Path, description = "The card's address"), UsageQuery),
    responses(
        (status = 200, body = CardUsageView),
        (status = 401, body = crate::error::ErrorBody),
        (status = 400, description = "`days` is not 7, 30 or 90", body = crate::error::ErrorBody),
        (status = 404, description = "No such card of the signed-in issuer", body = crate::error::ErrorBody),
    ))]
pub async fn usage_api(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
    Query(query): Query<UsageQuery>,
) -> Result<Json<CardUsageView>, ApiError> {
    let period = match query.days {
        None => DEFAULT_PERIOD,
        Some(days) if PERIODS.contains(&days) => days,
        Some(_) => {
            return Err(ApiError::BadRequest {
                code: "invalid_days",
                message: "days is 7, 30 or 90".into(),
            });
        }
    };
    let usage = card_usage(&state, account.id, &slug, period, Utc::now())
        .await
        .map_err(card_error)?;
    Ok(Json(usage))
}

/// The usage of the issuer's card `slug` over the last `period` days up to `now`, with every
/// view counted so far (this process's pending ones are stored first).
async fn card_usage(
    state: &AppState,
    owner: i64,
    slug: &str,
    period: u32,
    now: DateTime<Utc>,
) -> Result<CardUsageView, CardError> {
    let db = &state.db;
    let cards = state.cards();
    let row = cards.owned_model(owner, slug).await?;
    let card = cards.view(&row).await?;
    state.card_views.flush(db).await?;
    let unreadable = |error: &dyn std::fmt::Display| {
        DbErr::Custom(format!("card {slug}: the zone of its days: {error}"))
    };
    let zone = match call_settings::Entity::find_by_id(row.id).one(db).await? {
        Some(settings) => daily_cap::zone(&settings.time_zone).map_err(|e| unreadable(&e))?,
        None => crate::ledger::service::time_zone(db, owner)
            .await
            .map_err(|e| unreadable(&e))?,
    };
    let window = Window::ending(now, zone, period);
    let viewed: Vec<(i64, i64)> = views::entity::Entity::find()
        .select_only()
        .column(views::entity::Column::Hour)
        .column(views::entity::Column::Views)
        .filter(views::entity::Column::CardId.eq(row.id))
        .filter(views::entity::Column::Hour.gte(hour_of(window.starts_at)))
        .into_tuple()
        .all(db)
        .await?;
    let calls: Vec<CallRow> = call::Entity::find()
        .select_only()
        .column(call::Column::AuthorizedAt)
        .column(call::Column::AnsweredAt)
        .column(call::Column::BilledSecs)
        .column(call::Column::Cost)
        .filter(call::Column::CardId.eq(row.id))
        .filter(call::Column::AuthorizedAt.gte(window.starts_at))
        .into_tuple::<(
            DateTime<Utc>,
            Option<DateTime<Utc>>,
            Option<i32>,
            Option<i64>,
        )>()
        .all(db)
        .await?
        .into_iter()
        .map(|(authorized_at, answered_at, billed_secs, cost)| CallRow {
            authorized_at,
            answered: answered_at.is_some(),
            billed_secs: billed_secs.map(i64::from),
            cost,
        })
        .collect();
    let currency = &state.settings.currency;
    let days: Vec<UsageDay> = usage::per_day(&window, &viewed, &calls)
        .into_iter()
        .map(|day| UsageDay {
            date: day.date.format("%Y-%m-%d").to_string(),
            views: day.views,
            calls: day.calls,
            answered: day.answered,
            talk_secs: day.talk_secs,
            spend: day.spend,
            spend_display: currency.format(Money(day.spend)),
        })
        .collect();
    let spend_total = days.iter().map(|day| day.spend).sum();
    Ok(CardUsageView {
        slug: row.slug,
        name: card.content(card.default_lang).name.clone(),
        time_zone: zone.name().to_string(),
        period,
        currency: currency.code().to_string(),
        days,
        spend_total_display: currency.format(Money(spend_total)),
    })
}
