//! One Stratum v1 connection: the handshake, the pool's messages, and the
//! shares sent.
//!
//! The session runs on the connection thread. It takes events from the
//! [`Inbox`] (the pool's lines before our shares), keeps what the pool
//! said (extranonces, difficulty, version mask, recent jobs), checks every
//! share again before sending it, and ends with an [`End`] that
//! [`crate::pool`] acts on (reconnect, next pool, exit).
//!
//! Limits against a hostile or broken pool:
//! - the handshake (answers to `mining.configure`, `mining.subscribe`,
//!   `mining.authorize` and a first job) must be done within
//!   `--handshake-timeout`;
//! - shares sent are capped at `--max-share-rate` per second; more is a
//!   sign of an absurd share target, said once, and the extra shares are
//!   counted, not queued;
//! - requests waiting for an answer are a map of at most [`MAX_PENDING`],
//!   the oldest timed out after `--timeout`;
//! - kept jobs are at most [`KEPT_JOBS`] and [`MAX_JOB_BYTES`];
//! - a line that is not UTF-8 is ignored with a warning (RFC 8259), and
//!   every string from the pool is printed through [`shown`].

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha256d::stratum::{Extranonce, VersionMask};
use sha256d::{BlockHash, Target};

use crate::endpoint::Endpoint;
use crate::inbox::{Event, Inbox, read_lines};
use crate::output::{event, limit, say, shown, tell};
use crate::pool::{Config, Stats};
use crate::pool_miner::Miner;
use crate::progress::{format_duration, format_rate};
use crate::protocol::{self, Message, NotifyFields, PoolError};

mod calls;
mod shares;

/// What the miner says it is in `mining.subscribe`.
pub const USER_AGENT: &str = concat!("sha256d-miner/", env!("CARGO_PKG_VERSION"));

/// The version bits offered for rolling: BIP 320's general-purpose bits.
pub const REQUESTED_MASK: VersionMask = VersionMask::BIP320;

/// Recent jobs kept for checking shares (a job that is not kept is stale).
const KEPT_JOBS: usize = 16;
/// The kept jobs' hex fields, in bytes, at most: a pool sending huge
/// coinbases keeps fewer jobs.
const MAX_JOB_BYTES: usize = 8 << 20;
/// Requests waiting for an answer, at most; a share found while this many
/// wait is counted as not sent.
pub const MAX_PENDING: usize = 64;

/// How often the connection thread looks at the clock.
const TICK: Duration = Duration::from_millis(100);

/// How a connection ended.
pub enum End {
    /// `--shares` were accepted.
    Done,
    /// The pool refused the user.
    Refused(String),
    /// The pool asked to reconnect (`client.reconnect`), to an address
    /// already checked against `--allow-redirect`.
    /// `got_work` if a job had arrived on the connection.
    Redirect {
        to: Endpoint,
        wait: Duration,
        got_work: bool,
    },
    /// A pool earlier in the `--pool` list answered the failback probe.
    Failback(usize),
    /// The connection failed; `got_work` if a job had arrived on it.
    Lost { reason: String, got_work: bool },
}

/// A job the pool sent, with what it is mined with.
struct JobEntry {
    notify: Arc<NotifyFields>,
    extranonce: Extranonce,
    target: Target,
    difficulty: f64,
}

/// A request waiting for its answer.
enum Request {
    Configure,
    Subscribe,
    Authorize,
    Submit {
        job_id: String,
        nonce: u32,
        hash: BlockHash,
    },
}

impl Request {
    fn method(&self) -> &'static str {
        match self {
            Request::Configure => "mining.configure",
            Request::Subscribe => "mining.subscribe",
            Request::Authorize => "mining.authorize",
            Request::Submit { .. } => "mining.submit",
        }
    }
}

/// A pool earlier in the list, tried again now and then while mining on
/// a later one.
pub struct Failback {
    pub index: usize,
    pub endpoint: Endpoint,
    /// Not before this time (a `client.reconnect` wait).
    pub not_before: Instant,
}

/// One connection and what the pool told us on it.
pub struct Session<'c> {
    config: &'c Config,
    /// The pool's place in the `--pool` list (0-based).
    pool: usize,
    endpoint: Endpoint,
    id: u64,
    stream: TcpStream,
    inbox: Arc<Inbox>,
    next_request: u64,
    /// Requests waiting for an answer, by id: ids grow, so the first is
    /// the oldest.
    pending: BTreeMap<u64, (Request, Instant)>,
    /// From `mining.subscribe`, or a later `mining.set_extranonce`; used
    /// for jobs that arrive after it.
    extranonce: Option<Extranonce>,
    /// From `mining.set_difficulty`; used for jobs that arrive after it.
    difficulty: f64,
    /// The negotiated BIP 310 mask.
    rolling: Option<VersionMask>,
    /// Recent jobs by id, oldest first, and their size in bytes.
    jobs: VecDeque<(String, JobEntry)>,
    job_bytes: usize,
    /// The job being mined.
    current: Option<String>,
    connected: Instant,
    last_message: Instant,
    got_work: bool,
    /// Shares that may be sent now (a token bucket of `--max-share-rate`).
    share_tokens: f64,
    tokens_at: Instant,
    /// Pools to go back to, and the next probe.
    failback: Vec<Failback>,
    next_probe: Instant,
    probing: Arc<AtomicBool>,
}

impl<'c> Session<'c> {
    /// Connects, starts the reader thread and sends the opening requests.
    pub fn connect(
        config: &'c Config,
        pool: usize,
        endpoint: &Endpoint,
        id: u64,
        inbox: &Arc<Inbox>,
        failback: Vec<Failback>,
    ) -> Result<Session<'c>, String> {
        let stream = connect(endpoint, config.handshake_timeout)?;
        let _ = stream.set_nodelay(true);
        stream
            .set_write_timeout(Some(config.timeout))
            .map_err(|e| e.to_string())?;
        let reader = stream.try_clone().map_err(|e| e.to_string())?;
        inbox.start_session(id);
        let reader_inbox = Arc::clone(inbox);
        thread::Builder::new()
            .name("pool reader".into())
            .spawn(move || read_lines(id, reader, &reader_inbox))
            .map_err(|e| e.to_string())?;
        event!("connected to {endpoint}");

        let now = Instant::now();
        let mut session = Session {
            config,
            pool,
            endpoint: endpoint.clone(),
            id,
            stream,
            inbox: Arc::clone(inbox),
            next_request: 1,
            pending: BTreeMap::new(),
            extranonce: None,
            difficulty: 1.0,
            rolling: None,
            jobs: VecDeque::new(),
            job_bytes: 0,
            current: None,
            connected: now,
            last_message: now,
            got_work: false,
            share_tokens: config.max_share_rate.max(1.0),
            tokens_at: now,
            failback,
            next_probe: now + config.failback,
            probing: Arc::new(AtomicBool::new(false)),
        };
        if config.version_rolling {
            session.request(
                Request::Configure,
                json!([["version-rolling"], {
                    "version-rolling.mask": REQUESTED_MASK.to_string(),
                    "version-rolling.min-bit-count": 2,
                }]),
            )?;
        }
        session.request(Request::Subscribe, json!([USER_AGENT]))?;
        session.request(Request::Authorize, json!([config.user, config.password]))?;
        Ok(session)
    }

    pub fn close(&self) {
        // Ends the reader thread's blocking read.
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    fn send_line(&mut self, line: &str) -> Result<(), String> {
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        self.stream
            .write_all(&bytes)
            .map_err(|e| format!("cannot send to the pool: {e}"))
    }

    /// Sends a request with a fresh id and remembers it.
    fn request(&mut self, request: Request, params: Value) -> Result<u64, String> {
        let id = self.next_request;
        self.next_request += 1;
        let line = json!({"id": id, "method": request.method(), "params": params}).to_string();
        self.send_line(&line)?;
        self.pending.insert(id, (request, Instant::now()));
        Ok(id)
    }

    /// Answers a request from the pool.
    fn reply(&mut self, id: &Value, result: Value, error: Value) -> Result<(), End> {
        let line = json!({"id": id, "result": result, "error": error}).to_string();
        self.send_line(&line).map_err(|e| self.lost(e))
    }

    fn lost(&self, reason: String) -> End {
        End::Lost {
            reason,
            got_work: self.got_work,
        }
    }

    pub fn run(&mut self, miner: &Miner, stats: &mut Stats) -> End {
        loop {
            if let Some(end) = self.check_timeouts() {
                return end;
            }
            self.probe_failback();
            self.show_progress(miner, stats);
            let Some(event) = self.inbox.next(TICK) else {
                continue;
            };
            let outcome = match event {
                Event::Line { session, line } if session == self.id => {
                    self.last_message = Instant::now();
                    self.on_line(line, miner, stats)
                }
                Event::Closed { session, reason } if session == self.id => Err(self.lost(reason)),
                Event::Found(found) => self.on_found(found, stats),
                Event::Exhausted { session, job_id } if session == self.id => {
                    tell!(
                        "warning: every extranonce2 and version of job {} was searched; waiting for a new job",
                        shown(&job_id, limit::JOB_ID)
                    );
                    Ok(())
                }
                Event::PoolBack { session, pool } if session == self.id => Err(End::Failback(pool)),
                // From an earlier connection.
                Event::Line { .. }
                | Event::Closed { .. }
                | Event::Exhausted { .. }
                | Event::PoolBack { .. } => Ok(()),
            };
            if let Err(end) = outcome {
                return end;
            }
        }
    }

    /// A silent pool, one that does not answer, or one that does not
    /// finish the handshake in time is dropped. Only the oldest request
    /// is looked at: the others were sent after it.
    fn check_timeouts(&self) -> Option<End> {
        let timeout = self.config.timeout;
        let handshake = self.config.handshake_timeout;
        if let Some((_, (request, sent))) = self.pending.first_key_value() {
            let allowed = match request {
                Request::Submit { .. } => timeout,
                _ => timeout.min(handshake),
            };
            if sent.elapsed() > allowed {
                return Some(self.lost(format!(
                    "no answer to {} within {}",
                    request.method(),
                    format_duration(allowed.as_secs_f64())
                )));
            }
        }
        if !self.got_work && self.connected.elapsed() > handshake {
            return Some(self.lost(format!(
                "no job within {} of connecting",
                format_duration(handshake.as_secs_f64())
            )));
        }
        (self.last_message.elapsed() > timeout).then(|| {
            self.lost(format!(
                "no message from the pool for {}",
                format_duration(timeout.as_secs_f64())
            ))
        })
    }

    /// While mining on a later pool, checks now and then (every
    /// `--failback` seconds) whether an earlier one accepts connections
    /// again; a thread does the check, and its success arrives as
    /// [`Event::PoolBack`].
    fn probe_failback(&mut self) {
        let now = Instant::now();
        if now < self.next_probe || !self.got_work || self.probing.load(Ordering::Relaxed) {
            return;
        }
        self.next_probe = now + self.config.failback;
        let Some(candidate) = self.failback.iter().find(|f| f.not_before <= now) else {
            return;
        };
        let (index, endpoint) = (candidate.index, candidate.endpoint.clone());
        let (inbox, probing, session) =
            (Arc::clone(&self.inbox), Arc::clone(&self.probing), self.id);
        let wait = self.config.handshake_timeout.min(Duration::from_secs(5));
        probing.store(true, Ordering::Relaxed);
        let spawned = thread::Builder::new()
            .name("failback probe".into())
            .spawn(move || {
                if let Ok(stream) = connect(&endpoint, wait) {
                    let _ = stream.shutdown(Shutdown::Both);
                    inbox.push_back(session, index);
                }
                probing.store(false, Ordering::Relaxed);
            });
        if spawned.is_err() {
            self.probing.store(false, Ordering::Relaxed);
        }
    }

    fn show_progress(&self, miner: &Miner, stats: &mut Stats) {
        let now = Instant::now();
        if self.config.progress.quiet || now < stats.next_progress {
            return;
        }
        stats.next_progress = now + self.config.progress.interval;
        let hashed = miner.hashed();
        let rate = stats.meter.rate(hashed);
        let job = self
            .current
            .as_deref()
            .map_or_else(|| "none".to_string(), |id| shown(id, limit::JOB_ID));
        tell!(
            "{} x {} threads: {}, {hashed} hashes, {} accepted, {} rejected, difficulty {}, job {job}",
            self.config.engine.kernel(),
            self.config.threads,
            format_rate(rate),
            stats.accepted,
            stats.rejected,
            stats.difficulty,
        );
    }

    fn on_line(&mut self, line: Vec<u8>, miner: &Miner, stats: &mut Stats) -> Result<(), End> {
        let line = match String::from_utf8(line) {
            Ok(line) => line,
            Err(e) => {
                tell!(
                    "warning: ignored a line from the pool: not UTF-8 (JSON is UTF-8, RFC 8259): invalid byte at offset {}",
                    e.utf8_error().valid_up_to()
                );
                return Ok(());
            }
        };
        let line = line.trim();
        if line.is_empty() {
            return Ok(());
        }
        match protocol::parse(line) {
            Err(problem) => {
                tell!(
                    "warning: ignored a line from the pool: {problem}: {}",
                    shown(line, limit::EXCERPT)
                );
                Ok(())
            }
            Ok(Message::Response { id, result, error }) => {
                self.on_response(id, &result, error, miner, stats)
            }
            Ok(Message::Call { method, params, id }) => {
                self.on_call(&method, &params, &id, miner, stats)
            }
        }
    }

    fn on_response(
        &mut self,
        id: u64,
        result: &Value,
        error: Option<PoolError>,
        miner: &Miner,
        stats: &mut Stats,
    ) -> Result<(), End> {
        let Some((request, _)) = self.pending.remove(&id) else {
            tell!("warning: ignored an answer to unknown request {id}");
            return Ok(());
        };
        let refused = error
            .clone()
            .map(|e| e.to_string())
            .or_else(|| (result == &Value::Bool(false)).then(|| "refused".to_string()));
        match request {
            Request::Configure => {
                if let Some(reason) = error {
                    say!("no version rolling: the pool answered mining.configure with {reason}");
                    return Ok(());
                }
                match protocol::configure_result(result, REQUESTED_MASK) {
                    Ok(Some(mask)) => {
                        say!("version rolling: mask {mask}");
                        self.rolling = Some(mask);
                        self.mine_current(miner);
                    }
                    Ok(None) => say!("no version rolling: the pool declined it"),
                    Err(problem) => tell!("warning: no version rolling: {problem}"),
                }
                Ok(())
            }
            Request::Subscribe => {
                if let Some(reason) = refused {
                    return Err(self.lost(format!("mining.subscribe failed: {reason}")));
                }
                match protocol::subscribe_result(result) {
                    Ok(extranonce) => {
                        say!("subscribed: {extranonce}");
                        self.extranonce = Some(extranonce);
                        Ok(())
                    }
                    Err(problem) => Err(self.lost(format!(
                        "unusable mining.subscribe answer: {problem}: {}",
                        shown(&result.to_string(), limit::EXCERPT)
                    ))),
                }
            }
            Request::Authorize => match refused {
                None => {
                    say!("authorized as {}", self.config.user);
                    Ok(())
                }
                Some(reason) => Err(End::Refused(format!(
                    "the pool refused user {}: {reason}",
                    self.config.user
                ))),
            },
            Request::Submit {
                job_id,
                nonce,
                hash,
            } => {
                let job_id = shown(&job_id, limit::JOB_ID);
                if refused.is_none() && result == &Value::Bool(true) {
                    stats.accepted += 1;
                    stats.per_pool[self.pool].accepted += 1;
                    event!(
                        "share accepted: job {job_id}, nonce {nonce:08x}, hash {hash} ({} accepted, {} rejected)",
                        stats.accepted,
                        stats.rejected
                    );
                    if self.config.shares.is_some_and(|n| stats.accepted >= n) {
                        return Err(End::Done);
                    }
                } else {
                    stats.rejected += 1;
                    stats.per_pool[self.pool].rejected += 1;
                    let reason = refused.unwrap_or_else(|| {
                        format!("answer {}", shown(&result.to_string(), limit::REASON))
                    });
                    event!(
                        "share rejected: job {job_id}, nonce {nonce:08x}: {reason} ({} accepted, {} rejected)",
                        stats.accepted,
                        stats.rejected
                    );
                }
                Ok(())
            }
        }
    }
}

/// A TCP connection to `endpoint`, trying each of its addresses for at
/// most `wait`.
pub fn connect(endpoint: &Endpoint, wait: Duration) -> Result<TcpStream, String> {
    let host = &endpoint.host;
    let addresses: Vec<_> = (host.as_str(), endpoint.port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    let mut last_error = format!("{host} has no address");
    for address in addresses {
        match TcpStream::connect_timeout(&address, wait) {
            Ok(stream) => return Ok(stream),
            Err(e) => last_error = format!("cannot connect to {address}: {e}"),
        }
    }
    Err(last_error)
}
