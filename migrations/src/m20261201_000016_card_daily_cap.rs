//! An optional daily spend cap per card (issue 10: the callback door's guards), beside the
//! Guild's (step 15). Kept on the card's call-settings row, which `reserve` locks anyway for
//! the call count:
//! - `daily_cap`: the most the card's calls may spend in one day (NULL: no cap of its own);
//! - `day_spent`, `day_started_at`: what the card's calls held since `day_started_at`
//!   (midnight in the card's own time zone, the zone of its hours), less what their
//!   settlements gave back; a hold on a later day starts the count again.
//!
//! A call stopped by either cap has the same refusal and cause (`daily_cap_reached`,
//! `daily_cap`), so the calls' constraints are unchanged.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            big_integer_null(CardCallSettings::DailyCap),
            big_integer(CardCallSettings::DaySpent)
                .default(0)
                .to_owned(),
            timestamp_with_time_zone_null(CardCallSettings::DayStartedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CardCallSettings::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            CardCallSettings::DailyCap,
            CardCallSettings::DaySpent,
            CardCallSettings::DayStartedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CardCallSettings::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum CardCallSettings {
    Table,
    DailyCap,
    DaySpent,
    DayStartedAt,
}
