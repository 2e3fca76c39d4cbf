//! SHA-NI kernel: the x86 SHA extensions (SHA256RNDS2 does two rounds,
//! SHA256MSG1 and SHA256MSG2 expand four schedule words), with several
//! independent hashes ("streams") interleaved at every step.
//!
//! One stream is a chain of dependent SHA256RNDS2, whose latency is four
//! cycles while the CPU can start one per cycle (both measured on AMD Zen 4
//! with a loop of 8 dependent and 8 independent chains), so one stream
//! alone would leave the unit idle three cycles out of four: interleaving
//! independent nonces (or inputs) fills those cycles.
//!
//! The kernel is split by role:
//! - [`streams`]: the state layout, rounds and schedule steps on `N`
//!   streams, the constant tables, and the second hash's first sixteen
//!   rounds, shared by the search and the batch;
//! - [`search`]: the nonce search with SHA256MSG1/SHA256MSG2 schedules,
//!   two streams, in intrinsics (legacy SSE only): the reference;
//! - [`avx2_schedule`]: the nonce search with the first hash's schedule
//!   computed by AVX2;
//! - `asm`, `search_asm` and `batch_asm` (x86-64): the same search, and
//!   SHA-256d of many headers or Merkle nodes, with three or four streams
//!   in hand-allocated `asm!`, where LLVM's allocation would spill;
//! - [`batch`]: many messages of one length, SHA-256 or SHA-256d (the
//!   64-byte Merkle batch among them, and one-shot hashes as one message);
//! - [`compress`]: the single-message compression of any number of blocks,
//!   behind plain hashing and the streaming hasher.
//!
//! Which search path runs is measured on the first search, never decided
//! by CPU model ([`fastest_path`]); the batch of headers and Merkle nodes
//! follows the search's stream count when an assembly path won.
//!
//! Without AVX2 (Intel Goldmont and Tremont have SHA-NI without it)
//! everything here is legacy-SSE encoded, the SHA instructions having no
//! VEX form. Legacy SSE after 256-bit AVX code that left the upper YMM
//! halves dirty is slow on some CPUs; the kernel is only entered from code
//! compiled without AVX, and LLVM emits `vzeroupper` before every return
//! from (and call out of) a function that used YMM registers, so the upper
//! halves are clean on entry.
//!
//! Every function here is `unsafe` with the SHA and SSE4.1 target features
//! (plus AVX2 in `avx2_schedule`): callers must run on a CPU that has them,
//! which holding a [`ShaNi`] token proves. Inside, the intrinsics are safe
//! to call from Rust 1.87 on but `unsafe` on older compilers, so their
//! `unsafe` blocks are allowed to be unused.

#![allow(unsafe_code, unused_unsafe)]

#[cfg(all(target_arch = "x86_64", not(miri)))]
mod asm;
mod avx2_schedule;
mod batch;
#[cfg(all(target_arch = "x86_64", not(miri)))]
mod batch_asm;
mod compress;
mod search;
#[cfg(all(target_arch = "x86_64", not(miri)))]
mod search_asm;
mod streams;

use core::sync::atomic::{AtomicU8, Ordering};

use crate::arch::{Candidates, JobData, KernelImpl};
use crate::sha256::Shape;

/// Nonces hashed side by side by the intrinsics SSE search. Two streams
/// fit the sixteen XMM registers (about 10 stack references per nonce in
/// the disassembly); three and four spill (80 and 142 per nonce), which is
/// why the three- and four-stream paths are assembly (`search_asm`).
/// Measured with `examples/bench` on a KVM guest on AMD Zen 3, three
/// alternating rounds, ratio to `sha2` in the same run: 2 streams
/// 2.48-2.56x, 3 streams (spilling) 2.19-2.39x, 4 streams 1.68-2.13x.
const SCAN_STREAMS: usize = 2;

/// Proof that this CPU supports the kernel's instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ShaNi {
    /// Whether the CPU (and OS) support AVX2: the AVX2-schedule search is
    /// one of the paths to time.
    avx2: bool,
    /// The search path, when not the fastest measured: only tests force one.
    forced: Option<SearchPath>,
}

/// The nonce search's implementations. Which is fastest depends on the
/// core (the SHA unit's latency and throughput, the cost of mixing YMM and
/// legacy-SSE code), so the first search times every one this CPU runs
/// ([`fastest_path`]) rather than following a rule by CPU model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum SearchPath {
    /// [`search`], two streams, LLVM's allocation: the reference.
    Sse = 1,
    /// [`avx2_schedule`]: the first hash's schedule by AVX2.
    Avx2 = 2,
    /// [`search_asm`], three streams.
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    Asm3 = 3,
    /// [`search_asm`], four streams.
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    Asm4 = 4,
}

impl SearchPath {
    /// Every path, in the order they are timed.
    const ALL: &[SearchPath] = &[
        SearchPath::Sse,
        SearchPath::Avx2,
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        SearchPath::Asm3,
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        SearchPath::Asm4,
    ];

    /// The path of a stored [`SearchPath`] number.
    fn from_u8(n: u8) -> Option<SearchPath> {
        SearchPath::ALL.iter().copied().find(|p| *p as u8 == n)
    }

    /// A name for test reports.
    #[cfg(test)]
    fn name(self) -> &'static str {
        match self {
            SearchPath::Sse => "SSE schedule, 2 streams",
            SearchPath::Avx2 => "AVX2 schedule",
            #[cfg(all(target_arch = "x86_64", not(miri)))]
            SearchPath::Asm3 => "assembly, 3 streams",
            #[cfg(all(target_arch = "x86_64", not(miri)))]
            SearchPath::Asm4 => "assembly, 4 streams",
        }
    }

    /// Scans with this path.
    ///
    /// # Safety
    /// The CPU must support SHA and SSE4.1, and AVX2 (with OS support) for
    /// [`SearchPath::Avx2`].
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    unsafe fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
        // SAFETY: the caller guarantees the features each path needs.
        unsafe {
            match self {
                SearchPath::Sse => search::scan_streams::<SCAN_STREAMS>(job, start, count),
                SearchPath::Avx2 => avx2_schedule::scan(job, start, count),
                #[cfg(all(target_arch = "x86_64", not(miri)))]
                SearchPath::Asm3 => {
                    search_asm::scan_streams::<search_asm::Three, 3>(job, start, count)
                }
                #[cfg(all(target_arch = "x86_64", not(miri)))]
                SearchPath::Asm4 => {
                    search_asm::scan_streams::<search_asm::Four, 4>(job, start, count)
                }
            }
        }
    }
}

/// [`fastest_path`]'s verdict: 0 while not yet measured, else a
/// [`SearchPath`] as a number.
static FASTEST_PATH: AtomicU8 = AtomicU8::new(0);

/// Nonces per timing of [`fastest_path`]: a whole number of steps of every
/// path (2, 3, 4 and 8 nonces).
const CALIBRATION_NONCES: u64 = 96;

/// Timings of each path in [`fastest_path`], alternating.
const CALIBRATION_ROUNDS: usize = 5;

/// The fastest search path here: each path the CPU runs is timed (in TSC
/// ticks) on the same 96 nonces five times, in turn, and the best times
/// compared. Measured once per process, on the first search, so that plain
/// hashing never pays for it (about 0.1 ms).
///
/// A rule by CPU model would not do. The AVX2 path leaves upper YMM halves
/// dirty while legacy-SSE SHA instructions run, which costs nothing on
/// bare-metal AMD Zen 4 (33.3 against 24.1 MH/s for the SSE path there)
/// but is a trap on some virtual machines: on a KVM guest on AMD Zen 3 each
/// switch between the two took about 115 ns, and the AVX2 path hashed 0.6
/// MH/s against the SSE path's 22-23. Intel cores add a merge to each such
/// legacy-SSE instruction. How many streams pay depends on the SHA unit:
/// two fill it where SHA256RNDS2 issues every two cycles with a latency of
/// four (AMD Zen 5), and leave half of it idle where it issues every cycle.
/// Every path gives the same candidates (the kernel tests run each), so the
/// choice only moves the hash rate.
///
/// # Safety
/// The CPU must support SHA and SSE4.1, and AVX2 (with OS support) if
/// `avx2`.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn fastest_path(avx2: bool) -> SearchPath {
    if let Some(path) = SearchPath::from_u8(FASTEST_PATH.load(Ordering::Relaxed)) {
        return path;
    }
    let paths = || {
        SearchPath::ALL
            .iter()
            .copied()
            .filter(move |p| avx2 || *p != SearchPath::Avx2)
    };
    // Miri has no time stamp counter (and runs no assembly): the AVX2 path
    // where it can run, so that Miri covers it.
    let fastest = if cfg!(miri) {
        paths().next_back().unwrap_or(SearchPath::Sse)
    } else {
        // Any job does: the paths' work does not depend on the header.
        let job = JobData::new(
            crate::sha256::IV,
            [0x1d00_ffff, 0x6c3e_2b35, 0x1a2b_3c4d],
            0,
        );
        let mut best = [(u64::MAX, SearchPath::Sse); SearchPath::ALL.len()];
        for _ in 0..CALIBRATION_ROUNDS {
            for (best, path) in best.iter_mut().zip(paths()) {
                // SAFETY: the caller guarantees the CPU has what each path
                // is compiled for (AVX2 only when `avx2`).
                let ticks = unsafe {
                    let start = ticks();
                    core::hint::black_box(path.scan(&job, 0, CALIBRATION_NONCES));
                    ticks().wrapping_sub(start)
                };
                *best = (best.0.min(ticks), path);
            }
        }
        best.iter()
            .min_by_key(|b| b.0)
            .map_or(SearchPath::Sse, |b| b.1)
    };
    FASTEST_PATH.store(fastest as u8, Ordering::Relaxed);
    fastest
}

/// The time stamp counter ([`super::ticks`]), which every x86 CPU with
/// SHA-NI has.
fn ticks() -> u64 {
    super::ticks().unwrap_or(0)
}

impl KernelImpl for ShaNi {
    const COMPRESSES: bool = true;

    fn detect() -> Option<Self> {
        super::has_sha_ni::get().then(|| ShaNi {
            avx2: super::has_avx2::get(),
            forced: None,
        })
    }

    fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
        // SAFETY: `self` exists only when `detect` found SHA, SSE2, SSSE3
        // and SSE4.1, and `avx2` only when it also found AVX and AVX2 (with
        // OS support): `fastest_path` times, and the tests force, the AVX2
        // path only then.
        unsafe {
            let path = match self.forced {
                Some(path) => path,
                None => fastest_path(self.avx2),
            };
            path.scan(job, start, count)
        }
    }

    fn hash_many(self, messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
        // Messages side by side: three for 64-byte ones, else two. Medians
        // matter as much as best times: on a shared machine the code that
        // spills more slows down most. Measured on a KVM guest on AMD Zen
        // 3, 1,024 messages a call, 400 rounds of every variant in turn,
        // million messages per second, best and median over three runs:
        // 64-byte SHA-256d, 2 streams 16.1 and 13.2-16.1, 3 streams 17.3
        // and 12.6-17.2, 4 streams 17.2 and 10.3-17.0 (`bitcoin_hashes`'
        // `hash_64_many` 15.5 and 13.6-15.5); 80-byte headers, 2 streams
        // 15.7 and 12.2-15.6, 3 streams 14.9 and 10.4-14.8, 4 streams 16.2
        // and 8.9-16.1. Since then three streams keep their schedule
        // window in memory (`streams::Window`): 64-byte best 18.7, and
        // 80-byte headers best 17.2 against two streams' 16.7 but with a
        // median of eight runs' medians of 11.1 against 13.1. Keeping only
        // the states in registers does not help either: a pass that
        // writes a block's whole schedule, plus `K`, to a table for each
        // header, then that block's rounds read from the tables, two to
        // four streams, ran at best 9.6-11.4 against 15.7. The schedule
        // pass runs on its own, one chain of SHA256MSG2 and additions per
        // block (about five cycles a group), where interleaved with the
        // rounds it hides in their latency.
        //
        // SHA-256d of headers and Merkle nodes in assembly, with the stream
        // count of the assembly search where that measured fastest here.
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        if double && matches!(shape.len, 64 | 80) {
            use search_asm::{Four, Three};
            // SAFETY: as in `scan`.
            let path = self
                .forced
                .unwrap_or_else(|| unsafe { fastest_path(self.avx2) });
            // SAFETY: `self` proves the CPU has SHA, SSE2, SSSE3 and SSE4.1;
            // each call's `LEN` is `shape.len`.
            unsafe {
                match (path, shape.len) {
                    (SearchPath::Asm4, 80) => {
                        return batch_asm::hash_many::<Four, 4, 80>(messages, shape, out);
                    }
                    (SearchPath::Asm4, _) => {
                        return batch_asm::hash_many::<Four, 4, 64>(messages, shape, out);
                    }
                    (SearchPath::Asm3, 80) => {
                        return batch_asm::hash_many::<Three, 3, 80>(messages, shape, out);
                    }
                    (SearchPath::Asm3, _) => {
                        return batch_asm::hash_many::<Three, 3, 64>(messages, shape, out);
                    }
                    _ => {}
                }
            }
        }
        // SAFETY: as in `scan`: `self` proves the CPU has SHA, SSE2, SSSE3
        // and SSE4.1, the features `hash_many` is compiled for.
        unsafe {
            // Merkle nodes (64 bytes) and headers (80) get code for their
            // length, with its block loop and padding branches folded away.
            match shape.len {
                64 => batch::hash_many::<3, 64>(messages, shape, double, out),
                80 => batch::hash_many::<2, 80>(messages, shape, double, out),
                _ => batch::hash_many::<2, 0>(messages, shape, double, out),
            }
        }
    }

    fn compress_blocks(self, state: &mut [u32; 8], blocks: &[u8]) {
        // SAFETY: as in `hash_many`.
        unsafe { compress::compress_blocks(state, blocks) }
    }

    /// Every search path that the timing did not choose, so that the tests
    /// cover each path this CPU runs: the SSE-only one (what CPUs with
    /// SHA-NI but no AVX2, Intel Goldmont and Tremont, run), the
    /// AVX2-schedule one where AVX2 is present, and the assembly ones.
    #[cfg(test)]
    fn alternates(self) -> std::vec::Vec<(&'static str, Self)> {
        // SAFETY: as in `scan`.
        let chosen = unsafe { fastest_path(self.avx2) };
        SearchPath::ALL
            .iter()
            .copied()
            .filter(|&p| p != chosen && (self.avx2 || p != SearchPath::Avx2))
            .map(|p| {
                (
                    p.name(),
                    ShaNi {
                        forced: Some(p),
                        ..self
                    },
                )
            })
            .collect()
    }
}
