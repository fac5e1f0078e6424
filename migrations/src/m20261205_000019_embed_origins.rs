//! The sites that may embed a card (issue 12, BRIEF R6): one row per allowed web origin, checked
//! by `cards::embed::origin` before it is stored. No rows = the card is framed by callcard alone.
//! The rows go with their card (ON DELETE CASCADE). The CHECK is the database's own last word on
//! what an origin looks like, so no hand-written row can smuggle a `;` into a header.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CardEmbedOrigins::Table)
                    .col(big_integer(CardEmbedOrigins::CardId))
                    .col(
                        string(CardEmbedOrigins::Origin).check(
                            Expr::col(CardEmbedOrigins::Origin)
                                .like("http%://%")
                                .and(Expr::cust("length(origin) <= 300"))
                                .and(Expr::col(CardEmbedOrigins::Origin).not_like("%;%"))
                                .and(Expr::col(CardEmbedOrigins::Origin).not_like("% %")),
                        ),
                    )
                    .col(integer(CardEmbedOrigins::Position))
                    .primary_key(
                        Index::create()
                            .col(CardEmbedOrigins::CardId)
                            .col(CardEmbedOrigins::Origin),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CardEmbedOrigins::Table, CardEmbedOrigins::CardId)
                            .to(Cards::Table, Cards::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CardEmbedOrigins::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CardEmbedOrigins {
    Table,
    CardId,
    Origin,
    Position,
}

#[derive(DeriveIden)]
enum Cards {
    Table,
    Id,
}
