//! The daily spend cap (issue 10: the callback door's guards; BRIEF R8, R11): calls that would
//! pass it are refused with their own reason and recorded, a call in progress holds only up to
//! it and ends there, settlements give back to the day what calls did not cost, a new day
//! counts again, and callers racing for the last of a cap never pass it — on both databases,
//! with the money invariant checked after each.

use chrono::{Duration, Utc};
use media_bridge::call::HangupCause;
use serde_json::{Value, json};
use server::calls::authorize::{Bound, Refusal};
use server::calls::reservation::{self, CallRequest, ReservationError};
use server::ledger::money::Money;

use crate::both_backends;
use crate::guild_model::per_second_leg;
use crate::helpers::{Backend, TestApp, card_json};
use crate::reservations::{after_talking, issuer, request};

both_backends!(
    a_daily_cap_bounds_every_hold_and_settlements_give_back_what_was_not_spent,
    callers_racing_for_the_last_of_a_cap_never_pass_it,
    a_new_day_counts_again,
    a_cap_is_set_checked_and_lifted_by_its_issuer,
    the_dashboard_sets_a_cap_and_says_what_the_day_spent,
    a_cards_own_cap_bounds_its_calls_and_not_its_siblings,
    callers_racing_for_the_last_of_a_cards_cap_never_pass_it,
    a_cards_cap_is_checked_and_counted_as_its_settings_are_saved,
);

fn call(hold_secs: u32) -> CallRequest<'static> {
    CallRequest {
        hold_secs,
        ..request(vec![per_second_leg()])
    }
}

async fn set_cap(app: &TestApp, cap: Option<i64>, zone: &str) -> reqwest::Response {
    app.client
        .put(app.url("/api/guild/daily-cap"))
        .json(&json!({ "daily_cap": cap, "time_zone": zone }))
        .send()
        .await
        .unwrap()
}

/// The Guild as its issuer sees it, after checking the money invariant.
async fn guild(app: &TestApp) -> Value {
    app.assert_money_exact().await;
    app.get_json(&app.client, app.url("/api/guild")).await
}

async fn spent_today(app: &TestApp) -> i64 {
    let guild = guild(app).await;
    guild["spending"]["spent_today"]
        .as_i64()
        .unwrap_or_else(|| panic!("no day counted: {guild}"))
}

async fn a_daily_cap_bounds_every_hold_and_settlements_give_back_what_was_not_spent(
    backend: Backend,
) {
    let (app, _) = issuer(backend, 10_000, 10).await;
    assert_eq!(set_cap(&app, Some(100), "UTC").await.status(), 200);

    let first = reservation::reserve(&app.db, call(60), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        (first.grant.hold, first.grant.bound),
        (Money(60), Bound::DailyCap)
    );
    assert_eq!(spent_today(&app).await, 60);
    // The next interval would hold 60 more; the cap leaves 40: hold them, and say it is the
    // last because of the cap.
    let extended = reservation::extend(&app.db, first.call_id, 60, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        extended,
        reservation::Extended {
            held: Money(100),
            covered_secs: 100,
            last: true,
            bound: Bound::DailyCap,
        }
    );
    assert_eq!(spent_today(&app).await, 100);

    // Nothing left today: the next caller is refused with the cap's reason, and recorded.
    let refused = reservation::reserve(&app.db, call(60), Utc::now()).await;
    assert!(
        matches!(
            refused,
            Err(ReservationError::Refused(Refusal::DailyCapReached {
                left: Money(0),
                ..
            }))
        ),
        "{refused:?}"
    );
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    assert_eq!(
        records["records"][0]["outcome"],
        "refused:daily_cap_reached"
    );

    // The call talks 70 s of its 100: 30 go back to the day and to the Guild.
    let record = reservation::settle(
        &app.db,
        first.call_id,
        after_talking(Utc::now(), 70, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
    assert_eq!(record.cost, Some(70));
    assert_eq!(spent_today(&app).await, 70);
    let after = guild(&app).await;
    assert_eq!(
        (after["balance"].as_i64(), after["held"].as_i64()),
        (Some(10_000 - 70), Some(0))
    );

    // 30 left: a call may start, holding those 30 only.
    let second = reservation::reserve(&app.db, call(60), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        (second.grant.hold, second.grant.covered_secs),
        (Money(30), 30)
    );
    let cut = reservation::settle(
        &app.db,
        second.call_id,
        after_talking(Utc::now(), 30, HangupCause::DailyCap),
    )
    .await
    .unwrap();
    assert_eq!(
        (cut.cost, cut.hangup_cause.map(|cause| cause.to_string())),
        (Some(30), Some("daily_cap".to_string()))
    );
    assert_eq!(spent_today(&app).await, 100);
    assert_eq!(guild(&app).await["balance"].as_i64(), Some(10_000 - 100));
}

async fn callers_racing_for_the_last_of_a_cap_never_pass_it(backend: Backend) {
    // A Guild that could pay for all, a cap of 10 first intervals: 30 callers at once.
    let (app, _) = issuer(backend, 100_000, 100).await;
    assert_eq!(set_cap(&app, Some(600), "Asia/Seoul").await.status(), 200);
    let tasks: Vec<_> = (0..30)
        .map(|_| {
            let db = app.db.clone();
            tokio::spawn(async move { reservation::reserve(&db, call(60), Utc::now()).await })
        })
        .collect();
    let (mut granted, mut capped) = (Vec::new(), 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(reservation) => granted.push(reservation),
            Err(ReservationError::Refused(Refusal::DailyCapReached { .. })) => capped += 1,
            Err(other) => panic!("unexpected: {other:?}"),
        }
    }
    let held: i64 = granted.iter().map(|call| call.grant.hold.0).sum();
    assert!(held <= 600, "the calls hold {held}, past the cap");
    assert_eq!(held, 600, "and every won of the cap is used");
    assert_eq!(granted.len() + capped, 30);
    assert_eq!(spent_today(&app).await, 600);

    // Two steps of running calls race for what the cap gives back: the first call ends at
    // 0 s (60 back to the day) while two others ask for their next interval at once.
    let (ending, others) = granted.split_first().unwrap();
    let settle = reservation::settle(
        &app.db,
        ending.call_id,
        after_talking(Utc::now(), 0, HangupCause::CallerHungUp),
    );
    let extend_a = reservation::extend(&app.db, others[0].call_id, 60, Utc::now());
    let extend_b = reservation::extend(&app.db, others[1].call_id, 60, Utc::now());
    let (settled, a, b) = tokio::join!(settle, extend_a, extend_b);
    settled.unwrap();
    let (a, b) = (a.unwrap(), b.unwrap());
    let raised = (a.held.0 - others[0].grant.hold.0) + (b.held.0 - others[1].grant.hold.0);
    assert!(
        raised <= 60,
        "the extensions took {raised} of the 60 given back"
    );
    assert_eq!(spent_today(&app).await, 600 - 60 + raised);
    for call in &granted[1..] {
        reservation::settle(
            &app.db,
            call.call_id,
            after_talking(Utc::now(), 10, HangupCause::CallerHungUp),
        )
        .await
        .unwrap();
    }
    let calls = (granted.len() - 1) as i64;
    assert_eq!(spent_today(&app).await, 10 * calls, "each call cost 10 s");
    assert_eq!(
        guild(&app).await["balance"].as_i64(),
        Some(100_000 - 10 * calls)
    );
}

async fn a_new_day_counts_again(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 10).await;
    assert_eq!(set_cap(&app, Some(100), "UTC").await.status(), 200);
    let now = Utc::now();
    let yesterday = now - Duration::days(1);
    // A call of yesterday spends 90 of yesterday's cap and is still running today.
    let old = reservation::reserve(&app.db, call(90), yesterday)
        .await
        .unwrap();
    assert_eq!(old.grant.hold, Money(90));
    // Today starts from nothing: a whole interval fits again.
    let today = reservation::reserve(&app.db, call(90), now).await.unwrap();
    assert_eq!(today.grant.hold, Money(90));
    assert_eq!(spent_today(&app).await, 90);
    // Yesterday's call ends today: what it did not cost was counted yesterday, so today's
    // count stays (a count too high only stops calls early; one too low would overspend).
    reservation::settle(
        &app.db,
        old.call_id,
        after_talking(yesterday, 10, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
    assert_eq!(spent_today(&app).await, 90);
    reservation::settle(
        &app.db,
        today.call_id,
        after_talking(now, 10, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
    assert_eq!(spent_today(&app).await, 10);
    assert_eq!(guild(&app).await["balance"].as_i64(), Some(10_000 - 20));
}

async fn a_cap_is_set_checked_and_lifted_by_its_issuer(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 10).await;
    // Before any cap, nothing is counted; setting one counts what running calls hold and
    // what calls charged today.
    let settled = reservation::reserve(&app.db, call(60), Utc::now())
        .await
        .unwrap();
    reservation::settle(
        &app.db,
        settled.call_id,
        after_talking(Utc::now(), 25, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
    let running = reservation::reserve(&app.db, call(60), Utc::now())
        .await
        .unwrap();
    assert_eq!(guild(&app).await["spending"]["spent_today"], Value::Null);
    let capped = set_cap(&app, Some(5_000), " Asia/Seoul ").await;
    assert_eq!(capped.status(), 200);
    let capped: Value = capped.json().await.unwrap();
    assert_eq!(capped["daily_cap"], 5_000);
    assert_eq!(capped["time_zone"], "Asia/Seoul");
    assert_eq!(capped["spent_today"], 25 + 60, "{capped}");
    reservation::settle(
        &app.db,
        running.call_id,
        after_talking(Utc::now(), 5, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
    assert_eq!(spent_today(&app).await, 30);

    // Bad input is refused with the field it names, and the cap stays as it was.
    for (body, field) in [
        (json!({ "daily_cap": -1, "time_zone": "UTC" }), "daily_cap"),
        (
            json!({ "daily_cap": 100, "time_zone": "Seoul" }),
            "time_zone",
        ),
        (
            json!({ "daily_cap": 100, "time_zone": "x".repeat(5_000) }),
            "time_zone",
        ),
    ] {
        let refused = app
            .client
            .put(app.url("/api/guild/daily-cap"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 422);
        let refused: Value = refused.json().await.unwrap();
        assert!(refused.to_string().contains(field), "{refused}");
    }
    let not_json = app
        .client
        .put(app.url("/api/guild/daily-cap"))
        .header("content-type", "application/json")
        .body("{\"daily_cap\": \"lots\"}")
        .send()
        .await
        .unwrap();
    assert!(not_json.status().is_client_error());
    let guild_now = guild(&app).await;
    assert_eq!(guild_now["spending"]["daily_cap"], 5_000);
    assert_eq!(guild_now["spending"]["time_zone"], "Asia/Seoul");

    // Signed out: no cap for anyone.
    let stranger = app
        .new_client()
        .put(app.url("/api/guild/daily-cap"))
        .json(&json!({ "daily_cap": 0, "time_zone": "UTC" }))
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), 401);

    // Lifted: calls may spend all the Guild has again (an hour's interval is held up to the
    // card's 10-minute limit).
    assert_eq!(set_cap(&app, None, "UTC").await.status(), 200);
    let lifted = guild(&app).await;
    assert_eq!(lifted["spending"]["daily_cap"], Value::Null);
    let big = reservation::reserve(&app.db, call(3_600), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        (big.grant.hold, big.grant.bound),
        (Money(600), Bound::Guild)
    );
}

async fn the_dashboard_sets_a_cap_and_says_what_the_day_spent(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 10).await;
    let html = app.get_text(&app.client, app.url("/dashboard")).await;
    assert!(html.contains("No daily limit"), "{html}");
    let post = |cap: &'static str, zone: &'static str| {
        app.client
            .post(app.url("/dashboard/guild/daily-cap"))
            .form(&[("daily_cap", cap), ("time_zone", zone)])
            .send()
    };
    let saved = post("2500", "Asia/Seoul").await.unwrap();
    assert_eq!(saved.headers()["location"], "/dashboard?cap=set");
    let call = reservation::reserve(&app.db, call(60), Utc::now())
        .await
        .unwrap();
    let html = app
        .get_text(&app.client, app.url("/dashboard?cap=set"))
        .await;
    assert!(html.contains("Daily spending limit saved."), "{html}");
    assert!(html.contains(r#"data-daily-spent="60""#), "{html}");
    assert!(html.contains("Spent today: ₩60 of ₩2,500."), "{html}");
    assert!(html.contains(r#"value="Asia/Seoul""#), "{html}");

    // Refused input comes back as a fixed notice and changes nothing.
    for (cap, zone, outcome) in [
        ("lots", "UTC", "bad_amount"),
        ("-5", "UTC", "bad_amount"),
        ("100", "<script>alert(1)</script>", "bad_zone"),
    ] {
        let refused = post(cap, zone).await.unwrap();
        assert_eq!(
            refused.headers()["location"],
            format!("/dashboard?cap={outcome}").as_str()
        );
    }
    let html = app
        .get_text(&app.client, app.url("/dashboard?cap=bad_zone"))
        .await;
    assert!(html.contains("That is not a time zone"), "{html}");
    assert!(!html.contains("<script>alert"), "{html}");
    let unchanged = guild(&app).await;
    assert_eq!(unchanged["spending"]["daily_cap"], 2_500);
    assert_eq!(unchanged["spending"]["time_zone"], "Asia/Seoul");

    // An empty amount lifts the cap.
    let lifted = post("", "Asia/Seoul").await.unwrap();
    assert_eq!(lifted.headers()["location"], "/dashboard?cap=lifted");
    assert_eq!(guild(&app).await["spending"]["daily_cap"], Value::Null);
    reservation::settle(
        &app.db,
        call.call_id,
        after_talking(Utc::now(), 1, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
}

/// Saves the card `slug` (of the signed-in issuer) with the call settings `issuer` gives "ada",
/// and a daily cap of its own.
async fn card_with_cap(
    app: &TestApp,
    slug: &str,
    quota: u32,
    cap: Option<i64>,
) -> reqwest::Response {
    let mut card = card_json(Some(slug), slug);
    card["call"] = json!({
        "call_quota": quota, "max_call_minutes": 10, "time_zone": "UTC",
        "available_from": "00:00", "available_until": "24:00",
        "available_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "allowed_regions": ["KR"], "landline": "", "mobile": "", "internet_phone": true,
        "daily_cap": cap
    });
    let exists = app
        .client
        .get(app.url(&format!("/api/cards/{slug}")))
        .send()
        .await
        .unwrap()
        .status()
        .is_success();
    if exists {
        app.client
            .put(app.url(&format!("/api/cards/{slug}")))
            .json(&card)
            .send()
            .await
            .unwrap()
    } else {
        app.create_card(&app.client, card).await
    }
}

/// What the card `slug`'s day has spent, read off its call settings (counted only with a cap).
async fn card_spent_today(app: &TestApp, slug: &str) -> i64 {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::cards::entity::{call_settings, card};
    app.assert_money_exact().await;
    let card = card::Entity::find()
        .filter(card::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let settings = call_settings::Entity::find_by_id(card.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    server::ledger::daily_cap::Today::of_card(&settings, Utc::now())
        .unwrap()
        .spent
        .0
}

fn call_to(slug: &'static str, hold_secs: u32) -> CallRequest<'static> {
    CallRequest {
        card_slug: slug,
        ..call(hold_secs)
    }
}

async fn a_cards_own_cap_bounds_its_calls_and_not_its_siblings(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 10).await;
    assert_eq!(
        card_with_cap(&app, "ada", 10, Some(100)).await.status(),
        200
    );
    assert_eq!(card_with_cap(&app, "bob", 10, None).await.status(), 201);

    let first = reservation::reserve(&app.db, call_to("ada", 60), Utc::now())
        .await
        .unwrap();
    assert_eq!(first.grant.hold, Money(60));
    assert_eq!(card_spent_today(&app, "ada").await, 60);
    // The card's cap leaves 40 of the next 60: held, and the last, because of a cap.
    let extended = reservation::extend(&app.db, first.call_id, 60, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        extended,
        reservation::Extended {
            held: Money(100),
            covered_secs: 100,
            last: true,
            bound: Bound::DailyCap,
        }
    );
    assert_eq!(card_spent_today(&app, "ada").await, 100);
    let refused = reservation::reserve(&app.db, call_to("ada", 60), Utc::now()).await;
    assert!(
        matches!(
            refused,
            Err(ReservationError::Refused(Refusal::DailyCapReached {
                left: Money(0),
                ..
            }))
        ),
        "{refused:?}"
    );
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    assert_eq!(
        records["records"][0]["outcome"],
        "refused:daily_cap_reached"
    );
    // The Guild's other card has no cap of its own: it holds whole intervals, counts nothing.
    let sibling = reservation::reserve(&app.db, call_to("bob", 60), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        (sibling.grant.hold, sibling.grant.bound),
        (Money(60), Bound::Guild)
    );
    assert_eq!(card_spent_today(&app, "bob").await, 0);

    // 70 s of the 100 talked: 30 go back to the card's day.
    reservation::settle(
        &app.db,
        first.call_id,
        after_talking(Utc::now(), 70, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
    assert_eq!(card_spent_today(&app, "ada").await, 70);
    // A call through the card cache (PostgreSQL's one-statement path) holds only those 30:
    // the statement refuses the whole interval and a fresh read grants what is left.
    let cache = server::calls::card_cache::CardCache::default();
    let second =
        reservation::reserve_with_cache(&app.db, None, &cache, call_to("ada", 60), Utc::now())
            .await
            .unwrap();
    assert_eq!(
        (second.grant.hold, second.grant.bound),
        (Money(30), Bound::DailyCap)
    );
    assert_eq!(card_spent_today(&app, "ada").await, 100);

    // With the Guild capped lower still, the smaller cap bounds the call.
    for call_id in [second.call_id, sibling.call_id] {
        reservation::settle(
            &app.db,
            call_id,
            after_talking(Utc::now(), 0, HangupCause::CallerHungUp),
        )
        .await
        .unwrap();
    }
    assert_eq!(card_spent_today(&app, "ada").await, 70);
    // The Guild's day counts the 70 charged today: a cap of 80 leaves it 10.
    assert_eq!(set_cap(&app, Some(80), "UTC").await.status(), 200);
    let third =
        reservation::reserve_with_cache(&app.db, None, &cache, call_to("ada", 60), Utc::now())
            .await
            .unwrap();
    assert_eq!(
        (third.grant.hold, third.grant.bound),
        (Money(10), Bound::DailyCap)
    );
    assert_eq!(card_spent_today(&app, "ada").await, 80);
    assert_eq!(spent_today(&app).await, 80);
}

async fn callers_racing_for_the_last_of_a_cards_cap_never_pass_it(backend: Backend) {
    // A Guild that could pay for all, a card whose own cap is 5 first intervals: 20 callers at
    // once, through the card cache and in batches as the bridge reserves (PostgreSQL's one
    // statement; a batch that would pass the cap goes one by one).
    let (app, _) = issuer(backend, 100_000, 100).await;
    let batches = (backend == Backend::Postgres)
        .then(|| std::sync::Arc::new(reservation::Batches::start(app.db.clone())));
    assert_eq!(
        card_with_cap(&app, "ada", 100, Some(300)).await.status(),
        200
    );
    let cache = std::sync::Arc::new(server::calls::card_cache::CardCache::default());
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let db = app.db.clone();
            let cache = std::sync::Arc::clone(&cache);
            let batches = batches.clone();
            tokio::spawn(async move {
                let batches = batches.as_deref();
                reservation::reserve_with_cache(&db, batches, &cache, call(60), Utc::now()).await
            })
        })
        .collect();
    let (mut granted, mut capped) = (Vec::new(), 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(reservation) => granted.push(reservation),
            Err(ReservationError::Refused(Refusal::DailyCapReached { .. })) => capped += 1,
            Err(other) => panic!("unexpected: {other:?}"),
        }
    }
    let held: i64 = granted.iter().map(|call| call.grant.hold.0).sum();
    assert_eq!(held, 300, "the card's cap, and all of it");
    assert_eq!(granted.len() + capped, 20);
    assert_eq!(card_spent_today(&app, "ada").await, 300);

    // Two steps of one card's calls race for what a settlement gives back to its day.
    let (ending, others) = granted.split_first().unwrap();
    let settle = reservation::settle(
        &app.db,
        ending.call_id,
        after_talking(Utc::now(), 0, HangupCause::CallerHungUp),
    );
    let extend_a = reservation::extend(&app.db, others[0].call_id, 60, Utc::now());
    let extend_b = reservation::extend(&app.db, others[1].call_id, 60, Utc::now());
    let (settled, a, b) = tokio::join!(settle, extend_a, extend_b);
    settled.unwrap();
    let (a, b) = (a.unwrap(), b.unwrap());
    let raised = (a.held.0 - others[0].grant.hold.0) + (b.held.0 - others[1].grant.hold.0);
    assert!(
        raised <= 60,
        "the extensions took {raised} of the 60 given back"
    );
    assert_eq!(card_spent_today(&app, "ada").await, 300 - 60 + raised);
    // Together, as the bridge settles, from the rows as reserved: the two extended since are
    // read again.
    let settles: Vec<_> = granted[1..]
        .iter()
        .map(|call| {
            let (db, batches, believed) = (app.db.clone(), batches.clone(), call.row.clone());
            tokio::spawn(async move {
                let ending = after_talking(Utc::now(), 10, HangupCause::CallerHungUp);
                reservation::settle_believed(&db, batches.as_deref(), &believed, ending).await
            })
        })
        .collect();
    for settled in settles {
        settled.await.unwrap().unwrap();
    }
    let calls = (granted.len() - 1) as i64;
    assert_eq!(card_spent_today(&app, "ada").await, 10 * calls);
    assert_eq!(
        guild(&app).await["balance"].as_i64(),
        Some(100_000 - 10 * calls)
    );
}

async fn a_cards_cap_is_checked_and_counted_as_its_settings_are_saved(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 10).await;
    // Spent on "ada" before it has a cap: one call charged 25, one still holds 60.
    let settled = reservation::reserve(&app.db, call(60), Utc::now())
        .await
        .unwrap();
    reservation::settle(
        &app.db,
        settled.call_id,
        after_talking(Utc::now(), 25, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
    let running = reservation::reserve(&app.db, call(60), Utc::now())
        .await
        .unwrap();
    assert_eq!(card_spent_today(&app, "ada").await, 0, "no cap, no count");

    // A cap out of range is refused by name, and the card keeps its settings.
    for cap in [-1, server::ledger::daily_cap::MAX_CAP.0 + 1] {
        let refused = card_with_cap(&app, "ada", 10, Some(cap)).await;
        assert_eq!(refused.status(), 422);
        let refused: Value = refused.json().await.unwrap();
        assert!(refused.to_string().contains("call.daily_cap"), "{refused}");
    }
    let settings = app
        .get_json(&app.client, app.url("/api/cards/ada/call-settings"))
        .await;
    assert_eq!(settings["daily_cap"], Value::Null, "{settings}");

    // Saved with a cap: the day so far is counted, what was charged and what is held.
    assert_eq!(
        card_with_cap(&app, "ada", 10, Some(1_000)).await.status(),
        200
    );
    let settings = app
        .get_json(&app.client, app.url("/api/cards/ada/call-settings"))
        .await;
    assert_eq!(settings["daily_cap"], 1_000, "{settings}");
    assert_eq!(card_spent_today(&app, "ada").await, 25 + 60);
    reservation::settle(
        &app.db,
        running.call_id,
        after_talking(Utc::now(), 5, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
    assert_eq!(card_spent_today(&app, "ada").await, 30);

    // The editor's form names the field it cannot read, and an empty one lifts the cap.
    let form = reqwest::multipart::Form::new()
        .text("call.daily_cap", "lots")
        .text("call.call_quota", "10")
        .text("call.max_call_minutes", "10");
    let page = app
        .client
        .post(app.url("/dashboard/cards/ada"))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Use a whole amount"), "{page}");
    assert_eq!(
        app.get_json(&app.client, app.url("/api/cards/ada/call-settings"))
            .await["daily_cap"],
        1_000
    );
    assert_eq!(card_with_cap(&app, "ada", 10, None).await.status(), 200);
    let lifted = reservation::reserve(&app.db, call(600), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        (lifted.grant.hold, lifted.grant.bound),
        (Money(600), Bound::Guild)
    );
}
