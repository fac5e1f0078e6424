//! Call records (BRIEF R12, R13): an issuer searches their own calls by number and date, pages
//! through them and exports CSV. Records are the `calls` rows the reservation lifecycle writes.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Deserialize;

use super::reservation::entity;

/// At most this many records per page.
pub const MAX_PAGE: u64 = 200;

#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    /// Part of the caller's or callee's number, e.g. `1234`.
    pub number: Option<String>,
    /// RFC 3339; records authorized at or after.
    pub from: Option<DateTime<Utc>>,
    /// RFC 3339; records authorized before.
    pub until: Option<DateTime<Utc>>,
    /// 1 to 200, 50 by default.
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

pub use app::model::{CallRecord, RecordPage};

impl RecordQuery {
    /// The offset asked for, but never past the last record: an offset is a number from the
    /// query string, and one beyond `i64::MAX` cannot be bound as SQL (it panicked).
    pub fn offset_within(&self, total: u64) -> u64 {
        self.offset.unwrap_or(0).min(total)
    }
}

/// The records `query` finds, their times written in `zone` (UTC for the API and exports; the
/// Guild's zone for the page, which shows them as wall-clock times).
pub async fn search(
    db: &DatabaseConnection,
    account_id: i64,
    query: &RecordQuery,
    zone: Tz,
) -> Result<RecordPage, DbErr> {
    let mut condition = Condition::all().add(entity::Column::AccountId.eq(account_id));
    if let Some(number) = query
        .number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        // Compare digits only, without the national trunk prefix, so what people type
        // (`010-1234`) finds the stored E.164 (`+821012345678`).
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        let national = digits.trim_start_matches('0');
        let needle = match (national.is_empty(), digits.is_empty()) {
            (false, _) => national.to_string(),
            (true, false) => digits.clone(),
            (true, true) => number.to_string(),
        };
        condition = condition.add(
            Condition::any()
                .add(entity::Column::CallerNumber.contains(&needle))
                .add(entity::Column::CalleeNumber.contains(&needle)),
        );
    }
    if let Some(from) = query.from {
        condition = condition.add(entity::Column::AuthorizedAt.gte(from));
    }
    if let Some(until) = query.until {
        condition = condition.add(entity::Column::AuthorizedAt.lt(until));
    }
    let select = entity::Entity::find().filter(condition);
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_desc(entity::Column::AuthorizedAt)
        .order_by_desc(entity::Column::Id)
        .limit(query.limit.unwrap_or(50).clamp(1, MAX_PAGE))
        .offset(query.offset_within(total))
        .all(db)
        .await?;
    Ok(RecordPage {
        total,
        records: rows
            .iter()
            .map(|row| record(row, zone))
            .collect::<Result<_, _>>()?,
    })
}

/// A row as its record; unreadable stored legs are an error, never "no legs".
fn record(row: &entity::Model, zone: Tz) -> Result<CallRecord, DbErr> {
    let legs: Vec<super::rates::Rate> = serde_json::from_str(&row.legs).map_err(|error| {
        tracing::error!(call = row.id, %error, "a call's stored legs cannot be read");
        DbErr::Type(format!("call {}: unreadable legs: {error}", row.id))
    })?;
    let time = |at: &DateTime<Utc>| {
        at.with_timezone(&zone)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    Ok(CallRecord {
        id: row.id,
        card_slug: row.card_slug.clone(),
        caller_number: row.caller_number.clone(),
        callee_number: row.callee_number.clone(),
        leg_classes: legs
            .iter()
            .map(|leg| leg.class.code().to_string())
            .collect(),
        answered_on: row.answered_on.map(|on| on.to_string()),
        authorized_at: time(&row.authorized_at),
        answered_at: row.answered_at.as_ref().map(time),
        ended_at: row.ended_at.as_ref().map(time),
        billed_secs: row.billed_secs,
        cost: row.cost,
        // A running call has no outcome yet: its state (`reserved`) says so.
        outcome: row
            .outcome
            .map_or_else(|| row.state.to_string(), |outcome| outcome.to_string()),
        hangup_cause: row.hangup_cause.map(|cause| cause.to_string()),
    })
}

/// The records as CSV (RFC 4180): a header, then one line per record; fields quoted when needed.
pub fn to_csv(records: &[CallRecord]) -> String {
    let mut csv = String::from(
        "id,card,caller,callee,legs,authorized_at,answered_at,ended_at,billed_secs,cost,outcome,hangup_cause,answered_on\r\n",
    );
    for r in records {
        let fields = [
            r.id.to_string(),
            r.card_slug.clone(),
            r.caller_number.clone(),
            r.callee_number.clone(),
            r.leg_classes.join("+"),
            r.authorized_at.clone(),
            r.answered_at.clone().unwrap_or_default(),
            r.ended_at.clone().unwrap_or_default(),
            r.billed_secs.map(|s| s.to_string()).unwrap_or_default(),
            r.cost.map(|c| c.to_string()).unwrap_or_default(),
            r.outcome.clone(),
            r.hangup_cause.clone().unwrap_or_default(),
            r.answered_on.clone().unwrap_or_default(),
        ];
        let line: Vec<String> = fields
            .iter()
            .map(|field| crate::csv::field(field))
            .collect();
        csv.push_str(&line.join(","));
        csv.push_str("\r\n");
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_never_goes_past_the_last_record() {
        let query = |offset| RecordQuery {
            offset,
            ..RecordQuery::default()
        };
        assert_eq!(query(None).offset_within(7), 0);
        assert_eq!(query(Some(5)).offset_within(7), 5);
        assert_eq!(query(Some(u64::MAX)).offset_within(7), 7);
    }

    #[test]
    fn csv_quotes_and_defuses_what_it_must() {
        assert_eq!(
            crate::csv::field("+821012345678"),
            "+821012345678",
            "E.164 stays as it is"
        );
        assert_eq!(
            crate::csv::field(r#"=HYPERLINK("x")"#),
            r#""'=HYPERLINK(""x"")""#
        );
        assert_eq!(crate::csv::field("a,b"), r#""a,b""#);
        assert_eq!(
            crate::csv::field("refused:outside_hours"),
            "refused:outside_hours"
        );
    }
}
