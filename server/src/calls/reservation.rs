//! Reservations (BRIEF R8, R11, R12): the lifecycle of a call's money and call count.
//!
//! `reserve` runs `authorize` (pure) and then, in one transaction, takes a unit of the card's
//! call count and holds the grant's money in `guilds.held` — each with a conditional update,
//! so two callers at once can never both take the last unit or the last won. Each update also
//! counts the hold on its row's day where that row has a daily cap (the card's own, the
//! Guild's: `ledger/daily_cap.rs`), within the cap, so racing calls never pass either. Every attempt
//! leaves a row in `calls`: refused ones straight away, granted ones as `reserved`.
//! `extend` holds the next interval while the call runs; when the Guild cannot give a whole one,
//! it holds what is left and says this is the last: the media side warns and ends the call when
//! `covered_secs` is reached (R11). `settle` ends the reservation exactly once: debits the
//! exact cost (a `call_debit` entry whose reference is the call), releases the hold, and gives the
//! call-count unit back unless the call was answered. Settling again is harmless.
//!
//! Every step of a running call claims the call's row before it computes anything and before it
//! touches the Guild (`UPDATE … WHERE state = 'reserved' RETURNING …`), so the steps of one
//! call are serialised on that row, always lock in the same order (the call, the card's call
//! count, the Guild — `reserve` too, so different calls of one card never wait on each other in
//! a circle), and compute from what the row holds at that moment. Writes that must change one row check that
//! they did; a row that is not what it must be (unreadable legs, a Guild holding less than the
//! call) is an `Inconsistent` error and a log line, never a silent default. The arithmetic is
//! `metering.rs`.
//!
//! Every step that shows the call is alive (reserve, `answer`, `extend`) stamps `metered_at`.
//! `sweep_stale` settles calls whose stamp is older than a TTL, up to that stamp: a process that
//! dies mid-call leaves no hold behind, and no money is lost or created.

use app::i18n::SystemNote;
use app::model::Lang;
use chrono::{DateTime, Utc};
use media_bridge::call::CallOutcome;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, QueryFilter, Set, TransactionTrait,
};

use super::authorize::{self, Bound, CardState, Funds, Grant, Refusal};
use super::call_state::{AnsweredOn, CallState, Outcome, RecordedCause};
use super::card_cache::{CachedCard, CardCache};
use super::metering::{CallLegs, LegTimes, Settlement};
use super::rates::Rate;
use crate::cards::call_settings;
use crate::cards::entity::{call_settings as call_settings_row, card};
use crate::ledger::daily_cap::{CapError, Today};
use crate::ledger::entity::guild;
use crate::ledger::money::Money;
use crate::ledger::rules::EntryKind;
use crate::ledger::service::{self as ledger, LedgerError, Posting};

mod batch;
mod postgres;

pub use batch::{BatchCounts, Batches};

pub mod entity {
    use sea_orm::entity::prelude::*;

    use crate::calls::call_state::{AnsweredOn, CallState, Outcome, RecordedCause};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "calls")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub card_id: Option<i64>,
        pub card_slug: String,
        pub state: CallState,
        pub caller_number: String,
        pub callee_number: String,
        pub legs: String,
        pub held: i64,
        pub authorized_at: ChronoDateTimeUtc,
        pub answered_at: Option<ChronoDateTimeUtc>,
        pub ended_at: Option<ChronoDateTimeUtc>,
        pub billed_secs: Option<i32>,
        pub cost: Option<i64>,
        pub outcome: Option<Outcome>,
        pub hangup_cause: Option<RecordedCause>,
        /// When a live process last vouched for the running call (reserve, answer, extend, and
        /// its process's stamp every few seconds).
        pub metered_at: Option<ChronoDateTimeUtc>,
        /// When the issuer's phone picked up, before the key press that accepts.
        pub picked_up_at: Option<ChronoDateTimeUtc>,
        /// The node (process) that runs the call.
        pub run_by: Option<String>,
        /// When a callback's caller picked up their phone (issue 10); their leg is billed
        /// from here.
        pub caller_picked_up_at: Option<ChronoDateTimeUtc>,
        /// Where the issuer accepted (issue 11: phone and page may ring at once).
        pub answered_on: Option<AnsweredOn>,
        /// Ringing both: when the issuer's phone, picked up, was let go for the page.
        pub phone_dropped_at: Option<ChronoDateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[derive(Debug, thiserror::Error)]
pub enum ReservationError {
    #[error("the call was refused: {0}")]
    Refused(Refusal),
    #[error("no such card")]
    UnknownCard,
    #[error("no such call")]
    UnknownCall,
    #[error("the call is no longer running")]
    NotRunning,
    /// A row was not what every step of a call relies on (issue 9: fail loudly).
    #[error("call {call_id} is inconsistent: {what}")]
    Inconsistent { call_id: i64, what: String },
    /// The Guild's stored daily cap cannot be read (never taken as "no cap").
    #[error("the Guild's daily cap cannot be read: {0}")]
    UnreadableCap(#[from] CapError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

pub struct CallRequest<'a> {
    pub card_slug: &'a str,
    /// E.164 of the number called back, or `browser`.
    pub caller_number: &'a str,
    pub callee_number: &'a str,
    pub caller_region: Option<&'a str>,
    /// The call's legs, rated (None: no rate for that leg).
    pub legs: Vec<Option<Rate>>,
    /// Seconds of talk to hold money for at a time.
    pub hold_secs: u32,
    /// The node that will run the call (`Settings::node`).
    pub run_by: &'a str,
}

/// A granted call: its id and the grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub call_id: i64,
    pub grant: Grant,
    /// The call's row as reserved: what [`settle_believed`] may start from.
    pub row: entity::Model,
}

pub async fn reserve(
    db: &DatabaseConnection,
    request: CallRequest<'_>,
    now: DateTime<Utc>,
) -> Result<Reservation, ReservationError> {
    let found = card_for_call(db, request.card_slug)
        .await?
        .ok_or(ReservationError::UnknownCard)?;
    reserve_found(db, None, found, request, now).await
}

/// [`reserve`] through `cache`: on PostgreSQL a card already cached is reserved in one
/// statement, which also checks the card is unchanged since it was cached; whatever that path
/// cannot grant outright (a refusal, a Guild short of a whole interval, a card edited since) is
/// decided again from a fresh read, which refreshes the cache. SQLite reads every time: its
/// portable path has no one-statement check, and its reads are local. With `batches`
/// (PostgreSQL), the statement may carry other calls' reservations too (`batch.rs`).
pub async fn reserve_with_cache(
    db: &DatabaseConnection,
    batches: Option<&Batches>,
    cache: &CardCache,
    request: CallRequest<'_>,
    now: DateTime<Utc>,
) -> Result<Reservation, ReservationError> {
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    if postgres
        && let Some(cached) = cache.get(request.card_slug)
        && let Some(reservation) = reserve_cached(db, batches, &cached, &request, now).await?
    {
        return Ok(reservation);
    }
    let found = card_for_call(db, request.card_slug)
        .await?
        .ok_or(ReservationError::UnknownCard)?;
    if postgres {
        cache.put(&found);
    }
    reserve_found(db, batches, found, request, now).await
}

/// PostgreSQL's one-statement reservation, alone or in a batch.
async fn reserve_on_postgres(
    db: &DatabaseConnection,
    batches: Option<&Batches>,
    args: postgres::ReserveArgs,
) -> Result<postgres::Reserved, DbErr> {
    match batches {
        Some(batches) => batches.reserve(args).await,
        None => postgres::reserve(db, &args).await,
    }
}

/// Reserves on PostgreSQL from a cached card, deciding as if the Guild had any amount
/// (`authorize::ANY_GUILD`): the statement holds the money only if the Guild has it all, and
/// runs only if the card's `updated_at` is still the cached one. `None`, having changed
/// nothing, when only a fresh read can decide: a refusal, not enough money or call count, a
/// card changed since it was cached.
pub async fn reserve_cached(
    db: &DatabaseConnection,
    batches: Option<&Batches>,
    cached: &CachedCard,
    request: &CallRequest<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Reservation>, ReservationError> {
    let state = card_state(&cached.card, cached.settings.as_ref());
    let Ok(grant) = authorize::authorize(
        &state,
        authorize::ANY_GUILD,
        &request.legs,
        request.caller_region,
        now,
        request.hold_secs,
    ) else {
        return Ok(None);
    };
    let version = Some(cached.card.updated_at);
    // The card's cap is checked by the statement, on the card's day; the Guild's zone is not
    // cached, so a capped Guild is left to a fresh read.
    let card_day = cached
        .settings
        .as_ref()
        .map(|settings| Today::of_card(settings, now))
        .transpose()?;
    let days = postgres::Days {
        guild: None,
        card: card_day.map_or(now, |today| today.starts_at),
    };
    Ok(
        match reserve_on_postgres(
            db,
            batches,
            postgres::ReserveArgs::new(&cached.card, request, now, grant.hold, version, days),
        )
        .await?
        {
            postgres::Reserved::Call(row) => Some(Reservation {
                call_id: row.id,
                grant,
                row: *row,
            }),
            postgres::Reserved::NoUnit
            | postgres::Reserved::NoMoney
            | postgres::Reserved::Stale => None,
        },
    )
}

/// What `authorize` needs of a card. A card without a settings row has the defaults (no call
/// count, so it is refused).
fn card_state(card: &card::Model, settings: Option<&call_settings_row::Model>) -> CardState {
    CardState {
        published: card.published,
        settings: settings.map(call_settings::from_row).unwrap_or_default(),
    }
}

/// [`reserve`] on a card the caller has already read with [`card_for_call`] (the bridge's
/// authority reads it to route the call first).
pub async fn reserve_found(
    db: &DatabaseConnection,
    batches: Option<&Batches>,
    found: CardForCall,
    request: CallRequest<'_>,
    now: DateTime<Utc>,
) -> Result<Reservation, ReservationError> {
    let CardForCall {
        card,
        settings,
        guild: guild_row,
    } = found;
    let guild_state = guild_row.as_ref().map(ledger::state_of).unwrap_or_default();
    let today = guild_row
        .as_ref()
        .map(|guild| Today::of(guild, now))
        .transpose()?;
    let card_today = settings
        .as_ref()
        .map(|settings| Today::of_card(settings, now))
        .transpose()?;
    let funds = Funds {
        guild: guild_state,
        cap_left: today.and_then(|today| today.left()),
    }
    .capped_by(card_today.and_then(|today| today.left()));
    // A card without a Guild (or call settings) is refused before any hold, so its day is moot.
    let day_start = today.map_or(now, |today| today.starts_at);
    let card_day_start = card_today.map_or(now, |today| today.starts_at);
    let state = card_state(&card, settings.as_ref());
    let decision = authorize::authorize(
        &state,
        funds,
        &request.legs,
        request.caller_region,
        now,
        request.hold_secs,
    );
    let grant = match decision {
        Ok(grant) => grant,
        Err(refusal) => return Err(refused(db, &card, &request, now, refusal).await?),
    };

    if db.get_database_backend() == DbBackend::Postgres {
        let days = postgres::Days {
            guild: Some(day_start),
            card: card_day_start,
        };
        let args = postgres::ReserveArgs::new(&card, &request, now, grant.hold, None, days);
        return match reserve_on_postgres(db, batches, args).await? {
            postgres::Reserved::Call(row) => Ok(Reservation {
                call_id: row.id,
                grant,
                row: *row,
            }),
            postgres::Reserved::NoUnit => {
                let refusal = card_shortfall(db, card.id, grant.hold, now).await?;
                Err(refused(db, &card, &request, now, refusal).await?)
            }
            // Without a version to check, only a card deleted since it was read is "stale".
            postgres::Reserved::Stale => Err(ReservationError::UnknownCard),
            postgres::Reserved::NoMoney => {
                let refusal = shortfall(db, card.account_id, grant.hold, now).await?;
                Err(refused(db, &card, &request, now, refusal).await?)
            }
        };
    }
    let transaction = db.begin().await?;
    if !take_unit(&transaction, card.id, grant.hold.0, card_day_start).await? {
        drop(transaction);
        let refusal = card_shortfall(db, card.id, grant.hold, now).await?;
        return Err(refused(db, &card, &request, now, refusal).await?);
    }
    if !hold_more(&transaction, card.account_id, grant.hold.0, day_start).await? {
        // Another call took the money or the day's cap since `authorize` looked.
        drop(transaction);
        let refusal = shortfall(db, card.account_id, grant.hold, now).await?;
        return Err(refused(db, &card, &request, now, refusal).await?);
    }
    let call = record(&card, &request, now, CallState::Reserved, grant.hold, None)
        .insert(&transaction)
        .await?;
    transaction.commit().await?;
    Ok(Reservation {
        call_id: call.id,
        grant,
        row: call,
    })
}

/// A card as a call finds it: the card, its call settings and its issuer's Guild.
pub struct CardForCall {
    pub card: card::Model,
    pub settings: Option<call_settings_row::Model>,
    pub guild: Option<guild::Model>,
}

/// The card `slug`, its call settings and its issuer's Guild, read in one round trip (issue 9:
/// these were three reads before `reserve`'s transaction, and two more in the authority).
pub async fn card_for_call(
    db: &DatabaseConnection,
    slug: &str,
) -> Result<Option<CardForCall>, DbErr> {
    use sea_orm::sea_query::{Alias, Query};
    use sea_orm::{FromQueryResult, IdenStatic, Iterable};
    let mut query = Query::select();
    for column in card::Column::iter() {
        query.expr_as(
            Expr::col((card::Entity, column)),
            Alias::new(format!("c_{}", column.as_str())),
        );
    }
    for column in call_settings_row::Column::iter() {
        query.expr_as(
            Expr::col((call_settings_row::Entity, column)),
            Alias::new(format!("s_{}", column.as_str())),
        );
    }
    for column in guild::Column::iter() {
        query.expr_as(
            Expr::col((guild::Entity, column)),
            Alias::new(format!("g_{}", column.as_str())),
        );
    }
    query
        .from(card::Entity)
        .left_join(
            call_settings_row::Entity,
            Expr::col((call_settings_row::Entity, call_settings_row::Column::CardId))
                .equals((card::Entity, card::Column::Id)),
        )
        .left_join(
            guild::Entity,
            Expr::col((guild::Entity, guild::Column::AccountId))
                .equals((card::Entity, card::Column::AccountId)),
        )
        .and_where(Expr::col((card::Entity, card::Column::Slug)).eq(slug));
    let Some(row) = db.query_one(&query).await? else {
        return Ok(None);
    };
    Ok(Some(CardForCall {
        card: card::Model::from_query_result(&row, "c_")?,
        settings: call_settings_row::Model::from_query_result_optional(&row, "s_")?,
        guild: guild::Model::from_query_result_optional(&row, "g_")?,
    }))
}

/// Records an attempt refused before `reserve` could run — the card cannot be routed at all —
/// and hands back the refusal (R12: every attempt leaves a record).
pub async fn refuse(
    db: &DatabaseConnection,
    request: &CallRequest<'_>,
    now: DateTime<Utc>,
    refusal: Refusal,
) -> Result<ReservationError, ReservationError> {
    let card = card::Entity::find()
        .filter(card::Column::Slug.eq(request.card_slug))
        .one(db)
        .await?
        .ok_or(ReservationError::UnknownCard)?;
    Ok(refused(db, &card, request, now, refusal).await?)
}

/// Leaves the record of a refused attempt (R12: refused ones too) and hands back the refusal.
async fn refused(
    db: &DatabaseConnection,
    card: &card::Model,
    request: &CallRequest<'_>,
    now: DateTime<Utc>,
    refusal: Refusal,
) -> Result<ReservationError, DbErr> {
    record(
        card,
        request,
        now,
        CallState::Refused,
        Money::ZERO,
        Some(Outcome::Refused(refusal.bridge_code())),
    )
    .insert(db)
    .await?;
    Ok(ReservationError::Refused(refusal))
}

fn record(
    card: &card::Model,
    request: &CallRequest<'_>,
    now: DateTime<Utc>,
    state: CallState,
    held: Money,
    outcome: Option<Outcome>,
) -> entity::ActiveModel {
    let legs: Vec<&Rate> = request.legs.iter().flatten().collect();
    entity::ActiveModel {
        account_id: Set(card.account_id),
        card_id: Set(Some(card.id)),
        card_slug: Set(card.slug.clone()),
        state: Set(state),
        caller_number: Set(request.caller_number.to_string()),
        callee_number: Set(request.callee_number.to_string()),
        legs: Set(serde_json::to_string(&legs).expect("rates always serialise")),
        held: Set(held.0),
        authorized_at: Set(now),
        metered_at: Set(Some(now)),
        outcome: Set(outcome),
        run_by: Set((state == CallState::Reserved).then(|| request.run_by.to_owned())),
        ..Default::default()
    }
}

/// The money held for a running call after `extend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extended {
    pub held: Money,
    /// Seconds of talk everything held so far pays for.
    pub covered_secs: u32,
    /// No further interval can be held: warn now, end at `covered_secs`.
    pub last: bool,
    /// With `last`: whether the Guild's money or its daily cap ran short.
    pub bound: Bound,
}

/// Holds money for `hold_secs` more of a running call (see the module header).
///
/// Claims the call's row first (the stamp of `metered_at`), then touches the Guild: every step
/// of a call locks in that order, so `extend` and `settle` of one call can neither deadlock
/// nor act on a stale `held`.
pub async fn extend(
    db: &DatabaseConnection,
    call_id: i64,
    hold_secs: u32,
    now: DateTime<Utc>,
) -> Result<Extended, ReservationError> {
    let transaction = db.begin().await?;
    let call = claim_running(&transaction, call_id, now).await?;
    let legs = stored_legs(&call)?;
    let held = Money(call.held);
    let mut extra = legs.next_hold(held, hold_secs).0;
    let mut last = false;
    let mut bound = Bound::Guild;
    // The card's own cap first: every step takes the call, then the card, then the Guild.
    let card_day = match call.card_id {
        Some(card_id) => card_today(&transaction, card_id, now)
            .await?
            .filter(|today| today.cap.is_some())
            .map(|today| (card_id, today)),
        None => None,
    };
    if let Some((card_id, today)) = card_day
        && !count_on_card(&transaction, card_id, extra, today.starts_at).await?
    {
        // Only part of an interval left on the card's day: that part, and the last one (a
        // card whose cap was lifted since, or which is gone, bounds nothing).
        let left = card_today(&transaction, card_id, now)
            .await?
            .and_then(|today| today.left());
        if let Some(left) = left {
            last = true;
            bound = Bound::DailyCap;
            extra = Ord::min(extra, left.0);
            if !count_on_card(&transaction, card_id, extra, today.starts_at).await? {
                extra = 0;
            }
        }
    }
    // Its zone says which day the hold counts on; the hold itself re-checks the row.
    let guild = guild::Entity::find_by_id(call.account_id)
        .one(&transaction)
        .await?
        .ok_or_else(|| inconsistent(call_id, "its issuer has no Guild"))?;
    let today = Today::of(&guild, now)?;
    if !hold_more(&transaction, call.account_id, extra, today.starts_at).await? {
        // Not a whole interval left: hold whatever is, and make this the last one.
        last = true;
        let guild = guild::Entity::find_by_id(call.account_id)
            .one(&transaction)
            .await?
            .ok_or_else(|| inconsistent(call_id, "its issuer has no Guild"))?;
        let funds = Funds {
            guild: ledger::state_of(&guild),
            cap_left: Today::of(&guild, now)?.left(),
        };
        let (spendable, spendable_bound) = funds.spendable();
        bound = spendable_bound;
        let mut taken = Ord::min(extra, Ord::max(spendable.0, 0));
        if !hold_more(&transaction, call.account_id, taken, today.starts_at).await? {
            taken = 0;
        }
        // The card's day counted what the Guild could not hold.
        if let Some((card_id, _)) = card_day {
            uncount_on_card(&transaction, card_id, Money(extra - taken), now).await?;
        }
        extra = taken;
    }
    let updated = entity::Entity::update_many()
        .col_expr(
            entity::Column::Held,
            Expr::col(entity::Column::Held).add(extra),
        )
        .filter(entity::Column::Id.eq(call_id))
        .filter(entity::Column::State.eq(CallState::Reserved))
        .exec(&transaction)
        .await?
        .rows_affected;
    expect_one_row(call_id, updated, "raising its hold")?;
    transaction.commit().await?;
    let held = Money(call.held + extra);
    Ok(Extended {
        held,
        covered_secs: legs.covered_secs(held),
        last,
        bound,
    })
}

/// Claims a running call's row for this transaction by stamping `metered_at` (the row stays
/// locked until the transaction ends); `NotRunning` or `UnknownCall` when it cannot.
async fn claim_running(
    transaction: &sea_orm::DatabaseTransaction,
    call_id: i64,
    now: DateTime<Utc>,
) -> Result<entity::Model, ReservationError> {
    let claimed = entity::Entity::update_many()
        .col_expr(entity::Column::MeteredAt, Expr::value(now))
        .filter(entity::Column::Id.eq(call_id))
        .filter(entity::Column::State.eq(CallState::Reserved))
        .exec_with_returning(transaction)
        .await?;
    match claimed.into_iter().next() {
        Some(call) => Ok(call),
        None => Err(not_running(transaction, call_id).await?),
    }
}

/// Why a call could not be claimed: it does not exist, or it has ended.
async fn not_running(
    db: &impl sea_orm::ConnectionTrait,
    call_id: i64,
) -> Result<ReservationError, DbErr> {
    Ok(match entity::Entity::find_by_id(call_id).one(db).await? {
        None => ReservationError::UnknownCall,
        Some(_) => ReservationError::NotRunning,
    })
}

/// The legs stored with a call, read strictly (never "no legs", which would make it free),
/// priced on the leg that took the call once the issuer accepted (ringing both).
fn stored_legs(call: &entity::Model) -> Result<CallLegs, ReservationError> {
    CallLegs::from_stored(&call.legs)
        .map(|legs| legs.answered_on(call.answered_on))
        .map_err(|error| inconsistent(call.id, &error.to_string()))
}

fn inconsistent(call_id: i64, what: &str) -> ReservationError {
    tracing::error!(call = call_id, what, "a call's rows are inconsistent");
    ReservationError::Inconsistent {
        call_id,
        what: what.to_string(),
    }
}

/// A write that must change exactly one row did not.
fn expect_one_row(call_id: i64, rows: u64, step: &str) -> Result<(), ReservationError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(inconsistent(
            call_id,
            &format!("{step} changed {rows} rows instead of one"),
        ))
    }
}

/// Custom SQL whose values are written `$1, $2, …`, each once and in order: PostgreSQL's own
/// placeholders; SQLite's query builder takes `?` (and would read `$1` as a named parameter).
fn custom_sql(
    backend: DbBackend,
    sql: &str,
    values: impl IntoIterator<Item = sea_orm::Value>,
) -> sea_orm::sea_query::Expr {
    let values: Vec<sea_orm::Value> = values.into_iter().collect();
    if backend == DbBackend::Postgres {
        return Expr::cust_with_values(sql.to_owned(), values);
    }
    let mut positional = sql.to_owned();
    for number in (1..=values.len()).rev() {
        positional = positional.replace(&format!("${number}"), "?");
    }
    Expr::cust_with_values(positional, values)
}

/// Adds `amount` to the Guild's held money if it is available and, when the Guild has a daily
/// cap, if the day that began at `day_start` may still spend it (counting it there); false
/// when it is not. One conditional update: two holds at once can never both take the last of
/// the money or of the cap.
async fn hold_more(
    db: &impl sea_orm::ConnectionTrait,
    account_id: i64,
    amount: i64,
    day_start: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if amount == 0 {
        return Ok(true);
    }
    let backend = db.get_database_backend();
    let day = DayCount { day_start, amount };
    let changed = guild::Entity::update_many()
        .col_expr(
            guild::Column::Held,
            Expr::col(guild::Column::Held).add(amount),
        )
        .col_expr(guild::Column::DaySpent, day.spent(backend))
        .col_expr(guild::Column::DayStartedAt, day.started_at(backend))
        .filter(guild::Column::AccountId.eq(account_id))
        .filter(
            Expr::col(guild::Column::Balance)
                .add(Expr::col(guild::Column::CreditLimit))
                .sub(Expr::col(guild::Column::Held))
                .sub(amount)
                .gte(0),
        )
        .filter(day.within_cap(backend))
        .exec(db)
        .await?
        .rows_affected;
    Ok(changed > 0)
}

/// A hold of `amount` counted on a capped row's day (`daily_cap`, `day_spent`,
/// `day_started_at`: the Guild's and a card's call settings have the same three columns).
/// Without a cap nothing is counted; a hold on a new day starts the count again.
struct DayCount {
    day_start: DateTime<Utc>,
    amount: i64,
}

impl DayCount {
    /// The row's new `day_spent`.
    fn spent(&self, backend: DbBackend) -> Expr {
        custom_sql(
            backend,
            "CASE WHEN daily_cap IS NULL THEN day_spent \
             WHEN day_started_at = $1 THEN day_spent + $2 ELSE $3 END",
            [
                self.day_start.into(),
                sea_orm::Value::from(self.amount),
                sea_orm::Value::from(self.amount),
            ],
        )
    }

    /// The row's new `day_started_at`.
    fn started_at(&self, backend: DbBackend) -> Expr {
        custom_sql(
            backend,
            "CASE WHEN daily_cap IS NULL THEN day_started_at ELSE $1 END",
            [self.day_start.into()],
        )
    }

    /// The condition that the day may still spend the amount.
    fn within_cap(&self, backend: DbBackend) -> Expr {
        custom_sql(
            backend,
            "daily_cap IS NULL OR \
             (CASE WHEN day_started_at = $1 THEN day_spent ELSE 0 END) + $2 <= daily_cap",
            [self.day_start.into(), sea_orm::Value::from(self.amount)],
        )
    }
}

/// Takes one unit of the card's call count and counts `hold` on the card's day (a day that
/// began at `day_start`, when the card has a cap of its own), if there is a unit and the cap
/// lets the day spend it; false when not (see [`card_shortfall`] for which).
async fn take_unit(
    db: &impl sea_orm::ConnectionTrait,
    card_id: i64,
    hold: i64,
    day_start: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let day = DayCount {
        day_start,
        amount: hold,
    };
    let changed = call_settings_row::Entity::update_many()
        .col_expr(
            call_settings_row::Column::CallQuota,
            Expr::col(call_settings_row::Column::CallQuota).sub(1),
        )
        .col_expr(call_settings_row::Column::DaySpent, day.spent(backend))
        .col_expr(
            call_settings_row::Column::DayStartedAt,
            day.started_at(backend),
        )
        .filter(call_settings_row::Column::CardId.eq(card_id))
        .filter(call_settings_row::Column::CallQuota.gt(0))
        .filter(day.within_cap(backend))
        .exec(db)
        .await?
        .rows_affected;
    Ok(changed > 0)
}

/// Counts `amount` more on a running call's card's day, if the card's cap lets the day spend
/// it (a card whose cap was lifted counts nothing and lets it); false when not, or when the
/// card is gone.
async fn count_on_card(
    db: &impl sea_orm::ConnectionTrait,
    card_id: i64,
    amount: i64,
    day_start: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if amount == 0 {
        return Ok(true);
    }
    let backend = db.get_database_backend();
    let day = DayCount { day_start, amount };
    let changed = call_settings_row::Entity::update_many()
        .col_expr(call_settings_row::Column::DaySpent, day.spent(backend))
        .col_expr(
            call_settings_row::Column::DayStartedAt,
            day.started_at(backend),
        )
        .filter(call_settings_row::Column::CardId.eq(card_id))
        .filter(day.within_cap(backend))
        .exec(db)
        .await?
        .rows_affected;
    Ok(changed > 0)
}

/// Counts the day so far of a card that has just been given a cap (its settings saved): what
/// its calls charged since the card's midnight plus what its running calls hold (all of it,
/// even a call begun yesterday: a count too high only stops calls early). Called in the
/// transaction that wrote the settings row, which stays locked until it ends.
pub async fn count_card_day(
    db: &impl sea_orm::ConnectionTrait,
    card_id: i64,
    now: DateTime<Utc>,
) -> Result<(), ReservationError> {
    use sea_orm::QuerySelect;
    let Some(today) = card_today(db, card_id, now).await? else {
        return Ok(());
    };
    if today.cap.is_none() {
        return Ok(());
    }
    // PostgreSQL sums BIGINT as NUMERIC.
    let sum = |column: &str| Expr::cust(format!("CAST(SUM({column}) AS BIGINT)"));
    let held: Option<i64> = entity::Entity::find()
        .select_only()
        .column_as(sum("held"), "held")
        .filter(entity::Column::CardId.eq(card_id))
        .filter(entity::Column::State.eq(CallState::Reserved))
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let charged: Option<i64> = entity::Entity::find()
        .select_only()
        .column_as(sum("cost"), "charged")
        .filter(entity::Column::CardId.eq(card_id))
        .filter(entity::Column::State.eq(CallState::Settled))
        .filter(entity::Column::EndedAt.gte(today.starts_at))
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    call_settings_row::Entity::update_many()
        .col_expr(
            call_settings_row::Column::DaySpent,
            Expr::value(held.unwrap_or(0) + charged.unwrap_or(0)),
        )
        .col_expr(
            call_settings_row::Column::DayStartedAt,
            Expr::value(today.starts_at),
        )
        .filter(call_settings_row::Column::CardId.eq(card_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Why [`take_unit`] failed after `authorize` allowed the call: no unit left, or the card's
/// day cannot spend `needed` any more.
async fn card_shortfall(
    db: &DatabaseConnection,
    card_id: i64,
    needed: Money,
    now: DateTime<Utc>,
) -> Result<Refusal, ReservationError> {
    let settings = call_settings_row::Entity::find_by_id(card_id)
        .one(db)
        .await?;
    let Some(settings) = settings.filter(|settings| settings.call_quota > 0) else {
        return Ok(Refusal::CallCountExhausted);
    };
    let left = Today::of_card(&settings, now)?
        .left()
        .unwrap_or(Money::ZERO);
    Ok(Refusal::DailyCapReached { left, needed })
}

/// Why a hold of `needed` failed after `authorize` allowed it (another call took the money or
/// the day's cap meanwhile): the Guild's reason when its money is short, else the cap's.
async fn shortfall(
    db: &DatabaseConnection,
    account_id: i64,
    needed: Money,
    now: DateTime<Utc>,
) -> Result<Refusal, ReservationError> {
    let Some(guild) = guild::Entity::find_by_id(account_id).one(db).await? else {
        return Ok(Refusal::GuildExhausted {
            available: Money::ZERO,
            needed,
        });
    };
    let available = ledger::state_of(&guild).available();
    let left = Today::of(&guild, now)?.left();
    Ok(match left {
        Some(left) if available >= needed => Refusal::DailyCapReached { left, needed },
        _ => Refusal::GuildExhausted { available, needed },
    })
}

/// Lowers the day's count of `call`'s Guild by what its holds did not cost (`unused`), when
/// the count still holds them all: the call began on the day counted.
async fn uncount_unused(
    db: &impl sea_orm::ConnectionTrait,
    call: &entity::Model,
    unused: Money,
) -> Result<(), DbErr> {
    if unused.0 <= 0 {
        return Ok(());
    }
    guild::Entity::update_many()
        .col_expr(
            guild::Column::DaySpent,
            uncounted(db.get_database_backend(), unused),
        )
        .filter(guild::Column::AccountId.eq(call.account_id))
        .filter(guild::Column::DailyCap.is_not_null())
        .filter(guild::Column::DayStartedAt.lte(call.authorized_at))
        .exec(db)
        .await?;
    Ok(())
}

/// The day of the card `card_id` at `now`, from its call settings; `None` when it has none
/// (the card is gone).
async fn card_today(
    db: &impl sea_orm::ConnectionTrait,
    card_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Today>, ReservationError> {
    let settings = call_settings_row::Entity::find_by_id(card_id)
        .one(db)
        .await?;
    Ok(settings
        .map(|settings| Today::of_card(&settings, now))
        .transpose()?)
}

/// Lowers the day's count of the card `card_id` by `unused`, when it has a cap and its count
/// holds what is given back: its day began by `counted_by` (a call's start, for what its holds
/// did not cost).
async fn uncount_on_card(
    db: &impl sea_orm::ConnectionTrait,
    card_id: i64,
    unused: Money,
    counted_by: DateTime<Utc>,
) -> Result<(), DbErr> {
    if unused.0 <= 0 {
        return Ok(());
    }
    call_settings_row::Entity::update_many()
        .col_expr(
            call_settings_row::Column::DaySpent,
            uncounted(db.get_database_backend(), unused),
        )
        .filter(call_settings_row::Column::CardId.eq(card_id))
        .filter(call_settings_row::Column::DailyCap.is_not_null())
        .filter(call_settings_row::Column::DayStartedAt.lte(counted_by))
        .exec(db)
        .await?;
    Ok(())
}

/// A capped row's `day_spent` less `unused`, never below zero.
fn uncounted(backend: DbBackend, unused: Money) -> Expr {
    custom_sql(
        backend,
        "CASE WHEN day_spent > $1 THEN day_spent - $2 ELSE 0 END",
        [unused.0.into(), unused.0.into()],
    )
}

/// How a call ended, for its record.
#[derive(Debug, Clone, Copy)]
pub struct Ending {
    /// When the issuer's phone picked up (or their page accepted), accepted or not.
    pub picked_up_at: Option<DateTime<Utc>>,
    /// When a callback's caller picked up their phone; `None` for a browser caller.
    pub caller_picked_up_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub ended_at: DateTime<Utc>,
    pub outcome: Outcome,
    pub hangup_cause: RecordedCause,
    /// Where the issuer accepted (else what `answer` stored stands).
    pub answered_on: Option<AnsweredOn>,
    /// Ringing both: when the issuer's phone, picked up, was let go for the page.
    pub phone_dropped_at: Option<DateTime<Utc>>,
}

/// Ends a reservation exactly once (see the module header); returns the call's record.
///
/// Claims the row first (`reserved` → `settled`, returning what it holds at that moment), then
/// prices it from the claimed row: an `extend` that committed before is included, one that
/// comes after finds the call settled and holds nothing.
pub async fn settle(
    db: &DatabaseConnection,
    call_id: i64,
    ending: Ending,
) -> Result<entity::Model, ReservationError> {
    settle_claiming(db, call_id, ending, None).await
}

/// [`settle`], starting from `believed`, the row as the caller last knew it (its hold after the
/// last `extend`, its pick-up): on PostgreSQL that saves reading it first, and a belief that is
/// out of date costs only the read it would have saved. With `batches` (PostgreSQL), the
/// statement may settle other calls too (`batch.rs`).
pub async fn settle_believed(
    db: &DatabaseConnection,
    batches: Option<&Batches>,
    believed: &entity::Model,
    ending: Ending,
) -> Result<entity::Model, ReservationError> {
    if db.get_database_backend() == DbBackend::Postgres {
        return match batches {
            Some(batches) => batches.settle(believed, ending).await,
            None => postgres::settle(db, believed.id, ending, None, Some(believed.clone())).await,
        };
    }
    settle(db, believed.id, ending).await
}

/// [`settle`], claiming the row only if its last stamp is still before `stale_before` (when
/// given): the sweeper must not settle a call whose process vouched for it since the sweeper
/// looked.
async fn settle_claiming(
    db: &DatabaseConnection,
    call_id: i64,
    ending: Ending,
    stale_before: Option<DateTime<Utc>>,
) -> Result<entity::Model, ReservationError> {
    if db.get_database_backend() == DbBackend::Postgres {
        return postgres::settle(db, call_id, ending, stale_before, None).await;
    }
    let transaction = db.begin().await?;
    let mut claim = entity::Entity::update_many()
        .col_expr(entity::Column::State, Expr::value(CallState::Settled))
        .col_expr(entity::Column::AnsweredAt, Expr::value(ending.answered_at))
        .col_expr(entity::Column::EndedAt, Expr::value(ending.ended_at))
        .col_expr(entity::Column::Outcome, Expr::value(ending.outcome))
        .col_expr(
            entity::Column::HangupCause,
            Expr::value(ending.hangup_cause),
        );
    if let Some(picked_up_at) = ending.picked_up_at {
        // Otherwise what `picked_up` stored stands.
        claim = claim.col_expr(entity::Column::PickedUpAt, Expr::value(picked_up_at));
    }
    if let Some(caller_picked_up_at) = ending.caller_picked_up_at {
        claim = claim.col_expr(
            entity::Column::CallerPickedUpAt,
            Expr::value(caller_picked_up_at),
        );
    }
    if let Some(answered_on) = ending.answered_on {
        claim = claim.col_expr(entity::Column::AnsweredOn, Expr::value(answered_on));
    }
    if let Some(phone_dropped_at) = ending.phone_dropped_at {
        claim = claim.col_expr(
            entity::Column::PhoneDroppedAt,
            Expr::value(phone_dropped_at),
        );
    }
    if let Some(cutoff) = stale_before {
        claim = claim.filter(entity::Column::MeteredAt.lt(cutoff));
    }
    let claimed = claim
        .filter(entity::Column::Id.eq(call_id))
        .filter(entity::Column::State.eq(CallState::Reserved))
        .exec_with_returning(&transaction)
        .await?;
    let Some(call) = claimed.into_iter().next() else {
        drop(transaction);
        // Already settled (or a refusal, or stamped since the sweeper looked): settling again
        // changes nothing.
        return entity::Entity::find_by_id(call_id)
            .one(db)
            .await?
            .ok_or(ReservationError::UnknownCall);
    };
    let (settlement, give_back) =
        price(&call, &ending, call.picked_up_at, call.caller_picked_up_at)?;
    let priced = entity::Entity::update_many()
        .col_expr(
            entity::Column::BilledSecs,
            Expr::value(settlement.billed_secs as i32),
        )
        .col_expr(entity::Column::Cost, Expr::value(settlement.charge.0))
        .filter(entity::Column::Id.eq(call_id))
        .exec_with_returning(&transaction)
        .await?;
    let Some(record) = priced.into_iter().next() else {
        return Err(inconsistent(call_id, "recording its cost changed no row"));
    };
    // A call nobody picked up gives its call-count unit back; one the issuer's phone answered
    // was an attempt that cost the operator, accepted or not (issue 8). Before the Guild:
    // every step takes the call's row, then the card's call count, then the Guild, as
    // `reserve` does, so two calls of one card never wait on each other in a circle.
    if give_back && let Some(card_id) = call.card_id {
        call_settings_row::Entity::update_many()
            .col_expr(
                call_settings_row::Column::CallQuota,
                Expr::col(call_settings_row::Column::CallQuota).add(1),
            )
            .filter(call_settings_row::Column::CardId.eq(card_id))
            .exec(&transaction)
            .await?;
    }
    let unused = Money(settlement.release.0 - settlement.charge.0);
    if let Some(card_id) = call.card_id {
        uncount_on_card(&transaction, card_id, unused, call.authorized_at).await?;
    }
    let reference = format!("call:{call_id}");
    let note = SystemNote::Call {
        id: call_id,
        slug: &call.card_slug,
    }
    .words(Lang::En);
    let released = ledger::release_and_debit(
        &transaction,
        settlement.release,
        Posting {
            account_id: call.account_id,
            kind: EntryKind::CallDebit,
            amount: Money(-settlement.charge.0),
            reference: Some(&reference),
            note: &note,
            created_by: None,
        },
    )
    .await?;
    if !released {
        return Err(inconsistent(
            call_id,
            "its Guild holds less than the call, or is gone",
        ));
    }
    uncount_unused(&transaction, &call, unused).await?;
    transaction.commit().await?;
    Ok(record)
}

/// What ending `call` as `ending` costs and releases, with the issuer's phone picked up at
/// `picked_up_at` and a callback's caller's at `caller_picked_up_at`; and whether its
/// call-count unit goes back (the issuer never picked up).
fn price(
    call: &entity::Model,
    ending: &Ending,
    picked_up_at: Option<DateTime<Utc>>,
    caller_picked_up_at: Option<DateTime<Utc>>,
) -> Result<(Settlement, bool), ReservationError> {
    let up = |start: Option<DateTime<Utc>>, end: DateTime<Utc>| {
        start
            .map(|start| Ord::max((end - start).num_seconds(), 0) as u32)
            .unwrap_or(0)
    };
    let up_since = |start| up(start, ending.ended_at);
    let talk_secs = up_since(ending.answered_at);
    let answered_on = ending.answered_on.or(call.answered_on);
    let legs = stored_legs(call)?.answered_on(answered_on);
    let issuer_secs = match ending.phone_dropped_at.or(call.phone_dropped_at) {
        // Ringing both: a phone let go for the page is billed from its pick-up to then.
        Some(dropped_at) => up(picked_up_at, dropped_at),
        // The page took the call before the phone picked up: the phone never cost anything.
        None if legs.ring_both() && answered_on == Some(AnsweredOn::Browser) => 0,
        None => Ord::max(up_since(picked_up_at), talk_secs),
    };
    let time = LegTimes {
        caller_secs: Ord::max(up_since(caller_picked_up_at), talk_secs),
        issuer_secs,
        page_secs: if answered_on == Some(AnsweredOn::Browser) {
            talk_secs
        } else {
            0
        },
    };
    let settlement = legs.settle(Money(call.held), time);
    Ok((
        settlement,
        ending.answered_at.is_none() && picked_up_at.is_none(),
    ))
}

/// Marks a running call answered at `at`, `on` the issuer's phone or page (the issuer accepted,
/// R9): from now on settling it bills talk time on that leg and keeps its call-count unit, even
/// if the process dies and the sweeper settles it.
pub async fn answer(
    db: &DatabaseConnection,
    call_id: i64,
    at: DateTime<Utc>,
    on: AnsweredOn,
) -> Result<(), ReservationError> {
    let also = Some((entity::Column::AnsweredOn, Expr::value(on)));
    mark_once_with(db, call_id, entity::Column::AnsweredAt, at, also).await
}

/// Records that the issuer's phone picked up at `at` (before the key press): a call settled
/// without its process, by the sweeper or at restart, bills the phone leg from here too.
pub async fn picked_up(
    db: &DatabaseConnection,
    call_id: i64,
    at: DateTime<Utc>,
) -> Result<(), ReservationError> {
    mark_once(db, call_id, entity::Column::PickedUpAt, at).await
}

/// Ringing both: the issuer's phone, picked up, was let go at `at` for the page: a call settled
/// without its process bills that phone leg to here, not on to the end.
pub async fn phone_dropped(
    db: &DatabaseConnection,
    call_id: i64,
    at: DateTime<Utc>,
) -> Result<(), ReservationError> {
    mark_once(db, call_id, entity::Column::PhoneDroppedAt, at).await
}

/// A callback's caller picked up their phone at `at` (before its extension and the bridge):
/// their leg is billed from here, also when the call is settled by the sweeper or a restart.
pub async fn caller_picked_up(
    db: &DatabaseConnection,
    call_id: i64,
    at: DateTime<Utc>,
) -> Result<(), ReservationError> {
    mark_once(db, call_id, entity::Column::CallerPickedUpAt, at).await
}

/// Sets a running call's `moment` column to `at` (stamping it alive) unless it is set: the
/// first time counts, marking again is harmless; an ended call is `NotRunning`.
async fn mark_once(
    db: &DatabaseConnection,
    call_id: i64,
    moment: entity::Column,
    at: DateTime<Utc>,
) -> Result<(), ReservationError> {
    mark_once_with(db, call_id, moment, at, None).await
}

/// [`mark_once`], setting `also` in the same statement.
async fn mark_once_with(
    db: &DatabaseConnection,
    call_id: i64,
    moment: entity::Column,
    at: DateTime<Utc>,
    also: Option<(entity::Column, Expr)>,
) -> Result<(), ReservationError> {
    let mut update = entity::Entity::update_many();
    if let Some((column, value)) = also {
        update = update.col_expr(column, value);
    }
    let changed = update
        .col_expr(moment, Expr::value(at))
        .col_expr(entity::Column::MeteredAt, Expr::value(at))
        .filter(entity::Column::Id.eq(call_id))
        .filter(entity::Column::State.eq(CallState::Reserved))
        .filter(moment.is_null())
        .exec(db)
        .await?
        .rows_affected;
    if changed > 0 {
        return Ok(());
    }
    match entity::Entity::find_by_id(call_id).one(db).await? {
        None => Err(ReservationError::UnknownCall),
        Some(call) if call.state == CallState::Reserved => Ok(()),
        Some(_) => Err(ReservationError::NotRunning),
    }
}

/// Vouches for the running calls `call_ids` of a live process at `now` (its stamp every few
/// seconds): if the process dies, they are billed up to here and no further. Returns how many
/// were still running.
pub async fn stamp(
    db: &DatabaseConnection,
    call_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    if call_ids.is_empty() {
        return Ok(0);
    }
    Ok(entity::Entity::update_many()
        .col_expr(entity::Column::MeteredAt, Expr::value(now))
        .filter(entity::Column::Id.is_in(call_ids.iter().copied()))
        .filter(entity::Column::State.eq(CallState::Reserved))
        .exec(db)
        .await?
        .rows_affected)
}

/// Settles every running call whose last metering point is older than `ttl` — its process died
/// or lost the database. A real `settle` racing the sweeper is harmless: whichever claims the
/// row first settles it. Returns the calls it settled.
pub async fn sweep_stale(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ttl: chrono::Duration,
) -> Result<Vec<i64>, ReservationError> {
    let cutoff = now - ttl;
    let stale = entity::Entity::find()
        .filter(entity::Column::State.eq(CallState::Reserved))
        .filter(entity::Column::MeteredAt.lt(cutoff))
        .all(db)
        .await?;
    settle_unattended(db, stale, RecordedCause::StaleReservation, Some(cutoff)).await
}

/// Settles, at once, the calls a node was running when it stopped: called when the node starts
/// again, before it takes calls, so every call still marked as its own is an orphan. Other
/// nodes' calls are left to the sweeper. Returns the calls it settled.
pub async fn settle_orphans(
    db: &DatabaseConnection,
    node: &str,
) -> Result<Vec<i64>, ReservationError> {
    let orphans = entity::Entity::find()
        .filter(entity::Column::State.eq(CallState::Reserved))
        .filter(entity::Column::RunBy.eq(node))
        .all(db)
        .await?;
    settle_unattended(db, orphans, RecordedCause::ProcessRestarted, None).await
}

/// Settles calls no live process speaks for, each up to its last metering point and no
/// further, since nothing proves it went on; an unanswered one nobody picked up gets its
/// call-count unit back.
async fn settle_unattended(
    db: &DatabaseConnection,
    calls: Vec<entity::Model>,
    cause: RecordedCause,
    stale_before: Option<DateTime<Utc>>,
) -> Result<Vec<i64>, ReservationError> {
    let mut settled = Vec::with_capacity(calls.len());
    for call in calls {
        let metered_at = call.metered_at.unwrap_or(call.authorized_at);
        let ending = Ending {
            picked_up_at: call.picked_up_at,
            caller_picked_up_at: call.caller_picked_up_at,
            answered_at: call.answered_at,
            ended_at: Ord::max(metered_at, call.answered_at.unwrap_or(metered_at)),
            outcome: Outcome::Ended(if call.answered_at.is_some() {
                CallOutcome::Answered
            } else {
                CallOutcome::Abandoned
            }),
            hangup_cause: cause,
            answered_on: call.answered_on,
            phone_dropped_at: call.phone_dropped_at,
        };
        let record = settle_claiming(db, call.id, ending, stale_before).await?;
        if record.state == CallState::Settled && record.hangup_cause == Some(cause) {
            settled.push(call.id);
        }
    }
    Ok(settled)
}
