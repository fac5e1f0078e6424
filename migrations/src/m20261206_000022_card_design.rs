//! Two parts of a card's design (issue 11, BRIEF R2): how its photo and logo sit in their
//! frames (the "crop/position", `app::model::ImageFrame`: the point kept in view, 0-100 %
//! across and down, and the zoom, 100-400 %), and its type (`app::model::CardFont`). Every
//! existing card gets the middle, unzoomed, and the template's type: how it looked before.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Cards {
    Table,
    Font,
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
        manager
            .alter_table(
                Table::alter()
                    .table(Cards::Table)
                    .add_column(string(Cards::Font).default("template").check(
                        Expr::col(Cards::Font).is_in(["template", "sans", "serif", "rounded"]),
                    ))
                    .to_owned(),
            )
            .await?;
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
        manager
            .alter_table(
                Table::alter()
                    .table(Cards::Table)
                    .drop_column(Cards::Font)
                    .to_owned(),
            )
            .await
    }
}
