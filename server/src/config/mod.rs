//! One typed settings struct, read once at start: defaults, then an optional TOML file, then
//! `CALLCARD_*` environment variables (and `DATABASE_URL`). Secrets stay wrapped so they never print.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

mod calling;
mod mail;
pub use calling::CallingSettings;
pub use mail::{MailSettings, MailTransport};

use crate::ledger::money::{Currency, Money};
use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("setting `{key}` is not valid: {message}")]
    Invalid { key: &'static str, message: String },
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the HTTP server listens.
    pub listen: SocketAddr,
    /// The address people use to reach this installation, without a trailing slash; card links,
    /// QR codes and vCards carry it. An `https` URL also marks session cookies `Secure`.
    pub public_url: String,
    /// Holds the SQLite file (the embedded default) and uploaded images.
    pub data_dir: PathBuf,
    /// PostgreSQL (or another SQLite file) instead of the embedded default.
    pub database_url: Option<SecretString>,
    /// The Trunk output: `pkg/app.js`, `pkg/app_bg.wasm`, `pkg/main.css` and the card bundle in
    /// `pkg/card/` (scripts/build-bundle.sh).
    pub site_root: PathBuf,
    /// Create the demo issuer and the patent's sample card when the database has no account.
    pub seed_demo: bool,
    pub session_days: u32,
    /// Failed log-ins per window for one account from one address; the account from anywhere
    /// gets four times this, one address twenty times (`auth::throttle`).
    pub login_max_failures: u32,
    pub login_window_secs: u64,
    /// Sign-ups one address may make per hour.
    pub signup_max_per_address: u32,
    pub upload_max_bytes: usize,
    /// Largest accepted card video, in bytes.
    pub video_max_bytes: usize,
    /// Longest accepted card video, in seconds.
    pub video_max_secs: u32,
    /// The one currency of this installation's Guilds (ISO 4217), KRW by default.
    pub currency: Currency,
    /// Credited to every new account once its e-mail address is confirmed (BRIEF R1, patent
    /// ¶57); zero for none.
    pub signup_grant: Money,
    /// Where numbers typed without `+` or an international prefix are (ISO 3166), KR by default.
    pub default_region: phonenumber::country::Id,
    /// Shared with the payment provider to sign webhooks; the webhook is off without it.
    pub payment_webhook_secret: Option<SecretString>,
    /// Seconds of talk a call holds money for at a time (R11: the metering interval).
    pub call_hold_secs: u32,
    /// A running call whose process has not metered it for this long is settled by the sweeper
    /// up to its last metering point. Longer than `call_hold_secs`, so live calls are never swept.
    pub call_stale_after_secs: u32,
    /// How often this process stamps the calls it runs (issue 9): a call whose process dies is
    /// billed up to its last stamp. Shorter than a third of `call_stale_after_secs`.
    pub call_stamp_secs: u32,
    /// Reverse proxies in front of this server (addresses or CIDR blocks): behind them the
    /// client's address comes from `X-Forwarded-For` (`client_address.rs`). None by default:
    /// the header is then never read.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// This process's name among the processes sharing the database; the calls it runs carry
    /// it, and when it starts again it settles those at once. Unique per process and stable
    /// across its restarts: the host name and listening port by default.
    pub node: String,
    /// Media sockets and the SIP trunk (issue 4).
    pub calling: CallingSettings,
    /// Where sign-up confirmations and notices are sent from and through.
    pub mail: MailSettings,
}

/// The file form: every key optional, the same names as the fields above.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    listen: Option<String>,
    public_url: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<SecretString>,
    site_root: Option<PathBuf>,
    seed_demo: Option<bool>,
    session_days: Option<u32>,
    login_max_failures: Option<u32>,
    login_window_secs: Option<u64>,
    signup_max_per_address: Option<u32>,
    upload_max_bytes: Option<usize>,
    video_max_bytes: Option<usize>,
    video_max_secs: Option<u32>,
    currency: Option<String>,
    /// An amount in the currency, e.g. "5000" (KRW) or "2.50" (USD).
    signup_grant: Option<String>,
    payment_webhook_secret: Option<SecretString>,
    default_region: Option<String>,
    call_hold_secs: Option<u32>,
    call_stale_after_secs: Option<u32>,
    call_stamp_secs: Option<u32>,
    node: Option<String>,
    /// Comma-separated, as in the environment variable.
    trusted_proxies: Option<String>,
    smtp_url: Option<SecretString>,
    mail_from: Option<String>,
    #[serde(default)]
    calling: calling::FileCalling,
    #[serde(default)]
    trunk: calling::FileTrunk,
}

impl Settings {
    /// Reads the settings: `file` (if any), then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        let file_settings = match file {
            Some(path) => read_file(path)?,
            None => FileSettings::default(),
        };
        Settings::from_sources(file_settings, |key| std::env::var(key).ok())
    }

    /// Settings for tests and tools: defaults plus the given environment, no file.
    pub fn from_env_map(env: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        Settings::from_sources(FileSettings::default(), env)
    }

    fn from_sources(
        file: FileSettings,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        let listen_text = env("CALLCARD_LISTEN")
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let listen: SocketAddr = listen_text.parse().map_err(|_| ConfigError::Invalid {
            key: "listen",
            message: format!("`{listen_text}` is not an address like 127.0.0.1:3000"),
        })?;
        let public_url = env("CALLCARD_PUBLIC_URL")
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{listen}"));
        let public_url = validate_public_url(&public_url)?;
        let database_url = env("DATABASE_URL")
            .map(SecretString::from)
            .or(file.database_url)
            .filter(|url| !url.expose_secret().trim().is_empty());
        if let Some(url) = &database_url {
            let url = url.expose_secret();
            if !(url.starts_with("postgres://")
                || url.starts_with("postgresql://")
                || url.starts_with("sqlite:"))
            {
                return Err(ConfigError::Invalid {
                    key: "database_url",
                    message: "use a postgres://… or sqlite:… URL".into(),
                });
            }
        }
        let currency_code = env("CALLCARD_CURRENCY")
            .or(file.currency)
            .unwrap_or_else(|| "KRW".into());
        let currency = Currency::new(&currency_code).map_err(|error| ConfigError::Invalid {
            key: "currency",
            message: error.to_string(),
        })?;
        let grant_text = env("CALLCARD_SIGNUP_GRANT")
            .or(file.signup_grant)
            .unwrap_or_else(|| "5000".into());
        let signup_grant = currency
            .parse(&grant_text)
            .map_err(|error| ConfigError::Invalid {
                key: "signup_grant",
                message: error.to_string(),
            })?;
        let region_text = env("CALLCARD_DEFAULT_REGION")
            .or(file.default_region)
            .unwrap_or_else(|| "KR".into());
        let default_region = region_text
            .trim()
            .to_ascii_uppercase()
            .parse()
            .map_err(|_| ConfigError::Invalid {
                key: "default_region",
                message: format!("`{region_text}` is not a region code like KR, US or JP"),
            })?;
        let call_hold_secs = parse_env(&env, "CALLCARD_CALL_HOLD_SECS", "call_hold_secs")?
            .or(file.call_hold_secs)
            .unwrap_or(60);
        if !(6..=3600).contains(&call_hold_secs) {
            return Err(ConfigError::Invalid {
                key: "call_hold_secs",
                message: format!("{call_hold_secs} is not between 6 and 3600 seconds"),
            });
        }
        let call_timeouts = media_bridge::call::CallConfig::default();
        let longest_unmetered =
            (call_timeouts.ring_timeout + call_timeouts.accept_timeout).as_secs() as u32;
        let call_stale_after_secs = parse_env(
            &env,
            "CALLCARD_CALL_STALE_AFTER_SECS",
            "call_stale_after_secs",
        )?
        .or(file.call_stale_after_secs)
        .unwrap_or(Ord::max(
            call_hold_secs * 3,
            longest_unmetered + call_hold_secs + 30,
        ));
        // Checked together (issue 9): a live call is stamped when reserved, when answered and at
        // each hold; before the answer it may ring and wait for the key press, unstamped.
        if call_stale_after_secs <= longest_unmetered + call_hold_secs {
            return Err(ConfigError::Invalid {
                key: "call_stale_after_secs",
                message: format!(
                    "{call_stale_after_secs} s must be longer than a call's ring ({ring} s) and \
                     accept ({accept} s) times plus call_hold_secs ({call_hold_secs} s), or calls \
                     still ringing or talking would be swept",
                    ring = call_timeouts.ring_timeout.as_secs(),
                    accept = call_timeouts.accept_timeout.as_secs(),
                ),
            });
        }
        let call_stamp_secs = parse_env(&env, "CALLCARD_CALL_STAMP_SECS", "call_stamp_secs")?
            .or(file.call_stamp_secs)
            // Under the crash drill's floor: a dead process's calls end within 5 s of its death.
            .unwrap_or(4);
        if call_stamp_secs == 0 || call_stamp_secs.saturating_mul(3) > call_stale_after_secs {
            return Err(ConfigError::Invalid {
                key: "call_stamp_secs",
                message: format!(
                    "{call_stamp_secs} s must be at least 1 s and at most a third of \
                     call_stale_after_secs ({call_stale_after_secs} s), or live calls would be swept"
                ),
            });
        }
        let node = env("CALLCARD_NODE")
            .or(file.node)
            .unwrap_or_else(|| format!("{}:{}", host_name(), listen.port()));
        if node.trim().is_empty() || node.len() > 200 {
            return Err(ConfigError::Invalid {
                key: "node",
                message: "a node name is 1 to 200 characters".into(),
            });
        }
        let trusted_proxies = crate::client_address::parse_trusted(
            &env("CALLCARD_TRUSTED_PROXIES")
                .or(file.trusted_proxies)
                .unwrap_or_default(),
        )
        .map_err(|message| ConfigError::Invalid {
            key: "trusted_proxies",
            message,
        })?;
        let calling = calling::read(&env, file.calling, file.trunk)?;
        let data_dir = env("CALLCARD_DATA_DIR")
            .map(PathBuf::from)
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let mail = mail::read(&env, file.smtp_url, file.mail_from, &public_url, &data_dir)?;
        Ok(Settings {
            calling,
            mail,
            trusted_proxies,
            call_stamp_secs,
            node,
            call_hold_secs,
            call_stale_after_secs,
            default_region,
            payment_webhook_secret: env("CALLCARD_PAYMENT_WEBHOOK_SECRET")
                .map(SecretString::from)
                .or(file.payment_webhook_secret)
                .filter(|secret| !secret.expose_secret().is_empty()),
            currency,
            signup_grant,
            listen,
            public_url,
            data_dir,
            database_url,
            site_root: env("CALLCARD_SITE_ROOT")
                .map(PathBuf::from)
                .or(file.site_root)
                .unwrap_or_else(|| PathBuf::from("target/site")),
            seed_demo: parse_env(&env, "CALLCARD_SEED_DEMO", "seed_demo")?
                .or(file.seed_demo)
                .unwrap_or(true),
            session_days: parse_env(&env, "CALLCARD_SESSION_DAYS", "session_days")?
                .or(file.session_days)
                .unwrap_or(30),
            login_max_failures: parse_env(
                &env,
                "CALLCARD_LOGIN_MAX_FAILURES",
                "login_max_failures",
            )?
            .or(file.login_max_failures)
            .unwrap_or(5),
            login_window_secs: parse_env(&env, "CALLCARD_LOGIN_WINDOW_SECS", "login_window_secs")?
                .or(file.login_window_secs)
                .unwrap_or(15 * 60),
            signup_max_per_address: parse_env(
                &env,
                "CALLCARD_SIGNUP_MAX_PER_ADDRESS",
                "signup_max_per_address",
            )?
            .or(file.signup_max_per_address)
            .unwrap_or(10),
            upload_max_bytes: parse_env(&env, "CALLCARD_UPLOAD_MAX_BYTES", "upload_max_bytes")?
                .or(file.upload_max_bytes)
                .unwrap_or(5 * 1024 * 1024),
            video_max_bytes: parse_env(&env, "CALLCARD_VIDEO_MAX_BYTES", "video_max_bytes")?
                .or(file.video_max_bytes)
                .unwrap_or(20 * 1024 * 1024),
            video_max_secs: parse_env(&env, "CALLCARD_VIDEO_MAX_SECS", "video_max_secs")?
                .or(file.video_max_secs)
                .unwrap_or(60),
        })
    }

    /// The body limit of the editor's save routes: three images (photo, logo, the video's
    /// still), a video, and the text of a card. Each part's own limit is checked as it is read.
    pub fn form_body_limit(&self) -> usize {
        self.upload_max_bytes * 3 + self.video_max_bytes + 256 * 1024
    }

    /// Session cookies get `Secure` when people reach us over TLS.
    pub fn cookies_secure(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The origin (`scheme://host[:port]`) that state-changing requests must come from.
    pub fn public_origin(&self) -> &str {
        // A validated public URL has no path, so it is its own origin.
        &self.public_url
    }
}

/// The machine's name, for the default node name; `callcard` where the system does not say.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "callcard".to_owned())
}

fn read_file(path: &Path) -> Result<FileSettings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| ConfigError::Parse {
        path: path.to_owned(),
        source: Box::new(source),
    })
}

fn parse_env<T: std::str::FromStr>(
    env: &impl Fn(&str) -> Option<String>,
    var: &str,
    key: &'static str,
) -> Result<Option<T>, ConfigError> {
    env(var)
        .map(|text| {
            text.trim().parse().map_err(|_| ConfigError::Invalid {
                key,
                message: format!("{var}=`{text}` is not a valid value"),
            })
        })
        .transpose()
}

fn validate_public_url(url: &str) -> Result<String, ConfigError> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains('/') => Ok(trimmed.to_string()),
        _ => Err(ConfigError::Invalid {
            key: "public_url",
            message: format!("`{url}` must look like https://cards.example.com (no path)"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_env_map(|key| env.get(key).cloned())
    }

    #[test]
    fn defaults_give_an_embedded_installation_on_localhost() {
        let settings = settings(&[]).unwrap();
        assert_eq!(settings.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(settings.public_url, "http://127.0.0.1:3000");
        assert!(settings.database_url.is_none());
        assert!(!settings.cookies_secure());
    }

    #[test]
    fn https_public_url_makes_cookies_secure_and_loses_trailing_slash() {
        let settings = settings(&[("CALLCARD_PUBLIC_URL", "https://cards.example/")]).unwrap();
        assert_eq!(settings.public_url, "https://cards.example");
        assert!(settings.cookies_secure());
    }

    #[test]
    fn bad_values_name_the_setting() {
        let error = settings(&[("CALLCARD_LISTEN", "localhost")]).unwrap_err();
        assert!(error.to_string().contains("listen"), "{error}");
        let error = settings(&[("CALLCARD_PUBLIC_URL", "cards.example/x")]).unwrap_err();
        assert!(error.to_string().contains("public_url"), "{error}");
        let error = settings(&[("CALLCARD_SESSION_DAYS", "many")]).unwrap_err();
        assert!(error.to_string().contains("session_days"), "{error}");
        let error = settings(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert!(error.to_string().contains("database_url"), "{error}");
    }

    #[test]
    fn running_calls_are_stamped_well_within_the_staleness_by_a_named_node() {
        let defaults = settings(&[("CALLCARD_LISTEN", "127.0.0.1:4100")]).unwrap();
        assert_eq!(defaults.call_stamp_secs, 4);
        assert!(defaults.node.ends_with(":4100"), "{}", defaults.node);
        let named = settings(&[("CALLCARD_NODE", "edge-1")]).unwrap();
        assert_eq!(named.node, "edge-1");
        let error = settings(&[
            ("CALLCARD_CALL_STAMP_SECS", "61"),
            ("CALLCARD_CALL_STALE_AFTER_SECS", "180"),
        ])
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("call_stamp_secs") && error.contains("call_stale_after_secs (180 s)"),
            "{error}"
        );
        assert!(settings(&[("CALLCARD_CALL_STAMP_SECS", "0")]).is_err());
        assert!(settings(&[("CALLCARD_CALL_STAMP_SECS", "4000000000")]).is_err());
        assert!(settings(&[("CALLCARD_NODE", " ")]).is_err());
    }

    #[test]
    fn trusted_proxies_are_none_by_default_and_named_when_wrong() {
        assert!(settings(&[]).unwrap().trusted_proxies.is_empty());
        let behind = settings(&[("CALLCARD_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")]).unwrap();
        assert_eq!(behind.trusted_proxies.len(), 2);
        let error = settings(&[("CALLCARD_TRUSTED_PROXIES", "edge")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("trusted_proxies"), "{error}");
    }

    #[test]
    fn stale_calls_ttl_must_outlast_the_hold_interval() {
        let defaults = settings(&[]).unwrap();
        assert_eq!(defaults.call_hold_secs, 60);
        assert_eq!(defaults.call_stale_after_secs, 180);
        let error = settings(&[
            ("CALLCARD_CALL_HOLD_SECS", "60"),
            ("CALLCARD_CALL_STALE_AFTER_SECS", "60"),
        ])
        .unwrap_err();
        assert!(
            error.to_string().contains("call_stale_after_secs"),
            "{error}"
        );
        // A short hold gets a staleness that still outlasts ringing and accepting…
        let short = settings(&[("CALLCARD_CALL_HOLD_SECS", "20")]).unwrap();
        assert_eq!(short.call_stale_after_secs, 45 + 15 + 20 + 30);
        // …and one set too short is refused, naming both settings.
        let error = settings(&[
            ("CALLCARD_CALL_HOLD_SECS", "20"),
            ("CALLCARD_CALL_STALE_AFTER_SECS", "60"),
        ])
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("call_stale_after_secs") && error.contains("call_hold_secs (20 s)"),
            "{error}"
        );
        let error = settings(&[("CALLCARD_CALL_HOLD_SECS", "1")]).unwrap_err();
        assert!(error.to_string().contains("call_hold_secs"), "{error}");
    }

    #[test]
    fn signup_grant_is_read_in_the_currency() {
        let usd = settings(&[
            ("CALLCARD_CURRENCY", "usd"),
            ("CALLCARD_SIGNUP_GRANT", "2.50"),
        ])
        .unwrap();
        assert_eq!(usd.currency.code(), "USD");
        assert_eq!(usd.signup_grant, Money(250));
        assert_eq!(
            settings(&[]).unwrap().signup_grant,
            Money(5000),
            "5,000 KRW by default"
        );
        let error = settings(&[("CALLCARD_SIGNUP_GRANT", "2.50")]).unwrap_err();
        assert!(error.to_string().contains("signup_grant"), "{error}");
        let error = settings(&[("CALLCARD_DEFAULT_REGION", "Korea")]).unwrap_err();
        assert!(error.to_string().contains("default_region"), "{error}");
        let error = settings(&[("CALLCARD_CURRENCY", "won!")]).unwrap_err();
        assert!(error.to_string().contains("currency"), "{error}");
    }

    #[test]
    fn secret_urls_never_appear_in_debug_output() {
        let settings = settings(&[
            ("DATABASE_URL", "postgres://u:hunter2@db/x"),
            (
                "CALLCARD_SMTP_URL",
                "smtp://mailer:swordfish@mail.example:587?tls=required",
            ),
        ])
        .unwrap();
        let printed = format!("{settings:?}");
        assert!(!printed.contains("hunter2") && !printed.contains("swordfish"));
    }

    #[test]
    fn file_rejects_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("callcard.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:4000\"\nlisten_port = 1\n").unwrap();
        let error = Settings::load(Some(&path)).unwrap_err();
        assert!(matches!(error, ConfigError::Parse { .. }), "{error}");
    }
}
