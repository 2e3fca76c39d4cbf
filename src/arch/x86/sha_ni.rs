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

use crate::arch::{candidate_bits, scan_in_steps, Candidates, JobData, KernelImpl};
use crate::sha256::{
    groups, DIGEST_BITS, DIGEST_KW, HEADER_BITS, HEADER_KW, IV, K, PADDING_64_KW, PAD_START,
};

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

impl KernelImpl for ShaNi {
    fn detect() -> Option<Self> {
        super::has_sha_ni::get().then(|| ShaNi {
            avx2: super::has_avx2::get(),
        })
    }

    /// The same kernel restricted to SHA and SSE4.1, as on CPUs with SHA-NI
    /// but no AVX2 (Intel Goldmont and Tremont): lets tests cover that
    /// path on any CPU with SHA-NI.
    #[cfg(test)]
    fn reduced(self) -> Option<Self> {
        self.avx2.then_some(ShaNi { avx2: false })
    }

    fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
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

    fn sha256d_64_batch(self, inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]) {
        // SAFETY: as in `scan`: `self` proves the CPU has the features.
        unsafe { batch::<BATCH_STREAMS>(inputs, outputs) }
    }
}

/// `K + W` of the padding block of a 64-byte message (0x80, zeros, length
/// 512 bits), two rounds per entry in the low lanes as SHA256RNDS2 reads
/// them.
static PADDING_64_KW_PAIRS: [[u32; 4]; 32] = {
    let mut pairs = [[0u32; 4]; 32];
    let mut i = 0;
    while i < 32 {
        pairs[i] = [PADDING_64_KW[2 * i], PADDING_64_KW[2 * i + 1], 0, 0];
        i += 1;
    }
    pairs
};

/// The round constants in groups of four, one vector load each.
static K_GROUPS: [[u32; 4]; 16] = groups(&K);

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
    unsafe fn new(job: &JobData) -> Self {
        let [a, b, c, _, e, f, g, _] = job.state3;
        // After round 3: A = round3_a + w3, B..D = a..c, E = round3_e + w3,
        // F..H = e..g.
        let after_round3 = State {
            abef: words([e, job.round3_e, a, job.round3_a]),
            cdgh: words([g, f, c, b]),
        };
        let [t0, t1, t2] = job.tail;
        // The header's second block: words 4..=15 are constant padding.
        let mut kw_4_15 = [_mm_setzero_si128(); 6];
        for (i, kw) in kw_4_15.iter_mut().enumerate() {
            let r = 4 + 2 * i;
            *kw = words([HEADER_KW[r], HEADER_KW[r + 1], 0, 0]);
        }
        ScanSetup {
            after_round3,
            tail: words([t0, t1, t2, 0]),
            midstate: to_rnds_layout(&job.midstate),
            kw_4_15,
            w16_19_rest: load_words(&job.w16_19_rest),
            w20_23_partial: load_words(&job.w20_23_partial),
            w28_31_msg1: load_words(&job.w28_31_msg1),
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
    for r in (8..16).step_by(2) {
        rounds_2_same(&mut st, words([DIGEST_KW[r], DIGEST_KW[r + 1], 0, 0]));
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
    job: &JobData,
    start: u32,
    count: u64,
) -> Option<Candidates> {
    let setup = ScanSetup::new(job);
    scan_in_steps!(start, count, N as u32, |first| {
        // SAFETY: the caller guarantees this function's instruction sets.
        let last = unsafe { last_state_words::<N>(&setup, first) };
        candidate_bits(&last, job.target_top)
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
    for r in (8..16).step_by(2) {
        rounds_2_same(&mut st, words([DIGEST_KW[r], DIGEST_KW[r + 1], 0, 0]));
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
