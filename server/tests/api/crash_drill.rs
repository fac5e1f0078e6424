//! Fault drill (issue 9): `kill -9` the real `callcard` binary in the middle of an answered call
//! through a SIPp trunk, start it again on the same database, and check what an operator would:
//! the call is settled within 15 s of the restart, its recorded end is within 5 s of the death
//! (and billed up to there), its call-count unit stays spent, and every Guild adds up
//! (`callcard check`). Then PostgreSQL itself crashing and restarting under running calls.
//! BENCHMARKS.md reports the times measured here.

use std::time::{Duration, Instant};

use chrono::Utc;
use media_bridge::call::HangupCause;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use server::calls::call_state::{CallState, RecordedCause};
use server::calls::metering::{CallLegs, LegTimes, Settlement};
use server::calls::reservation::entity as call;
use server::cards::entity::call_settings;
use server::ledger::money::Money;

use crate::both_backends;
use crate::calling::{call_card, follow_as, sipp, wait_for, wait_for_end};
use crate::helpers::{Backend, ServerProcess, fresh_database};
use crate::private_postgres::PrivatePostgres;

both_backends!(a_server_killed_mid_call_settles_it_within_seconds_of_its_restart);

/// PostgreSQL itself goes down under two answered calls as a crash would (`pg_ctl stop -m
/// immediate`: every connection cut, no checkpoint, its log replayed at the next start), and
/// refuses connections for 6 s; one caller hangs up meanwhile. The server, never restarted,
/// reconnects by itself once the database is back: the call that ended is settled as it ended
/// (at the hang-up, not by the sweeper); the other talks on through the outage, is stamped
/// again, and is billed for all of its time when it ends; a new call goes through; every Guild
/// adds up. The database is a server of the test's own, since the machine's is shared.
#[tokio::test]
async fn postgres_restarted_under_running_calls_loses_and_doubles_nothing() {
    sipp::init_logs();
    // Three calls: the one that ends during the outage, the one that talks through it, and one
    // after the database is back.
    let trunk = sipp::Sipp::start(
        sipp::Scenario::File("accept_with_1.xml"),
        &["-rtp_echo", "-m", "3"],
    );
    let postgres = PrivatePostgres::start();
    server::db::connect_url(&postgres.url("postgres"))
        .await
        .unwrap()
        .execute_unprepared("CREATE DATABASE callcard")
        .await
        .unwrap();
    let database_url = postgres.url("callcard");
    let data_dir = tempfile::tempdir().unwrap();
    let trunk_port = trunk.sip.port().to_string();
    let env = [
        ("DATABASE_URL", database_url.as_str()),
        ("CALLCARD_TRUNK_HOST", "127.0.0.1"),
        ("CALLCARD_TRUNK_PORT", trunk_port.as_str()),
        ("CALLCARD_TRUNK_CALLER_ID", "+8225550000"),
    ];
    let server = ServerProcess::start(data_dir.path(), ServerProcess::free_port(), &env).await;
    let client = reqwest::Client::new();
    let address = server.address.clone();
    let (_ending, ending_token) = connected_call(&client, &address).await;
    let (_talking, talking_token) = connected_call(&client, &address).await;
    let mut talking_states = follow_as(
        &client,
        format!("{address}/api/calls/live/{talking_token}/events"),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    postgres.crash();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let hung_up_at = Utc::now();
    let hung_up = client
        .post(format!("{address}/api/calls/live/{ending_token}/hangup"))
        .send()
        .await
        .unwrap();
    assert_eq!(hung_up.status(), 204);
    tokio::time::sleep(Duration::from_secs(5)).await;
    postgres.start_again();
    let back = Instant::now();
    let back_at = Utc::now();

    let db = server::db::connect_url(&database_url).await.unwrap();
    let calls = |db: sea_orm::DatabaseConnection| async move {
        let calls = call::Entity::find()
            .order_by_asc(call::Column::Id)
            .all(&db)
            .await
            .unwrap();
        assert_eq!(calls.len(), 2, "the two calls, recorded once each");
        (calls[0].clone(), calls[1].clone())
    };
    let ended = loop {
        let (ended, _) = calls(db.clone()).await;
        if ended.state == CallState::Settled {
            break ended;
        }
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "not settled within 30 s of the database's return:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let settled_after = back.elapsed();
    let ended_at = ended.ended_at.unwrap();
    assert_eq!(
        ended.hangup_cause,
        Some(RecordedCause::Call(HangupCause::CallerHungUp)),
        "settled as it ended, not by the sweeper"
    );
    assert!(
        (ended_at - hung_up_at).num_milliseconds().abs() < 1_000,
        "recorded end {ended_at}, hung up at {hung_up_at}"
    );

    // The other call talked on, and its running process stamps it again.
    let talking = loop {
        let (_, talking) = calls(db.clone()).await;
        assert_eq!(talking.state, CallState::Reserved, "{}", server.log());
        if talking.metered_at.is_some_and(|stamped| stamped > back_at) {
            break talking;
        }
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "the talking call was not stamped within 15 s of the database's return:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    client
        .post(format!("{address}/api/calls/live/{talking_token}/hangup"))
        .send()
        .await
        .unwrap();
    wait_for_end(&mut talking_states, Duration::from_secs(20)).await;
    let (_, talked) = calls(db.clone()).await;
    assert_eq!(talked.state, CallState::Settled);
    assert_eq!(
        talked.hangup_cause,
        Some(RecordedCause::Call(HangupCause::CallerHungUp))
    );
    let answered_at = talked.answered_at.expect("the answer was stored");
    let talked_until = talked.ended_at.unwrap();
    assert!(
        (talked_until - answered_at).num_seconds() >= 8,
        "talked through the outage: {answered_at} to {talked_until}"
    );
    assert_eq!(talked.held, talking.held, "settled with the hold it ran on");
    let expected = priced(&talked);
    assert_eq!(
        (talked.billed_secs, talked.cost),
        (Some(expected.billed_secs as i32), Some(expected.charge.0)),
        "billed for all of its time, the outage included"
    );
    println!(
        "PostgreSQL restart drill: the ended call settled {settled_after:?} after the database \
         was back; the other billed {} s",
        expected.billed_secs
    );

    // New calls go through again, on fresh connections.
    let (_third_caller, third) =
        call_card(&client, format!("{address}/api/cards/hong-gildong/calls")).await;
    let mut states = follow_as(&client, format!("{address}/api/calls/live/{third}/events")).await;
    wait_for(&mut states, "connected").await;
    client
        .post(format!("{address}/api/calls/live/{third}/hangup"))
        .send()
        .await
        .unwrap();
    wait_for_end(&mut states, Duration::from_secs(20)).await;
    drop(server);
    assert_money_adds_up(data_dir.path(), &database_url);
}

/// The floors of the drill.
const SETTLED_AFTER_RESTART: Duration = Duration::from_secs(15);
const END_BEFORE_DEATH: chrono::Duration = chrono::Duration::seconds(5);

async fn a_server_killed_mid_call_settles_it_within_seconds_of_its_restart(backend: Backend) {
    sipp::init_logs();
    let trunk = sipp::Sipp::start(sipp::Scenario::File("accept_with_1.xml"), &["-rtp_echo"]);
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(backend, data_dir.path()).await;
    let trunk_port = trunk.sip.port().to_string();
    let port = ServerProcess::free_port();
    let env = [
        ("DATABASE_URL", database_url.as_str()),
        ("CALLCARD_TRUNK_HOST", "127.0.0.1"),
        ("CALLCARD_TRUNK_PORT", trunk_port.as_str()),
        ("CALLCARD_TRUNK_CALLER_ID", "+8225550000"),
    ];
    let server = ServerProcess::start(data_dir.path(), port, &env).await;
    let client = reqwest::Client::new();
    let address = server.address.clone();

    let (_caller, _token) = connected_call(&client, &address).await;
    let db = server::db::connect_url(&database_url).await.unwrap();
    // The bridge records the answer on a task of its own as the page hears "connected"; on a
    // loaded machine the write can land a moment after the event.
    let mut answered = latest_call(&db).await;
    for _ in 0..40 {
        if answered.answered_at.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        answered = latest_call(&db).await;
    }
    let answered_at = answered
        .answered_at
        .expect("the answer is recorded within 2 s of the call connecting");
    let quota_during_call = call_count(&db, answered.card_id.unwrap()).await;

    // Talk for a while (several stamps), then the process dies without a word.
    tokio::time::sleep(Duration::from_secs(9)).await;
    let died = Utc::now();
    server.kill();
    let still_running = latest_call(&db).await;
    assert_eq!(
        still_running.state,
        CallState::Reserved,
        "nobody settled it"
    );

    let restarted = Instant::now();
    let server = ServerProcess::start(data_dir.path(), port, &env).await;
    let settled = loop {
        let row = latest_call(&db).await;
        if row.state == CallState::Settled {
            break row;
        }
        assert!(
            restarted.elapsed() < SETTLED_AFTER_RESTART,
            "the call was not settled within {SETTLED_AFTER_RESTART:?} of the restart:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let settled_after = restarted.elapsed();

    let ended_at = settled.ended_at.expect("a settled call has an end");
    assert_eq!(settled.hangup_cause, Some(RecordedCause::ProcessRestarted));
    assert!(
        ended_at <= died && died - ended_at <= END_BEFORE_DEATH,
        "recorded end {ended_at} is not within {END_BEFORE_DEATH} before the death at {died}"
    );
    let talk_secs = (ended_at - answered_at).num_seconds();
    assert!(talk_secs >= 4, "billed {talk_secs} s of a 9 s call");
    assert_eq!(
        settled.answered_at,
        Some(answered_at),
        "the answer as stored"
    );
    let expected = priced(&settled);
    assert_eq!(
        (settled.billed_secs, settled.cost),
        (Some(expected.billed_secs as i32), Some(expected.charge.0)),
        "billed for {talk_secs} s of talk"
    );
    assert!(expected.charge.0 > 0);
    assert_eq!(
        call_count(&db, settled.card_id.unwrap()).await,
        quota_during_call,
        "an answered call keeps its call-count unit"
    );
    println!(
        "crash drill ({backend:?}): settled {settled_after:?} after the restart; recorded end \
         {:.1} s before the death; billed {} s",
        (died - ended_at).num_milliseconds() as f64 / 1000.0,
        expected.billed_secs
    );
    drop(server);

    assert_money_adds_up(data_dir.path(), &database_url);
}

/// What the metering rules charge `settled` for exactly its recorded times: the browser
/// caller's leg from the answer, the issuer's phone leg from its pick-up, both to its end.
fn priced(settled: &call::Model) -> Settlement {
    let ended_at = settled.ended_at.expect("a settled call has an end");
    let up_since = |start: chrono::DateTime<Utc>| (ended_at - start).num_seconds() as u32;
    CallLegs::from_stored(&settled.legs).unwrap().settle(
        Money(settled.held),
        LegTimes {
            caller_secs: up_since(settled.answered_at.expect("the answer is stored")),
            issuer_secs: up_since(settled.picked_up_at.expect("the pick-up is stored")),
            page_secs: 0,
        },
    )
}

/// The operator's check: every Guild's balance is its ledger, nothing is held by ended calls.
fn assert_money_adds_up(data_dir: &std::path::Path, database_url: &str) {
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_callcard"))
        .arg("check")
        .env_clear()
        .env("CALLCARD_DATA_DIR", data_dir)
        .env("DATABASE_URL", database_url)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "callcard check failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

/// A caller on the demo card, talking: the bridge rings the issuer's mobile through SIPp, which
/// answers and presses 1. Returns the caller's leg (keep it) and the call's token.
async fn connected_call(
    client: &reqwest::Client,
    address: &str,
) -> (media_bridge::browser::BrowserLeg, String) {
    let (caller, token) =
        call_card(client, format!("{address}/api/cards/hong-gildong/calls")).await;
    let mut states = follow_as(client, format!("{address}/api/calls/live/{token}/events")).await;
    wait_for(&mut states, "connected").await;
    (caller, token)
}

async fn latest_call(db: &sea_orm::DatabaseConnection) -> call::Model {
    call::Entity::find()
        .order_by_desc(call::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("a call was recorded")
}

async fn call_count(db: &sea_orm::DatabaseConnection, card_id: i64) -> u32 {
    call_settings::Entity::find_by_id(card_id)
        .one(db)
        .await
        .unwrap()
        .expect("the card has call settings")
        .call_quota as u32
}
