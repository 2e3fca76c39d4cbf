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
//! When the CPU also has AVX2, the nonce search computes the first hash's
//! message schedule with it (`avx2_schedule`); otherwise (Intel Goldmont
//! and Tremont have SHA-NI without AVX2) everything here is legacy-SSE
//! encoded, the SHA instructions having no VEX form. Legacy SSE after
//! 256-bit AVX code that left the upper YMM halves dirty is slow on some
//! CPUs; the kernel is only entered from code compiled without AVX, and
//! LLVM emits `vzeroupper` before every return from (and call out of) a
//! function that used YMM registers, so the upper halves are clean on
//! entry. (AMD Zen has no such transition penalty in any case.)
//!
//! State layout used by SHA256RNDS2: one register holds lanes
//! `[F, E, B, A]` (lane 0 first), the other `[H, G, D, C]`.

#![allow(unsafe_code)]

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use core::arch::asm;

mod avx2_schedule;

use crate::arch::scalar::{small_sigma0, small_sigma1};
use crate::search::{self, Candidates, SearchJob};
use crate::sha256::{IV, K};

/// Nonces hashed side by side by `scan`. Measured on AMD Zen 4 (thread CPU
/// time, same build): 2 streams 20 MH/s, 3 streams 20-23, 4 streams 22-24.
/// Past two streams the limit is no longer SHA256RNDS2 latency but the
/// throughput of the whole instruction mix: SHA256MSG2 and vector adds
/// compete with SHA256RNDS2 for the same pipes, and four streams no longer
/// fit the sixteen XMM registers.
const SCAN_STREAMS: usize = 4;

/// Inputs hashed side by side by `sha256d_64_batch`: 4 measured 1.24 times
/// `bitcoin_hashes`' two-way SHA-NI batch, 2 and 3 streams 1.05 and 1.12.
const BATCH_STREAMS: usize = 4;

/// Proof that this CPU supports the kernel's instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ShaNi {
    /// Whether the CPU (and OS) also support AVX2: the nonce search then
    /// computes the first hash's message schedule with it.
    avx2: bool,
}

impl ShaNi {
    pub(crate) fn detect() -> Option<Self> {
        super::has_sha_ni::get().then(|| ShaNi {
            avx2: super::has_avx2::get(),
        })
    }

    /// The same kernel restricted to SHA and SSE4.1, as on CPUs with SHA-NI
    /// but no AVX2 (Intel Goldmont and Tremont): lets tests cover that
    /// path on any CPU with SHA-NI.
    #[cfg(test)]
    fn without_avx2(self) -> Self {
        ShaNi { avx2: false }
    }

    pub(crate) fn scan(self, job: &SearchJob, start: u32, count: u64) -> Option<Candidates> {
        if self.avx2 {
            // SAFETY: `self.avx2` is set only when `detect` also found AVX
            // and AVX2 (with OS support), the rest of what this is compiled
            // for.
            unsafe { avx2_schedule::scan(job, start, count) }
        } else {
            // SAFETY: `self` exists only when `detect` found SHA, SSE2, SSSE3
            // and SSE4.1, the features `scan_streams` is compiled for.
            unsafe { scan_streams::<SCAN_STREAMS>(job, start, count) }
        }
    }

    pub(crate) fn sha256d_64_batch(self, inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]) {
        // SAFETY: as in `scan`: `self` proves the CPU has the features.
        unsafe { batch::<BATCH_STREAMS>(inputs, outputs) }
    }
}

/// `K[i] + W[i]` for every round of a block whose sixteen words are known
/// at compile time (its whole schedule then is too).
const fn constant_block_kw(block: [u32; 16]) -> [u32; 64] {
    let mut w = [0u32; 64];
    let mut kw = [0u32; 64];
    let mut i = 0;
    while i < 64 {
        w[i] = if i < 16 {
            block[i]
        } else {
            small_sigma1(w[i - 2])
                .wrapping_add(w[i - 7])
                .wrapping_add(small_sigma0(w[i - 15]))
                .wrapping_add(w[i - 16])
        };
        kw[i] = K[i].wrapping_add(w[i]);
        i += 1;
    }
    kw
}

/// `K + W` of the padding block of a 64-byte message (0x80, zeros, length
/// 512 bits), two rounds per entry in the low lanes as SHA256RNDS2 reads
/// them.
static PADDING_64_KW_PAIRS: [[u32; 4]; 32] = {
    let mut block = [0u32; 16];
    block[0] = 0x8000_0000;
    block[15] = 512;
    let kw = constant_block_kw(block);
    let mut pairs = [[0u32; 4]; 32];
    let mut i = 0;
    while i < 32 {
        pairs[i] = [kw[2 * i], kw[2 * i + 1], 0, 0];
        i += 1;
    }
    pairs
};

/// The round constants in groups of four, one vector load each.
static K_GROUPS: [[u32; 4]; 16] = {
    let mut groups = [[0u32; 4]; 16];
    let mut i = 0;
    while i < 64 {
        groups[i / 4][i % 4] = K[i];
        i += 1;
    }
    groups
};

/// First padding word of a message: the 0x80 byte after the message.
const PAD_START: u32 = 0x8000_0000;
/// Length word of the header's second block: 80 bytes.
const HEADER_BITS: u32 = 640;
/// Length word of the second hash's block: 32 bytes.
const DIGEST_BITS: u32 = 256;

/// A SHA-256 state in SHA256RNDS2's layout.
#[derive(Clone, Copy)]
struct State {
    /// Lanes `[F, E, B, A]`.
    abef: __m128i,
    /// Lanes `[H, G, D, C]`.
    cdgh: __m128i,
}

/// Four words as a vector, `w[0]` in lane 0.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn words(w: [u32; 4]) -> __m128i {
    _mm_set_epi32(w[3] as i32, w[2] as i32, w[1] as i32, w[0] as i32)
}

/// Loads four words from a table entry.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn load_words(w: &[u32; 4]) -> __m128i {
    _mm_loadu_si128(w.as_ptr().cast())
}

/// A state `a..h` in SHA256RNDS2's layout.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn to_rnds_layout(s: &[u32; 8]) -> State {
    State {
        abef: words([s[5], s[4], s[1], s[0]]),
        cdgh: words([s[7], s[6], s[3], s[2]]),
    }
}

/// Lane-wise sum of two states (the feed-forward of a compression).
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn add_state(s: State, t: State) -> State {
    State {
        abef: _mm_add_epi32(s.abef, t.abef),
        cdgh: _mm_add_epi32(s.cdgh, t.cdgh),
    }
}

/// A state as message words `[A, B, C, D]` and `[E, F, G, H]`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn to_words(s: State) -> [__m128i; 2] {
    // [D, C, B, A] and [H, G, F, E], then reversed.
    let dcba = _mm_unpackhi_epi64(s.cdgh, s.abef);
    let hgfe = _mm_unpacklo_epi64(s.cdgh, s.abef);
    [
        _mm_shuffle_epi32::<0x1b>(dcba),
        _mm_shuffle_epi32::<0x1b>(hgfe),
    ]
}

/// Two rounds on every stream; lanes 0 and 1 of `wk[i]` hold `K + W`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn rounds_2<const N: usize>(st: &mut [State; N], wk: &[__m128i; N]) {
    for (s, &wk) in st.iter_mut().zip(wk) {
        let abef = _mm_sha256rnds2_epu32(s.cdgh, s.abef, wk);
        // After two rounds, C, D, G, H are the old A, B, E, F.
        *s = State { abef, cdgh: s.abef };
    }
    interleave_barrier();
}

/// Keeps the streams interleaved. Left alone, LLVM's scheduler regroups
/// the instructions stream by stream to save registers, which leaves long
/// runs of dependent SHA256RNDS2 for the out-of-order window to overlap. An
/// `asm!` block with side effects is a scheduling boundary, so each step
/// stays where it is written (the batch went from 1.04 to 1.24 times
/// `bitcoin_hashes` with this; the nonce search did not change).
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn interleave_barrier() {
    // SAFETY: an empty instruction sequence: it reads and writes nothing.
    asm!("", options(nomem, nostack, preserves_flags));
}

/// Two rounds on every stream with the same `K + W` (constant words).
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn rounds_2_same<const N: usize>(st: &mut [State; N], wk: __m128i) {
    rounds_2(st, &[wk; N]);
}

/// Four rounds on every stream; `w[i]` holds the stream's four message
/// words and `k` the four round constants.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn rounds_4<const N: usize>(st: &mut [State; N], w: &[__m128i; N], k: __m128i) {
    let mut wk = [k; N];
    for (wk, &w) in wk.iter_mut().zip(w) {
        *wk = _mm_add_epi32(w, k);
    }
    rounds_2(st, &wk);
    for wk in &mut wk {
        *wk = _mm_shuffle_epi32::<0x0e>(*wk);
    }
    rounds_2(st, &wk);
}

/// The next four schedule words of one stream from the sixteen before
/// them, `m[0]` oldest.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn schedule(m: &[__m128i; 4]) -> __m128i {
    let partial = _mm_add_epi32(
        _mm_sha256msg1_epu32(m[0], m[1]),
        _mm_alignr_epi8::<4>(m[3], m[2]),
    );
    _mm_sha256msg2_epu32(partial, m[3])
}

/// Schedule group `g` (words `4g..4g+4`) of every stream from its window
/// of the previous four groups, then rounds `4g..4g+4`; the window slides.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn scheduled_rounds_4<const N: usize>(
    st: &mut [State; N],
    window: &mut [[__m128i; 4]; N],
    g: usize,
) {
    let mut next = [_mm_setzero_si128(); N];
    for (next, m) in next.iter_mut().zip(window.iter()) {
        *next = schedule(m);
    }
    for (m, &next) in window.iter_mut().zip(&next) {
        *m = [m[1], m[2], m[3], next];
    }
    rounds_4(st, &next, load_words(&K_GROUPS[g]));
}

/// `scheduled_rounds_4` for each listed group, written out one after the
/// other: as a loop LLVM keeps the sliding windows in memory and copies
/// them around on every iteration.
macro_rules! scheduled_rounds_4_each {
    ($st:expr, $window:expr, $($g:literal),+) => {
        $(scheduled_rounds_4($st, $window, $g);)+
    };
}

/// Nonce-independent values of one scan call, in vector form.
struct ScanSetup {
    /// State after round 3 without the nonce word: add it to lanes E and A.
    after_round3: State,
    /// Message words 0..=3 with word 3 (the nonce) zero.
    tail: __m128i,
    midstate: State,
    /// `K + W` of rounds 4..=15 (constant words), in pairs.
    kw_4_15: [__m128i; 6],
    /// Added to SHA256MSG1 of words 0..=7 to give words 16..=19: the
    /// SHA256MSG2 terms of constant words.
    w16_19_rest: __m128i,
    /// The SHA256MSG2 input for words 20..=23 apart from words 16..=19.
    w20_23_partial: __m128i,
    /// SHA256MSG1 of words 12..=19, which is constant.
    w28_31_msg1: __m128i,
}

impl ScanSetup {
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    unsafe fn new(job: &SearchJob) -> Self {
        let pre = &job.pre;
        let [a, b, c, _, e, f, g, _] = pre.state3;
        // After round 3: A = round3_a + w3, B..D = a..c, E = round3_e + w3,
        // F..H = e..g.
        let after_round3 = State {
            abef: words([e, pre.round3_e, a, pre.round3_a]),
            cdgh: words([g, f, c, b]),
        };
        let [t0, t1, t2] = job.tail;
        // The header's second block: words 4..=15 are 0x80000000, zeros, 640.
        let mut kw_4_15 = [_mm_setzero_si128(); 6];
        for (i, kw) in kw_4_15.iter_mut().enumerate() {
            let r = 4 + 2 * i;
            let w = |r: usize| match r {
                4 => PAD_START,
                15 => HEADER_BITS,
                _ => 0,
            };
            *kw = words([
                K[r].wrapping_add(w(r)),
                K[r + 1].wrapping_add(w(r + 1)),
                0,
                0,
            ]);
        }
        ScanSetup {
            after_round3,
            tail: words([t0, t1, t2, 0]),
            midstate: to_rnds_layout(&job.midstate),
            kw_4_15,
            // MSG2 over words 12..=15 = [0, 0, 0, 640]: words 16 and 17 are
            // nonce-independent, so every sigma1 term is a constant.
            w16_19_rest: words([
                0,
                small_sigma1(HEADER_BITS),
                small_sigma1(pre.w16),
                small_sigma1(pre.w17),
            ]),
            // MSG1 of words 4..=11 is [0x80000000, 0, 0, 0]; the words
            // 13..=16 that MSG2's input adds are [0, 0, 640, w16].
            w20_23_partial: words([PAD_START, 0, HEADER_BITS, pre.w16]),
            w28_31_msg1: words([
                0,
                0,
                small_sigma0(HEADER_BITS),
                HEADER_BITS.wrapping_add(small_sigma0(pre.w16)),
            ]),
        }
    }
}

/// The last state word `H7` of the final hash for nonces `first + i`,
/// `i < N`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn last_state_words<const N: usize>(setup: &ScanSetup, first: u32) -> [u32; N] {
    // First hash: the header's second block from round 4 on.
    let mut st = [setup.after_round3; N];
    let mut window = [[setup.tail; 4]; N];
    for (i, (s, m)) in st.iter_mut().zip(window.iter_mut()).enumerate() {
        let w3 = first.wrapping_add(i as u32).swap_bytes();
        let w3 = _mm_cvtsi32_si128(w3 as i32);
        // [0, w3, 0, w3]: the nonce's share of E and A after round 3.
        s.abef = _mm_add_epi32(s.abef, _mm_shuffle_epi32::<0x11>(w3));
        // [0, 0, 0, w3]: message word 3.
        let w0_3 = _mm_add_epi32(setup.tail, _mm_shuffle_epi32::<0x15>(w3));
        *m = [
            w0_3,
            words([PAD_START, 0, 0, 0]),
            _mm_setzero_si128(),
            words([0, 0, 0, HEADER_BITS]),
        ];
    }
    for &kw in &setup.kw_4_15 {
        rounds_2_same(&mut st, kw);
    }
    // Words 16..=31: most inputs are constant (see `ScanSetup`).
    let mut next = [_mm_setzero_si128(); N];
    for (next, m) in next.iter_mut().zip(&window) {
        *next = _mm_add_epi32(_mm_sha256msg1_epu32(m[0], m[1]), setup.w16_19_rest);
    }
    slide(&mut window, &next);
    rounds_4(&mut st, &next, load_words(&K_GROUPS[4]));
    for (next, m) in next.iter_mut().zip(&window) {
        *next = _mm_sha256msg2_epu32(setup.w20_23_partial, m[3]);
    }
    slide(&mut window, &next);
    rounds_4(&mut st, &next, load_words(&K_GROUPS[5]));
    for (next, m) in next.iter_mut().zip(&window) {
        // MSG1 of words 8..=15 is zero.
        *next = _mm_sha256msg2_epu32(_mm_alignr_epi8::<4>(m[3], m[2]), m[3]);
    }
    slide(&mut window, &next);
    rounds_4(&mut st, &next, load_words(&K_GROUPS[6]));
    for (next, m) in next.iter_mut().zip(&window) {
        let partial = _mm_add_epi32(setup.w28_31_msg1, _mm_alignr_epi8::<4>(m[3], m[2]));
        *next = _mm_sha256msg2_epu32(partial, m[3]);
    }
    slide(&mut window, &next);
    rounds_4(&mut st, &next, load_words(&K_GROUPS[7]));
    scheduled_rounds_4_each!(&mut st, &mut window, 8, 9, 10, 11, 12, 13, 14, 15);
    second_hash_last_words(setup, st)
}

/// `H7` of the second hash, from the first hash's states before the
/// feed-forward: rounds 0..=61 only.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn second_hash_last_words<const N: usize>(setup: &ScanSetup, st: [State; N]) -> [u32; N] {
    let (mut st, mut window) = second_hash_to_round_15(setup, st);
    scheduled_rounds_4_each!(&mut st, &mut window, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
    second_hash_last_rounds(st, &window)
}

/// The second hash's rounds 0..=15, from the first hash's states before
/// the feed-forward; the states and the schedule window of words 0..=15.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn second_hash_to_round_15<const N: usize>(
    setup: &ScanSetup,
    mut st: [State; N],
) -> ([State; N], [[__m128i; 4]; N]) {
    let mut digest_window = [[_mm_setzero_si128(); 4]; N];
    for (s, m) in st.iter_mut().zip(digest_window.iter_mut()) {
        let [w0_3, w4_7] = to_words(add_state(*s, setup.midstate));
        *m = [
            w0_3,
            w4_7,
            words([PAD_START, 0, 0, 0]),
            words([0, 0, 0, DIGEST_BITS]),
        ];
        *s = to_rnds_layout(&IV);
    }
    let mut words_now = [_mm_setzero_si128(); N];
    for (w, m) in words_now.iter_mut().zip(&digest_window) {
        *w = m[0];
    }
    rounds_4(&mut st, &words_now, load_words(&K_GROUPS[0]));
    for (w, m) in words_now.iter_mut().zip(&digest_window) {
        *w = m[1];
    }
    rounds_4(&mut st, &words_now, load_words(&K_GROUPS[1]));
    // Words 8..=15 are the constant padding.
    let padding_kw = |r: usize| {
        K[r].wrapping_add(match r {
            8 => PAD_START,
            15 => DIGEST_BITS,
            _ => 0,
        })
    };
    for r in (8..16).step_by(2) {
        rounds_2_same(&mut st, words([padding_kw(r), padding_kw(r + 1), 0, 0]));
    }
    (st, digest_window)
}

/// The second hash's rounds 60 and 61, after `scheduled_rounds_4` of
/// groups 4..=14, and its `H7`: lane F then holds round 60's e, which
/// rounds 61..=63 only move into h.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn second_hash_last_rounds<const N: usize>(
    mut st: [State; N],
    window: &[[__m128i; 4]; N],
) -> [u32; N] {
    let mut words_now = [_mm_setzero_si128(); N];
    for (next, m) in words_now.iter_mut().zip(window) {
        *next = _mm_add_epi32(schedule(m), load_words(&K_GROUPS[15]));
    }
    rounds_2(&mut st, &words_now);
    let mut last = [0u32; N];
    for (h7, s) in last.iter_mut().zip(&st) {
        *h7 = IV[7].wrapping_add(_mm_cvtsi128_si32(s.abef) as u32);
    }
    last
}

/// Appends one schedule group to every stream's window of four.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn slide<const N: usize>(window: &mut [[__m128i; 4]; N], next: &[__m128i; N]) {
    for (m, &next) in window.iter_mut().zip(next) {
        *m = [m[1], m[2], m[3], next];
    }
}

/// The kernel's `scan` with `N` nonces per step.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn scan_streams<const N: usize>(
    job: &SearchJob,
    start: u32,
    count: u64,
) -> Option<Candidates> {
    let setup = ScanSetup::new(job);
    search::scan_in_steps!(start, count, N as u32, |first| {
        // SAFETY: the caller guarantees this function's instruction sets.
        let last = unsafe { last_state_words::<N>(&setup, first) };
        search::candidate_bits(&last, job.target_top)
    })
}

/// Reverses the bytes of each 32-bit lane (big-endian words).
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn byte_swap_words(v: __m128i) -> __m128i {
    let order = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    _mm_shuffle_epi8(v, order)
}

/// SHA-256d of `N` 64-byte inputs side by side.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn sha256d_64_streams<const N: usize>(inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]) {
    let iv = to_rnds_layout(&IV);
    // First hash, block 1: the input, with the full schedule.
    let mut window = [[_mm_setzero_si128(); 4]; N];
    for (m, input) in window.iter_mut().zip(inputs) {
        for (j, w) in m.iter_mut().enumerate() {
            // SAFETY: `input` is 64 bytes; bytes 16j..16j+16 are in bounds.
            *w = byte_swap_words(_mm_loadu_si128(input.as_ptr().add(16 * j).cast()));
        }
    }
    let mut st = [iv; N];
    let mut words_now = [_mm_setzero_si128(); N];
    for g in 0..4 {
        for (w, m) in words_now.iter_mut().zip(&window) {
            *w = m[g];
        }
        rounds_4(&mut st, &words_now, load_words(&K_GROUPS[g]));
    }
    scheduled_rounds_4_each!(
        &mut st,
        &mut window,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
        13,
        14,
        15
    );
    for s in &mut st {
        *s = add_state(*s, iv);
    }
    // Block 2: the constant padding, whole schedule precomputed.
    let after_block1 = st;
    for pair in &PADDING_64_KW_PAIRS {
        rounds_2_same(&mut st, load_words(pair));
    }
    // Second hash: the digest and its constant padding.
    for ((s, m), before) in st.iter_mut().zip(window.iter_mut()).zip(&after_block1) {
        let [w0_3, w4_7] = to_words(add_state(*s, *before));
        *m = [
            w0_3,
            w4_7,
            words([PAD_START, 0, 0, 0]),
            words([0, 0, 0, DIGEST_BITS]),
        ];
        *s = iv;
    }
    for g in 0..2 {
        for (w, m) in words_now.iter_mut().zip(&window) {
            *w = m[g];
        }
        rounds_4(&mut st, &words_now, load_words(&K_GROUPS[g]));
    }
    let padding_kw = |r: usize| {
        K[r].wrapping_add(match r {
            8 => PAD_START,
            15 => DIGEST_BITS,
            _ => 0,
        })
    };
    for r in (8..16).step_by(2) {
        rounds_2_same(&mut st, words([padding_kw(r), padding_kw(r + 1), 0, 0]));
    }
    scheduled_rounds_4_each!(
        &mut st,
        &mut window,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
        13,
        14,
        15
    );
    for (s, out) in st.iter().zip(outputs.iter_mut()) {
        let [w0_3, w4_7] = to_words(add_state(*s, iv));
        // SAFETY: `out` is 32 bytes; both 16-byte stores are in bounds.
        _mm_storeu_si128(out.as_mut_ptr().cast(), byte_swap_words(w0_3));
        _mm_storeu_si128(out.as_mut_ptr().add(16).cast(), byte_swap_words(w4_7));
    }
}

/// The kernel's `sha256d_64_batch`: `N` inputs at a time, then the rest
/// one by one.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn batch<const N: usize>(inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]) {
    let mut inputs = inputs.chunks_exact(N);
    let mut outputs = outputs.chunks_exact_mut(N);
    for (input, output) in (&mut inputs).zip(&mut outputs) {
        sha256d_64_streams::<N>(input, output);
    }
    for (input, output) in inputs.remainder().iter().zip(outputs.into_remainder()) {
        sha256d_64_streams::<1>(core::slice::from_ref(input), core::slice::from_mut(output));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::scalar;
    use crate::{BlockHeader, Target};

    /// A deterministic pseudo-random sequence (SplitMix64).
    struct SplitMix(u64);

    impl SplitMix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
    }

    fn random_job(rng: &mut SplitMix, top: u32) -> SearchJob {
        let mut bytes = [0u8; 80];
        for chunk in bytes.chunks_exact_mut(8) {
            chunk.copy_from_slice(&rng.next().to_le_bytes());
        }
        let mut target = [0xff; 32];
        target[28..].copy_from_slice(&top.to_le_bytes());
        SearchJob::new(
            &BlockHeader::from_bytes(&bytes),
            Target::from_le_bytes(target),
        )
    }

    /// Bit `i`: the kernel reported nonce `start + i` (`count <= 64`),
    /// scanning on from just past each report as the driver does.
    fn reported(kernel: ShaNi, job: &SearchJob, start: u32, count: u64) -> u64 {
        let mut bits = 0u64;
        let mut done = 0u64;
        while done < count {
            let from = start.wrapping_add(done as u32);
            let Some(found) = kernel.scan(job, from, count - done) else {
                break;
            };
            assert!(found.mask != 0 && found.scanned > 0 && found.scanned <= count - done);
            let base = u64::from(found.first_nonce.wrapping_sub(start));
            for lane in 0..32 {
                if found.mask >> lane & 1 == 1 {
                    let at = base + lane;
                    assert!(at >= done && at < done + found.scanned, "outside the range");
                    bits |= 1 << at;
                }
            }
            done += found.scanned;
        }
        bits
    }

    fn expected(job: &SearchJob, start: u32, count: u64) -> u64 {
        (0..count)
            .filter(|&i| {
                let nonce = start.wrapping_add(i as u32);
                scalar::last_state_word(job, nonce).swap_bytes() <= job.target_top
            })
            .fold(0, |bits, i| bits | 1 << i)
    }

    #[test]
    fn both_paths_equal_the_reference() {
        let Some(kernel) = ShaNi::detect() else {
            return;
        };
        let mut rng = SplitMix(0x5a25_6d00_c0ff_ee11);
        for round in 0..200 {
            let top = [0x2000_0000, u32::MAX, 0, 0x0100_0000][round % 4];
            let job = random_job(&mut rng, top);
            let count = rng.next() % 65;
            let start = if round % 5 == 0 {
                // Ranges ending exactly at the last nonce.
                (u32::MAX as u64 + 1 - count) as u32
            } else {
                rng.next() as u32 & !0xff_ffff | (rng.next() % 0x1_0000) as u32
            };
            let want = expected(&job, start, count);
            for path in [kernel, kernel.without_avx2()] {
                assert_eq!(
                    reported(path, &job, start, count),
                    want,
                    "{path:?} at {start}+{count}"
                );
            }
        }
    }
}
