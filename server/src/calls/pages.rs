//! The call-records pages (BRIEF R12): `/dashboard/calls` searches the signed-in issuer's own
//! records by number and dates (`YYYY-MM-DD`, both inclusive) and pages through them;
//! `/dashboard/calls.csv` exports what the same search finds. The page's days and times are the
//! Guild's (the zone whose midnight starts its day, `ledger::daily_cap`); the export's times
//! stay UTC.

use app::model::{CallRecordsView, Page};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::records::{self, RecordQuery};
use crate::auth::SignedIn;
use crate::error::ApiError;
use crate::ledger::daily_cap::midnight;
use crate::render;
use crate::startup::AppState;

/// Records per page on the dashboard.
const PAGE_SIZE: u64 = 50;

/// The search as the form sends it.
#[derive(Debug, Default, Deserialize)]
pub struct RecordSearch {
    #[serde(default)]
    number: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    offset: Option<u64>,
}

impl RecordSearch {
    /// The records query, days counted in `zone`, or what is wrong with the dates.
    fn to_query(&self, zone: Tz) -> Result<RecordQuery, String> {
        let text = app::i18n::records_text(crate::ui_language::current());
        let from = day(&self.from, text.from)?.and_then(|from| day_start(from, zone));
        // "Until" names a day people mean to include.
        let until = day(&self.until, text.until)?
            .and_then(|until| until.checked_add_days(Days::new(1)))
            .and_then(|after| day_start(after, zone));
        Ok(RecordQuery {
            number: Some(self.number.clone()).filter(|n| !n.trim().is_empty()),
            from,
            until,
            limit: Some(PAGE_SIZE),
            offset: self.offset,
        })
    }
}

/// The day typed in a date field, `None` when left empty.
fn day(text: &str, label: &str) -> Result<Option<NaiveDate>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| app::i18n::records_text(crate::ui_language::current()).not_a_date(label, text))
}

/// When `day` began in `zone`; a day the zone skipped entirely begins with the next one.
fn day_start(day: NaiveDate, zone: Tz) -> Option<DateTime<Utc>> {
    midnight(day, zone).or_else(|| midnight(day.succ_opt()?, zone))
}

pub async fn records_page(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    search: Result<Query<RecordSearch>, QueryRejection>,
) -> Result<Response, ApiError> {
    // A mangled query string (say, a bad offset) shows the first page of everything.
    let search = search.map(|Query(search)| search).unwrap_or_default();
    let zone = time_zone(&state, account.id).await?;
    let (query, error) = match search.to_query(zone) {
        Ok(query) => (query, None),
        Err(error) => (RecordQuery::default(), Some(error)),
    };
    let page = records::search(&state.db, account.id, &query, zone).await?;
    let view = CallRecordsView {
        number: search.number,
        from: search.from,
        until: search.until,
        offset: query.offset_within(page.total),
        limit: PAGE_SIZE,
        page,
        currency: state.settings.currency.code().to_string(),
        time_zone: zone.name().to_string(),
        error: error.clone(),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render::page(&state, status, Page::CallRecords { records: view }).await)
}

pub async fn records_csv(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    search: Result<Query<RecordSearch>, QueryRejection>,
) -> Result<Response, ApiError> {
    // A mangled query string (say, a bad offset) shows the first page of everything.
    let search = search.map(|Query(search)| search).unwrap_or_default();
    let zone = time_zone(&state, account.id).await?;
    let query = search
        .to_query(zone)
        .map_err(|message| ApiError::BadRequest {
            code: "invalid_query",
            message,
        })?;
    super::api::csv_response(&state, account.id, query).await
}

async fn time_zone(state: &AppState, account_id: i64) -> Result<Tz, ApiError> {
    crate::ledger::service::time_zone(&state.db, account_id)
        .await
        .map_err(crate::ledger::api_error)
}
