//! Pool mode: a Stratum v1 client with BIP 310 version rolling.
//!
//! One connection at a time. A reader thread turns the socket into lines;
//! the hashing thread ([`crate::pool_miner`]) reports shares; this thread
//! takes both from one channel, keeps the session's state (extranonces,
//! difficulty, version mask, recent jobs), checks every share again before
//! sending it, and reconnects with a growing delay when the connection
//! fails. The protocol subset is described in `docs/stratum.md`.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha256d::stratum::{Extranonce, Share, VersionMask, share_target};
use sha256d::{BlockHash, Engine, Target};

use crate::output::{say, tell};
use crate::pool_miner::{FoundShare, Miner, WorkOrder};
use crate::progress::{ProgressStyle, RateMeter, format_duration, format_rate};
use crate::protocol::{self, MAX_LINE, Message, NotifyFields, PoolError, excerpt};
use crate::{Cli, UsageError, bad};

/// What the miner says it is in `mining.subscribe`.
const USER_AGENT: &str = concat!("sha256d-miner/", env!("CARGO_PKG_VERSION"));

/// The version bits offered for rolling: BIP 320's general-purpose bits.
const REQUESTED_MASK: VersionMask = VersionMask::BIP320;

/// Recent jobs kept for checking shares (a job that is not kept is stale).
const KEPT_JOBS: usize = 16;

/// The first wait before reconnecting; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// The longest wait a `client.reconnect` may ask for.
const MAX_RECONNECT_WAIT: u64 = 600;

/// How often the connection thread looks at the clock.
const TICK: Duration = Duration::from_millis(100);

/// Everything the command line decides for pool mode.
pub struct Config {
    host: String,
    port: u16,
    user: String,
    password: String,
    shares: Option<u64>,
    timeout: Duration,
    retries: Option<u32>,
    version_rolling: bool,
    work_size: u64,
    engine: Engine,
    threads: usize,
    progress: ProgressStyle,
}

impl Config {
    pub fn new(
        cli: &Cli,
        url: &str,
        engine: Engine,
        threads: usize,
        progress: ProgressStyle,
    ) -> Result<Config, UsageError> {
        let (host, port) = parse_url(url).map_err(|e| bad(&format!("--pool {url}"), e))?;
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
        Ok(Config {
            host,
            port,
            user: cli.user.clone().unwrap_or_default(),
            password: cli.password.clone(),
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

/// `stratum+tcp://HOST:PORT` (a trailing `/` is allowed; IPv6 hosts in
/// brackets).
fn parse_url(url: &str) -> Result<(String, u16), String> {
    let rest = url
        .strip_prefix("stratum+tcp://")
        .ok_or_else(|| "only stratum+tcp://HOST:PORT is supported".to_string())?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = rest
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

/// What reaches the connection thread.
#[derive(Debug)]
pub enum Event {
    /// A line from connection `session`.
    Line { session: u64, line: String },
    /// Connection `session` ended.
    Closed { session: u64, reason: String },
    /// The hashing thread found a share.
    Found(FoundShare),
    /// The hashing thread searched every work of a job.
    Exhausted { session: u64, job_id: String },
}

/// How a connection ended.
enum End {
    /// `--shares` were accepted.
    Done,
    /// Nothing more to try (the pool refused the user).
    Fatal(String),
    /// The pool asked to reconnect (`client.reconnect`).
    Redirect {
        host: String,
        port: u16,
        wait: Duration,
    },
    /// The connection failed; `got_work` if a job had arrived on it.
    Lost { reason: String, got_work: bool },
}

/// Counts over the whole run.
struct Stats {
    accepted: u64,
    rejected: u64,
    /// Shares found for jobs that had become stale, not sent.
    stale: u64,
    started: Instant,
    meter: RateMeter,
    next_progress: Instant,
    difficulty: f64,
}

pub fn run(config: &Config) -> ExitCode {
    let (events, inbox) = mpsc::channel();
    let miner = Miner::start(
        config.engine,
        config.threads,
        config.work_size,
        events.clone(),
    );
    say!(
        "kernel {}, {} threads, pool {}:{}, user {}",
        config.engine.kernel(),
        config.threads,
        config.host,
        config.port,
        config.user
    );
    let mut stats = Stats {
        accepted: 0,
        rejected: 0,
        stale: 0,
        started: Instant::now(),
        meter: RateMeter::new(0),
        next_progress: Instant::now() + config.progress.interval,
        difficulty: 1.0,
    };
    let mut address = (config.host.clone(), config.port);
    let mut failures = 0u32;
    let mut backoff = FIRST_BACKOFF;
    let mut session_id = 0u64;
    let code = loop {
        session_id += 1;
        let end = match Session::connect(config, &address, session_id, &events) {
            Ok(mut session) => {
                let end = session.run(&inbox, &miner, &mut stats);
                session.close();
                end
            }
            Err(reason) => End::Lost {
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
            End::Redirect { host, port, wait } => {
                say!(
                    "the pool asked to reconnect to {host}:{port} in {}",
                    format_duration(wait.as_secs_f64())
                );
                address = (host, port);
                failures = 0;
                backoff = FIRST_BACKOFF;
                thread::sleep(wait);
            }
            End::Lost { reason, got_work } => {
                if got_work {
                    failures = 0;
                    backoff = FIRST_BACKOFF;
                }
                failures += 1;
                let (host, port) = &address;
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

/// One connection and what the pool told us on it.
struct Session<'c> {
    config: &'c Config,
    id: u64,
    stream: TcpStream,
    next_request: u64,
    /// Requests waiting for an answer, by id (oldest first).
    pending: BTreeMap<u64, (Request, Instant)>,
    /// From `mining.subscribe`, or a later `mining.set_extranonce`; used
    /// for jobs that arrive after it.
    extranonce: Option<Extranonce>,
    /// From `mining.set_difficulty`; used for jobs that arrive after it.
    difficulty: f64,
    /// The negotiated BIP 310 mask.
    rolling: Option<VersionMask>,
    /// Recent jobs by id, oldest first.
    jobs: VecDeque<(String, JobEntry)>,
    /// The job being mined.
    current: Option<String>,
    last_message: Instant,
    got_work: bool,
}

impl<'c> Session<'c> {
    /// Connects, starts the reader thread and sends the opening requests.
    fn connect(
        config: &'c Config,
        (host, port): &(String, u16),
        id: u64,
        events: &Sender<Event>,
    ) -> Result<Session<'c>, String> {
        let addresses: Vec<_> = (host.as_str(), *port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {host}: {e}"))?
            .collect();
        let mut last_error = format!("{host} has no address");
        let mut connected = None;
        for address in addresses {
            match TcpStream::connect_timeout(&address, config.timeout) {
                Ok(stream) => {
                    connected = Some(stream);
                    break;
                }
                Err(e) => last_error = format!("cannot connect to {address}: {e}"),
            }
        }
        let stream = connected.ok_or(last_error)?;
        let _ = stream.set_nodelay(true);
        stream
            .set_write_timeout(Some(config.timeout))
            .map_err(|e| e.to_string())?;
        let reader = stream.try_clone().map_err(|e| e.to_string())?;
        let events = events.clone();
        thread::Builder::new()
            .name("pool reader".into())
            .spawn(move || read_lines(id, reader, &events))
            .map_err(|e| e.to_string())?;
        say!("connected to {host}:{port}");

        let mut session = Session {
            config,
            id,
            stream,
            next_request: 1,
            pending: BTreeMap::new(),
            extranonce: None,
            difficulty: 1.0,
            rolling: None,
            jobs: VecDeque::new(),
            current: None,
            last_message: Instant::now(),
            got_work: false,
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

    fn close(&self) {
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
    fn reply(&mut self, id: &Value, result: Value, error: Value) -> Result<(), String> {
        let line = json!({"id": id, "result": result, "error": error}).to_string();
        self.send_line(&line)
    }

    fn lost(&self, reason: String) -> End {
        End::Lost {
            reason,
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
                Event::Line { session, line } if session == self.id => {
                    self.last_message = Instant::now();
                    self.on_line(&line, miner, stats)
                }
                Event::Closed { session, reason } if session == self.id => Err(self.lost(reason)),
                Event::Found(found) => self.on_found(found, stats),
                Event::Exhausted { session, job_id } if session == self.id => {
                    tell!(
                        "warning: every extranonce2 and version of job {job_id} was searched; waiting for a new job"
                    );
                    Ok(())
                }
                // From an earlier connection.
                Event::Line { .. } | Event::Closed { .. } | Event::Exhausted { .. } => Ok(()),
            };
            if let Err(end) = outcome {
                return end;
            }
        }
    }

    /// A silent pool, or one that does not answer, is dropped.
    fn check_timeouts(&self) -> Option<End> {
        let timeout = self.config.timeout;
        let seconds = format_duration(timeout.as_secs_f64());
        if let Some((request, _)) = self
            .pending
            .values()
            .find(|(_, sent)| sent.elapsed() > timeout)
        {
            return Some(self.lost(format!(
                "no answer to {} within {seconds}",
                request.method()
            )));
        }
        (self.last_message.elapsed() > timeout)
            .then(|| self.lost(format!("no message from the pool for {seconds}")))
    }

    fn show_progress(&self, miner: &Miner, stats: &mut Stats) {
        let now = Instant::now();
        if self.config.progress.quiet || now < stats.next_progress {
            return;
        }
        stats.next_progress = now + self.config.progress.interval;
        let hashed = miner.hashed();
        let rate = stats.meter.rate(hashed);
        let job = self.current.as_deref().unwrap_or("none");
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

    fn on_line(&mut self, line: &str, miner: &Miner, stats: &mut Stats) -> Result<(), End> {
        if line.trim().is_empty() {
            return Ok(());
        }
        match protocol::parse(line) {
            Err(problem) => {
                tell!(
                    "warning: ignored a line from the pool: {problem}: {}",
                    excerpt(line, 80)
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
                        excerpt(&result.to_string(), 80)
                    ))),
                }
            }
            Request::Authorize => match refused {
                None => {
                    say!("authorized as {}", self.config.user);
                    Ok(())
                }
                Some(reason) => Err(End::Fatal(format!(
                    "the pool refused user {}: {reason}",
                    self.config.user
                ))),
            },
            Request::Submit {
                job_id,
                nonce,
                hash,
            } => {
                if refused.is_none() && result == &Value::Bool(true) {
                    stats.accepted += 1;
                    say!(
                        "share accepted: job {job_id}, nonce {nonce:08x}, hash {hash} ({} accepted, {} rejected)",
                        stats.accepted,
                        stats.rejected
                    );
                    if self.config.shares.is_some_and(|n| stats.accepted >= n) {
                        return Err(End::Done);
                    }
                } else {
                    stats.rejected += 1;
                    let reason = refused.unwrap_or_else(|| format!("answer {result}"));
                    say!(
                        "share rejected: job {job_id}, nonce {nonce:08x}: {reason} ({} accepted, {} rejected)",
                        stats.accepted,
                        stats.rejected
                    );
                }
                Ok(())
            }
        }
    }

    fn on_call(
        &mut self,
        method: &str,
        params: &[Value],
        id: &Value,
        miner: &Miner,
        stats: &mut Stats,
    ) -> Result<(), End> {
        match method {
            "mining.notify" => self.on_notify(params, miner, stats),
            "mining.set_difficulty" => {
                match protocol::difficulty_param(params)
                    .and_then(|d| share_target(d).map(|_| d).map_err(|e| e.to_string()))
                {
                    Ok(difficulty) => {
                        say!("difficulty {difficulty} (for the next job)");
                        self.difficulty = difficulty;
                    }
                    Err(problem) => tell!("warning: ignored mining.set_difficulty: {problem}"),
                }
            }
            "mining.set_extranonce" => match protocol::set_extranonce_params(params) {
                Ok(extranonce) => {
                    say!("new {extranonce} (for the next job)");
                    self.extranonce = Some(extranonce);
                }
                Err(problem) => tell!("warning: ignored mining.set_extranonce: {problem}"),
            },
            "mining.set_version_mask" => {
                let parsed = params
                    .first()
                    .and_then(Value::as_str)
                    .ok_or_else(|| "no mask string".to_string())
                    .and_then(|m| VersionMask::from_hex(m).map_err(|e| e.to_string()))
                    .and_then(|m| {
                        VersionMask::negotiated(REQUESTED_MASK, m).map_err(|e| e.to_string())
                    });
                match (self.rolling, parsed) {
                    (None, _) => {
                        tell!("warning: ignored mining.set_version_mask: version rolling is off")
                    }
                    (Some(_), Ok(mask)) => {
                        say!("version rolling: mask {mask} from now on");
                        self.rolling = Some(mask);
                        self.mine_current(miner);
                    }
                    (Some(_), Err(problem)) => {
                        tell!("warning: ignored mining.set_version_mask: {problem}")
                    }
                }
            }
            "client.reconnect" => {
                let (host, port, wait) = protocol::reconnect_params(params);
                return Err(End::Redirect {
                    host: host.unwrap_or_else(|| self.config.host.clone()),
                    port: port.unwrap_or(self.config.port),
                    wait: Duration::from_secs(wait.min(MAX_RECONNECT_WAIT)),
                });
            }
            "client.show_message" => {
                let text = params.first().and_then(Value::as_str).unwrap_or("");
                say!("message from the pool: {}", excerpt(text, 200));
            }
            "client.get_version" => {
                self.reply(id, json!(USER_AGENT), Value::Null)
                    .map_err(|e| self.lost(e))?;
            }
            "mining.ping" => {
                self.reply(id, json!("pong"), Value::Null)
                    .map_err(|e| self.lost(e))?;
            }
            other => {
                tell!("warning: ignored unknown method {}", excerpt(other, 60));
                if !id.is_null() {
                    self.reply(id, Value::Null, json!([20, "Method not found", null]))
                        .map_err(|e| self.lost(e))?;
                }
            }
        }
        Ok(())
    }

    fn on_notify(&mut self, params: &[Value], miner: &Miner, stats: &mut Stats) {
        let fields = match NotifyFields::from_params(params) {
            Ok(fields) => fields,
            Err(problem) => {
                tell!("warning: ignored a mining.notify: {problem}");
                return;
            }
        };
        let job_id = excerpt(&fields.job_id, 40);
        let Some(extranonce) = self.extranonce else {
            tell!("warning: ignored job {job_id}: it came before the answer to mining.subscribe");
            return;
        };
        if let Err(problem) = fields.with_job(&extranonce, |_| ()) {
            tell!("warning: ignored job {job_id}: {problem}");
            return;
        }
        let Ok(target) = share_target(self.difficulty) else {
            // set_difficulty only accepts difficulties with a target.
            return;
        };
        let clean = fields.clean_jobs;
        if clean {
            self.jobs.clear();
        }
        self.jobs.retain(|(id, _)| *id != fields.job_id);
        if self.jobs.len() >= KEPT_JOBS {
            self.jobs.pop_front();
        }
        let id = fields.job_id.clone();
        self.jobs.push_back((
            id.clone(),
            JobEntry {
                notify: Arc::new(fields),
                extranonce,
                target,
                difficulty: self.difficulty,
            },
        ));
        self.current = Some(id);
        self.got_work = true;
        stats.difficulty = self.difficulty;
        say!(
            "job {job_id}{}: difficulty {}",
            if clean {
                " (clean: earlier jobs dropped)"
            } else {
                ""
            },
            self.difficulty
        );
        self.mine_current(miner);
    }

    fn job(&self, job_id: &str) -> Option<&JobEntry> {
        self.jobs
            .iter()
            .find(|(id, _)| id == job_id)
            .map(|(_, entry)| entry)
    }

    /// Hands the current job to the hashing thread (again, when the
    /// version mask changed), which drops what it was doing at once.
    fn mine_current(&self, miner: &Miner) {
        let Some(entry) = self.current.as_deref().and_then(|id| self.job(id)) else {
            return;
        };
        miner.set_work(Some(WorkOrder {
            session: self.id,
            notify: Arc::clone(&entry.notify),
            extranonce: entry.extranonce,
            rolling: self.rolling,
            target: entry.target,
        }));
    }

    /// Checks a share the way the pool will (rebuilt header, plain
    /// SHA-256d, the job's share target) and sends it.
    fn on_found(&mut self, found: FoundShare, stats: &mut Stats) -> Result<(), End> {
        if found.session != self.id {
            stats.stale += 1;
            return Ok(());
        }
        let Some(entry) = self.job(&found.job_id) else {
            stats.stale += 1;
            tell!(
                "stale share not sent: job {} was dropped",
                excerpt(&found.job_id, 40)
            );
            return Ok(());
        };
        let share = Share::new(
            &found.job_id,
            found.extranonce2,
            found.ntime,
            found.nonce,
            found.version_bits,
        );
        let rebuilt = entry
            .notify
            .with_job(&entry.extranonce, |job| {
                job.share_header(&share, self.rolling)
            })
            .and_then(|header| header);
        let header = match rebuilt {
            Ok(header) => header,
            Err(problem) => {
                tell!("error: share not sent: {problem}");
                return Ok(());
            }
        };
        let hash = header.block_hash();
        if hash != found.hash || !hash.meets(&entry.target) {
            tell!(
                "error: share not sent: job {}, nonce {:08x} does not meet the share target (difficulty {}) when rebuilt",
                found.job_id,
                found.nonce,
                entry.difficulty
            );
            return Ok(());
        }
        if header.meets_own_target().unwrap_or(false) {
            say!("this share is a block: {hash}");
        }
        let id = self.next_request;
        self.next_request += 1;
        let line = format!(
            r#"{{"id":{id},"method":"mining.submit","params":{}}}"#,
            share.params(&self.config.user)
        );
        self.send_line(&line).map_err(|e| self.lost(e))?;
        self.pending.insert(
            id,
            (
                Request::Submit {
                    job_id: found.job_id.clone(),
                    nonce: found.nonce,
                    hash,
                },
                Instant::now(),
            ),
        );
        Ok(())
    }
}

/// The reader thread: each line of connection `session` becomes an
/// [`Event::Line`]; the end of the connection an [`Event::Closed`].
fn read_lines(session: u64, stream: TcpStream, events: &Sender<Event>) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = Vec::new();
        let limit = u64::try_from(MAX_LINE).unwrap_or(u64::MAX) + 1;
        let read = reader.by_ref().take(limit).read_until(b'\n', &mut line);
        let event = match read {
            Ok(0) => Event::Closed {
                session,
                reason: "the pool closed the connection".into(),
            },
            Ok(_) if line.len() > MAX_LINE => Event::Closed {
                session,
                reason: format!("a line longer than {MAX_LINE} bytes"),
            },
            Ok(_) => Event::Line {
                session,
                line: String::from_utf8_lossy(&line).trim_end().to_owned(),
            },
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => Event::Closed {
                session,
                reason: format!("read error: {e}"),
            },
        };
        let closed = matches!(event, Event::Closed { .. });
        if events.send(event).is_err() || closed {
            return;
        }
    }
}
