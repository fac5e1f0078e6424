//! What the load examples share: a fresh, empty database on the chosen backend, and its removal.

use sea_orm::{ConnectionTrait, DatabaseConnection};

/// A database made for one load run; PostgreSQL ones are dropped by [`FreshDatabase::remove`].
pub struct FreshDatabase {
    pub url: String,
    postgres: Option<(DatabaseConnection, String)>,
    _dir: tempfile::TempDir,
}

impl FreshDatabase {
    /// `sqlite` (a file in a temporary directory) or `postgres` (a new database next to
    /// CALLCARD_TEST_POSTGRES_URL, by default postgres://postgres@127.0.0.1:5432/postgres).
    pub async fn create(backend: &str) -> anyhow::Result<FreshDatabase> {
        let dir = tempfile::tempdir()?;
        match backend {
            "sqlite" => Ok(FreshDatabase {
                url: format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("load.sqlite").display()
                ),
                postgres: None,
                _dir: dir,
            }),
            "postgres" => {
                let admin_url = std::env::var("CALLCARD_TEST_POSTGRES_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
                let admin = server::db::connect_url(&admin_url).await?;
                let name = format!("callcard_load_{}", uuid::Uuid::new_v4().simple());
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await?;
                let base = admin_url.rsplit_once('/').expect("URL has a database").0;
                Ok(FreshDatabase {
                    url: format!("{base}/{name}"),
                    postgres: Some((admin, name)),
                    _dir: dir,
                })
            }
            other => anyhow::bail!("backend must be sqlite or postgres, not {other}"),
        }
    }

    /// A scratch directory that lives as long as the database (each example compiles this
    /// module on its own, and not every one needs it).
    #[allow(dead_code)]
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub async fn remove(self) -> anyhow::Result<()> {
        if let Some((admin, name)) = self.postgres {
            admin
                .execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .await?;
        }
        Ok(())
    }
}

/// A two-worker tokio runtime named `name`: the load examples run the server and the load on
/// runtimes of their own, so one side's work does not queue behind the other's.
#[allow(dead_code)]
pub fn runtime(name: &str) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(name)
        .enable_all()
        .build()
}
