//! Many messages of one length, SHA-256 or SHA-256d, `N` side by side
//! (the 64-byte Merkle batch is the case of 64-byte messages and
//! SHA-256d): each message's whole blocks with their full schedules, its
//! mixed block (the last message bytes and the padding), a block of
//! padding alone from a `K + W` table when the length needs one, then for
//! SHA-256d the second hash shared with the search. A single message takes
//! the same path with one stream, so that a one-shot hash runs its blocks,
//! its padding and its second hash in one call.

use core::arch::aarch64::*;

use super::{
    State, Window, add_state, load_block_words, load_state, rounds_4_same, scheduled_rounds_4,
    second_hash_to_round_15, store_digest, window_rounds_4,
};
use crate::sha256::{IV, Shape};

// The helpers below have no `#[target_feature]` of their own so that they
// can be `#[inline(always)]`: inlined into `streams`, which has the
// features, their calls are inlined too, and the windows and states stay
// in registers. Callers must run where `streams` may.

/// A 64-byte block as four vectors of big-endian words.
///
/// # Safety
/// NEON and SHA-2 must be available.
#[inline(always)]
unsafe fn load_block(block: &[u8; 64]) -> [uint32x4_t; 4] {
    // SAFETY: the caller guarantees the callee's target features, and
    // `j < 4` in each call.
    core::array::from_fn(|j| unsafe { load_block_words(block, j) })
}

/// Compresses one block per stream, its words in `window`, into `st`,
/// feed-forward included.
///
/// # Safety
/// As for [`load_block`].
#[inline(always)]
unsafe fn compress_window<const N: usize>(st: &mut [State; N], window: &mut Window<N>) {
    let before = *st;
    // SAFETY: the caller guarantees the callees' target features.
    unsafe {
        for g in 0..4 {
            window_rounds_4(st, window, g, g);
        }
        for g in 4..16 {
            scheduled_rounds_4(st, window, g);
        }
        for (s, b) in st.iter_mut().zip(&before) {
            *s = add_state(*s, *b);
        }
    }
}

/// SHA-256 (or SHA-256d if `double`) of `N` messages of `shape.len` bytes
/// laid end to end in `messages`, into `out` (`N` of each).
#[inline]
#[target_feature(enable = "neon,sha2")]
unsafe fn streams<const N: usize>(
    messages: &[u8],
    shape: &Shape,
    padding_kw: Option<&[u32; 64]>,
    double: bool,
    out: &mut [[u8; 32]],
) {
    let len = shape.len;
    let message = |i: usize| &messages[i * len..(i + 1) * len];
    // SAFETY: this function's target features are those of the callees
    // and intrinsics (NEON).
    unsafe {
        let iv = load_state(&IV);
        let mut st = [iv; N];
        let mut window: Window<N> = [[vdupq_n_u32(0); 4]; N];
        for b in 0..shape.full_blocks {
            for (i, m) in window.iter_mut().enumerate() {
                let block: &[u8; 64] = message(i)[64 * b..64 * b + 64]
                    .try_into()
                    .expect("a 64-byte block");
                *m = load_block(block);
            }
            compress_window(&mut st, &mut window);
        }
        if shape.tail_len > 0 {
            for (i, m) in window.iter_mut().enumerate() {
                let block = shape.mixed_block(message(i)).unwrap_or([0; 64]);
                *m = load_block(&block);
            }
            compress_window(&mut st, &mut window);
        }
        match (padding_kw, shape.padding_only()) {
            (Some(kw), _) => {
                let before = st;
                for group in kw.chunks_exact(4) {
                    let group: &[u32; 4] = group.try_into().expect("four words");
                    rounds_4_same(&mut st, group);
                }
                for (s, b) in st.iter_mut().zip(&before) {
                    *s = add_state(*s, *b);
                }
            }
            (None, Some(block)) => {
                window = [load_block(&block); N];
                compress_window(&mut st, &mut window);
            }
            (None, None) => {}
        }
        if double {
            // The digests are the states: their feed-forward is done.
            let zero = vdupq_n_u32(0);
            let no_feed_forward = State {
                abcd: zero,
                efgh: zero,
            };
            let (second, mut window) = second_hash_to_round_15(&st, &[no_feed_forward; N]);
            st = second;
            for g in 4..16 {
                scheduled_rounds_4(&mut st, &mut window, g);
            }
            for s in &mut st {
                *s = add_state(*s, iv);
            }
        }
        for (s, out) in st.iter().zip(out.iter_mut()) {
            store_digest(out, *s);
        }
    }
}

/// The kernel's `hash_many`: `out.len()` messages of `shape.len` bytes laid
/// end to end in `messages`, `N` at a time, then the rest one by one.
#[target_feature(enable = "neon,sha2")]
pub(super) unsafe fn hash_many<const N: usize>(
    messages: &[u8],
    shape: &Shape,
    double: bool,
    out: &mut [[u8; 32]],
) {
    // The padding-only block's schedule, once for all messages.
    let mut storage = [0u32; 64];
    let padding_kw = shape.padding_kw(out.len(), &mut storage);
    for (messages, out) in shape.groups(messages, out, N) {
        // SAFETY: this function's target features are those of the callee.
        unsafe {
            if out.len() == N {
                streams::<N>(messages, shape, padding_kw, double, out);
            } else {
                for (message, out) in shape.groups(messages, out, 1) {
                    streams::<1>(message, shape, padding_kw, double, out);
                }
            }
        }
    }
}
