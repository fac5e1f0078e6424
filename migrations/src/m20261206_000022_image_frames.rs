//! How a card's photo and logo sit in their frames (issue 11's "crop/position",
//! `app::model::ImageFrame`): the point kept in view (0-100 % across and down) and the zoom
//! (100-400 %). Every existing card gets the middle, unzoomed, which is how it looked before.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Cards {
    Table,
    PhotoFrameX,
    PhotoFrameY,
    PhotoFrameZoom,
    LogoFrameX,
    LogoFrameY,
    LogoFrameZoom,
}

/// Each column, its default and its range.
const COLUMNS: [(Cards, i32, i32, i32); 6] = [
    (Cards::PhotoFrameX, 50, 0, 100),
    (Cards::PhotoFrameY, 50, 0, 100),
    (Cards::PhotoFrameZoom, 100, 100, 400),
    (Cards::LogoFrameX, 50, 0, 100),
    (Cards::LogoFrameY, 50, 0, 100),
    (Cards::LogoFrameZoom, 100, 100, 400),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for (column, default, min, max) in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cards::Table)
                        .add_column(
                            integer(column)
                                .default(default)
                                .check(Expr::col(column).between(min, max)),
                        )
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (column, ..) in COLUMNS.into_iter().rev() {
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
