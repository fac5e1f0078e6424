//! A local SMTP server for the tests (issue 8: "tests use a local SMTP sink"): it speaks just
//! enough SMTP for a real client (the server's lettre) to deliver, and keeps every message.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// One delivered message: its envelope recipients and its text (headers and body).
#[derive(Debug, Clone)]
pub struct Delivered {
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Clone)]
pub struct MailSink {
    pub url: String,
    delivered: Arc<Mutex<Vec<Delivered>>>,
    arrived: Arc<Notify>,
}

impl MailSink {
    pub async fn start() -> MailSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let sink = MailSink {
            url,
            delivered: Arc::default(),
            arrived: Arc::default(),
        };
        let accepting = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(accepting.clone().serve(stream));
            }
        });
        sink
    }

    /// Messages delivered to `address` so far, oldest first.
    pub fn to(&self, address: &str) -> Vec<Delivered> {
        self.delivered
            .lock()
            .unwrap()
            .iter()
            .filter(|mail| mail.to.iter().any(|to| to.eq_ignore_ascii_case(address)))
            .cloned()
            .collect()
    }

    /// Waits (up to 10 s) until `address` has received more than `seen` messages; the newest.
    pub async fn next_to(&self, address: &str, seen: usize) -> Delivered {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let arrived = self.arrived.notified();
            let mails = self.to(address);
            if mails.len() > seen {
                return mails.last().unwrap().clone();
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!("no new mail to {address} within 10 s (had {seen})");
            }
        }
    }

    async fn serve(self, stream: TcpStream) {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        let reply = |text: &'static str| format!("{text}\r\n");
        if write
            .write_all(reply("220 sink ESMTP").as_bytes())
            .await
            .is_err()
        {
            return;
        }
        let mut recipients = Vec::new();
        while let Ok(Some(line)) = lines.next_line().await {
            let command = line.to_ascii_uppercase();
            let answer = if command.starts_with("EHLO") || command.starts_with("HELO") {
                "250 sink"
            } else if command.starts_with("MAIL FROM:") {
                recipients.clear();
                "250 OK"
            } else if let Some(to) = command.strip_prefix("RCPT TO:") {
                let start = line.len() - to.len();
                recipients.push(
                    line[start..]
                        .trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_string(),
                );
                "250 OK"
            } else if command == "DATA" {
                if write
                    .write_all(reply("354 go on").as_bytes())
                    .await
                    .is_err()
                {
                    return;
                }
                let mut data = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    if line == "." {
                        break;
                    }
                    // Dot-stuffing (RFC 5321 §4.5.2).
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                    data.push('\n');
                }
                self.delivered.lock().unwrap().push(Delivered {
                    to: std::mem::take(&mut recipients),
                    data,
                });
                self.arrived.notify_waiters();
                "250 OK"
            } else if command == "QUIT" {
                let _ = write.write_all(reply("221 bye").as_bytes()).await;
                return;
            } else if command == "RSET" || command == "NOOP" {
                "250 OK"
            } else {
                "502 not here"
            };
            if write.write_all(reply(answer).as_bytes()).await.is_err() {
                return;
            }
        }
    }
}

impl Delivered {
    /// The token of the confirmation link in this mail.
    pub fn confirmation_token(&self) -> String {
        let start = self
            .data
            .find("/confirm/")
            .unwrap_or_else(|| panic!("no confirmation link in {}", self.data))
            + "/confirm/".len();
        self.data[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}
