//! Races of two steps of ONE call (issue 9; BRIEF R8, R11): extend vs settle, extend vs sweep,
//! settle vs sweep, settle vs settle, answer vs settle — many times over, on SQLite and
//! PostgreSQL. Whoever wins, nothing deadlocks, no hold outlives its call, and the Guild's
//! money is exactly its grant less what the calls cost (`server::check::money` finds no drift).

use chrono::{Duration, Utc};
use media_bridge::call::{CallOutcome, HangupCause};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use server::calls::call_state::{AnsweredOn, Outcome, RecordedCause};
use server::calls::rates::{LegClass, Rate};
use server::calls::reservation::{self, Ending, ReservationError};

use crate::both_backends;
use crate::helpers::Backend;
use crate::reservations::{after_talking, issuer, request};

both_backends!(
    extend_races_settle_of_the_same_call,
    extend_races_the_sweeper_on_the_same_call,
    settle_races_the_sweeper_on_the_same_call,
    settle_races_settle_of_the_same_call,
    answer_races_settle_of_the_same_call,
    the_check_reports_drift_with_the_running_calls,
    a_new_reservation_races_the_settlement_of_an_unanswered_call_on_the_same_card,
);

/// Iterations per race and backend: enough for both orders to happen many times.
const ROUNDS: usize = 25;

/// One won a second, billed by the second: every second of difference shows in the money.
pub(crate) fn per_second() -> Option<Rate> {
    Some(Rate {
        class: LegClass::Landline,
        prefix: String::new(),
        per_minute: 60,
        initial_increment_secs: 1,
        subsequent_increment_secs: 1,
        connect_fee: 0,
    })
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Answer,
    Extend,
    Settle,
    Sweep,
}

/// Runs `step` on `call`; a step that finds the call already ended is a fine outcome of a race.
async fn run(db: DatabaseConnection, call: i64, step: Step, answered: chrono::DateTime<Utc>) {
    let db = &db;
    let result = match step {
        Step::Answer => reservation::answer(db, call, answered, AnsweredOn::Phone).await,
        Step::Extend => reservation::extend(db, call, 60, Utc::now())
            .await
            .map(drop),
        Step::Settle => reservation::settle(
            db,
            call,
            after_talking(answered, 90, HangupCause::CallerHungUp),
        )
        .await
        .map(drop),
        // As if the process had died: everything running is stale an hour from now.
        Step::Sweep => {
            reservation::sweep_stale(db, Utc::now() + Duration::hours(1), Duration::seconds(1))
                .await
                .map(drop)
        }
    };
    match result {
        Ok(()) | Err(ReservationError::NotRunning) => {}
        Err(error) => panic!("{step:?} of call {call} failed: {error}"),
    }
}

/// `ROUNDS` calls, each answered (unless `first` answers it) and then raced by `first` and
/// `second`; every call is settled at the end, and the money must be exact after each round.
async fn race_steps(backend: Backend, first: Step, second: Step) {
    let grant = 1_000_000;
    let (app, account) = issuer(backend, grant, 1_000).await;
    let mut settled_calls = Vec::new();
    for _ in 0..ROUNDS {
        let call = reservation::reserve(&app.db, request(vec![per_second()]), Utc::now())
            .await
            .unwrap()
            .call_id;
        let answered = Utc::now();
        if !matches!(first, Step::Answer) {
            reservation::answer(&app.db, call, answered, AnsweredOn::Phone)
                .await
                .unwrap();
        }
        // Two tasks, so the steps really run at once on the two worker threads.
        let racing = tokio::spawn(run(app.db.clone(), call, first, answered));
        run(app.db.clone(), call, second, answered).await;
        racing.await.unwrap();
        // Whatever the race left running ends now.
        run(app.db.clone(), call, Step::Settle, answered).await;
        settled_calls.push(call);

        app.assert_money_exact().await;
    }
    let guild = app.get_json(&app.client, app.url("/api/guild")).await;
    let records = app
        .get_json(&app.client, app.url("/api/calls?limit=100"))
        .await;
    let cost: i64 = records["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["cost"].as_i64().unwrap())
        .sum();
    assert_eq!(
        records["records"].as_array().unwrap().len(),
        settled_calls.len()
    );
    assert_eq!(guild["held"].as_i64(), Some(0), "no hold outlives its call");
    assert_eq!(
        guild["balance"].as_i64(),
        Some(grant - cost),
        "the Guild lost exactly what the calls cost (account {account})"
    );
}

async fn extend_races_settle_of_the_same_call(backend: Backend) {
    race_steps(backend, Step::Extend, Step::Settle).await;
}

async fn extend_races_the_sweeper_on_the_same_call(backend: Backend) {
    race_steps(backend, Step::Extend, Step::Sweep).await;
}

async fn settle_races_the_sweeper_on_the_same_call(backend: Backend) {
    race_steps(backend, Step::Settle, Step::Sweep).await;
}

async fn settle_races_settle_of_the_same_call(backend: Backend) {
    race_steps(backend, Step::Settle, Step::Settle).await;
}

async fn answer_races_settle_of_the_same_call(backend: Backend) {
    race_steps(backend, Step::Answer, Step::Settle).await;
}

async fn a_new_reservation_races_the_settlement_of_an_unanswered_call_on_the_same_card(
    backend: Backend,
) {
    // Not one call's two steps but one card's two calls: the settlement gives its unit back
    // to the card's call count while the reservation takes one and holds money in the same
    // Guild. Both must take the card's and the Guild's rows in the same order, or PostgreSQL
    // finds a deadlock and one of them fails.
    let grant = 1_000_000;
    let (app, _) = issuer(backend, grant, 1_000).await;
    let mut ringing = reservation::reserve(&app.db, request(vec![per_second()]), Utc::now())
        .await
        .unwrap()
        .call_id;
    for _ in 0..ROUNDS * 2 {
        let db = app.db.clone();
        let settling = tokio::spawn(async move {
            let now = Utc::now();
            reservation::settle(
                &db,
                ringing,
                Ending {
                    picked_up_at: None,
                    caller_picked_up_at: None,
                    answered_at: None,
                    ended_at: now,
                    outcome: Outcome::Ended(CallOutcome::NoAnswer),
                    hangup_cause: RecordedCause::Call(HangupCause::IssuerDidNotAnswer),
                    answered_on: None,
                    phone_dropped_at: None,
                },
            )
            .await
        });
        let next = reservation::reserve(&app.db, request(vec![per_second()]), Utc::now()).await;
        let settled = settling.await.unwrap();
        let next = next.unwrap_or_else(|error| panic!("the reservation failed: {error}"));
        settled.unwrap_or_else(|error| panic!("the settlement failed: {error}"));
        ringing = next.call_id;
    }
    app.assert_money_exact().await;
}

async fn the_check_reports_drift_with_the_running_calls(backend: Backend) {
    // `callcard check` must be able to fail: a hold no call accounts for is reported, with
    // the Guild's figures and the calls still running.
    let (app, account) = issuer(backend, 10_000, 10).await;
    let call = reservation::reserve(&app.db, request(vec![per_second()]), Utc::now())
        .await
        .unwrap()
        .call_id;
    assert!(server::check::money(&app.db).await.unwrap().is_empty());
    let backend_kind = app.db.get_database_backend();
    app.db
        .execute_raw(sea_orm::Statement::from_string(
            backend_kind,
            format!("UPDATE guilds SET held = held + 5 WHERE account_id = {account}"),
        ))
        .await
        .unwrap();
    let drifts = server::check::money(&app.db).await.unwrap();
    assert_eq!(drifts.len(), 1);
    let drift = &drifts[0];
    assert_eq!(drift.account_id, account);
    assert_eq!(drift.held, drift.held_by_running_calls + 5);
    assert_eq!(drift.balance, drift.sum_of_entries);
    assert_eq!(drift.running_calls, vec![call]);
    assert!(drift.to_string().contains("running calls hold"), "{drift}");
}
