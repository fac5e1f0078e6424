//! Voucher codes (BRIEF R17): prepaid amounts an operator issues and an issuer redeems once.

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
                    .table(Vouchers::Table)
                    // Normalised: upper case, no dashes.
                    .col(string(Vouchers::Code).primary_key())
                    .col(big_integer(Vouchers::Amount))
                    .col(big_integer_null(Vouchers::CreatedBy))
                    .col(timestamp_with_time_zone(Vouchers::CreatedAt))
                    .col(timestamp_with_time_zone_null(Vouchers::ExpiresAt))
                    .col(big_integer_null(Vouchers::RedeemedBy))
                    .col(timestamp_with_time_zone_null(Vouchers::RedeemedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Vouchers::Table, Vouchers::RedeemedBy)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Vouchers::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Vouchers {
    Table,
    Code,
    Amount,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RedeemedBy,
    RedeemedAt,
}
