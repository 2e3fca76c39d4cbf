//! Pool mode over Stratum V2 (`stratum2+tcp://HOST:PORT/AUTHORITY_KEY`):
//! the Noise NX handshake checked against the pool's authority key, then
//! the mining protocol on one standard or extended channel.
//!
//! Framing, Noise and message encoding come from the Stratum Reference
//! Implementation's crates, which the miner is built with only on x86-64
//! Linux; elsewhere a `stratum2+tcp://` pool is a usage error. The work
//! itself comes from `sha256d::stratum::v2`. See `docs/stratum.md`.

/// The URL scheme of a Stratum V2 pool.
pub const SCHEME: &str = "stratum2+tcp://";

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod config;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod connection;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod hashing;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod jobs;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod messages;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod session;

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
pub use config::Config;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
pub use session::run;

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
mod unsupported {
    use std::process::ExitCode;

    use crate::progress::ProgressStyle;
    use crate::{Cli, UsageError};
    use sha256d::Engine;

    /// No Stratum V2 on this platform: a configuration never exists.
    pub enum Config {}

    impl Config {
        pub fn new(
            _cli: &Cli,
            url: &str,
            _engine: Engine,
            _threads: usize,
            _progress: ProgressStyle,
        ) -> Result<Config, UsageError> {
            Err(UsageError(format!(
                "--pool {url}: Stratum V2 is only built into the miner on x86-64 Linux"
            )))
        }
    }

    pub fn run(config: &Config) -> ExitCode {
        match *config {}
    }
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
pub use unsupported::{Config, run};

/// Pool bytes for a message: UTF-8 text escaped and cut as every pool
/// string is ([`crate::output::shown`]); bytes that are not UTF-8, each
/// escaped. Either way a pool cannot write control sequences to the
/// terminal.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
pub fn printable(bytes: &[u8], max: usize) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => crate::output::shown(text, max),
        Err(_) => crate::output::shown(&bytes.escape_ascii().to_string(), max),
    }
}
