//! Telling every server process that a card changed, so its kept pages go at once (BRIEF R5,
//! issue 12) and a view needs no query (`page_cache.rs`).
//!
//! A change [`announce`]s its card inside its own transaction: on PostgreSQL a `NOTIFY`, which
//! the database delivers at commit (never for a rolled-back change), to every process listening,
//! this one included. Each process [`watch`]es: it trusts its page cache only while its listener
//! is connected, and starts from an empty cache each time it connects, since notifications sent
//! while it was away are lost. SQLite has one writer process, the server itself, which forgets a
//! card after each commit ([`CardService`](super::service::CardService)); its cache is trusted
//! from the start.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};

use super::page_cache::PageCache;

/// The PostgreSQL channel; the payload is the slug of the card that changed.
pub const CHANNEL: &str = "callcard_card_changed";

/// How long a lost listener waits before connecting again.
const RETRY: Duration = Duration::from_secs(1);

/// Announces, inside the change's transaction, that the card at `slug` changed.
pub async fn announce(db: &impl ConnectionTrait, slug: &str) -> Result<(), DbErr> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), slug.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Keeps `cache` told of every card's changes for as long as the process runs.
pub fn watch(db: &DatabaseConnection, cache: Arc<PageCache>) {
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool().clone();
            tokio::spawn(listen(pool, cache));
        }
        // One process writes the file and forgets what it changes.
        _ => cache.trust(),
    }
}

async fn listen(pool: sea_orm::sqlx::PgPool, cache: Arc<PageCache>) {
    loop {
        match subscribe(&pool).await {
            Ok(mut listener) => {
                cache.trust();
                loop {
                    match listener.try_recv().await {
                        Ok(Some(notification)) => cache.forget(notification.payload()),
                        // The connection was lost: whatever was announced meanwhile is gone.
                        Ok(None) => {
                            tracing::warn!(
                                "lost the card-change listener; pages are checked per view until it is back"
                            );
                            break;
                        }
                        Err(error) => {
                            tracing::warn!(%error, "the card-change listener failed; pages are checked per view until it is back");
                            break;
                        }
                    }
                }
                cache.distrust();
            }
            Err(error) => {
                cache.distrust();
                tracing::warn!(%error, "cannot listen for card changes; pages are checked per view");
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}

async fn subscribe(pool: &sea_orm::sqlx::PgPool) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
