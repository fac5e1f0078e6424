//! Verified destinations (issue 8, toll fraud): a card may ring a phone number only once its
//! issuer has proved the number is theirs, by typing back a code during a verification call.
//! One row per verification call; a number is verified for an account when one of its rows
//! is `verified`. Numbers already set on cards when this step runs are kept working: they get
//! a `verified` row with the method `existing` and no call time.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_accounts::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The states a row can be in: the three of a running call, then how it ended.
const STATES: &str = "'calling', 'ringing', 'waiting_for_code', 'verified', 'wrong_code', \
                      'no_code', 'hung_up', 'no_answer', 'busy', 'declined', 'failed'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(NumberVerifications::Table)
                    .col(big_pk_auto(NumberVerifications::Id))
                    .col(big_integer(NumberVerifications::AccountId))
                    // E.164, without an extension.
                    .col(string(NumberVerifications::Number))
                    // `call` (a verification call), `existing` (set before verification
                    // existed), `operator` (the operator's seed or CLI).
                    .col(string(NumberVerifications::Method))
                    .col(string(NumberVerifications::State))
                    // Shown to the issuer while the call runs; cleared when it ends.
                    .col(string_null(NumberVerifications::Code))
                    .col(timestamp_with_time_zone_null(NumberVerifications::CalledAt))
                    .col(timestamp_with_time_zone_null(NumberVerifications::EndedAt))
                    .check((
                        Alias::new("number_verifications_state"),
                        Expr::cust(format!("state IN ({STATES})")),
                    ))
                    .check((
                        Alias::new("number_verifications_method"),
                        Expr::cust("method IN ('call', 'existing', 'operator')"),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(NumberVerifications::Table, NumberVerifications::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_number_verifications_account_number")
                    .table(NumberVerifications::Table)
                    .col(NumberVerifications::AccountId)
                    .col(NumberVerifications::Number)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_number_verifications_number_time")
                    .table(NumberVerifications::Table)
                    .col(NumberVerifications::Number)
                    .col(NumberVerifications::CalledAt)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // One running verification call per account, whatever the concurrency.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_number_verifications_running ON number_verifications \
             (account_id) WHERE state IN ('calling', 'ringing', 'waiting_for_code')",
        )
        .await?;
        let without_extension = |column: &str| match db.get_database_backend() {
            DbBackend::Postgres => format!("split_part(s.{column}, ';', 1)"),
            _ => format!(
                "CASE WHEN instr(s.{column}, ';') > 0 \
                 THEN substr(s.{column}, 1, instr(s.{column}, ';') - 1) ELSE s.{column} END"
            ),
        };
        for column in ["landline", "mobile"] {
            let number = without_extension(column);
            db.execute_unprepared(&format!(
                "INSERT INTO number_verifications (account_id, number, method, state) \
                 SELECT DISTINCT c.account_id, {number}, 'existing', 'verified' \
                 FROM card_call_settings s JOIN cards c ON c.id = s.card_id \
                 WHERE s.{column} <> ''"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(NumberVerifications::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum NumberVerifications {
    Table,
    Id,
    AccountId,
    Number,
    Method,
    State,
    Code,
    CalledAt,
    EndedAt,
}
