//! SHA-256 itself, at the bottom of the crate: constants, the constant
//! blocks every kernel folds and their `K + W` tables, and the portable
//! compression function. It imports nothing else from the crate; the
//! kernels, the search driver, the public hashing API and the Merkle code
//! build on it.

pub(crate) mod compress;
mod const_compress;
pub(crate) mod consts;

pub(crate) use compress::{
    big_sigma0, big_sigma1, ch, compress_blocks, compress_words, hash_digest, maj, sha256d_64,
    small_sigma0, small_sigma1, store_state,
};
pub(crate) use const_compress::compress_const;
#[cfg(test)]
pub(crate) use consts::schedule;
pub(crate) use consts::{
    DIGEST_BLOCK, DIGEST_KW, HEADER_BITS, HEADER_BLOCK, HEADER_KW, IV, K, PAD_START,
};
