//! The calling settings (issue 4): where media sockets bind, and the SIP trunk — read from the
//! `[calling]` and `[trunk]` tables of the config file and `CALLCARD_MEDIA_*` /
//! `CALLCARD_TRUNK_*` variables. A trunk with bad settings stops the server at start with the
//! field named; no trunk at all is fine (phone destinations are then refused with `no_trunk`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use media_bridge::g711::Codec;
use media_bridge::trunk::{TrunkConfig, TrunkSettings};
use secrecy::SecretString;
use serde::Deserialize;

use super::{ConfigError, parse_env};
use crate::calls::admission::AdmissionLimits;
use media_bridge::browser::CandidatePolicy;

/// The file form of `[calling]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileCalling {
    media_ip: Option<IpAddr>,
    public_ip: Option<IpAddr>,
    starts_per_address_per_minute: Option<u32>,
    starts_per_card_per_minute: Option<u32>,
    live_calls_per_address: Option<u32>,
    live_calls_per_card: Option<u32>,
    max_live_calls: Option<u32>,
    callbacks_per_number_per_hour: Option<u32>,
}

/// The file form of `[trunk]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileTrunk {
    host: Option<String>,
    port: Option<u16>,
    username: Option<String>,
    password: Option<SecretString>,
    caller_id: Option<String>,
    /// `["PCMU", "PCMA"]`, in order of preference.
    codecs: Option<Vec<String>>,
    outbound_proxy: Option<String>,
    /// The local SIP address, e.g. `10.0.0.5:5070`; `media_ip` with a free port by default.
    local_address: Option<SocketAddr>,
}

/// Media and trunk, checked.
#[derive(Debug, Clone)]
pub struct CallingSettings {
    /// The IP browser legs and trunk RTP bind to and advertise (127.0.0.1 by default).
    pub media_ip: IpAddr,
    /// Advertised to browsers instead of `media_ip` behind a 1:1 NAT.
    pub public_ip: Option<IpAddr>,
    pub trunk: Option<TrunkConfig>,
    /// Bounds on anonymous call starts (`calls/admission.rs`).
    pub admission: AdmissionLimits,
}

impl CallingSettings {
    /// Which browser candidates the server may send ICE checks to: loopback only for an
    /// installation on loopback, private ranges only for one on a private network that is not
    /// behind a 1:1 NAT (its callers are then on that network too); public ones always.
    pub fn candidate_policy(&self) -> CandidatePolicy {
        let private_network = match self.media_ip {
            IpAddr::V4(ip) => ip.is_private() || ip.is_link_local(),
            IpAddr::V6(ip) => (ip.segments()[0] & 0xfe00) == 0xfc00,
        };
        CandidatePolicy {
            allow_loopback: self.media_ip.is_loopback(),
            allow_private: private_network && self.public_ip.is_none(),
        }
    }
}

pub(super) fn read(
    env: &impl Fn(&str) -> Option<String>,
    calling: FileCalling,
    trunk: FileTrunk,
) -> Result<CallingSettings, ConfigError> {
    let media_ip = parse_env(env, "CALLCARD_MEDIA_IP", "calling.media_ip")?
        .or(calling.media_ip)
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if media_ip.is_unspecified() {
        return Err(ConfigError::Invalid {
            key: "calling.media_ip",
            message: "it is advertised to browsers and the trunk, so it must be a real address, \
                      not 0.0.0.0"
                .into(),
        });
    }
    let public_ip =
        parse_env(env, "CALLCARD_MEDIA_PUBLIC_IP", "calling.public_ip")?.or(calling.public_ip);
    let admission = read_admission(env, &calling)?;
    let host = env("CALLCARD_TRUNK_HOST")
        .or(trunk.host)
        .filter(|host| !host.trim().is_empty());
    let Some(host) = host else {
        return Ok(CallingSettings {
            media_ip,
            public_ip,
            trunk: None,
            admission,
        });
    };
    let codecs = match env("CALLCARD_TRUNK_CODECS")
        .map(|text| text.split(',').map(str::to_string).collect())
        .or(trunk.codecs)
    {
        Some(names) => names
            .iter()
            .map(|name| match name.trim().to_ascii_uppercase().as_str() {
                "PCMU" => Ok(Codec::Pcmu),
                "PCMA" => Ok(Codec::Pcma),
                other => Err(ConfigError::Invalid {
                    key: "trunk.codecs",
                    message: format!("`{other}` is not PCMU or PCMA"),
                }),
            })
            .collect::<Result<Vec<_>, _>>()?,
        None => vec![Codec::Pcmu, Codec::Pcma],
    };
    let settings = TrunkSettings {
        host: host.trim().to_string(),
        port: parse_env(env, "CALLCARD_TRUNK_PORT", "trunk.port")?.or(trunk.port),
        username: env("CALLCARD_TRUNK_USERNAME")
            .or(trunk.username)
            .filter(|user| !user.is_empty()),
        password: env("CALLCARD_TRUNK_PASSWORD")
            .map(SecretString::from)
            .or(trunk.password),
        caller_id: env("CALLCARD_TRUNK_CALLER_ID")
            .or(trunk.caller_id)
            .unwrap_or_default(),
        codecs,
        outbound_proxy: env("CALLCARD_TRUNK_OUTBOUND_PROXY")
            .or(trunk.outbound_proxy)
            .filter(|proxy| !proxy.trim().is_empty()),
        local_bind: parse_env(env, "CALLCARD_TRUNK_LOCAL_ADDRESS", "trunk.local_address")?
            .or(trunk.local_address)
            .unwrap_or(SocketAddr::new(media_ip, 0)),
        ..TrunkSettings::default()
    };
    let trunk = TrunkConfig::new(settings).map_err(|error| ConfigError::Invalid {
        key: "trunk",
        message: error.to_string(),
    })?;
    Ok(CallingSettings {
        media_ip,
        public_ip,
        trunk: Some(trunk),
        admission,
    })
}

fn read_admission(
    env: &impl Fn(&str) -> Option<String>,
    calling: &FileCalling,
) -> Result<AdmissionLimits, ConfigError> {
    let defaults = AdmissionLimits::default();
    let bound = |var: &str, key: &'static str, file: Option<u32>, default: u32| {
        let value = parse_env(env, var, key)?.or(file).unwrap_or(default);
        if value == 0 {
            return Err(ConfigError::Invalid {
                key,
                message: "must be at least 1".into(),
            });
        }
        Ok(value)
    };
    Ok(AdmissionLimits {
        window: defaults.window,
        starts_per_address: bound(
            "CALLCARD_CALL_STARTS_PER_ADDRESS",
            "calling.starts_per_address_per_minute",
            calling.starts_per_address_per_minute,
            defaults.starts_per_address,
        )?,
        starts_per_card: bound(
            "CALLCARD_CALL_STARTS_PER_CARD",
            "calling.starts_per_card_per_minute",
            calling.starts_per_card_per_minute,
            defaults.starts_per_card,
        )?,
        live_per_address: bound(
            "CALLCARD_LIVE_CALLS_PER_ADDRESS",
            "calling.live_calls_per_address",
            calling.live_calls_per_address,
            defaults.live_per_address,
        )?,
        live_per_card: bound(
            "CALLCARD_LIVE_CALLS_PER_CARD",
            "calling.live_calls_per_card",
            calling.live_calls_per_card,
            defaults.live_per_card,
        )?,
        live_total: bound(
            "CALLCARD_MAX_LIVE_CALLS",
            "calling.max_live_calls",
            calling.max_live_calls,
            defaults.live_total,
        )?,
        callbacks_per_number_per_hour: bound(
            "CALLCARD_CALLBACKS_PER_NUMBER",
            "calling.callbacks_per_number_per_hour",
            calling.callbacks_per_number_per_hour,
            defaults.callbacks_per_number_per_hour,
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_env(pairs: &[(&str, &str)]) -> Result<CallingSettings, ConfigError> {
        let env = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        };
        read(&env, FileCalling::default(), FileTrunk::default())
    }

    #[test]
    fn no_trunk_host_means_no_trunk() {
        let settings = read_env(&[]).unwrap();
        assert!(settings.trunk.is_none());
        assert_eq!(settings.media_ip, IpAddr::V4(Ipv4Addr::LOCALHOST));
    }

    #[test]
    fn a_trunk_is_checked_at_start_with_the_field_named() {
        let settings = read_env(&[
            ("CALLCARD_TRUNK_HOST", "127.0.0.1"),
            ("CALLCARD_TRUNK_PORT", "5062"),
            ("CALLCARD_TRUNK_CALLER_ID", "+8225551234"),
            ("CALLCARD_TRUNK_CODECS", "pcma,PCMU"),
        ])
        .unwrap();
        let trunk = settings.trunk.unwrap();
        assert_eq!(trunk.codecs(), [Codec::Pcma, Codec::Pcmu]);
        let bad_codec = read_env(&[
            ("CALLCARD_TRUNK_HOST", "127.0.0.1"),
            ("CALLCARD_TRUNK_CODECS", "opus"),
        ])
        .unwrap_err();
        assert!(
            bad_codec.to_string().contains("trunk.codecs"),
            "{bad_codec}"
        );
        let password_alone = read_env(&[
            ("CALLCARD_TRUNK_HOST", "127.0.0.1"),
            ("CALLCARD_TRUNK_CALLER_ID", "+8225551234"),
            ("CALLCARD_TRUNK_PASSWORD", "secret"),
        ])
        .unwrap_err();
        assert!(
            password_alone.to_string().contains("trunk"),
            "{password_alone}"
        );
        let unspecified = read_env(&[("CALLCARD_MEDIA_IP", "0.0.0.0")]).unwrap_err();
        assert!(
            unspecified.to_string().contains("media_ip"),
            "{unspecified}"
        );
    }
}
