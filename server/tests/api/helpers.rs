//! Spawns the app for a test and gives it an HTTP client with its own cookie jar.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use server::config::Settings;
use server::startup::{self, AppState};

use crate::mail_sink::MailSink;

/// The password every test account signs up with.
pub const PASSWORD: &str = "a long enough password";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Writes `name::sqlite` and `name::postgres` tests for `async fn name(backend: Backend)`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    )*};
}

pub struct TestApp {
    pub address: String,
    pub db: DatabaseConnection,
    pub state: AppState,
    /// Kept so the directory (SQLite file, images) lives as long as the app.
    _data_dir: tempfile::TempDir,
    pub client: reqwest::Client,
    /// Where the server's mail goes (its `smtp_url`).
    pub mail: MailSink,
}

/// Where the tests find PostgreSQL; every test gets a database of its own inside it.
pub fn postgres_admin_url() -> String {
    std::env::var("CALLCARD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh, empty database URL for one test.
pub async fn fresh_database(backend: Backend, data_dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("test.sqlite").display()
        ),
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let admin = server::db::connect_url(&admin_url).await.unwrap_or_else(|error| {
                panic!("PostgreSQL must run at {admin_url} for these tests (scripts/test.sh starts it): {error}")
            });
            let name = format!("callcard_test_{}", uuid::Uuid::new_v4().simple());
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create the test database");
            let base = admin_url.rsplit_once('/').expect("URL has a database").0;
            format!("{base}/{name}")
        }
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        // `CALLCARD_TEST_LOG=server=debug cargo test … -- --nocapture` shows the server's log.
        if let Ok(filter) = std::env::var("CALLCARD_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
        let data_dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database(backend, data_dir.path()).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let mail = MailSink::start().await;
        let mut settings = Settings::from_env_map(|key| match key {
            "CALLCARD_SMTP_URL" => Some(mail.url.clone()),
            "CALLCARD_PUBLIC_URL" => Some(address.clone()),
            "CALLCARD_DATA_DIR" => Some(data_dir.path().display().to_string()),
            "DATABASE_URL" => Some(database_url.clone()),
            "CALLCARD_SEED_DEMO" => Some("false".into()),
            _ => None,
        })
        .expect("test settings are valid");
        adjust(&mut settings);
        let db = server::db::connect_and_migrate(&settings)
            .await
            .expect("migrated database");
        let mut state = AppState::new(db.clone(), settings);
        state.watch_card_changes();
        state
            .start_calling()
            .await
            .expect("the media bridge starts");
        tokio::spawn(startup::serve(
            listener,
            state.clone(),
            std::future::pending(),
        ));
        TestApp {
            address,
            db,
            state,
            _data_dir: data_dir,
            client: client(),
            mail,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A second server process on the same database, as an installation that outgrew one
    /// machine runs them: its own connections, page cache and card-change listener. Returns its
    /// base URL and state.
    pub async fn another_process(&self) -> (String, AppState) {
        let settings = (*self.state.settings).clone();
        let db = server::db::connect_and_migrate(&settings)
            .await
            .expect("the same database");
        let state = AppState::new(db, settings);
        state.watch_card_changes();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(startup::serve(
            listener,
            state.clone(),
            std::future::pending(),
        ));
        (address, state)
    }

    /// A second browser: its own cookies.
    pub fn new_client(&self) -> reqwest::Client {
        client()
    }

    /// Chooses the language `client`'s pages speak, with the switcher (`POST /language`).
    pub async fn choose_language(&self, client: &reqwest::Client, lang: &str) {
        let switched = client
            .post(self.url("/language"))
            .form(&[("lang", lang)])
            .send()
            .await
            .unwrap();
        assert_eq!(switched.status(), 303, "the switch to {lang}");
    }

    /// Signs `email` up, confirms it with the link mailed to it and signs `client` in, as a
    /// new issuer does (issue 8); returns the account.
    pub async fn sign_up(&self, client: &reqwest::Client, email: &str) -> serde_json::Value {
        let token = self.sign_up_unconfirmed(email, PASSWORD).await;
        let response = self.confirm(client, &token, PASSWORD).await;
        assert_eq!(response.status(), 200, "confirmation of {email} failed");
        response.json().await.unwrap()
    }

    /// Posts a sign-up of `email` and returns the token of the link mailed to it.
    pub async fn sign_up_unconfirmed(&self, email: &str, password: &str) -> String {
        let seen = self.mail.to(email).len();
        let response = self.post_sign_up(&self.new_client(), email, password).await;
        let status = response.status();
        assert_eq!(
            status,
            202,
            "sign-up of {email}: {}",
            response.text().await.unwrap()
        );
        self.mail.next_to(email, seen).await.confirmation_token()
    }

    pub async fn post_sign_up(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        client
            .post(self.url("/api/auth/signup"))
            .json(&serde_json::json!({
                "email": email, "display_name": "Test Issuer", "password": password
            }))
            .send()
            .await
            .unwrap()
    }

    pub async fn confirm(
        &self,
        client: &reqwest::Client,
        token: &str,
        password: &str,
    ) -> reqwest::Response {
        client
            .post(self.url("/api/auth/confirm"))
            .json(&serde_json::json!({ "token": token, "password": password }))
            .send()
            .await
            .unwrap()
    }

    /// Marks `number` (E.164) verified for `account` (as `sign_up` returned it) without a
    /// verification call, for tests of other features; `verification.rs` tests the calls.
    pub async fn verify_number(&self, account: &serde_json::Value, number: &str) {
        let account_id = account["id"].as_i64().expect("the account's id");
        server::verification::store::mark_verified(&self.db, account_id, number)
            .await
            .expect("mark the number verified");
    }

    /// A signed-in operator (op@example.com): a client with its own cookies.
    pub async fn operator(&self) -> reqwest::Client {
        let operator = self.new_client();
        self.sign_up(&operator, "op@example.com").await;
        server::auth::service::make_operator(&self.db, "op@example.com")
            .await
            .unwrap();
        operator
    }

    /// The money invariant `callcard check` verifies (issue 9): every Guild's balance is the
    /// sum of its entries and its held money the sum of its running calls' holds.
    pub async fn assert_money_exact(&self) {
        let drifts = server::check::money(&self.db).await.unwrap();
        assert!(
            drifts.is_empty(),
            "money drifted: {}",
            drifts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        );
    }

    /// GET `url` as `client` and read the JSON body.
    pub async fn get_json(&self, client: &reqwest::Client, url: String) -> serde_json::Value {
        client.get(url).send().await.unwrap().json().await.unwrap()
    }

    /// GET `url` as `client` and read the body as text.
    pub async fn get_text(&self, client: &reqwest::Client, url: String) -> String {
        client.get(url).send().await.unwrap().text().await.unwrap()
    }

    pub async fn create_card(
        &self,
        client: &reqwest::Client,
        body: serde_json::Value,
    ) -> reqwest::Response {
        client
            .post(self.url("/api/cards"))
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// A minimal valid card in English (and Korean when `with_korean`).
pub fn card_json(slug: Option<&str>, name: &str) -> serde_json::Value {
    serde_json::json!({
        "slug": slug,
        "default_lang": "en",
        "contents": [
            { "lang": "en", "name": name, "title": "Engineer", "company": "Analytical Engines" },
            { "lang": "ko", "name": "에이다", "title": "엔지니어" }
        ],
        "contacts": { "office_phone": "02-555-0100", "email": "ada@example.com", "homepage": "ada.example" },
        "links": [ { "label": "Notes", "url": "https://ada.example/notes" } ],
        "published": true
    })
}

/// A small PNG made here, so uploads test real image bytes.
pub fn png_bytes(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 128]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

/// A solid grey PNG: even 40 megapixels compress to a few tens of kilobytes.
pub fn solid_png(width: u32, height: u32) -> Vec<u8> {
    use image::ImageEncoder;
    let pixels = vec![128u8; width as usize * height as usize];
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(&pixels, width, height, image::ExtendedColorType::L8)
        .unwrap();
    bytes
}

/// The real `callcard` binary as an operator runs it, for tests of whole processes (logs,
/// crash drills): its own port and data directory, its output in `callcard.log` there.
pub struct ServerProcess {
    pub address: String,
    pub log_path: std::path::PathBuf,
    child: std::process::Child,
}

impl ServerProcess {
    /// Starts the binary with `env` (on top of a listen address, public URL and data
    /// directory) and waits until `/healthz` answers. The log is appended to, so a restart
    /// with the same `data_dir` keeps both runs' lines.
    pub async fn start(data_dir: &std::path::Path, port: u16, env: &[(&str, &str)]) -> Self {
        let address = format!("http://127.0.0.1:{port}");
        let log_path = data_dir.join("callcard.log");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .unwrap();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_callcard"));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("CALLCARD_LISTEN", format!("127.0.0.1:{port}"))
            .env("CALLCARD_PUBLIC_URL", &address)
            .env("CALLCARD_DATA_DIR", data_dir)
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().expect("the callcard binary starts");
        let server = ServerProcess {
            address,
            log_path,
            child,
        };
        let client = reqwest::Client::new();
        let started_at = std::time::Instant::now();
        while client
            .get(format!("{}/healthz", server.address))
            .send()
            .await
            .is_err()
        {
            assert!(
                started_at.elapsed() < std::time::Duration::from_secs(30),
                "callcard did not start:\n{}",
                server.log()
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        server
    }

    /// A free port on loopback for a server about to start.
    pub fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// SIGKILL, as `kill -9` or the kernel's OOM killer: nothing of the process runs after it.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
