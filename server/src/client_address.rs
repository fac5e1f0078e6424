//! Where a request comes from, for every per-address limit (call admission, log-in and sign-up
//! throttling; issue 8). The socket's peer, unless the peer is a proxy the operator trusts
//! (`trusted_proxies`): then the nearest address in `X-Forwarded-For` that is not itself a
//! trusted proxy. Read from the right, since each proxy appends the address it saw: everything
//! to the left of the first untrusted hop was written by the client and proves nothing.
//! Without trusted proxies the header is never read, so nobody can pick their own address.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::startup::AppState;

/// At most this many hops of `X-Forwarded-For` are looked at (a stranger's header is bounded
/// before it is parsed).
const MAX_HOPS: usize = 16;

/// The client's IP address (`0.0.0.0` when unknown, as in tests that drive the router without
/// a socket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        Ok(ClientAddress(client_address(
            peer,
            &parts.headers,
            &state.settings.trusted_proxies,
        )))
    }
}

/// The client behind `peer` (see the module header).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |address: &IpAddr| trusted.iter().any(|net| net.contains(address));
    if !is_trusted(&peer) {
        return peer;
    }
    // Several headers count as one list, in order.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect();
    let mut nearest = peer;
    for hop in hops.iter().rev().take(MAX_HOPS) {
        let Ok(address) = hop.trim().parse::<IpAddr>() else {
            // Garbage: stop at the last address a trusted hop vouched for.
            return nearest;
        };
        nearest = address;
        if !is_trusted(&address) {
            return address;
        }
    }
    nearest
}

/// Parses `trusted_proxies`: addresses or CIDR blocks, comma-separated.
pub fn parse_trusted(text: &str) -> Result<Vec<IpNet>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("`{item}` is not an address or a CIDR block like 10.0.0.0/8"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let spoofed = headers(&["203.0.113.9"]);
        assert_eq!(
            client_address(ip("198.51.100.7"), &spoofed, &[]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let trusted = parse_trusted("10.0.0.0/8").unwrap();
        let spoofed = headers(&["203.0.113.9"]);
        assert_eq!(
            client_address(ip("198.51.100.7"), &spoofed, &trusted),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let trusted = parse_trusted("10.0.0.0/8, 127.0.0.1").unwrap();
        // The client wrote the first entry itself; the edge proxy appended what it saw.
        let forwarded = headers(&["1.2.3.4, 198.51.100.7", "10.0.0.2"]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &forwarded, &trusted),
            ip("198.51.100.7")
        );
        // A trusted proxy that sent no header is the client as far as anyone knows.
        assert_eq!(
            client_address(ip("10.0.0.3"), &HeaderMap::new(), &trusted),
            ip("10.0.0.3")
        );
    }

    #[test]
    fn garbage_and_long_chains_stop_at_what_a_trusted_hop_vouched_for() {
        let trusted = parse_trusted("10.0.0.0/8").unwrap();
        let garbage = headers(&["198.51.100.7, not-an-ip, 10.0.0.9"]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &garbage, &trusted),
            ip("10.0.0.9")
        );
        let chain = vec!["10.0.0.5"; 1000].join(",");
        let long = headers(&[&format!("198.51.100.7,{chain}")]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &long, &trusted),
            ip("10.0.0.5"),
            "only the nearest hops are read"
        );
    }

    #[test]
    fn trusted_proxies_must_be_addresses_or_blocks() {
        assert_eq!(parse_trusted("").unwrap(), Vec::<IpNet>::new());
        assert_eq!(parse_trusted("::1, 192.168.0.0/16").unwrap().len(), 2);
        let error = parse_trusted("10.0.0.0/8, proxy.local").unwrap_err();
        assert!(error.contains("proxy.local"), "{error}");
        assert!(parse_trusted("10.0.0.0/33").is_err());
    }
}
