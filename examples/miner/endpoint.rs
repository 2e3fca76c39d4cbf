//! Pool addresses: the `--pool` URL schemes the miner knows, in one place.
//!
//! Each scheme names a protocol; [`crate::pool`] starts the matching
//! session for it. Only Stratum v1 over plain TCP (`stratum+tcp://`) is
//! spoken here.

use std::fmt;

/// The protocol a pool speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Stratum v1: JSON lines over TCP.
    StratumV1,
}

impl Scheme {
    /// Every scheme with its URL prefix.
    const ALL: [(Scheme, &'static str); 1] = [(Scheme::StratumV1, "stratum+tcp://")];
}

/// A pool: scheme, host and port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub scheme: Scheme,
    pub host: String,
    pub port: u16,
}

impl Endpoint {
    /// `SCHEME://HOST:PORT` (a trailing `/` is allowed; IPv6 hosts in
    /// brackets).
    pub fn parse(url: &str) -> Result<Endpoint, String> {
        let (scheme, rest) = Scheme::ALL
            .iter()
            .find_map(|&(scheme, prefix)| url.strip_prefix(prefix).map(|rest| (scheme, rest)))
            .ok_or_else(|| {
                let known: Vec<String> = Scheme::ALL
                    .iter()
                    .map(|(_, prefix)| format!("{prefix}HOST:PORT"))
                    .collect();
                format!("only {} is supported", known.join(" or "))
            })?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let (host, port) = host_port(rest)?;
        Ok(Endpoint { scheme, host, port })
    }

    /// The same pool at another address (a `client.reconnect`).
    pub fn moved(&self, host: String, port: u16) -> Endpoint {
        Endpoint {
            scheme: self.scheme,
            host,
            port,
        }
    }

    /// Whether `host` names this pool's host (letter case aside).
    pub fn same_host(&self, host: &str) -> bool {
        self.host.eq_ignore_ascii_case(host)
    }
}

impl fmt::Display for Endpoint {
    /// `HOST:PORT`, IPv6 hosts in brackets. A host from a pool only
    /// becomes an endpoint once [`valid_host`] accepted it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// The longest host name (RFC 1035: 253 characters in text form).
pub const MAX_HOST: usize = 253;

/// Whether a host a pool names (`client.reconnect`) looks like a host
/// name or an IP address: letters, digits, `.`, `-`, `_` and `:` (IPv6),
/// at most [`MAX_HOST`] characters.
pub fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= MAX_HOST
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'))
}

/// `HOST:PORT` (an IPv6 host in brackets) of a pool URL, for v1 and v2
/// alike: a non-empty host and a port from 1 to 65535.
pub fn host_port(address: &str) -> Result<(String, u16), String> {
    let (host, port) = address
        .rsplit_once(':')
        .ok_or_else(|| "no :PORT after the host".to_string())?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() {
        return Err("no host".into());
    }
    let port: u16 = port
        .parse()
        .ok()
        .filter(|&p| p != 0)
        .ok_or_else(|| format!("bad port {port:?}"))?;
    Ok((host.to_string(), port))
}
