//! A card's call settings (BRIEF R2): call count, per-call limit, availability hours, allowed
//! caller regions and the issuer's destinations. One row per card; existing cards get defaults.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CardCallSettings::Table)
                    .col(big_integer(CardCallSettings::CardId).primary_key())
                    .col(big_integer(CardCallSettings::CallQuota))
                    .col(integer(CardCallSettings::MaxCallSecs))
                    .col(string(CardCallSettings::TimeZone))
                    // Minutes after midnight, 0-1440.
                    .col(integer(CardCallSettings::AvailableFrom))
                    .col(integer(CardCallSettings::AvailableUntil))
                    // Bit 0 = Monday … bit 6 = Sunday.
                    .col(integer(CardCallSettings::AvailableDays))
                    // Comma-separated ISO 3166 codes.
                    .col(string(CardCallSettings::AllowedRegions))
                    .col(string(CardCallSettings::Landline))
                    .col(string(CardCallSettings::Mobile))
                    .col(boolean(CardCallSettings::InternetPhone))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CardCallSettings::Table, CardCallSettings::CardId)
                            .to(Cards::Table, Cards::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let backfill = Query::insert()
            .into_table(CardCallSettings::Table)
            .columns([
                CardCallSettings::CardId,
                CardCallSettings::CallQuota,
                CardCallSettings::MaxCallSecs,
                CardCallSettings::TimeZone,
                CardCallSettings::AvailableFrom,
                CardCallSettings::AvailableUntil,
                CardCallSettings::AvailableDays,
                CardCallSettings::AllowedRegions,
                CardCallSettings::Landline,
                CardCallSettings::Mobile,
                CardCallSettings::InternetPhone,
            ])
            .select_from(
                Query::select()
                    .column(Cards::Id)
                    .exprs([
                        Expr::val(100),
                        Expr::val(600),
                        Expr::val("Asia/Seoul"),
                        Expr::val(9 * 60),
                        Expr::val(18 * 60),
                        Expr::val(0b001_1111),
                        Expr::val("KR"),
                        Expr::val(""),
                        Expr::val(""),
                        Expr::val(true),
                    ])
                    .from(Cards::Table)
                    .to_owned(),
            )
            .map_err(|error| DbErr::Migration(error.to_string()))?
            .to_owned();
        manager.exec_stmt(backfill).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CardCallSettings::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Cards {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CardCallSettings {
    Table,
    CardId,
    CallQuota,
    MaxCallSecs,
    TimeZone,
    AvailableFrom,
    AvailableUntil,
    AvailableDays,
    AllowedRegions,
    Landline,
    Mobile,
    InternetPhone,
}
