//! AVX2 kernel: eight nonces (or eight 64-byte messages) per step, in the
//! eight 32-bit lanes of a 256-bit register. The SHA-256 arithmetic is
//! [`crate::arch::lanes`]; this module supplies the vector type.

#![allow(unsafe_code)]

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use crate::arch::lanes::{self, Lanes};
use crate::arch::{Candidates, JobData, KernelImpl};
use crate::sha256::Shape;

/// Proof that this CPU supports the kernel's instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Avx2(());

impl KernelImpl for Avx2 {
    fn detect() -> Option<Self> {
        super::has_avx2::get().then_some(Avx2(()))
    }

    fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
        // SAFETY: holding `self` proves the CPU and OS support AVX2.
        unsafe { scan(job, start, count) }
    }

    fn hash_many(self, messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
        // SAFETY: holding `self` proves the CPU and OS support AVX2.
        unsafe { hash_many(messages, shape, double, out) }
    }
}

#[target_feature(enable = "avx2")]
unsafe fn scan(job: &JobData, start: u32, count: u64) -> Option<Candidates> {
    lanes::scan::<Lanes8>(job, start, count)
}

#[target_feature(enable = "avx2")]
unsafe fn hash_many(messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
    lanes::hash_many::<Lanes8>(messages, shape, double, out);
}

/// Eight 32-bit lanes.
///
/// Private to this module and only ever created inside the
/// `#[target_feature(enable = "avx2")]` functions above, whose callers hold
/// an [`Avx2`] token: that is what makes the AVX2 intrinsics in its safe
/// methods sound. The methods are always inlined into those functions, so
/// they compile to single AVX2 instructions.
#[derive(Clone, Copy)]
struct Lanes8(__m256i);

lanes::lane_operators!(Lanes8: _mm256_add_epi32, _mm256_xor_si256, _mm256_and_si256, _mm256_or_si256);

impl Lanes for Lanes8 {
    const COUNT: usize = 8;
    /// Measured on a KVM guest on AMD Zen 3 (`examples/bench`, five
    /// alternating pairs of 2 s runs): the loop 9.4-10.7 MH/s, unrolled
    /// 8.6-10.5, the loop ahead in every pair. The unrolled step is about
    /// 6,300 instructions, past what the op cache holds. Measured again
    /// later on the same guest, with instruction counts from callgrind: the
    /// loop executes 860 instructions per nonce and the unrolled form 743,
    /// yet over eight alternating runs of 60 searches each the best runs
    /// were 13.7 and 14.1 MH/s and the medians 10.1 and 10.2. A middle form
    /// (rounds 16..=31 of both hashes and the second hash's 48..=60
    /// unrolled, 757 per nonce) measured 14.0 and 9.6. The loop runs at
    /// about 3.6 instructions per cycle, the unrolled form at 3.2.
    const LOOP_LATE_ROUNDS: bool = true;
    type Array = [u32; 8];

    #[inline(always)]
    fn splat(x: u32) -> Self {
        // SAFETY: AVX is available (see `Lanes8`). The cast keeps the bits.
        Lanes8(unsafe { _mm256_set1_epi32(x as i32) })
    }

    #[inline(always)]
    fn from_array(lanes: [u32; 8]) -> Self {
        // SAFETY: AVX is available (see `Lanes8`); the unaligned load reads
        // exactly the 32 bytes of `lanes`.
        Lanes8(unsafe { _mm256_loadu_si256(lanes.as_ptr().cast()) })
    }

    #[inline(always)]
    fn to_array(self) -> [u32; 8] {
        let mut lanes = [0u32; 8];
        // SAFETY: AVX is available (see `Lanes8`); the unaligned store
        // writes exactly the 32 bytes of `lanes`.
        unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), self.0) };
        lanes
    }

    #[inline(always)]
    fn shr<const N: i32>(self) -> Self {
        // SAFETY: AVX2 is available (see `Lanes8`).
        Lanes8(unsafe { _mm256_srli_epi32::<N>(self.0) })
    }

    #[inline(always)]
    fn shl<const N: i32>(self) -> Self {
        // SAFETY: AVX2 is available (see `Lanes8`).
        Lanes8(unsafe { _mm256_slli_epi32::<N>(self.0) })
    }

    #[inline(always)]
    fn swap_bytes(self) -> Self {
        // SAFETY: AVX2 is available (see `Lanes8`). The shuffle reverses
        // the bytes of each 32-bit lane, within each 128-bit half.
        Lanes8(unsafe {
            let reverse = _mm256_setr_epi8(
                3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, //
                3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
            );
            _mm256_shuffle_epi8(self.0, reverse)
        })
    }

    #[inline(always)]
    fn le_mask(self, bound: Self) -> u32 {
        // SAFETY: AVX2 is available (see `Lanes8`). `x <= bound` unsigned
        // exactly when `min(x, bound) == x`; the sign bits of the all-ones
        // or all-zeros comparison lanes make the mask.
        let mask = unsafe {
            let le = _mm256_cmpeq_epi32(_mm256_min_epu32(self.0, bound.0), self.0);
            _mm256_movemask_ps(_mm256_castsi256_ps(le))
        };
        // Only the low eight bits can be set.
        mask as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[target_feature(enable = "avx2")]
    unsafe fn lane_operations() {
        lanes::checks::lane_operations::<Lanes8>();
    }

    #[test]
    fn lane_operations_match_u32() {
        // Skipped where the CPU lacks AVX2 (`.ci/miri.sh` runs it in an
        // interpreter that has it).
        if Avx2::detect().is_none() {
            return;
        }
        // SAFETY: the CPU and OS support AVX2, as just checked.
        unsafe { lane_operations() }
    }
}
