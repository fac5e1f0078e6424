//! The rate table in the database: read whole, replaced whole (an import is all or nothing).
//! Each replacement raises the table's version (`rate_table`, migration 25) in its own
//! transaction, so a [`RateCache`] keeps the table it read for as long as that one number
//! says it is still the table.

use std::sync::{Arc, Mutex};

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryOrder, Set,
    Statement, TransactionTrait,
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

/// What reading or raising the version says when migration 25's one row is gone: never taken
/// as "unchanged".
const NO_VERSION_ROW: &str = "the rate table's version row is missing";

/// The table's version: raised by every [`replace`].
pub async fn version(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM rate_table WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::Custom(NO_VERSION_ROW.into()))?;
    row.try_get("", "version")
}

/// Replaces every rate with `rates` in one transaction, which also raises the version.
pub async fn replace(db: &DatabaseConnection, rates: &[Rate]) -> Result<(), DbErr> {
    let transaction = db.begin().await?;
    let raised = transaction
        .execute_raw(Statement::from_string(
            db.get_database_backend(),
            "UPDATE rate_table SET version = version + 1 WHERE id = 1",
        ))
        .await?;
    if raised.rows_affected() != 1 {
        return Err(DbErr::Custom(NO_VERSION_ROW.into()));
    }
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

/// The table as this process last read it, with the version it was read at. A call then costs
/// one read of that number instead of every rate (issue 9: the authority read them all per
/// call). The version is read before the rates, so the table kept is never older than its
/// version says: a replacement in between only costs one more read.
#[derive(Default)]
pub struct RateCache {
    kept: Mutex<Option<(i64, Arc<RateTable>)>>,
}

impl RateCache {
    /// The current table: the kept one if the version has not moved, else read again.
    pub async fn table(&self, db: &DatabaseConnection) -> Result<Arc<RateTable>, DbErr> {
        let current = version(db).await?;
        if let Some((kept_at, table)) = self
            .kept
            .lock()
            .expect("rate cache lock is never poisoned")
            .as_ref()
            && *kept_at == current
        {
            return Ok(Arc::clone(table));
        }
        let table = Arc::new(load(db).await?);
        *self.kept.lock().expect("rate cache lock is never poisoned") =
            Some((current, Arc::clone(&table)));
        Ok(table)
    }
}
