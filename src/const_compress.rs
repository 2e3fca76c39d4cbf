//! The SHA-256 compression function as a `const fn`, so that midstates of
//! fixed prefixes can be computed at compile time
//! ([`Midstate::from_prefix`](crate::Midstate::from_prefix) is a
//! `const fn`). Written as plain loops: it runs once per job at run time, so
//! its speed does not matter; the kernels have their own.

use crate::arch::scalar::{big_sigma0, big_sigma1, ch, maj, small_sigma0, small_sigma1};
use crate::sha256::K;

/// `state` after compressing one 64-byte `block` (FIPS 180-4, 6.2.2).
pub(crate) const fn compress(state: [u32; 8], block: &[u8; 64]) -> [u32; 8] {
    let mut w = [0u32; 64];
    let mut i = 0;
    while i < 16 {
        w[i] = u32::from_be_bytes([
            block[4 * i],
            block[4 * i + 1],
            block[4 * i + 2],
            block[4 * i + 3],
        ]);
        i += 1;
    }
    while i < 64 {
        w[i] = small_sigma1(w[i - 2])
            .wrapping_add(w[i - 7])
            .wrapping_add(small_sigma0(w[i - 15]))
            .wrapping_add(w[i - 16]);
        i += 1;
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = state;
    i = 0;
    while i < 64 {
        let t1 = h
            .wrapping_add(big_sigma1(e))
            .wrapping_add(ch(e, f, g))
            .wrapping_add(K[i])
            .wrapping_add(w[i]);
        let t2 = big_sigma0(a).wrapping_add(maj(a, b, c));
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
        i += 1;
    }
    let mut out = state;
    let working = [a, b, c, d, e, f, g, h];
    i = 0;
    while i < 8 {
        out[i] = out[i].wrapping_add(working[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::arch::scalar;
    use crate::sha256::IV;

    #[test]
    fn equals_the_scalar_kernel() {
        let mut state = IV;
        for seed in 0u32..64 {
            let block: [u8; 64] = core::array::from_fn(|i| {
                (seed.wrapping_mul(2_654_435_761) >> (i % 24)) as u8 ^ i as u8
            });
            let expected = {
                let mut s = state;
                scalar::compress(&mut s, &block);
                s
            };
            state = super::compress(state, &block);
            assert_eq!(state, expected, "block {seed}");
        }
    }
}
