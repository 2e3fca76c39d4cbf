//! The bounded queue into the connection thread, and the reader thread
//! that fills it.
//!
//! Three producers: the reader thread (lines from the pool, then the end
//! of the connection), the hashing thread (shares, and "every work of the
//! job searched") and the failback probe. Nothing in it grows without
//! bound:
//!
//! - Lines: at most [`MAX_LINES`] lines and [`MAX_LINE_BYTES`] bytes wait.
//!   A reader that finds the queue full waits, so it stops reading the
//!   socket and the pool's own sends block (TCP flow control): a pool that
//!   floods is slowed down, never buffered.
//! - Shares: at most [`MAX_SHARES`] wait. The hashing thread never waits;
//!   a share that finds the queue full is dropped and counted (the pool's
//!   share target is then absurdly easy, see [`crate::session`]).
//! - The connection thread takes lines first: the pool's answers are
//!   never stuck behind our own shares.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::pool_miner::FoundShare;
use crate::protocol::MAX_LINE;

/// Lines from the pool waiting for the connection thread, at most.
pub const MAX_LINES: usize = 64;
/// Bytes of those lines, at most (a line longer than this still fits when
/// the queue is empty; lines are at most [`MAX_LINE`] bytes anyway).
pub const MAX_LINE_BYTES: usize = 4 << 20;
/// Shares waiting to be checked and sent, at most.
pub const MAX_SHARES: usize = 32;

/// What reaches the connection thread.
#[derive(Debug)]
pub enum Event {
    /// A line of connection `session`, as received (not yet checked to be
    /// UTF-8), without its `\n`.
    Line { session: u64, line: Vec<u8> },
    /// Connection `session` ended.
    Closed { session: u64, reason: String },
    /// The hashing thread found a share.
    Found(FoundShare),
    /// The hashing thread searched every work of a job.
    Exhausted { session: u64, job_id: String },
    /// The failback probe of connection `session` reached pool `pool`
    /// (0-based).
    PoolBack { session: u64, pool: usize },
}

enum FromPool {
    Line(Vec<u8>),
    Closed(String),
}

struct State {
    /// The connection whose lines are wanted; lines of others are dropped.
    session: u64,
    lines: VecDeque<(u64, FromPool)>,
    line_bytes: usize,
    shares: VecDeque<FoundShare>,
    /// Shares dropped because [`MAX_SHARES`] were waiting.
    dropped_shares: u64,
    exhausted: Option<(u64, String)>,
    back: Option<(u64, usize)>,
}

/// The queue; shared by reference counting between the threads.
pub struct Inbox {
    state: Mutex<State>,
    /// Something arrived for the connection thread.
    ready: Condvar,
    /// Room for lines again (or the session changed).
    room: Condvar,
}

impl Inbox {
    pub fn new() -> Inbox {
        Inbox {
            state: Mutex::new(State {
                session: 0,
                lines: VecDeque::new(),
                line_bytes: 0,
                shares: VecDeque::new(),
                dropped_shares: 0,
                exhausted: None,
                back: None,
            }),
            ready: Condvar::new(),
            room: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// From now on only connection `session` is listened to: whatever is
    /// queued from earlier ones is dropped, and their readers stop.
    pub fn start_session(&self, session: u64) {
        let mut state = self.lock();
        state.session = session;
        state.lines.clear();
        state.line_bytes = 0;
        state.exhausted = None;
        state.back = None;
        self.room.notify_all();
    }

    /// Queues a line, waiting while the queue is full. `false` when the
    /// connection is no longer listened to: the reader stops.
    pub fn push_line(&self, session: u64, line: Vec<u8>) -> bool {
        let mut state = self.lock();
        while state.session == session
            && !state.lines.is_empty()
            && (state.lines.len() >= MAX_LINES || state.line_bytes + line.len() > MAX_LINE_BYTES)
        {
            state = self
                .room
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.session != session {
            return false;
        }
        state.line_bytes += line.len();
        state.lines.push_back((session, FromPool::Line(line)));
        self.ready.notify_one();
        true
    }

    /// Queues the end of a connection (once per reader: never waits).
    pub fn push_closed(&self, session: u64, reason: String) {
        let mut state = self.lock();
        if state.session == session {
            state.lines.push_back((session, FromPool::Closed(reason)));
            self.ready.notify_one();
        }
    }

    /// Queues a share, or drops and counts it when [`MAX_SHARES`] wait;
    /// `false` when it was dropped.
    pub fn push_share(&self, share: FoundShare) -> bool {
        let mut state = self.lock();
        if state.shares.len() >= MAX_SHARES {
            state.dropped_shares += 1;
            return false;
        }
        state.shares.push_back(share);
        self.ready.notify_one();
        true
    }

    /// Counts shares the hashing thread dropped without queueing them.
    pub fn count_dropped(&self, shares: u64) {
        self.lock().dropped_shares += shares;
    }

    /// Shares dropped so far because the queue was full.
    pub fn dropped_shares(&self) -> u64 {
        self.lock().dropped_shares
    }

    pub fn push_exhausted(&self, session: u64, job_id: String) {
        let mut state = self.lock();
        state.exhausted = Some((session, job_id));
        self.ready.notify_one();
    }

    pub fn push_back(&self, session: u64, pool: usize) {
        let mut state = self.lock();
        if state.session == session {
            state.back = Some((session, pool));
            self.ready.notify_one();
        }
    }

    /// The next event, waiting at most `timeout`: the pool's lines first,
    /// then the rest, shares last.
    pub fn next(&self, timeout: Duration) -> Option<Event> {
        let mut state = self.lock();
        if is_empty(&state) {
            state = self
                .ready
                .wait_timeout(state, timeout)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        if let Some((session, item)) = state.lines.pop_front() {
            return Some(match item {
                FromPool::Line(line) => {
                    state.line_bytes -= line.len();
                    self.room.notify_all();
                    Event::Line { session, line }
                }
                FromPool::Closed(reason) => Event::Closed { session, reason },
            });
        }
        if let Some((session, pool)) = state.back.take() {
            return Some(Event::PoolBack { session, pool });
        }
        if let Some((session, job_id)) = state.exhausted.take() {
            return Some(Event::Exhausted { session, job_id });
        }
        state.shares.pop_front().map(Event::Found)
    }
}

fn is_empty(state: &State) -> bool {
    state.lines.is_empty()
        && state.shares.is_empty()
        && state.exhausted.is_none()
        && state.back.is_none()
}

/// The reader thread of connection `session`: each line becomes an
/// [`Event::Line`], the end of the connection an [`Event::Closed`]. A
/// line longer than [`MAX_LINE`] ends the connection.
pub fn read_lines(session: u64, stream: TcpStream, inbox: &Inbox) {
    let mut reader = BufReader::new(stream);
    let limit = u64::try_from(MAX_LINE).unwrap_or(u64::MAX) + 1;
    loop {
        let mut line = Vec::new();
        let read = reader.by_ref().take(limit).read_until(b'\n', &mut line);
        let reason = match read {
            Ok(0) => "the pool closed the connection".to_string(),
            Ok(_) if line.len() > MAX_LINE => format!("a line longer than {MAX_LINE} bytes"),
            Ok(_) if line.last() != Some(&b'\n') => {
                "the pool closed the connection in the middle of a line".to_string()
            }
            Ok(_) => {
                line.pop();
                if !inbox.push_line(session, line) {
                    return;
                }
                continue;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => format!("read error: {e}"),
        };
        inbox.push_closed(session, reason);
        return;
    }
}
