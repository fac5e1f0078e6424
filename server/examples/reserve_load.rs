//! Load test of call authorization (BRIEF R8): N concurrent tasks run `reserve` (authorize, take
//! a call-count unit, hold Guild money; through one card cache, as the bridge's authority does)
//! and then `settle` (debit, release) on the cards of
//! ISSUERS issuers (task i calls issuer i mod ISSUERS). With one issuer every call contends for
//! the same rows: the worst case. Afterwards it checks the invariants for every issuer: nothing
//! held, balance = sum of entries = grant − the settled costs, the call count used once per call.
//!
//!     cargo run --release -p server --example reserve_load -- [sqlite|postgres] [TASKS] [CALLS] [ISSUERS] [batch|cache|read] [RATE]
//!
//! Without RATE the load is a closed loop: each task starts its next call when its last one is
//! settled, so TASKS calls are in flight, never more. With RATE (calls/s) it is an open loop, as
//! callers arrive: call i starts at i / RATE s whether or not earlier ones are done (up to
//! TASKS in flight; an arrival that finds them all busy waits, and its wait counts), and each
//! call's time is measured from its arrival. A RATE the database keeps up with shows as that
//! many calls/s with a steady latency; one it cannot, as fewer calls/s and a latency that grows.
//!
//! `batch` (the default) is what the bridge does: through the card cache, and on PostgreSQL
//! the calls that reserve or settle together in one statement (`reservation/batch.rs`).
//! `cache` sends each call's statement alone; `read` also reads every call's card before
//! reserving it, as before the card cache, to compare.
//!
//! PostgreSQL comes from CALLCARD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres);
//! a fresh database is created and dropped. Loopback only; bounded by CALLS.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::{CallSettings, CardContent, CardInput, Lang, LocalizedContent, Weekday};
use chrono::Utc;
use media_bridge::call::{CallOutcome, HangupCause};
use sea_orm::{ConnectionTrait, Statement};
use server::calls::call_state::{Outcome, RecordedCause};
use server::calls::rates::{LegClass, Rate};
use server::calls::reservation::{self, CallRequest, Ending};
use server::cards::service::MediaChange;
use server::config::Settings;
use server::ledger::money::Money;
use server::startup::AppState;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let backend = args
        .first()
        .map(String::as_str)
        .unwrap_or("sqlite")
        .to_string();
    let tasks: usize = args.get(1).map(|n| n.parse()).transpose()?.unwrap_or(16);
    let calls: usize = args.get(2).map(|n| n.parse()).transpose()?.unwrap_or(5_000);
    let issuers: usize = args
        .get(3)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(1)
        .clamp(1, tasks);
    let (cached, batched) = match args.get(4).map(String::as_str) {
        None | Some("batch") => (true, true),
        Some("cache") => (true, false),
        Some("read") => (false, false),
        Some(other) => anyhow::bail!("`{other}`: say batch, cache or read"),
    };
    let arrivals_per_sec: Option<f64> = args.get(5).map(|n| n.parse()).transpose()?;

    let database = common::FreshDatabase::create(&backend).await?;
    let url = database.url.clone();
    let grant = calls as i64 * 100;
    let settings = Settings::from_env_map(|key| match key {
        "DATABASE_URL" => Some(url.clone()),
        "CALLCARD_DATA_DIR" => Some(database.dir().display().to_string()),
        "CALLCARD_SIGNUP_GRANT" => Some(grant.to_string()),
        _ => None,
    })?;
    let db = server::db::connect_and_migrate(&settings).await?;
    let state = AppState::new(db.clone(), settings);
    let mut accounts = Vec::new();
    for issuer in 0..issuers {
        let account = server::auth::service::create_confirmed_account(
            &db,
            &state.hashing,
            server::auth::service::SignUp {
                email: format!("load{issuer}@example.com"),
                display_name: "Load".into(),
                password: "a long enough password".into(),
            },
            Money(grant),
        )
        .await?;
        let card = CardInput {
            slug: Some(format!("load-{issuer}")),
            default_lang: Lang::En,
            contents: vec![LocalizedContent {
                lang: Lang::En,
                content: CardContent {
                    name: "Load".into(),
                    ..Default::default()
                },
            }],
            call: Some(CallSettings {
                call_quota: calls as u32,
                available_from: "00:00".into(),
                available_until: "24:00".into(),
                available_days: Weekday::ALL.to_vec(),
                ..CallSettings::default()
            }),
            ..CardInput::default()
        };
        state
            .cards()
            .create(account.id, &card, MediaChange::none())
            .await?;
        accounts.push(account.id);
    }
    let rate = Rate {
        class: LegClass::Landline,
        prefix: String::new(),
        per_minute: 60,
        initial_increment_secs: 60,
        subsequent_increment_secs: 60,
        connect_fee: 0,
    };

    let cards = Arc::new(server::calls::card_cache::CardCache::default());
    let batches = (batched && backend == "postgres")
        .then(|| Arc::new(reservation::Batches::start(db.clone())));
    let caller = Caller {
        db: db.clone(),
        cards,
        batches: batches.clone(),
        cached,
        rate,
    };
    let per_task = calls / tasks;
    let started = Instant::now();
    let (mut reserves, mut settles, answered_by_issuer): (
        Vec<Duration>,
        Vec<Duration>,
        Vec<usize>,
    ) = match arrivals_per_sec {
        None => {
            let handles: Vec<_> = (0..tasks)
                .map(|task| {
                    let caller = caller.clone();
                    let slug = format!("load-{}", task % issuers);
                    tokio::spawn(async move {
                        let mut times = Vec::with_capacity(per_task);
                        for _ in 0..per_task {
                            times.push(caller.call(&slug, Instant::now()).await);
                        }
                        times
                    })
                })
                .collect();
            let mut times = Vec::new();
            for handle in handles {
                times.extend(handle.await?);
            }
            let (reserves, settles) = times.into_iter().unzip();
            let answered = (0..issuers)
                .map(|issuer| (0..tasks).filter(|task| task % issuers == issuer).count() * per_task)
                .collect();
            (reserves, settles, answered)
        }
        Some(per_sec) => {
            let in_flight = Arc::new(tokio::sync::Semaphore::new(tasks));
            let mut running = tokio::task::JoinSet::new();
            for call in 0..calls {
                let arrival = started + Duration::from_secs_f64(call as f64 / per_sec);
                tokio::time::sleep_until(arrival.into()).await;
                let seat = in_flight.clone().acquire_owned().await?;
                let caller = caller.clone();
                let slug = format!("load-{}", call % issuers);
                running.spawn(async move {
                    let times = caller.call(&slug, arrival).await;
                    drop(seat);
                    times
                });
            }
            let (reserves, settles) = running.join_all().await.into_iter().unzip();
            let answered = (0..issuers)
                .map(|issuer| (0..calls).filter(|call| call % issuers == issuer).count())
                .collect();
            (reserves, settles, answered)
        }
    };
    let elapsed = started.elapsed();
    let done = reserves.len();
    let percentile = |samples: &mut Vec<Duration>, p: f64| {
        samples.sort();
        samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)].as_secs_f64() * 1000.0
    };

    for (issuer, id) in accounts.iter().enumerate() {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!(
                    "SELECT g.balance AS balance, g.held AS held, (SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) \
                     FROM ledger_entries WHERE account_id = {id}) AS total, \
                     (SELECT CAST(s.call_quota AS BIGINT) FROM card_call_settings s JOIN cards c ON c.id = s.card_id \
                      WHERE c.account_id = {id}) AS quota \
                     FROM guilds g WHERE g.account_id = {id}"
                ),
            ))
            .await?
            .expect("the Guild");
        let (balance, held, total, quota): (i64, i64, i64, i64) = (
            row.try_get("", "balance")?,
            row.try_get("", "held")?,
            row.try_get("", "total")?,
            row.try_get("", "quota")?,
        );
        let answered = answered_by_issuer[issuer];
        anyhow::ensure!(held == 0, "{held} still held");
        anyhow::ensure!(
            balance == total,
            "balance {balance} != sum of entries {total}"
        );
        anyhow::ensure!(
            balance == grant - answered as i64 * 60,
            "unexpected balance {balance}"
        );
        anyhow::ensure!(
            quota == (calls - answered) as i64,
            "call count {quota} after {answered} answered calls"
        );
    }

    if let Some(batches) = &batches {
        let counts = batches.counts();
        println!(
            "batches: {} statements carried {} calls (of {} steps); {} calls went one by one after their batch could not go whole",
            counts.batches,
            counts.batched_calls,
            2 * done,
            counts.retried_calls
        );
    }
    let load = match arrivals_per_sec {
        None => format!("by {tasks} tasks"),
        Some(per_sec) => format!("arriving at {per_sec:.0}/s, at most {tasks} in flight,"),
    };
    println!(
        "{backend}: {done} calls (reserve + settle) on {issuers} issuers' cards {load} in {:.2} s = {:.0} calls/s; \
         reserve p50 {:.2} ms p99 {:.2} ms; settle p50 {:.2} ms p99 {:.2} ms; invariants: ok",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64(),
        percentile(&mut reserves, 0.50),
        percentile(&mut reserves, 0.99),
        percentile(&mut settles, 0.50),
        percentile(&mut settles, 0.99),
    );
    drop(state);
    drop(db);
    database.remove().await?;
    Ok(())
}

/// What each call shares: the database, the card cache and the batches, and the one rate.
#[derive(Clone)]
struct Caller {
    db: sea_orm::DatabaseConnection,
    cards: Arc<server::calls::card_cache::CardCache>,
    batches: Option<Arc<reservation::Batches>>,
    cached: bool,
    rate: Rate,
}

impl Caller {
    /// One call on `slug`'s card, answered and ended 30 s later, arrived at `arrival`: how long
    /// from its arrival until it was reserved, and how long its settlement took.
    async fn call(&self, slug: &str, arrival: Instant) -> (Duration, Duration) {
        let request = CallRequest {
            card_slug: slug,
            caller_number: "browser",
            callee_number: "browser",
            caller_region: None,
            legs: vec![Some(self.rate.clone())],
            hold_secs: 60,
            run_by: "reserve-load",
        };
        let batches = self.batches.as_deref();
        let granted = if self.cached {
            reservation::reserve_with_cache(&self.db, batches, &self.cards, request, Utc::now())
                .await
        } else {
            reservation::reserve(&self.db, request, Utc::now()).await
        }
        .expect("every call is affordable");
        let reserved = arrival.elapsed();
        let began = Instant::now();
        let now = Utc::now();
        // As the bridge's authority does: from the row as reserved.
        reservation::settle_believed(
            &self.db,
            batches,
            &granted.row,
            Ending {
                picked_up_at: None,
                caller_picked_up_at: None,
                answered_at: Some(now),
                ended_at: now + chrono::Duration::seconds(30),
                outcome: Outcome::Ended(CallOutcome::Answered),
                hangup_cause: RecordedCause::Call(HangupCause::CallerHungUp),
                answered_on: None,
                phone_dropped_at: None,
            },
        )
        .await
        .expect("settles");
        (reserved, began.elapsed())
    }
}
