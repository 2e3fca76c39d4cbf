//! Many messages of one length, SHA-256 or SHA-256d, `N` side by side
//! (the 64-byte Merkle batch is the case of 64-byte messages and
//! SHA-256d): each message's whole blocks with their full schedules, its
//! mixed block (the last message bytes and the padding), a block of
//! padding alone from a `K + W` table when the length needs one, then for
//! SHA-256d the second hash shared with the search.
//!
//! A single message takes the same path with one stream, so that a
//! one-shot hash runs its blocks, its padding and its second hash in one
//! call; its whole blocks go through the single-stream loop of
//! [`compress`](super::compress), which keeps the schedule window in
//! registers.

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use super::compress::compress_blocks_rnds;
use super::streams::{
    State, Window, add_state, byte_swap_words, message_rounds_4, rounds_2_same,
    scheduled_rounds_4_each, second_hash_to_round_15, to_rnds_layout, to_words,
};
use crate::sha256::{IV, Shape};

// The helpers below have no `#[target_feature]` of their own so that they
// can be `#[inline(always)]`: inlined into `streams`, which has the
// features, their calls are inlined too. As separate functions LLVM left
// them out of line, passing the windows and states through memory (the
// 64-byte batch ran about 10% slower). Callers must run where `streams`
// may.

/// A 64-byte block as four vectors of big-endian words.
///
/// # Safety
/// SHA, SSE2, SSSE3 and SSE4.1 must be available.
#[inline(always)]
unsafe fn load_block(block: &[u8; 64]) -> [__m128i; 4] {
    core::array::from_fn(|j| {
        // SAFETY: the caller guarantees the callee's features; `block` is
        // 64 bytes, so the 16 bytes from `16 * j` (`j < 4`) are in bounds.
        unsafe { byte_swap_words(_mm_loadu_si128(block.as_ptr().add(16 * j).cast())) }
    })
}

/// Compresses one block per stream, its words in `groups`, into `st`,
/// feed-forward included.
///
/// # Safety
/// As for [`load_block`].
#[inline(always)]
unsafe fn compress_block<const N: usize>(st: &mut [State; N], groups: [[__m128i; 4]; N]) {
    let before = *st;
    // SAFETY: the caller guarantees the callees' target features.
    unsafe {
        for g in 0..4 {
            message_rounds_4(st, &groups, g, g);
        }
    }
    let window = &mut Window::new(groups);
    scheduled_rounds_4_each!(st, window, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (s, b) in st.iter_mut().zip(&before) {
        // SAFETY: as above.
        *s = unsafe { add_state(*s, *b) };
    }
}

/// The padding-only block's rounds on every stream from its `K + W` table
/// (the same for every message), feed-forward included.
///
/// # Safety
/// As for [`load_block`].
#[inline(always)]
unsafe fn padding_rounds<const N: usize>(st: &mut [State; N], kw: &[u32; 64]) {
    let before = *st;
    for pair in kw.chunks_exact(2) {
        // SAFETY: the caller guarantees the callee's target features (SSE2
        // is part of x86-64 anyway); `pair` is two `u32`s, the eight bytes
        // the load reads (SHA256RNDS2 reads the low two lanes only).
        unsafe { rounds_2_same(st, _mm_loadl_epi64(pair.as_ptr().cast())) };
    }
    for (s, b) in st.iter_mut().zip(&before) {
        // SAFETY: as above.
        *s = unsafe { add_state(*s, *b) };
    }
}

/// SHA-256 (or SHA-256d if `double`) of `N` messages of `shape.len` bytes
/// laid end to end in `messages`, into `out` (`N` of each). With `LEN`
/// non-zero, the shape is that length's, known at compile time: the block
/// loop and the padding then fold into straight-line code.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn streams<const N: usize, const LEN: usize>(
    messages: &[u8],
    shape: &Shape,
    padding_kw: Option<&[u32; 64]>,
    double: bool,
    out: &mut [[u8; 32]],
) {
    let known = Shape::new(LEN);
    let shape = if LEN != 0 { &known } else { shape };
    let len = shape.len;
    let message = |i: usize| &messages[i * len..(i + 1) * len];
    // SAFETY: this function's target features are those of the callees.
    let iv = unsafe { to_rnds_layout(&IV) };
    let mut st = [iv; N];
    // One message: its whole blocks in the single-stream loop.
    let first_block = if N == 1 {
        // SAFETY: this function's target features are the callee's.
        st[0] = unsafe { compress_blocks_rnds(st[0], message(0)) };
        shape.full_blocks
    } else {
        0
    };
    // Every block with a schedule, through one call site of
    // `compress_block` so that it is inlined once: the whole blocks, the
    // mixed block, and the padding-only block unless its `K + W` is known.
    let padding_block = shape.padding_only().filter(|_| padding_kw.is_none());
    let blocks = shape.full_blocks + usize::from(shape.tail_len > 0);
    let end = blocks + usize::from(padding_block.is_some());
    for b in first_block..end {
        let mut groups = [[iv.abef; 4]; N];
        for (i, m) in groups.iter_mut().enumerate() {
            let block = if b < shape.full_blocks {
                let mut block = [0u8; 64];
                block.copy_from_slice(&message(i)[64 * b..64 * b + 64]);
                block
            } else if b < blocks {
                shape.mixed_block(message(i)).unwrap_or([0; 64])
            } else {
                padding_block.unwrap_or([0; 64])
            };
            // SAFETY: this function's target features are the callee's.
            *m = unsafe { load_block(&block) };
        }
        // SAFETY: as above.
        unsafe { compress_block(&mut st, groups) };
    }
    if let Some(kw) = padding_kw {
        // SAFETY: as above.
        unsafe { padding_rounds(&mut st, kw) };
    }
    if double {
        // The digests are the states: their feed-forward is done.
        // SAFETY: SSE2 is enabled here; the callee's target features are
        // this function's.
        let (second, mut window) = unsafe {
            let zero = _mm_setzero_si128();
            let no_feed_forward = State {
                abef: zero,
                cdgh: zero,
            };
            second_hash_to_round_15(&st, &[no_feed_forward; N])
        };
        st = second;
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
            // SAFETY: as above.
            *s = unsafe { add_state(*s, iv) };
        }
    }
    for (s, out) in st.iter().zip(out.iter_mut()) {
        // SAFETY: this function's target features are those of the callees
        // and intrinsics; `out` is 32 bytes, so both 16-byte stores are in
        // bounds.
        unsafe {
            let [w0_3, w4_7] = to_words(*s);
            _mm_storeu_si128(out.as_mut_ptr().cast(), byte_swap_words(w0_3));
            _mm_storeu_si128(out.as_mut_ptr().add(16).cast(), byte_swap_words(w4_7));
        }
    }
}

/// The kernel's `hash_many`: `out.len()` messages of `shape.len` bytes laid
/// end to end in `messages`, `N` at a time (`N <= 4`), then the rest
/// (fewer than `N`) as one group of their own size. With `LEN` non-zero,
/// `shape.len` is `LEN` and every group gets that length's folded code.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn hash_many<const N: usize, const LEN: usize>(
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
        // The guards leave out the code for group sizes this `N` never
        // has; a lone message is one-shot hashing.
        unsafe {
            match out.len() {
                n if n == N => streams::<N, LEN>(messages, shape, padding_kw, double, out),
                3 if N > 3 => streams::<3, LEN>(messages, shape, padding_kw, double, out),
                2 if N > 2 => streams::<2, LEN>(messages, shape, padding_kw, double, out),
                _ => streams::<1, LEN>(messages, shape, padding_kw, double, out),
            }
        }
    }
}
