//! The hashing side of pool mode: one thread that runs the library's
//! `ParallelSearch` (all cores, one engine) over the works of the current
//! job, and reports every share it finds.
//!
//! Shares go to the [`Inbox`], which holds a bounded number: with an
//! absurdly easy share target the extra ones are counted, not queued.
//!
//! The connection thread hands it a [`WorkOrder`] with [`Miner::set_work`];
//! that raises the search's cancellation flag, so the threads drop the old
//! work within one chunk (2^16 nonces) and start on the new one.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use sha256d::parallel::{DEFAULT_CHUNK_SIZE, ParallelEnd, ParallelSearch};
use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
use sha256d::{BlockHash, Engine, NonceRange, Target};

use crate::inbox::Inbox;
use crate::protocol::NotifyFields;

/// What to mine: one job of one connection.
#[derive(Debug)]
pub struct WorkOrder {
    /// The connection the job came from; shares of an older connection
    /// are dropped.
    pub session: u64,
    pub notify: Arc<NotifyFields>,
    pub extranonce: Extranonce,
    /// The negotiated BIP 310 mask, `None` without version rolling.
    pub rolling: Option<VersionMask>,
    /// The share target.
    pub target: Target,
}

/// A nonce whose header hash met the share target.
#[derive(Debug)]
pub struct FoundShare {
    pub session: u64,
    pub job_id: String,
    pub extranonce2: Extranonce2,
    pub ntime: u32,
    pub nonce: u32,
    pub version_bits: Option<u32>,
    /// The hash the search reported; the connection thread recomputes it.
    pub hash: BlockHash,
}

/// How long one slice of a search should take: shares are reported when
/// their slice ends.
const SLICE_TIME: Duration = Duration::from_secs(2);

/// Expected shares per slice at most: easy share targets get short slices.
const SHARES_PER_SLICE: f64 = 64.0;

struct State {
    order: Option<Arc<WorkOrder>>,
    /// Raised by every `set_work`, so the thread notices new work.
    generation: u64,
    shutdown: bool,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    cancel: AtomicBool,
    /// Every nonce hashed, for the hash rate.
    hashed: AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The hashing thread.
pub struct Miner {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Miner {
    /// Starts the thread, idle until the first [`Miner::set_work`].
    pub fn start(engine: Engine, threads: usize, work_size: u64, inbox: Arc<Inbox>) -> Miner {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                order: None,
                generation: 0,
                shutdown: false,
            }),
            wake: Condvar::new(),
            cancel: AtomicBool::new(false),
            hashed: AtomicU64::new(0),
        });
        let search = Search {
            shared: Arc::clone(&shared),
            engine,
            threads,
            work_size,
            inbox,
        };
        let thread = thread::Builder::new()
            .name("hashing".into())
            .spawn(move || search.run())
            .expect("start the hashing thread");
        Miner {
            shared,
            thread: Some(thread),
        }
    }

    /// Replaces the work at once (the current search is cancelled);
    /// `None` stops hashing until the next order.
    pub fn set_work(&self, order: Option<WorkOrder>) {
        let mut state = self.shared.lock();
        state.order = order.map(Arc::new);
        state.generation += 1;
        self.shared.cancel.store(true, Ordering::Relaxed);
        self.shared.wake.notify_all();
    }

    /// Nonces hashed so far.
    pub fn hashed(&self) -> u64 {
        self.shared.hashed.load(Ordering::Relaxed)
    }

    /// Stops and joins the thread.
    pub fn stop(mut self) {
        {
            let mut state = self.shared.lock();
            state.shutdown = true;
            self.shared.cancel.store(true, Ordering::Relaxed);
            self.shared.wake.notify_all();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The thread's side.
struct Search {
    shared: Arc<Shared>,
    engine: Engine,
    threads: usize,
    work_size: u64,
    inbox: Arc<Inbox>,
}

impl Search {
    fn run(self) {
        let mut seen = 0;
        loop {
            let order = {
                let mut state = self.shared.lock();
                while !state.shutdown && state.generation == seen {
                    state = self
                        .shared
                        .wake
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                if state.shutdown {
                    return;
                }
                seen = state.generation;
                // Under the lock: a later `set_work` raises it again.
                self.shared.cancel.store(false, Ordering::Relaxed);
                state.order.clone()
            };
            if let Some(order) = order {
                self.mine(&order);
            }
        }
    }

    /// Searches the order's works until it is cancelled or every
    /// (extranonce2, version) pair is done.
    fn mine(&self, order: &WorkOrder) {
        let size = order.extranonce.extranonce2_size();
        let finished = order.notify.with_job(&order.extranonce, |job| {
            let Ok(works) =
                Extranonce2::zero(size).and_then(|first| job.works(first, order.rolling))
            else {
                return true;
            };
            let max_slice = max_slice(&order.target);
            // Shares are reported when a slice ends: an easy target gets a
            // short first slice too.
            let mut slice = (DEFAULT_CHUNK_SIZE * 16).min(max_slice);
            for work in works {
                let search_job = work.search_job(order.target);
                let mut range = NonceRange::new(0, self.work_size).unwrap_or(NonceRange::FULL);
                while !range.is_empty() {
                    let started = Instant::now();
                    let outcome = ParallelSearch::new(self.engine)
                        .threads(self.threads)
                        .cancel_flag(&self.shared.cancel)
                        .progress(&self.shared.hashed)
                        .search(&search_job, range.take(slice));
                    for (index, solution) in outcome.solutions.iter().enumerate() {
                        let share = work.share(solution.nonce);
                        let found = FoundShare {
                            session: order.session,
                            job_id: job.job_id().to_owned(),
                            extranonce2: *share.extranonce2(),
                            ntime: share.ntime(),
                            nonce: share.nonce(),
                            version_bits: share.version_bits(),
                            hash: solution.hash,
                        };
                        if !self.inbox.push_share(found) {
                            // The queue is full: the rest of this slice's
                            // shares are counted, not built.
                            let rest = outcome.solutions.len() - index - 1;
                            self.inbox.count_dropped(rest as u64);
                            break;
                        }
                    }
                    if outcome.end == ParallelEnd::Cancelled {
                        return false;
                    }
                    slice = next_slice(outcome.hashed, started.elapsed(), max_slice);
                    range = range.skip(outcome.tried);
                }
            }
            true
        });
        if finished.unwrap_or(true) && !self.shared.cancel.load(Ordering::Relaxed) {
            self.inbox
                .push_exhausted(order.session, order.notify.job_id.clone());
        }
    }
}

/// The largest slice for a share target: about [`SHARES_PER_SLICE`] shares
/// expected (a difficulty-`d` share takes `d * 2^32` hashes on average).
pub fn max_slice(target: &Target) -> u64 {
    let expected = target.difficulty_float() * 4_294_967_296.0 * SHARES_PER_SLICE;
    (expected.min(4_294_967_296.0) as u64).max(DEFAULT_CHUNK_SIZE)
}

/// A slice that takes about [`SLICE_TIME`] at the measured speed, in whole
/// chunks, at most `max`.
pub fn next_slice(hashed: u64, took: Duration, max: u64) -> u64 {
    let seconds = took.as_secs_f64().max(1e-3);
    let wanted = hashed as f64 / seconds * SLICE_TIME.as_secs_f64();
    let chunks = (wanted / DEFAULT_CHUNK_SIZE as f64).round().max(1.0) as u64;
    (chunks * DEFAULT_CHUNK_SIZE)
        .min(max)
        .max(DEFAULT_CHUNK_SIZE)
}
