//! Calls (BRIEF R8, R11, R12): every attempt, from its reservation to its settlement, and every
//! refusal. A row is the reservation while `state = 'reserved'` and the call record after.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_accounts::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Calls::Table)
                    .col(big_pk_auto(Calls::Id))
                    .col(big_integer(Calls::AccountId))
                    // Kept when the card is deleted: records outlive cards.
                    .col(big_integer_null(Calls::CardId))
                    .col(string(Calls::CardSlug))
                    // reserved → settled; or refused at once.
                    .col(string(Calls::State))
                    .col(string(Calls::CallerNumber))
                    .col(string(Calls::CalleeNumber))
                    // The rated legs as authorized (JSON), so settlement prices what was granted.
                    .col(text(Calls::Legs))
                    .col(big_integer(Calls::Held))
                    .col(timestamp_with_time_zone(Calls::AuthorizedAt))
                    .col(timestamp_with_time_zone_null(Calls::AnsweredAt))
                    .col(timestamp_with_time_zone_null(Calls::EndedAt))
                    .col(integer_null(Calls::BilledSecs))
                    .col(big_integer_null(Calls::Cost))
                    .col(string_null(Calls::Outcome))
                    .col(string_null(Calls::HangupCause))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Calls::Table, Calls::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
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
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Calls::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Calls {
    Table,
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
}
