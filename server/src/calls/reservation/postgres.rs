//! PostgreSQL's one-statement forms of `reserve`'s and `settle`'s writes (issue 9: throughput).
//! `scripts/bench-pg-ceiling.sh` measured PostgreSQL alone at about 2,800 calls/s for the
//! portable statements and 4,800 for these. SQLite keeps the portable path in the parent
//! module; the model, race and drill tests run on both databases.
//!
//! Each statement takes the rows in the order every step of a call uses — the call, the card's
//! call count, the Guild — because each data-modifying part reads the one before it. A part that
//! must not stand alone (a call-count unit taken without its money held, a call claimed
//! without its hold released) aborts the whole statement through `callcard_abort` (migration
//! 9), so nothing is ever half done.

use app::i18n::SystemNote;
use app::model::Lang;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement};

use super::{CallRequest, Ending, ReservationError, entity, inconsistent, price};
use crate::calls::call_state::CallState;
use crate::calls::rates::Rate;
use crate::cards::entity::card;
use crate::ledger::money::Money;
use crate::ledger::rules::EntryKind;

/// What `callcard_abort` says when the Guild could not hold the call's money.
const NO_MONEY: &str = "callcard: the Guild cannot hold the call";

/// Takes a unit, holds the money and inserts the call; or says which of the first two failed.
/// With a version (`$10`, a cached card's `updated_at`), only if the card still has it. The
/// unit only within the card's own daily cap, if it has one, counted on the card's day that
/// began at `$12` (as `take_unit`). With the start of the Guild's day (`$11`), within its daily
/// cap, counted there (as `hold_more`); without one (a cached card: its Guild's zone is not
/// known), only a Guild without a cap, so a capped one is reserved from a fresh read.
const RESERVE: &str = r#"
WITH fresh AS (
    SELECT id FROM cards WHERE id = $1 AND ($10::timestamptz IS NULL OR updated_at = $10)
), unit AS (
    UPDATE card_call_settings SET call_quota = call_quota - 1,
           day_spent = CASE WHEN daily_cap IS NULL THEN day_spent
                            WHEN day_started_at = $12 THEN day_spent + $3 ELSE $3 END,
           day_started_at = CASE WHEN daily_cap IS NULL THEN day_started_at ELSE $12 END
     WHERE card_id = $1 AND call_quota > 0 AND EXISTS (SELECT 1 FROM fresh)
       AND (daily_cap IS NULL OR
            (CASE WHEN day_started_at = $12 THEN day_spent ELSE 0 END) + $3 <= daily_cap)
    RETURNING card_id
), hold AS (
    UPDATE guilds SET held = held + $3,
           day_spent = CASE WHEN daily_cap IS NULL THEN day_spent
                            WHEN day_started_at = $11 THEN day_spent + $3 ELSE $3 END,
           day_started_at = CASE WHEN daily_cap IS NULL THEN day_started_at ELSE $11 END
     WHERE account_id = $2 AND balance + credit_limit - held - $3 >= 0
       AND (daily_cap IS NULL OR ($11::timestamptz IS NOT NULL AND
            (CASE WHEN day_started_at = $11 THEN day_spent ELSE 0 END) + $3 <= daily_cap))
       AND EXISTS (SELECT 1 FROM unit)
    RETURNING account_id
), call AS (
    INSERT INTO calls (account_id, card_id, card_slug, state, caller_number, callee_number,
                       legs, held, authorized_at, metered_at, run_by)
    SELECT $2, $1, $4, 'reserved', $5, $6, $7, $3, $8, $8, $9 FROM hold
    RETURNING *
)
SELECT (SELECT count(*) FROM fresh) AS fresh, (SELECT count(*) FROM unit) AS units, call.*,
       CASE WHEN (SELECT count(*) FROM unit) > 0 AND (SELECT count(*) FROM hold) = 0
            THEN callcard_abort('callcard: the Guild cannot hold the call') END AS guard
  FROM (SELECT 1) AS one LEFT JOIN call ON true"#;

/// Claims a call as read (same hold, same pick-up; still stale for the sweeper), prices it,
/// gives the unit back if due, releases the hold and debits the Guild, writes the entry; and
/// uncounts from the card's and the Guild's days what the holds did not cost (`$19`) where the
/// day counted holds them all (as `uncount_on_card` and `uncount_unused`). The card's row is
/// taken only when there is something to give it back.
const SETTLE: &str = r#"
WITH claimed AS (
    UPDATE calls
       SET state = 'settled', answered_at = $2, ended_at = $3, outcome = $4,
           hangup_cause = $5, picked_up_at = $6, billed_secs = $7, cost = $8,
           caller_picked_up_at = $18, answered_on = $20, phone_dropped_at = $21
     WHERE id = $1 AND state = 'reserved' AND held = $9
       AND picked_up_at IS NOT DISTINCT FROM $10::timestamptz
       AND ($11::timestamptz IS NULL OR metered_at < $11::timestamptz)
    RETURNING *
), unit AS (
    UPDATE card_call_settings
       SET call_quota = call_quota + CASE WHEN $12::boolean THEN 1 ELSE 0 END,
           day_spent = CASE WHEN daily_cap IS NOT NULL
                             AND day_started_at <= (SELECT authorized_at FROM claimed)
                            THEN GREATEST(day_spent - $19, 0) ELSE day_spent END
     WHERE card_id = (SELECT card_id FROM claimed)
       AND ($12::boolean OR (daily_cap IS NOT NULL AND $19 > 0))
    RETURNING card_id
), released AS (
    UPDATE guilds SET held = held - $17, balance = balance - $8,
           day_spent = CASE WHEN daily_cap IS NOT NULL
                             AND day_started_at <= (SELECT authorized_at FROM claimed)
                            THEN GREATEST(day_spent - $19, 0) ELSE day_spent END
     WHERE account_id = (SELECT account_id FROM claimed) AND held >= $17
       AND (SELECT count(*) FROM unit) >= 0
    RETURNING balance
), entry AS (
    INSERT INTO ledger_entries (account_id, kind, amount, balance_after, reference, note,
                                created_at)
    SELECT (SELECT account_id FROM claimed), $13, -$8::bigint, balance, $14, $15, $16
      FROM released WHERE $8::bigint > 0
    RETURNING id
)
SELECT claimed.*,
       CASE WHEN (SELECT count(*) FROM released) = 0
            THEN callcard_abort('callcard: the Guild holds less than the call') END AS guard,
       (SELECT count(*) FROM entry) AS entries
  FROM claimed"#;

/// The days a reservation counts its hold on: the Guild's (`None`: its zone is not known) and
/// the card's.
pub(super) struct Days {
    pub guild: Option<DateTime<Utc>>,
    pub card: DateTime<Utc>,
}

/// How a one-statement reservation went.
pub(super) enum Reserved {
    Call(Box<entity::Model>),
    /// No unit of the card's call count, or its own daily cap cannot spend the hold.
    NoUnit,
    NoMoney,
    /// The card is gone, or no longer at the version the caller decided on.
    Stale,
}

/// One reservation's values, owned, so that a batch (`batch.rs`) can carry it.
#[derive(Debug, Clone, serde::Serialize)]
pub(super) struct ReserveArgs {
    pub card_id: i64,
    pub account_id: i64,
    pub hold: i64,
    pub slug: String,
    pub caller: String,
    pub callee: String,
    /// The rated legs as stored (JSON text).
    pub legs: String,
    #[serde(serialize_with = "micros")]
    pub at: DateTime<Utc>,
    pub run_by: String,
    #[serde(serialize_with = "micros_or_null")]
    pub version: Option<DateTime<Utc>>,
    #[serde(serialize_with = "micros_or_null")]
    pub guild_day: Option<DateTime<Utc>>,
    #[serde(serialize_with = "micros")]
    pub card_day: DateTime<Utc>,
}

impl ReserveArgs {
    pub fn new(
        card: &card::Model,
        request: &CallRequest<'_>,
        now: DateTime<Utc>,
        hold: Money,
        version: Option<DateTime<Utc>>,
        days: Days,
    ) -> ReserveArgs {
        let legs: Vec<&Rate> = request.legs.iter().flatten().collect();
        ReserveArgs {
            card_id: card.id,
            account_id: card.account_id,
            hold: hold.0,
            slug: card.slug.clone(),
            caller: request.caller_number.to_owned(),
            callee: request.callee_number.to_owned(),
            legs: serde_json::to_string(&legs).expect("rates always serialise"),
            at: now,
            run_by: request.run_by.to_owned(),
            version,
            guild_day: days.guild,
            card_day: days.card,
        }
    }
}

/// A time as PostgreSQL stores it, in whole microseconds, cut (not rounded) as the driver
/// sends a bound time: a batch's times are then the very ones a single statement would store.
pub(super) fn micros<S: serde::Serializer>(at: &DateTime<Utc>, to: S) -> Result<S::Ok, S::Error> {
    to.serialize_str(&at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
}

pub(super) fn micros_or_null<S: serde::Serializer>(
    at: &Option<DateTime<Utc>>,
    to: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => micros(at, to),
        None => to.serialize_none(),
    }
}

pub(super) async fn reserve(
    db: &DatabaseConnection,
    args: &ReserveArgs,
) -> Result<Reserved, DbErr> {
    let statement = Statement::from_sql_and_values(
        DbBackend::Postgres,
        RESERVE,
        [
            args.card_id.into(),
            args.account_id.into(),
            args.hold.into(),
            args.slug.clone().into(),
            args.caller.clone().into(),
            args.callee.clone().into(),
            args.legs.clone().into(),
            args.at.into(),
            args.run_by.clone().into(),
            args.version.into(),
            args.guild_day.into(),
            args.card_day.into(),
        ],
    );
    let row = match db.query_one_raw(statement).await {
        Ok(row) => row.ok_or_else(|| DbErr::RecordNotFound("reserve's row".into()))?,
        Err(error) if error.to_string().contains(NO_MONEY) => return Ok(Reserved::NoMoney),
        Err(error) => return Err(error),
    };
    if row.try_get::<i64>("", "fresh")? == 0 {
        return Ok(Reserved::Stale);
    }
    if row.try_get::<i64>("", "units")? == 0 {
        return Ok(Reserved::NoUnit);
    }
    Ok(Reserved::Call(Box::new(entity::Model::from_query_result(
        &row, "",
    )?)))
}

/// One settlement's values, priced from the call's row as `settle` claims it (its hold, its
/// pick-up): the claim succeeds only if the row is still that one.
#[derive(Debug, Clone, serde::Serialize)]
pub(super) struct SettleArgs {
    pub call_id: i64,
    #[serde(serialize_with = "micros_or_null")]
    pub answered_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "micros")]
    pub ended_at: DateTime<Utc>,
    pub outcome: String,
    pub hangup_cause: String,
    #[serde(serialize_with = "micros_or_null")]
    pub picked_up_at: Option<DateTime<Utc>>,
    pub billed_secs: i32,
    pub charge: i64,
    pub believed_held: i64,
    #[serde(serialize_with = "micros_or_null")]
    pub believed_picked_up_at: Option<DateTime<Utc>>,
    /// The call-count unit goes back to the card (the call was not answered).
    pub give_back: bool,
    pub reference: String,
    pub note: String,
    #[serde(serialize_with = "micros")]
    pub entry_at: DateTime<Utc>,
    pub release: i64,
    #[serde(serialize_with = "micros_or_null")]
    pub caller_picked_up_at: Option<DateTime<Utc>>,
    /// What the holds counted on the days and the call did not cost.
    pub uncount: i64,
    pub answered_on: Option<String>,
    #[serde(serialize_with = "micros_or_null")]
    pub phone_dropped_at: Option<DateTime<Utc>>,
}

impl SettleArgs {
    pub fn new(call: &entity::Model, ending: &Ending) -> Result<SettleArgs, ReservationError> {
        let picked_up_at = ending.picked_up_at.or(call.picked_up_at);
        let caller_picked_up_at = ending.caller_picked_up_at.or(call.caller_picked_up_at);
        let (settlement, give_back) = price(call, ending, picked_up_at, caller_picked_up_at)?;
        Ok(SettleArgs {
            call_id: call.id,
            answered_at: ending.answered_at,
            ended_at: ending.ended_at,
            outcome: ending.outcome.to_string(),
            hangup_cause: ending.hangup_cause.to_string(),
            picked_up_at,
            billed_secs: settlement.billed_secs as i32,
            charge: settlement.charge.0,
            believed_held: call.held,
            believed_picked_up_at: call.picked_up_at,
            give_back,
            reference: format!("call:{}", call.id),
            note: SystemNote::Call {
                id: call.id,
                slug: &call.card_slug,
            }
            .words(Lang::En),
            entry_at: Utc::now(),
            release: settlement.release.0,
            caller_picked_up_at,
            uncount: settlement.release.0 - settlement.charge.0,
            answered_on: ending
                .answered_on
                .or(call.answered_on)
                .map(|on| on.to_string()),
            phone_dropped_at: ending.phone_dropped_at.or(call.phone_dropped_at),
        })
    }
}

/// Settles in one statement, from `believed` (the row as the caller last knew it) or else the
/// row read first; reads again whenever the claim finds the row changed (an `extend` raised its
/// hold, a pick-up was stored).
pub(super) async fn settle(
    db: &DatabaseConnection,
    call_id: i64,
    ending: Ending,
    stale_before: Option<DateTime<Utc>>,
    mut believed: Option<entity::Model>,
) -> Result<entity::Model, ReservationError> {
    use sea_orm::EntityTrait;
    // Each lost round means another step of this call committed meanwhile; a call has few.
    for _ in 0..16 {
        let call = match believed.take() {
            Some(call) => call,
            None => entity::Entity::find_by_id(call_id)
                .one(db)
                .await?
                .ok_or(ReservationError::UnknownCall)?,
        };
        let still_stale = stale_before.is_none_or(|cutoff| {
            call.metered_at
                .is_some_and(|metered_at| metered_at < cutoff)
        });
        if call.state != CallState::Reserved || !still_stale {
            // Already settled (or a refusal, or stamped since the sweeper looked).
            return Ok(call);
        }
        let args = SettleArgs::new(&call, &ending)?;
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            SETTLE,
            [
                call_id.into(),
                args.answered_at.into(),
                args.ended_at.into(),
                ending.outcome.into(),
                ending.hangup_cause.into(),
                args.picked_up_at.into(),
                args.billed_secs.into(),
                args.charge.into(),
                args.believed_held.into(),
                args.believed_picked_up_at.into(),
                stale_before.into(),
                args.give_back.into(),
                EntryKind::CallDebit.code().into(),
                args.reference.clone().into(),
                args.note.clone().into(),
                args.entry_at.into(),
                args.release.into(),
                args.caller_picked_up_at.into(),
                args.uncount.into(),
                ending.answered_on.or(call.answered_on).into(),
                args.phone_dropped_at.into(),
            ],
        );
        let settled = db.query_one_raw(statement).await.map_err(|error| {
            if error.to_string().contains("callcard: the Guild holds less") {
                inconsistent(call_id, "its Guild holds less than the call, or is gone")
            } else {
                ReservationError::Database(error)
            }
        })?;
        if let Some(row) = settled {
            return Ok(entity::Model::from_query_result(&row, "")?);
        }
    }
    Err(inconsistent(
        call_id,
        "it kept changing while being settled",
    ))
}
