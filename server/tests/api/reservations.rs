//! Reservations (BRIEF R8, R11, R12): racing callers never overspend the Guild nor the call
//! count; settlement debits the exact cost once and gives back what an unanswered call held.

use chrono::{DateTime, Duration, Utc};
use media_bridge::call::{CallOutcome, HangupCause};
use serde_json::json;
use server::calls::authorize::Refusal;
use server::calls::call_state::{AnsweredOn, Outcome, RecordedCause};
use server::calls::rates::{LegClass, Rate};
use server::calls::reservation::{self, CallRequest, Ending, ReservationError};
use server::ledger::money::Money;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json};

both_backends!(
    racing_callers_get_exactly_what_the_guild_covers,
    racing_callers_get_exactly_the_call_count,
    settlement_debits_the_exact_cost_once,
    refusals_are_precise_and_recorded,
    a_guild_covering_70_seconds_ends_the_call_at_70_seconds,
    issuers_search_and_export_their_own_call_records,
    stale_reservations_are_settled_from_their_last_metering_point,
    the_dashboard_shows_records_calls_left_and_talk_time,
    operators_refund_a_call_once_and_never_more_than_it_cost,
    a_cached_card_is_decided_afresh_once_edited_or_short_of_money,
    a_callbacks_phone_legs_are_each_billed_from_their_own_pick_up,
);

pub(crate) fn landline() -> Option<Rate> {
    Some(Rate {
        class: LegClass::Landline,
        prefix: String::new(),
        per_minute: 60,
        initial_increment_secs: 60,
        subsequent_increment_secs: 60,
        connect_fee: 0,
    })
}

pub(crate) fn request(legs: Vec<Option<Rate>>) -> CallRequest<'static> {
    CallRequest {
        card_slug: "ada",
        caller_number: "+821012345678",
        callee_number: "+82234561234",
        caller_region: Some("KR"),
        legs,
        hold_secs: 60,
        run_by: "test-node",
    }
}

/// The ending of a call answered at `answered_at` and talked `talk_secs` until `cause`.
pub(crate) fn after_talking(
    answered_at: chrono::DateTime<Utc>,
    talk_secs: i64,
    cause: HangupCause,
) -> Ending {
    Ending {
        picked_up_at: None,
        caller_picked_up_at: None,
        answered_at: Some(answered_at),
        ended_at: answered_at + Duration::seconds(talk_secs),
        outcome: Outcome::Ended(CallOutcome::Answered),
        hangup_cause: RecordedCause::Call(cause),
        answered_on: None,
        phone_dropped_at: None,
    }
}

/// The ending of a call the issuer never answered, now.
pub(crate) fn unanswered() -> Ending {
    Ending {
        picked_up_at: None,
        caller_picked_up_at: None,
        answered_at: None,
        ended_at: Utc::now(),
        outcome: Outcome::Ended(CallOutcome::NoAnswer),
        hangup_cause: RecordedCause::Call(HangupCause::IssuerDidNotAnswer),
        answered_on: None,
        phone_dropped_at: None,
    }
}

/// An issuer whose Guild holds `grant` and whose card "ada" takes `quota` calls, any time.
pub(crate) async fn issuer(backend: Backend, grant: i64, quota: u32) -> (TestApp, i64) {
    let app = TestApp::spawn_with(backend, |settings| settings.signup_grant = Money(grant)).await;
    let account = app.sign_up(&app.client, "ada@example.com").await;
    let mut card = card_json(Some("ada"), "Ada");
    card["call"] = json!({
        "call_quota": quota, "max_call_minutes": 10, "time_zone": "Asia/Seoul",
        "available_from": "00:00", "available_until": "24:00",
        "available_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "allowed_regions": ["KR"], "landline": "", "mobile": "", "internet_phone": true
    });
    assert_eq!(app.create_card(&app.client, card).await.status(), 201);
    (app, account["id"].as_i64().unwrap())
}

/// Reserves one landline call on "ada", answers it now and settles it `talk_secs` later.
async fn answered_call(app: &TestApp, talk_secs: i64) {
    let call = reservation::reserve(&app.db, request(vec![landline()]), Utc::now())
        .await
        .unwrap();
    let now = Utc::now();
    reservation::settle(
        &app.db,
        call.call_id,
        after_talking(now, talk_secs, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
}

/// The statement's balance, after checking that it is the sum of its entries.
fn balance_of(statement: &serde_json::Value) -> i64 {
    let entries: i64 = statement["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["amount"].as_i64().unwrap())
        .sum();
    let balance = statement["balance"].as_i64().unwrap();
    assert_eq!(balance, entries, "balance = sum of entries");
    balance
}

async fn guild(app: &TestApp) -> serde_json::Value {
    app.assert_money_exact().await;
    app.get_json(&app.client, app.url("/api/guild")).await
}

async fn quota(app: &TestApp) -> u64 {
    app.get_json(&app.client, app.url("/api/cards/ada/call-settings"))
        .await["call_quota"]
        .as_u64()
        .unwrap()
}

async fn race(app: &TestApp, callers: usize) -> (Vec<i64>, Vec<Refusal>) {
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let db = app.db.clone();
            tokio::spawn(async move {
                reservation::reserve(&db, request(vec![landline()]), Utc::now()).await
            })
        })
        .collect();
    let (mut granted, mut refused) = (Vec::new(), Vec::new());
    for task in tasks {
        match task.await.unwrap() {
            Ok(reservation) => granted.push(reservation.call_id),
            Err(ReservationError::Refused(refusal)) => refused.push(refusal),
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    (granted, refused)
}

async fn racing_callers_get_exactly_what_the_guild_covers(backend: Backend) {
    // 120 first increments of 60 won each, 500 callers at once (issue 3's race).
    let (app, _) = issuer(backend, 120 * 60, 1000).await;
    let (granted, refused) = race(&app, 500).await;
    assert_eq!(granted.len(), 120);
    assert!(
        refused
            .iter()
            .all(|r| matches!(r, Refusal::GuildExhausted { .. })),
        "{refused:?}"
    );
    let held = guild(&app).await;
    assert_eq!(
        (held["held"].as_i64(), held["available"].as_i64()),
        (Some(7200), Some(0))
    );
    for call_id in granted {
        reservation::settle(&app.db, call_id, unanswered())
            .await
            .unwrap();
    }
    let after = guild(&app).await;
    assert_eq!(
        (after["balance"].as_i64(), after["held"].as_i64()),
        (Some(7200), Some(0)),
        "unanswered calls cost nothing"
    );
    assert_eq!(
        quota(&app).await,
        1000,
        "and give their call-count unit back"
    );
}

async fn racing_callers_get_exactly_the_call_count(backend: Backend) {
    let (app, _) = issuer(backend, 100_000, 5).await;
    let (granted, refused) = race(&app, 20).await;
    assert_eq!(granted.len(), 5);
    assert!(
        refused.iter().all(|r| *r == Refusal::CallCountExhausted),
        "{refused:?}"
    );
    assert_eq!(quota(&app).await, 0);
}

async fn settlement_debits_the_exact_cost_once(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 3).await;
    let reservation =
        reservation::reserve(&app.db, request(vec![landline(), landline()]), Utc::now())
            .await
            .unwrap();
    assert_eq!(
        reservation.grant.hold,
        Money(120),
        "one interval of both legs"
    );
    let answered = Utc::now();
    let ending = || after_talking(answered, 50, HangupCause::CallerHungUp);
    let record = reservation::settle(&app.db, reservation.call_id, ending())
        .await
        .unwrap();
    assert_eq!(
        (record.state.as_str(), record.cost, record.billed_secs),
        ("settled", Some(120), Some(60))
    );
    let again = reservation::settle(&app.db, reservation.call_id, ending())
        .await
        .unwrap();
    assert_eq!(again.cost, Some(120));
    let statement = guild(&app).await;
    assert_eq!(
        (statement["balance"].as_i64(), statement["held"].as_i64()),
        (Some(10_000 - 120), Some(0))
    );
    let debits: Vec<_> = statement["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "call_debit")
        .collect();
    assert_eq!(debits.len(), 1, "settling twice debits once");
    assert_eq!(quota(&app).await, 2, "an answered call uses its unit");
}

async fn refusals_are_precise_and_recorded(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 3).await;
    let no_rate = reservation::reserve(&app.db, request(vec![None]), Utc::now()).await;
    assert!(matches!(
        no_rate,
        Err(ReservationError::Refused(Refusal::NoRate))
    ));
    let mut abroad = request(vec![landline()]);
    abroad.caller_region = Some("US");
    let abroad = reservation::reserve(&app.db, abroad, Utc::now()).await;
    assert!(matches!(
        abroad,
        Err(ReservationError::Refused(Refusal::DestinationNotAllowed))
    ));
    app.client
        .post(app.url("/dashboard/cards/ada/publish"))
        .form(&[("published", "false")])
        .send()
        .await
        .unwrap();
    let unpublished = reservation::reserve(&app.db, request(vec![landline()]), Utc::now()).await;
    assert!(matches!(
        unpublished,
        Err(ReservationError::Refused(Refusal::CardUnavailable))
    ));
    let unknown = reservation::reserve(
        &app.db,
        CallRequest {
            card_slug: "nobody",
            ..request(vec![])
        },
        Utc::now(),
    )
    .await;
    assert!(matches!(unknown, Err(ReservationError::UnknownCard)));

    use sea_orm::{EntityTrait, PaginatorTrait};
    let records = server::calls::reservation::entity::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(records, 3, "every refused attempt leaves a record");
    assert_eq!(guild(&app).await["held"].as_i64(), Some(0));
    assert_eq!(quota(&app).await, 3);
}

async fn a_guild_covering_70_seconds_ends_the_call_at_70_seconds(backend: Backend) {
    // 1 won a second, billed by the second; the Guild holds 70 won.
    let (app, _) = issuer(backend, 70, 3).await;
    let per_second = Some(Rate {
        class: LegClass::Landline,
        prefix: String::new(),
        per_minute: 60,
        initial_increment_secs: 1,
        subsequent_increment_secs: 1,
        connect_fee: 0,
    });
    let reservation = reservation::reserve(&app.db, request(vec![per_second]), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        (reservation.grant.hold, reservation.grant.covered_secs),
        (Money(60), 60)
    );
    let extended = reservation::extend(&app.db, reservation.call_id, 60, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        extended,
        reservation::Extended {
            held: Money(70),
            covered_secs: 70,
            last: true,
            bound: server::calls::authorize::Bound::Guild,
        },
        "only 10 more seconds can be held: warn now, end at 70 s"
    );
    let again = reservation::extend(&app.db, reservation.call_id, 60, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        (again.held, again.covered_secs, again.last),
        (Money(70), 70, true)
    );
    let answered = Utc::now();
    let record = reservation::settle(
        &app.db,
        reservation.call_id,
        after_talking(answered, 70, HangupCause::GuildExhausted),
    )
    .await
    .unwrap();
    assert_eq!(record.cost, Some(70));
    let statement = guild(&app).await;
    assert_eq!(
        (statement["balance"].as_i64(), statement["held"].as_i64()),
        (Some(0), Some(0))
    );
    let after = reservation::extend(&app.db, reservation.call_id, 60, Utc::now()).await;
    assert!(matches!(after, Err(ReservationError::NotRunning)));
}

async fn issuers_search_and_export_their_own_call_records(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 3).await;
    answered_call(&app, 42).await;
    let mut other = request(vec![None]);
    other.caller_number = "+8229998888";
    let _ = reservation::reserve(&app.db, other, Utc::now()).await;

    let all = app.get_json(&app.client, app.url("/api/calls")).await;
    assert_eq!(all["total"], 2);
    let newest_first: Vec<&str> = all["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(newest_first, ["refused:no_rate", "answered"]);
    assert_eq!(all["records"][1]["cost"], 60);
    assert_eq!(all["records"][1]["billed_secs"], 60);
    assert_eq!(all["records"][1]["leg_classes"], json!(["landline"]));

    let by_number = app
        .get_json(&app.client, app.url("/api/calls?number=010-1234"))
        .await;
    assert_eq!(by_number["total"], 1, "digits match the E.164 number");
    let tomorrow =
        (Utc::now() + Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let later = app
        .get_json(&app.client, app.url(&format!("/api/calls?from={tomorrow}")))
        .await;
    assert_eq!(later["total"], 0);
    let bad = app
        .client
        .get(app.url("/api/calls?from=yesterday"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    let csv = app
        .client
        .get(app.url("/api/calls.csv"))
        .send()
        .await
        .unwrap();
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("id,card,caller,callee"));
    assert!(lines[2].contains(",answered,caller_hung_up"), "{text}");

    let stranger = app.new_client();
    app.sign_up(&stranger, "bob@example.com").await;
    let theirs = app.get_json(&stranger, app.url("/api/calls")).await;
    assert_eq!(theirs["total"], 0, "an issuer never sees another's records");
}

async fn stale_reservations_are_settled_from_their_last_metering_point(backend: Backend) {
    // R11: a process that died mid-call leaves no hold behind, and no money is lost or created.
    let (app, _) = issuer(backend, 10_000, 3).await;
    let per_second = || {
        Some(Rate {
            class: LegClass::Landline,
            prefix: String::new(),
            per_minute: 60,
            initial_increment_secs: 1,
            subsequent_increment_secs: 1,
            connect_fee: 0,
        })
    };
    let start = Utc::now() - Duration::hours(1);
    let talking = reservation::reserve(&app.db, request(vec![per_second()]), start)
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
    reservation::extend(&app.db, talking.call_id, 60, start + Duration::seconds(65))
        .await
        .unwrap();
    let ringing = reservation::reserve(&app.db, request(vec![per_second()]), start)
        .await
        .unwrap();
    let live = reservation::reserve(&app.db, request(vec![per_second()]), Utc::now())
        .await
        .unwrap();

    let ttl = Duration::seconds(180);
    let mut swept = reservation::sweep_stale(&app.db, Utc::now(), ttl)
        .await
        .unwrap();
    swept.sort();
    assert_eq!(
        swept,
        [talking.call_id, ringing.call_id],
        "the live call stays"
    );
    assert!(
        reservation::sweep_stale(&app.db, Utc::now(), ttl)
            .await
            .unwrap()
            .is_empty(),
        "sweeping again finds nothing"
    );

    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let record = |id: i64| {
        records["records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap()
    };
    let talked = record(talking.call_id);
    assert_eq!(
        (
            &talked["billed_secs"],
            &talked["cost"],
            &talked["hangup_cause"]
        ),
        (&json!(60), &json!(60), &json!("stale_reservation")),
        "billed from the answer to the last metering point: {talked}"
    );
    assert_eq!(record(ringing.call_id)["cost"], 0);

    let statement = guild(&app).await;
    assert_eq!(balance_of(&statement), 10_000 - 60);
    assert_eq!(
        statement["held"].as_i64(),
        Some(live.grant.hold.0),
        "only the live call still holds money"
    );
    assert_eq!(
        quota(&app).await,
        1,
        "the answered call used its unit, the live one holds one"
    );

    // The dead process comes back and settles late: nothing changes.
    let late = reservation::settle(
        &app.db,
        talking.call_id,
        after_talking(start + Duration::seconds(5), 595, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
    assert_eq!(late.cost, Some(60));
    assert_eq!(guild(&app).await["balance"].as_i64(), Some(10_000 - 60));
}

async fn the_dashboard_shows_records_calls_left_and_talk_time(backend: Backend) {
    // R12 pages, R13 / patent ¶60: only one's own records; call count and talk time left.
    let (app, _) = issuer(backend, 10_000, 3).await;
    let operator = app.operator().await;
    let imported = operator
        .put(app.url("/api/operator/rates"))
        .header("content-type", "text/csv")
        .body(format!(
            "{}\ninternet,,10,60,60,0\n",
            server::calls::rates::CSV_HEADER
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), 200);
    answered_call(&app, 30).await;

    let dashboard = app.get_text(&app.client, app.url("/dashboard")).await;
    assert!(dashboard.contains(r#"data-calls-left="2""#), "{dashboard}");
    // The card rings the issuer's browser: two internet legs at 10 a minute, by the minute, out
    // of 9,940 available: 497 whole minutes.
    assert!(
        dashboard.contains(r#"data-talk-secs-left="29820""#),
        "{dashboard}"
    );

    let page = app.get_text(&app.client, app.url("/dashboard/calls")).await;
    assert!(page.contains("Calls 1 to 1 of 1"), "{page}");
    assert!(page.contains("+821012345678"), "{page}");
    let today = Utc::now().format("%Y-%m-%d").to_string();
    let csv = app
        .get_text(
            &app.client,
            app.url(&format!(
                "/dashboard/calls.csv?number=1234&from={today}&until={today}"
            )),
        )
        .await;
    assert_eq!(csv.lines().count(), 2, "a header and the call: {csv}");
    let none = app
        .get_text(&app.client, app.url("/dashboard/calls?number=99999"))
        .await;
    assert!(none.contains("No calls match."), "{none}");
    let bad = app
        .client
        .get(app.url("/dashboard/calls?from=27.11.2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("is not a date like"));

    // The page writes a call's time and cost as its language does, in the Guild's zone (UTC
    // until the issuer picks one); the API keeps UTC and minor units.
    let api = app.get_json(&app.client, app.url("/api/calls")).await;
    let authorized_at = api["records"][0]["authorized_at"].as_str().unwrap();
    let authorized_at = DateTime::parse_from_rfc3339(authorized_at).unwrap();
    assert_eq!(authorized_at.offset().local_minus_utc(), 0);
    let cost = api["records"][0]["cost"].as_i64().unwrap();
    assert!(
        (1..1000).contains(&cost),
        "written without a group separator"
    );
    assert!(page.contains(&format!(r#"data-cost="{cost}""#)), "{page}");
    assert!(page.contains(&format!(">₩{cost}</td>")), "{page}");
    let english_time = authorized_at.format("%b %-d, %Y, %-I:%M %p");
    assert!(page.contains(&format!(">{english_time}</time>")), "{page}");
    assert!(
        page.contains(r#"Time zone: <span translate="no">UTC</span>"#),
        "{page}"
    );
    // A call at 20:00 UTC on Dec 4 was made on Dec 5 in Seoul: in Seoul, that is its day.
    let evening = "2026-12-04T20:00:00Z".parse::<DateTime<Utc>>().unwrap();
    let _ = reservation::reserve(&app.db, request(vec![None]), evening).await;
    let zoned = app
        .client
        .post(app.url("/dashboard/guild/daily-cap"))
        .form(&[("daily_cap", ""), ("time_zone", "Asia/Seoul")])
        .send()
        .await
        .unwrap();
    assert_eq!(zoned.headers()["location"], "/dashboard?cap=lifted");
    app.choose_language(&app.client, "ko").await;
    let in_seoul = |day: &str| {
        app.get_text(
            &app.client,
            app.url(&format!("/dashboard/calls?from={day}&until={day}")),
        )
    };
    let december_5 = in_seoul("2026-12-05").await;
    assert!(
        december_5
            .contains(r#"<time datetime="2026-12-05T05:00:00+09:00">2026. 12. 5. 05:00</time>"#),
        "{december_5}"
    );
    assert!(
        december_5.contains(r#"시간대: <span translate="no">Asia/Seoul</span>"#),
        "{december_5}"
    );
    let december_4 = in_seoul("2026-12-04").await;
    assert!(!december_4.contains("2026-12-05T05:00:00"), "{december_4}");
    let today = app.get_text(&app.client, app.url("/dashboard/calls")).await;
    assert!(today.contains(&format!(">{cost}원</td>")), "{today}");

    let stranger = app.new_client();
    app.sign_up(&stranger, "eve@example.com").await;
    let theirs = app.get_text(&stranger, app.url("/dashboard/calls")).await;
    assert!(
        theirs.contains("No calls match."),
        "another issuer sees nothing"
    );
    let csv = app
        .get_text(&stranger, app.url("/dashboard/calls.csv"))
        .await;
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
    let anonymous = app
        .new_client()
        .get(app.url("/dashboard/calls"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303, "signed-out visitors go to log in");
}

async fn operators_refund_a_call_once_and_never_more_than_it_cost(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 3).await;
    let call = reservation::reserve(&app.db, request(vec![landline()]), Utc::now())
        .await
        .unwrap();
    let now = Utc::now();
    let ending = after_talking(now, 90, HangupCause::CallerHungUp);
    // 60/60 at 60 a minute: 90 s are billed as 120 s, 120 won. The hold was one minute's worth:
    // the first interval. Extend once so the hold covers what the call cost.
    reservation::extend(&app.db, call.call_id, 60, now)
        .await
        .unwrap();
    let settled = reservation::settle(&app.db, call.call_id, ending)
        .await
        .unwrap();
    assert_eq!(settled.cost, Some(120));
    let running = reservation::reserve(&app.db, request(vec![landline()]), Utc::now())
        .await
        .unwrap();

    let operator = app.operator().await;
    let refund = |client: &reqwest::Client, body: serde_json::Value| {
        client
            .post(app.url("/api/operator/refunds"))
            .json(&body)
            .send()
    };
    let by_issuer = refund(&app.client, json!({ "call_id": call.call_id }))
        .await
        .unwrap();
    assert_eq!(by_issuer.status(), 403, "issuers cannot refund themselves");
    let too_much = refund(&operator, json!({ "call_id": call.call_id, "amount": 121 }))
        .await
        .unwrap();
    assert_eq!(too_much.status(), 422);
    let still_running = refund(&operator, json!({ "call_id": running.call_id }))
        .await
        .unwrap();
    assert_eq!(
        still_running.status(),
        422,
        "a running call has nothing to refund"
    );
    let unknown = refund(&operator, json!({ "call_id": 999_999 }))
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let partial = refund(
        &operator,
        json!({ "call_id": call.call_id, "amount": 60, "note": "dropped line" }),
    )
    .await
    .unwrap();
    assert_eq!(partial.status(), 201);
    let again = refund(&operator, json!({ "call_id": call.call_id }))
        .await
        .unwrap();
    assert_eq!(again.status(), 409, "a call is refunded once");

    let statement = guild(&app).await;
    assert_eq!(balance_of(&statement), 10_000 - 120 + 60);
}

/// Issue 9 (throughput): on PostgreSQL a card called before is reserved from the process's
/// cache in one statement. The cache never decides alone: a Guild short of a whole interval
/// gets the partial grant a fresh read gives, and an edit (here: unpublishing) is refused at
/// once although the cache still holds the published card.
async fn a_cached_card_is_decided_afresh_once_edited_or_short_of_money(backend: Backend) {
    use server::calls::card_cache::CardCache;
    let (app, account_id) = issuer(backend, 300, 10).await;
    let cards = CardCache::default();
    let two_minutes = || CallRequest {
        hold_secs: 120,
        ..request(vec![landline()])
    };
    let reserve =
        || reservation::reserve_with_cache(&app.db, None, &cards, two_minutes(), Utc::now());
    let first = reserve().await.unwrap();
    let second = reserve().await.unwrap();
    assert_eq!(
        (first.grant.hold, second.grant.hold),
        (Money(120), Money(120))
    );
    // 60 left: the cached decision would hold 120 and cannot; the fresh one holds the 60.
    let third = reserve().await.unwrap();
    assert_eq!(third.grant.hold, Money(60));
    assert_eq!(third.grant.covered_secs, 60);
    for call in [&first, &second, &third] {
        reservation::settle(
            &app.db,
            call.call_id,
            after_talking(Utc::now(), 0, HangupCause::CallerHungUp),
        )
        .await
        .unwrap();
    }
    app.state
        .cards()
        .set_published(account_id, "ada", false)
        .await
        .unwrap();
    let refused = reserve().await;
    assert!(
        matches!(
            refused,
            Err(ReservationError::Refused(Refusal::CardUnavailable))
        ),
        "{refused:?}"
    );
    app.state
        .cards()
        .set_published(account_id, "ada", true)
        .await
        .unwrap();
    let again = reserve().await.unwrap();
    assert_eq!(again.grant.hold, Money(120));
    app.assert_money_exact().await;
}

/// Issue 10: a callback's two phone legs — the caller's first, the issuer's second — are each
/// billed from their own pick-up: the issuer's at 0 s (the prompt, then ringing the caller),
/// the caller's at 30 s; the legs meet at 35 s and hang up at 95 s.
async fn a_callbacks_phone_legs_are_each_billed_from_their_own_pick_up(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 5).await;
    let per_second = |class, per_minute| {
        Some(Rate {
            class,
            prefix: String::new(),
            per_minute,
            initial_increment_secs: 1,
            subsequent_increment_secs: 1,
            connect_fee: 0,
        })
    };
    let legs = vec![
        per_second(LegClass::Mobile, 60),
        per_second(LegClass::Landline, 120),
    ];
    let call = reservation::reserve(
        &app.db,
        CallRequest {
            hold_secs: 180,
            ..request(legs)
        },
        Utc::now(),
    )
    .await
    .unwrap();
    let issuer_picked_up = Utc::now();
    let ending = Ending {
        picked_up_at: Some(issuer_picked_up),
        caller_picked_up_at: Some(issuer_picked_up + Duration::seconds(30)),
        answered_at: Some(issuer_picked_up + Duration::seconds(35)),
        ended_at: issuer_picked_up + Duration::seconds(95),
        outcome: Outcome::Ended(CallOutcome::Answered),
        hangup_cause: RecordedCause::Call(HangupCause::IssuerHungUp),
        answered_on: None,
        phone_dropped_at: None,
    };
    let record = reservation::settle(&app.db, call.call_id, ending)
        .await
        .unwrap();
    assert_eq!(
        record.cost,
        Some(65 + 190),
        "65 s of mobile, 95 s of landline"
    );
    assert_eq!(record.billed_secs, Some(95));
    assert_eq!(
        record.caller_picked_up_at.map(|at| at.timestamp()),
        Some((issuer_picked_up + Duration::seconds(30)).timestamp())
    );
    let after = guild(&app).await;
    assert_eq!(
        (after["balance"].as_i64(), after["held"].as_i64()),
        (Some(10_000 - 255), Some(0))
    );
}
