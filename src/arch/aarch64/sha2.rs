//! ARMv8 SHA-2 kernel: the crypto extension's SHA256H and SHA256H2 do four
//! rounds each (the first returns the new `a..d`, the second the new
//! `e..h`), SHA256SU0 and SHA256SU1 expand four schedule words, and several
//! independent hashes ("streams") are interleaved at every step.
//!
//! One stream is a single chain of dependent SHA256H/SHA256H2 pairs, each
//! waiting for the previous pair's result. The crypto unit is pipelined and
//! these instructions take several cycles (see the instruction tables of
//! Arm's Cortex-A72 Software Optimization Guide, UAN 0016A), so independent
//! nonces fill cycles one stream would leave idle, on in-order cores too.
//!
//! Unlike x86's SHA256RNDS2, the state stays in natural order: one register
//! holds lanes `[a, b, c, d]` (lane 0 first), the other `[e, f, g, h]`, and
//! message words are plain 32-bit lanes, so feeding a digest into the
//! second hash costs two additions and no shuffle.
//!
//! The search and the many-message batch ([`batch`]) share the stream
//! steps and the second hash's first sixteen rounds
//! ([`second_hash_to_round_15`]); [`compress`] is the single-message
//! compression behind plain hashing. Every function here
//! is `unsafe` with the NEON and SHA-2 target features: callers must run
//! on a CPU that has them, which holding an [`ArmSha2`] token proves.
//! Inside, NEON intrinsics that do not touch memory are safe calls from
//! Rust 1.87 on but `unsafe` on older compilers, so their `unsafe` blocks
//! are allowed to be unused.

#![allow(unsafe_code, unused_unsafe)]

use core::arch::aarch64::*;

use crate::arch::{Candidates, JobData, KernelImpl, candidate_bits, groups, scan_in_steps};
use crate::sha256::consts::DIGEST_BITS;
use crate::sha256::{DIGEST_KW, HEADER_BITS, HEADER_KW, IV, K, PAD_START, Shape};

mod batch;
mod compress;

/// Nonces hashed side by side by `scan`. Two, as in Bitcoin Core's ARMv8
/// SHA-256d of 64-byte inputs (`sha256d64_arm_shani::Transform_2way` in
/// `src/crypto/sha256_arm_shani.cpp`); not tuned on hardware here.
const SCAN_STREAMS: usize = 2;

/// Messages hashed side by side by `hash_many`.
const BATCH_STREAMS: usize = 2;

/// Proof that this CPU supports the kernel's instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ArmSha2(());

impl KernelImpl for ArmSha2 {
    const COMPRESSES: bool = true;

    fn detect() -> Option<Self> {
        super::has_sha2().then_some(ArmSha2(()))
    }

    fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
        // SAFETY: `self` exists only when `detect` found NEON and SHA-2,
        // the features `scan_streams` is compiled for.
        unsafe { scan_streams::<SCAN_STREAMS>(job, start, count) }
    }

    fn hash_many(self, messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
        // SAFETY: as in `scan`: `self` proves the CPU has the features.
        unsafe { batch::hash_many::<BATCH_STREAMS>(messages, shape, double, out) }
    }

    fn compress_blocks(self, state: &mut [u32; 8], blocks: &[u8]) {
        // SAFETY: as in `scan`: `self` proves the CPU has the features.
        unsafe { compress::compress_blocks(state, blocks) }
    }
}

/// The round constants in groups of four, one vector load each.
static K_GROUPS: [[u32; 4]; 16] = groups(&K);

/// `K + W` of rounds 8..16 of the second hash (words 8..16 are constant).
static DIGEST_PADDING_KW: [[u32; 4]; 2] = {
    let kw: [[u32; 4]; 16] = groups(&DIGEST_KW);
    [kw[2], kw[3]]
};

/// `K + W` of rounds 4..16 of the header's second block, whose words 4..16
/// are the constant padding of an 80-byte message.
static HEADER_PADDING_KW: [[u32; 4]; 3] = {
    let kw: [[u32; 4]; 16] = groups(&HEADER_KW);
    [kw[1], kw[2], kw[3]]
};

/// A SHA-256 state in the SHA256H/SHA256H2 layout.
#[derive(Clone, Copy)]
struct State {
    /// Lanes `[a, b, c, d]`.
    abcd: uint32x4_t,
    /// Lanes `[e, f, g, h]`.
    efgh: uint32x4_t,
}

/// Each stream's last sixteen schedule words in groups of four, oldest
/// first.
type Window<const N: usize> = [[uint32x4_t; 4]; N];

/// Four words as a vector, `w[0]` in lane 0.
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn load_words(w: &[u32; 4]) -> uint32x4_t {
    // SAFETY: NEON is enabled here; `w` is four readable `u32`s, exactly
    // what the load reads.
    unsafe { vld1q_u32(w.as_ptr()) }
}

/// A state `a..h` in the SHA256H layout.
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn load_state(s: &[u32; 8]) -> State {
    // SAFETY: this function's target features are those of the callee.
    unsafe {
        State {
            abcd: load_words(&[s[0], s[1], s[2], s[3]]),
            efgh: load_words(&[s[4], s[5], s[6], s[7]]),
        }
    }
}

/// Lane-wise sum of two states (the feed-forward of a compression).
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn add_state(s: State, t: State) -> State {
    // SAFETY: NEON is enabled here.
    unsafe {
        State {
            abcd: vaddq_u32(s.abcd, t.abcd),
            efgh: vaddq_u32(s.efgh, t.efgh),
        }
    }
}

/// Four rounds on every stream; `wk[i]` holds the stream's `K + W`.
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn rounds_4<const N: usize>(st: &mut [State; N], wk: &[uint32x4_t; N]) {
    for (s, &wk) in st.iter_mut().zip(wk) {
        // SAFETY: SHA-2 is enabled here.
        unsafe {
            // SHA256H2 takes the `a..d` from before the four rounds.
            let abcd = vsha256hq_u32(s.abcd, s.efgh, wk);
            s.efgh = vsha256h2q_u32(s.efgh, s.abcd, wk);
            s.abcd = abcd;
        }
    }
}

/// Four rounds on every stream with message words `w[i]` and round
/// constants `k`.
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn rounds_4_words<const N: usize>(st: &mut [State; N], w: &[uint32x4_t; N], k: uint32x4_t) {
    let mut wk = *w;
    // SAFETY: NEON is enabled here, and the callee's target features.
    unsafe {
        for wk in &mut wk {
            *wk = vaddq_u32(*wk, k);
        }
        rounds_4(st, &wk);
    }
}

/// Four rounds on every stream with the same `K + W` (constant words).
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn rounds_4_same<const N: usize>(st: &mut [State; N], kw: &[u32; 4]) {
    // SAFETY: this function's target features are those of the callees.
    unsafe { rounds_4(st, &[load_words(kw); N]) };
}

/// Rounds `4g..4g+4` on every stream with the message words of group `j`
/// of its window: rounds whose words need no expansion.
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn window_rounds_4<const N: usize>(
    st: &mut [State; N],
    window: &Window<N>,
    j: usize,
    g: usize,
) {
    let mut now = [window[0][j]; N];
    for (now, m) in now.iter_mut().zip(window) {
        *now = m[j];
    }
    // SAFETY: this function's target features are those of the callees.
    unsafe { rounds_4_words(st, &now, load_words(&K_GROUPS[g])) };
}

/// The next four schedule words of one stream from its window.
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn schedule(m: &[uint32x4_t; 4]) -> uint32x4_t {
    // SAFETY: SHA-2 is enabled here. SU0 adds sigma0 of words 1..=4 to
    // words 0..=3; SU1 adds words 9..=12 and sigma1 of words 14..=17 (the
    // last two it computes).
    unsafe { vsha256su1q_u32(vsha256su0q_u32(m[0], m[1]), m[2], m[3]) }
}

/// Schedule words `4g..4g+4` of every stream from its window of the
/// sixteen words before them, then rounds `4g..4g+4`; the window slides by
/// four words.
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn scheduled_rounds_4<const N: usize>(
    st: &mut [State; N],
    window: &mut Window<N>,
    g: usize,
) {
    let mut next = [window[0][3]; N];
    for (next, m) in next.iter_mut().zip(window.iter_mut()) {
        // SAFETY: this function's target features are the callee's.
        *next = unsafe { schedule(m) };
        *m = [m[1], m[2], m[3], *next];
    }
    // SAFETY: this function's target features are those of the callees.
    unsafe { rounds_4_words(st, &next, load_words(&K_GROUPS[g])) };
}

/// The second hash's rounds 0..=15 for every stream: its message is the
/// digest `first + feed_forward` (the last compression's state before and
/// its value added after) and the constant padding. Returns the states and
/// each stream's schedule window of words 0..=15. Shared by the search
/// (feed-forward: the midstate) and the batch (the state after each input's
/// first block).
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn second_hash_to_round_15<const N: usize>(
    first: &[State; N],
    feed_forward: &[State; N],
) -> ([State; N], Window<N>) {
    // SAFETY: this function's target features are those of the callees
    // and intrinsics (NEON).
    unsafe {
        let zero = vdupq_n_u32(0);
        let padding = [
            vsetq_lane_u32::<0>(PAD_START, zero),
            vsetq_lane_u32::<3>(DIGEST_BITS, zero),
        ];
        let mut window = [[zero; 4]; N];
        for ((m, s), ff) in window.iter_mut().zip(first).zip(feed_forward) {
            let digest = add_state(*s, *ff);
            *m = [digest.abcd, digest.efgh, padding[0], padding[1]];
        }
        let mut st = [load_state(&IV); N];
        window_rounds_4(&mut st, &window, 0, 0);
        window_rounds_4(&mut st, &window, 1, 1);
        for kw in &DIGEST_PADDING_KW {
            rounds_4_same(&mut st, kw);
        }
        (st, window)
    }
}

/// The job's nonce-independent values in vector form (loads of
/// [`JobData`], where the arithmetic was done once per job).
struct ScanSetup {
    /// State after round 3 with the nonce's share left out of `a` and `e`
    /// (lanes 0): `[round3_a, a, b, c]` and `[round3_e, e, f, g]`.
    after_round3: State,
    /// Message words 0..=3 with word 3 (the nonce) zero.
    tail: uint32x4_t,
    midstate: State,
}

impl ScanSetup {
    #[inline]
    #[target_feature(enable = "neon,sha2")]
    unsafe fn new(job: &JobData) -> Self {
        let [a, b, c, _, e, f, g, _] = job.state3;
        let [t0, t1, t2] = job.tail;
        // SAFETY: this function's target features are those of the callees.
        unsafe {
            ScanSetup {
                after_round3: State {
                    abcd: load_words(&[job.round3_a, a, b, c]),
                    efgh: load_words(&[job.round3_e, e, f, g]),
                },
                tail: load_words(&[t0, t1, t2, 0]),
                midstate: load_state(&job.midstate),
            }
        }
    }
}

/// The last state word `H7` of the final hash for nonces `first + i`,
/// `i < N`.
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn last_state_words<const N: usize>(setup: &ScanSetup, first: u32) -> [u32; N] {
    // SAFETY: this function's target features are those of the callees
    // and intrinsics (NEON, SHA-2).
    unsafe {
        // First hash: the header's second block from round 4 on. Rounds
        // 0..=2 and round 3 apart from its message word are in the setup.
        let mut st = [setup.after_round3; N];
        let mut window = [[setup.tail; 4]; N];
        let zero = vdupq_n_u32(0);
        for (i, (s, m)) in st.iter_mut().zip(window.iter_mut()).enumerate() {
            let w3 = first.wrapping_add(i as u32).swap_bytes();
            let a = vgetq_lane_u32::<0>(s.abcd).wrapping_add(w3);
            let e = vgetq_lane_u32::<0>(s.efgh).wrapping_add(w3);
            s.abcd = vsetq_lane_u32::<0>(a, s.abcd);
            s.efgh = vsetq_lane_u32::<0>(e, s.efgh);
            *m = [
                vsetq_lane_u32::<3>(w3, setup.tail),
                vsetq_lane_u32::<0>(PAD_START, zero),
                zero,
                vsetq_lane_u32::<3>(HEADER_BITS, zero),
            ];
        }
        // Rounds 4..16 read constant words.
        for kw in &HEADER_PADDING_KW {
            rounds_4_same(&mut st, kw);
        }
        for g in 4..16 {
            scheduled_rounds_4(&mut st, &mut window, g);
        }

        // Second hash of the digest.
        let (st, mut window) = second_hash_to_round_15(&st, &[setup.midstate; N]);
        let mut st = st;
        for g in 4..15 {
            scheduled_rounds_4(&mut st, &mut window, g);
        }
        // Rounds 60..=63 with SHA256H2 only: the `h` it returns is round
        // 60's new `e`, which rounds 61..=63 just pass along, and the final
        // `a..d` (SHA256H's result) is not needed.
        let k = load_words(&K_GROUPS[15]);
        let mut last = [0u32; N];
        for ((h7, s), m) in last.iter_mut().zip(&st).zip(&window) {
            let efgh = vsha256h2q_u32(s.efgh, s.abcd, vaddq_u32(schedule(m), k));
            *h7 = IV[7].wrapping_add(vgetq_lane_u32::<3>(efgh));
        }
        last
    }
}

/// The kernel's `scan` with `N` nonces per step.
#[target_feature(enable = "neon,sha2")]
unsafe fn scan_streams<const N: usize>(
    job: &JobData,
    start: u32,
    count: u64,
) -> Option<Candidates> {
    // SAFETY: this function's target features are those of the callee.
    let setup = unsafe { ScanSetup::new(job) };
    scan_in_steps!(start, count, N as u32, |first| {
        // SAFETY: as above.
        let last = unsafe { last_state_words::<N>(&setup, first) };
        candidate_bits(&last, job.target_top)
    })
}

/// Message words `4j..4j + 4` of a 64-byte block (big-endian), `j < 4`.
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn load_block_words(block: &[u8; 64], j: usize) -> uint32x4_t {
    #[cfg(target_endian = "little")]
    {
        // SAFETY: NEON is enabled here. With `j < 4`, bytes
        // `16j..16j + 16` are inside `block`: the sixteen the load reads.
        // Reversing the bytes of each lane turns memory order into
        // big-endian words.
        unsafe { vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(block.as_ptr().add(16 * j)))) }
    }
    #[cfg(target_endian = "big")]
    {
        let word = |i: usize| {
            let at = 16 * j + 4 * i;
            u32::from_be_bytes([block[at], block[at + 1], block[at + 2], block[at + 3]])
        };
        // SAFETY: this function's target features are the callee's.
        unsafe { load_words(&[word(0), word(1), word(2), word(3)]) }
    }
}

/// Stores a state as a 32-byte big-endian digest.
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn store_digest(out: &mut [u8; 32], s: State) {
    #[cfg(target_endian = "little")]
    {
        let ptr = out.as_mut_ptr();
        // SAFETY: NEON is enabled here. Bytes 0..16 and 16..32 of `out` are
        // the 32 the two stores write.
        unsafe {
            vst1q_u8(ptr, vrev32q_u8(vreinterpretq_u8_u32(s.abcd)));
            vst1q_u8(ptr.add(16), vrev32q_u8(vreinterpretq_u8_u32(s.efgh)));
        }
    }
    #[cfg(target_endian = "big")]
    {
        let mut words = [0u32; 8];
        // SAFETY: NEON is enabled here. `words` holds the eight `u32`s the
        // two stores write.
        unsafe {
            vst1q_u32(words.as_mut_ptr(), s.abcd);
            vst1q_u32(words.as_mut_ptr().add(4), s.efgh);
        }
        for (bytes, word) in out.chunks_exact_mut(4).zip(words) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
    }
}
