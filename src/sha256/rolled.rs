//! The compact SHA-256 compression of the `compact-scalar` feature: one
//! round per loop iteration over a sixteen-word schedule window, nothing
//! forced inline. It computes exactly what [`compress`](super::compress)
//! computes, in a few hundred bytes of code instead of several kilobytes per
//! use, at the price of the unrolled form's constant folding and register
//! renaming (see `docs/targets.md` for sizes and instruction counts).
//!
//! Compiled for the feature, and always for tests, where it is checked
//! against the unrolled form.

use super::compress::{load_block, round_in_order, small_sigma0, small_sigma1};
use super::consts::{DIGEST_BLOCK, IV, K, PADDING_64_BLOCK};

/// Runs rounds `from..to` (`to <= 64`) on the state `s`, in order `a..h`.
///
/// `w` is the schedule window: when round `i` begins, `w[i % 16]` holds
/// word `i` for `i < 16`, and from round 16 on each round replaces the
/// oldest word with the next one. The window must hold words `0..16` on
/// entry unless `from >= 16`, in which case it must hold words
/// `from - 16..from` (each at its index modulo 16).
///
/// Never inlined: each caller shares this one loop.
#[inline(never)]
pub(crate) fn rounds(s: &mut [u32; 8], w: &mut [u32; 16], from: usize, to: usize) {
    let mut state = *s;
    let to = to.min(64);
    let mut i = from;
    while i < to {
        let word = if i < 16 {
            w[i]
        } else {
            let next = small_sigma1(w[(i - 2) % 16])
                .wrapping_add(w[(i - 7) % 16])
                .wrapping_add(small_sigma0(w[(i - 15) % 16]))
                .wrapping_add(w[i % 16]);
            w[i % 16] = next;
            next
        };
        state = round_in_order(state, K[i].wrapping_add(word));
        i += 1;
    }
    *s = state;
}

/// The SHA-256 compression function on a block given as words.
pub(crate) fn compress_words(state: &mut [u32; 8], block: &[u32; 16]) {
    let mut w = *block;
    let mut s = *state;
    rounds(&mut s, &mut w, 0, 64);
    for (h, v) in state.iter_mut().zip(s) {
        *h = h.wrapping_add(v);
    }
}

/// Compresses `blocks` into `state` one after the other.
pub(crate) fn compress_blocks(state: &mut [u32; 8], blocks: &[u8]) {
    for block in blocks.chunks_exact(64) {
        let block: &[u8; 64] = block.try_into().expect("a 64-byte chunk");
        compress_words(state, &load_block(block));
    }
}

/// SHA-256 of a 32-byte digest given as words (the second half of
/// SHA-256d).
pub(crate) fn hash_digest(digest: &[u32; 8]) -> [u32; 8] {
    let mut block = DIGEST_BLOCK;
    block[..8].copy_from_slice(digest);
    let mut state = IV;
    compress_words(&mut state, &block);
    state
}

/// SHA-256d of one 64-byte message (a Merkle node pair).
pub(crate) fn sha256d_64(input: &[u8; 64]) -> [u8; 32] {
    let mut state = IV;
    compress_words(&mut state, &load_block(input));
    compress_words(&mut state, &PADDING_64_BLOCK);
    super::store_state(&hash_digest(&state))
}

#[cfg(test)]
mod tests {
    use super::super::compress;
    use super::*;

    /// A small deterministic generator: the inputs need to be varied, not
    /// unpredictable.
    fn words<const N: usize>(seed: &mut u64) -> [u32; N] {
        core::array::from_fn(|_| {
            *seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = *seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) as u32
        })
    }

    #[cfg(miri)]
    const CASES: usize = 4;
    #[cfg(not(miri))]
    const CASES: usize = 500;

    #[test]
    fn rolled_equals_unrolled() {
        let mut seed = 1;
        for case in 0..CASES {
            let state: [u32; 8] = words(&mut seed);
            let block: [u32; 16] = words(&mut seed);
            let (mut rolled, mut unrolled) = (state, state);
            compress_words(&mut rolled, &block);
            compress::compress_words(&mut unrolled, &block);
            assert_eq!(rolled, unrolled, "case {case}");

            let digest: [u32; 8] = words(&mut seed);
            assert_eq!(hash_digest(&digest), compress::hash_digest(&digest));

            let mut bytes = [0u8; 64];
            for (chunk, word) in bytes.chunks_exact_mut(4).zip(block) {
                chunk.copy_from_slice(&word.to_le_bytes());
            }
            assert_eq!(sha256d_64(&bytes), compress::sha256d_64(&bytes));
            let blocks = [bytes, [case as u8; 64]];
            let (mut rolled, mut unrolled) = (state, state);
            compress_blocks(&mut rolled, blocks.as_flattened());
            compress::compress_blocks(&mut unrolled, blocks.as_flattened());
            assert_eq!(rolled, unrolled);
        }
    }

    /// Starting the loop part-way, as the compact nonce search does, equals
    /// running the rounds before it first.
    #[test]
    fn rounds_resume_at_any_round() {
        let mut seed = 7;
        for from in [1, 4, 15, 16, 17, 40, 63, 64] {
            let state: [u32; 8] = words(&mut seed);
            let block: [u32; 16] = words(&mut seed);
            let (mut whole, mut w_whole) = (state, block);
            rounds(&mut whole, &mut w_whole, 0, 64);
            let (mut split, mut w_split) = (state, block);
            rounds(&mut split, &mut w_split, 0, from);
            rounds(&mut split, &mut w_split, from, 64);
            assert_eq!((split, w_split), (whole, w_whole), "from {from}");
        }
    }

    /// FIPS 180-4's one-block example, "abc".
    #[test]
    fn abc() {
        let mut block = [0u8; 64];
        block[..3].copy_from_slice(b"abc");
        block[3] = 0x80;
        block[63] = 24;
        let mut state = IV;
        compress_blocks(&mut state, &block);
        assert_eq!(
            super::super::store_state(&state)[..8],
            [0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea]
        );
    }
}
