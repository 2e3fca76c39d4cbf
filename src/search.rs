//! The nonce search above the kernels: jobs, ranges, solutions and
//! outcomes, and the driver that turns a kernel's candidates into verified
//! solutions.

use core::ops::ControlFlow;

use crate::arch::{Candidates, JobData};
use crate::sha256::{HEADER_BLOCK, compress_words, hash_digest, store_state};
use crate::{BlockHash, BlockHeader};
use crate::{Error, Midstate, Target};

/// Everything about one header that does not change with the nonce,
/// computed once: the midstate of the first 64 bytes, the second block's
/// first rounds, and the schedule words that do not depend on the nonce.
///
/// ```
/// use sha256d::{BlockHeader, NonceRange, SearchJob, Engine};
/// # let header = BlockHeader::from_hex(concat!(
/// #     "0100000000000000000000000000000000000000000000000000000000000000",
/// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
/// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
/// # ))?;
/// let job = SearchJob::new(&header, header.bits.to_target()?);
/// let mut found = [sha256d::Solution::default(); 4];
/// let range = NonceRange::new(2_083_236_000, 1_000)?;
/// let outcome = Engine::best().search(&job, range, &mut found);
/// assert_eq!(outcome.found, 1);
/// assert_eq!(found[0].nonce, 2_083_236_893);
/// # Ok::<(), sha256d::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchJob {
    /// What the kernels read: the nonce-independent work, done here once.
    pub(crate) data: JobData,
    pub(crate) target: Target,
}

impl SearchJob {
    /// A job for `header` (its nonce is ignored) and `target`.
    ///
    /// ```
    /// use sha256d::SearchJob;
    /// # let header = sha256d::BlockHeader::from_hex(concat!(
    /// #     "0100000000000000000000000000000000000000000000000000000000000000",
    /// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    /// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// # ))?;
    /// let job = SearchJob::new(&header, header.bits.to_target()?);
    /// assert_eq!(job.hash(header.nonce), header.block_hash());
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub fn new(header: &BlockHeader, target: Target) -> Self {
        Self::from_parts(header.midstate().state(), &header.tail(), target)
    }

    /// A job from a midstate of the header's first 64 bytes and its last 16
    /// bytes (whose nonce, the last four, is ignored).
    ///
    /// ```
    /// use sha256d::SearchJob;
    /// # let header = sha256d::BlockHeader::from_hex(concat!(
    /// #     "0100000000000000000000000000000000000000000000000000000000000000",
    /// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    /// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// # ))?;
    /// let job = SearchJob::from_midstate(&header.midstate(), &header.tail(), header.bits.to_target()?)?;
    /// assert_eq!(job, SearchJob::new(&header, header.bits.to_target()?));
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidLength`] if the midstate does not cover exactly 64
    /// bytes.
    pub fn from_midstate(
        midstate: &Midstate,
        tail: &[u8; 16],
        target: Target,
    ) -> Result<Self, Error> {
        if midstate.bytes_hashed() != 64 {
            return Err(Error::InvalidLength {
                expected: 64,
                found: midstate.bytes_hashed() as usize,
            });
        }
        Ok(Self::from_parts(midstate.state(), tail, target))
    }

    fn from_parts(midstate: [u32; 8], tail: &[u8; 16], target: Target) -> Self {
        let word = |i: usize| u32::from_be_bytes([tail[i], tail[i + 1], tail[i + 2], tail[i + 3]]);
        SearchJob {
            data: JobData::new(midstate, [word(0), word(4), word(8)], target.top_u32()),
            target,
        }
    }

    /// The target this job searches for.
    ///
    /// ```
    /// use sha256d::{SearchJob, Target};
    /// # let header = sha256d::BlockHeader::from_hex(concat!(
    /// #     "0100000000000000000000000000000000000000000000000000000000000000",
    /// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    /// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// # ))?;
    /// assert_eq!(*SearchJob::new(&header, Target::ALL_ONES).target(), Target::ALL_ONES);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub const fn target(&self) -> &Target {
        &self.target
    }

    /// The header's block hash with `nonce`, computed the plain way (no
    /// precomputation, no early exit); every candidate a kernel reports is
    /// checked with it.
    ///
    /// ```
    /// use sha256d::{SearchJob, Target};
    /// # let header = sha256d::BlockHeader::from_hex(concat!(
    /// #     "0100000000000000000000000000000000000000000000000000000000000000",
    /// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    /// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// # ))?;
    /// let job = SearchJob::new(&header, Target::ALL_ONES);
    /// assert_eq!(job.hash(header.nonce).to_string(), "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub fn hash(&self, nonce: u32) -> BlockHash {
        let mut block = HEADER_BLOCK;
        block[..3].copy_from_slice(&self.data.tail);
        block[3] = nonce.swap_bytes();
        let mut first = self.data.midstate;
        compress_words(&mut first, &block);
        BlockHash::from_byte_array(store_state(&hash_digest(&first)))
    }
}

/// A contiguous range of nonces, `start ..= start + count - 1`, that never
/// runs past `u32::MAX`. It may be empty, and may cover all 2^32 nonces.
///
/// ```
/// use sha256d::NonceRange;
/// let range = NonceRange::new(u32::MAX - 9, 10)?;
/// assert_eq!(range.last(), Some(u32::MAX));
/// assert!(NonceRange::new(u32::MAX - 9, 11).is_err());
/// # Ok::<(), sha256d::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NonceRange {
    start: u32,
    count: u64,
}

/// Number of distinct nonces.
const NONCE_SPACE: u64 = 1 << 32;

impl NonceRange {
    /// All 2^32 nonces.
    ///
    /// ```
    /// assert_eq!(sha256d::NonceRange::FULL.count(), 1 << 32);
    /// ```
    pub const FULL: NonceRange = NonceRange {
        start: 0,
        count: NONCE_SPACE,
    };

    /// `count` nonces from `start`.
    ///
    /// ```
    /// assert_eq!(sha256d::NonceRange::new(10, 5)?.last(), Some(14));
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::NonceRangeOverflow`] if the range would pass `u32::MAX`.
    pub const fn new(start: u32, count: u64) -> Result<Self, Error> {
        if count > NONCE_SPACE - start as u64 {
            return Err(Error::NonceRangeOverflow);
        }
        Ok(NonceRange { start, count })
    }

    /// Nonces `start..=end`; empty when `end < start`.
    ///
    /// ```
    /// use sha256d::NonceRange;
    /// assert_eq!(NonceRange::inclusive(3, 5).count(), 3);
    /// assert!(NonceRange::inclusive(5, 3).is_empty());
    /// ```
    #[must_use]
    pub const fn inclusive(start: u32, end: u32) -> Self {
        if end < start {
            NonceRange { start, count: 0 }
        } else {
            NonceRange {
                start,
                count: end as u64 - start as u64 + 1,
            }
        }
    }

    /// From `start` to `u32::MAX` inclusive.
    ///
    /// ```
    /// assert_eq!(sha256d::NonceRange::from_start(u32::MAX).count(), 1);
    /// ```
    #[must_use]
    pub const fn from_start(start: u32) -> Self {
        NonceRange::inclusive(start, u32::MAX)
    }

    /// The first nonce (meaningful only when not empty).
    ///
    /// ```
    /// assert_eq!(sha256d::NonceRange::inclusive(3, 5).start(), 3);
    /// ```
    #[must_use]
    pub const fn start(&self) -> u32 {
        self.start
    }

    /// How many nonces.
    ///
    /// ```
    /// assert_eq!(sha256d::NonceRange::inclusive(3, 5).count(), 3);
    /// ```
    #[must_use]
    pub const fn count(&self) -> u64 {
        self.count
    }

    /// Whether the range holds no nonce.
    ///
    /// ```
    /// assert!(sha256d::NonceRange::new(7, 0)?.is_empty());
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The last nonce, if any.
    ///
    /// ```
    /// assert_eq!(sha256d::NonceRange::new(7, 0)?.last(), None);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub const fn last(&self) -> Option<u32> {
        if self.count == 0 {
            None
        } else {
            Some((self.start as u64 + self.count - 1) as u32)
        }
    }

    /// Whether `nonce` lies in the range.
    ///
    /// ```
    /// let range = sha256d::NonceRange::inclusive(3, 5);
    /// assert!(range.contains(5) && !range.contains(6));
    /// ```
    #[must_use]
    pub const fn contains(&self, nonce: u32) -> bool {
        let offset = (nonce as u64).wrapping_sub(self.start as u64);
        nonce >= self.start && offset < self.count
    }

    /// The range from offset `offset` (clamped to the end) on.
    ///
    /// ```
    /// let range = sha256d::NonceRange::inclusive(0, 9).skip(4);
    /// assert_eq!((range.start(), range.count()), (4, 6));
    /// ```
    #[must_use]
    pub const fn skip(&self, offset: u64) -> Self {
        let offset = if offset < self.count {
            offset
        } else {
            self.count
        };
        // start + offset may be 2^32 only when the result is empty.
        NonceRange {
            start: (self.start as u64 + offset) as u32,
            count: self.count - offset,
        }
    }

    /// The first `count` nonces (clamped to the range).
    ///
    /// ```
    /// let range = sha256d::NonceRange::inclusive(0, 9).take(4);
    /// assert_eq!(range.last(), Some(3));
    /// ```
    #[must_use]
    pub const fn take(&self, count: u64) -> Self {
        NonceRange {
            start: self.start,
            count: if count < self.count {
                count
            } else {
                self.count
            },
        }
    }

    /// Splits into `parts` consecutive ranges of near-equal size (the first
    /// ones one larger); `parts` of zero is treated as one.
    ///
    /// ```
    /// let parts: Vec<_> = sha256d::NonceRange::inclusive(0, 9).split(3).collect();
    /// assert_eq!(parts.iter().map(|p| p.count()).collect::<Vec<_>>(), [4, 3, 3]);
    /// ```
    pub fn split(&self, parts: u32) -> impl Iterator<Item = NonceRange> {
        let parts = u64::from(parts.max(1));
        let base = self.count / parts;
        let extra = self.count % parts;
        let whole = *self;
        (0..parts).map(move |i| {
            let offset = i * base + i.min(extra);
            whole.skip(offset).take(base + u64::from(i < extra))
        })
    }
}

/// A nonce whose header hash meets the target, and that hash.
///
/// ```
/// use sha256d::{Engine, NonceRange, SearchJob, Solution};
/// # let header = sha256d::BlockHeader::from_hex(concat!(
/// #     "0100000000000000000000000000000000000000000000000000000000000000",
/// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
/// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
/// # ))?;
/// let job = SearchJob::new(&header, header.bits.to_target()?);
/// let mut found = [Solution::default(); 1];
/// let _ = Engine::best().search(&job, NonceRange::new(header.nonce, 1)?, &mut found);
/// assert_eq!(found[0], Solution { nonce: header.nonce, hash: header.block_hash() });
/// # Ok::<(), sha256d::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Solution {
    /// The winning nonce.
    pub nonce: u32,
    /// The header's block hash with that nonce.
    pub hash: BlockHash,
}

/// Why a search returned. More reasons may be added in later versions, so
/// a `match` needs a wildcard arm.
///
/// ```
/// use sha256d::{Engine, NonceRange, SearchEnd, SearchJob, Solution, Target};
/// # let header = sha256d::BlockHeader::from_hex(concat!(
/// #     "0100000000000000000000000000000000000000000000000000000000000000",
/// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
/// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
/// # ))?;
/// let job = SearchJob::new(&header, Target::ALL_ONES); // every nonce wins
/// let mut room = [Solution::default(); 3];
/// let outcome = Engine::best().search(&job, NonceRange::new(0, 10)?, &mut room);
/// assert_eq!(outcome.end, SearchEnd::OutputFull);
/// assert_eq!(outcome.remaining.start(), 3); // resume here
/// # Ok::<(), sha256d::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SearchEnd {
    /// Every nonce in the range was tried.
    Exhausted,
    /// A solution was found with no room left to store it. It was not
    /// stored or counted; [`SearchOutcome::remaining`] starts at it.
    OutputFull,
    /// The visitor asked to stop after a solution it accepted.
    Stopped,
}

/// What a search did. Solutions are reported in ascending nonce order.
/// Fields may be added in later versions.
///
/// ```
/// use sha256d::{Engine, NonceRange, SearchEnd, SearchJob, Solution};
/// # let header = sha256d::BlockHeader::from_hex(concat!(
/// #     "0100000000000000000000000000000000000000000000000000000000000000",
/// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
/// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
/// # ))?;
/// let job = SearchJob::new(&header, header.bits.to_target()?);
/// let mut found = [Solution::default(); 1];
/// let outcome = Engine::best().search(&job, NonceRange::new(0, 1_000)?, &mut found);
/// assert_eq!((outcome.tried, outcome.found, outcome.end), (1_000, 0, SearchEnd::Exhausted));
/// # Ok::<(), sha256d::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use = "a search outcome says how many solutions were stored and where to resume"]
#[non_exhaustive]
pub struct SearchOutcome {
    /// Nonces fully decided: those before [`Self::remaining`].
    pub tried: u64,
    /// Solutions reported (stored, or passed to the visitor).
    pub found: usize,
    /// Why the search returned.
    pub end: SearchEnd,
    /// The part of the range not yet searched; empty when exhausted.
    /// Searching it continues exactly where this search left off.
    pub remaining: NonceRange,
}

/// What the driver's visitor wants after a solution.
pub(crate) enum Visit {
    /// Keep going.
    Continue,
    /// The solution was taken; stop after it.
    Stop,
    /// The solution could not be taken; stop before it.
    NoRoom,
}

/// Runs a kernel's `scan` over `range`, verifying candidates and reporting
/// solutions in ascending order.
///
/// `scan(data, start, count)` is a kernel's scan, keeping the contract of
/// [`KernelImpl::scan`](crate::arch::KernelImpl::scan): examine nonces from
/// `start` (at most `count`, with `count >= 1`) and return `None` only if
/// none of them is a candidate.
#[inline]
pub(crate) fn drive(
    job: &SearchJob,
    range: NonceRange,
    mut scan: impl FnMut(&JobData, u32, u64) -> Option<Candidates>,
    mut visit: impl FnMut(Solution) -> Visit,
) -> SearchOutcome {
    let mut offset = 0u64;
    let mut found = 0usize;
    let finish = |offset: u64, found: usize, end: SearchEnd| SearchOutcome {
        tried: offset,
        found,
        end,
        remaining: range.skip(offset),
    };
    while offset < range.count {
        let start = range.skip(offset).start;
        let Some(batch) = scan(&job.data, start, range.count - offset) else {
            break;
        };
        let mut mask = batch.mask;
        while mask != 0 {
            let lane = mask.trailing_zeros();
            mask &= mask - 1;
            let nonce = batch.first_nonce.wrapping_add(lane);
            let hash = job.hash(nonce);
            if !hash.meets(&job.target) {
                continue;
            }
            // Nonces before this one are decided.
            let at = u64::from(nonce.wrapping_sub(range.start));
            match visit(Solution { nonce, hash }) {
                Visit::Continue => found += 1,
                Visit::Stop => return finish(at + 1, found + 1, SearchEnd::Stopped),
                Visit::NoRoom => return finish(at, found, SearchEnd::OutputFull),
            }
        }
        offset += batch.scanned;
    }
    finish(range.count, found, SearchEnd::Exhausted)
}

/// Adapts a slice of solutions to the driver's visitor.
pub(crate) fn fill(out: &mut [Solution]) -> impl FnMut(Solution) -> Visit + '_ {
    let mut used = 0;
    move |solution| match out.get_mut(used) {
        Some(slot) => {
            *slot = solution;
            used += 1;
            Visit::Continue
        }
        None => Visit::NoRoom,
    }
}

/// Adapts a public `ControlFlow` visitor to the driver's visitor.
pub(crate) fn until_break(
    mut visitor: impl FnMut(Solution) -> ControlFlow<()>,
) -> impl FnMut(Solution) -> Visit {
    move |solution| match visitor(solution) {
        ControlFlow::Continue(()) => Visit::Continue,
        ControlFlow::Break(()) => Visit::Stop,
    }
}
