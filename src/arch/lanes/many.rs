//! Many messages of one length in SIMD lanes: message `i` of a group of
//! `V::COUNT` lives in lane `i` of every vector. Each block is transposed
//! into sixteen vectors of message words (vector `j` holds word `j` of
//! every message), compressed with the same arithmetic as the search and
//! the 64-byte batch, and the digests are transposed back.
//!
//! The last group of a call may be short: its missing lanes repeat its
//! first message and their results are dropped, so a call with fewer
//! messages than lanes still costs one vector step, not one scalar hash
//! per message.

use super::{Lanes, State, add_states, compress, hash_digest};
use crate::sha256::{IV, Shape, load_block};

/// Sixteen vectors of message words from one 64-byte block per lane;
/// `block(lane)` gives lane `lane`'s block.
#[inline(always)]
fn transpose<V: Lanes>(block: impl Fn(usize) -> [u8; 64]) -> [V; 16] {
    let mut columns = [V::Array::default(); 16];
    for lane in 0..V::COUNT {
        let bytes = block(lane);
        for (column, word) in columns.iter_mut().zip(bytes.chunks_exact(4)) {
            if let Some(slot) = column.as_mut().get_mut(lane) {
                *slot = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
            }
        }
    }
    columns.map(V::from_array)
}

/// SHA-256 (or SHA-256d if `double`) of up to `V::COUNT` messages of
/// `shape.len` bytes laid end to end in `messages` (`out.len()` of them).
#[inline(always)]
fn group<V: Lanes>(
    messages: &[u8],
    shape: &Shape,
    padding_kw: Option<&[u32; 64]>,
    double: bool,
    out: &mut [[u8; 32]],
) {
    let len = shape.len;
    let count = out.len();
    // Lanes past the last message repeat the first one.
    let message = |lane: usize| {
        let i = if lane < count { lane } else { 0 };
        &messages[i * len..(i + 1) * len]
    };
    let mut state = IV.map(V::splat);
    for b in 0..shape.full_blocks {
        let block = transpose::<V>(|lane| {
            let mut block = [0u8; 64];
            block.copy_from_slice(&message(lane)[64 * b..64 * b + 64]);
            block
        });
        state = compress(state, block);
    }
    if shape.tail_len > 0 {
        let block = transpose::<V>(|lane| shape.mixed_block(message(lane)).unwrap_or([0; 64]));
        state = compress(state, block);
    }
    if let Some(block) = shape.padding_only() {
        match padding_kw {
            Some(kw) => {
                // Every round's `K + W` is known: no schedule, and all
                // rounds alike, so they run as a loop of sixteen.
                let mut s = State::from_words(state);
                for kw in kw.chunks_exact(16) {
                    unroll!(j in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] {
                        s.round(V::splat(kw[j]));
                    });
                }
                state = add_states(state, s.words());
            }
            None => {
                let words = load_block(&block);
                state = compress(state, words.map(V::splat));
            }
        }
    }
    if double {
        state = hash_digest::<V, false>(state);
    }
    let words = state.map(V::to_array);
    for (lane, out) in out.iter_mut().enumerate() {
        for (bytes, column) in out.chunks_exact_mut(4).zip(&words) {
            if let Some(word) = column.as_ref().get(lane) {
                bytes.copy_from_slice(&word.to_be_bytes());
            }
        }
    }
}

/// The kernel contract's many-message hashing for a lane kernel:
/// `out.len()` messages of `shape.len` bytes laid end to end in
/// `messages`, `V::COUNT` at a time.
#[inline(always)]
pub(crate) fn hash_many<V: Lanes>(
    messages: &[u8],
    shape: &Shape,
    double: bool,
    out: &mut [[u8; 32]],
) {
    // The padding-only block's schedule, once for all messages.
    let mut storage = [0u32; 64];
    let padding_kw = shape.padding_kw(out.len(), &mut storage);
    for (messages, out) in shape.groups(messages, out, V::COUNT) {
        group::<V>(messages, shape, padding_kw, double, out);
    }
}
