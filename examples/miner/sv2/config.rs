//! What the command line decides for Stratum V2 pool mode.

use std::time::Duration;

use key_utils::Secp256k1PublicKey;
use sha256d::Engine;

use super::SCHEME;
use crate::progress::ProgressStyle;
use crate::{Cli, UsageError, bad};

/// The kind of channel to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelKind {
    /// Header-only mining: the pool sends Merkle roots.
    Standard,
    /// The miner rolls its own extranonce in the coinbase.
    Extended,
}

/// Everything the command line decides for SV2 pool mode.
pub struct Config {
    pub host: String,
    pub port: u16,
    /// The pool's authority public key (x-only), from the URL.
    pub authority_key: [u8; 32],
    pub user: String,
    pub channel: ChannelKind,
    pub shares: Option<u64>,
    pub timeout: Duration,
    pub retries: Option<u32>,
    pub version_rolling: bool,
    pub work_size: u64,
    pub engine: Engine,
    pub threads: usize,
    pub progress: ProgressStyle,
}

impl Config {
    pub fn new(
        cli: &Cli,
        url: &str,
        engine: Engine,
        threads: usize,
        progress: ProgressStyle,
    ) -> Result<Config, UsageError> {
        let (host, port, authority_key) =
            parse_url(url).map_err(|e| bad(&format!("--pool {url}"), e))?;
        let channel = match cli.channel.to_ascii_lowercase().as_str() {
            "standard" => ChannelKind::Standard,
            "extended" => ChannelKind::Extended,
            other => {
                return Err(UsageError(format!(
                    "--channel {other}: must be standard or extended"
                )));
            }
        };
        if !(cli.timeout.is_finite() && cli.timeout > 0.0) {
            return Err(UsageError(
                "--timeout: must be a number of seconds > 0".into(),
            ));
        }
        let work_size = cli.work_size.unwrap_or(1 << 32);
        if !(1..=1 << 32).contains(&work_size) {
            return Err(UsageError("--work-size: must be 1 to 4294967296".into()));
        }
        if cli.shares == Some(0) {
            return Err(UsageError("--shares: must be at least 1".into()));
        }
        let user = cli.user.clone().unwrap_or_default();
        if user.len() > 255 {
            return Err(UsageError("--user: at most 255 bytes in Stratum V2".into()));
        }
        Ok(Config {
            host,
            port,
            authority_key,
            user,
            channel,
            shares: cli.shares,
            timeout: Duration::from_secs_f64(cli.timeout),
            retries: cli.retries,
            version_rolling: !cli.no_version_rolling,
            work_size,
            engine,
            threads,
            progress,
        })
    }
}

/// `stratum2+tcp://HOST:PORT/KEY`: IPv6 hosts in brackets, the key as
/// pools publish their `authority_public_key` (base58check of a 2-byte
/// key version, 1, and the 32-byte x-only secp256k1 key).
fn parse_url(url: &str) -> Result<(String, u16, [u8; 32]), String> {
    let rest = url
        .strip_prefix(SCHEME)
        .ok_or_else(|| format!("not a {SCHEME} URL"))?;
    let (address, key) = rest
        .split_once('/')
        .filter(|(_, key)| !key.is_empty())
        .ok_or_else(|| {
            "no /AUTHORITY_PUBLIC_KEY after the port (the pool's authority key, base58check)"
                .to_string()
        })?;
    let (host, port) = crate::endpoint::host_port(address)?;
    let key: Secp256k1PublicKey = key
        .parse()
        .map_err(|e| format!("bad authority public key: {e}"))?;
    Ok((host, port, key.into_bytes()))
}
