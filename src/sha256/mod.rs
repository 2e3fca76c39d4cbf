//! SHA-256 itself, at the bottom of the crate: constants, the constant
//! blocks every kernel folds and their `K + W` tables, the portable
//! compression function, and the padding shared by messages of one length
//! with the portable hashing of many of them ([`shape`]). It imports nothing else from the crate; the
//! kernels, the search driver, the public hashing API and the Merkle code
//! build on it.

// With `compact-scalar` the unrolled compression is kept for the SIMD
// kernels' use and for tests, so parts of it may go unused.
#[cfg_attr(feature = "compact-scalar", allow(dead_code))]
pub(crate) mod compress;
mod const_compress;
pub(crate) mod consts;
#[cfg(any(feature = "compact-scalar", test))]
pub(crate) mod rolled;
pub(crate) mod shape;

pub(crate) use compress::{
    big_sigma0, big_sigma1, ch, maj, small_sigma0, small_sigma1, store_state,
};
// Only the SIMD kernels load blocks through this path.
#[cfg(any(
    target_arch = "x86",
    target_arch = "x86_64",
    all(target_arch = "aarch64", target_feature = "neon")
))]
pub(crate) use compress::load_block;
pub(crate) use const_compress::compress_const;
#[cfg(test)]
pub(crate) use consts::schedule;
pub(crate) use consts::{
    DIGEST_BLOCK, DIGEST_KW, HEADER_BITS, HEADER_BLOCK, HEADER_KW, IV, K, PAD_START,
};
pub(crate) use shape::{Shape, hash_many};

// The compression of every portable path (hashing, the scalar kernel, the
// search driver's check): unrolled by default, the rolled loop with the
// `compact-scalar` feature.
cfg_if::cfg_if! {
    if #[cfg(feature = "compact-scalar")] {
        pub(crate) use rolled::{compress_blocks, compress_words, hash_digest, sha256d_64};
    } else {
        pub(crate) use compress::{compress_blocks, compress_words, hash_digest, sha256d_64};
    }
}
