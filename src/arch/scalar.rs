//! Portable scalar kernel: one nonce at a time, in plain Rust, on every
//! target. It is the reference every other kernel must equal.
//!
//! The rounds are the SHA-256 core's ([`rounds!`]), run from the job's
//! precomputed round 4 and stopped after round 60 of the second hash.

use super::{Candidates, JobData, KernelImpl, candidate_bits, scan_in_steps};
use crate::sha256::compress::{kw_rounds, round, rounds, slot};
use crate::sha256::{self, DIGEST_BLOCK, DIGEST_KW, HEADER_BLOCK, HEADER_KW, IV, Shape};

// The rolled search of the `compact-scalar` feature; always compiled for
// tests, which check it against `last_state_word` below.
#[cfg(any(feature = "compact-scalar", test))]
mod compact;

/// The scalar kernel's token: always available.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Scalar;

impl KernelImpl for Scalar {
    fn detect() -> Option<Self> {
        Some(Scalar)
    }

    fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
        #[cfg(feature = "compact-scalar")]
        use compact::last_state_word as last_word;
        #[cfg(not(feature = "compact-scalar"))]
        use last_state_word as last_word;
        scan_in_steps!(start, count, 1, |nonce| {
            candidate_bits(&[last_word(job, nonce)], job.target_top)
        })
    }

    fn hash_many(self, messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
        sha256::hash_many(messages, shape, double, out);
    }
}

/// The last state word of the final hash of a header with this nonce.
///
/// It decides the top 32 bits of the hash read as a little-endian number, so
/// it alone rejects almost every nonce. The first hash starts after the
/// nonce-independent rounds 0..=3 stored in the job; the second stops after
/// round 60, because rounds 61..=63 only move that round's `e` into `h`.
/// Not inlined: inlined into a loop over nonces, the compiler vectorizes
/// that loop with SSE2 and spills most of it to the stack.
#[cfg_attr(feature = "compact-scalar", allow(dead_code))]
#[inline(never)]
pub(crate) fn last_state_word(job: &JobData, nonce: u32) -> u32 {
    let w3 = nonce.swap_bytes();

    let mut w = [0u32; 64];
    w[..16].copy_from_slice(&HEADER_BLOCK);
    w[..3].copy_from_slice(&job.tail);
    w[3] = w3;

    // State at the start of round 4, placed in the slots round 4 expects.
    let [a, b, c, _, e, f, g, _] = job.state3;
    let mut s = [0u32; 8];
    s[slot(0, 4)] = job.round3_a.wrapping_add(w3);
    s[slot(1, 4)] = a;
    s[slot(2, 4)] = b;
    s[slot(3, 4)] = c;
    s[slot(4, 4)] = job.round3_e.wrapping_add(w3);
    s[slot(5, 4)] = e;
    s[slot(6, 4)] = f;
    s[slot(7, 4)] = g;
    // Words 4..=15 are the padding: `K + W` from the core's table.
    kw_rounds!(&mut s, &HEADER_KW; 4 5 6 7 8 9 10 11 12 13 14 15);
    // w16 and w17 are precomputed: skip their expansion.
    w[16] = job.w16;
    w[17] = job.w17;
    let mut b_xor_c = s[slot(1, 16)] ^ s[slot(2, 16)];
    let [kw16, kw17] = job.kw_16_17;
    round(&mut s, 16, kw16, &mut b_xor_c);
    round(&mut s, 17, kw17, &mut b_xor_c);
    rounds!(&mut s, &mut w; 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    rounds!(&mut s, &mut w; 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47);
    rounds!(&mut s, &mut w; 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63);
    let mut digest = job.midstate;
    for (h, v) in digest.iter_mut().zip(s) {
        *h = h.wrapping_add(v);
    }

    let mut w = [0u32; 64];
    w[..16].copy_from_slice(&DIGEST_BLOCK);
    w[..8].copy_from_slice(&digest);
    let mut s = IV;
    rounds!(&mut s, &mut w; 0 1 2 3 4 5 6 7);
    kw_rounds!(&mut s, &DIGEST_KW; 8 9 10 11 12 13 14 15);
    rounds!(&mut s, &mut w; 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    rounds!(&mut s, &mut w; 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47);
    rounds!(&mut s, &mut w; 48 49 50 51 52 53 54 55 56 57 58 59 60);
    IV[7].wrapping_add(s[slot(4, 61)])
}
