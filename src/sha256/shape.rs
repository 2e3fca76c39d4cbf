//! Padding shared by messages of one length, and the portable hashing of
//! many such messages (the reference for every kernel's).
//!
//! Messages of equal length are padded alike, so the layout of their last
//! blocks is worked out once per call ([`Shape`]): how many whole 64-byte
//! blocks each message has, how many bytes are left for the block that
//! mixes message bytes with padding, and whether a block of padding alone
//! (`0x80` or zeros, then the length) follows. That last block is the same
//! for every message, so its whole message schedule, added to the round
//! constants, can be computed once and reused by every message
//! ([`Shape::padding_kw`]); for 64-byte messages (Merkle nodes) it is the
//! compile-time [`PADDING_64_KW`].

use super::compress::{load_block, store_state};
// The feature-selected portable compression (rolled with `compact-scalar`).
use super::consts::{IV, PADDING_64_BLOCK, PADDING_64_KW, kw};
use super::{compress_blocks, compress_words, hash_digest};

/// Messages at which computing the padding-only block's `K + W` (48
/// schedule steps) pays for itself: below this, kernels schedule that
/// block like any other.
// Used by the SIMD kernels only, which targets without SIMD lack.
#[cfg_attr(
    not(any(
        target_arch = "x86",
        target_arch = "x86_64",
        all(target_arch = "aarch64", target_feature = "neon")
    )),
    allow(dead_code)
)]
const PADDING_KW_MIN_MESSAGES: usize = 8;

/// The padding layout shared by messages of `len` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Message length in bytes.
    pub(crate) len: usize,
    /// Whole 64-byte blocks at the start of each message.
    pub(crate) full_blocks: usize,
    /// Message bytes after the whole blocks (`len % 64`): when non-zero,
    /// they start the mixed block, followed by `0x80`, zeros, and the
    /// length in its last eight bytes if it fits (`tail_len < 56`).
    pub(crate) tail_len: usize,
}

impl Shape {
    pub(crate) const fn new(len: usize) -> Shape {
        Shape {
            len,
            full_blocks: len / 64,
            tail_len: len % 64,
        }
    }

    /// The message length in bits, big-endian, as padding ends with it.
    #[inline(always)]
    fn bit_len(&self) -> [u8; 8] {
        (self.len as u64).wrapping_mul(8).to_be_bytes()
    }

    /// The mixed block of `message` (which is `len` bytes), if it has one.
    #[inline(always)]
    pub(crate) fn mixed_block(&self, message: &[u8]) -> Option<[u8; 64]> {
        if self.tail_len == 0 {
            return None;
        }
        let mut block = [0u8; 64];
        block[..self.tail_len].copy_from_slice(&message[self.full_blocks * 64..self.len]);
        block[self.tail_len] = 0x80;
        if self.tail_len < 56 {
            block[56..].copy_from_slice(&self.bit_len());
        }
        Some(block)
    }

    /// The block of padding alone that ends every message when the length
    /// does not fit in a mixed block: after whole blocks only (`0x80`,
    /// zeros, length) or after a mixed block of 56 bytes or more (zeros,
    /// length).
    #[inline(always)]
    pub(crate) fn padding_only(&self) -> Option<[u8; 64]> {
        if self.tail_len != 0 && self.tail_len < 56 {
            return None;
        }
        let mut block = [0u8; 64];
        if self.tail_len == 0 {
            block[0] = 0x80;
        }
        block[56..].copy_from_slice(&self.bit_len());
        Some(block)
    }

    /// `out.len()` messages of this shape laid end to end in `messages`,
    /// paired with their outputs in groups of `n` (`n > 0`), the last group
    /// shorter when `n` does not divide the count: how every kernel's
    /// many-message hashing walks its input.
    #[inline]
    #[cfg_attr(
        not(any(
            target_arch = "x86",
            target_arch = "x86_64",
            all(target_arch = "aarch64", target_feature = "neon")
        )),
        allow(dead_code)
    )]
    pub(crate) fn groups<'m, 'o>(
        &self,
        messages: &'m [u8],
        out: &'o mut [[u8; 32]],
        n: usize,
    ) -> impl Iterator<Item = (&'m [u8], &'o mut [[u8; 32]])> {
        // The whole groups as exact chunks, then the rest: with this form
        // the SHA-NI 64-byte batch measured 18.8 million messages per
        // second on AMD Zen 3, against 16.2 with one running offset over
        // uneven chunks and 17.1 with the per-kernel loop it replaced
        // (best of 50 runs of 4,096 messages, quiet machine, four streams
        // then).
        let group_bytes = n * self.len;
        let whole = out.len() / n * n;
        let (whole_out, rest_out) = out.split_at_mut(whole);
        let (whole_messages, rest_messages) = messages.split_at(whole * self.len);
        whole_out
            .chunks_exact_mut(n)
            .enumerate()
            .map(move |(g, out)| (&whole_messages[g * group_bytes..(g + 1) * group_bytes], out))
            .chain(Some((rest_messages, rest_out)).filter(|(_, out)| !out.is_empty()))
    }

    /// `K[i] + W[i]` of the padding-only block, if messages end with one
    /// and it pays to have it for `count` messages: always for 64-byte
    /// messages, whose table is a constant, otherwise (computed into
    /// `storage`) when there are enough messages to amortize the 48
    /// schedule steps.
    #[inline]
    #[cfg_attr(
        not(any(
            target_arch = "x86",
            target_arch = "x86_64",
            all(target_arch = "aarch64", target_feature = "neon")
        )),
        allow(dead_code)
    )]
    pub(crate) fn padding_kw<'a>(
        &self,
        count: usize,
        storage: &'a mut [u32; 64],
    ) -> Option<&'a [u32; 64]> {
        if self.len == 64 {
            return Some(&PADDING_64_KW);
        }
        let block = self.padding_only()?;
        if count < PADDING_KW_MIN_MESSAGES {
            return None;
        }
        *storage = kw(&load_block(&block));
        Some(storage)
    }
}

/// SHA-256 (or SHA-256d if `double`) of each of the `out.len()` messages
/// of `shape.len` bytes laid end to end in `messages` (exactly that many
/// bytes), one at a time with the portable compression: the reference
/// every kernel's many-message hashing must equal. The padding of 64-byte
/// messages and of the second hash are constants the compiler folds into
/// the round constants.
pub(crate) fn hash_many(messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
    for (message, out) in messages.chunks(shape.len.max(1)).zip(out.iter_mut()) {
        let message = &message[..shape.len];
        let mut state = IV;
        // The whole blocks; the rest goes into the mixed block below.
        compress_blocks(&mut state, message);
        if let Some(block) = shape.mixed_block(message) {
            compress_blocks(&mut state, &block);
        }
        if shape.len == 64 {
            compress_words(&mut state, &PADDING_64_BLOCK);
        } else if let Some(block) = shape.padding_only() {
            compress_blocks(&mut state, &block);
        }
        if double {
            state = hash_digest(&state);
        }
        *out = store_state(&state);
    }
    // Empty messages: `chunks` yields nothing for no bytes.
    if shape.len == 0 {
        let mut state = IV;
        if let Some(block) = shape.padding_only() {
            compress_blocks(&mut state, &block);
        }
        if double {
            state = hash_digest(&state);
        }
        out.fill(store_state(&state));
    }
}
