//! The rest of a refused upload, read and dropped before the refusal is sent (the "lingering
//! close" of web servers). A socket closed while the client's bytes still wait unread in it
//! answers with a reset, and a client still sending its body would then see a broken pipe
//! instead of the 413 that says why. Bounded, so a client far over a limit costs at most
//! [`MAX_BYTES`] and [`MAX_TIME`] before the connection is closed on it.

use std::time::Duration;

use axum::body::Bytes;
use tokio_stream::{Stream, StreamExt};

/// What is read past a refusal at most: a client within this of the limit gets its answer.
pub const MAX_BYTES: u64 = 1024 * 1024;
/// How long a slow client is waited for.
pub const MAX_TIME: Duration = Duration::from_secs(2);

/// Reads and drops what is left of `body`, within [`MAX_BYTES`] and [`MAX_TIME`].
pub async fn discard<E>(body: &mut (impl Stream<Item = Result<Bytes, E>> + Unpin)) {
    discard_within(body, MAX_BYTES, MAX_TIME).await;
}

async fn discard_within<E>(
    body: &mut (impl Stream<Item = Result<Bytes, E>> + Unpin),
    max_bytes: u64,
    max_time: Duration,
) {
    let drain = async {
        let mut read = 0u64;
        while let Some(Ok(chunk)) = body.next().await {
            read += chunk.len() as u64;
            if read > max_bytes {
                break;
            }
        }
    };
    // A client that stops sending is simply left: the refusal goes out after `max_time`.
    let _ = tokio::time::timeout(max_time, drain).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_what_is_left_within_its_bound() {
        let chunk = Bytes::from(vec![0u8; 64 * 1024]);
        let chunks = (0..100).map(|_| Ok::<_, std::io::Error>(chunk.clone()));
        let mut body = tokio_stream::iter(chunks);
        discard(&mut body).await;
        let mut left = 0u64;
        while body.next().await.is_some() {
            left += 1;
        }
        // 1 MB is 16 chunks; the 17th passes the bound and stops the reading.
        assert_eq!(left, 100 - (MAX_BYTES / (64 * 1024) + 1));
    }

    #[tokio::test]
    async fn a_client_that_stops_sending_is_left_after_the_time_bound() {
        let mut body = Box::pin(tokio_stream::pending::<Result<Bytes, std::io::Error>>());
        let bound = Duration::from_millis(50);
        let started = std::time::Instant::now();
        discard_within(&mut body, MAX_BYTES, bound).await;
        assert!(started.elapsed() >= bound, "{:?}", started.elapsed());
    }
}
