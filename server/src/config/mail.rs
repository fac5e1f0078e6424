//! Where the server's mail goes (issue 8: sign-up confirmation): an SMTP server named by
//! `smtp_url`, or, without one, `.eml` files in `<data_dir>/outbox` — so an installation on the
//! embedded default works out of the box and its operator reads the links there.

use std::path::{Path, PathBuf};

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use super::ConfigError;

/// Where mail goes, checked.
#[derive(Debug, Clone)]
pub enum MailTransport {
    /// `smtp://host:port` (plain, for a relay on the same machine), `smtp://…?tls=required`
    /// (STARTTLS) or `smtps://…` (TLS), with `user:password@` when the server wants them.
    Smtp(SecretString),
    /// One `.eml` file per mail.
    Outbox(PathBuf),
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    pub transport: MailTransport,
    /// The sender of every mail.
    pub from: Mailbox,
}

pub(super) fn read(
    env: &impl Fn(&str) -> Option<String>,
    smtp_url: Option<SecretString>,
    from: Option<String>,
    public_url: &str,
    data_dir: &Path,
) -> Result<MailSettings, ConfigError> {
    let smtp_url = env("CALLCARD_SMTP_URL")
        .map(SecretString::from)
        .or(smtp_url)
        .filter(|url| !url.expose_secret().trim().is_empty());
    let transport = match smtp_url {
        Some(url) => {
            // Checked now (no connection is made), so a typo stops the server at start.
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret().trim()).map_err(
                |_| ConfigError::Invalid {
                    key: "smtp_url",
                    message: "use smtp://host:port, smtp://user:password@host:587?tls=required \
                              or smtps://host:465"
                        .into(),
                },
            )?;
            MailTransport::Smtp(url)
        }
        None => MailTransport::Outbox(data_dir.join("outbox")),
    };
    let from_text = env("CALLCARD_MAIL_FROM")
        .or(from)
        .unwrap_or_else(|| default_sender(public_url));
    let from = from_text
        .trim()
        .parse::<Mailbox>()
        .map_err(|_| ConfigError::Invalid {
            key: "mail_from",
            message: format!(
                "`{from_text}` is not an address like callcard <no-reply@example.com>"
            ),
        })?;
    Ok(MailSettings { transport, from })
}

/// `callcard <no-reply@HOST>` for an installation reached by a domain name; `localhost` for one
/// reached by an address, which no mailbox can have.
fn default_sender(public_url: &str) -> String {
    let host = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest)
        .split(':')
        .next()
        .unwrap_or_default();
    let is_domain = host.contains('.')
        && host.chars().any(|c| c.is_ascii_alphabetic())
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let domain = if is_domain { host } else { "localhost" };
    format!("callcard <no-reply@{domain}>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_with(pairs: &[(&str, &str)], public_url: &str) -> Result<MailSettings, ConfigError> {
        let env = |key: &str| {
            pairs
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| value.to_string())
        };
        read(&env, None, None, public_url, Path::new("data"))
    }

    #[test]
    fn without_smtp_mail_goes_to_the_outbox_from_the_installations_domain() {
        let settings = read_with(&[], "https://cards.example.com").unwrap();
        assert!(
            matches!(&settings.transport, MailTransport::Outbox(dir) if dir == Path::new("data/outbox"))
        );
        assert_eq!(
            settings.from.email.to_string(),
            "no-reply@cards.example.com"
        );
        let local = read_with(&[], "http://127.0.0.1:3000").unwrap();
        assert_eq!(local.from.email.to_string(), "no-reply@localhost");
    }

    #[test]
    fn an_smtp_url_and_a_sender_are_checked_and_named_when_wrong() {
        let settings = read_with(
            &[
                ("CALLCARD_SMTP_URL", "smtp://127.0.0.1:2525"),
                ("CALLCARD_MAIL_FROM", "Cards <cards@example.org>"),
            ],
            "http://127.0.0.1:3000",
        )
        .unwrap();
        assert!(matches!(settings.transport, MailTransport::Smtp(_)));
        assert_eq!(settings.from.email.to_string(), "cards@example.org");
        let error =
            read_with(&[("CALLCARD_SMTP_URL", "mail.example.org")], "http://a.b").unwrap_err();
        assert!(error.to_string().contains("smtp_url"), "{error}");
        let error =
            read_with(&[("CALLCARD_MAIL_FROM", "not an address")], "http://a.b").unwrap_err();
        assert!(error.to_string().contains("mail_from"), "{error}");
    }
}
