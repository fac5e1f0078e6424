//! Counting card page views (issue 11, BRIEF R13) without a write per view: a card page is
//! served from memory (issue 12), so each view adds one to a counter here, and the counts are
//! added to `card_views` in one transaction every [`FLUSH_EVERY`], before the usage page reads
//! them, and when the server stops. Several processes add their own counts to the same rows.
//!
//! The counters are keyed by card and hour: bounded by the cards that exist, whatever a
//! stranger sends. A process killed outright loses at most the views of its last interval.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement, TransactionTrait,
};

/// How often a process adds its counts to the database.
pub const FLUSH_EVERY: Duration = Duration::from_secs(30);

/// Whole hours since the Unix epoch: the `hour` column's unit.
pub fn hour_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(3600)
}

pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One card's views in one hour (`hour`: whole hours since the Unix epoch, UTC).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "card_views")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub card_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub hour: i64,
        pub views: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Views seen by this process and not yet added to the database.
#[derive(Default)]
pub struct ViewCounter {
    pending: Mutex<HashMap<(i64, i64), i64>>,
}

impl ViewCounter {
    /// One view of the card `card_id` at `at`.
    pub fn count(&self, card_id: i64, at: DateTime<Utc>) {
        let mut pending = self.pending.lock().expect("view counter lock");
        *pending.entry((card_id, hour_of(at))).or_default() += 1;
    }

    /// Adds every pending count to `card_views`. On failure the counts are kept for the next
    /// flush, added to whatever was counted meanwhile: nothing is lost or counted twice.
    pub async fn flush(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        let taken = std::mem::take(&mut *self.pending.lock().expect("view counter lock"));
        if taken.is_empty() {
            return Ok(());
        }
        match add_counts(db, &taken).await {
            Ok(()) => Ok(()),
            Err(error) => {
                let mut pending = self.pending.lock().expect("view counter lock");
                for (key, views) in taken {
                    *pending.entry(key).or_default() += views;
                }
                Err(error)
            }
        }
    }

    /// Flushes every [`FLUSH_EVERY`] for as long as the process runs.
    pub async fn keep_flushing(&self, db: DatabaseConnection) {
        let mut ticks = tokio::time::interval(FLUSH_EVERY);
        loop {
            ticks.tick().await;
            if let Err(error) = self.flush(&db).await {
                tracing::warn!(%error, "could not store card views; kept for the next try");
            }
        }
    }
}

/// Placeholders in the order they appear, so SQLite's `?` takes the same values.
const UPSERT: &str = "INSERT INTO card_views (card_id, hour, views) \
    SELECT id, $1, $2 FROM cards WHERE id = $3 \
    ON CONFLICT (card_id, hour) DO UPDATE SET views = card_views.views + excluded.views";

/// One upsert per card and hour, in one transaction. A card deleted since its views were
/// counted has no row to join, so its views go with it (its other rows went by cascade).
async fn add_counts(
    db: &DatabaseConnection,
    counts: &HashMap<(i64, i64), i64>,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => UPSERT.to_string(),
        _ => UPSERT
            .replace("$1", "?")
            .replace("$2", "?")
            .replace("$3", "?"),
    };
    let transaction = db.begin().await?;
    for (&(card_id, hour), &views) in counts {
        transaction
            .execute_raw(Statement::from_sql_and_values(
                backend,
                &sql,
                [hour.into(), views.into(), card_id.into()],
            ))
            .await?;
    }
    transaction.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_whole_utc_hours_since_the_epoch() {
        let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(hour_of(at("1970-01-01T00:59:59Z")), 0);
        assert_eq!(hour_of(at("1970-01-01T01:00:00Z")), 1);
        assert_eq!(
            hour_of(at("2026-12-06T09:30:00+09:00")),
            hour_of(at("2026-12-06T00:00:00Z"))
        );
    }

    #[test]
    fn views_are_counted_per_card_and_hour() {
        let counter = ViewCounter::default();
        let at = "2026-12-06T10:15:00Z".parse::<DateTime<Utc>>().unwrap();
        counter.count(7, at);
        counter.count(7, at + chrono::Duration::minutes(50));
        counter.count(8, at);
        let pending = counter.pending.lock().unwrap();
        assert_eq!(pending[&(7, hour_of(at))], 1);
        assert_eq!(pending[&(7, hour_of(at) + 1)], 1);
        assert_eq!(pending[&(8, hour_of(at))], 1);
    }
}
