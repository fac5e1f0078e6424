//! Signed payment-provider webhooks (BRIEF R17). The provider signs `"{t}.{raw body}"` with
//! HMAC-SHA256 under a shared secret and sends `X-Callcard-Signature: t=<unix>,v1=<hex>`.
//! A signature older than the tolerance is refused (replays of old deliveries); a replay inside
//! it is harmless because the event id is the ledger entry's unique reference.
//! Pure: the caller supplies the secret, the header, the body and "now".

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const SIGNATURE_HEADER: &str = "x-callcard-signature";
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the {SIGNATURE_HEADER} header is missing")]
    Missing,
    #[error("the {SIGNATURE_HEADER} header must look like t=<unix time>,v1=<hex>")]
    Malformed,
    #[error("the signature is more than {TOLERANCE_SECS} seconds away from now")]
    Stale,
    #[error("the signature does not match the body")]
    Mismatch,
}

pub fn verify(
    secret: &[u8],
    header: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signature = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signature = decode_hex(value),
            _ => {}
        }
    }
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(SignatureError::Malformed);
    };
    if (now_unix - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let mac = mac(secret, timestamp, body);
    // verify_slice compares in constant time.
    mac.verify_slice(&signature)
        .map_err(|_| SignatureError::Mismatch)?;
    Ok(())
}

/// The header a provider (or a test) sends for `body` at `timestamp`.
pub fn sign(secret: &[u8], body: &[u8], timestamp: i64) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(text.get(index..index + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";
    const BODY: &[u8] = br#"{"id":"evt_1"}"#;

    #[test]
    fn a_fresh_signature_of_the_body_verifies() {
        let header = sign(SECRET, BODY, 1_000);
        assert_eq!(verify(SECRET, Some(&header), BODY, 1_100), Ok(()));
    }

    #[test]
    fn tampering_wrong_secret_staleness_and_garbage_are_refused() {
        let header = sign(SECRET, BODY, 1_000);
        assert_eq!(
            verify(SECRET, Some(&header), br#"{"id":"evt_2"}"#, 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"other", Some(&header), BODY, 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, Some(&header), BODY, 1_000 + TOLERANCE_SECS + 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, None, BODY, 1_000),
            Err(SignatureError::Missing)
        );
        for garbage in [
            "",
            "t=1000",
            "v1=00",
            "t=x,v1=00",
            "t=1000,v1=zz",
            "t=1000,v1=abc",
        ] {
            assert_eq!(
                verify(SECRET, Some(garbage), BODY, 1_000),
                Err(SignatureError::Malformed),
                "{garbage}"
            );
        }
    }
}
