//! The rate table in the database: read whole, replaced whole (an import is all or nothing).

use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, QueryOrder, Set, TransactionTrait,
};

use super::rates::{LegClass, Rate, RateTable};

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rates")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub class: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub prefix: String,
        pub per_minute: i64,
        pub initial_increment: i32,
        pub subsequent_increment: i32,
        pub connect_fee: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub async fn load(db: &DatabaseConnection) -> Result<RateTable, DbErr> {
    let rows = entity::Entity::find()
        .order_by_asc(entity::Column::Class)
        .order_by_asc(entity::Column::Prefix)
        .all(db)
        .await?;
    let rates = rows.into_iter().map(rate_of).collect::<Result<_, _>>()?;
    Ok(RateTable::new(rates))
}

/// A stored row as a rate. One that cannot be read stops the table loudly (an error and a log
/// line) instead of dropping out of it, where it would only show as calls refused `no_rate`.
fn rate_of(row: entity::Model) -> Result<Rate, DbErr> {
    let unreadable = |what: &str| {
        tracing::error!(class = %row.class, prefix = %row.prefix, what, "a stored rate is unreadable");
        DbErr::Custom(format!(
            "the stored rate ({}, {}) {what}",
            row.class, row.prefix
        ))
    };
    let class = LegClass::from_code(&row.class).ok_or_else(|| unreadable("has no such class"))?;
    let increment = |secs: i32| u32::try_from(secs).ok().filter(|secs| *secs > 0);
    let (Some(initial), Some(subsequent)) = (
        increment(row.initial_increment),
        increment(row.subsequent_increment),
    ) else {
        return Err(unreadable(
            "has an increment that is not a positive number of seconds",
        ));
    };
    Ok(Rate {
        class,
        prefix: row.prefix,
        per_minute: row.per_minute,
        initial_increment_secs: initial,
        subsequent_increment_secs: subsequent,
        connect_fee: row.connect_fee,
    })
}

/// Replaces every rate with `rates` in one transaction.
pub async fn replace(db: &DatabaseConnection, rates: &[Rate]) -> Result<(), DbErr> {
    let transaction = db.begin().await?;
    entity::Entity::delete_many().exec(&transaction).await?;
    for rate in rates {
        entity::ActiveModel {
            class: Set(rate.class.code().to_string()),
            prefix: Set(rate.prefix.clone()),
            per_minute: Set(rate.per_minute),
            initial_increment: Set(rate.initial_increment_secs as i32),
            subsequent_increment: Set(rate.subsequent_increment_secs as i32),
            connect_fee: Set(rate.connect_fee),
        }
        .insert(&transaction)
        .await?;
    }
    transaction.commit().await
}
