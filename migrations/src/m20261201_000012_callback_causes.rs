//! A callback's caller has causes of their own (issue 10): `caller_busy` and
//! `caller_did_not_answer` join the causes `calls.hangup_cause` may hold (the constraint of
//! step 9, replaced). PostgreSQL swaps the constraint in place; SQLite rebuilds the table with
//! step 9's shape and the longer list, keeping every row and column.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

use crate::m20261130_000009_call_checks::{self as step_9, Allowed, Shape};

/// The constraint this step replaces (the others of step 9 stay as they are).
const CONSTRAINT: &str = "calls_cause_known";

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Step 9's causes and the callback caller's.
pub(crate) const CAUSES: &[&str] = &[
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

/// What this step allows (before step 13 added `caller_picked_up_at`).
pub(crate) const ALLOWED: Allowed = Allowed {
    causes: CAUSES,
    ..step_9::ALLOWED
};

/// Replaces step 9's constraints `names` with those of `to`: PostgreSQL in place, SQLite by
/// rebuilding the table (from the shape `from`). Later steps that widen a list use it too.
pub(crate) async fn replace_checks(
    manager: &SchemaManager<'_>,
    names: &[&str],
    from: Allowed,
    to: Allowed,
) -> Result<(), DbErr> {
    match manager.get_database_backend() {
        DatabaseBackend::Sqlite => {
            step_9::rebuild_sqlite(manager, Shape::Checked(from), Shape::Checked(to)).await
        }
        _ => {
            let mut alter = Vec::new();
            for name in names {
                let (_, check) = step_9::checks(to)
                    .into_iter()
                    .find(|(known, _)| known == name)
                    .ok_or_else(|| DbErr::Migration(format!("step 9 has no {name}")))?;
                alter.push(format!(
                    "DROP CONSTRAINT {name}, ADD CONSTRAINT {name} CHECK ({check})"
                ));
            }
            // One statement: the table is never without its constraints.
            manager
                .get_connection()
                .execute_unprepared(&format!("ALTER TABLE calls {}", alter.join(", ")))
                .await
                .map(drop)
        }
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace_checks(manager, &[CONSTRAINT], step_9::ALLOWED, ALLOWED).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace_checks(manager, &[CONSTRAINT], ALLOWED, step_9::ALLOWED).await
    }
}
