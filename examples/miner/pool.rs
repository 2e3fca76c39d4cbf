//! Pool mode: Stratum v1 with BIP 310 version rolling, and failover
//! across several `--pool`s.
//!
//! One connection at a time ([`crate::session`]). A reader thread turns
//! the socket into lines and the hashing thread ([`crate::hashing`])
//! reports shares; both go through one bounded [`Inbox`] to this thread,
//! which runs the session and, when it ends, decides what is next:
//!
//! - a lost connection moves to the next `--pool` at once; when every pool
//!   failed in a row, it waits 1, 2, 4, ... up to 60 seconds and starts
//!   again from the first;
//! - a pool that refuses the user is left for good (with one pool, the
//!   program ends);
//! - `client.reconnect` is followed (its wait capped); with other pools,
//!   mining goes on there meanwhile;
//! - while mining on a later pool, the earlier ones are probed every
//!   `--failback` seconds, and the first that accepts a connection is
//!   returned to; a pool that then fails again before sending a job is
//!   probed less and less often.
//!
//! The protocol subset is described in `docs/stratum.md`.

use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use sha256d::Engine;

use crate::endpoint::{Endpoint, Scheme};
use crate::inbox::Inbox;
use crate::output::{alert, event, say, tell};
use crate::pool_miner::Miner;
use crate::progress::{ProgressStyle, RateMeter, format_duration, format_rate};
use crate::session::{End, Failback, Session};
use crate::{Cli, UsageError, bad};

/// The first wait before reconnecting; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Everything the command line decides for pool mode.
pub struct Config {
    pub pools: Vec<Endpoint>,
    pub user: String,
    pub password: String,
    pub shares: Option<u64>,
    pub timeout: Duration,
    pub handshake_timeout: Duration,
    pub max_reconnect_wait: Duration,
    pub failback: Duration,
    pub allow_redirect: bool,
    pub max_share_rate: f64,
    pub retries: Option<u32>,
    pub version_rolling: bool,
    pub work_size: u64,
    pub engine: Engine,
    pub threads: usize,
    pub progress: ProgressStyle,
}

/// A positive number of seconds from option `name`.
fn seconds(name: &str, value: f64) -> Result<Duration, UsageError> {
    if value.is_finite() && value > 0.0 && value < 1e9 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(UsageError(format!(
            "{name}: must be a number of seconds > 0"
        )))
    }
}

impl Config {
    pub fn new(
        cli: &Cli,
        engine: Engine,
        threads: usize,
        progress: ProgressStyle,
    ) -> Result<Config, UsageError> {
        let pools = cli
            .pool
            .iter()
            .map(|url| Endpoint::parse(url).map_err(|e| bad(&format!("--pool {url}"), e)))
            .collect::<Result<Vec<_>, _>>()?;
        let work_size = cli.work_size.unwrap_or(1 << 32);
        if !(1..=1 << 32).contains(&work_size) {
            return Err(UsageError("--work-size: must be 1 to 4294967296".into()));
        }
        if cli.shares == Some(0) {
            return Err(UsageError("--shares: must be at least 1".into()));
        }
        if !(cli.max_share_rate.is_finite() && cli.max_share_rate > 0.0) {
            return Err(UsageError(
                "--max-share-rate: must be a number of shares per second > 0".into(),
            ));
        }
        let max_reconnect_wait = if cli.max_reconnect_wait == 0.0 {
            Duration::ZERO
        } else {
            seconds("--max-reconnect-wait", cli.max_reconnect_wait)?
        };
        Ok(Config {
            pools,
            user: cli.user.clone().unwrap_or_default(),
            password: cli.password.clone(),
            shares: cli.shares,
            timeout: seconds("--timeout", cli.timeout)?,
            handshake_timeout: seconds("--handshake-timeout", cli.handshake_timeout)?,
            max_reconnect_wait,
            failback: seconds("--failback", cli.failback)?,
            allow_redirect: cli.allow_redirect,
            max_share_rate: cli.max_share_rate,
            retries: cli.retries,
            version_rolling: !cli.no_version_rolling,
            work_size,
            engine,
            threads,
            progress,
        })
    }
}

/// Shares of one pool.
#[derive(Clone, Copy, Default)]
pub struct PoolCount {
    pub accepted: u64,
    pub rejected: u64,
}

/// Counts over the whole run.
pub struct Stats {
    pub accepted: u64,
    pub rejected: u64,
    /// Shares found for jobs that had become stale, not sent.
    pub stale: u64,
    /// Shares over `--max-share-rate` or the bound on unanswered
    /// requests, not sent.
    pub over_cap: u64,
    pub warned_over_cap: bool,
    pub per_pool: Vec<PoolCount>,
    pub started: Instant,
    pub meter: RateMeter,
    pub next_progress: Instant,
    pub difficulty: f64,
}

/// Where each pool stands in the failover order.
struct PoolState {
    /// The address in use: the configured one, or where a
    /// `client.reconnect` sent the miner (until that connection fails).
    endpoint: Endpoint,
    /// Refused the user: not tried again.
    refused: bool,
    /// Not tried before this time (a `client.reconnect` wait).
    not_before: Instant,
    /// Not probed for a return before this time, and the wait after the
    /// next failed return: a pool that accepts connections but fails
    /// again is probed less and less often (`--failback` doubled each
    /// time, at most [`MAX_FAILBACK_FACTOR`] times).
    probe_not_before: Instant,
    probe_wait: Duration,
}

/// How far a failed return stretches the `--failback` interval.
const MAX_FAILBACK_FACTOR: u32 = 16;

/// "pool 2 (HOST:PORT)" with several pools, "HOST:PORT" with one.
fn name(config: &Config, index: usize, endpoint: &Endpoint) -> String {
    if config.pools.len() == 1 {
        endpoint.to_string()
    } else {
        format!("pool {} ({endpoint})", index + 1)
    }
}

pub fn run(config: &Config) -> ExitCode {
    let inbox = Arc::new(Inbox::new());
    let miner = Miner::start(
        config.engine,
        config.threads,
        config.work_size,
        Arc::clone(&inbox),
    );
    let names: Vec<String> = config.pools.iter().map(ToString::to_string).collect();
    say!(
        "kernel {}, {} threads, pool {}, user {}",
        config.engine.kernel(),
        config.threads,
        names.join(", then "),
        config.user
    );
    let now = Instant::now();
    let mut stats = Stats {
        accepted: 0,
        rejected: 0,
        stale: 0,
        over_cap: 0,
        warned_over_cap: false,
        per_pool: vec![PoolCount::default(); config.pools.len()],
        started: now,
        meter: RateMeter::new(0),
        next_progress: now + config.progress.interval,
        difficulty: 1.0,
    };
    let mut pools: Vec<PoolState> = config
        .pools
        .iter()
        .map(|endpoint| PoolState {
            endpoint: endpoint.clone(),
            refused: false,
            not_before: now,
            probe_not_before: now,
            probe_wait: config.failback,
        })
        .collect();
    let mut current = 0;
    // Failed connections in a row (for --retries), and in this round of
    // the list (a full round waits before the next).
    let mut failures = 0u32;
    let mut round = 0usize;
    let mut backoff = FIRST_BACKOFF;
    let mut session_id = 0u64;
    // The pool last returned to by failback, until it gets work or fails.
    let mut returned: Option<usize> = None;
    let code = loop {
        session_id += 1;
        let endpoint = pools[current].endpoint.clone();
        let failback: Vec<Failback> = (0..current)
            .filter(|&i| !pools[i].refused)
            .map(|i| Failback {
                index: i,
                endpoint: config.pools[i].clone(),
                not_before: pools[i].not_before.max(pools[i].probe_not_before),
            })
            .collect();
        let end = match endpoint.scheme {
            Scheme::StratumV1 => {
                match Session::connect(config, current, &endpoint, session_id, &inbox, failback) {
                    Ok(mut session) => {
                        let end = session.run(&miner, &mut stats);
                        session.close();
                        end
                    }
                    Err(reason) => End::Lost {
                        reason,
                        got_work: false,
                    },
                }
            }
        };
        miner.set_work(None);
        let here = name(config, current, &endpoint);
        match end {
            End::Done => break ExitCode::SUCCESS,
            End::Refused(message) => {
                pools[current].refused = true;
                let Some(next) = next_pool(&pools, current) else {
                    tell!("error: {message}");
                    break ExitCode::FAILURE;
                };
                alert!(
                    "warning: {here}: {message}; moving to {}",
                    name(config, next, &pools[next].endpoint)
                );
                current = next;
            }
            End::Redirect {
                to,
                mut wait,
                got_work,
            } => {
                if got_work {
                    failures = 0;
                    backoff = FIRST_BACKOFF;
                } else {
                    // Redirects before any work (a storm) wait like
                    // failed connections.
                    wait = wait.max(backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
                event!(
                    "the pool asked to reconnect to {to}; reconnecting in {}",
                    format_duration(wait.as_secs_f64())
                );
                pools[current].endpoint = to;
                round = 0;
                pools[current].not_before = Instant::now() + wait;
                match next_pool(&pools, current).filter(|_| !wait.is_zero()) {
                    Some(next) => {
                        event!(
                            "mining on {} meanwhile",
                            name(config, next, &pools[next].endpoint)
                        );
                        current = next;
                    }
                    None => thread::sleep(wait),
                }
            }
            End::Failback(index) => {
                event!(
                    "{} is back: leaving {here}",
                    name(config, index, &pools[index].endpoint)
                );
                current = index;
                returned = Some(index);
                round = 0;
            }
            End::Lost { reason, got_work } => {
                if returned.take() == Some(current) && !got_work {
                    let pool = &mut pools[current];
                    pool.probe_not_before = Instant::now() + pool.probe_wait;
                    alert!(
                        "{here} failed again after a return; next check in {}",
                        format_duration(pool.probe_wait.as_secs_f64())
                    );
                    pool.probe_wait =
                        (pool.probe_wait * 2).min(config.failback * MAX_FAILBACK_FACTOR);
                } else if got_work {
                    pools[current].probe_wait = config.failback;
                }
                if got_work {
                    failures = 0;
                    round = 0;
                    backoff = FIRST_BACKOFF;
                }
                failures += 1;
                round += 1;
                // A redirect holds only while it works.
                pools[current].endpoint = config.pools[current].clone();
                if config.retries.is_some_and(|retries| failures > retries) {
                    tell!(
                        "error: giving up on {endpoint} after {failures} failed connection{} in a row; the last: {reason}",
                        if failures == 1 { "" } else { "s" }
                    );
                    break ExitCode::FAILURE;
                }
                let usable = pools.iter().filter(|p| !p.refused).count();
                match next_pool(&pools, current).filter(|_| round < usable) {
                    Some(next) => {
                        alert!(
                            "connection to {here} lost: {reason}; moving to {}",
                            name(config, next, &pools[next].endpoint)
                        );
                        current = next;
                    }
                    None => {
                        alert!(
                            "connection to {here} lost: {reason}; reconnecting in {}",
                            format_duration(backoff.as_secs_f64())
                        );
                        thread::sleep(backoff);
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        round = 0;
                        current = first_pool(&pools);
                    }
                }
            }
        }
    };
    let hashed = miner.hashed();
    miner.stop();
    summary(config, &stats, hashed, inbox.dropped_shares());
    code
}

/// The pool after `current` in the list (wrapping), skipping pools that
/// refused the user or wait for a `client.reconnect`; `None` when there is
/// no other.
fn next_pool(pools: &[PoolState], current: usize) -> Option<usize> {
    let now = Instant::now();
    (1..pools.len())
        .map(|step| (current + step) % pools.len())
        .find(|&i| !pools[i].refused && pools[i].not_before <= now)
}

/// The first pool that has not refused the user, waiting for the end of
/// its `client.reconnect` wait if it has one.
fn first_pool(pools: &[PoolState]) -> usize {
    let index = pools.iter().position(|p| !p.refused).unwrap_or(0);
    let wait = pools[index]
        .not_before
        .saturating_duration_since(Instant::now());
    thread::sleep(wait);
    index
}

fn summary(config: &Config, stats: &Stats, hashed: u64, dropped: u64) {
    let seconds = stats.started.elapsed().as_secs_f64();
    let mut line = format!(
        "{} accepted, {} rejected, {} stale not sent",
        stats.accepted, stats.rejected, stats.stale
    );
    let over_cap = stats.over_cap + dropped;
    if over_cap > 0 {
        line += &format!(", {over_cap} over the share cap not sent");
    }
    line += &format!(
        "; {hashed} hashes in {seconds:.2} s: {}",
        format_rate(if seconds > 0.0 {
            hashed as f64 / seconds
        } else {
            0.0
        })
    );
    if config.pools.len() > 1 {
        for (index, (endpoint, count)) in config.pools.iter().zip(&stats.per_pool).enumerate() {
            line += &format!(
                "; pool {} ({endpoint}): {} accepted, {} rejected",
                index + 1,
                count.accepted,
                count.rejected
            );
        }
    }
    say!("{line}");
}
