//! A daily spend cap per Guild (issue 10: the callback door's guards). The cap is kept where
//! every server process sees it, on the Guild's own row, which every hold locks anyway:
//! - `daily_cap`: the most the Guild's calls may spend in one day (NULL: no cap);
//! - `cap_time_zone`: the IANA zone whose midnight starts the Guild's day;
//! - `day_spent`, `day_started_at`: what the calls held since `day_started_at` (the start of
//!   the day counted), less what their settlements gave back; a hold on a later day starts
//!   the count again.
//!
//! Calls gain the refusal `daily_cap_reached` and the hang-up cause `daily_cap` (step 9's
//! constraints, replaced as step 12 replaced one).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261130_000009_call_checks::{self as step_9, Allowed};
use crate::m20261201_000012_callback_causes::{self as step_12, replace_checks};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Step 12's causes and the cap's.
const CAUSES: &[&str] = &[
    "caller_hung_up",
    "issuer_hung_up",
    "issuer_declined",
    "issuer_did_not_answer",
    "issuer_busy",
    "caller_busy",
    "caller_did_not_answer",
    "guild_exhausted",
    "call_limit",
    "daily_cap",
    "metering_lapsed",
    "media_failed",
    "session_expired",
    "stale_reservation",
    "process_restarted",
];

/// Step 9's refusals and the cap's.
const REFUSALS: &[&str] = &[
    "guild_exhausted",
    "daily_cap_reached",
    "call_count_exhausted",
    "outside_hours",
    "destination_not_allowed",
    "card_unavailable",
    "no_trunk",
    "no_rate",
    "authority_unavailable",
];

/// What `calls` allowed before this step: step 12's lists, with step 13's column.
const BEFORE: Allowed = Allowed {
    caller_pick_up: true,
    ..step_12::ALLOWED
};

const ALLOWED: Allowed = Allowed {
    causes: CAUSES,
    refusals: REFUSALS,
    caller_pick_up: true,
};

/// The constraints whose lists grow.
const CONSTRAINTS: &[&str] = &["calls_outcome_known", "calls_cause_known"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        debug_assert!(step_9::REFUSALS.iter().all(|code| REFUSALS.contains(code)));
        // SQLite adds one column per statement.
        for column in [
            big_integer_null(Guilds::DailyCap),
            string(Guilds::CapTimeZone).default("UTC").to_owned(),
            big_integer(Guilds::DaySpent).default(0).to_owned(),
            timestamp_with_time_zone_null(Guilds::DayStartedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Guilds::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        replace_checks(manager, CONSTRAINTS, BEFORE, ALLOWED).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace_checks(manager, CONSTRAINTS, ALLOWED, BEFORE).await?;
        for column in [
            Guilds::DailyCap,
            Guilds::CapTimeZone,
            Guilds::DaySpent,
            Guilds::DayStartedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Guilds::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Guilds {
    Table,
    DailyCap,
    CapTimeZone,
    DaySpent,
    DayStartedAt,
}
