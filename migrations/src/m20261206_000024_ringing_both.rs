//! Ringing the issuer's phone and page at once (issue 11): where the issuer accepted, so a
//! call is billed on that leg's rate even if its process dies, and when a phone that picked up
//! was let go because the page took the call (that phone leg is billed to then).

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
                    .add_column(
                        string_null(Calls::AnsweredOn)
                            .check(Expr::col(Calls::AnsweredOn).is_in(["phone", "browser"])),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Calls::Table)
                    .add_column(timestamp_with_time_zone_null(Calls::PhoneDroppedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Calls::AnsweredOn, Calls::PhoneDroppedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Calls::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Calls {
    Table,
    AnsweredOn,
    PhoneDroppedAt,
}
