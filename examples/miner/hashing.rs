//! The hashing thread of both pool modes: one thread that runs the
//! library's `ParallelSearch` (all cores, one engine) over the works of the
//! current order, in slices, and hands every slice's solutions to the mode.
//!
//! A mode supplies only what differs, as an [`Order`]: how an order lists
//! its works, how a solution becomes a share and where shares go (v1's
//! bounded [`crate::inbox::Inbox`], v2's bounded event channel).
//!
//! The connection thread hands it an order with [`Hashing::set_work`];
//! that raises the search's cancellation flag, so the threads drop the old
//! work within one chunk (2^16 nonces) and start on the new one.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use sha256d::parallel::{DEFAULT_CHUNK_SIZE, ParallelEnd, ParallelSearch};
use sha256d::{Engine, NonceRange, SearchJob, Solution, Target};

/// One mode's work for the hashing thread.
pub trait Order: Send + Sync + 'static {
    /// Where found shares and exhausted jobs go.
    type Sink: Send + 'static;

    /// Whether the first slice of an order is capped at [`max_slice`] like
    /// the later ones (so an easy target reports its first shares at once)
    /// rather than always [`FIRST_SLICE`] long.
    const CAP_FIRST_SLICE: bool;

    /// Searches the order's works with [`Slices::search`]: true when every
    /// one was searched (or there was none), false when the search stopped
    /// before.
    fn search(&self, slices: &Slices<'_>, sink: &Self::Sink) -> bool;

    /// Tells `sink` that every work of the order was searched.
    fn exhausted(&self, sink: &Self::Sink);
}

/// One work of an order: a header to search the nonces of.
pub trait Work {
    /// The search for hashes that meet `target`.
    fn search_job(&self, target: Target) -> SearchJob;
}

/// How long one slice of a search should take: shares are reported when
/// their slice ends.
const SLICE_TIME: Duration = Duration::from_secs(2);

/// Expected shares per slice at most: easy share targets get short slices.
const SHARES_PER_SLICE: f64 = 64.0;

/// The first slice of an order, before the speed is measured.
const FIRST_SLICE: u64 = DEFAULT_CHUNK_SIZE * 16;

struct State<O> {
    order: Option<Arc<O>>,
    /// Raised by every `set_work`, so the thread notices new work.
    generation: u64,
    shutdown: bool,
}

struct Shared<O> {
    state: Mutex<State<O>>,
    wake: Condvar,
    cancel: AtomicBool,
    /// Every nonce hashed, for the hash rate.
    hashed: AtomicU64,
}

impl<O> Shared<O> {
    fn lock(&self) -> MutexGuard<'_, State<O>> {
        // The state stays consistent even if a holder panicked.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The hashing thread, mining orders of type `O`.
pub struct Hashing<O: Order> {
    shared: Arc<Shared<O>>,
    thread: Option<JoinHandle<()>>,
}

impl<O: Order> Hashing<O> {
    /// Starts the thread, idle until the first [`Hashing::set_work`]; what
    /// it finds goes to `sink`.
    pub fn start(engine: Engine, threads: usize, work_size: u64, sink: O::Sink) -> Hashing<O> {
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
            sink,
        };
        let thread = thread::Builder::new()
            .name("hashing".into())
            .spawn(move || search.run())
            .expect("start the hashing thread");
        Hashing {
            shared,
            thread: Some(thread),
        }
    }

    /// Replaces the work at once (the current search is cancelled);
    /// `None` stops hashing until the next order.
    pub fn set_work(&self, order: Option<O>) {
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
struct Search<O: Order> {
    shared: Arc<Shared<O>>,
    engine: Engine,
    threads: usize,
    work_size: u64,
    sink: O::Sink,
}

impl<O: Order> Search<O> {
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

    /// Searches the order until it is cancelled or every work is done.
    fn mine(&self, order: &O) {
        let slices = Slices {
            engine: self.engine,
            threads: self.threads,
            work_size: self.work_size,
            cancel: &self.shared.cancel,
            hashed: &self.shared.hashed,
            cap_first: O::CAP_FIRST_SLICE,
        };
        let finished = order.search(&slices, &self.sink);
        if finished && !self.shared.cancel.load(Ordering::Relaxed) {
            order.exhausted(&self.sink);
        }
    }
}

/// The search an [`Order`] runs its works with.
pub struct Slices<'a> {
    engine: Engine,
    threads: usize,
    work_size: u64,
    cancel: &'a AtomicBool,
    hashed: &'a AtomicU64,
    cap_first: bool,
}

impl Slices<'_> {
    /// Searches the first `work_size` nonces of each of `works` for hashes
    /// that meet `target`, in slices of about [`SLICE_TIME`], handing each
    /// slice's solutions to `found` with their work. True when every work
    /// was searched; false when the search was cancelled or `found`
    /// returned false.
    pub fn search<W: Work>(
        &self,
        target: Target,
        works: impl IntoIterator<Item = W>,
        mut found: impl FnMut(&W, &[Solution]) -> bool,
    ) -> bool {
        let max_slice = max_slice(&target);
        let mut slice = if self.cap_first {
            FIRST_SLICE.min(max_slice)
        } else {
            FIRST_SLICE
        };
        for work in works {
            let search_job = work.search_job(target);
            let mut range = NonceRange::new(0, self.work_size).unwrap_or(NonceRange::FULL);
            while !range.is_empty() {
                let started = Instant::now();
                let outcome = ParallelSearch::new(self.engine)
                    .threads(self.threads)
                    .cancel_flag(self.cancel)
                    .progress(self.hashed)
                    .search(&search_job, range.take(slice));
                if !found(&work, &outcome.solutions) {
                    return false;
                }
                if outcome.end == ParallelEnd::Cancelled {
                    return false;
                }
                slice = next_slice(outcome.hashed, started.elapsed(), max_slice);
                range = range.skip(outcome.tried);
            }
        }
        true
    }
}

/// The largest slice for a share target: about [`SHARES_PER_SLICE`] shares
/// expected (a difficulty-`d` share takes `d * 2^32` hashes on average).
fn max_slice(target: &Target) -> u64 {
    let expected = target.difficulty_float() * 4_294_967_296.0 * SHARES_PER_SLICE;
    (expected.min(4_294_967_296.0) as u64).max(DEFAULT_CHUNK_SIZE)
}

/// A slice that takes about [`SLICE_TIME`] at the measured speed, in whole
/// chunks, at most `max`.
fn next_slice(hashed: u64, took: Duration, max: u64) -> u64 {
    let seconds = took.as_secs_f64().max(1e-3);
    let wanted = hashed as f64 / seconds * SLICE_TIME.as_secs_f64();
    let chunks = (wanted / DEFAULT_CHUNK_SIZE as f64).round().max(1.0) as u64;
    (chunks * DEFAULT_CHUNK_SIZE)
        .min(max)
        .max(DEFAULT_CHUNK_SIZE)
}
