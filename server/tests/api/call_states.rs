//! The call row says only what the code can read back (issue 9: typed states and causes), and a
//! restarted node settles its own calls at once (issue 9's crash drill, in-process half; the
//! `kill -9` drill with the real binary is `crash_drill.rs`).

use chrono::{Duration, SubsecRound, Utc};
use media_bridge::call::{CallOutcome, HangupCause};
use sea_orm::{ConnectionTrait, EntityTrait};
use server::calls::call_state::{AnsweredOn, CallState, Outcome, RecordedCause};
use server::calls::reservation::{self, CallRequest, Ending, entity as call};

use crate::both_backends;
use crate::call_races::per_second;
use crate::helpers::Backend;
use crate::reservations::{after_talking, issuer, request};

both_backends!(
    every_outcome_and_cause_is_stored_and_read_back,
    the_database_refuses_what_the_enums_cannot_say,
    a_restarted_node_settles_its_own_calls_at_once_and_leaves_the_others,
    a_settlement_from_an_out_of_date_row_settles_what_the_call_holds_now,
    a_callbacks_caller_is_billed_from_their_stored_pick_up_when_the_node_dies,
    a_phone_let_go_for_the_page_is_billed_to_its_stored_drop_when_the_node_dies,
);

fn on_node(node: &'static str) -> CallRequest<'static> {
    CallRequest {
        run_by: node,
        ..request(vec![per_second()])
    }
}

async fn every_outcome_and_cause_is_stored_and_read_back(backend: Backend) {
    let causes = RecordedCause::one_of_each();
    let outcomes = Outcome::one_of_each();
    let (app, _) = issuer(backend, 1_000_000, 100).await;
    for index in 0..causes.len().max(outcomes.len()) {
        let (outcome, cause) = (
            outcomes[index % outcomes.len()],
            causes[index % causes.len()],
        );
        let now = Utc::now();
        let granted = reservation::reserve(&app.db, request(vec![per_second()]), now)
            .await
            .unwrap();
        let record = reservation::settle(
            &app.db,
            granted.call_id,
            Ending {
                picked_up_at: None,
                caller_picked_up_at: None,
                answered_at: None,
                ended_at: now,
                outcome,
                hangup_cause: cause,
                answered_on: None,
                phone_dropped_at: None,
            },
        )
        .await
        .unwrap_or_else(|error| panic!("{outcome} / {cause} cannot be stored: {error}"));
        assert_eq!(
            (record.state, record.outcome, record.hangup_cause),
            (CallState::Settled, Some(outcome), Some(cause))
        );
    }
    app.assert_money_exact().await;
}

async fn the_database_refuses_what_the_enums_cannot_say(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 3).await;
    let granted = reservation::reserve(&app.db, request(vec![per_second()]), Utc::now())
        .await
        .unwrap();
    let id = granted.call_id;
    for (what, sql) in [
        (
            "an unknown state",
            format!("UPDATE calls SET state = 'running' WHERE id = {id}"),
        ),
        (
            "an unknown outcome",
            format!(
                "UPDATE calls SET state = 'settled', outcome = 'ok', ended_at = authorized_at WHERE id = {id}"
            ),
        ),
        (
            "an unknown cause",
            format!(
                "UPDATE calls SET state = 'settled', outcome = 'answered', hangup_cause = 'normal_clearing', ended_at = authorized_at WHERE id = {id}"
            ),
        ),
        (
            "negative money held",
            format!("UPDATE calls SET held = -1 WHERE id = {id}"),
        ),
        (
            "a running call with an ending",
            format!("UPDATE calls SET outcome = 'answered' WHERE id = {id}"),
        ),
        (
            "a refusal that holds money",
            format!(
                "UPDATE calls SET state = 'refused', outcome = 'refused:no_rate' WHERE id = {id}"
            ),
        ),
    ] {
        assert!(
            app.db.execute_unprepared(&sql).await.is_err(),
            "the database stored {what}"
        );
    }
    let row = call::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.state, row.outcome, row.held),
        (CallState::Reserved, None, granted.grant.hold.0),
        "nothing was changed half-way"
    );
    app.assert_money_exact().await;
}

async fn a_restarted_node_settles_its_own_calls_at_once_and_leaves_the_others(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 5).await;
    // Whole seconds, so the times read back equal on both databases.
    let start = Utc::now().trunc_subsecs(0) - Duration::seconds(40);
    // Node a was talking on one call (answered at +5 s, stamped last at +33 s) and had another
    // on the accept prompt (picked up at +10 s, stamped at +33 s) when it died; node b is alive.
    let talking = reservation::reserve(&app.db, on_node("node-a"), start)
        .await
        .unwrap();
    reservation::answer(
        &app.db,
        talking.call_id,
        start + Duration::seconds(5),
        AnsweredOn::Phone,
    )
    .await
    .unwrap();
    let prompting = reservation::reserve(&app.db, on_node("node-a"), start)
        .await
        .unwrap();
    reservation::picked_up(&app.db, prompting.call_id, start + Duration::seconds(10))
        .await
        .unwrap();
    let last_stamp = start + Duration::seconds(33);
    assert_eq!(
        reservation::stamp(&app.db, &[talking.call_id, prompting.call_id], last_stamp)
            .await
            .unwrap(),
        2
    );
    let elsewhere = reservation::reserve(&app.db, on_node("node-b"), start)
        .await
        .unwrap();

    let mut settled = reservation::settle_orphans(&app.db, "node-a")
        .await
        .unwrap();
    settled.sort();
    assert_eq!(settled, [talking.call_id, prompting.call_id]);
    assert!(
        reservation::settle_orphans(&app.db, "node-a")
            .await
            .unwrap()
            .is_empty(),
        "settling again finds nothing"
    );

    let row = |id: i64| {
        let db = app.db.clone();
        async move {
            call::Entity::find_by_id(id)
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let talked = row(talking.call_id).await;
    assert_eq!(
        (
            talked.outcome,
            talked.hangup_cause,
            talked.ended_at,
            talked.billed_secs,
            talked.cost
        ),
        (
            Some(Outcome::Ended(CallOutcome::Answered)),
            Some(RecordedCause::ProcessRestarted),
            Some(last_stamp),
            Some(28),
            Some(28)
        ),
        "billed from the answer to the last stamp"
    );
    let prompted = row(prompting.call_id).await;
    assert_eq!(
        (
            prompted.outcome,
            prompted.picked_up_at,
            prompted.billed_secs,
            prompted.cost
        ),
        (
            Some(Outcome::Ended(CallOutcome::Abandoned)),
            Some(start + Duration::seconds(10)),
            Some(23),
            Some(23)
        ),
        "the phone leg is billed from its pick-up (issue 8)"
    );
    assert_eq!(
        row(elsewhere.call_id).await.state,
        CallState::Reserved,
        "another node's call is left to the sweeper"
    );
    app.assert_money_exact().await;
}

async fn a_settlement_from_an_out_of_date_row_settles_what_the_call_holds_now(backend: Backend) {
    // The process believes the row as reserved (60 held), but an extension raised the hold to
    // 120 and the phone's pick-up was stored since: the settlement must price and release from
    // the row as it is, not as believed.
    let (app, _) = issuer(backend, 10_000, 3).await;
    let start = Utc::now().trunc_subsecs(0) - Duration::seconds(100);
    let reserved = reservation::reserve(&app.db, request(vec![per_second()]), start)
        .await
        .unwrap();
    let believed = reserved.row.clone();
    assert_eq!(believed.held, 60);
    reservation::picked_up(&app.db, reserved.call_id, start + Duration::seconds(2))
        .await
        .unwrap();
    reservation::answer(
        &app.db,
        reserved.call_id,
        start + Duration::seconds(5),
        AnsweredOn::Phone,
    )
    .await
    .unwrap();
    let extended =
        reservation::extend(&app.db, reserved.call_id, 60, start + Duration::seconds(50))
            .await
            .unwrap();
    assert_eq!(extended.held.0, 120);
    let record = reservation::settle_believed(
        &app.db,
        None,
        &believed,
        after_talking(start + Duration::seconds(5), 90, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
    assert_eq!(
        (record.state, record.held, record.billed_secs, record.cost),
        (CallState::Settled, 120, Some(93), Some(93)),
        "the phone leg from its stored pick-up (93 s), charged from the hold as extended"
    );
    app.assert_money_exact().await;
}

/// Issue 10: a callback's caller's pick-up is stored when it happens, so a node that dies
/// while the caller's extension is being keyed (or at any time after) still bills that leg
/// from its pick-up, as the issuer's is from theirs.
async fn a_callbacks_caller_is_billed_from_their_stored_pick_up_when_the_node_dies(
    backend: Backend,
) {
    let (app, _) = issuer(backend, 10_000, 5).await;
    let start = Utc::now().trunc_subsecs(0) - Duration::seconds(40);
    // Legs [caller, issuer], 1 a second each.
    let two_legs = CallRequest {
        run_by: "node-a",
        ..request(vec![per_second(), per_second()])
    };
    let call = reservation::reserve(&app.db, two_legs, start)
        .await
        .unwrap();
    let at = |secs: i64| start + Duration::seconds(secs);
    reservation::picked_up(&app.db, call.call_id, at(2))
        .await
        .unwrap();
    reservation::caller_picked_up(&app.db, call.call_id, at(10))
        .await
        .unwrap();
    // Stored once: a repeat changes nothing.
    reservation::caller_picked_up(&app.db, call.call_id, at(11))
        .await
        .unwrap();
    reservation::answer(&app.db, call.call_id, at(14), AnsweredOn::Phone)
        .await
        .unwrap();
    reservation::stamp(&app.db, &[call.call_id], at(20))
        .await
        .unwrap();

    let settled = reservation::settle_orphans(&app.db, "node-a")
        .await
        .unwrap();
    assert_eq!(settled, [call.call_id]);
    let record = call::Entity::find_by_id(call.call_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.caller_picked_up_at, Some(at(10)));
    assert_eq!(
        (record.ended_at, record.cost),
        (Some(at(20)), Some(18 + 10)),
        "the issuer's leg from +2 s and the caller's from +10 s to the last stamp"
    );
    app.assert_money_exact().await;
}

/// Issue 11, ringing both: the page took the call from a phone at its prompt, then the node
/// died. The phone's drop is stored when it happens, so the restarted node bills that phone
/// leg from its pick-up to its drop, and the talk on the page's rate, not the phone's.
async fn a_phone_let_go_for_the_page_is_billed_to_its_stored_drop_when_the_node_dies(
    backend: Backend,
) {
    let (app, _) = issuer(backend, 10_000, 5).await;
    let start = Utc::now().trunc_subsecs(0) - Duration::seconds(40);
    // Legs [caller, the issuer's phone, the issuer's page]: 1, 2 and 1 a second.
    let phone = per_second().map(|rate| server::calls::rates::Rate {
        per_minute: 120,
        ..rate
    });
    let ringing_both = CallRequest {
        run_by: "node-a",
        ..request(vec![per_second(), phone, per_second()])
    };
    let call = reservation::reserve(&app.db, ringing_both, start)
        .await
        .unwrap();
    let at = |secs: i64| start + Duration::seconds(secs);
    reservation::picked_up(&app.db, call.call_id, at(2))
        .await
        .unwrap();
    reservation::phone_dropped(&app.db, call.call_id, at(8))
        .await
        .unwrap();
    reservation::answer(&app.db, call.call_id, at(8), AnsweredOn::Browser)
        .await
        .unwrap();
    reservation::stamp(&app.db, &[call.call_id], at(20))
        .await
        .unwrap();

    let settled = reservation::settle_orphans(&app.db, "node-a")
        .await
        .unwrap();
    assert_eq!(settled, [call.call_id]);
    let record = call::Entity::find_by_id(call.call_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (record.answered_on, record.phone_dropped_at),
        (Some(AnsweredOn::Browser), Some(at(8)))
    );
    assert_eq!(
        (record.ended_at, record.cost),
        (Some(at(20)), Some(12 + 2 * 6 + 12)),
        "the caller and the page for the 12 s of talk, the phone for its 6 s up"
    );
    app.assert_money_exact().await;
}
