//! The database: the embedded SQLite file by default, PostgreSQL when `DATABASE_URL` says so.
//! The schema comes only from the `migrations` crate, applied at start.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};
use secrecy::ExposeSecret;

use crate::config::Settings;

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Connect(#[source] DbErr),
    #[error("cannot apply the database migrations: {0}")]
    Migrate(#[source] DbErr),
}

/// The URL of the embedded default: a SQLite file inside the data directory, created if missing.
pub fn embedded_url(settings: &Settings) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        settings.data_dir.join("callcard.sqlite").display()
    )
}

/// Opens the configured database (creating the data directory on first run), without migrating.
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbSetupError> {
    std::fs::create_dir_all(&settings.data_dir).map_err(|source| DbSetupError::DataDir {
        path: settings.data_dir.clone(),
        source,
    })?;
    let url = match &settings.database_url {
        Some(url) => url.expose_secret().to_string(),
        None => embedded_url(settings),
    };
    connect_url(&url).await
}

pub async fn connect_url(url: &str) -> Result<DatabaseConnection, DbSetupError> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    let db = Database::connect(options)
        .await
        .map_err(DbSetupError::Connect)?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets page reads go on while a write commits; it is a property of the file, so
        // setting it once per connection pool is enough.
        db.execute_unprepared("PRAGMA journal_mode=WAL")
            .await
            .map_err(DbSetupError::Connect)?;
    }
    Ok(db)
}

/// Opens the database and brings its schema up to date.
pub async fn connect_and_migrate(settings: &Settings) -> Result<DatabaseConnection, DbSetupError> {
    let db = connect(settings).await?;
    Migrator::up(&db, None)
        .await
        .map_err(DbSetupError::Migrate)?;
    Ok(db)
}

/// True when the error is a unique-constraint violation (a taken e-mail or slug), on either backend.
pub fn is_unique_violation(error: &DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
