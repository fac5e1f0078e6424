//! A callback's caller picks up their own phone (issue 10): `calls.caller_picked_up_at`, from
//! which their leg is billed, as the issuer's is from `picked_up_at`. Empty for every call
//! before it (browser callers, billed from the answer).
//!
//! A later step that rebuilds `calls` on SQLite with step 9's helper must carry this column.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Calls::Table)
                    .add_column(timestamp_with_time_zone_null(Calls::CallerPickedUpAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Calls::Table)
                    .drop_column(Calls::CallerPickedUpAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Calls {
    Table,
    CallerPickedUpAt,
}
