//! SV2 pool mode: one connection at a time. The reader thread
//! ([`super::connection`]) and the hashing thread ([`super::hashing`])
//! report to this thread through one bounded channel; it keeps the
//! channel's state (target, extranonce prefix, the block being built on,
//! current and future jobs), checks every share again before sending it,
//! and reconnects with a growing delay when the connection fails.

use std::collections::{BTreeMap, VecDeque};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::thread;
use std::time::{Duration, Instant};

use sha256d::BlockHash;
use sha256d::stratum::Extranonce;
use sha256d::stratum::v2::{SetNewPrevHash, StandardJob, channel_target};

use super::config::{ChannelKind, Config};
use super::connection::{ConnectError, Connection};
use super::hashing::{ExtendedEntry, Found, Miner};
use super::messages::{self as m, ExtendedJobFields, Incoming};
use crate::output::{say, tell};
use crate::progress::{RateMeter, format_duration, format_rate};

/// What the miner says it is in `SetupConnection`.
const VENDOR: &str = concat!("sha256d-miner/", env!("CARGO_PKG_VERSION"));

/// Events queued between the threads.
const QUEUE: usize = 256;

const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);
const TICK: Duration = Duration::from_millis(100);

/// What reaches the session thread.
#[derive(Debug)]
pub enum Event {
    /// A message of connection `session`.
    Message { session: u64, message: Incoming },
    /// A message of connection `session` the miner does not use.
    Ignored { session: u64, name: &'static str },
    /// Connection `session` ended.
    Closed { session: u64, reason: String },
    /// The hashing thread found a share.
    Found(Found),
    /// The hashing thread searched every work of a job.
    Exhausted { session: u64, job_id: u32 },
}

/// How a connection ended.
pub(super) enum End {
    Done,
    Fatal(String),
    Lost { reason: String, got_work: bool },
}

/// Counts over the whole run.
pub(super) struct Stats {
    pub(super) accepted: u64,
    pub(super) rejected: u64,
    pub(super) stale: u64,
    pub(super) started: Instant,
    pub(super) meter: RateMeter,
    pub(super) rate: f64,
    pub(super) next_progress: Instant,
}

pub fn run(config: &Config) -> ExitCode {
    let (events, inbox) = mpsc::sync_channel(QUEUE);
    let miner = Miner::start(
        config.engine,
        config.threads,
        config.work_size,
        events.clone(),
    );
    say!(
        "kernel {}, {} threads, Stratum V2 pool {}:{}, {} channel, user {}",
        config.engine.kernel(),
        config.threads,
        config.host,
        config.port,
        match config.channel {
            ChannelKind::Standard => "standard",
            ChannelKind::Extended => "extended",
        },
        config.user
    );
    let mut stats = Stats {
        accepted: 0,
        rejected: 0,
        stale: 0,
        started: Instant::now(),
        meter: RateMeter::new(0),
        rate: 0.0,
        next_progress: Instant::now() + config.progress.interval,
    };
    let mut failures = 0u32;
    let mut backoff = FIRST_BACKOFF;
    let mut id = 0u64;
    let code = loop {
        id += 1;
        let end = match Session::open(config, id, &events) {
            Ok(mut session) => {
                let end = session.run(&inbox, &miner, &mut stats);
                session.conn.close();
                end
            }
            Err(ConnectError::Untrusted(reason)) => End::Fatal(format!(
                "not mining for {}:{}: {reason}",
                config.host, config.port
            )),
            Err(ConnectError::Failed(reason)) => End::Lost {
                reason,
                got_work: false,
            },
        };
        miner.set_work(None);
        match end {
            End::Done => break ExitCode::SUCCESS,
            End::Fatal(message) => {
                tell!("error: {message}");
                break ExitCode::FAILURE;
            }
            End::Lost { reason, got_work } => {
                if got_work {
                    failures = 0;
                    backoff = FIRST_BACKOFF;
                }
                failures += 1;
                let (host, port) = (&config.host, config.port);
                if config.retries.is_some_and(|retries| failures > retries) {
                    tell!(
                        "error: giving up on {host}:{port} after {failures} failed connection{} in a row; the last: {reason}",
                        if failures == 1 { "" } else { "s" }
                    );
                    break ExitCode::FAILURE;
                }
                tell!(
                    "connection to {host}:{port} lost: {reason}; reconnecting in {}",
                    format_duration(backoff.as_secs_f64())
                );
                thread::sleep(backoff);
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    };
    let hashed = miner.hashed();
    // A hashing thread blocked on a full queue sees it closed and stops.
    drop(inbox);
    miner.stop();
    let seconds = stats.started.elapsed().as_secs_f64();
    say!(
        "{} accepted, {} rejected, {} stale not sent; {hashed} hashes in {seconds:.2} s: {}",
        stats.accepted,
        stats.rejected,
        stats.stale,
        format_rate(if seconds > 0.0 {
            hashed as f64 / seconds
        } else {
            0.0
        })
    );
    code
}

/// The open channel.
pub(super) struct Channel {
    pub(super) id: u32,
    pub(super) group_id: u32,
    pub(super) target: sha256d::Target,
    /// Extended channel: the extranonce prefix and the miner's size.
    pub(super) extranonce: Option<Extranonce>,
}

/// A job of the connection.
pub(super) enum Job {
    Standard(sha256d::stratum::v2::NewMiningJob),
    Extended(Box<ExtendedJobFields>),
}

/// A job made current by a `SetNewPrevHash`.
pub(super) enum Active {
    Standard(StandardJob),
    Extended(Arc<ExtendedEntry>),
}

/// A share sent and waiting for its answer.
pub(super) struct Sent {
    pub(super) job_id: u32,
    pub(super) nonce: u32,
    pub(super) hash: BlockHash,
    pub(super) at: Instant,
}

/// A request waiting for its answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Waiting {
    Setup,
    Channel,
}

pub(super) struct Session<'c> {
    pub(super) config: &'c Config,
    pub(super) id: u64,
    pub(super) conn: Connection,
    waiting: Option<(Waiting, Instant)>,
    pub(super) channel: Option<Channel>,
    /// Future jobs (no `min_ntime`) by id, oldest first.
    pub(super) future: VecDeque<(u32, Job)>,
    pub(super) prev: Option<SetNewPrevHash>,
    /// Jobs on the current previous block, oldest first; cleared by each
    /// `SetNewPrevHash`.
    pub(super) active: VecDeque<(u32, Active)>,
    pub(super) current: Option<u32>,
    pub(super) next_sequence: u32,
    pub(super) sent: BTreeMap<u32, Sent>,
    pub(super) got_work: bool,
    /// Whether the version is rolled: asked for, and not refused by the
    /// pool's `REQUIRES_FIXED_VERSION`.
    pub(super) rolling: bool,
}

impl<'c> Session<'c> {
    /// Connects, runs the handshake and sends `SetupConnection`.
    fn open(
        config: &'c Config,
        id: u64,
        events: &SyncSender<Event>,
    ) -> Result<Session<'c>, ConnectError> {
        let mut conn = Connection::open(
            &config.host,
            config.port,
            config.authority_key,
            config.timeout,
            id,
            events,
        )?;
        say!(
            "connected to {}:{}, pool certificate verified",
            config.host,
            config.port
        );
        let mut flags = 0;
        if config.version_rolling {
            flags |= m::REQUIRES_VERSION_ROLLING;
        }
        if config.channel == ChannelKind::Standard {
            flags |= m::REQUIRES_STANDARD_JOBS;
        }
        let setup = m::setup_connection(&config.host, config.port, flags, VENDOR)
            .map_err(ConnectError::Failed)?;
        conn.send(
            setup,
            m::MESSAGE_TYPE_SETUP_CONNECTION,
            m::CHANNEL_BIT_SETUP_CONNECTION,
        )
        .map_err(ConnectError::Failed)?;
        Ok(Session {
            config,
            id,
            conn,
            waiting: Some((Waiting::Setup, Instant::now())),
            channel: None,
            future: VecDeque::new(),
            prev: None,
            active: VecDeque::new(),
            current: None,
            next_sequence: 0,
            sent: BTreeMap::new(),
            got_work: false,
            rolling: config.version_rolling,
        })
    }

    pub(super) fn lost(&self, reason: impl Into<String>) -> End {
        End::Lost {
            reason: reason.into(),
            got_work: self.got_work,
        }
    }

    fn run(&mut self, inbox: &Receiver<Event>, miner: &Miner, stats: &mut Stats) -> End {
        loop {
            if let Some(end) = self.check_timeouts() {
                return end;
            }
            self.show_progress(miner, stats);
            let event = match inbox.recv_timeout(TICK) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => {
                    return End::Fatal("the hashing thread stopped".into());
                }
            };
            let outcome = match event {
                Event::Message { session, message } if session == self.id => {
                    self.on_message(message, miner, stats)
                }
                Event::Ignored { session, name } if session == self.id => {
                    tell!("warning: ignored {name} from the pool");
                    Ok(())
                }
                Event::Closed { session, reason } if session == self.id => Err(self.lost(reason)),
                Event::Found(found) => self.on_found(found, stats),
                Event::Exhausted { session, job_id } if session == self.id => {
                    tell!(
                        "warning: every extranonce and version of job {job_id} was searched; waiting for a new job"
                    );
                    Ok(())
                }
                // From an earlier connection.
                Event::Message { .. }
                | Event::Ignored { .. }
                | Event::Closed { .. }
                | Event::Exhausted { .. } => Ok(()),
            };
            if let Err(end) = outcome {
                return end;
            }
        }
    }

    fn check_timeouts(&self) -> Option<End> {
        let timeout = self.config.timeout;
        let seconds = format_duration(timeout.as_secs_f64());
        if let Some((what, at)) = self.waiting
            && at.elapsed() > timeout
        {
            let what = match what {
                Waiting::Setup => "SetupConnection",
                Waiting::Channel => "the channel opening",
            };
            return Some(self.lost(format!("no answer to {what} within {seconds}")));
        }
        self.sent
            .values()
            .next()
            .filter(|sent| sent.at.elapsed() > timeout)
            .map(|_| self.lost(format!("no answer to a share within {seconds}")))
    }

    fn show_progress(&self, miner: &Miner, stats: &mut Stats) {
        let now = Instant::now();
        if now < stats.next_progress {
            return;
        }
        stats.next_progress = now + self.config.progress.interval;
        let hashed = miner.hashed();
        stats.rate = stats.meter.rate(hashed);
        if self.config.progress.quiet {
            return;
        }
        let job = self
            .current
            .map_or_else(|| "none".to_string(), |id| id.to_string());
        tell!(
            "{} x {} threads: {}, {hashed} hashes, {} accepted, {} rejected, job {job}",
            self.config.engine.kernel(),
            self.config.threads,
            format_rate(stats.rate),
            stats.accepted,
            stats.rejected,
        );
    }

    /// Whether a channel message is for this miner's channel (or its group).
    fn ours(&self, channel_id: u32) -> bool {
        self.channel
            .as_ref()
            .is_some_and(|c| c.id == channel_id || c.group_id == channel_id)
    }

    fn on_message(
        &mut self,
        message: Incoming,
        miner: &Miner,
        stats: &mut Stats,
    ) -> Result<(), End> {
        match message {
            Incoming::SetupSuccess { version, flags } => {
                if self.waiting.map(|(w, _)| w) != Some(Waiting::Setup) {
                    return Err(self.lost("an unexpected SetupConnection.Success"));
                }
                say!("connection set up: protocol version {version}, flags {flags:#x}");
                if flags & m::REQUIRES_EXTENDED_CHANNELS != 0
                    && self.config.channel == ChannelKind::Standard
                {
                    return Err(End::Fatal(
                        "the pool only opens extended channels: use --channel extended".into(),
                    ));
                }
                if flags & m::REQUIRES_FIXED_VERSION != 0 && self.rolling {
                    say!("no version rolling: the pool requires the job's version");
                    self.rolling = false;
                }
                self.open_channel(stats)
            }
            Incoming::SetupError { flags, code } => Err(End::Fatal(format!(
                "the pool refused the connection: {code} (flags {flags:#x})"
            ))),
            Incoming::ChannelOpened {
                request_id,
                channel_id,
                group_channel_id,
                target,
                extranonce_prefix,
                extranonce_size,
            } => {
                if self.waiting.map(|(w, _)| w) != Some(Waiting::Channel) || request_id != 1 {
                    return Err(self.lost("an unexpected channel opening"));
                }
                let target = channel_target(target)
                    .map_err(|e| self.lost(format!("channel target: {e}")))?;
                let extranonce = match (self.config.channel, extranonce_size) {
                    (ChannelKind::Standard, None) => None,
                    (ChannelKind::Extended, Some(size)) => Some(
                        Extranonce::new(&extranonce_prefix, usize::from(size))
                            .map_err(|e| self.lost(format!("channel extranonce: {e}")))?,
                    ),
                    _ => return Err(self.lost("the pool opened the wrong kind of channel")),
                };
                self.waiting = None;
                say!(
                    "channel {channel_id} open: target {target}{}",
                    extranonce.map_or(String::new(), |e| format!(
                        ", extranonce prefix {} bytes, {} bytes of extranonce for the miner",
                        e.extranonce1().len(),
                        e.extranonce2_size()
                    ))
                );
                self.channel = Some(Channel {
                    id: channel_id,
                    group_id: group_channel_id,
                    target,
                    extranonce,
                });
                Ok(())
            }
            Incoming::ChannelRefused { code, .. } => Err(End::Fatal(format!(
                "the pool refused to open a channel for user {}: {code}",
                self.config.user
            ))),
            Incoming::Job(job) if self.ours(job.channel_id) => {
                self.on_job(job.job_id, job.min_ntime, Job::Standard(job), miner);
                Ok(())
            }
            Incoming::ExtendedJob(job) if self.ours(job.channel_id) => {
                self.on_job(job.job_id, job.min_ntime, Job::Extended(job), miner);
                Ok(())
            }
            Incoming::NewPrevHash(prev) if self.ours(prev.channel_id) => {
                self.on_prev_hash(prev, miner);
                Ok(())
            }
            Incoming::Target { channel_id, target } if self.ours(channel_id) => {
                match channel_target(target) {
                    Ok(target) => {
                        say!("new target {target}");
                        if let Some(channel) = &mut self.channel {
                            channel.target = target;
                        }
                        self.mine_current(miner);
                    }
                    Err(e) => tell!("warning: ignored SetTarget: {e}"),
                }
                Ok(())
            }
            Incoming::ExtranoncePrefix { channel_id, prefix } if self.ours(channel_id) => {
                if let Some(channel) = &mut self.channel
                    && let Some(extranonce) = &mut channel.extranonce
                {
                    match Extranonce::new(&prefix, extranonce.extranonce2_size()) {
                        Ok(new) => {
                            say!("new extranonce prefix (for the next job)");
                            *extranonce = new;
                        }
                        Err(e) => tell!("warning: ignored SetExtranoncePrefix: {e}"),
                    }
                }
                Ok(())
            }
            Incoming::SharesAccepted {
                channel_id,
                last_sequence_number,
                accepted,
            } if self.ours(channel_id) => {
                let answered: Vec<u32> = self
                    .sent
                    .range(..=last_sequence_number)
                    .map(|(seq, _)| *seq)
                    .collect();
                stats.accepted += u64::from(accepted);
                let counts = format!("{} accepted, {} rejected", stats.accepted, stats.rejected);
                for seq in &answered {
                    if let Some(sent) = self.sent.remove(seq) {
                        say!(
                            "share accepted: job {}, nonce {:08x}, hash {} ({counts})",
                            sent.job_id,
                            sent.nonce,
                            sent.hash
                        );
                    }
                }
                if usize::try_from(accepted).ok() != Some(answered.len()) {
                    say!(
                        "the pool counts {accepted} accepted for {} shares answered ({counts})",
                        answered.len()
                    );
                }
                if self.config.shares.is_some_and(|n| stats.accepted >= n) {
                    return Err(End::Done);
                }
                Ok(())
            }
            Incoming::ShareRejected {
                channel_id,
                sequence_number,
                code,
            } if self.ours(channel_id) => {
                stats.rejected += 1;
                let what = self.sent.remove(&sequence_number).map_or_else(
                    || format!("share {sequence_number}"),
                    |s| format!("job {}, nonce {:08x}", s.job_id, s.nonce),
                );
                say!(
                    "share rejected: {what}: {code} ({} accepted, {} rejected)",
                    stats.accepted,
                    stats.rejected
                );
                Ok(())
            }
            Incoming::ChannelClosed { channel_id, reason } if self.ours(channel_id) => {
                Err(self.lost(format!("the pool closed the channel: {reason}")))
            }
            other => {
                tell!(
                    "warning: ignored a message for another channel: {}",
                    kind(&other)
                );
                Ok(())
            }
        }
    }

    fn open_channel(&mut self, stats: &Stats) -> Result<(), End> {
        // The pool sets the first target from the nominal hash rate: the
        // last one measured, or a guess.
        let rate = if stats.rate > 0.0 {
            stats.rate
        } else {
            1e7 * self.config.threads as f64
        } as f32;
        let user = &self.config.user;
        let sent = match self.config.channel {
            ChannelKind::Standard => m::open_standard(1, user, rate).and_then(|open| {
                self.conn.send(
                    open,
                    m::MESSAGE_TYPE_OPEN_STANDARD_MINING_CHANNEL,
                    m::CHANNEL_BIT_OPEN_STANDARD_MINING_CHANNEL,
                )
            }),
            ChannelKind::Extended => m::open_extended(1, user, rate).and_then(|open| {
                self.conn.send(
                    open,
                    m::MESSAGE_TYPE_OPEN_EXTENDED_MINING_CHANNEL,
                    m::CHANNEL_BIT_OPEN_EXTENDED_MINING_CHANNEL,
                )
            }),
        };
        sent.map_err(|e| self.lost(e))?;
        self.waiting = Some((Waiting::Channel, Instant::now()));
        Ok(())
    }
}

/// A message's kind, for a warning.
fn kind(message: &Incoming) -> &'static str {
    match message {
        Incoming::Job(_) => "NewMiningJob",
        Incoming::ExtendedJob(_) => "NewExtendedMiningJob",
        Incoming::NewPrevHash(_) => "SetNewPrevHash",
        Incoming::Target { .. } => "SetTarget",
        Incoming::ExtranoncePrefix { .. } => "SetExtranoncePrefix",
        Incoming::SharesAccepted { .. } => "SubmitShares.Success",
        Incoming::ShareRejected { .. } => "SubmitShares.Error",
        Incoming::ChannelClosed { .. } => "CloseChannel",
        _ => "a message",
    }
}
