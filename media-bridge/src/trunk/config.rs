//! The trunk's settings, checked once: a [`TrunkConfig`] that exists is one the dialer can use.
//!
//! Model: the server reads a plain [`TrunkSettings`] (file + environment) and turns it into a
//! [`TrunkConfig`] with [`TrunkConfig::new`], which refuses anything the dialer could only
//! fail on later, with a [`TrunkConfigError`] naming the field. Invariants of a `TrunkConfig`:
//! the host is a hostname or an IP address, the ports are not 0, a password never comes
//! without a username, the caller id is a dial string, the codec list is non-empty and has
//! no duplicates, the session timer's `Min-SE` is at least RFC 4028's 90 s and its interval
//! at least that `Min-SE` (or 0: no session timer). The password is a [`SecretString`]: it never shows in `Debug` or logs.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use secrecy::SecretString;

use super::session_timer::{RFC_MIN_SE_SECS, TimerSettings};
use crate::g711::Codec;

/// The session interval offered by default (RFC 4028's recommended 30 minutes).
pub const DEFAULT_SESSION_EXPIRES_SECS: u32 = 1800;

/// The SIP port when the settings name none (RFC 3261 §19.1.2).
pub const DEFAULT_SIP_PORT: u16 = 5060;

/// How SIP travels to the trunk. Only UDP is implemented; the type is here so that adding
/// TCP or TLS is a new variant and a match arm, not a new setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Transport {
    #[default]
    Udp,
}

/// The settings as written by the operator, before any check.
#[derive(Debug, Clone)]
pub struct TrunkSettings {
    /// The trunk's registrar/proxy host: a hostname or an IP address.
    pub host: String,
    /// `None` means 5060.
    pub port: Option<u16>,
    pub transport: Transport,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// The number the issuer sees calling (the From user).
    pub caller_id: String,
    /// In order of preference; offered in this order.
    pub codecs: Vec<Codec>,
    /// `host` or `host:port`: where requests go when the trunk sits behind a proxy. The
    /// Request-URI still names the trunk's host.
    pub outbound_proxy: Option<String>,
    /// The local address for SIP (and, by default, RTP) sockets; port 0 picks a free one.
    /// Its IP is advertised to the trunk, so it cannot be `0.0.0.0` (the default, which
    /// therefore must be replaced).
    pub local_bind: SocketAddr,
    /// The SIP session interval our INVITE offers (`Session-Expires`, RFC 4028); 0 offers
    /// no session timer (we still answer the trunk's refreshes).
    pub session_expires_secs: u32,
    /// The smallest interval we accept (`Min-SE`); at least 90.
    pub min_session_expires_secs: u32,
}

impl Default for TrunkSettings {
    fn default() -> TrunkSettings {
        TrunkSettings {
            host: String::new(),
            port: None,
            transport: Transport::Udp,
            username: None,
            password: None,
            caller_id: String::new(),
            codecs: vec![Codec::Pcmu, Codec::Pcma],
            outbound_proxy: None,
            local_bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0),
            session_expires_secs: DEFAULT_SESSION_EXPIRES_SECS,
            min_session_expires_secs: RFC_MIN_SE_SECS,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrunkConfigError {
    #[error("the trunk host is empty")]
    EmptyHost,
    #[error("{host:?} is neither a hostname nor an IP address")]
    BadHost { host: String },
    #[error("port 0 is not a SIP port")]
    PortZero,
    #[error("a trunk password is set but the username is empty")]
    PasswordWithoutUsername,
    #[error("the caller id is not a phone number: {0}")]
    BadCallerId(PhoneNumberError),
    #[error("no codec is configured; the trunk needs PCMU or PCMA")]
    NoCodecs,
    #[error("codec {codec:?} is listed twice")]
    DuplicateCodec { codec: Codec },
    #[error("the outbound proxy {value:?} is not `host` or `host:port`")]
    BadOutboundProxy { value: String },
    #[error(
        "the local address {address} is unspecified; it goes into Via, Contact and SDP, so it \
         must be the address the trunk can reach"
    )]
    UnspecifiedLocalAddress { address: SocketAddr },
    #[error("the minimum session interval {min_se} s is below RFC 4028's 90 s")]
    MinSessionExpiresTooSmall { min_se: u32 },
    #[error(
        "the session interval {session_expires} s is below the minimum session interval \
         {min_se} s (0 turns session timers off)"
    )]
    SessionExpiresBelowMinimum { session_expires: u32, min_se: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    #[error("the number is empty")]
    Empty,
    #[error("a number is an optional `+` and 1 to 20 digits")]
    NotDigits,
}

/// A dial string: an optional leading `+` and 1 to 20 digits. The server normalizes numbers
/// (E.164) before they get here; this only guarantees that nothing but digits reaches a
/// SIP URI. `Debug` and [`PhoneNumber::redacted`] hide all but the last two digits, because
/// numbers are personal data and these values end up in logs.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(text: &str) -> Result<PhoneNumber, PhoneNumberError> {
        let digits = text.strip_prefix('+').unwrap_or(text);
        if text.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PhoneNumberError::NotDigits);
        }
        Ok(PhoneNumber(text.to_owned()))
    }

    /// The number itself, for the SIP URI only.
    pub fn as_dial_string(&self) -> &str {
        &self.0
    }

    /// For logs: `+*********67`.
    pub fn redacted(&self) -> String {
        let digits = self.0.trim_start_matches('+');
        let shown = digits.len().min(2);
        let plus = if self.0.starts_with('+') { "+" } else { "" };
        format!(
            "{plus}{}{}",
            "*".repeat(digits.len() - shown),
            &digits[digits.len() - shown..]
        )
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "PhoneNumber({})", self.redacted())
    }
}

/// A host and port, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    pub host: String,
    pub port: u16,
}

impl fmt::Display for HostPort {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}:{}", self.host, self.port)
    }
}

/// A checked trunk (see the module header for its invariants).
#[derive(Debug, Clone)]
pub struct TrunkConfig {
    trunk: HostPort,
    transport: Transport,
    username: Option<String>,
    password: Option<SecretString>,
    caller_id: PhoneNumber,
    codecs: Vec<Codec>,
    outbound_proxy: Option<HostPort>,
    local_bind: SocketAddr,
    session_timer: TimerSettings,
}

impl TrunkConfig {
    pub fn new(settings: TrunkSettings) -> Result<TrunkConfig, TrunkConfigError> {
        let host = checked_host(&settings.host)?;
        let port = settings.port.unwrap_or(DEFAULT_SIP_PORT);
        if port == 0 {
            return Err(TrunkConfigError::PortZero);
        }
        let username = settings.username.filter(|name| !name.trim().is_empty());
        if settings.password.is_some() && username.is_none() {
            return Err(TrunkConfigError::PasswordWithoutUsername);
        }
        let caller_id =
            PhoneNumber::parse(&settings.caller_id).map_err(TrunkConfigError::BadCallerId)?;
        if settings.codecs.is_empty() {
            return Err(TrunkConfigError::NoCodecs);
        }
        for (index, codec) in settings.codecs.iter().enumerate() {
            if settings.codecs[..index].contains(codec) {
                return Err(TrunkConfigError::DuplicateCodec { codec: *codec });
            }
        }
        let outbound_proxy = settings
            .outbound_proxy
            .as_deref()
            .map(parse_proxy)
            .transpose()?;
        if settings.local_bind.ip().is_unspecified() {
            return Err(TrunkConfigError::UnspecifiedLocalAddress {
                address: settings.local_bind,
            });
        }
        let min_se = settings.min_session_expires_secs;
        if min_se < RFC_MIN_SE_SECS {
            return Err(TrunkConfigError::MinSessionExpiresTooSmall { min_se });
        }
        let session_expires = settings.session_expires_secs;
        if session_expires != 0 && session_expires < min_se {
            return Err(TrunkConfigError::SessionExpiresBelowMinimum {
                session_expires,
                min_se,
            });
        }
        Ok(TrunkConfig {
            trunk: HostPort { host, port },
            transport: settings.transport,
            username,
            password: settings.password,
            caller_id,
            codecs: settings.codecs,
            outbound_proxy,
            local_bind: settings.local_bind,
            session_timer: TimerSettings {
                session_expires_secs: session_expires,
                min_se_secs: min_se,
            },
        })
    }

    pub fn trunk(&self) -> &HostPort {
        &self.trunk
    }

    pub fn transport(&self) -> Transport {
        self.transport
    }

    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    pub fn password(&self) -> Option<&SecretString> {
        self.password.as_ref()
    }

    pub fn caller_id(&self) -> &PhoneNumber {
        &self.caller_id
    }

    pub fn codecs(&self) -> &[Codec] {
        &self.codecs
    }

    pub fn outbound_proxy(&self) -> Option<&HostPort> {
        self.outbound_proxy.as_ref()
    }

    pub fn local_bind(&self) -> SocketAddr {
        self.local_bind
    }

    /// What our INVITE offers (`session_expires_secs` 0: no session timer) and accepts.
    pub fn session_timer(&self) -> TimerSettings {
        self.session_timer
    }
}

/// A hostname (RFC 1123 labels) or an IP address; anything else could smuggle characters
/// into the SIP URI.
fn checked_host(host: &str) -> Result<String, TrunkConfigError> {
    let host = host.trim();
    if host.is_empty() {
        return Err(TrunkConfigError::EmptyHost);
    }
    if host.parse::<IpAddr>().is_ok() {
        return Ok(host.to_owned());
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if host.len() <= 253 && host.split('.').all(label_ok) {
        Ok(host.to_ascii_lowercase())
    } else {
        Err(TrunkConfigError::BadHost {
            host: host.to_owned(),
        })
    }
}

fn parse_proxy(value: &str) -> Result<HostPort, TrunkConfigError> {
    let bad = || TrunkConfigError::BadOutboundProxy {
        value: value.to_owned(),
    };
    let (host, port) = match value.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>().map_err(|_| bad())?),
        None => (value, DEFAULT_SIP_PORT),
    };
    if port == 0 {
        return Err(bad());
    }
    let host = checked_host(host).map_err(|_| bad())?;
    Ok(HostPort { host, port })
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn settings() -> TrunkSettings {
        TrunkSettings {
            host: "sip.example.net".into(),
            username: Some("callcard".into()),
            password: Some(SecretString::from("hunter2")),
            caller_id: "+81312345678".into(),
            local_bind: "192.0.2.10:0".parse().unwrap(),
            ..TrunkSettings::default()
        }
    }

    #[test]
    fn good_settings_become_a_config_with_defaults() {
        let config = TrunkConfig::new(settings()).unwrap();
        assert_eq!(config.trunk().to_string(), "sip.example.net:5060");
        assert_eq!(config.codecs(), &[Codec::Pcmu, Codec::Pcma]);
        assert_eq!(config.password().unwrap().expose_secret(), "hunter2");
        assert_eq!(config.outbound_proxy(), None);
    }

    #[test]
    fn debug_never_shows_the_password_or_the_whole_caller_id() {
        let printed = format!("{:?}", TrunkConfig::new(settings()).unwrap());
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("312345678"), "{printed}");
        assert!(printed.contains("*78"), "{printed}");
    }

    #[test]
    fn bad_hosts_and_ports_are_refused() {
        for (host, expected) in [
            ("", TrunkConfigError::EmptyHost),
            (
                "sip.example.net>;x",
                TrunkConfigError::BadHost {
                    host: "sip.example.net>;x".into(),
                },
            ),
            (
                "-bad.example",
                TrunkConfigError::BadHost {
                    host: "-bad.example".into(),
                },
            ),
        ] {
            let result = TrunkConfig::new(TrunkSettings {
                host: host.into(),
                ..settings()
            });
            assert_eq!(result.unwrap_err(), expected);
        }
        let ip = TrunkConfig::new(TrunkSettings {
            host: "127.0.0.1".into(),
            port: Some(5080),
            ..settings()
        })
        .unwrap();
        assert_eq!(ip.trunk().to_string(), "127.0.0.1:5080");
        let zero = TrunkConfig::new(TrunkSettings {
            port: Some(0),
            ..settings()
        });
        assert_eq!(zero.unwrap_err(), TrunkConfigError::PortZero);
        let unspecified = TrunkConfig::new(TrunkSettings {
            local_bind: TrunkSettings::default().local_bind,
            ..settings()
        });
        assert!(matches!(
            unspecified.unwrap_err(),
            TrunkConfigError::UnspecifiedLocalAddress { .. }
        ));
    }

    #[test]
    fn a_password_needs_a_username_but_no_credentials_is_fine() {
        let result = TrunkConfig::new(TrunkSettings {
            username: Some("  ".into()),
            ..settings()
        });
        assert_eq!(
            result.unwrap_err(),
            TrunkConfigError::PasswordWithoutUsername
        );
        let anonymous = TrunkConfig::new(TrunkSettings {
            username: None,
            password: None,
            ..settings()
        })
        .unwrap();
        assert_eq!(anonymous.username(), None);
    }

    #[test]
    fn caller_id_codecs_and_proxy_are_checked() {
        let caller = TrunkConfig::new(TrunkSettings {
            caller_id: "+81 3".into(),
            ..settings()
        });
        assert_eq!(
            caller.unwrap_err(),
            TrunkConfigError::BadCallerId(PhoneNumberError::NotDigits)
        );
        let none = TrunkConfig::new(TrunkSettings {
            codecs: vec![],
            ..settings()
        });
        assert_eq!(none.unwrap_err(), TrunkConfigError::NoCodecs);
        let twice = TrunkConfig::new(TrunkSettings {
            codecs: vec![Codec::Pcma, Codec::Pcma],
            ..settings()
        });
        assert_eq!(
            twice.unwrap_err(),
            TrunkConfigError::DuplicateCodec { codec: Codec::Pcma }
        );
        let proxy = TrunkConfig::new(TrunkSettings {
            outbound_proxy: Some("proxy.example.net:5070".into()),
            ..settings()
        })
        .unwrap();
        assert_eq!(
            proxy.outbound_proxy().unwrap().to_string(),
            "proxy.example.net:5070"
        );
        let bad_proxy = TrunkConfig::new(TrunkSettings {
            outbound_proxy: Some("proxy:0".into()),
            ..settings()
        });
        assert!(matches!(
            bad_proxy.unwrap_err(),
            TrunkConfigError::BadOutboundProxy { .. }
        ));
    }

    #[test]
    fn session_timer_settings_follow_rfc_4028() {
        let default = TrunkConfig::new(settings()).unwrap();
        assert_eq!(
            default.session_timer(),
            TimerSettings {
                session_expires_secs: 1800,
                min_se_secs: 90
            }
        );
        let too_small = TrunkConfig::new(TrunkSettings {
            min_session_expires_secs: 60,
            ..settings()
        });
        assert_eq!(
            too_small.unwrap_err(),
            TrunkConfigError::MinSessionExpiresTooSmall { min_se: 60 }
        );
        let below = TrunkConfig::new(TrunkSettings {
            session_expires_secs: 100,
            min_session_expires_secs: 120,
            ..settings()
        });
        assert_eq!(
            below.unwrap_err(),
            TrunkConfigError::SessionExpiresBelowMinimum {
                session_expires: 100,
                min_se: 120
            }
        );
        let off = TrunkConfig::new(TrunkSettings {
            session_expires_secs: 0,
            ..settings()
        })
        .unwrap();
        assert_eq!(off.session_timer().session_expires_secs, 0);
        assert_eq!(off.session_timer().min_se_secs, 90);
    }

    #[test]
    fn phone_numbers_are_dial_strings_and_redact() {
        assert_eq!(PhoneNumber::parse(""), Err(PhoneNumberError::Empty));
        assert_eq!(PhoneNumber::parse("+"), Err(PhoneNumberError::NotDigits));
        assert_eq!(
            PhoneNumber::parse("123@evil"),
            Err(PhoneNumberError::NotDigits)
        );
        let number = PhoneNumber::parse("+4930123456").unwrap();
        assert_eq!(number.as_dial_string(), "+4930123456");
        assert_eq!(number.redacted(), "+********56");
        assert_eq!(PhoneNumber::parse("7").unwrap().redacted(), "7");
    }
}
