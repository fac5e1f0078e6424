//! The migrations apply, roll back completely and apply again, on both databases.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

use crate::both_backends;
use crate::helpers::{Backend, fresh_database};

both_backends!(migrations_go_up_down_and_up_again);

async fn migrations_go_up_down_and_up_again(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(backend, dir.path()).await;
    let db = server::db::connect_url(&url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    assert!(table_exists(&db, backend, "cards").await);
    Migrator::down(&db, None).await.unwrap();
    assert!(!table_exists(&db, backend, "cards").await);
    assert!(!table_exists(&db, backend, "accounts").await);
    Migrator::up(&db, None).await.unwrap();
    assert!(table_exists(&db, backend, "card_contents").await);
    let pending = Migrator::get_pending_migrations(&db).await.unwrap();
    assert!(pending.is_empty());
}

async fn table_exists(db: &sea_orm::DatabaseConnection, backend: Backend, table: &str) -> bool {
    let sql = match backend {
        Backend::Sqlite => {
            format!("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{table}'")
        }
        Backend::Postgres => format!(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = '{table}'"
        ),
    };
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .is_some()
}
