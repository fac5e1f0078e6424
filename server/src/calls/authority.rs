//! The Guild engine as the media bridge's [`Authority`] (BRIEF R8, R11, R12): the bridge asks,
//! this answers from the database through `route` and `reservation`, and the bridge never
//! touches the database itself (STYLE §1).
//!
//! A browser call's legs come from the card's route (an internet leg for the caller, then the
//! issuer's phone through the trunk or the issuer's browser); the grant holds
//! `call_hold_secs` of them at a time. Every attempt leaves a record — also one that cannot be
//! routed at all (`no_trunk`, `card_unavailable`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use media_bridge::authority::{
    Authority, Authorized, CallId, CallRequest, CallerOrigin, CoverageEnd, ExtendDecision, Grant,
    IssuerDestination, IssuerTarget, Refusal, Settlement,
};
use media_bridge::call::Leg;
use sea_orm::{DatabaseConnection, DbBackend, EntityTrait};

use super::authorize::{Bound, Funds, Refusal as EngineRefusal};
use super::call_state::{AnsweredOn, Outcome, RecordedCause};
use super::card_cache::CardCache;
use super::number::{self, ParsedNumber};
use super::rate_store::RateCache;
use super::rates::{Rate, RateTable};
use super::reservation::{self, Batches, Ending, ReservationError};
use super::route::{self, Destination, RouteError};
use crate::cards::call_settings;
use crate::cards::entity::call_settings as call_settings_row;
use crate::config::Settings;

/// Both parties hear the warning this long before a call's money runs out (R11).
pub const WARNING_SECS: u32 = 10;

/// The caller of a browser call has no number: its records say so.
const BROWSER: &str = "browser";

#[derive(Clone)]
pub struct GuildAuthority {
    db: DatabaseConnection,
    settings: Arc<Settings>,
    trunk_configured: bool,
    running: RunningCalls,
    /// Cards called before, so that a call on PostgreSQL is routed and reserved without
    /// reading its card first (`card_cache.rs`).
    cards: Arc<CardCache>,
    /// PostgreSQL: the calls that reserve or settle together go in one statement (`batch.rs`).
    batches: Option<Arc<Batches>>,
    /// The rate table as last read, checked by its version on every call (`rate_store.rs`).
    rates: Arc<RateCache>,
}

/// The calls this process runs, from their grant to their settlement, each with its row as the
/// process last knew it: what its stamp vouches for (`stamp_running_calls`), and what a
/// settlement may start from without reading the row again.
#[derive(Clone, Default)]
pub struct RunningCalls(Arc<Mutex<BTreeMap<i64, reservation::entity::Model>>>);

impl RunningCalls {
    fn insert(&self, row: reservation::entity::Model) {
        self.lock().insert(row.id, row);
    }

    fn remove(&self, call_id: i64) {
        self.lock().remove(&call_id);
    }

    /// Updates what the process knows of a running call (after `extend`, a pick-up).
    fn update(&self, call_id: i64, change: impl FnOnce(&mut reservation::entity::Model)) {
        if let Some(row) = self.lock().get_mut(&call_id) {
            change(row);
        }
    }

    fn believed(&self, call_id: i64) -> Option<reservation::entity::Model> {
        self.lock().get(&call_id).cloned()
    }

    pub fn ids(&self) -> Vec<i64> {
        self.lock().keys().copied().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<i64, reservation::entity::Model>> {
        self.0.lock().expect("running calls lock")
    }
}

/// Stamps this process's running calls every `every` (issue 9, crash drills): a call whose
/// process dies is billed up to its last stamp, seconds before the death, not up to its last
/// hold. Runs for the life of the process.
pub async fn stamp_running_calls(db: DatabaseConnection, running: RunningCalls, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let ids = running.ids();
        if let Err(error) = reservation::stamp(&db, &ids, Utc::now()).await {
            tracing::warn!(%error, calls = ids.len(), "could not stamp the running calls");
        }
    }
}

impl GuildAuthority {
    /// `running` is where it keeps the calls it granted until they settle.
    pub fn new(
        db: DatabaseConnection,
        settings: Arc<Settings>,
        trunk_configured: bool,
        running: RunningCalls,
    ) -> Self {
        let batches = (db.get_database_backend() == DbBackend::Postgres)
            .then(|| Arc::new(Batches::start(db.clone())));
        GuildAuthority {
            db,
            settings,
            trunk_configured,
            running,
            cards: Arc::default(),
            batches,
            rates: Arc::default(),
        }
    }

    async fn decide(&self, request: &CallRequest) -> Result<Authorized, ReservationError> {
        let now = Utc::now();
        // A callback's caller: the number they typed, refused (and recorded) if unreadable.
        let caller = match &request.origin {
            CallerOrigin::Browser => None,
            CallerOrigin::Phone { number, .. } => {
                match number::parse(number, self.settings.default_region) {
                    Ok(parsed) => Some(parsed),
                    Err(_) => {
                        let mut engine_request =
                            self.engine_request(request, None, BROWSER, Vec::new());
                        // The record names what was asked for (bounded at the edge).
                        engine_request.caller_number = number;
                        let refusal = EngineRefusal::DestinationNotAllowed;
                        return Err(
                            reservation::refuse(&self.db, &engine_request, now, refusal).await?
                        );
                    }
                }
            }
        };
        let caller = caller.as_ref();
        let table = self.rates.table(&self.db).await?;
        let postgres = self.db.get_database_backend() == DbBackend::Postgres;
        // A card called before: routed and reserved from the cache in one statement, unless
        // that cannot grant the call outright (see `reservation::reserve_cached`).
        if postgres && let Some(cached) = self.cards.get(&request.card_slug) {
            let settings = call_settings_for(cached.settings.as_ref());
            if let Ok(route) = self.route(&settings, &table, caller) {
                let (target, callee) = target_of(&route.destination, cached.card.account_id);
                let engine_request = self.engine_request(request, caller, &callee, route.legs);
                if let Some(reserved) = reservation::reserve_cached(
                    &self.db,
                    self.batches.as_deref(),
                    &cached,
                    &engine_request,
                    now,
                )
                .await?
                {
                    return Ok(self.authorized(reserved, target));
                }
            }
        }
        let found = reservation::card_for_call(&self.db, &request.card_slug)
            .await?
            .ok_or(ReservationError::UnknownCard)?;
        if postgres {
            self.cards.put(&found);
        }
        let settings = call_settings_for(found.settings.as_ref());
        let route = match self.route(&settings, &table, caller) {
            Ok(route) => route,
            Err(error) => {
                let refusal = match error {
                    RouteError::NoTrunk => EngineRefusal::NoTrunk,
                    RouteError::NoDestination => EngineRefusal::CardUnavailable,
                    RouteError::DestinationNotAllowed => EngineRefusal::DestinationNotAllowed,
                };
                let engine_request = self.engine_request(request, caller, BROWSER, Vec::new());
                return Err(reservation::refuse(&self.db, &engine_request, now, refusal).await?);
            }
        };
        let (target, callee) = target_of(&route.destination, found.card.account_id);
        let engine_request = self.engine_request(request, caller, &callee, route.legs);
        let reserved = reservation::reserve_found(
            &self.db,
            self.batches.as_deref(),
            found,
            engine_request,
            now,
        )
        .await?;
        Ok(self.authorized(reserved, target))
    }

    /// A browser call's route, or a callback's when `caller` is the number to call back.
    fn route(
        &self,
        settings: &app::model::CallSettings,
        table: &RateTable,
        caller: Option<&ParsedNumber>,
    ) -> Result<route::Route, RouteError> {
        let home = self.settings.default_region;
        match caller {
            None => route::browser_call(settings, table, home, self.trunk_configured),
            Some(caller) => route::callback(settings, table, home, self.trunk_configured, caller),
        }
    }

    /// The engine's request: a callback names the caller's number and its region, which the
    /// card's allowed countries must include.
    fn engine_request<'a>(
        &'a self,
        request: &'a CallRequest,
        caller: Option<&'a ParsedNumber>,
        callee: &'a str,
        legs: Vec<Option<Rate>>,
    ) -> reservation::CallRequest<'a> {
        reservation::CallRequest {
            card_slug: &request.card_slug,
            caller_number: caller.map_or(BROWSER, |caller| caller.e164.as_str()),
            callee_number: callee,
            caller_region: caller.map(|caller| {
                // A number of no single region (+800…) is of no allowed country.
                caller.region.as_deref().unwrap_or("")
            }),
            legs,
            hold_secs: self.settings.call_hold_secs,
            run_by: &self.settings.node,
        }
    }

    /// Keeps the reserved call among the running ones and tells the bridge what it may do.
    fn authorized(&self, reserved: reservation::Reservation, target: IssuerTarget) -> Authorized {
        self.running.insert(reserved.row.clone());
        let covered = reserved.grant.covered_secs.min(reserved.grant.max_secs);
        let ends_by = ends_by(
            reserved.grant.covered_secs >= reserved.grant.max_secs,
            reserved.grant.bound,
        );
        Authorized {
            grant: Grant {
                call_id: CallId(reserved.call_id),
                covered_seconds: covered,
                warn_before_seconds: WARNING_SECS,
                // Less than a whole interval held, or the card's limit reached: no extension.
                last: covered < self.settings.call_hold_secs || covered >= reserved.grant.max_secs,
                ends_by,
            },
            target,
        }
    }
}

/// What ends a call whose money runs out: the card's per-call limit when it is reached, else
/// whichever of the Guild's money and its daily cap ran short.
fn ends_by(at_call_limit: bool, bound: Bound) -> CoverageEnd {
    match (at_call_limit, bound) {
        (true, _) => CoverageEnd::CallLimit,
        (false, Bound::Guild) => CoverageEnd::Guild,
        (false, Bound::DailyCap) => CoverageEnd::DailyCap,
    }
}

/// A card's call settings as `route` reads them; none stored means the defaults.
fn call_settings_for(row: Option<&call_settings_row::Model>) -> app::model::CallSettings {
    row.map(call_settings::from_row).unwrap_or_default()
}

/// Where a routed call rings, and the number its record names as the callee.
fn target_of(destination: &Destination, account_id: i64) -> (IssuerTarget, String) {
    match destination {
        Destination::Phone { number, .. } => (
            IssuerTarget::Phone {
                number: number.e164.clone(),
                extension: number.extension.clone(),
            },
            number.e164.clone(),
        ),
        Destination::Browser => (IssuerTarget::Browser { account_id }, BROWSER.to_string()),
        Destination::PhoneAndBrowser { number, .. } => (
            IssuerTarget::PhoneAndBrowser {
                number: number.e164.clone(),
                extension: number.extension.clone(),
                account_id,
            },
            number.e164.clone(),
        ),
    }
}

impl GuildAuthority {
    /// The card's longest call, in seconds (`max_call_minutes`).
    async fn longest_call(&self, call: CallId) -> Result<u32, sea_orm::DbErr> {
        let card_id = reservation::entity::Entity::find_by_id(call.0)
            .one(&self.db)
            .await?
            .and_then(|call| call.card_id);
        self.longest_on_card(card_id).await
    }

    /// The card's per-call limit in seconds (none: no card any more, so no limit of its own).
    async fn longest_on_card(&self, card_id: Option<i64>) -> Result<u32, sea_orm::DbErr> {
        let Some(card_id) = card_id else {
            return Ok(u32::MAX);
        };
        let settings = call_settings_row::Entity::find_by_id(card_id)
            .one(&self.db)
            .await?;
        Ok(longest_secs(settings.as_ref()))
    }
}

/// The per-call limit of a card with `settings`, in seconds; a card without them (gone) has no
/// limit of its own.
fn longest_secs(settings: Option<&call_settings_row::Model>) -> u32 {
    settings.map_or(u32::MAX, |settings| {
        call_settings::from_row(settings)
            .max_call_minutes
            .saturating_mul(60)
    })
}

impl GuildAuthority {
    /// [`Authority::talk_time`]: what the call holds and what its Guild has free (within the
    /// Guild's and the card's daily caps), as talk on the call's own legs, capped by the card's
    /// per-call limit. The call's row is the one this process keeps while it runs the call (its
    /// hold as of the last `extend`): no read of it.
    async fn estimate_talk_time(&self, call: CallId) -> Result<u32, String> {
        let row = self
            .running
            .believed(call.0)
            .ok_or("the call is not running in this process")?;
        let legs = super::metering::CallLegs::from_stored(&row.legs)
            .map_err(|error| format!("its legs are unreadable: {error}"))?;
        let guild = crate::ledger::entity::guild::Entity::find_by_id(row.account_id)
            .one(&self.db)
            .await
            .map_err(|error| error.to_string())?
            .ok_or("its issuer has no Guild")?;
        let now = Utc::now();
        let today =
            crate::ledger::daily_cap::Today::of(&guild, now).map_err(|error| error.to_string())?;
        let settings = match row.card_id {
            Some(card_id) => call_settings_row::Entity::find_by_id(card_id)
                .one(&self.db)
                .await
                .map_err(|error| error.to_string())?,
            None => None,
        };
        let card_cap_left = match &settings {
            Some(settings) => crate::ledger::daily_cap::Today::of_card(settings, now)
                .map_err(|error| error.to_string())?
                .left(),
            None => None,
        };
        let funds = Funds {
            guild: crate::ledger::service::state_of(&guild),
            cap_left: today.left(),
        }
        .capped_by(card_cap_left);
        let free = funds.spendable().0.0.max(0);
        let covered = legs.covered_secs(crate::ledger::money::Money(row.held.saturating_add(free)));
        Ok(covered.min(longest_secs(settings.as_ref())))
    }
}

fn utc(at: SystemTime) -> DateTime<Utc> {
    DateTime::<Utc>::from(at)
}

/// How long a settlement that found the database away is retried before the sweeper is left
/// to settle the call (from its last stamp, so less exactly).
const SETTLE_RETRIES: [Duration; 7] = [
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
    Duration::from_secs(8),
    Duration::from_secs(8),
    Duration::from_secs(8),
];

async fn settle_when_back(
    db: DatabaseConnection,
    running: RunningCalls,
    call_id: i64,
    ending: Ending,
) {
    for pause in SETTLE_RETRIES {
        tokio::time::sleep(pause).await;
        match reservation::settle(&db, call_id, ending).await {
            Ok(_) => {
                tracing::info!(call = call_id, "settled once the database was back");
                running.remove(call_id);
                return;
            }
            Err(ReservationError::Database(_)) => continue,
            Err(error) => {
                tracing::error!(call = call_id, %error, "settling a call failed");
                break;
            }
        }
    }
    // Not stamped any more: the sweeper settles it from its last metering point.
    running.remove(call_id);
    tracing::error!(call = call_id, "gave up settling a call; the sweeper will");
}

impl Authority for GuildAuthority {
    async fn authorize(&self, request: &CallRequest) -> Result<Authorized, Refusal> {
        match self.decide(request).await {
            Ok(authorized) => Ok(authorized),
            Err(ReservationError::Refused(refusal)) => Err(refusal.bridge_code()),
            Err(ReservationError::UnknownCard) => Err(Refusal::CardUnavailable),
            Err(error) => {
                tracing::error!(%error, "authorizing a call failed");
                Err(Refusal::AuthorityUnavailable)
            }
        }
    }

    async fn picked_up(&self, call: CallId, leg: Leg, at: SystemTime) {
        let at = utc(at);
        let stored = match leg {
            Leg::Issuer => reservation::picked_up(&self.db, call.0, at).await,
            Leg::Caller => reservation::caller_picked_up(&self.db, call.0, at).await,
        };
        match stored {
            Ok(()) => self.running.update(call.0, |row| {
                let moment = match leg {
                    Leg::Issuer => &mut row.picked_up_at,
                    Leg::Caller => &mut row.caller_picked_up_at,
                };
                *moment = moment.or(Some(at));
            }),
            Err(error) => {
                tracing::error!(call = call.0, ?leg, %error, "recording the pick-up failed")
            }
        }
    }

    async fn answered(&self, call: CallId, at: SystemTime, on: IssuerDestination) {
        let Some(on) = AnsweredOn::of(on) else {
            tracing::error!(call = call.0, "an answer on both the phone and the page");
            return;
        };
        if let Err(error) = reservation::answer(&self.db, call.0, utc(at), on).await {
            tracing::error!(call = call.0, %error, "recording the answer failed");
        }
    }

    async fn phone_dropped(&self, call: CallId, at: SystemTime) {
        if let Err(error) = reservation::phone_dropped(&self.db, call.0, utc(at)).await {
            tracing::error!(call = call.0, %error, "recording the phone let go failed");
        }
    }

    async fn extend(&self, call: CallId, now: SystemTime) -> Option<ExtendDecision> {
        let longest = match self.longest_call(call).await {
            Ok(longest) => longest,
            Err(error) => {
                tracing::error!(call = call.0, %error, "reading the card's call limit failed");
                return None;
            }
        };
        match reservation::extend(&self.db, call.0, self.settings.call_hold_secs, utc(now)).await {
            // The card's per-call limit ends the call even when the Guild could go on.
            Ok(extended) => {
                self.running
                    .update(call.0, |row| row.held = extended.held.0);
                Some(ExtendDecision {
                    covered_seconds: extended.covered_secs.min(longest),
                    last: extended.last || extended.covered_secs >= longest,
                    ends_by: ends_by(extended.covered_secs >= longest, extended.bound),
                })
            }
            Err(error) => {
                tracing::error!(call = call.0, %error, "extending a call failed");
                None
            }
        }
    }

    async fn settle(&self, settlement: Settlement) {
        let ending = Ending {
            picked_up_at: settlement.picked_up_at.map(utc),
            caller_picked_up_at: settlement.caller_picked_up_at.map(utc),
            answered_at: settlement.answered_at.map(utc),
            ended_at: utc(settlement.ended_at),
            outcome: Outcome::Ended(settlement.outcome),
            hangup_cause: RecordedCause::Call(settlement.cause),
            answered_on: settlement.answered_on.and_then(AnsweredOn::of),
            phone_dropped_at: settlement.phone_dropped_at.map(utc),
        };
        let call_id = settlement.call_id.0;
        let settled = match self.running.believed(call_id) {
            Some(believed) => {
                reservation::settle_believed(&self.db, self.batches.as_deref(), &believed, ending)
                    .await
            }
            None => reservation::settle(&self.db, call_id, ending).await,
        };
        match settled {
            Ok(_) => self.running.remove(call_id),
            // The database is away (restarting, failing over): settling again is harmless,
            // so keep trying in the background for a while with the same ending.
            Err(ReservationError::Database(error)) => {
                tracing::warn!(call = call_id, %error, "settling a call failed; retrying");
                tokio::spawn(settle_when_back(
                    self.db.clone(),
                    self.running.clone(),
                    call_id,
                    ending,
                ));
            }
            Err(error) => {
                // Not stamped any more: the sweeper settles it from its last metering point.
                self.running.remove(call_id);
                tracing::error!(call = call_id, %error, "settling a call failed");
            }
        }
    }

    async fn talk_time(&self, call: CallId) -> Option<u32> {
        self.estimate_talk_time(call)
            .await
            .inspect_err(|error| {
                tracing::warn!(call = call.0, %error, "the call's talk time cannot be estimated");
            })
            .ok()
    }
}
