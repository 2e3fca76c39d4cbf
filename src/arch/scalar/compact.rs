//! The scalar nonce search of the `compact-scalar` feature: the same
//! computation as the unrolled [`last_state_word`](super::last_state_word),
//! through the rolled rounds of [`sha256::rolled`](crate::sha256::rolled).
//! It starts from the job's precomputed round 4 and stops the second hash
//! after round 60, as the unrolled form does, but expands schedule words 16
//! and 17 itself (two loop iterations cost less code than a special case).
//!
//! Compiled for the feature, and always for tests, where it is checked
//! against the unrolled form.

use super::JobData;
use crate::sha256::rolled::rounds;
use crate::sha256::{DIGEST_BLOCK, HEADER_BLOCK, IV};

/// The last state word of the final hash of a header with this nonce: see
/// [`super::last_state_word`].
#[inline(never)]
pub(crate) fn last_state_word(job: &JobData, nonce: u32) -> u32 {
    let w3 = nonce.swap_bytes();
    let mut w = HEADER_BLOCK;
    w[..3].copy_from_slice(&job.tail);
    w[3] = w3;
    // The state at the start of round 4, in order `a..h`.
    let [a, b, c, _, e, f, g, _] = job.state3;
    let mut s = [
        job.round3_a.wrapping_add(w3),
        a,
        b,
        c,
        job.round3_e.wrapping_add(w3),
        e,
        f,
        g,
    ];
    rounds(&mut s, &mut w, 4, 64);

    let mut block = DIGEST_BLOCK;
    for ((word, h), v) in block.iter_mut().zip(job.midstate).zip(s) {
        *word = h.wrapping_add(v);
    }
    let mut s = IV;
    // After round 60, `e` is what rounds 61..=63 would move into `h`.
    rounds(&mut s, &mut block, 0, 61);
    IV[7].wrapping_add(s[4])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(miri)]
    const CASES: u32 = 2;
    #[cfg(not(miri))]
    const CASES: u32 = 300;

    /// The compact and the unrolled search compute the same word for
    /// varied jobs and nonces (the nonces include both ends of the range).
    #[test]
    fn compact_equals_unrolled() {
        let mut x = 0x0123_4567_u32;
        let mut next = || {
            // xorshift32: varied inputs, nothing more.
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for case in 0..CASES {
            let midstate: [u32; 8] = core::array::from_fn(|_| next());
            let tail = [next(), next(), next()];
            let job = JobData::new(midstate, tail, next());
            for nonce in [0, u32::MAX, case, next()] {
                assert_eq!(
                    last_state_word(&job, nonce),
                    super::super::last_state_word(&job, nonce),
                    "case {case}, nonce {nonce:#x}"
                );
            }
        }
    }
}
