//! The rate table's version (issue 9: the authority read every rate for every call). One row,
//! whose `version` every replacement of the rates raises in its own transaction, so a process
//! may keep the table it read and check it with this one number.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateTable::Table)
                    .col(integer(RateTable::Id).primary_key())
                    .col(big_integer(RateTable::Version))
                    .check(Expr::col(RateTable::Id).eq(1))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(RateTable::Table)
                    .columns([RateTable::Id, RateTable::Version])
                    .values_panic([1.into(), 0.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RateTable::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum RateTable {
    Table,
    /// Always 1: the table has one row.
    Id,
    Version,
}
