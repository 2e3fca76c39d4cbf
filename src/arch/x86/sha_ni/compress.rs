//! SHA-NI compression of one message: any number of 64-byte blocks into one
//! state, the whole loop inside a single `#[target_feature]` function so
//! that nothing is dispatched per block and the state stays in two XMM
//! registers from the first block to the last.
//!
//! One message is one chain of dependent SHA256RNDS2 (each pair of rounds
//! needs the previous pair's state), so its speed is that instruction's
//! latency, 32 of them per block; the schedule of later groups does not
//! depend on the state and overlaps with the rounds.

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use super::streams::{K_GROUPS, State, byte_swap_words, load_words, schedule};

/// Four rounds on `st` with the message words `4g..4g + 4` in `w`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn rounds_4(st: &mut State, w: __m128i, g: usize) {
    // SAFETY: SHA and SSE2 are enabled here, and the callee's target
    // features are this function's.
    unsafe {
        let wk = _mm_add_epi32(w, load_words(&K_GROUPS[g]));
        // Rounds 4g and 4g + 1 read lanes 0 and 1; after two rounds the
        // old ABEF is the new CDGH.
        let abef = _mm_sha256rnds2_epu32(st.cdgh, st.abef, wk);
        let cdgh = st.abef;
        let wk = _mm_shuffle_epi32::<0x0e>(wk);
        *st = State {
            abef: _mm_sha256rnds2_epu32(cdgh, abef, wk),
            cdgh: abef,
        };
    }
}

/// Compresses the whole 64-byte blocks of `blocks` (bytes after the last
/// one are ignored) into a state in SHA256RNDS2's layout.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn compress_blocks_rnds(mut st: State, blocks: &[u8]) -> State {
    for block in blocks.chunks_exact(64) {
        let before = st;
        // SAFETY: SSE2, SSSE3 and SHA are enabled here, as are the callees'
        // target features; `block` is a 64-byte chunk, so the loads of bytes
        // 0..16, 16..32, 32..48 and 48..64 are in bounds.
        unsafe {
            let at = |j: usize| byte_swap_words(_mm_loadu_si128(block.as_ptr().add(16 * j).cast()));
            let [mut m0, mut m1, mut m2, mut m3] = [at(0), at(1), at(2), at(3)];
            rounds_4(&mut st, m0, 0);
            rounds_4(&mut st, m1, 1);
            rounds_4(&mut st, m2, 2);
            rounds_4(&mut st, m3, 3);
            // Groups 4..16, the window of the last four groups sliding by
            // one each time; written out so that it stays in registers.
            let mut g = 4;
            while g < 16 {
                let m4 = schedule(&[m0, m1, m2, m3]);
                rounds_4(&mut st, m4, g);
                let m5 = schedule(&[m1, m2, m3, m4]);
                rounds_4(&mut st, m5, g + 1);
                let m6 = schedule(&[m2, m3, m4, m5]);
                rounds_4(&mut st, m6, g + 2);
                let m7 = schedule(&[m3, m4, m5, m6]);
                rounds_4(&mut st, m7, g + 3);
                (m0, m1, m2, m3) = (m4, m5, m6, m7);
                g += 4;
            }
            st = State {
                abef: _mm_add_epi32(st.abef, before.abef),
                cdgh: _mm_add_epi32(st.cdgh, before.cdgh),
            };
        }
    }
    st
}

/// Compresses the whole 64-byte blocks of `blocks` into `state` (the words
/// `a..h` in order, as in FIPS 180-4), one after the other.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn compress_blocks(state: &mut [u32; 8], blocks: &[u8]) {
    // SAFETY: SSE2 is enabled here and the callee's target features are
    // this function's; `state` is eight `u32`s, so the loads and stores of
    // words 0..4 and 4..8 are in bounds.
    unsafe {
        let abcd = _mm_loadu_si128(state.as_ptr().cast());
        let efgh = _mm_loadu_si128(state.as_ptr().add(4).cast());
        // [A, B, C, D] and [E, F, G, H] to [F, E, B, A] and [H, G, D, C].
        let badc = _mm_shuffle_epi32::<0xb1>(abcd);
        let fehg = _mm_shuffle_epi32::<0xb1>(efgh);
        let st = State {
            abef: _mm_unpacklo_epi64(fehg, badc),
            cdgh: _mm_unpackhi_epi64(fehg, badc),
        };
        let st = compress_blocks_rnds(st, blocks);
        // Back: reversed, the two registers are [A, B, E, F] and
        // [C, D, G, H]; their low halves make ABCD, their high halves EFGH.
        let abef_reversed = _mm_shuffle_epi32::<0x1b>(st.abef);
        let cdgh_reversed = _mm_shuffle_epi32::<0x1b>(st.cdgh);
        _mm_storeu_si128(
            state.as_mut_ptr().cast(),
            _mm_unpacklo_epi64(abef_reversed, cdgh_reversed),
        );
        _mm_storeu_si128(
            state.as_mut_ptr().add(4).cast(),
            _mm_unpackhi_epi64(abef_reversed, cdgh_reversed),
        );
    }
}
