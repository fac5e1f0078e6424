//! A card's usage for its issuer (issue 11, BRIEF R13): views counted without a write per view
//! and added up across processes, calls, talk time and spend per day in the card's zone, the
//! same numbers on the page and in the API, and only for the card's own issuer.

use chrono::{Duration, Utc};
use media_bridge::call::HangupCause;
use reqwest::StatusCode;
use serde_json::Value;
use server::calls::reservation;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};
use crate::reservations::{after_talking, issuer, landline, request};

both_backends!(
    views_calls_and_spend_are_counted_per_day_for_the_issuer_alone,
    views_of_a_card_deleted_before_they_are_stored_go_with_it,
    two_processes_adding_to_the_same_hour_at_once_lose_no_view,
);

async fn usage(app: &TestApp, query: &str) -> Value {
    app.get_json(
        &app.client,
        app.url(&format!("/api/cards/ada/usage{query}")),
    )
    .await
}

fn total(usage: &Value, field: &str) -> i64 {
    usage["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|day| day[field].as_i64().expect(field))
        .sum()
}

async fn views_calls_and_spend_are_counted_per_day_for_the_issuer_alone(backend: Backend) {
    // The card's hours are in Asia/Seoul: its days start at Seoul's midnight.
    let (app, _) = issuer(backend, 10_000, 5).await;
    let visitor = app.new_client();
    for path in ["/c/ada", "/c/ada", "/c/ada?lang=ko", "/embed/ada"] {
        let page = visitor.get(app.url(path)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
    }
    // The issuer looking at their own card is not a view.
    app.get_text(&app.client, app.url("/c/ada")).await;
    // Another process serving the same card counts its own views and adds them.
    let (elsewhere, other) = app.another_process().await;
    let page = visitor
        .get(format!("{elsewhere}/c/ada"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    other.card_views.flush(&other.db).await.unwrap();

    // Today: one call answered and billed, one refused. Forty days ago: one more.
    let answered = reservation::reserve(&app.db, request(vec![landline()]), Utc::now())
        .await
        .unwrap();
    reservation::settle(
        &app.db,
        answered.call_id,
        after_talking(Utc::now(), 42, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
    let refused = reservation::reserve(&app.db, request(vec![None]), Utc::now()).await;
    assert!(refused.is_err(), "no rate: refused and recorded");
    let long_ago = Utc::now() - Duration::days(40);
    let old = reservation::reserve(&app.db, request(vec![landline()]), long_ago)
        .await
        .unwrap();
    reservation::settle(
        &app.db,
        old.call_id,
        after_talking(long_ago, 10, HangupCause::CallerHungUp),
    )
    .await
    .unwrap();
    app.assert_money_exact().await;

    let month = usage(&app, "").await;
    assert_eq!(month["period"], 30);
    assert_eq!(month["time_zone"], "Asia/Seoul");
    let days = month["days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    let today = Utc::now()
        .with_timezone(&chrono_tz::Asia::Seoul)
        .date_naive()
        .to_string();
    let last = &days[29];
    assert_eq!(last["date"], today.as_str());
    assert_eq!(
        last["views"], 5,
        "four here and one elsewhere, not the issuer's"
    );
    assert_eq!(
        (last["calls"].as_i64(), last["answered"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(total(&month, "views"), 5);
    assert_eq!(
        total(&month, "calls"),
        2,
        "the old call is before the month"
    );

    // The numbers agree with the call records and the Guild.
    let records = app.get_json(&app.client, app.url("/api/calls")).await;
    let answered_record = records["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|record| record["id"] == answered.call_id)
        .expect("the answered call's record")
        .clone();
    assert_eq!(last["talk_secs"], answered_record["billed_secs"]);
    assert_eq!(last["spend"], answered_record["cost"]);
    let quarter = usage(&app, "?days=90").await;
    assert_eq!(quarter["days"].as_array().unwrap().len(), 90);
    assert_eq!(total(&quarter, "calls"), 3);
    let guild = app.get_json(&app.client, app.url("/api/guild")).await;
    assert_eq!(
        total(&quarter, "spend"),
        10_000 - guild["balance"].as_i64().unwrap(),
        "every cost of the card's calls, as the Guild paid it"
    );

    // The page draws the same numbers.
    app.choose_language(&app.client, "en").await;
    let page = app
        .get_text(&app.client, app.url("/dashboard/cards/ada/usage"))
        .await;
    let text = app::i18n::usage_text(app::model::Lang::En);
    let views_chart = chart(&page, "views");
    assert!(views_chart.contains(&text.total("5")), "{views_chart}");
    assert!(
        views_chart.contains("height=\"80\""),
        "today is the tallest bar: {views_chart}"
    );
    assert_eq!(chart(&page, "calls").matches("<rect").count(), 30);
    let spent = app::i18n::format::money(app::model::Lang::En, total(&month, "spend"), "KRW");
    assert!(
        chart(&page, "spend").contains(&text.total(&spent)),
        "{spent}"
    );
    let dashboard = app.get_text(&app.client, app.url("/dashboard")).await;
    assert!(dashboard.contains("href=\"/dashboard/cards/ada/usage\""));
    let more = app
        .get_text(&app.client, app.url("/dashboard/cards/ada/usage?days=7"))
        .await;
    assert_eq!(chart(&more, "views").matches("<rect").count(), 7);

    // A period the page does not offer is refused by the API; the views are not counted twice.
    let odd = app
        .client
        .get(app.url("/api/cards/ada/usage?days=12"))
        .send()
        .await
        .unwrap();
    assert_eq!(odd.status(), StatusCode::BAD_REQUEST);
    assert_eq!(total(&usage(&app, "").await, "views"), 5);

    // Another issuer sees no such card.
    let stranger = app.new_client();
    app.sign_up(&stranger, "eve@example.com").await;
    let api = stranger
        .get(app.url("/api/cards/ada/usage"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    let page = stranger
        .get(app.url("/dashboard/cards/ada/usage"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
}

/// The `<figure>` of the chart named `name`.
fn chart<'a>(page: &'a str, name: &str) -> &'a str {
    let start = page
        .find(&format!("data-chart=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} chart in {page}"));
    let end = start + page[start..].find("</figure>").unwrap();
    &page[start..end]
}

async fn views_of_a_card_deleted_before_they_are_stored_go_with_it(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 5).await;
    let visitor = app.new_client();
    let page = visitor.get(app.url("/c/ada")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let deleted = app
        .client
        .delete(app.url("/api/cards/ada"))
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    // The pending view has no card to go to: the flush succeeds and stores nothing.
    app.state.card_views.flush(&app.db).await.unwrap();
    use sea_orm::{EntityTrait, PaginatorTrait};
    let stored = server::cards::views::entity::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

/// Two processes flush their counts of the same card and hour at the same moment, many times:
/// the row's upsert adds both every time (a race of two steps on one row).
async fn two_processes_adding_to_the_same_hour_at_once_lose_no_view(backend: Backend) {
    let (app, _) = issuer(backend, 10_000, 5).await;
    let (_, other) = app.another_process().await;
    let card_id = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        server::cards::entity::card::Entity::find()
            .filter(server::cards::entity::card::Column::Slug.eq("ada"))
            .one(&app.db)
            .await
            .unwrap()
            .expect("the card")
            .id
    };
    let now = Utc::now();
    for round in 1..=20 {
        for _ in 0..3 {
            app.state.card_views.count(card_id, now);
            other.card_views.count(card_id, now);
        }
        let (here, there) = tokio::join!(
            app.state.card_views.flush(&app.db),
            other.card_views.flush(&other.db)
        );
        here.unwrap();
        there.unwrap();
        let stored = usage(&app, "?days=7").await;
        assert_eq!(total(&stored, "views"), 6 * round, "round {round}");
    }
}
