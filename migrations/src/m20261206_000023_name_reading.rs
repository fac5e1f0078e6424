//! How a card's name is read, per language (issue 11, BRIEF R2): kana for a kanji name,
//! pinyin for a Chinese one. Empty for every existing card, as for any field left empty.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CardContents::Table)
                    .add_column(string(CardContents::Reading).default(""))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CardContents::Table)
                    .drop_column(CardContents::Reading)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum CardContents {
    Table,
    Reading,
}
