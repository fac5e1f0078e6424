//! The last metering point of a running call (BRIEF R11): when a live process last vouched for
//! it (reserve, answer, extend). The stale-reservation sweeper settles calls whose point is older
//! than a TTL, billing them up to that point and no further.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Calls::Table)
                    .add_column(timestamp_with_time_zone_null(Calls::MeteredAt))
                    .to_owned(),
            )
            .await?;
        // Rows reserved before this step count as metered when they were authorized.
        manager
            .exec_stmt(
                Query::update()
                    .table(Calls::Table)
                    .value(Calls::MeteredAt, Expr::col(Calls::AuthorizedAt))
                    .and_where(Expr::col(Calls::State).eq("reserved"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_calls_state_metered")
                    .table(Calls::Table)
                    .col(Calls::State)
                    .col(Calls::MeteredAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_calls_state_metered")
                    .table(Calls::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Calls::Table)
                    .drop_column(Calls::MeteredAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Calls {
    Table,
    State,
    AuthorizedAt,
    MeteredAt,
}
