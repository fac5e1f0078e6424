//! The language an issuer chose for their pages (issue 11: "picked from the account's choice,
//! else `Accept-Language`, with a switcher"). NULL until they choose; one of the four languages
//! the pages speak otherwise, checked by the database.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(
                        string_null(Accounts::UiLang)
                            .check(Expr::col(Accounts::UiLang).is_in(["ko", "en", "ja", "zh"])),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .drop_column(Accounts::UiLang)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    UiLang,
}
