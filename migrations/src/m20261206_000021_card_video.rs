//! A card's short video (BRIEF R2, issue 11): the stored file, an optional poster frame, and
//! what its headers said (picture size for the page's layout, length for the designer). All
//! NULL for a card without one; a stored video has all three numbers (read back as an error
//! otherwise, never as a default).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let columns = [
            string_null(Cards::VideoFile),
            string_null(Cards::VideoPosterFile),
            integer_null(Cards::VideoWidth)
                .check(Expr::col(Cards::VideoWidth).gt(0))
                .to_owned(),
            integer_null(Cards::VideoHeight)
                .check(Expr::col(Cards::VideoHeight).gt(0))
                .to_owned(),
            big_integer_null(Cards::VideoDurationMs)
                .check(Expr::col(Cards::VideoDurationMs).gt(0))
                .to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cards::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Cards::VideoDurationMs,
            Cards::VideoHeight,
            Cards::VideoWidth,
            Cards::VideoPosterFile,
            Cards::VideoFile,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cards::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Cards {
    Table,
    VideoFile,
    VideoPosterFile,
    VideoWidth,
    VideoHeight,
    VideoDurationMs,
}
