//! The constants of SHA-256 and of the three message blocks whose words are
//! (mostly) known in advance when hashing block headers and Merkle nodes,
//! with their `K + W` sums computed at compile time.
//!
//! Every kernel folds these blocks the same way: a round whose message word
//! is a constant needs only one addition of `K[i] + W[i]`, a value computed
//! here once.

use super::compress::{small_sigma0, small_sigma1};

/// Initial hash value (FIPS 180-4, section 5.3.3).
pub(crate) const IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Round constants (FIPS 180-4, section 4.2.2).
pub(crate) const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// First padding word of a message that ends on a word boundary: the 0x80
/// byte that follows it.
pub(crate) const PAD_START: u32 = 0x8000_0000;
/// Length word of the header's second block: 80 bytes, in bits.
pub(crate) const HEADER_BITS: u32 = 640;
/// Length word of the second hash's block: a 32-byte digest, in bits.
pub(crate) const DIGEST_BITS: u32 = 256;
/// Length word of the padding block of a 64-byte message, in bits.
pub(crate) const BLOCK_BITS: u32 = 512;

/// The second block of an 80-byte header: words 0..=2 are the end of the
/// Merkle root, the time and the bits, word 3 the nonce (all zero here),
/// then the padding: 0x80, zeros, and the length.
pub(crate) const HEADER_BLOCK: [u32; 16] = {
    let mut block = [0u32; 16];
    block[4] = PAD_START;
    block[15] = HEADER_BITS;
    block
};

/// The block of the second hash of SHA-256d: words 0..=7 are the first
/// hash's digest (zero here), words 8..=15 its padding.
pub(crate) const DIGEST_BLOCK: [u32; 16] = {
    let mut block = [0u32; 16];
    block[8] = PAD_START;
    block[15] = DIGEST_BITS;
    block
};

/// The padding block of a 64-byte message (a Merkle node pair): every word
/// is constant.
pub(crate) const PADDING_64_BLOCK: [u32; 16] = {
    let mut block = [0u32; 16];
    block[0] = PAD_START;
    block[15] = BLOCK_BITS;
    block
};

/// The 64 schedule words of `block` (FIPS 180-4, section 6.2.2, step 1).
pub(crate) const fn schedule(block: &[u32; 16]) -> [u32; 64] {
    let mut w = [0u32; 64];
    let mut i = 0;
    while i < 64 {
        w[i] = if i < 16 {
            block[i]
        } else {
            small_sigma1(w[i - 2])
                .wrapping_add(w[i - 7])
                .wrapping_add(small_sigma0(w[i - 15]))
                .wrapping_add(w[i - 16])
        };
        i += 1;
    }
    w
}

/// `K[i] + W[i]` for the 64 rounds of `block`.
pub(crate) const fn kw(block: &[u32; 16]) -> [u32; 64] {
    let w = schedule(block);
    let mut kw = [0u32; 64];
    let mut i = 0;
    while i < 64 {
        kw[i] = K[i].wrapping_add(w[i]);
        i += 1;
    }
    kw
}

/// `K + W` of the header's second block. Only rounds 4..=15 are job
/// independent (their words are the padding); the rest depend on the job's
/// words 0..=2 or on the nonce, and kernels never read them from here.
pub(crate) const HEADER_KW: [u32; 64] = kw(&HEADER_BLOCK);

/// `K + W` of the second hash's block. Only rounds 8..=15 are constant
/// (their words are the padding); the rest depend on the digest.
pub(crate) const DIGEST_KW: [u32; 64] = kw(&DIGEST_BLOCK);

/// `K + W` of the padding block of a 64-byte message: all 64 rounds.
pub(crate) const PADDING_64_KW: [u32; 64] = kw(&PADDING_64_BLOCK);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_blocks_fold_into_the_known_words() {
        // Rounds with a zero word add K alone; the padding words add to K.
        for i in 4..16 {
            assert_eq!(HEADER_KW[i], K[i].wrapping_add(HEADER_BLOCK[i]));
        }
        assert_eq!(HEADER_KW[5], K[5]);
        assert_eq!(DIGEST_KW[8], K[8].wrapping_add(0x8000_0000));
        assert_eq!(DIGEST_KW[15], K[15].wrapping_add(256));
        // Word 16 of the 64-byte padding block: sigma0(w1) + w0 with w1 = 0.
        assert_eq!(PADDING_64_KW[16], K[16].wrapping_add(0x8000_0000));
    }
}
