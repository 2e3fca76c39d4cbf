//! ARMv8 SHA-2 compression of one message: any number of 64-byte blocks
//! into one state, the whole loop inside a single `#[target_feature]`
//! function so that nothing is dispatched per block and the state stays in
//! two vector registers from the first block to the last.
//!
//! SHA256H and SHA256H2 work on the natural layout (`[a, b, c, d]` and
//! `[e, f, g, h]`, lane 0 first), so unlike x86 the state needs no shuffle
//! on the way in or out.

use core::arch::aarch64::*;

use super::{K_GROUPS, load_block_words, load_words};

/// Four rounds on `abcd` and `efgh` with message words `w` (words
/// `4g..4g + 4`).
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn rounds_4(abcd: &mut uint32x4_t, efgh: &mut uint32x4_t, w: uint32x4_t, g: usize) {
    // SAFETY: NEON and SHA-2 are enabled here, as are the callee's target
    // features.
    unsafe {
        let wk = vaddq_u32(w, load_words(&K_GROUPS[g]));
        // SHA256H2 takes the `a..d` from before the four rounds.
        let new_abcd = vsha256hq_u32(*abcd, *efgh, wk);
        *efgh = vsha256h2q_u32(*efgh, *abcd, wk);
        *abcd = new_abcd;
    }
}

/// Message words `4g..4g + 4` from the sixteen before them, `m0` oldest.
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn schedule(m0: uint32x4_t, m1: uint32x4_t, m2: uint32x4_t, m3: uint32x4_t) -> uint32x4_t {
    // SAFETY: SHA-2 is enabled here. SU0 adds sigma0 of words 1..=4 to
    // words 0..=3; SU1 adds words 9..=12 and sigma1 of words 14..=17 (the
    // last two it computes).
    unsafe { vsha256su1q_u32(vsha256su0q_u32(m0, m1), m2, m3) }
}

/// Compresses the whole 64-byte blocks of `blocks` (bytes after the last
/// one are ignored) into `state` (the words `a..h` in order), one after
/// the other.
#[target_feature(enable = "neon,sha2")]
pub(super) unsafe fn compress_blocks(state: &mut [u32; 8], blocks: &[u8]) {
    // SAFETY: NEON is enabled here and the callees' target features are
    // this function's; `state` is eight `u32`s, so the loads and stores of
    // words 0..4 and 4..8 are in bounds, and `j < 4` in every
    // `load_block_words`.
    unsafe {
        let mut abcd = vld1q_u32(state.as_ptr());
        let mut efgh = vld1q_u32(state.as_ptr().add(4));
        for block in blocks.chunks_exact(64) {
            let block: &[u8; 64] = block.try_into().expect("a 64-byte chunk");
            let (before_abcd, before_efgh) = (abcd, efgh);
            let mut m0 = load_block_words(block, 0);
            let mut m1 = load_block_words(block, 1);
            let mut m2 = load_block_words(block, 2);
            let mut m3 = load_block_words(block, 3);
            rounds_4(&mut abcd, &mut efgh, m0, 0);
            rounds_4(&mut abcd, &mut efgh, m1, 1);
            rounds_4(&mut abcd, &mut efgh, m2, 2);
            rounds_4(&mut abcd, &mut efgh, m3, 3);
            // Groups 4..16; the window of the last four groups slides by
            // one, written out so that it stays in registers.
            let mut g = 4;
            while g < 16 {
                let m4 = schedule(m0, m1, m2, m3);
                rounds_4(&mut abcd, &mut efgh, m4, g);
                let m5 = schedule(m1, m2, m3, m4);
                rounds_4(&mut abcd, &mut efgh, m5, g + 1);
                let m6 = schedule(m2, m3, m4, m5);
                rounds_4(&mut abcd, &mut efgh, m6, g + 2);
                let m7 = schedule(m3, m4, m5, m6);
                rounds_4(&mut abcd, &mut efgh, m7, g + 3);
                (m0, m1, m2, m3) = (m4, m5, m6, m7);
                g += 4;
            }
            abcd = vaddq_u32(abcd, before_abcd);
            efgh = vaddq_u32(efgh, before_efgh);
        }
        vst1q_u32(state.as_mut_ptr(), abcd);
        vst1q_u32(state.as_mut_ptr().add(4), efgh);
    }
}
