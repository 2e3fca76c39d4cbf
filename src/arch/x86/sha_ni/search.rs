//! The nonce search with SHA256MSG1/SHA256MSG2 schedules, `N` nonces side
//! by side: the path for CPUs without AVX2, and the second hash and setup
//! that the AVX2 path shares.

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use super::streams::{
    HEADER_KW_PAIRS, K_GROUPS, State, Window, load_words, rounds_2, rounds_4, rounds_from_table,
    schedule, scheduled_rounds_4_each, second_hash_to_round_15, to_rnds_layout, words,
};
use crate::arch::{Candidates, JobData, candidate_bits, scan_in_steps};
use crate::sha256::{IV, PAD_START};

/// The job's nonce-independent values in vector form: loads and shuffles
/// of [`JobData`], where the arithmetic was done once per job.
pub(super) struct ScanSetup {
    /// State after round 3 without the nonce word: add it to lanes E and A.
    pub(super) after_round3: State,
    /// Message words 0..=3 with word 3 (the nonce) zero.
    pub(super) tail: __m128i,
    /// The first hash's feed-forward.
    pub(super) midstate: State,
    /// See [`JobData::w16_19_rest`].
    pub(super) w16_19_rest: __m128i,
    /// See [`JobData::w20_23_partial`].
    pub(super) w20_23_partial: __m128i,
    /// See [`JobData::w28_31_msg1`].
    pub(super) w28_31_msg1: __m128i,
}

impl ScanSetup {
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub(super) unsafe fn new(job: &JobData) -> Self {
        let [a, b, c, _, e, f, g, _] = job.state3;
        let [t0, t1, t2] = job.tail;
        // SAFETY: this function's target features are those of the callees.
        unsafe {
            ScanSetup {
                // After round 3: A = round3_a + w3, B..D = a..c,
                // E = round3_e + w3, F..H = e..g.
                after_round3: State {
                    abef: words([e, job.round3_e, a, job.round3_a]),
                    cdgh: words([g, f, c, b]),
                },
                tail: words([t0, t1, t2, 0]),
                midstate: to_rnds_layout(&job.midstate),
                w16_19_rest: load_words(&job.w16_19_rest),
                w20_23_partial: load_words(&job.w20_23_partial),
                w28_31_msg1: load_words(&job.w28_31_msg1),
            }
        }
    }
}

/// The last state word `H7` of the final hash for nonces `first + i`,
/// `i < N`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn last_state_words<const N: usize>(setup: &ScanSetup, first: u32) -> [u32; N] {
    // SAFETY: this function's target features are those of the intrinsics
    // (SHA, SSE2, SSSE3) and of the callees.
    unsafe {
        // First hash: the header's second block from round 4 on.
        let mut st = [setup.after_round3; N];
        let mut w0_3 = [setup.tail; N];
        for (i, (s, w0_3)) in st.iter_mut().zip(&mut w0_3).enumerate() {
            let w3 = first.wrapping_add(i as u32).swap_bytes();
            let w3 = _mm_cvtsi32_si128(w3 as i32);
            // [0, w3, 0, w3]: the nonce's share of E and A after round 3.
            s.abef = _mm_add_epi32(s.abef, _mm_shuffle_epi32::<0x11>(w3));
            // [0, 0, 0, w3]: message word 3.
            *w0_3 = _mm_add_epi32(setup.tail, _mm_shuffle_epi32::<0x15>(w3));
        }
        rounds_from_table(&mut st, &HEADER_KW_PAIRS);
        // Groups 4..=7 (words 16..=31): most inputs are constant (see
        // `JobData`; group 1 is the padding's first word, groups 2 and 3
        // only feed terms computed there).
        let pad_4_7 = words([PAD_START, 0, 0, 0]);
        let mut g4 = w0_3;
        for (g4, &w0_3) in g4.iter_mut().zip(&w0_3) {
            *g4 = _mm_add_epi32(_mm_sha256msg1_epu32(w0_3, pad_4_7), setup.w16_19_rest);
        }
        rounds_4(&mut st, &g4, load_words(&K_GROUPS[4]));
        let mut g5 = g4;
        for (g5, &g4) in g5.iter_mut().zip(&g4) {
            *g5 = _mm_sha256msg2_epu32(setup.w20_23_partial, g4);
        }
        rounds_4(&mut st, &g5, load_words(&K_GROUPS[5]));
        let mut g6 = g5;
        for ((g6, &g4), &g5) in g6.iter_mut().zip(&g4).zip(&g5) {
            // MSG1 of words 8..=15 is zero.
            *g6 = _mm_sha256msg2_epu32(_mm_alignr_epi8::<4>(g5, g4), g5);
        }
        rounds_4(&mut st, &g6, load_words(&K_GROUPS[6]));
        let mut groups = [[g4[0], g5[0], g6[0], g6[0]]; N];
        for (s, groups) in groups.iter_mut().enumerate() {
            let partial = _mm_add_epi32(setup.w28_31_msg1, _mm_alignr_epi8::<4>(g6[s], g5[s]));
            *groups = [g4[s], g5[s], g6[s], _mm_sha256msg2_epu32(partial, g6[s])];
        }
        let mut window = Window::new(groups);
        let g7 = groups.map(|g| g[3]);
        rounds_4(&mut st, &g7, load_words(&K_GROUPS[7]));
        scheduled_rounds_4_each!(&mut st, &mut window, 8, 9, 10, 11, 12, 13, 14, 15);
        second_hash_last_words(setup, &st)
    }
}

/// `H7` of the second hash, from the first hash's states before the
/// feed-forward: rounds 0..=61 only.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn second_hash_last_words<const N: usize>(
    setup: &ScanSetup,
    first: &[State; N],
) -> [u32; N] {
    // SAFETY: this function's target features are those of the callees.
    unsafe {
        let (mut st, mut window) = second_hash_to_round_15(first, &[setup.midstate; N]);
        scheduled_rounds_4_each!(&mut st, &mut window, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
        second_hash_last_rounds(st, &window)
    }
}

/// The second hash's rounds 60 and 61, after groups 4..=14, and its `H7`:
/// lane F then holds round 60's e, which rounds 61..=63 only move into h.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn second_hash_last_rounds<const N: usize>(
    mut st: [State; N],
    window: &Window<N>,
) -> [u32; N] {
    // SAFETY: this function's target features are those of the intrinsics
    // (SSE2) and of the callees.
    unsafe {
        let mut words_now = [_mm_setzero_si128(); N];
        for (s, next) in words_now.iter_mut().enumerate() {
            *next = _mm_add_epi32(schedule(&window.before(s, 15)), load_words(&K_GROUPS[15]));
        }
        rounds_2(&mut st, &words_now);
        let mut last = [0u32; N];
        for (h7, s) in last.iter_mut().zip(&st) {
            *h7 = IV[7].wrapping_add(_mm_cvtsi128_si32(s.abef) as u32);
        }
        last
    }
}

/// The kernel's `scan` with `N` nonces per step.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn scan_streams<const N: usize>(
    job: &JobData,
    start: u32,
    count: u64,
) -> Option<Candidates> {
    // SAFETY: this function's target features are those of the callee.
    let setup = unsafe { ScanSetup::new(job) };
    scan_in_steps!(start, count, N as u32, |first| {
        // SAFETY: this function's target features are those of the callee.
        let last = unsafe { last_state_words::<N>(&setup, first) };
        candidate_bits(&last, job.target_top)
    })
}
