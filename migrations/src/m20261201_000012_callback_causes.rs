//! A callback's caller has causes of their own (issue 10): `caller_busy` and
//! `caller_did_not_answer` join the causes `calls.hangup_cause` may hold (the constraint of
//! step 9, replaced). PostgreSQL swaps the constraint in place; SQLite rebuilds the table with
//! step 9's shape and the longer list, keeping every row and column.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

use crate::m20261130_000009_call_checks::{self as step_9, Shape};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Step 9's causes and the callback caller's.
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
    "metering_lapsed",
    "media_failed",
    "session_expired",
    "stale_reservation",
    "process_restarted",
];

/// The constraint this step replaces (the others of step 9 stay as they are).
const CONSTRAINT: &str = "calls_cause_known";

async fn allow(manager: &SchemaManager<'_>, from: Shape, to: Shape) -> Result<(), DbErr> {
    match manager.get_database_backend() {
        DatabaseBackend::Sqlite => step_9::rebuild_sqlite(manager, from, to).await,
        _ => {
            let Shape::Checked(causes) = to else {
                return Err(DbErr::Migration("calls keep a cause constraint".into()));
            };
            let (_, check) = step_9::checks(causes)
                .into_iter()
                .find(|(name, _)| *name == CONSTRAINT)
                .ok_or_else(|| DbErr::Migration(format!("step 9 has no {CONSTRAINT}")))?;
            // One statement: the table is never without its constraint.
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "ALTER TABLE calls DROP CONSTRAINT {CONSTRAINT}, \
                     ADD CONSTRAINT {CONSTRAINT} CHECK ({check})"
                ))
                .await
                .map(drop)
        }
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        allow(
            manager,
            Shape::Checked(step_9::CAUSES),
            Shape::Checked(CAUSES),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        allow(
            manager,
            Shape::Checked(CAUSES),
            Shape::Checked(step_9::CAUSES),
        )
        .await
    }
}
