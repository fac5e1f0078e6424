//! A card's page views per hour (issue 11, BRIEF R13: usage per card). A card page is served
//! from memory without a row read (issue 12), so views are counted in memory and added here in
//! batches (`cards::views`); several processes add their own counts to the same rows. The hour
//! is whole hours since the Unix epoch, in UTC: one integer that sorts and compares the same on
//! SQLite and PostgreSQL, and any zone's days are made of it. The rows go with their card.
//!
//! Also an index for the usage charts' reading of a card's calls by time.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CardViews::Table)
                    .col(big_integer(CardViews::CardId))
                    .col(big_integer(CardViews::Hour).check(Expr::col(CardViews::Hour).gte(0)))
                    .col(big_integer(CardViews::Views).check(Expr::col(CardViews::Views).gte(0)))
                    .primary_key(Index::create().col(CardViews::CardId).col(CardViews::Hour))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CardViews::Table, CardViews::CardId)
                            .to(Cards::Table, Cards::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_calls_card_time")
                    .table(Calls::Table)
                    .col(Calls::CardId)
                    .col(Calls::AuthorizedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_calls_card_time")
                    .table(Calls::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(CardViews::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CardViews {
    Table,
    CardId,
    Hour,
    Views,
}

#[derive(DeriveIden)]
enum Cards {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Calls {
    Table,
    CardId,
    AuthorizedAt,
}
