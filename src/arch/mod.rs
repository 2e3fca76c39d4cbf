//! Kernels: one module per instruction set, all keeping one contract,
//! [`KernelImpl`], and all listed once, in [`kernel_list!`].
//!
//! This layer sits between the search driver and the SHA-256 core: it
//! imports [`sha256`](mod@crate::sha256) and nothing above itself (not the
//! search driver, not the public hashing API). What a kernel knows about a
//! search is a [`JobData`]; what it reports is [`Candidates`].
//!
//! Adding a kernel is one new file (a token type implementing
//! [`KernelImpl`], declared with `mod` next to its siblings) and one line
//! in [`kernel_list!`]: the public `Kernel` enum, its names, detection,
//! dispatch, the self-test bookkeeping and the kernel test harness are
//! derived from that list.

use core::fmt::Debug;

use crate::sha256::Shape;

pub(crate) mod job;
pub(crate) use job::JobData;

pub(crate) mod compress;
#[cfg(any(
    target_arch = "x86",
    target_arch = "x86_64",
    all(target_arch = "aarch64", target_feature = "neon")
))]
pub(crate) mod lanes;
pub(crate) mod scalar;

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
pub(crate) mod x86;

// Not on `aarch64-unknown-none-softfloat` and the like, whose ABI keeps
// floating-point and vector registers out of use.
#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
pub(crate) mod aarch64;

#[cfg(test)]
mod tests;

/// Every kernel, in the order of the public `Kernel::ALL`, which is the
/// order of preference (`Engine::best` takes the last one available):
/// the variant name, its short name, the token type implementing
/// [`KernelImpl`], and where it is compiled. Kernels whose `cfg` is false
/// still have a `Kernel` variant; they are never available.
///
/// `kernel_list!(callback)` expands to `callback! { ...the list... }`, so
/// each consumer turns the list into what it needs.
macro_rules! kernel_list {
    ($callback:ident) => {
        $callback! {
            /// Portable Rust, one nonce at a time; runs everywhere. The reference.
            Scalar = "scalar", $crate::arch::scalar::Scalar, cfg(all());
            /// x86 SSE4.1, four nonces per step.
            Sse41 = "sse41", $crate::arch::x86::sse41::Sse41,
                cfg(any(target_arch = "x86", target_arch = "x86_64"));
            /// x86 AVX2, eight nonces per step.
            Avx2 = "avx2", $crate::arch::x86::avx2::Avx2,
                cfg(any(target_arch = "x86", target_arch = "x86_64"));
            /// x86 AVX-512F and AVX-512VL on 256-bit registers, eight nonces
            /// per step.
            Avx512Vl = "avx512vl", $crate::arch::x86::avx512vl::Avx512Vl,
                cfg(any(target_arch = "x86", target_arch = "x86_64"));
            /// x86 AVX-512F on 512-bit registers, sixteen nonces per step.
            Avx512 = "avx512", $crate::arch::x86::avx512::Avx512,
                cfg(any(target_arch = "x86", target_arch = "x86_64"));
            /// x86 SHA extensions (SHA-NI), several independent nonces interleaved.
            ShaNi = "sha-ni", $crate::arch::x86::sha_ni::ShaNi,
                cfg(any(target_arch = "x86", target_arch = "x86_64"));
            /// AArch64 NEON (Advanced SIMD), four nonces per step.
            Neon = "neon", $crate::arch::aarch64::neon::Neon,
                cfg(all(target_arch = "aarch64", target_feature = "neon"));
            /// ARMv8 SHA-2 crypto extension, several independent nonces interleaved.
            ArmSha2 = "arm-sha2", $crate::arch::aarch64::sha2::ArmSha2,
                cfg(all(target_arch = "aarch64", target_feature = "neon"));
        }
    };
}
pub(crate) use kernel_list;

/// The contract every kernel keeps. The implementing type is a token:
/// [`detect`](KernelImpl::detect) returns one only when the CPU (and OS)
/// support the kernel's instructions, so holding one is the proof that
/// calling its `#[target_feature]` code is sound. Tokens are small `Copy`
/// values (zero-sized, or a few flags for optional paths).
///
/// Invariants, checked for every kernel by the harness in `arch::tests`
/// and at run time by the engine's self-test:
///
/// - **No instruction the CPU lacks.** Code compiled for a feature runs
///   only behind a token whose `detect` found that feature.
/// - **Exact top-word filter.** `scan` reports a nonce exactly when the top
///   32 bits of its hash (the last state word of the final hash, byte
///   swapped) are at most [`JobData::target_top`]: no candidate missed, no
///   false candidate. The driver then compares the full 256 bits.
/// - **Ascending, in range, resumable.** `scan(job, start, count)` (with
///   `count >= 1` and `start + count <= 2^32`) looks at nonces from `start`
///   on and returns `None` only if none of the `count` is a candidate;
///   otherwise [`Candidates`] with every candidate among the first
///   `scanned` nonces, none past them or past the range, and the driver
///   resumes at `start + scanned`.
/// - **Many messages equal the portable hash.** `hash_many` writes the
///   SHA-256 (or SHA-256d) of each message to the output at the same
///   index, as [`sha256::hash_many`](crate::sha256::hash_many) does, for
///   any count and length (callers pass exactly `out.len()` messages).
/// - **Compression equals the portable one.** `compress_blocks` compresses
///   the whole blocks of its input in order, as the core's
///   [`compress_blocks`](crate::sha256::compress_blocks) does.
pub(crate) trait KernelImpl: Copy + Debug + Eq {
    /// Whether [`compress_blocks`](KernelImpl::compress_blocks) is the
    /// kernel's own, faster than the portable one for a single message:
    /// true for kernels with SHA instructions. SIMD lanes do nothing for
    /// one message, whose rounds each wait for the one before.
    const COMPRESSES: bool = false;

    /// The token, if this CPU, its OS and this build can run the kernel.
    fn detect() -> Option<Self>;

    /// The next batch of candidates among `count` nonces from `start`.
    fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates>;

    /// SHA-256, or SHA-256d if `double`, of each of the `out.len()`
    /// messages of `shape.len` bytes laid end to end in `messages`.
    fn hash_many(self, messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]);

    /// Compresses the whole 64-byte blocks of `blocks` into `state` in
    /// order, all of them in one call (no dispatch per block).
    fn compress_blocks(self, state: &mut [u32; 8], blocks: &[u8]) {
        crate::sha256::compress_blocks(state, blocks);
    }

    /// The same kernel on each internal path that detection did not
    /// choose, with a name for it (SHA-NI's search paths), so that tests
    /// cover code this CPU would not otherwise run.
    #[cfg(test)]
    fn alternates(self) -> std::vec::Vec<(&'static str, Self)> {
        std::vec::Vec::new()
    }
}

/// A cycle counter to time the choice between kernels with, where the
/// target has one that needs no operating system (the x86 time stamp
/// counter); `None` elsewhere.
pub(crate) fn ticks() -> Option<u64> {
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    let ticks = x86::ticks();
    #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
    let ticks = None;
    ticks
}

/// A batch of candidates from a kernel: nonces whose hash has a top 32-bit
/// word at most the target's, so that they *may* meet the target.
///
/// Kernels reject on the top word only; the driver confirms each candidate
/// with the full 256-bit comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Candidates {
    /// The nonce of bit 0 of `mask`.
    pub(crate) first_nonce: u32,
    /// Bit `i` set: nonce `first_nonce + i` is a candidate. Never set for a
    /// nonce outside the scanned range; never zero.
    pub(crate) mask: u32,
    /// How many nonces from the scan's start were decided: every candidate
    /// among them is in `mask`, and the scan resumes after them.
    pub(crate) scanned: u64,
}

/// The scanning loop every kernel shares:
/// `scan_in_steps!(start, count, lanes, |first| step)` evaluates `step`
/// for `first = start, start + lanes, ...`; `step` gives the candidate bits
/// of nonces `first..first + lanes` (bit `i` for `first + i`, wrapping past
/// `u32::MAX`). The loop masks the lanes past the range and ends with the
/// first step that has a candidate, as [`KernelImpl::scan`] does.
///
/// A macro rather than a function taking a closure: a closure is compiled
/// without the `#[target_feature]`s of the kernel it is written in when it
/// comes from generic code, and then nothing in it is inlined.
macro_rules! scan_in_steps {
    ($start:expr, $count:expr, $lanes:expr, |$first:ident| $step:expr) => {{
        let (start, count, lanes): (u32, u64, u32) = ($start, $count, $lanes);
        let mut offset = 0u64;
        loop {
            if offset >= count {
                break None;
            }
            // `start + count <= 2^32`, so the offset fits in a nonce.
            let $first = start.wrapping_add(offset as u32);
            let in_range = (count - offset).min(u64::from(lanes));
            let mut mask: u32 = $step;
            if in_range < u64::from(lanes) {
                mask &= (1u32 << in_range) - 1;
            }
            if mask != 0 {
                break Some($crate::arch::Candidates {
                    first_nonce: $first,
                    mask,
                    scanned: offset + in_range,
                });
            }
            offset += in_range;
        }
    }};
}
pub(crate) use scan_in_steps;

/// 64 words as groups of `N`: group `g` holds words `N * g .. N * g + N`,
/// the shape in which a kernel loads the core's `K` and `K + W` tables:
/// four at a time (one vector) or sixteen (one unrolled loop body). `N`
/// must divide 64; `G` must be `64 / N`.
#[cfg(any(
    target_arch = "x86",
    target_arch = "x86_64",
    all(target_arch = "aarch64", target_feature = "neon")
))]
pub(crate) const fn groups<const N: usize, const G: usize>(words: &[u32; 64]) -> [[u32; N]; G] {
    assert!(N * G == 64, "N * G must be 64");
    let mut out = [[0u32; N]; G];
    let mut i = 0;
    while i < 64 {
        out[i / N][i % N] = words[i];
        i += 1;
    }
    out
}

/// Candidate bits of a step's last state words: lane `i` may meet the
/// target when its hash's top 32 bits, `last_words[i].swap_bytes()`, are at
/// most the target's.
#[inline(always)]
pub(crate) fn candidate_bits(last_words: &[u32], target_top: u32) -> u32 {
    last_words.iter().enumerate().fold(0, |mask, (lane, &h7)| {
        mask | (u32::from(h7.swap_bytes() <= target_top) << lane)
    })
}
