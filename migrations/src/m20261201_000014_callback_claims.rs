//! One callback per number at a time, whichever process takes the request (issue 10): a number
//! being called back is claimed here, by its primary key, from the request until its call has
//! ended. Claims name the node that holds them, so a node that restarts drops its own; one left
//! by a node that never comes back is taken over once it is old (`claimed_at`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CallbackClaims::Table)
                    .col(string(CallbackClaims::Number).primary_key())
                    .col(string(CallbackClaims::Token))
                    .col(string(CallbackClaims::Node))
                    .col(timestamp_with_time_zone(CallbackClaims::ClaimedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CallbackClaims::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CallbackClaims {
    Table,
    /// E.164 of the number called back.
    Number,
    /// The live call's token: only its own end releases the claim.
    Token,
    Node,
    ClaimedAt,
}
