//! Calls that reserve and settle together in one PostgreSQL statement (issue 9: throughput;
//! `server/src/calls/reservation/batch.rs`) come out exactly as they would one by one: racing
//! callers get exactly what the Guild covers, each settles to the won on its own leg, the
//! ledger's entries follow one another (each entry's `balance_after` is the one before plus its
//! amount), two steps of one call racing — an `extend` or the sweeper against a batched
//! settlement — leave no hold behind, and a call settled twice at once is charged once. PostgreSQL only: SQLite has no batches (one writer).

use std::sync::Arc;

use chrono::{Duration, Utc};
use media_bridge::call::HangupCause;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use server::calls::authorize::Refusal;
use server::calls::call_state::CallState;
use server::calls::card_cache::CardCache;
use server::calls::reservation::{self, Batches, Reservation, ReservationError};

use crate::call_races::per_second;
use crate::helpers::{Backend, TestApp};
use crate::reservations::{after_talking, issuer, request, unanswered};

/// 500 callers at once through the card cache and the batches, as the bridge reserves.
async fn reserve_together(
    app: &TestApp,
    batches: &Arc<Batches>,
    callers: usize,
) -> (Vec<Reservation>, Vec<Refusal>) {
    let cards = Arc::new(CardCache::default());
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let (db, batches, cards) = (app.db.clone(), batches.clone(), cards.clone());
            tokio::spawn(async move {
                let call = request(vec![per_second()]);
                reservation::reserve_with_cache(&db, Some(&batches), &cards, call, Utc::now()).await
            })
        })
        .collect();
    let (mut granted, mut refused) = (Vec::new(), Vec::new());
    for task in tasks {
        match task.await.unwrap() {
            Ok(reservation) => granted.push(reservation),
            Err(ReservationError::Refused(refusal)) => refused.push(refusal),
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    (granted, refused)
}

/// Every entry of `account_id`, in the order written, carries the balance after it: the one
/// before plus its amount (a batch writes several at once and must chain them too).
async fn assert_entries_chain(db: &DatabaseConnection, account_id: i64) {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT id, amount, balance_after FROM ledger_entries \
                 WHERE account_id = {account_id} ORDER BY id"
            ),
        ))
        .await
        .unwrap();
    let mut balance = 0i64;
    for row in rows {
        let (id, amount, after): (i64, i64, i64) = (
            row.try_get("", "id").unwrap(),
            row.try_get("", "amount").unwrap(),
            row.try_get("", "balance_after").unwrap(),
        );
        balance += amount;
        assert_eq!(after, balance, "entry {id}: balance after it");
    }
}

async fn guild_figures(app: &TestApp) -> (i64, i64) {
    app.assert_money_exact().await;
    let guild = app.get_json(&app.client, app.url("/api/guild")).await;
    (
        guild["balance"].as_i64().unwrap(),
        guild["held"].as_i64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batched_callers_get_exactly_what_the_guild_covers_and_each_settles_to_the_won() {
    // 120 first intervals of 60 won, 500 callers at once.
    let (app, account_id) = issuer(Backend::Postgres, 120 * 60, 1000).await;
    let batches = Arc::new(Batches::start(app.db.clone()));
    let (granted, refused) = reserve_together(&app, &batches, 500).await;
    assert_eq!(granted.len(), 120);
    assert!(
        refused
            .iter()
            .all(|refusal| matches!(refusal, Refusal::GuildExhausted { .. })),
        "{refused:?}"
    );
    assert_eq!(guild_figures(&app).await, (120 * 60, 120 * 60));
    let reserved = batches.counts();
    assert!(
        reserved.batches > 0,
        "some calls went together: {reserved:?}"
    );
    assert!(
        reserved.retried_calls > 0,
        "batches that would pass the Guild went one by one: {reserved:?}"
    );

    // Every fourth unanswered (its unit back, nothing charged), the others talk 1-59 s at one
    // won a second: each charge is different, and all settle at once.
    let answered_at = Utc::now() - Duration::minutes(5);
    let talks: Vec<Option<i64>> = (0..granted.len())
        .map(|i| (i % 4 != 0).then_some(i as i64 % 59 + 1))
        .collect();
    let settles: Vec<_> = granted
        .iter()
        .zip(&talks)
        .map(|(call, talk)| {
            let (db, batches, believed) = (app.db.clone(), batches.clone(), call.row.clone());
            let ending = match talk {
                Some(secs) => after_talking(answered_at, *secs, HangupCause::CallerHungUp),
                None => unanswered(),
            };
            tokio::spawn(async move {
                reservation::settle_believed(&db, Some(&batches), &believed, ending).await
            })
        })
        .collect();
    for (settle, talk) in settles.into_iter().zip(&talks) {
        let record = settle.await.unwrap().unwrap();
        assert_eq!(record.state, CallState::Settled);
        assert_eq!(record.cost, Some(talk.unwrap_or(0)), "call {}", record.id);
    }
    let spent: i64 = talks.iter().flatten().sum();
    assert_eq!(guild_figures(&app).await, (120 * 60 - spent, 0));
    assert_entries_chain(&app.db, account_id).await;
    let answered = talks.iter().flatten().count() as u64;
    let quota = app
        .get_json(&app.client, app.url("/api/cards/ada/call-settings"))
        .await["call_quota"]
        .as_u64();
    assert_eq!(quota, Some(1000 - answered), "unanswered calls' units back");
    assert!(
        batches.counts().batched_calls > reserved.batched_calls,
        "settlements went together too: {:?}",
        batches.counts()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extend_or_the_sweeper_racing_a_batched_settlement_of_the_same_call_leaves_no_hold() {
    let (app, account_id) = issuer(Backend::Postgres, 100_000, 1000).await;
    let batches = Arc::new(Batches::start(app.db.clone()));
    for round in 0..5 {
        let (granted, refused) = reserve_together(&app, &batches, 40).await;
        assert!(refused.is_empty(), "{refused:?}");
        // Each call's settlement from the row as reserved, raced by a second step of that very
        // call: an extension (the settlement then finds its belief out of date and reads again),
        // or, every third round, the sweeper settling everything as if its process had died.
        let answered_at = Utc::now();
        let mut steps = Vec::new();
        for (index, call) in granted.iter().enumerate() {
            let (db, batches, believed) = (app.db.clone(), batches.clone(), call.row.clone());
            steps.push(tokio::spawn(async move {
                let ending = after_talking(answered_at, 45, HangupCause::CallerHungUp);
                reservation::settle_believed(&db, Some(&batches), &believed, ending)
                    .await
                    .map(drop)
            }));
            let sweeping = round % 3 == 2;
            if sweeping && index % 10 != 0 {
                // A few sweepers are enough: each one sweeps every call.
                continue;
            }
            let (db, call_id) = (app.db.clone(), call.call_id);
            steps.push(tokio::spawn(async move {
                if sweeping {
                    let later = Utc::now() + Duration::hours(1);
                    reservation::sweep_stale(&db, later, Duration::seconds(1))
                        .await
                        .map(drop)
                } else {
                    reservation::extend(&db, call_id, 60, Utc::now())
                        .await
                        .map(drop)
                }
            }));
        }
        for step in steps {
            match step.await.unwrap() {
                Ok(()) | Err(ReservationError::NotRunning) => {}
                Err(error) => panic!("round {round}: {error}"),
            }
        }
        let (_, held) = guild_figures(&app).await;
        assert_eq!(held, 0, "round {round}: no hold outlives its call");
        assert_entries_chain(&app.db, account_id).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_settled_twice_at_once_through_the_batches_is_charged_once() {
    // Two processes' endings of one call (a hang-up and a restart's settlement, say) from the
    // same belief, every call twice at once: a batch then holds a call twice, cannot go whole,
    // and its calls are settled one by one — each call once.
    let (app, account_id) = issuer(Backend::Postgres, 100_000, 1000).await;
    let batches = Arc::new(Batches::start(app.db.clone()));
    let (granted, refused) = reserve_together(&app, &batches, 40).await;
    assert!(refused.is_empty(), "{refused:?}");
    let before = batches.counts();
    let answered_at = Utc::now() - Duration::minutes(5);
    let settles: Vec<_> = granted
        .iter()
        .flat_map(|call| [call.row.clone(), call.row.clone()])
        .map(|believed| {
            let (db, batches) = (app.db.clone(), batches.clone());
            let ending = after_talking(answered_at, 30, HangupCause::CallerHungUp);
            tokio::spawn(async move {
                reservation::settle_believed(&db, Some(&batches), &believed, ending).await
            })
        })
        .collect();
    for settle in settles {
        let record = settle.await.unwrap().unwrap();
        assert_eq!((record.state, record.cost), (CallState::Settled, Some(30)));
    }
    assert_eq!(guild_figures(&app).await, (100_000 - 40 * 30, 0));
    assert_entries_chain(&app.db, account_id).await;
    let entries = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!(
                "SELECT count(*) AS entries, count(DISTINCT reference) AS calls \
                 FROM ledger_entries WHERE account_id = {account_id} AND amount < 0"
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    let count = |column| entries.try_get::<i64>("", column).unwrap();
    assert_eq!(
        (count("entries"), count("calls")),
        (40, 40),
        "one debit per call"
    );
    let after = batches.counts();
    assert!(
        after.retried_calls > before.retried_calls,
        "a batch holding a call twice went one by one: {after:?}"
    );
}
