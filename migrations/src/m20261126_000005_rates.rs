//! The rate table (BRIEF R11): a price per leg class and number prefix.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Rates::Table)
                    .col(string(Rates::Class))
                    // E.164 digits without `+`; empty for "every number of the class".
                    .col(string(Rates::Prefix))
                    .col(big_integer(Rates::PerMinute))
                    .col(integer(Rates::InitialIncrement))
                    .col(integer(Rates::SubsequentIncrement))
                    .col(big_integer(Rates::ConnectFee))
                    .primary_key(Index::create().col(Rates::Class).col(Rates::Prefix))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Rates::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Rates {
    Table,
    Class,
    Prefix,
    PerMinute,
    InitialIncrement,
    SubsequentIncrement,
    ConnectFee,
}
