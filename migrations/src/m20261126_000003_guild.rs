//! The Guild (BRIEF R13, R17): each account's prepaid balance and its ledger.
//!
//! `guilds.balance` is a running total kept in the same transaction as every ledger row, so it
//! always equals the sum of the account's `ledger_entries.amount`; `held` is money reserved by
//! calls in progress (the calling engine), `credit_limit` lets an operator allow postpaid use.

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
                    .table(Guilds::Table)
                    .col(big_integer(Guilds::AccountId).primary_key())
                    .col(big_integer(Guilds::Balance).default(0))
                    .col(big_integer(Guilds::Held).default(0))
                    .col(big_integer(Guilds::CreditLimit).default(0))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Guilds::Table, Guilds::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LedgerEntries::Table)
                    .col(big_pk_auto(LedgerEntries::Id))
                    .col(big_integer(LedgerEntries::AccountId))
                    .col(string(LedgerEntries::Kind))
                    .col(big_integer(LedgerEntries::Amount))
                    .col(big_integer(LedgerEntries::BalanceAfter))
                    // Voucher codes, payment event ids…: the same reference never counts twice.
                    .col(string_null(LedgerEntries::Reference))
                    .col(string(LedgerEntries::Note))
                    .col(big_integer_null(LedgerEntries::CreatedBy))
                    .col(timestamp_with_time_zone(LedgerEntries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LedgerEntries::Table, LedgerEntries::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ledger_account")
                    .table(LedgerEntries::Table)
                    .col(LedgerEntries::AccountId)
                    .col(LedgerEntries::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_ledger_kind_reference")
                    .table(LedgerEntries::Table)
                    .col(LedgerEntries::Kind)
                    .col(LedgerEntries::Reference)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Accounts made before this step get an empty Guild (balance 0 = the sum of no entries).
        let backfill = Query::insert()
            .into_table(Guilds::Table)
            .columns([Guilds::AccountId])
            .select_from(
                Query::select()
                    .column(Accounts::Id)
                    .from(Accounts::Table)
                    .to_owned(),
            )
            .map_err(|error| DbErr::Migration(error.to_string()))?
            .to_owned();
        manager.exec_stmt(backfill).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LedgerEntries::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Guilds::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Guilds {
    Table,
    AccountId,
    Balance,
    Held,
    CreditLimit,
}

#[derive(DeriveIden)]
enum LedgerEntries {
    Table,
    Id,
    AccountId,
    Kind,
    Amount,
    BalanceAfter,
    Reference,
    Note,
    CreatedBy,
    CreatedAt,
}
