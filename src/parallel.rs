//! Nonce search on several threads (the `std` feature).
//!
//! A [`ParallelSearch`] splits a [`NonceRange`] into chunks (2^16 nonces by
//! default) that threads take in ascending order from a shared atomic
//! cursor, so a thread that runs slower (the machine is busy, or it shares
//! a core) simply takes fewer chunks. Each thread runs the same [`Engine`].
//!
//! Threads are started with [`std::thread::scope`]: it needs no dependency
//! beyond `std`, and the threads may borrow the job, the cancellation flag
//! and the progress counter from the caller's stack, because the scope
//! joins them all before [`ParallelSearch::search`] returns.
//!
//! The result obeys the same contract as [`Engine::search_with`]: every
//! winning nonce in the searched part is reported, in ascending order, and
//! a search stopped at the first hit returns the *lowest* winning nonce,
//! exactly as a single-threaded search would.

use core::num::NonZeroUsize;
use core::ops::ControlFlow;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use std::thread;
use std::vec::Vec;

use crate::{Engine, NonceRange, SearchJob, Solution};

/// Why a parallel search returned. More reasons may be added in later
/// versions, so a `match` needs a wildcard arm.
///
/// ```
/// use sha256d::parallel::ParallelEnd;
/// fn describe(end: ParallelEnd) -> &'static str {
///     match end {
///         ParallelEnd::Exhausted => "searched everything",
///         ParallelEnd::Stopped => "found the first solution",
///         ParallelEnd::Cancelled => "cancelled",
///         _ => "something newer",
///     }
/// }
/// assert_eq!(describe(ParallelEnd::Stopped), "found the first solution");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParallelEnd {
    /// Every nonce in the range was tried.
    Exhausted,
    /// [`ParallelSearch::stop_at_first`] was set and a solution was found:
    /// the lowest one in the range.
    Stopped,
    /// The cancellation flag was raised before the range was exhausted and
    /// before any requested first solution was found.
    Cancelled,
}

/// What a parallel search did. Fields may be added in later versions.
///
/// ```
/// use sha256d::parallel::{ParallelEnd, ParallelSearch};
/// use sha256d::{Engine, NonceRange};
/// # let header = sha256d::BlockHeader::from_hex(concat!(
/// #     "0100000000000000000000000000000000000000000000000000000000000000",
/// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
/// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
/// # ))?;
/// # let job = sha256d::SearchJob::new(&header, header.bits.to_target()?);
/// let outcome = ParallelSearch::new(Engine::best()).search(&job, NonceRange::new(0, 1_000)?);
/// assert_eq!(outcome.end, ParallelEnd::Exhausted);
/// assert_eq!((outcome.tried, outcome.solutions.len()), (1_000, 0));
/// assert!(outcome.remaining.is_empty());
/// # Ok::<(), sha256d::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a parallel search outcome holds the solutions it found"]
#[non_exhaustive]
pub struct ParallelOutcome {
    /// Solutions in ascending nonce order: all of those before
    /// [`Self::remaining`], or only the lowest one when stopped at the
    /// first.
    pub solutions: Vec<Solution>,
    /// Nonces fully decided, counted from the range's start: those before
    /// [`Self::remaining`].
    pub tried: u64,
    /// Nonces hashed by all threads together, including work past the
    /// first solution or the cancellation point that the result does not
    /// use: the number to divide by the elapsed time for a hash rate.
    pub hashed: u64,
    /// Why the search returned.
    pub end: ParallelEnd,
    /// The part of the range not searched (or not needed); searching it
    /// continues exactly where this search left off. Empty when exhausted.
    pub remaining: NonceRange,
    /// Threads that ran, the calling thread included.
    pub threads: usize,
}

/// A multi-threaded nonce search: which engine, how many threads, and
/// when to stop. Build one, then call [`ParallelSearch::search`].
///
/// ```
/// use sha256d::parallel::{ParallelEnd, ParallelSearch};
/// use sha256d::{BlockHeader, Engine, NonceRange, SearchJob};
///
/// let header = BlockHeader::from_hex(concat!(
///     "0100000000000000000000000000000000000000000000000000000000000000",
///     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
///     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
/// ))?;
/// let job = SearchJob::new(&header, header.bits.to_target()?);
/// let range = NonceRange::new(2_083_200_000, 100_000)?;
///
/// let outcome = ParallelSearch::new(Engine::best()).threads(2).stop_at_first(true).search(&job, range);
/// assert_eq!(outcome.end, ParallelEnd::Stopped);
/// assert_eq!(outcome.solutions[0].nonce, header.nonce);
/// assert_eq!(outcome.remaining.start(), header.nonce + 1);
/// # Ok::<(), sha256d::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ParallelSearch<'a> {
    engine: Engine,
    threads: usize,
    chunk_size: u64,
    stop_at_first: bool,
    cancel: Option<&'a AtomicBool>,
    progress: Option<&'a AtomicU64>,
}

/// Default nonces per chunk: small enough that threads finish together
/// and cancellation is quick (milliseconds per chunk even on the scalar
/// kernel), large enough that taking a chunk costs nothing measurable.
///
/// ```
/// assert_eq!(sha256d::parallel::DEFAULT_CHUNK_SIZE, 65_536);
/// ```
pub const DEFAULT_CHUNK_SIZE: u64 = 1 << 16;

impl Default for ParallelSearch<'_> {
    fn default() -> Self {
        ParallelSearch::new(Engine::best())
    }
}

impl<'a> ParallelSearch<'a> {
    /// A search with `engine` on [`std::thread::available_parallelism`]
    /// threads (one if that is unknown), reporting every solution.
    ///
    /// ```
    /// use sha256d::{parallel::ParallelSearch, Engine};
    /// let search = ParallelSearch::new(Engine::scalar());
    /// assert_eq!(search.engine(), Engine::scalar());
    /// ```
    #[must_use]
    pub fn new(engine: Engine) -> Self {
        ParallelSearch {
            engine,
            threads: thread::available_parallelism().map_or(1, NonZeroUsize::get),
            chunk_size: DEFAULT_CHUNK_SIZE,
            stop_at_first: false,
            cancel: None,
            progress: None,
        }
    }

    /// Runs on `threads` threads, the calling thread included. Zero is
    /// treated as one (as in [`NonceRange::split`]); never more threads are
    /// started than there are chunks.
    ///
    /// ```
    /// use sha256d::{parallel::ParallelSearch, Engine, NonceRange};
    /// # let header = sha256d::BlockHeader::from_hex(concat!(
    /// #     "0100000000000000000000000000000000000000000000000000000000000000",
    /// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    /// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// # ))?;
    /// # let job = sha256d::SearchJob::new(&header, header.bits.to_target()?);
    /// let outcome = ParallelSearch::new(Engine::best()).threads(1).search(&job, NonceRange::new(0, 10)?);
    /// assert_eq!(outcome.threads, 1);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Nonces per chunk handed to a thread ([`DEFAULT_CHUNK_SIZE`] unless
    /// set); zero is treated as one.
    ///
    /// ```
    /// use sha256d::{parallel::ParallelSearch, Engine, NonceRange};
    /// # let header = sha256d::BlockHeader::from_hex(concat!(
    /// #     "0100000000000000000000000000000000000000000000000000000000000000",
    /// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    /// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// # ))?;
    /// # let job = sha256d::SearchJob::new(&header, header.bits.to_target()?);
    /// let search = ParallelSearch::new(Engine::best()).chunk_size(100);
    /// assert_eq!(search.search(&job, NonceRange::new(0, 1_000)?).tried, 1_000);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub fn chunk_size(mut self, nonces: u64) -> Self {
        self.chunk_size = nonces.max(1);
        self
    }

    /// Whether to stop at the first (lowest) solution instead of reporting
    /// every one.
    ///
    /// ```
    /// use sha256d::{parallel::ParallelSearch, Engine, NonceRange, Target};
    /// # let header = sha256d::BlockHeader::from_hex(concat!(
    /// #     "0100000000000000000000000000000000000000000000000000000000000000",
    /// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    /// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// # ))?;
    /// # let job = sha256d::SearchJob::new(&header, header.bits.to_target()?);
    /// let easy = sha256d::SearchJob::new(&header, Target::MAX); // every nonce wins
    /// let outcome = ParallelSearch::new(Engine::best())
    ///     .stop_at_first(true)
    ///     .search(&easy, NonceRange::new(7, 1_000)?);
    /// assert_eq!(outcome.solutions.len(), 1);
    /// assert_eq!(outcome.solutions[0].nonce, 7);
    /// # let _ = job;
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub fn stop_at_first(mut self, stop: bool) -> Self {
        self.stop_at_first = stop;
        self
    }

    /// A flag another thread may set to cancel the search. Threads check it
    /// before each chunk, so the search returns within about one chunk's
    /// time, with [`ParallelEnd::Cancelled`] and the unsearched rest in
    /// [`ParallelOutcome::remaining`].
    ///
    /// ```
    /// use std::sync::atomic::AtomicBool;
    /// use sha256d::parallel::{ParallelEnd, ParallelSearch};
    /// use sha256d::{Engine, NonceRange};
    /// # let header = sha256d::BlockHeader::from_hex(concat!(
    /// #     "0100000000000000000000000000000000000000000000000000000000000000",
    /// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    /// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// # ))?;
    /// # let job = sha256d::SearchJob::new(&header, header.bits.to_target()?);
    /// let cancelled = AtomicBool::new(true); // raised before the search starts
    /// let outcome = ParallelSearch::new(Engine::best())
    ///     .cancel_flag(&cancelled)
    ///     .search(&job, NonceRange::FULL);
    /// assert_eq!(outcome.end, ParallelEnd::Cancelled);
    /// assert_eq!(outcome.remaining, NonceRange::FULL);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub fn cancel_flag(mut self, cancel: &'a AtomicBool) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// A counter to which each finished chunk's nonces are added, so that
    /// another thread can read the progress while the search runs. It is
    /// only ever increased; set it to zero before the search to count
    /// this search alone.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use sha256d::{parallel::ParallelSearch, Engine, NonceRange};
    /// # let header = sha256d::BlockHeader::from_hex(concat!(
    /// #     "0100000000000000000000000000000000000000000000000000000000000000",
    /// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    /// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// # ))?;
    /// # let job = sha256d::SearchJob::new(&header, header.bits.to_target()?);
    /// let done = AtomicU64::new(0);
    /// let _ = ParallelSearch::new(Engine::best())
    ///     .progress(&done)
    ///     .search(&job, NonceRange::new(0, 5_000)?);
    /// assert_eq!(done.load(Ordering::Relaxed), 5_000);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub fn progress(mut self, counter: &'a AtomicU64) -> Self {
        self.progress = Some(counter);
        self
    }

    /// The engine every thread runs.
    ///
    /// ```
    /// use sha256d::{parallel::ParallelSearch, Engine};
    /// assert_eq!(ParallelSearch::new(Engine::best()).engine(), Engine::best());
    /// ```
    #[must_use]
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Searches `range` for nonces whose hash meets `job`'s target.
    ///
    /// ```
    /// use sha256d::{parallel::ParallelSearch, Engine, NonceRange};
    /// # let header = sha256d::BlockHeader::from_hex(concat!(
    /// #     "0100000000000000000000000000000000000000000000000000000000000000",
    /// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    /// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// # ))?;
    /// # let job = sha256d::SearchJob::new(&header, header.bits.to_target()?);
    /// let outcome = ParallelSearch::new(Engine::best())
    ///     .search(&job, NonceRange::new(header.nonce - 500, 1_000)?);
    /// assert_eq!(outcome.solutions.len(), 1);
    /// assert_eq!(outcome.solutions[0].hash, header.block_hash());
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    pub fn search(&self, job: &SearchJob, range: NonceRange) -> ParallelOutcome {
        let chunk_count = range.count().div_ceil(self.chunk_size);
        let threads = usize::try_from(chunk_count)
            .unwrap_or(usize::MAX)
            .min(self.threads)
            .max(1);
        let shared = Shared {
            next_chunk: AtomicU64::new(0),
            solution_found: AtomicBool::new(false),
            hashed: AtomicU64::new(0),
        };
        let worker = || self.work(job, range, chunk_count, &shared);
        let mut finished: Vec<ChunkResult> = thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(worker)).collect();
            let mut all = worker();
            for helper in helpers {
                // A worker only panics if the engine does, which is a bug;
                // pass it on rather than return a partial result.
                match helper.join() {
                    Ok(chunks) => all.extend(chunks),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            all
        });
        finished.sort_unstable_by_key(|chunk| chunk.index);
        let hashed = shared.hashed.load(Ordering::Relaxed);

        // Every chunk the cursor handed out was finished, so they form a
        // prefix of the range; those with solutions are in `finished`.
        let claimed = shared.next_chunk.load(Ordering::Relaxed).min(chunk_count);
        let claimed_nonces = claimed.saturating_mul(self.chunk_size).min(range.count());
        let mut solutions = Vec::new();
        for chunk in &finished {
            if self.stop_at_first {
                if let Some(&first) = chunk.solutions.first() {
                    solutions.push(first);
                    let tried = chunk.index * self.chunk_size + chunk.tried;
                    return ParallelOutcome {
                        solutions,
                        tried,
                        hashed,
                        end: ParallelEnd::Stopped,
                        remaining: range.skip(tried),
                        threads,
                    };
                }
            } else {
                solutions.extend_from_slice(&chunk.solutions);
            }
        }
        ParallelOutcome {
            solutions,
            tried: claimed_nonces,
            hashed,
            end: if claimed == chunk_count {
                ParallelEnd::Exhausted
            } else {
                ParallelEnd::Cancelled
            },
            remaining: range.skip(claimed_nonces),
            threads,
        }
    }

    /// One thread's loop: take the next chunk until none is left, a
    /// solution ends a stop-at-first search, or the search is cancelled.
    /// Returns the chunks that held solutions; every other chunk it took
    /// was searched in full.
    fn work(
        &self,
        job: &SearchJob,
        range: NonceRange,
        chunk_count: u64,
        shared: &Shared,
    ) -> Vec<ChunkResult> {
        let mut with_solutions = Vec::new();
        loop {
            let cancelled = self.cancel.is_some_and(|c| c.load(Ordering::Relaxed));
            // Once a solution is known, every chunk below it was already
            // handed out (the cursor only rises), so none is needed.
            let done = self.stop_at_first && shared.solution_found.load(Ordering::Relaxed);
            if cancelled || done {
                break;
            }
            let index = shared.next_chunk.fetch_add(1, Ordering::Relaxed);
            if index >= chunk_count {
                break;
            }
            let chunk = range.skip(index * self.chunk_size).take(self.chunk_size);
            let mut solutions = Vec::new();
            let stop_at_first = self.stop_at_first;
            let outcome = self.engine.search_with(job, chunk, |solution| {
                solutions.push(solution);
                if stop_at_first {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            });
            shared.hashed.fetch_add(outcome.tried, Ordering::Relaxed);
            if let Some(progress) = self.progress {
                progress.fetch_add(outcome.tried, Ordering::Relaxed);
            }
            if !solutions.is_empty() {
                if stop_at_first {
                    shared.solution_found.store(true, Ordering::Relaxed);
                }
                with_solutions.push(ChunkResult {
                    index,
                    tried: outcome.tried,
                    solutions,
                });
            }
        }
        with_solutions
    }
}

/// State the threads of one search share.
struct Shared {
    /// The next chunk to hand out.
    next_chunk: AtomicU64,
    /// Whether some thread found a solution (used when stopping at the
    /// first).
    solution_found: AtomicBool,
    /// Nonces searched by all threads.
    hashed: AtomicU64,
}

/// A finished chunk that held solutions.
struct ChunkResult {
    index: u64,
    /// Nonces of the chunk searched (fewer than its length when a
    /// stop-at-first search stopped inside it).
    tried: u64,
    solutions: Vec<Solution>,
}
