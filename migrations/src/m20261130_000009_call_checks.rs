//! The call row holds only what the code can read back (issue 9: typed states and causes), and
//! says which process runs it and when the issuer's phone picked up (issue 8, issue 9's crash
//! drill):
//! - `CHECK` constraints on `state`, `outcome` and `hangup_cause` (the server's `CallState`,
//!   `Outcome` and `RecordedCause`, as the same strings), on money (`held`, `cost` never
//!   negative) and on how states and endings go together. A new cause later is a new step that
//!   replaces the constraint, and a server test writes every cause through both databases.
//! - `picked_up_at`: when the issuer's phone answered, before the key press; a call settled by
//!   the sweeper or at restart bills the phone leg from there.
//! - `run_by`: the node (process) that runs the call, so a restarted process settles its own
//!   calls at once and leaves the others' to the sweeper.
//!
//! - On PostgreSQL, `callcard_abort(reason)`: raises `reason`, so that one statement of several
//!   data-modifying parts can undo itself when a part must not stand alone.
//!
//! PostgreSQL adds the columns and constraints in place. SQLite cannot add a constraint to a
//! table, so the table is rebuilt (create, copy, drop, rename, re-index) in the migration's
//! transaction; a row that breaks a constraint fails the step, loudly, and changes nothing.

use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_accounts::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

const STATES: &[&str] = &["reserved", "settled", "refused"];
const OUTCOMES: &[&str] = &[
    "answered",
    "busy",
    "no_answer",
    "declined",
    "refused",
    "abandoned",
    "failed",
];
/// The refusals this step allowed; later steps extend the list (`m…_000015`).
pub(crate) const REFUSALS: &[&str] = &[
    "guild_exhausted",
    "call_count_exhausted",
    "outside_hours",
    "destination_not_allowed",
    "card_unavailable",
    "no_trunk",
    "no_rate",
    "authority_unavailable",
];
/// The causes this step allowed; later steps that add causes extend the list (`m…_000012`).
pub(crate) const CAUSES: &[&str] = &[
    "caller_hung_up",
    "issuer_hung_up",
    "issuer_declined",
    "issuer_did_not_answer",
    "issuer_busy",
    "guild_exhausted",
    "call_limit",
    "metering_lapsed",
    "media_failed",
    "session_expired",
    "stale_reservation",
    "process_restarted",
];

/// `'a', 'b', …` for an `IN` list.
fn quoted(values: impl IntoIterator<Item = String>) -> String {
    values
        .into_iter()
        .map(|value| format!("'{value}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn refused_codes(refusals: &[&str]) -> Vec<String> {
    refusals
        .iter()
        .map(|reason| format!("refused:{reason}"))
        .collect()
}

/// What `calls` allows and has, as of a step: its hang-up causes and refusals, and whether
/// the column `caller_picked_up_at` (step 13) exists yet.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Allowed {
    pub causes: &'static [&'static str],
    pub refusals: &'static [&'static str],
    pub caller_pick_up: bool,
}

/// What this step allows.
pub(crate) const ALLOWED: Allowed = Allowed {
    causes: CAUSES,
    refusals: REFUSALS,
    caller_pick_up: false,
};

/// The constraints, by name, as SQL both databases read the same way.
pub(crate) fn checks(allowed: Allowed) -> Vec<(&'static str, String)> {
    let Allowed {
        causes, refusals, ..
    } = allowed;
    let plain = |codes: &[&str]| {
        codes
            .iter()
            .map(|code| (*code).to_owned())
            .collect::<Vec<_>>()
    };
    vec![
        (
            "calls_state_known",
            format!("state IN ({})", quoted(plain(STATES))),
        ),
        (
            "calls_outcome_known",
            format!(
                "outcome IS NULL OR outcome IN ({})",
                quoted(plain(OUTCOMES).into_iter().chain(refused_codes(refusals)))
            ),
        ),
        (
            "calls_cause_known",
            format!(
                "hangup_cause IS NULL OR hangup_cause IN ({}) \
                 OR hangup_cause LIKE 'trunk_error:___'",
                quoted(plain(causes).into_iter().chain(refused_codes(refusals)))
            ),
        ),
        (
            "calls_money_not_negative",
            "held >= 0 AND (cost IS NULL OR cost >= 0)".to_string(),
        ),
        (
            "calls_reserved_has_no_ending",
            "state <> 'reserved' OR (ended_at IS NULL AND outcome IS NULL AND hangup_cause IS NULL)"
                .to_string(),
        ),
        (
            "calls_refused_holds_nothing",
            "state <> 'refused' OR (outcome IS NOT NULL AND held = 0)".to_string(),
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => {
                rebuild_sqlite(manager, Shape::Before, Shape::Checked(ALLOWED)).await
            }
            _ => {
                manager
                    .alter_table(
                        Table::alter()
                            .table(Calls::Table)
                            .add_column(timestamp_with_time_zone_null(Calls::PickedUpAt))
                            .add_column(string_null(Calls::RunBy))
                            .to_owned(),
                    )
                    .await?;
                let connection = manager.get_connection();
                for (name, check) in checks(ALLOWED) {
                    connection
                        .execute_unprepared(&format!(
                            "ALTER TABLE calls ADD CONSTRAINT {name} CHECK ({check})"
                        ))
                        .await?;
                }
                // The server's one-statement steps abort a half-done statement with this.
                connection
                    .execute_unprepared(
                        "CREATE FUNCTION callcard_abort(reason text) RETURNS integer \
                         LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '%', reason; END $$",
                    )
                    .await?;
                Ok(())
            }
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => {
                rebuild_sqlite(manager, Shape::Checked(ALLOWED), Shape::Before).await
            }
            _ => {
                let connection = manager.get_connection();
                connection
                    .execute_unprepared("DROP FUNCTION callcard_abort(text)")
                    .await?;
                for (name, _) in checks(ALLOWED) {
                    connection
                        .execute_unprepared(&format!("ALTER TABLE calls DROP CONSTRAINT {name}"))
                        .await?;
                }
                manager
                    .alter_table(
                        Table::alter()
                            .table(Calls::Table)
                            .drop_column(Calls::PickedUpAt)
                            .drop_column(Calls::RunBy)
                            .to_owned(),
                    )
                    .await
            }
        }
    }
}

/// The table before this step, or after it with what a step allows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Before,
    Checked(Allowed),
}

impl Shape {
    fn has_caller_pick_up(self) -> bool {
        matches!(self, Shape::Checked(allowed) if allowed.caller_pick_up)
    }
}

/// SQLite's way to change constraints: a new table of the wanted shape, the rows copied over,
/// the old table dropped and the new one renamed, then its indexes made again.
pub(crate) async fn rebuild_sqlite(
    manager: &SchemaManager<'_>,
    from: Shape,
    shape: Shape,
) -> Result<(), DbErr> {
    // The columns both shapes have: the new ones start empty, and going down drops them.
    let mut columns = vec![
        Calls::Id,
        Calls::AccountId,
        Calls::CardId,
        Calls::CardSlug,
        Calls::State,
        Calls::CallerNumber,
        Calls::CalleeNumber,
        Calls::Legs,
        Calls::Held,
        Calls::AuthorizedAt,
        Calls::AnsweredAt,
        Calls::EndedAt,
        Calls::BilledSecs,
        Calls::Cost,
        Calls::Outcome,
        Calls::HangupCause,
        Calls::MeteredAt,
    ];
    if from != Shape::Before && shape != Shape::Before {
        columns.extend([Calls::PickedUpAt, Calls::RunBy]);
    }
    if from.has_caller_pick_up() && shape.has_caller_pick_up() {
        columns.push(Calls::CallerPickedUpAt);
    }
    let mut table = Table::create();
    table
        .table(Calls::Rebuilt)
        .col(big_pk_auto(Calls::Id))
        .col(big_integer(Calls::AccountId))
        .col(big_integer_null(Calls::CardId))
        .col(string(Calls::CardSlug))
        .col(string(Calls::State))
        .col(string(Calls::CallerNumber))
        .col(string(Calls::CalleeNumber))
        .col(text(Calls::Legs))
        .col(big_integer(Calls::Held))
        .col(timestamp_with_time_zone(Calls::AuthorizedAt))
        .col(timestamp_with_time_zone_null(Calls::AnsweredAt))
        .col(timestamp_with_time_zone_null(Calls::EndedAt))
        .col(integer_null(Calls::BilledSecs))
        .col(big_integer_null(Calls::Cost))
        .col(string_null(Calls::Outcome))
        .col(string_null(Calls::HangupCause))
        .col(timestamp_with_time_zone_null(Calls::MeteredAt))
        .foreign_key(
            ForeignKey::create()
                .from(Calls::Rebuilt, Calls::AccountId)
                .to(Accounts::Table, Accounts::Id)
                .on_delete(ForeignKeyAction::Cascade),
        );
    if let Shape::Checked(allowed) = shape {
        table
            .col(timestamp_with_time_zone_null(Calls::PickedUpAt))
            .col(string_null(Calls::RunBy));
        if allowed.caller_pick_up {
            table.col(timestamp_with_time_zone_null(Calls::CallerPickedUpAt));
        }
        for (name, check) in checks(allowed) {
            table.check((Alias::new(name), Expr::cust(check)));
        }
    }
    manager.create_table(table.to_owned()).await?;
    manager
        .exec_stmt(
            Query::insert()
                .into_table(Calls::Rebuilt)
                .columns(columns.clone())
                .select_from(
                    Query::select()
                        .columns(columns)
                        .from(Calls::Table)
                        .to_owned(),
                )
                .map_err(|error| DbErr::Migration(error.to_string()))?
                .to_owned(),
        )
        .await?;
    manager
        .drop_table(Table::drop().table(Calls::Table).to_owned())
        .await?;
    manager
        .rename_table(
            Table::rename()
                .table(Calls::Rebuilt, Calls::Table)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_calls_account_time")
                .table(Calls::Table)
                .col(Calls::AccountId)
                .col(Calls::AuthorizedAt)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_calls_state_metered")
                .table(Calls::Table)
                .col(Calls::State)
                .col(Calls::MeteredAt)
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden, Clone, Copy, PartialEq, Eq)]
enum Calls {
    Table,
    /// The table being built, renamed to `calls` once filled.
    #[sea_orm(iden = "calls_rebuilt")]
    Rebuilt,
    Id,
    AccountId,
    CardId,
    CardSlug,
    State,
    CallerNumber,
    CalleeNumber,
    Legs,
    Held,
    AuthorizedAt,
    AnsweredAt,
    EndedAt,
    BilledSecs,
    Cost,
    Outcome,
    HangupCause,
    MeteredAt,
    PickedUpAt,
    RunBy,
    CallerPickedUpAt,
}
