//! A command-line miner on all cores: solo over a header, or for a pool
//! over Stratum v1.
//!
//! With no arguments it re-mines Bitcoin block 830,000: it starts 200
//! million nonces before the block's real nonce, finds it, prints the block
//! hash and checks it against the known hash (exit status 1 if they
//! differ).
//!
//! ```text
//! cargo run --release --example miner
//! cargo run --release --example miner -- --header HEX --start 0 --count 1000000 --bits 1d00ffff
//! cargo run --release --example miner -- --count 5000000 --difficulty 0.0001 --all --json --threads 1
//! cargo run --release --example miner -- --pool stratum+tcp://HOST:PORT --user NAME --password X
//! cargo run --release --example miner -- -o stratum+tcp://A:3333 -o stratum+tcp://B:3333 -u NAME -p X -t 2
//! cargo run --release --example miner -- --benchmark --count 100000000
//! ```
//!
//! Solo options:
//! - `--header HEX`: the 80-byte header to mine, wire format (its nonce is
//!   ignored). Default: block 830,000, starting 200 million nonces before
//!   its nonce.
//! - `--start N`, `--count N`: the nonce range (default: from 0, or from
//!   the demo start, to the end of the 32-bit space).
//! - `--target HEX` (64 digits, big-endian as Bitcoin displays targets),
//!   `--bits HEX` (compact nBits) or `--difficulty D`; default: the
//!   header's own bits.
//! - `--all`: report every winning nonce instead of stopping at the first.
//! - `--json`: print one JSON object on stdout at the end:
//!   `{"kernel", "threads", "start", "count", "hash_count", "seconds",
//!   "mhs", "nonces": [...], "block_hashes": [...]}`: `hash_count` is how
//!   many headers were hashed, `nonces` the winning nonces (ascending) and
//!   `block_hashes` their block hashes in display order.
//! - `--benchmark`: the hash rate only, without a pool: the built-in
//!   header over `--start`/`--count` (default all 2^32 nonces) against a
//!   target no hash meets.
//!
//! Pool options (see `docs/stratum.md`); the short forms are those of
//! cpuminer and cgminer:
//! - `-o`, `--pool stratum+tcp://HOST:PORT`, `-u`, `--user NAME`, `-p`,
//!   `--password X` (default `x`). `--pool` may be given several times:
//!   the miner mines on the first that works, moves to the next when one
//!   is unreachable, silent or refuses the user, and goes back to an
//!   earlier one when it accepts connections again (checked every
//!   `--failback SECS`, default 60; after a return that failed again,
//!   twice as long, up to 16 times).
//! - `--shares N`: exit (status 0) after N accepted shares.
//! - `--timeout SECS` (default 120): a pool that sends nothing, or does not
//!   answer a request, for this long is dropped and reconnected.
//! - `--handshake-timeout SECS` (default 30): a pool that has not answered
//!   the opening requests and sent a job this long after the connection
//!   is dropped.
//! - `--max-reconnect-wait SECS` (default 30): the longest wait a pool's
//!   `client.reconnect` may ask for; `--allow-redirect` follows a
//!   `client.reconnect` to another host (by default only another port of
//!   the same host).
//! - `--max-share-rate N` (default 10): shares sent per second at most; a
//!   share target that gives more is said to be absurd, once, and the
//!   extra shares are counted, not sent.
//! - `--retries N`: give up (status 1) when the connection and then N
//!   reconnections in a row fail (a connection that received a job resets
//!   the count); by default it retries for ever, moving to the next pool
//!   at once and, once every pool failed, waiting 1, 2, 4, ... up to 60
//!   seconds.
//! - `--no-version-rolling`: do not send `mining.configure` (BIP 310).
//! - `--work-size N`: nonces searched per (extranonce2, version) pair
//!   before the next version is rolled (default all 2^32).
//! - `--pool stratum2+tcp://HOST:PORT/AUTHORITY_KEY`: Stratum V2 (x86-64
//!   Linux builds), the pool's certificate checked against its authority
//!   public key; `--channel standard|extended` (default standard).
//!
//! Common options:
//! - `-t`, `--threads N`: default all cores. `--kernel auto|scalar|sse41|avx2|sha-ni`
//!   (any kernel name of the library); forcing one this CPU lacks fails.
//! - Progress on stderr: the current hash rate (over the last interval),
//!   nonces done and the time left for a finite range. On a terminal it
//!   is one line rewritten every second; otherwise a line every five
//!   seconds (`--progress SECS` to change). `-q`, `--quiet` turns it off.
//! - `-V`, `--version`: the program's name and version.
//!
//! Pool events (connected, a new job, a share accepted or rejected, a
//! lost connection, a reconnection) are printed after the UTC time,
//! `[2024-05-01 12:34:56]`. Text from a pool is printed escaped and cut
//! (see `docs/stratum.md`).
//!
//! Exit status: 0 when the search ran (whether or not it found a nonce),
//! or `--shares` were accepted; 1 when the built-in demo block's hash does
//! not match, or every pool refused the user, or none could be reached
//! within `--retries`; 2 on bad input (a one-line message on stderr). A closed
//! stdout ends the program quietly.

mod endpoint;
mod hashing;
mod inbox;
mod output;
mod pool;
mod pool_miner;
mod progress;
mod protocol;
mod session;
mod solo;
mod sv2;

use std::process::ExitCode;
use std::thread;

use clap::Parser;
use sha256d::{Engine, Kernel};

use output::tell;

#[derive(Parser, Debug)]
#[command(
    name = "miner",
    version,
    about = "Mine Bitcoin block headers on all cores, solo or for a Stratum v1 pool"
)]
pub struct Cli {
    /// 80-byte header, hex, wire format; its nonce is ignored [default: block 830,000]
    #[arg(long, value_name = "HEX")]
    header: Option<String>,
    /// First nonce [default: 0, or 200 million before the demo block's nonce]
    #[arg(long, value_name = "N")]
    start: Option<u32>,
    /// Number of nonces [default: to the end of the 32-bit space]
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Target, 64 hex digits, big-endian as Bitcoin displays it
    #[arg(long, value_name = "HEX", conflicts_with_all = ["bits", "difficulty"])]
    target: Option<String>,
    /// Compact target (nBits), hex, e.g. 1d00ffff
    #[arg(long, value_name = "HEX", conflicts_with = "difficulty")]
    bits: Option<String>,
    /// Difficulty (1 is nBits 1d00ffff)
    #[arg(long, value_name = "D", allow_negative_numbers = true)]
    difficulty: Option<f64>,
    /// Threads [default: all cores]
    #[arg(short = 't', long, value_name = "N")]
    threads: Option<usize>,
    /// Kernel: auto or a kernel name (scalar, sse41, avx2, sha-ni, ...)
    #[arg(long, value_name = "NAME", default_value = "auto")]
    kernel: String,
    /// Report every winning nonce in the range instead of stopping at the first
    #[arg(long)]
    all: bool,
    /// Print one JSON object on stdout at the end
    #[arg(long)]
    json: bool,
    /// No progress lines on stderr
    #[arg(short = 'q', long)]
    quiet: bool,
    /// Seconds between progress lines [default: 1 on a terminal, else 5]
    #[arg(long, value_name = "SECS")]
    progress: Option<f64>,
    /// Measure the hash rate without a pool: the built-in header against a target no hash meets
    #[arg(
        long,
        conflicts_with_all = ["header", "target", "bits", "difficulty", "all", "pool"]
    )]
    benchmark: bool,

    /// Mine for a pool: stratum+tcp://HOST:PORT, several for failover in order; or one Stratum V2 pool: stratum2+tcp://HOST:PORT/AUTHORITY_KEY
    #[arg(
        short = 'o',
        long,
        value_name = "URL",
        requires = "user",
        conflicts_with_all = ["header", "start", "count", "target", "bits", "difficulty", "all", "json"]
    )]
    pool: Vec<String>,
    /// Pool user (worker) name
    #[arg(short = 'u', long, value_name = "NAME", requires = "pool")]
    user: Option<String>,
    /// Pool password
    #[arg(
        short = 'p',
        long,
        value_name = "X",
        default_value = "x",
        requires = "pool"
    )]
    password: String,
    /// Exit after this many accepted shares
    #[arg(long, value_name = "N", requires = "pool")]
    shares: Option<u64>,
    /// Seconds without a message or an answer from the pool before reconnecting
    #[arg(long, value_name = "SECS", default_value_t = 120.0, requires = "pool")]
    timeout: f64,
    /// Seconds for a new connection to answer the opening requests and send a job
    #[arg(long, value_name = "SECS", default_value_t = 30.0, requires = "pool")]
    handshake_timeout: f64,
    /// The longest wait a pool's client.reconnect may ask for, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 30.0, requires = "pool")]
    max_reconnect_wait: f64,
    /// Follow a client.reconnect to another host (another port is always followed)
    #[arg(long, requires = "pool")]
    allow_redirect: bool,
    /// Seconds between checks that an earlier --pool is back
    #[arg(long, value_name = "SECS", default_value_t = 60.0, requires = "pool")]
    failback: f64,
    /// Shares sent per second at most
    #[arg(long, value_name = "N", default_value_t = 10.0, requires = "pool")]
    max_share_rate: f64,
    /// Give up after this many failed reconnections in a row [default: never]
    #[arg(long, value_name = "N", requires = "pool")]
    retries: Option<u32>,
    /// Do not negotiate BIP 310 version rolling
    #[arg(long, requires = "pool")]
    no_version_rolling: bool,
    /// Nonces per (extranonce2, version) before rolling the version [default: 4294967296]
    #[arg(long, value_name = "N", requires = "pool")]
    work_size: Option<u64>,
    /// Stratum V2 channel: standard (header-only) or extended
    #[arg(
        long,
        value_name = "KIND",
        default_value = "standard",
        requires = "pool"
    )]
    channel: String,
}

/// A bad command line, as one line for the user.
pub struct UsageError(pub String);

/// The error for option `what`, with the library's description of it.
pub fn bad(what: &str, error: impl std::fmt::Display) -> UsageError {
    UsageError(format!("{what}: {error}"))
}

/// `--kernel` and `--threads`, shared by both modes.
fn engine_and_threads(cli: &Cli) -> Result<(Engine, usize), UsageError> {
    let engine = if cli.kernel.eq_ignore_ascii_case("auto") {
        Engine::best()
    } else {
        let kernel = Kernel::from_name(&cli.kernel).map_err(|_| {
            let names: Vec<&str> = Kernel::ALL.iter().map(|k| k.name()).collect();
            UsageError(format!(
                "--kernel {}: unknown kernel (known: auto, {})",
                cli.kernel,
                names.join(", ")
            ))
        })?;
        Engine::new(kernel).map_err(|e| bad("--kernel", e))?
    };
    let threads = match cli.threads {
        Some(0) => return Err(UsageError("--threads: must be at least 1".into())),
        Some(n) => n,
        None => thread::available_parallelism().map_or(1, |n| n.get()),
    };
    Ok((engine, threads))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout with status 0.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            // clap's message on one line, without the usage that follows.
            let message = e.to_string();
            let lines: Vec<&str> = message
                .lines()
                .map(str::trim)
                .take_while(|line| !line.starts_with("Usage:"))
                .filter(|line| !line.is_empty())
                .collect();
            tell!("{}", lines.join(" "));
            return ExitCode::from(2);
        }
    };
    let planned = engine_and_threads(&cli).and_then(|(engine, threads)| {
        if let Some(interval) = cli.progress
            && !(interval.is_finite() && interval > 0.0)
        {
            return Err(UsageError(
                "--progress: must be a number of seconds > 0".into(),
            ));
        }
        let style = progress::ProgressStyle::new(cli.progress, cli.quiet);
        let v2 = cli.pool.iter().filter(|url| url.starts_with(sv2::SCHEME)).count();
        Ok(match cli.pool.as_slice() {
            [] => Mode::Solo(solo::Plan::new(&cli, engine, threads, style)?),
            [url] if v2 == 1 => Mode::Sv2(sv2::Config::new(&cli, url, engine, threads, style)?),
            _ if v2 > 0 => {
                return Err(UsageError(
                    "--pool: a Stratum V2 pool is mined alone (failover is for stratum+tcp:// pools)"
                        .into(),
                ));
            }
            _ => Mode::Pool(pool::Config::new(&cli, engine, threads, style)?),
        })
    });
    match planned {
        Ok(Mode::Solo(plan)) => solo::run(&cli, &plan),
        Ok(Mode::Pool(config)) => pool::run(&config),
        Ok(Mode::Sv2(config)) => sv2::run(&config),
        Err(UsageError(message)) => {
            tell!("error: {message}");
            ExitCode::from(2)
        }
    }
}

enum Mode {
    Solo(solo::Plan),
    Pool(pool::Config),
    Sv2(sv2::Config),
}
