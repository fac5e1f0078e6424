//! Verified destinations (issue 8, toll fraud; BRIEF R2, R18): a card rings a landline or
//! mobile only once its issuer has proved the number is theirs.
//!
//! The issuer asks to verify a number; the server shows a six-digit code on their screen and
//! calls the number through the trunk ([`media_bridge::verify`]); whoever answers types the
//! code on the keypad. A typed-back code proves someone at that number sees the issuer's
//! screen, so a card cannot be pointed at a premium line answered by a machine, or at a
//! stranger's phone. Saving call settings with a number the account has not verified is
//! refused (`cards::service`), so a stored destination is always a verified one.
//!
//! Verification calls cost the operator trunk time and are not billed to the Guild; they are
//! bounded instead ([`Limits`]): one running call per account, a few a day per account and
//! per number, at most a minute and a half each, and only to numbers a card could call
//! (premium and high-risk ranges are refused before dialling, as at save time).

pub mod entity;
pub mod store;

mod api;
mod pages;

pub use api::ApiDoc;

use media_bridge::dtmf::Digit;

/// The code's length: 10⁶ codes, and a wrong digit ends the call.
pub const CODE_DIGITS: usize = 6;

/// Bounds on verification calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Verification calls an account may place in `window_secs`.
    pub per_account: u64,
    /// Calls to one number, from every account, in `window_secs`.
    pub per_number: u64,
    pub window_secs: i64,
    /// A call still "running" after this long was lost with its process: it is failed.
    pub stale_after_secs: i64,
}

pub const LIMITS: Limits = Limits {
    per_account: 10,
    per_number: 3,
    window_secs: 24 * 60 * 60,
    // The longest call: 45 s ringing + 40 s for the code + 10 s closing, with margin.
    stale_after_secs: 3 * 60,
};

/// A fresh random code, as the digits the callee types.
pub fn new_code() -> String {
    (0..CODE_DIGITS)
        .map(|_| char::from(b'0' + rand::random_range(0..10u8)))
        .collect()
}

/// The code as DTMF digits; `None` if it holds anything but `0-9`.
pub fn code_digits(code: &str) -> Option<Vec<Digit>> {
    code.chars()
        .map(|c| {
            c.is_ascii_digit()
                .then(|| Digit::from_char(c).ok())
                .flatten()
        })
        .collect()
}

/// A destination as stored on a card (`+82311234567;89`) → the number verified (`+82311234567`).
pub fn without_extension(destination: &str) -> &str {
    destination.split(';').next().unwrap_or(destination)
}

pub fn router() -> axum::Router<crate::startup::AppState> {
    api::router().merge(pages::router())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_random_digits() {
        let codes: Vec<String> = (0..200).map(|_| new_code()).collect();
        for code in &codes {
            assert_eq!(code.len(), CODE_DIGITS);
            assert_eq!(code_digits(code).map(|d| d.len()), Some(CODE_DIGITS));
        }
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert!(distinct.len() > 190, "{} distinct of 200", distinct.len());
    }

    #[test]
    fn only_decimal_digits_make_a_code() {
        assert_eq!(code_digits("12*4"), None);
        assert_eq!(code_digits("12a4"), None);
        assert_eq!(
            code_digits("907"),
            Some(vec![Digit::Nine, Digit::Zero, Digit::Seven])
        );
    }

    #[test]
    fn extensions_are_not_part_of_the_verified_number() {
        assert_eq!(without_extension("+82311234567;89"), "+82311234567");
        assert_eq!(without_extension("+821012345678"), "+821012345678");
    }
}
