//! SHA-256d of 64-byte inputs (Merkle node pairs), `N` inputs side by
//! side: the input block with its full schedule, the constant padding
//! block from a table, then the second hash shared with the search.

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use super::streams::{
    add_state, rounds_from_table, scheduled_rounds_4_each, second_hash_to_round_15, to_rnds_layout,
    to_words, window_rounds_4, Window, PADDING_64_KW_PAIRS,
};
use crate::sha256::IV;

/// Reverses the bytes of each 32-bit lane (big-endian words).
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn byte_swap_words(v: __m128i) -> __m128i {
    // SAFETY: SSE2 and SSSE3 are enabled here.
    unsafe {
        let order = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
        _mm_shuffle_epi8(v, order)
    }
}

/// SHA-256d of `N` 64-byte inputs side by side; `inputs` and `outputs`
/// hold `N` each.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn sha256d_64_streams<const N: usize>(inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]) {
    // SAFETY: this function's target features are those of the callees.
    let iv = unsafe { to_rnds_layout(&IV) };
    // First hash, block 1: the input, with the full schedule.
    let mut window: Window<N> = [[iv.abef; 4]; N];
    for (m, input) in window.iter_mut().zip(inputs) {
        for (j, w) in m.iter_mut().enumerate() {
            // SAFETY: SSE2 and SSSE3 are enabled here; `input` is 64 bytes,
            // so the 16 bytes from `16 * j` (`j < 4`) are in bounds.
            *w = unsafe { byte_swap_words(_mm_loadu_si128(input.as_ptr().add(16 * j).cast())) };
        }
    }
    let mut st = [iv; N];
    // SAFETY: this function's target features are those of the callees.
    unsafe {
        for g in 0..4 {
            window_rounds_4(&mut st, &window, g, g);
        }
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
    // SAFETY: this function's target features are those of the callees.
    let (mut st, mut window) = unsafe {
        for s in &mut st {
            *s = add_state(*s, iv);
        }
        // Block 2: the constant padding, whole schedule precomputed.
        let after_block1 = st;
        rounds_from_table(&mut st, &PADDING_64_KW_PAIRS);
        // Second hash: the digest and its constant padding.
        second_hash_to_round_15(&st, &after_block1)
    };
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
        // SAFETY: this function's target features are those of the callees
        // and intrinsics; `out` is 32 bytes, so both 16-byte stores are in
        // bounds.
        unsafe {
            let [w0_3, w4_7] = to_words(add_state(*s, iv));
            _mm_storeu_si128(out.as_mut_ptr().cast(), byte_swap_words(w0_3));
            _mm_storeu_si128(out.as_mut_ptr().add(16).cast(), byte_swap_words(w4_7));
        }
    }
}

/// The kernel's `sha256d_64_batch`: `N` inputs at a time, then the rest
/// one by one.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn batch<const N: usize>(inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]) {
    let mut inputs = inputs.chunks_exact(N);
    let mut outputs = outputs.chunks_exact_mut(N);
    for (input, output) in (&mut inputs).zip(&mut outputs) {
        // SAFETY: this function's target features are those of the callee.
        unsafe { sha256d_64_streams::<N>(input, output) };
    }
    for (input, output) in inputs.remainder().iter().zip(outputs.into_remainder()) {
        // SAFETY: as above.
        unsafe {
            sha256d_64_streams::<1>(core::slice::from_ref(input), core::slice::from_mut(output))
        };
    }
}
