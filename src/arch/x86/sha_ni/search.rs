//! The nonce search with SHA256MSG1/SHA256MSG2 schedules, `N` nonces side
//! by side: the path for CPUs without AVX2, and the second hash and setup
//! that the AVX2 path shares.

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use super::streams::{
    HEADER_KW_PAIRS, K_GROUPS, State, Window, load_words, rounds_2, rounds_4, rounds_from_table,
    schedule, scheduled_rounds_4_each, second_hash_to_round_15, slide, to_rnds_layout, words,
};
use crate::arch::{Candidates, JobData, candidate_bits, scan_in_steps};
use crate::sha256::{HEADER_BITS, IV, PAD_START};

/// The job's nonce-independent values in vector form: loads and shuffles
/// of [`JobData`], where the arithmetic was done once per job.
pub(super) struct ScanSetup {
    /// State after round 3 without the nonce word: add it to lanes E and A.
    pub(super) after_round3: State,
    /// Message words 0..=3 with word 3 (the nonce) zero.
    tail: __m128i,
    /// The first hash's feed-forward.
    pub(super) midstate: State,
    /// See [`JobData::w16_19_rest`].
    w16_19_rest: __m128i,
    /// See [`JobData::w20_23_partial`].
    w20_23_partial: __m128i,
    /// See [`JobData::w28_31_msg1`].
    w28_31_msg1: __m128i,
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
        let mut window: Window<N> = [[setup.tail; 4]; N];
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
        rounds_from_table(&mut st, &HEADER_KW_PAIRS);
        // Words 16..=31: most inputs are constant (see `JobData`).
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
