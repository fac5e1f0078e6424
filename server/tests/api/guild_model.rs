//! The ledger and reservations against a model (issue 3; BRIEF R8, R11, R13, R17).
//!
//! Random interleavings of authorize / answer / extend / settle / crash / sweep / top-up / clock
//! ticks across several cards of one issuer run against the real database, and races of two
//! steps of one call at once (issue 9), which must end as one order of the two would. The model
//! is a few
//! integers per Guild, card and call; after every step the database must agree with it exactly,
//! and three invariants must hold whatever the model says: the balance never falls below the
//! credit limit (available ≥ 0), no money is created (balance = grant + top-ups − debits), and
//! balance = sum of the ledger entries. Some scenarios cap the Guild's daily spending, and some
//! cards theirs (issue 10): the model counts each day's holds as the engine must, refusing and
//! cutting calls at the smaller cap, and giving back what settled calls did not cost.
//!
//! Every leg is rated 60 a minute billed by the second, so a leg costs exactly 1 per second and
//! the model's arithmetic stays obvious.

use chrono::{DateTime, Duration, DurationRound, Utc};
use media_bridge::call::{CallOutcome, HangupCause};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use server::calls::authorize::Refusal;
use server::calls::call_state::{AnsweredOn, Outcome, RecordedCause};
use server::calls::rates::{LegClass, Rate};
use server::calls::reservation::{self, CallRequest, Ending, ReservationError};
use server::cards::entity::call_settings as call_settings_row;
use server::ledger::entity::{entry, guild};
use server::ledger::money::Money;
use server::ledger::rules::EntryKind;
use server::ledger::service::{self as ledger, Posting};

use crate::both_backends;
use crate::helpers::{Backend, TestApp, card_json};

both_backends!(ledger_and_reservations_follow_the_model);

const CARDS: usize = 3;
const HOLD_SECS: u32 = 60;
const STALE_AFTER: i64 = 180;

#[derive(Debug, Clone)]
enum Step {
    Authorize {
        card: usize,
        legs: u32,
    },
    Answer {
        call: usize,
    },
    Extend {
        call: usize,
    },
    Settle {
        call: usize,
        talk_secs: u32,
    },
    /// The process running the call dies: nobody answers, extends or settles it any more.
    Crash {
        call: usize,
    },
    Sweep,
    TopUp {
        amount: i64,
    },
    Tick {
        secs: i64,
    },
    /// Two steps of the same call at once (issue 9): the database must end as if they ran in
    /// one order or the other, and each must answer as in that order.
    Race {
        call: usize,
        first: CallStep,
        second: CallStep,
    },
}

/// A step of one running call, or the sweep, as both the database and the model take it.
#[derive(Debug, Clone, Copy)]
enum CallStep {
    Answer,
    Extend,
    Settle { talk_secs: u32 },
    Sweep,
}

/// What a step answered: the database's answer and the model's must be the same.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    Answered,
    Extended {
        held: i64,
        last: bool,
        covered_secs: i64,
    },
    /// The call's record after settling (the first settlement's cost, if it was settled before).
    Settled {
        cost: Option<i64>,
    },
    /// The calls of this issuer that the sweep settled.
    Swept(Vec<i64>),
    NotRunning,
}

fn call_step() -> impl Strategy<Value = CallStep> {
    prop_oneof![
        Just(CallStep::Answer),
        Just(CallStep::Extend),
        (0..200u32).prop_map(|talk_secs| CallStep::Settle { talk_secs }),
        Just(CallStep::Sweep),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..CARDS, 1..=2u32).prop_map(|(card, legs)| Step::Authorize { card, legs }),
        2 => any::<usize>().prop_map(|call| Step::Answer { call }),
        2 => any::<usize>().prop_map(|call| Step::Extend { call }),
        3 => (any::<usize>(), 0..200u32)
            .prop_map(|(call, talk_secs)| Step::Settle { call, talk_secs }),
        1 => any::<usize>().prop_map(|call| Step::Crash { call }),
        1 => Just(Step::Sweep),
        1 => (1..300i64).prop_map(|amount| Step::TopUp { amount }),
        2 => (1..240i64).prop_map(|secs| Step::Tick { secs }),
        3 => (any::<usize>(), call_step(), call_step()).prop_map(|(call, first, second)| {
            // Two sweeps at once may share the stale calls between them; harmless, but no
            // order of the two says which took which.
            let second = match (first, second) {
                (CallStep::Sweep, CallStep::Sweep) => CallStep::Extend,
                _ => second,
            };
            Step::Race { call, first, second }
        }),
    ]
}

#[derive(Debug, Clone)]
struct Scenario {
    grant: i64,
    credit_limit: i64,
    daily_cap: Option<i64>,
    quotas: [u32; CARDS],
    /// Each card's own daily cap (small: the runner's error carries the whole scenario).
    card_caps: [Option<u16>; CARDS],
    steps: Vec<Step>,
}

fn cap() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![Just(None), (0..300i64).prop_map(Some)]
}

fn card_cap() -> impl Strategy<Value = Option<u16>> {
    prop_oneof![Just(None), (0..300u16).prop_map(Some)]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        0..400i64,
        prop_oneof![Just(0i64), 0..150i64],
        cap(),
        [0..4u32, 0..4u32, 0..4u32],
        [card_cap(), card_cap(), card_cap()],
        prop::collection::vec(step(), 1..40),
    )
        .prop_map(
            |(grant, credit_limit, daily_cap, quotas, card_caps, steps)| Scenario {
                grant,
                credit_limit,
                daily_cap,
                quotas,
                card_caps,
                steps,
            },
        )
}

/// What the model knows of one call.
#[derive(Debug, Clone)]
struct ModelCall {
    id: i64,
    card: usize,
    legs: i64,
    held: i64,
    authorized_at: DateTime<Utc>,
    answered_at: Option<DateTime<Utc>>,
    metered_at: DateTime<Utc>,
    running: bool,
    crashed: bool,
    /// What its settlement cost, once settled.
    cost: Option<i64>,
}

#[derive(Debug, Clone)]
struct Model {
    balance: i64,
    held: i64,
    credit_limit: i64,
    /// Grant and top-ups: all the money that ever came in.
    paid_in: i64,
    debited: i64,
    quotas: [u32; CARDS],
    calls: Vec<ModelCall>,
    /// The Guild's day, and each card's.
    guild_day: Day,
    card_days: [Day; CARDS],
}

/// A daily cap and its count: what the calls held since `started_at` (midnight UTC), less what
/// their settlements gave back; counted only with a cap.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Day {
    cap: Option<i64>,
    spent: i64,
    started_at: Option<DateTime<Utc>>,
}

impl Day {
    /// A cap set at `at`: its day so far counted, nothing yet.
    fn set_at(cap: Option<i64>, at: DateTime<Utc>) -> Day {
        Day {
            cap,
            spent: 0,
            started_at: cap.map(|_| day_of(at)),
        }
    }

    /// What `now`'s day has spent.
    fn spent_on(&self, now: DateTime<Utc>) -> i64 {
        if self.started_at == Some(day_of(now)) {
            self.spent
        } else {
            0
        }
    }

    /// What the cap still lets `now`'s day spend (`None` without a cap).
    fn left(&self, now: DateTime<Utc>) -> Option<i64> {
        self.cap.map(|cap| Ord::max(cap - self.spent_on(now), 0))
    }

    /// Counts a hold of `amount` on `now`'s day.
    fn count(&mut self, amount: i64, now: DateTime<Utc>) {
        if self.cap.is_some() && amount > 0 {
            let day = day_of(now);
            if self.started_at == Some(day) {
                self.spent += amount;
            } else {
                self.started_at = Some(day);
                self.spent = amount;
            }
        }
    }

    /// Gives back what a call authorized at `authorized_at` did not cost, when the day counted
    /// all its holds.
    fn give_back(&mut self, unused: i64, authorized_at: DateTime<Utc>) {
        if self.cap.is_some() && self.started_at.is_some_and(|day| day <= authorized_at) {
            self.spent = Ord::max(self.spent - unused, 0);
        }
    }
}

/// Midnight UTC of `now`'s day (the scenarios' cap counts days in UTC).
fn day_of(now: DateTime<Utc>) -> DateTime<Utc> {
    now.duration_trunc(Duration::days(1)).unwrap()
}

impl Model {
    fn available(&self) -> i64 {
        self.balance + self.credit_limit - self.held
    }

    /// What a hold for a call of `card` may take now: the available money, within what the
    /// Guild's and the card's caps leave.
    fn spendable(&self, card: usize, now: DateTime<Utc>) -> i64 {
        [self.guild_day.left(now), self.card_days[card].left(now)]
            .into_iter()
            .flatten()
            .fold(self.available(), Ord::min)
    }

    /// Holds `amount` more for a call of `card`, counting it on each capped day.
    fn hold(&mut self, card: usize, amount: i64, now: DateTime<Utc>) {
        self.held += amount;
        self.guild_day.count(amount, now);
        self.card_days[card].count(amount, now);
    }

    /// Settles a running call the way the engine must: cost capped by its hold, the unit back
    /// when it was not answered.
    fn settle(&mut self, index: usize, talk_secs: i64) -> i64 {
        let call = &mut self.calls[index];
        let cost = if call.answered_at.is_some() {
            Ord::min(call.legs * talk_secs, call.held)
        } else {
            0
        };
        call.running = false;
        call.cost = Some(cost);
        // What the holds did not cost goes back to the days that counted them all.
        self.guild_day
            .give_back(call.held - cost, call.authorized_at);
        self.card_days[call.card].give_back(call.held - cost, call.authorized_at);
        self.held -= call.held;
        self.balance -= cost;
        self.debited += cost;
        if call.answered_at.is_none() {
            self.quotas[call.card] += 1;
        }
        cost
    }
}

pub(crate) fn per_second_leg() -> Option<Rate> {
    Some(Rate {
        class: LegClass::Landline,
        prefix: String::new(),
        per_minute: 60,
        initial_increment_secs: 1,
        subsequent_increment_secs: 1,
        connect_fee: 0,
    })
}

async fn ledger_and_reservations_follow_the_model(backend: Backend) {
    let app = TestApp::spawn_with(backend, |settings| {
        settings.signup_grant = Money::ZERO;
        // Every case signs up an issuer of its own, all from this one address.
        settings.signup_max_per_address = u32::MAX;
    })
    .await;
    let cases = match backend {
        Backend::Sqlite => 48,
        Backend::Postgres => 24,
    };
    let handle = tokio::runtime::Handle::current();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let case = std::cell::Cell::new(0);
    let result = tokio::task::block_in_place(|| {
        runner.run(&scenario(), |scenario| {
            case.set(case.get() + 1);
            handle.block_on(run(&app, case.get(), scenario));
            Ok(())
        })
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// Sets up a fresh issuer for the scenario, then runs its steps against model and database.
async fn run(app: &TestApp, case: u32, scenario: Scenario) {
    let client = app.new_client();
    let email = format!("issuer{case}-{}@example.com", uuid_suffix());
    let account = app.sign_up(&client, &email).await;
    let account_id = account["id"].as_i64().unwrap();
    if scenario.grant > 0 {
        post(app, account_id, EntryKind::OperatorCredit, scenario.grant).await;
    }
    ledger::set_credit_limit(&app.db, account_id, Money(scenario.credit_limit))
        .await
        .unwrap();
    let capped_at = Utc::now();
    if let Some(cap) = scenario.daily_cap {
        ledger::set_daily_cap(&app.db, account_id, Some(Money(cap)), "UTC", capped_at)
            .await
            .unwrap();
    }
    let mut slugs = Vec::new();
    let mut card_days = Vec::new();
    for (index, quota) in scenario.quotas.iter().enumerate() {
        let slug = format!("c{case}x{index}{}", uuid_suffix());
        let mut card = card_json(Some(&slug), "Model");
        card["call"] = json!({
            "call_quota": quota, "max_call_minutes": 60, "time_zone": "UTC",
            "available_from": "00:00", "available_until": "24:00",
            "available_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "allowed_regions": ["KR"], "landline": "", "mobile": "", "internet_phone": true,
            "daily_cap": scenario.card_caps[index]
        });
        card_days.push(Day::set_at(
            scenario.card_caps[index].map(i64::from),
            Utc::now(),
        ));
        let created = app.create_card(&client, card).await;
        assert_eq!(created.status(), 201);
        slugs.push(slug);
    }
    let mut model = Model {
        balance: scenario.grant,
        held: 0,
        credit_limit: scenario.credit_limit,
        paid_in: scenario.grant,
        debited: 0,
        quotas: scenario.quotas,
        calls: Vec::new(),
        guild_day: Day::set_at(scenario.daily_cap, capped_at),
        card_days: card_days.try_into().expect("one day per card"),
    };
    // Whole seconds, so "older than the TTL" means the same to the model and to the database;
    // yesterday, five minutes before midnight UTC, so that many scenarios cross into the next
    // day, where a daily cap counts again.
    let mut now = day_of(Utc::now()) - Duration::seconds(300);
    for step in &scenario.steps {
        apply(app, account_id, &slugs, &mut model, &mut now, step).await;
        check(app, account_id, &slugs, &model, step, now).await;
    }
    // Whatever ran, a sweep long after leaves nothing held.
    let later = now + Duration::seconds(STALE_AFTER * 10);
    let mut swept_at = later;
    apply(
        app,
        account_id,
        &slugs,
        &mut model,
        &mut swept_at,
        &Step::Sweep,
    )
    .await;
    check(app, account_id, &slugs, &model, &Step::Sweep, later).await;
    assert_eq!(model.held, 0);
}

async fn apply(
    app: &TestApp,
    account_id: i64,
    slugs: &[String],
    model: &mut Model,
    now: &mut DateTime<Utc>,
    step: &Step,
) {
    // Steps on calls pick one the process still runs; with none, they do nothing.
    let live: Vec<usize> = (0..model.calls.len())
        .filter(|&i| model.calls[i].running && !model.calls[i].crashed)
        .collect();
    let pick = |call: usize| (!live.is_empty()).then(|| live[call % live.len()]);
    match *step {
        Step::Authorize { card, legs } => {
            let request = CallRequest {
                card_slug: &slugs[card],
                caller_number: "+821012345678",
                callee_number: "+82234561234",
                caller_region: Some("KR"),
                legs: vec![per_second_leg(); legs as usize],
                hold_secs: HOLD_SECS,
                run_by: "test-node",
            };
            let legs = i64::from(legs);
            let outcome = reservation::reserve(&app.db, request, *now).await;
            let available = model.available();
            let spendable = model.spendable(card, *now);
            if model.quotas[card] == 0 {
                assert!(
                    matches!(
                        outcome,
                        Err(ReservationError::Refused(Refusal::CallCountExhausted))
                    ),
                    "{outcome:?}"
                );
            } else if available < legs {
                assert!(
                    matches!(
                        outcome,
                        Err(ReservationError::Refused(Refusal::GuildExhausted { .. }))
                    ),
                    "available {available}, {legs} legs: {outcome:?}"
                );
            } else if spendable < legs {
                assert!(
                    matches!(
                        outcome,
                        Err(ReservationError::Refused(Refusal::DailyCapReached { .. }))
                    ),
                    "cap leaves {spendable}, {legs} legs: {outcome:?}"
                );
            } else {
                let granted = outcome.expect("the model says this call is affordable");
                let hold = Ord::min(legs * i64::from(HOLD_SECS), spendable);
                assert_eq!(granted.grant.hold, Money(hold));
                assert_eq!(i64::from(granted.grant.covered_secs), hold / legs);
                model.quotas[card] -= 1;
                model.hold(card, hold, *now);
                model.calls.push(ModelCall {
                    id: granted.call_id,
                    card,
                    legs,
                    held: hold,
                    authorized_at: *now,
                    answered_at: None,
                    metered_at: *now,
                    running: true,
                    crashed: false,
                    cost: None,
                });
            }
        }
        Step::Answer { call } => {
            let Some(index) = pick(call) else { return };
            one_step(app, model, index, CallStep::Answer, *now).await;
        }
        Step::Extend { call } => {
            let Some(index) = pick(call) else { return };
            one_step(app, model, index, CallStep::Extend, *now).await;
        }
        Step::Settle { call, talk_secs } => {
            let Some(index) = pick(call) else { return };
            one_step(app, model, index, CallStep::Settle { talk_secs }, *now).await;
        }
        Step::Crash { call } => {
            let Some(index) = pick(call) else { return };
            model.calls[index].crashed = true;
        }
        Step::Sweep => {
            // The sweep names no call; any index will do for it.
            one_step(app, model, 0, CallStep::Sweep, *now).await;
        }
        Step::Race {
            call,
            first,
            second,
        } => {
            let Some(index) = pick(call) else { return };
            race(app, model, index, [first, second], *now).await;
        }
        Step::TopUp { amount } => {
            post(app, account_id, EntryKind::OperatorCredit, amount).await;
            model.balance += amount;
            model.paid_in += amount;
        }
        Step::Tick { secs } => *now += Duration::seconds(secs),
    }
}

/// Runs one step on the database and on the model; both must answer the same.
async fn one_step(
    app: &TestApp,
    model: &mut Model,
    index: usize,
    step: CallStep,
    now: DateTime<Utc>,
) {
    let answered_at = model.calls.get(index).and_then(|call| call.answered_at);
    let seen = on_database(app, model, index, step, answered_at, now).await;
    let expected = on_model(model, index, step, answered_at, now);
    assert_eq!(seen, expected, "{step:?} of call {index} at {now}");
}

/// Runs two steps of one call at once. The database must have taken them in one order or the
/// other: the model, run in that order, answers both the same and ends where the database is
/// (`check` compares the rest after the step).
async fn race(
    app: &TestApp,
    model: &mut Model,
    index: usize,
    steps: [CallStep; 2],
    now: DateTime<Utc>,
) {
    // A process that answered and then hung up settles with the answer it knows of.
    let answered_at = if steps.iter().any(|step| matches!(step, CallStep::Answer)) {
        Some(model.calls[index].answered_at.unwrap_or(now))
    } else {
        model.calls[index].answered_at
    };
    let (first, second) = tokio::join!(
        on_database(app, model, index, steps[0], answered_at, now),
        on_database(app, model, index, steps[1], answered_at, now),
    );
    for order in [[0, 1], [1, 0]] {
        let mut candidate = model.clone();
        let mut seen = [None, None];
        for position in order {
            seen[position] = Some(on_model(
                &mut candidate,
                index,
                steps[position],
                answered_at,
                now,
            ));
        }
        if seen == [Some(first.clone()), Some(second.clone())] {
            *model = candidate;
            return;
        }
    }
    panic!(
        "{steps:?} of call {:?} at once answered {first:?} and {second:?}, which no order of \
         them gives",
        model.calls[index]
    );
}

/// What the database answers to `step` of call `index`.
async fn on_database(
    app: &TestApp,
    model: &Model,
    index: usize,
    step: CallStep,
    answered_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Seen {
    let call_id = model.calls.get(index).map_or(0, |call| call.id);
    match step {
        CallStep::Answer => {
            match reservation::answer(&app.db, call_id, now, AnsweredOn::Phone).await {
                Ok(()) => Seen::Answered,
                Err(ReservationError::NotRunning) => Seen::NotRunning,
                Err(error) => panic!("answer: {error}"),
            }
        }
        CallStep::Extend => match reservation::extend(&app.db, call_id, HOLD_SECS, now).await {
            Ok(extended) => Seen::Extended {
                held: extended.held.0,
                last: extended.last,
                covered_secs: i64::from(extended.covered_secs),
            },
            Err(ReservationError::NotRunning) => Seen::NotRunning,
            Err(error) => panic!("extend: {error}"),
        },
        CallStep::Settle { talk_secs } => {
            let ending = Ending {
                picked_up_at: None,
                caller_picked_up_at: None,
                answered_at,
                ended_at: answered_at.map_or(now, |at| at + Duration::seconds(talk_secs.into())),
                outcome: Outcome::Ended(if answered_at.is_some() {
                    CallOutcome::Answered
                } else {
                    CallOutcome::NoAnswer
                }),
                hangup_cause: RecordedCause::Call(HangupCause::CallerHungUp),
                answered_on: None,
                phone_dropped_at: None,
            };
            let record = reservation::settle(&app.db, call_id, ending).await.unwrap();
            Seen::Settled { cost: record.cost }
        }
        CallStep::Sweep => {
            let ttl = Duration::seconds(STALE_AFTER);
            let mut swept = reservation::sweep_stale(&app.db, now, ttl).await.unwrap();
            // Only this issuer's calls: a failed earlier case may have left others running.
            swept.retain(|id| model.calls.iter().any(|call| call.id == *id));
            swept.sort();
            Seen::Swept(swept)
        }
    }
}

/// What the engine must answer to `step` of call `index`, given the model; updates the model.
fn on_model(
    model: &mut Model,
    index: usize,
    step: CallStep,
    answered_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Seen {
    match step {
        CallStep::Sweep => {
            let ttl = Duration::seconds(STALE_AFTER);
            let mut swept = Vec::new();
            for index in 0..model.calls.len() {
                let call = &model.calls[index];
                if call.running && call.metered_at < now - ttl {
                    let talk = call
                        .answered_at
                        .map_or(0, |at| (call.metered_at - at).num_seconds());
                    swept.push(call.id);
                    model.settle(index, talk);
                }
            }
            Seen::Swept(swept)
        }
        _ if !model.calls[index].running => match step {
            CallStep::Settle { .. } => Seen::Settled {
                cost: model.calls[index].cost,
            },
            _ => Seen::NotRunning,
        },
        CallStep::Answer => {
            let call = &mut model.calls[index];
            if call.answered_at.is_none() {
                call.answered_at = Some(now);
                call.metered_at = now;
            }
            Seen::Answered
        }
        CallStep::Extend => {
            let card = model.calls[index].card;
            let spendable = model.spendable(card, now);
            let call = &mut model.calls[index];
            let covered = call.held / call.legs;
            let wanted = call.legs * (covered + i64::from(HOLD_SECS)) - call.held;
            let extra = if wanted <= spendable {
                wanted
            } else {
                Ord::min(wanted, Ord::max(spendable, 0))
            };
            call.held += extra;
            call.metered_at = now;
            model.hold(card, extra, now);
            let call = &model.calls[index];
            Seen::Extended {
                held: call.held,
                last: wanted > spendable,
                covered_secs: call.held / call.legs,
            }
        }
        CallStep::Settle { talk_secs } => {
            // The settlement's ending says whether the call was answered.
            model.calls[index].answered_at = answered_at;
            let cost = model.settle(index, talk_secs.into());
            Seen::Settled { cost: Some(cost) }
        }
    }
}

async fn check(
    app: &TestApp,
    account_id: i64,
    slugs: &[String],
    model: &Model,
    step: &Step,
    now: DateTime<Utc>,
) {
    let guild = guild::Entity::find_by_id(account_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let entries: i64 = entry::Entity::find()
        .filter(entry::Column::AccountId.eq(account_id))
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|entry| entry.amount)
        .sum();
    app.assert_money_exact().await;
    assert_eq!(
        guild.balance, entries,
        "balance = sum of entries after {step:?}"
    );
    assert!(
        guild.balance + guild.credit_limit - guild.held >= 0,
        "overspent after {step:?}: {guild:?}"
    );
    assert_eq!(
        guild.balance,
        model.paid_in - model.debited,
        "money created or lost after {step:?}"
    );
    assert_eq!(
        (guild.balance, guild.held),
        (model.balance, model.held),
        "Guild after {step:?}"
    );
    if model.guild_day.cap.is_some() {
        assert_eq!(
            (guild.day_spent, guild.day_started_at),
            (model.guild_day.spent, model.guild_day.started_at),
            "the Guild's day after {step:?}"
        );
    }
    for (index, slug) in slugs.iter().enumerate() {
        let card = server::cards::entity::card::Entity::find()
            .filter(server::cards::entity::card::Column::Slug.eq(slug.as_str()))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let settings = call_settings_row::Entity::find_by_id(card.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            settings.call_quota as u32, model.quotas[index],
            "call count of card {index} after {step:?}"
        );
        // What the card's day has spent as of now. Not the stored pair: an extension that the
        // card's cap allowed and the Guild then could not hold counts on the card and gives it
        // back, which may leave a new day started at 0 where the model left yesterday's count
        // — the same "nothing spent today".
        let day = model.card_days[index];
        if day.cap.is_some() {
            let stored = server::ledger::daily_cap::Today::of_card(&settings, now).unwrap();
            assert_eq!(
                stored.spent.0,
                day.spent_on(now),
                "the day of card {index} after {step:?}: {settings:?}, model {day:?}"
            );
        }
    }
}

async fn post(app: &TestApp, account_id: i64, kind: EntryKind, amount: i64) {
    ledger::post_alone(
        &app.db,
        Posting {
            account_id,
            kind,
            amount: Money(amount),
            reference: None,
            note: "model top-up",
            created_by: None,
        },
    )
    .await
    .unwrap();
}

fn uuid_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_string()
}
