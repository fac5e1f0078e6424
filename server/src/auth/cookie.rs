//! The session cookie: `HttpOnly` (no script reads it), `SameSite=Lax` (no cross-site POST
//! carries it), `Secure` behind TLS, and scoped to the whole site.

use axum::http::{HeaderMap, HeaderValue, header};

pub const NAME: &str = "callcard_session";

/// The session token from a request's `Cookie` headers, if any.
pub fn token(headers: &HeaderMap) -> Option<String> {
    value(headers, NAME)
}

/// The first non-empty value of the cookie `name` in a request's `Cookie` headers.
pub fn value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty())
}

pub fn set(token: &str, days: u32, secure: bool) -> HeaderValue {
    let max_age = u64::from(days) * 24 * 60 * 60;
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("a base64url token makes a valid header")
}

pub fn clear(secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
    ))
    .expect("static header")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; callcard_session=tok; b=2"),
        );
        assert_eq!(token(&headers).as_deref(), Some("tok"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("callcard_session="),
        );
        assert_eq!(token(&headers), None);
    }

    #[test]
    fn cookie_is_http_only_lax_and_secure_only_when_asked() {
        let plain = set("tok", 1, false);
        let plain = plain.to_str().unwrap();
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Lax"));
        assert!(plain.contains("Max-Age=86400") && !plain.contains("Secure"));
        assert!(set("tok", 1, true).to_str().unwrap().ends_with("; Secure"));
    }
}
