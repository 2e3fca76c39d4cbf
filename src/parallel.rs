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
//!
//! Only 32-bit atomics are used, so the same code runs on 32-bit targets
//! without 64-bit atomics (PowerPC, MIPS and ARMv5 Linux boards): the
//! cursor counts chunks in a `u32`, and each thread sums the nonces it
//! hashed on its own. The optional progress counter is any
//! [`ProgressCounter`]: an `AtomicU64` where the target has one, or an
//! `AtomicU32` or `AtomicUsize` anywhere.
//!
//! ```
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use sha256d::parallel::ParallelSearch;
//! use sha256d::{BlockHeader, Engine, NonceRange, SearchJob, Target};
//!
//! let job = SearchJob::new(&BlockHeader::default(), Target::ALL_ONES); // every nonce wins
//! let done = AtomicU32::new(0);
//! let outcome = ParallelSearch::new(Engine::best())
//!     .threads(2)
//!     .stop_at_first(true)
//!     .progress(&done)
//!     .search(&job, NonceRange::FULL);
//! assert_eq!(outcome.solutions[0].nonce, 0);
//! assert!(done.load(Ordering::Relaxed) >= 1);
//! ```

use core::fmt;
use core::num::NonZeroUsize;
use core::ops::ControlFlow;
#[cfg(target_has_atomic = "64")]
use core::sync::atomic::AtomicU64;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

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
    progress: Option<&'a dyn ProgressCounter>,
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
    /// let easy = sha256d::SearchJob::new(&header, Target::ALL_ONES); // every nonce wins
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
    /// this search alone. An `AtomicU64` counts any number of searches;
    /// where the target has no 64-bit atomics, an `AtomicU32` or
    /// `AtomicUsize` counts modulo its width (see [`ProgressCounter`]).
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
    pub fn progress(mut self, counter: &'a dyn ProgressCounter) -> Self {
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
    ///
    /// # Panics
    /// If the operating system cannot start a thread (as
    /// [`std::thread::Scope::spawn`] does), and if a search thread panics,
    /// which only a bug in a kernel could cause: the panic is passed on
    /// rather than a partial result returned.
    pub fn search(&self, job: &SearchJob, range: NonceRange) -> ParallelOutcome {
        let (chunk_size, chunk_count) = chunk_plan(range.count(), self.chunk_size);
        let threads = usize::try_from(chunk_count)
            .unwrap_or(usize::MAX)
            .min(self.threads)
            .max(1);
        let shared = Shared {
            next_chunk: AtomicU32::new(0),
            solution_found: AtomicBool::new(false),
        };
        let plan = Plan {
            job,
            range,
            chunk_size,
            chunk_count,
        };
        let worker = || self.work(&plan, &shared);
        let (mut finished, hashed) = thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(worker)).collect();
            let (mut all, mut hashed) = worker();
            for helper in helpers {
                // A worker only panics if the engine does, which is a bug;
                // pass it on rather than return a partial result.
                match helper.join() {
                    Ok((chunks, nonces)) => {
                        all.extend(chunks);
                        hashed += nonces;
                    }
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            (all, hashed)
        });
        finished.sort_unstable_by_key(|chunk| chunk.index);

        // Every chunk the cursor handed out was finished, so they form a
        // prefix of the range; those with solutions are in `finished`. The
        // cursor never passes `chunk_count`.
        let claimed = shared.next_chunk.load(Ordering::Relaxed);
        let claimed_nonces = (u64::from(claimed) * chunk_size).min(range.count());
        let mut solutions = Vec::new();
        for chunk in &finished {
            if self.stop_at_first {
                if let Some(&first) = chunk.solutions.first() {
                    solutions.push(first);
                    let tried = u64::from(chunk.index) * chunk_size + chunk.tried;
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
    /// Returns the chunks that held solutions (every other chunk it took
    /// was searched in full) and the nonces this thread hashed.
    fn work(&self, plan: &Plan<'_>, shared: &Shared) -> (Vec<ChunkResult>, u64) {
        let mut with_solutions = Vec::new();
        let mut hashed = 0u64;
        loop {
            let cancelled = self.cancel.is_some_and(|c| c.load(Ordering::Relaxed));
            // Once a solution is known, every chunk below it was already
            // handed out (the cursor only rises), so none is needed.
            let done = self.stop_at_first && shared.solution_found.load(Ordering::Relaxed);
            if cancelled || done {
                break;
            }
            // A compare-and-swap loop rather than `fetch_add`, so that the
            // cursor stops at `chunk_count` and a `u32` never overflows.
            let Ok(index) =
                shared
                    .next_chunk
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |next| {
                        (next < plan.chunk_count).then_some(next + 1)
                    })
            else {
                break;
            };
            let chunk = plan
                .range
                .skip(u64::from(index) * plan.chunk_size)
                .take(plan.chunk_size);
            let mut solutions = Vec::new();
            let stop_at_first = self.stop_at_first;
            let outcome = self.engine.search_with(plan.job, chunk, |solution| {
                solutions.push(solution);
                if stop_at_first {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            });
            hashed += outcome.tried;
            if let Some(progress) = self.progress {
                progress.add_nonces(outcome.tried);
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
        (with_solutions, hashed)
    }
}

/// The chunk size actually used for `count` nonces, and the number of
/// chunks. Chunks are numbered in 32 bits, which all 2^32 nonces in chunks
/// of one nonce would overflow; only then is the size raised (to two).
fn chunk_plan(count: u64, chunk_size: u64) -> (u64, u32) {
    let chunk_size = chunk_size.max(1).max(count.div_ceil(u64::from(u32::MAX)));
    let chunks = count.div_ceil(chunk_size);
    // `count <= 2^32` and `chunk_size * u32::MAX >= count`.
    (chunk_size, u32::try_from(chunks).unwrap_or(u32::MAX))
}

/// Where a search counts the nonces it has finished, for another thread to
/// read while it runs (see [`ParallelSearch::progress`]).
///
/// Implemented for `AtomicU64` (on targets with 64-bit atomics),
/// `AtomicU32` and `AtomicUsize`. The narrower counters wrap around: one
/// search tries at most 2^32 nonces, so a `u32` counter reset to zero
/// before a search reads that search's progress exactly until the very
/// last nonce of a search over all 2^32, where it wraps to zero. Implement
/// it for another counter (an atomic emulated with a lock, say) to use
/// that.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use sha256d::parallel::ProgressCounter;
///
/// let counter = AtomicUsize::new(0);
/// counter.add_nonces(1_000);
/// counter.add_nonces(24);
/// assert_eq!(counter.load(Ordering::Relaxed), 1_024);
/// ```
pub trait ProgressCounter: fmt::Debug + Sync {
    /// Adds `nonces` finished nonces.
    fn add_nonces(&self, nonces: u64);
}

#[cfg(target_has_atomic = "64")]
impl ProgressCounter for AtomicU64 {
    fn add_nonces(&self, nonces: u64) {
        self.fetch_add(nonces, Ordering::Relaxed);
    }
}

impl ProgressCounter for AtomicU32 {
    /// Adds modulo 2^32.
    fn add_nonces(&self, nonces: u64) {
        // Truncation is the wrap-around the counter documents.
        self.fetch_add(nonces as u32, Ordering::Relaxed);
    }
}

impl ProgressCounter for AtomicUsize {
    /// Adds modulo 2^`usize::BITS`.
    fn add_nonces(&self, nonces: u64) {
        self.fetch_add(nonces as usize, Ordering::Relaxed);
    }
}

/// One search's fixed inputs, shared by its threads.
struct Plan<'j> {
    job: &'j SearchJob,
    range: NonceRange,
    chunk_size: u64,
    chunk_count: u32,
}

/// State the threads of one search share.
struct Shared {
    /// The next chunk to hand out; never more than the number of chunks.
    next_chunk: AtomicU32,
    /// Whether some thread found a solution (used when stopping at the
    /// first).
    solution_found: AtomicBool,
}

/// A finished chunk that held solutions.
struct ChunkResult {
    index: u32,
    /// Nonces of the chunk searched (fewer than its length when a
    /// stop-at-first search stopped inside it).
    tried: u64,
    solutions: Vec<Solution>,
}

#[cfg(test)]
mod tests;
