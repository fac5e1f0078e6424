//! Natural batching of PostgreSQL's one-statement steps (issue 9: throughput). The calls that
//! reserve, or settle, while a statement of theirs is running wait and go together in the next
//! one: a batch of N calls costs one round trip, one commit, and one hold of each hot row
//! (the card's call count, the Guild) instead of N. A call that finds nothing running goes at
//! once, alone, through the single statement (`postgres.rs`), so a quiet installation waits for
//! nothing.
//!
//! A batch is granted whole or not at all: its statement aborts (`callcard_abort`) when any of
//! its calls could not be granted, or settled, as the single statement would, and each call is
//! then decided alone by that statement, which says why. So a batch never decides differently
//! from its calls one by one; it only decides the common case in one go. Rows are locked in
//! the order every step uses — calls, then cards' call counts by id, then Guilds by id — so a
//! batch never waits in a circle with another batch or with a single step.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sea_orm::sqlx::postgres::PgPoolOptions;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, SqlxPostgresConnector,
    Statement,
};
use tokio::sync::{Mutex, mpsc, oneshot};

use super::postgres::{self, ReserveArgs, Reserved, SettleArgs};
use super::{Ending, ReservationError, entity};
use crate::calls::call_state::CallState;
use crate::ledger::rules::EntryKind;

/// Calls one statement takes at most.
const MAX_BATCH: usize = 32;
/// Statements of each kind in flight at once: while one runs, the next calls queue up behind
/// it. One of each measured best (`reserve_load`, BENCHMARKS.md): two halve the batches, and
/// two batches of one hot card wait for each other's row locks anyway.
const WORKERS: usize = 1;

/// What `callcard_abort` says when a batch cannot go whole; its calls then go one by one.
const NOT_WHOLE: &str = "callcard: the batch cannot go whole";

/// Takes `$1`, the batch as JSON (one object per call), and `$2`, its size. Each call gets its
/// id first, so that its row comes back with its place in the batch (`batch_place`, from 1).
const RESERVE_BATCH: &str = r#"
WITH req AS MATERIALIZED (
    SELECT r.*, nextval(pg_get_serial_sequence('calls', 'id')) AS id
      FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
           card_id bigint, account_id bigint, hold bigint, slug text, caller text, callee text,
           legs text, at timestamptz, run_by text, version timestamptz,
           guild_day timestamptz, card_day timestamptz))
           WITH ORDINALITY AS r(card_id, account_id, hold, slug, caller, callee, legs, at,
                                run_by, version, guild_day, card_day, place)
), by_card AS MATERIALIZED (
    SELECT card_id, count(*) AS units, sum(hold) AS hold, min(card_day) AS card_day,
           count(DISTINCT card_day) AS days
      FROM req GROUP BY card_id
), by_guild AS MATERIALIZED (
    SELECT account_id, sum(hold) AS hold, min(guild_day) AS guild_day,
           count(DISTINCT guild_day) AS days, bool_or(guild_day IS NULL) AS day_unknown
      FROM req GROUP BY account_id
), fresh AS MATERIALIZED (
    SELECT count(*) AS calls FROM req JOIN cards ON cards.id = req.card_id
     WHERE req.version IS NULL OR cards.updated_at = req.version
), card_locks AS MATERIALIZED (
    SELECT card_id FROM card_call_settings WHERE card_id IN (SELECT card_id FROM by_card)
     ORDER BY card_id FOR UPDATE
), unit AS (
    UPDATE card_call_settings s SET call_quota = s.call_quota - w.units,
           day_spent = CASE WHEN s.daily_cap IS NULL THEN s.day_spent
                            WHEN s.day_started_at = w.card_day THEN s.day_spent + w.hold
                            ELSE w.hold END,
           day_started_at = CASE WHEN s.daily_cap IS NULL THEN s.day_started_at
                                 ELSE w.card_day END
      FROM by_card w
     WHERE s.card_id = w.card_id AND s.call_quota >= w.units
       AND (s.daily_cap IS NULL OR (w.days = 1 AND
            (CASE WHEN s.day_started_at = w.card_day THEN s.day_spent ELSE 0 END) + w.hold
                <= s.daily_cap))
       AND (SELECT calls FROM fresh) = $2
       AND (SELECT count(*) FROM card_locks) = (SELECT count(*) FROM by_card)
    RETURNING s.card_id
), guild_locks AS MATERIALIZED (
    SELECT account_id FROM guilds WHERE account_id IN (SELECT account_id FROM by_guild)
       AND (SELECT count(*) FROM unit) = (SELECT count(*) FROM by_card)
     ORDER BY account_id FOR UPDATE
), hold AS (
    UPDATE guilds g SET held = g.held + w.hold,
           day_spent = CASE WHEN g.daily_cap IS NULL THEN g.day_spent
                            WHEN g.day_started_at = w.guild_day THEN g.day_spent + w.hold
                            ELSE w.hold END,
           day_started_at = CASE WHEN g.daily_cap IS NULL THEN g.day_started_at
                                 ELSE w.guild_day END
      FROM by_guild w
     WHERE g.account_id = w.account_id AND g.balance + g.credit_limit - g.held - w.hold >= 0
       AND (g.daily_cap IS NULL OR (NOT w.day_unknown AND w.days = 1 AND
            (CASE WHEN g.day_started_at = w.guild_day THEN g.day_spent ELSE 0 END) + w.hold
                <= g.daily_cap))
       AND (SELECT count(*) FROM guild_locks) = (SELECT count(*) FROM by_guild)
    RETURNING g.account_id
), call AS (
    INSERT INTO calls (id, account_id, card_id, card_slug, state, caller_number,
                       callee_number, legs, held, authorized_at, metered_at, run_by)
    SELECT id, account_id, card_id, slug, 'reserved', caller, callee, legs, hold, at, at, run_by
      FROM req
     WHERE (SELECT count(*) FROM hold) = (SELECT count(*) FROM by_guild)
    RETURNING *
)
SELECT call.*, req.place AS batch_place,
       (SELECT callcard_abort('callcard: the batch cannot go whole')
         WHERE (SELECT count(*) FROM call) <> $2) AS guard
  FROM (SELECT 1) AS one LEFT JOIN (call JOIN req ON req.id = call.id) ON true"#;

/// Takes `$1`, the batch as JSON (one object per call), `$2`, its size, and `$3`, the ledger
/// entries' kind. Each Guild's entries carry its balance after each debit in turn.
const SETTLE_BATCH: &str = r#"
WITH req AS MATERIALIZED (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
           call_id bigint, answered_at timestamptz, ended_at timestamptz, outcome text,
           hangup_cause text, picked_up_at timestamptz, billed_secs int, charge bigint,
           believed_held bigint, believed_picked_up_at timestamptz, give_back boolean,
           reference text, note text, entry_at timestamptz, release bigint,
           caller_picked_up_at timestamptz, uncount bigint, answered_on text,
           phone_dropped_at timestamptz)
), claimed AS (
    UPDATE calls c
       SET state = 'settled', answered_at = r.answered_at, ended_at = r.ended_at,
           outcome = r.outcome, hangup_cause = r.hangup_cause, picked_up_at = r.picked_up_at,
           billed_secs = r.billed_secs, cost = r.charge,
           caller_picked_up_at = r.caller_picked_up_at, answered_on = r.answered_on,
           phone_dropped_at = r.phone_dropped_at
      FROM req r
     WHERE c.id = r.call_id AND c.state = 'reserved' AND c.held = r.believed_held
       AND c.picked_up_at IS NOT DISTINCT FROM r.believed_picked_up_at
    RETURNING c.*, r.give_back, r.uncount, r.release, r.reference, r.note, r.entry_at
), by_card AS MATERIALIZED (
    SELECT card_id, count(*) FILTER (WHERE give_back) AS units
      FROM claimed WHERE give_back OR uncount > 0 GROUP BY card_id
), card_locks AS MATERIALIZED (
    SELECT card_id FROM card_call_settings WHERE card_id IN (SELECT card_id FROM by_card)
     ORDER BY card_id FOR UPDATE
), unit AS (
    UPDATE card_call_settings s
       SET call_quota = s.call_quota + w.units,
           day_spent = CASE WHEN s.daily_cap IS NULL THEN s.day_spent
                            ELSE GREATEST(s.day_spent - (
                                SELECT COALESCE(sum(c.uncount), 0) FROM claimed c
                                 WHERE c.card_id = s.card_id
                                   AND s.day_started_at <= c.authorized_at), 0) END
      FROM by_card w
     WHERE s.card_id = w.card_id AND (SELECT count(*) FROM card_locks) >= 0
    RETURNING s.card_id
), by_guild AS MATERIALIZED (
    SELECT account_id, sum(release) AS release, sum(cost) AS charge
      FROM claimed GROUP BY account_id
), guild_locks AS MATERIALIZED (
    SELECT account_id FROM guilds WHERE account_id IN (SELECT account_id FROM by_guild)
       AND (SELECT count(*) FROM unit) >= 0
     ORDER BY account_id FOR UPDATE
), released AS (
    UPDATE guilds g SET held = g.held - w.release, balance = g.balance - w.charge,
           day_spent = CASE WHEN g.daily_cap IS NULL THEN g.day_spent
                            ELSE GREATEST(g.day_spent - (
                                SELECT COALESCE(sum(c.uncount), 0) FROM claimed c
                                 WHERE c.account_id = g.account_id
                                   AND g.day_started_at <= c.authorized_at), 0) END
      FROM by_guild w
     WHERE g.account_id = w.account_id AND g.held >= w.release
       AND (SELECT count(*) FROM guild_locks) >= 0
    RETURNING g.account_id, g.balance + w.charge AS balance_before
), entry AS (
    INSERT INTO ledger_entries (account_id, kind, amount, balance_after, reference, note,
                                created_at)
    SELECT c.account_id, $3, -c.cost,
           r.balance_before - sum(c.cost) OVER (PARTITION BY c.account_id ORDER BY c.id),
           c.reference, c.note, c.entry_at
      FROM claimed c JOIN released r ON r.account_id = c.account_id
     WHERE c.cost > 0
     ORDER BY c.id
    RETURNING id
)
SELECT claimed.*,
       (SELECT callcard_abort('callcard: the batch cannot go whole')
         WHERE (SELECT count(*) FROM claimed) <> $2
            OR (SELECT count(*) FROM released) <> (SELECT count(*) FROM by_guild)) AS guard
  FROM (SELECT 1) AS one LEFT JOIN claimed ON true"#;

struct ReserveJob {
    args: ReserveArgs,
    reply: oneshot::Sender<Result<Reserved, DbErr>>,
}

struct SettleJob {
    args: SettleArgs,
    believed: entity::Model,
    ending: Ending,
    reply: oneshot::Sender<Result<entity::Model, ReservationError>>,
}

/// A process's queues of reservations and settlements for one PostgreSQL database, each served
/// by [`WORKERS`] tasks. Dropping it ends the tasks once their queues are empty. The queues
/// need no bound of their own: a call reaches them only once admitted (`admission.rs` bounds
/// the calls in flight per address, per card and in all), and each waits for its answer.
pub struct Batches {
    reserves: mpsc::UnboundedSender<ReserveJob>,
    settles: mpsc::UnboundedSender<SettleJob>,
    counts: Arc<Counts>,
}

/// How the calls went so far, for tests and benchmarks.
#[derive(Debug, Default)]
struct Counts {
    /// Statements that carried more than one call, granted or settled whole.
    batches: AtomicU64,
    /// Calls in those statements.
    batched: AtomicU64,
    /// Calls whose batch could not go whole, decided again one by one.
    retried: AtomicU64,
}

/// A reading of [`Batches`]' counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchCounts {
    pub batches: u64,
    pub batched_calls: u64,
    pub retried_calls: u64,
}

impl Batches {
    /// Starts the workers on the current tokio runtime, for `db`'s PostgreSQL database, on a
    /// pool of their own ([`generic_plans`]).
    pub fn start(db: DatabaseConnection) -> Batches {
        let db = generic_plans(&db);
        let (reserves, reserve_queue) = mpsc::unbounded_channel();
        let (settles, settle_queue) = mpsc::unbounded_channel();
        let reserve_queue = Arc::new(Mutex::new(reserve_queue));
        let settle_queue = Arc::new(Mutex::new(settle_queue));
        let counts = Arc::new(Counts::default());
        for _ in 0..WORKERS {
            let worker = Worker {
                db: db.clone(),
                counts: counts.clone(),
            };
            tokio::spawn(serve(worker.clone(), reserve_queue.clone(), reserve_jobs));
            tokio::spawn(serve(worker, settle_queue.clone(), settle_jobs));
        }
        Batches {
            reserves,
            settles,
            counts,
        }
    }

    pub fn counts(&self) -> BatchCounts {
        BatchCounts {
            batches: self.counts.batches.load(Ordering::Relaxed),
            batched_calls: self.counts.batched.load(Ordering::Relaxed),
            retried_calls: self.counts.retried.load(Ordering::Relaxed),
        }
    }

    pub(super) async fn reserve(&self, args: ReserveArgs) -> Result<Reserved, DbErr> {
        let (reply, answer) = oneshot::channel();
        self.reserves
            .send(ReserveJob { args, reply })
            .map_err(|_| DbErr::Custom("the reservation workers are gone".into()))?;
        answer
            .await
            .map_err(|_| DbErr::Custom("a reservation worker ended mid-batch".into()))?
    }

    /// Settles `believed` (a call as its process last knew it) as `postgres::settle` would.
    pub(super) async fn settle(
        &self,
        believed: &entity::Model,
        ending: Ending,
    ) -> Result<entity::Model, ReservationError> {
        if believed.state != CallState::Reserved {
            return Ok(believed.clone());
        }
        let args = SettleArgs::new(believed, &ending)?;
        let (reply, answer) = oneshot::channel();
        self.settles
            .send(SettleJob {
                args,
                believed: believed.clone(),
                ending,
                reply,
            })
            .map_err(|_| DbErr::Custom("the settlement workers are gone".into()))?;
        answer
            .await
            .map_err(|_| DbErr::Custom("a settlement worker ended mid-batch".into()))?
    }
}

/// A pool like `db`'s whose sessions plan each statement once for any values
/// (`plan_cache_mode = force_generic_plan`). PostgreSQL plans a prepared statement for the values
/// at hand on its first five runs on each connection, and after that whenever such a plan looks
/// cheaper than the generic one; the reservation statements, which find every row by its key,
/// then pay a plan per run for nothing. Measured: a fifth of the database's CPU under load;
/// `reserve_load` with 16 tasks 1,764 → 2,591-2,901 calls/s (BENCHMARKS.md). Only the batches'
/// pool: elsewhere (the sweeper's `state = …`) a plan for the values can be the better one.
/// Connects lazily, as it is used.
fn generic_plans(db: &DatabaseConnection) -> DatabaseConnection {
    let pool = db.get_postgres_connection_pool();
    let options = (*pool.connect_options())
        .clone()
        .options([("plan_cache_mode", "force_generic_plan")]);
    let generic = PgPoolOptions::new()
        .max_connections(pool.options().get_max_connections())
        .acquire_timeout(pool.options().get_acquire_timeout())
        .connect_lazy_with(options);
    SqlxPostgresConnector::from_sqlx_postgres_pool(generic)
}

/// A worker: takes the first job waiting, and with it every job queued behind it (up to
/// [`MAX_BATCH`]), without waiting for more.
async fn serve<Job, Run, Done>(
    worker: Worker,
    queue: Arc<Mutex<mpsc::UnboundedReceiver<Job>>>,
    run: Run,
) where
    Run: Fn(Worker, Vec<Job>) -> Done,
    Done: Future<Output = ()>,
{
    loop {
        let jobs = {
            let mut queue = queue.lock().await;
            let Some(first) = queue.recv().await else {
                return;
            };
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            jobs
        };
        run(worker.clone(), jobs).await;
    }
}

#[derive(Clone)]
struct Worker {
    db: DatabaseConnection,
    counts: Arc<Counts>,
}

impl Worker {
    fn went_whole(&self, calls: usize) {
        self.counts.batches.fetch_add(1, Ordering::Relaxed);
        self.counts
            .batched
            .fetch_add(calls as u64, Ordering::Relaxed);
    }

    fn retries(&self, calls: usize) {
        self.counts
            .retried
            .fetch_add(calls as u64, Ordering::Relaxed);
    }
}

async fn reserve_jobs(worker: Worker, jobs: Vec<ReserveJob>) {
    let db = worker.db.clone();
    if jobs.len() > 1 {
        match reserve_batch(&db, &jobs).await {
            Ok(Some(rows)) => {
                worker.went_whole(jobs.len());
                for (job, row) in jobs.into_iter().zip(rows) {
                    let _ = job.reply.send(Ok(Reserved::Call(Box::new(row))));
                }
                return;
            }
            Ok(None) => worker.retries(jobs.len()),
            // As a single statement's error: not tried again, since a statement whose answer
            // was lost may have committed, and its calls would then be reserved twice.
            Err(error) => {
                for job in jobs {
                    let _ = job.reply.send(Err(DbErr::Custom(error.to_string())));
                }
                return;
            }
        }
    }
    // Alone, or a batch that could not go whole: each call as the single statement decides.
    let mut decided = tokio::task::JoinSet::new();
    for job in jobs {
        let db = db.clone();
        decided.spawn(async move {
            let reserved = postgres::reserve(&db, &job.args).await;
            let _ = job.reply.send(reserved);
        });
    }
    decided.join_all().await;
}

/// The batch's calls as reserved, in the jobs' order; `None`, having changed nothing, when it
/// cannot go whole.
async fn reserve_batch(
    db: &DatabaseConnection,
    jobs: &[ReserveJob],
) -> Result<Option<Vec<entity::Model>>, DbErr> {
    let args: Vec<&ReserveArgs> = jobs.iter().map(|job| &job.args).collect();
    let Some(rows) = run_whole(db, RESERVE_BATCH, &args, []).await? else {
        return Ok(None);
    };
    let mut placed = rows
        .iter()
        .map(|row| {
            Ok((
                row.try_get::<i64>("", "batch_place")?,
                entity::Model::from_query_result(row, "")?,
            ))
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    placed.sort_by_key(|(place, _)| *place);
    let in_order = placed
        .iter()
        .map(|(place, _)| *place)
        .eq(1..=jobs.len() as i64);
    if !in_order {
        return Err(DbErr::Custom(
            "a reserved batch came back without its places".into(),
        ));
    }
    Ok(Some(placed.into_iter().map(|(_, call)| call).collect()))
}

async fn settle_jobs(worker: Worker, jobs: Vec<SettleJob>) {
    let db = worker.db.clone();
    if jobs.len() > 1 {
        match settle_batch(&db, &jobs).await {
            Ok(Some(mut rows)) => {
                worker.went_whole(jobs.len());
                for job in jobs {
                    let at = rows.iter().position(|row| row.id == job.args.call_id);
                    let settled = match at {
                        Some(at) => Ok(rows.swap_remove(at)),
                        None => Err(ReservationError::Database(DbErr::Custom(format!(
                            "call {} missing from its settled batch",
                            job.args.call_id
                        )))),
                    };
                    let _ = job.reply.send(settled);
                }
                return;
            }
            Ok(None) => worker.retries(jobs.len()),
            // One call's bad value, or the database failing: settling again is harmless (a
            // settled call is found settled), so each call meets its own fate and error alone.
            Err(error) => {
                tracing::warn!(%error, calls = jobs.len(), "a batch of settlements failed");
                worker.retries(jobs.len());
            }
        }
    }
    // Alone, or a batch that could not go whole (a call changed since it was believed, a Guild
    // holding less than its calls): each as the single statement decides, reading again.
    let mut decided = tokio::task::JoinSet::new();
    for job in jobs {
        let db = db.clone();
        decided.spawn(async move {
            let settled =
                postgres::settle(&db, job.believed.id, job.ending, None, Some(job.believed)).await;
            let _ = job.reply.send(settled);
        });
    }
    decided.join_all().await;
}

async fn settle_batch(
    db: &DatabaseConnection,
    jobs: &[SettleJob],
) -> Result<Option<Vec<entity::Model>>, DbErr> {
    let args: Vec<&SettleArgs> = jobs.iter().map(|job| &job.args).collect();
    let kind = EntryKind::CallDebit.code().into();
    let Some(rows) = run_whole(db, SETTLE_BATCH, &args, [kind]).await? else {
        return Ok(None);
    };
    rows.iter()
        .map(|row| entity::Model::from_query_result(row, ""))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Runs a batch statement on `jobs` (`$1`, as JSON), their count (`$2`) and `more` values;
/// `None` when it aborted because it could not go whole (nothing changed).
async fn run_whole<const MORE: usize>(
    db: &DatabaseConnection,
    sql: &str,
    jobs: &[impl serde::Serialize],
    more: [sea_orm::Value; MORE],
) -> Result<Option<Vec<sea_orm::QueryResult>>, DbErr> {
    let values = [
        serde_json::to_value(jobs)
            .expect("a batch always serialises")
            .into(),
        (jobs.len() as i64).into(),
    ]
    .into_iter()
    .chain(more);
    let statement = Statement::from_sql_and_values(DbBackend::Postgres, sql, values);
    match db.query_all_raw(statement).await {
        Ok(rows) => Ok(Some(rows)),
        Err(error) if error.to_string().contains(NOT_WHOLE) => Ok(None),
        Err(error) => Err(error),
    }
}
