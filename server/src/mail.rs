//! Sending mail (issue 8): one [`Mailer`] per process, over SMTP or into the outbox directory
//! (`config/mail.rs`). What a mail says is decided elsewhere (`auth/confirmation.rs`); this
//! module only delivers it.

use lettre::message::Body;
use lettre::message::Mailbox;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::{MailSettings, MailTransport};

/// One plain-text mail to one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("`{0}` is not an address mail can be sent to")]
    BadAddress(String),
    #[error("the mail could not be built: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("the SMTP server did not take the mail: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("the mail could not be written to the outbox {dir}: {message}")]
    Outbox { dir: String, message: String },
}

/// A mail's text as sent: 7-bit as it is when it is ASCII; otherwise quoted-printable, which
/// leaves ASCII lines (the links) readable in the raw mail, where base64 would hide them.
fn body(text: &str) -> Body {
    let encoding = if text.is_ascii() {
        ContentTransferEncoding::SevenBit
    } else {
        ContentTransferEncoding::QuotedPrintable
    };
    Body::new_with_encoding(text.to_string(), encoding)
        .unwrap_or_else(|_| Body::new(text.to_string()))
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(std::path::PathBuf),
}

impl Mailer {
    /// Fails only on an SMTP URL that the settings would not have let through.
    pub fn new(settings: &MailSettings) -> Result<Mailer, MailError> {
        let transport = match &settings.transport {
            MailTransport::Smtp(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret().trim())?.build(),
            ),
            MailTransport::Outbox(dir) => Transport::Outbox(dir.clone()),
        };
        Ok(Mailer {
            from: settings.from.clone(),
            transport,
        })
    }

    /// Delivers `mail` and waits for the SMTP server's answer (or the file write).
    pub async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|_| MailError::BadAddress(mail.to.clone()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(body(&mail.text))?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Outbox(dir) => {
                let outbox_error = |message: String| MailError::Outbox {
                    dir: dir.display().to_string(),
                    message,
                };
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|error| outbox_error(error.to_string()))?;
                AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map_err(|error| outbox_error(error.to_string()))?;
            }
        }
        Ok(())
    }

    /// Sends `mail` on a task of its own, so the request that caused it answers at once, and
    /// as fast whether or not a mail was due (sign-up must not tell who has an account).
    /// A failure is logged with the address masked.
    pub fn send_later(&self, mail: Mail) {
        let mailer = self.clone();
        tokio::spawn(async move {
            match mailer.send(&mail).await {
                Ok(()) => {
                    tracing::info!(to = %masked(&mail.to), subject = %mail.subject, "mail sent")
                }
                Err(error) => {
                    tracing::warn!(to = %masked(&mail.to), %error, "mail not sent");
                }
            }
        });
    }
}

/// `a***@example.com`: enough for an operator to tell mails apart, not to collect addresses.
pub fn masked(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_addresses_keep_the_first_letter_and_the_domain() {
        assert_eq!(masked("kildong@abcd.co.kr"), "k***@abcd.co.kr");
        assert_eq!(masked("no-at-sign"), "***");
    }

    #[tokio::test]
    async fn the_outbox_gets_one_eml_file_per_mail_with_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("outbox");
        let mailer = Mailer::new(&MailSettings {
            transport: MailTransport::Outbox(outbox.clone()),
            from: "callcard <no-reply@localhost>".parse().unwrap(),
        })
        .unwrap();
        let mail = Mail {
            to: "ada@example.com".into(),
            subject: "Hello".into(),
            text: "Open http://127.0.0.1:3000/confirm/abc to go on.\n".into(),
        };
        mailer.send(&mail).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(&outbox).unwrap().collect();
        assert_eq!(files.len(), 1);
        let written = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
        assert!(written.contains("To: ada@example.com"), "{written}");
        assert!(written.contains("/confirm/abc"), "{written}");
        let refused = mailer
            .send(&Mail {
                to: "not an address".into(),
                ..mail
            })
            .await;
        assert!(matches!(refused, Err(MailError::BadAddress(_))));
    }
}
