//! The compression function as a `const fn`, so that midstates of fixed
//! prefixes can be computed at compile time
//! ([`Midstate::from_prefix`](crate::Midstate::from_prefix) is a
//! `const fn`). Plain loops over the core's constant `K + W` schedule: it
//! runs at most once per job at run time, where its speed does not matter.

use super::compress::round_in_order;
use super::consts::kw;

/// `state` after compressing one 64-byte `block` (FIPS 180-4, 6.2.2).
pub(crate) const fn compress_const(state: [u32; 8], block: &[u8; 64]) -> [u32; 8] {
    let mut words = [0u32; 16];
    let mut i = 0;
    while i < 16 {
        words[i] = u32::from_be_bytes([
            block[4 * i],
            block[4 * i + 1],
            block[4 * i + 2],
            block[4 * i + 3],
        ]);
        i += 1;
    }
    let kw = kw(&words);
    let mut working = state;
    i = 0;
    while i < 64 {
        working = round_in_order(working, kw[i]);
        i += 1;
    }
    let mut out = state;
    i = 0;
    while i < 8 {
        out[i] = out[i].wrapping_add(working[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{IV, compress_blocks};
    use super::compress_const;

    #[test]
    fn equals_the_portable_compression() {
        let mut state = IV;
        for seed in 0u32..64 {
            let block: [u8; 64] = core::array::from_fn(|i| {
                (seed.wrapping_mul(2_654_435_761) >> (i % 24)) as u8 ^ i as u8
            });
            let mut expected = state;
            compress_blocks(&mut expected, &block);
            state = compress_const(state, &block);
            assert_eq!(state, expected, "block {seed}");
        }
    }
}
