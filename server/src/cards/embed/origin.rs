//! The web origins an issuer lets embed a card (issue 12, BRIEF R6). Pure.
//!
//! An allowed origin ends up in a `Content-Security-Policy: frame-ancestors` header and in the
//! snippet a site pastes, so only a plain `scheme://host[:port]` is taken, written exactly as a
//! browser serialises it: lower case, no path, no trailing slash. Anything else is refused with
//! the form to write instead, never "fixed" silently: the issuer sees what will be enforced.
//! Wildcards are refused too: an issuer names each site that may show the card.

use std::fmt;

/// At most this many sites per card: an allowlist, not a way round it.
pub const MAX_ORIGINS: usize = 20;

/// The longest origin taken (a DNS name is at most 253 characters, plus scheme and port).
const MAX_LENGTH: usize = 300;

/// A checked origin: `https://shop.example` or `http://127.0.0.1:8080`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EmbedOrigin(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    #[error("Write one site per line.")]
    Empty,
    #[error("An origin is at most {MAX_LENGTH} characters.")]
    TooLong,
    #[error("Use an address starting with https:// (or http://), like https://shop.example.")]
    NotWeb,
    #[error("Name each site: a wildcard (*) would let any site show the card.")]
    Wildcard,
    #[error("Write the site only, without a path, query or trailing slash: {0}")]
    HasPath(String),
    #[error("Write the address in lower case: {0}")]
    UpperCase(String),
    #[error("A user name or password has no place in a site's address.")]
    HasUser,
    #[error("`{0}` is not a host name.")]
    BadHost(String),
    #[error("`{0}` is not a port (1 to 65535).")]
    BadPort(String),
    #[error("At most {MAX_ORIGINS} sites may embed one card.")]
    TooMany,
}

impl EmbedOrigin {
    pub fn parse(text: &str) -> Result<EmbedOrigin, OriginError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(OriginError::Empty);
        }
        if text.len() > MAX_LENGTH {
            return Err(OriginError::TooLong);
        }
        if text.contains('*') {
            return Err(OriginError::Wildcard);
        }
        let lower = text.to_ascii_lowercase();
        let Some((scheme, rest)) = lower.split_once("://") else {
            return Err(OriginError::NotWeb);
        };
        if scheme != "https" && scheme != "http" {
            return Err(OriginError::NotWeb);
        }
        if let Some(at) = rest.find(['/', '?', '#']) {
            return Err(OriginError::HasPath(format!("{scheme}://{}", &rest[..at])));
        }
        if text != lower {
            return Err(OriginError::UpperCase(lower));
        }
        if rest.contains('@') {
            return Err(OriginError::HasUser);
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        };
        if !is_host(host) {
            return Err(OriginError::BadHost(host.to_string()));
        }
        if let Some(port) = port
            && !is_port(port)
        {
            return Err(OriginError::BadPort(port.to_string()));
        }
        Ok(EmbedOrigin(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmbedOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An allowlist as an issuer types it (one origin per line, blank lines ignored): every line's
/// refusal, or the distinct origins in order.
pub fn parse_list(text: &str) -> Result<Vec<EmbedOrigin>, Vec<(usize, OriginError)>> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| (index + 1, line))
        .collect();
    check_list(lines)
}

/// The same rules for a list that arrives as separate entries (the JSON API): numbered from 1.
pub fn parse_entries(entries: &[String]) -> Result<Vec<EmbedOrigin>, Vec<(usize, OriginError)>> {
    check_list(
        entries
            .iter()
            .enumerate()
            .map(|(index, entry)| (index + 1, entry.as_str()))
            .collect(),
    )
}

fn check_list(lines: Vec<(usize, &str)>) -> Result<Vec<EmbedOrigin>, Vec<(usize, OriginError)>> {
    // Far more lines than may be kept: one refusal, not a page of them.
    if lines.len() > 2 * MAX_ORIGINS {
        return Err(vec![(lines[MAX_ORIGINS].0, OriginError::TooMany)]);
    }
    let mut origins: Vec<EmbedOrigin> = Vec::new();
    let mut errors = Vec::new();
    for (number, line) in lines {
        match EmbedOrigin::parse(line) {
            Ok(origin) if !origins.contains(&origin) => origins.push(origin),
            Ok(_) => {}
            Err(error) => errors.push((number, error)),
        }
    }
    if origins.len() > MAX_ORIGINS {
        errors.push((MAX_ORIGINS + 1, OriginError::TooMany));
    }
    if errors.is_empty() {
        Ok(origins)
    } else {
        Err(errors)
    }
}

/// A DNS name (letters, digits, hyphens; dot-separated labels of 1-63) or an IPv4 address.
/// IPv6 literals are not taken: no issuer's website is reached by one.
fn is_host(host: &str) -> bool {
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    host.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

fn is_port(port: &str) -> bool {
    !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|n| (1..=65_535).contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_origins_are_taken_as_written() {
        for origin in [
            "https://shop.example",
            "http://127.0.0.1:8080",
            "https://xn--9n2bp8q.kr",
            "http://localhost:3000",
            "https://a-b.example.co.kr:443",
        ] {
            assert_eq!(EmbedOrigin::parse(origin).unwrap().as_str(), origin);
        }
        assert_eq!(
            EmbedOrigin::parse("  https://shop.example \t")
                .unwrap()
                .as_str(),
            "https://shop.example"
        );
    }

    #[test]
    fn what_is_not_an_origin_is_refused_with_the_form_to_write() {
        use OriginError::*;
        let cases: [(&str, OriginError); 16] = [
            ("*", Wildcard),
            ("https://*.shop.example", Wildcard),
            ("javascript:alert(1)", NotWeb),
            ("data:text/html,hi", NotWeb),
            ("ftp://shop.example", NotWeb),
            ("shop.example", NotWeb),
            (
                "https://shop.example/",
                HasPath("https://shop.example".into()),
            ),
            (
                "https://shop.example/cards",
                HasPath("https://shop.example".into()),
            ),
            (
                "https://shop.example?x=1",
                HasPath("https://shop.example".into()),
            ),
            (
                "https://Shop.Example",
                UpperCase("https://shop.example".into()),
            ),
            (
                "HTTPS://shop.example",
                UpperCase("https://shop.example".into()),
            ),
            ("https://user:pw@shop.example", HasUser),
            ("https://shop..example", BadHost("shop..example".into())),
            (
                "https://shop.example; script-src x",
                BadHost("shop.example; script-src x".into()),
            ),
            ("https://shop.example:0", BadPort("0".into())),
            ("https://shop.example:99999", BadPort("99999".into())),
        ];
        for (text, expected) in cases {
            assert_eq!(EmbedOrigin::parse(text), Err(expected), "{text}");
        }
        assert_eq!(EmbedOrigin::parse(""), Err(Empty));
        assert_eq!(
            EmbedOrigin::parse(&format!("https://{}.example", "a".repeat(400))),
            Err(TooLong)
        );
    }

    #[test]
    fn a_list_is_refused_whole_with_every_bad_line_numbered() {
        let errors = parse_list("https://shop.example\n\nhttps://x.example/\n*\n").unwrap_err();
        assert_eq!(
            errors,
            vec![
                (3, OriginError::HasPath("https://x.example".into())),
                (4, OriginError::Wildcard)
            ]
        );
    }

    #[test]
    fn a_list_keeps_each_origin_once_and_has_a_ceiling() {
        let list = parse_list("https://a.example\nhttps://b.example\nhttps://a.example").unwrap();
        assert_eq!(list.len(), 2);
        let many: Vec<String> = (0..=MAX_ORIGINS)
            .map(|n| format!("https://s{n}.example"))
            .collect();
        assert_eq!(
            parse_entries(&many).unwrap_err(),
            vec![(MAX_ORIGINS + 1, OriginError::TooMany)]
        );
        assert!(parse_entries(&many[..MAX_ORIGINS]).is_ok());
        let flood = "x\n".repeat(10_000);
        assert_eq!(
            parse_list(&flood).unwrap_err(),
            vec![(MAX_ORIGINS + 1, OriginError::TooMany)],
            "a flood of lines is one refusal"
        );
    }

    proptest::proptest! {
        /// What reaches frame-ancestors can never end the directive, add a source or a header.
        #[test]
        fn a_taken_origin_is_only_origin_characters(text in "(https?://)?[a-zA-Z0-9.:/;*@' -]{0,40}") {
            if let Ok(origin) = EmbedOrigin::parse(&text) {
                proptest::prop_assert!(origin
                    .as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b".:/-".contains(&b)));
                proptest::prop_assert_eq!(EmbedOrigin::parse(origin.as_str()), Ok(origin.clone()));
            }
        }
    }
}
