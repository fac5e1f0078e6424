//! Cards (BRIEF R2): one row per card, its text per language, and its extra links.

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
                    .table(Cards::Table)
                    .col(big_pk_auto(Cards::Id))
                    .col(big_integer(Cards::AccountId))
                    .col(string_uniq(Cards::Slug))
                    .col(boolean(Cards::Published))
                    .col(string(Cards::DefaultLang))
                    .col(string(Cards::Template))
                    .col(string(Cards::PrimaryColor))
                    .col(string(Cards::AccentColor))
                    .col(string(Cards::OfficePhone))
                    .col(string(Cards::Mobile))
                    .col(string(Cards::Fax))
                    .col(string(Cards::Email))
                    .col(string(Cards::Homepage))
                    .col(string_null(Cards::PhotoFile))
                    .col(string_null(Cards::LogoFile))
                    .col(timestamp_with_time_zone(Cards::CreatedAt))
                    .col(timestamp_with_time_zone(Cards::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cards::Table, Cards::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cards_account")
                    .table(Cards::Table)
                    .col(Cards::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CardContents::Table)
                    .col(big_integer(CardContents::CardId))
                    .col(string(CardContents::Lang))
                    .col(string(CardContents::Name))
                    .col(string(CardContents::Title))
                    .col(string(CardContents::Company))
                    .col(string(CardContents::Department))
                    .col(string(CardContents::Address))
                    .col(text(CardContents::Note))
                    .primary_key(
                        Index::create()
                            .col(CardContents::CardId)
                            .col(CardContents::Lang),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CardContents::Table, CardContents::CardId)
                            .to(Cards::Table, Cards::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CardLinks::Table)
                    .col(big_integer(CardLinks::CardId))
                    .col(integer(CardLinks::Position))
                    .col(string(CardLinks::Label))
                    .col(string(CardLinks::Url))
                    .primary_key(
                        Index::create()
                            .col(CardLinks::CardId)
                            .col(CardLinks::Position),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CardLinks::Table, CardLinks::CardId)
                            .to(Cards::Table, Cards::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CardLinks::Table.into_iden(),
            CardContents::Table.into_iden(),
            Cards::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Cards {
    Table,
    Id,
    AccountId,
    Slug,
    Published,
    DefaultLang,
    Template,
    PrimaryColor,
    AccentColor,
    OfficePhone,
    Mobile,
    Fax,
    Email,
    Homepage,
    PhotoFile,
    LogoFile,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CardContents {
    Table,
    CardId,
    Lang,
    Name,
    Title,
    Company,
    Department,
    Address,
    Note,
}

#[derive(DeriveIden)]
enum CardLinks {
    Table,
    CardId,
    Position,
    Label,
    Url,
}
