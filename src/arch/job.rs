//! What a kernel receives about a search job: everything about the header
//! that does not depend on the nonce, computed once per job.
//!
//! The nonce is word 3 of the header's second block, so for the first hash
//! rounds 0..=2 and most of round 3 are fixed, schedule words 16 and 17 do
//! not reach the nonce, and every later schedule word has terms that do not
//! either. The public `SearchJob` holds one [`JobData`], built when the job
//! is made; kernels only read it, whatever range they are asked to scan.

use crate::sha256::{
    HEADER_BITS, HEADER_BLOCK, K, PAD_START, big_sigma0, big_sigma1, ch, maj, small_sigma0,
    small_sigma1,
};

/// The nonce-independent part of a search, as kernels read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct JobData {
    /// SHA-256 state after the header's first 64 bytes.
    pub(crate) midstate: [u32; 8],
    /// Words 0..=2 of the second block: Merkle-root tail, time, bits.
    pub(crate) tail: [u32; 3],
    /// The target's top 32 bits: a nonce is a candidate when its hash's top
    /// 32 bits are at most this.
    pub(crate) target_top: u32,
    /// State after rounds 0..=2 of the second block, in order `a..h`.
    pub(crate) state3: [u32; 8],
    /// Round 3's new `a` without the message word: `a4 = round3_a + w3`.
    pub(crate) round3_a: u32,
    /// Round 3's new `e` without the message word: `e4 = round3_e + w3`.
    pub(crate) round3_e: u32,
    /// Schedule word 16.
    pub(crate) w16: u32,
    /// Schedule word 17.
    pub(crate) w17: u32,
    /// `K + W` of rounds 16 and 17.
    pub(crate) kw_16_17: [u32; 2],
    /// For each schedule word `i >= 18`, the sum of the terms of
    /// `W[i] = σ1(W[i-2]) + W[i-7] + σ0(W[i-15]) + W[i-16]` whose word does
    /// not depend on the nonce (a word below 18 other than word 3); a kernel
    /// adds the others. Entries below 18 are zero.
    pub(crate) fixed_terms: [u32; 64],
    /// Words 16..=19 without their `W[i-16] + σ0(W[i-15])`:
    /// `σ1(W[i-2]) + W[i-7]`, which is `[0, σ1(640), σ1(W16), σ1(W17)]`.
    /// (SHA256MSG1 of words 0..=7 supplies the rest.)
    pub(crate) w16_19_rest: [u32; 4],
    /// Words 20..=23 without their `σ1(W[i-2])`:
    /// `W[i-16] + σ0(W[i-15]) + W[i-7]`, all nonce-independent. (The input
    /// SHA256MSG2 completes with words 18..=21.)
    pub(crate) w20_23_partial: [u32; 4],
    /// `W[i-16] + σ0(W[i-15])` of words 28..=31: reads words 12..=16 only,
    /// so it is constant for the job. (SHA256MSG1 of words 12..=19.)
    pub(crate) w28_31_msg1: [u32; 4],
}

/// Whether word `i` of the first hash's schedule depends on the nonce:
/// word 3 is the nonce, words 16 and 17 do not reach it, every word from 18
/// on does.
pub(crate) const fn varies_with_nonce(i: usize) -> bool {
    i == 3 || i >= 18
}

/// Whether schedule word `i` (`16 <= i < 64`) of the first hash has a term
/// that does not depend on the nonce: false from word 34 on. Only the x86
/// SHA-NI kernel's AVX2 schedule uses it.
#[cfg_attr(
    not(any(target_arch = "x86", target_arch = "x86_64")),
    allow(dead_code)
)]
pub(crate) const fn has_fixed_terms(i: usize) -> bool {
    !varies_with_nonce(i - 2)
        || !varies_with_nonce(i - 7)
        || !varies_with_nonce(i - 15)
        || !varies_with_nonce(i - 16)
}

impl JobData {
    /// The data for a header whose first 64 bytes hash to `midstate` and
    /// whose second block starts with `tail`, searching for hashes whose top
    /// 32 bits are at most `target_top`.
    pub(crate) fn new(midstate: [u32; 8], tail: [u32; 3], target_top: u32) -> Self {
        let (state3, round3_a, round3_e) = precompute_rounds(&midstate, &tail);
        let mut w = [0u32; 18];
        w[..16].copy_from_slice(&HEADER_BLOCK);
        w[..3].copy_from_slice(&tail);
        // Word 16 = σ1(w14) + w9 + σ0(w1) + w0 with w9 = w14 = 0; word 17
        // likewise with w10 = 0.
        w[16] = small_sigma0(w[1]).wrapping_add(w[0]);
        w[17] = small_sigma1(HEADER_BITS)
            .wrapping_add(small_sigma0(w[2]))
            .wrapping_add(w[1]);
        let (w16, w17) = (w[16], w[17]);
        JobData {
            midstate,
            tail,
            target_top,
            state3,
            round3_a,
            round3_e,
            w16,
            w17,
            kw_16_17: [K[16].wrapping_add(w16), K[17].wrapping_add(w17)],
            fixed_terms: fixed_terms(&w),
            w16_19_rest: [
                0,
                small_sigma1(HEADER_BITS),
                small_sigma1(w16),
                small_sigma1(w17),
            ],
            // Words 4..=8 and 13..=16 are [0x80000000, 0, 0, 0, 0] and
            // [0, 0, 640, w16]: σ0 of the first four's successors is zero.
            w20_23_partial: [PAD_START, 0, HEADER_BITS, w16],
            // Words 12..=16 are [0, 0, 0, 640, w16].
            w28_31_msg1: [
                0,
                0,
                small_sigma0(HEADER_BITS),
                HEADER_BITS.wrapping_add(small_sigma0(w16)),
            ],
        }
    }
}

/// The state after rounds 0..=2 of a block whose first three words are
/// `tail`, and the parts of round 3 that do not depend on its word 3.
fn precompute_rounds(midstate: &[u32; 8], tail: &[u32; 3]) -> ([u32; 8], u32, u32) {
    let mut s = *midstate;
    for (i, &word) in tail.iter().enumerate() {
        let [a, b, c, d, e, f, g, h] = s;
        let t1 = h
            .wrapping_add(big_sigma1(e))
            .wrapping_add(ch(e, f, g))
            .wrapping_add(K[i])
            .wrapping_add(word);
        let t2 = big_sigma0(a).wrapping_add(maj(a, b, c));
        s = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
    }
    let [a, b, c, d, e, f, g, h] = s;
    let t1_without_w3 = h
        .wrapping_add(big_sigma1(e))
        .wrapping_add(ch(e, f, g))
        .wrapping_add(K[3]);
    let t2 = big_sigma0(a).wrapping_add(maj(a, b, c));
    let round3_a = t1_without_w3.wrapping_add(t2);
    let round3_e = d.wrapping_add(t1_without_w3);
    (s, round3_a, round3_e)
}

/// See [`JobData::fixed_terms`]; `w` holds the words below 18 (word 3 is
/// ignored).
fn fixed_terms(w: &[u32; 18]) -> [u32; 64] {
    let fixed = |i: usize| !varies_with_nonce(i);
    let mut sums = [0u32; 64];
    for (i, sum) in sums.iter_mut().enumerate().skip(18) {
        if fixed(i - 2) {
            *sum = sum.wrapping_add(small_sigma1(w[i - 2]));
        }
        if fixed(i - 7) {
            *sum = sum.wrapping_add(w[i - 7]);
        }
        if fixed(i - 15) {
            *sum = sum.wrapping_add(small_sigma0(w[i - 15]));
        }
        if fixed(i - 16) {
            *sum = sum.wrapping_add(w[i - 16]);
        }
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sha256::schedule;

    /// Every precomputed value against the plain schedule and rounds.
    #[test]
    fn job_data_matches_the_plain_computation() {
        let midstate = [1, 2, 3, 4, 5, 6, 7, 8].map(|x: u32| x.wrapping_mul(0x9e37_79b9));
        let tail = [0x1234_5678, 0x9abc_def0, 0x0fed_cba9];
        let job = JobData::new(midstate, tail, 7);
        for nonce in [0u32, 1, 0xdead_beef] {
            let mut block = HEADER_BLOCK;
            block[..3].copy_from_slice(&tail);
            block[3] = nonce.swap_bytes();
            let w = schedule(&block);
            assert_eq!([job.w16, job.w17], [w[16], w[17]]);
            assert_eq!(
                job.kw_16_17,
                [K[16].wrapping_add(w[16]), K[17].wrapping_add(w[17])]
            );
            for i in 18..64 {
                // The varying terms, added to the fixed ones, give the word.
                let mut sum = job.fixed_terms[i];
                for (j, sigma) in [(i - 2, 1), (i - 7, 0), (i - 15, 2), (i - 16, 0)] {
                    if varies_with_nonce(j) {
                        sum = sum.wrapping_add(match sigma {
                            1 => small_sigma1(w[j]),
                            2 => small_sigma0(w[j]),
                            _ => w[j],
                        });
                    }
                }
                assert_eq!(sum, w[i], "word {i}");
            }
            let rest = |i: usize| small_sigma1(w[i - 2]).wrapping_add(w[i - 7]);
            assert_eq!(job.w16_19_rest, [rest(16), rest(17), rest(18), rest(19)]);
            let partial = |i: usize| {
                w[i - 16]
                    .wrapping_add(small_sigma0(w[i - 15]))
                    .wrapping_add(w[i - 7])
            };
            assert_eq!(
                job.w20_23_partial,
                [partial(20), partial(21), partial(22), partial(23)]
            );
            let msg1 = |i: usize| w[i - 16].wrapping_add(small_sigma0(w[i - 15]));
            assert_eq!(job.w28_31_msg1, [msg1(28), msg1(29), msg1(30), msg1(31)]);
        }
    }
}
