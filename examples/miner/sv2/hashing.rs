//! The hashing side of SV2 pool mode: one thread running the library's
//! `ParallelSearch` over the works of the current v2 job (a standard
//! job's versions, or an extended job's extranonces and versions). New
//! work cancels the current search within one chunk, as in v1 mode, and
//! the slice sizes are v1 mode's ([`crate::pool_miner`]).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use sha256d::parallel::{DEFAULT_CHUNK_SIZE, ParallelEnd, ParallelSearch};
use sha256d::stratum::v2::{
    ExtendedJob, NewExtendedMiningJob, SetNewPrevHash, StandardJob, SubmitShares, Work,
};
use sha256d::stratum::{Error, Extranonce, Extranonce2, VersionMask};
use sha256d::{BlockHash, Engine, NonceRange, Target};

use super::messages::ExtendedJobFields;
use super::session::Event;
use crate::pool_miner::{max_slice, next_slice};

/// What to mine: one job of one connection.
pub struct Order {
    pub session: u64,
    pub job: OrderJob,
    pub target: Target,
}

/// The job of an [`Order`].
pub enum OrderJob {
    Standard(StandardJob),
    Extended(Arc<ExtendedEntry>),
}

/// A nonce whose header hash met the target.
#[derive(Debug)]
pub struct Found {
    pub session: u64,
    /// The share's fields (sequence number 0: the session numbers it).
    pub share: SubmitShares,
    /// The hash the search reported; the session recomputes it.
    pub hash: BlockHash,
}

struct State {
    order: Option<Arc<Order>>,
    generation: u64,
    shutdown: bool,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    cancel: AtomicBool,
    hashed: AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
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
    pub fn start(
        engine: Engine,
        threads: usize,
        work_size: u64,
        events: SyncSender<Event>,
    ) -> Miner {
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
            events,
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

    /// Replaces the work at once; `None` stops hashing.
    pub fn set_work(&self, order: Option<Order>) {
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

struct Search {
    shared: Arc<Shared>,
    engine: Engine,
    threads: usize,
    work_size: u64,
    events: SyncSender<Event>,
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
                self.shared.cancel.store(false, Ordering::Relaxed);
                state.order.clone()
            };
            if let Some(order) = order {
                self.mine(&order);
            }
        }
    }

    fn mine(&self, order: &Order) {
        let finished = match &order.job {
            OrderJob::Standard(job) => self.search(order, job.works()),
            OrderJob::Extended(entry) => entry
                .with_job(|job| {
                    Extranonce2::zero(job.extranonce_size())
                        .and_then(|first| job.works(first))
                        .map_or(true, |works| self.search(order, works))
                })
                .unwrap_or(true),
        };
        if finished && !self.shared.cancel.load(Ordering::Relaxed) {
            let job_id = match &order.job {
                OrderJob::Standard(job) => job.job_id(),
                OrderJob::Extended(entry) => entry.fields.job_id,
            };
            let _ = self.events.send(Event::Exhausted {
                session: order.session,
                job_id,
            });
        }
    }

    /// Searches `works` until cancelled (false) or done (true).
    fn search(&self, order: &Order, works: impl Iterator<Item = Work>) -> bool {
        let mut slice = DEFAULT_CHUNK_SIZE * 16;
        let max_slice = max_slice(&order.target);
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
                for solution in &outcome.solutions {
                    let found = Found {
                        session: order.session,
                        share: work.share(0, solution.nonce),
                        hash: solution.hash,
                    };
                    if self.events.send(Event::Found(found)).is_err() {
                        return false;
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
    }
}

/// An extended job made current: the pool's fields, the block it builds
/// on, the channel's extranonce prefix and size, and the mask.
#[derive(Debug)]
pub struct ExtendedEntry {
    pub fields: ExtendedJobFields,
    pub prev: SetNewPrevHash,
    pub channel: Extranonce,
    pub mask: VersionMask,
}

impl ExtendedEntry {
    /// Runs `f` on the library's job (which borrows the coinbase parts).
    pub fn with_job<R>(&self, f: impl FnOnce(&ExtendedJob<'_>) -> R) -> Result<R, Error> {
        let fields = &self.fields;
        let job = NewExtendedMiningJob {
            channel_id: fields.channel_id,
            job_id: fields.job_id,
            min_ntime: fields.min_ntime,
            version: fields.version,
            version_rolling_allowed: fields.version_rolling_allowed,
            merkle_path: &fields.merkle_path,
            coinbase_tx_prefix: &fields.coinbase_tx_prefix,
            coinbase_tx_suffix: &fields.coinbase_tx_suffix,
        };
        let job = ExtendedJob::new(&job, &self.prev, &self.channel, self.mask)?;
        Ok(f(&job))
    }
}

/// The mask to roll with: BIP 320's bits, or none without version rolling.
pub const fn mask(version_rolling: bool) -> VersionMask {
    if version_rolling {
        VersionMask::BIP320
    } else {
        VersionMask::NONE
    }
}
