//! A card's former addresses (issue 11): when an issuer changes a card's slug, the old one is
//! kept here, pointing at the card, so printed QR codes and shared links still lead to it (a
//! permanent redirect). A former slug stays the card's: no other card may take it. It goes with
//! its card (ON DELETE CASCADE), as the card's own slug does.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CardFormerSlugs::Table)
                    .col(string(CardFormerSlugs::Slug).primary_key())
                    .col(big_integer(CardFormerSlugs::CardId))
                    .col(timestamp_with_time_zone(CardFormerSlugs::RetiredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CardFormerSlugs::Table, CardFormerSlugs::CardId)
                            .to(Cards::Table, Cards::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("card_former_slugs_card")
                    .table(CardFormerSlugs::Table)
                    .col(CardFormerSlugs::CardId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CardFormerSlugs::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CardFormerSlugs {
    Table,
    Slug,
    CardId,
    RetiredAt,
}

#[derive(DeriveIden)]
enum Cards {
    Table,
    Id,
}
