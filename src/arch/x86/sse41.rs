//! SSE4.1 kernel: four nonces (or four 64-byte messages) per step, in the
//! four 32-bit lanes of a 128-bit register. The SHA-256 arithmetic is
//! [`crate::arch::lanes`]; this module supplies the vector type.
//!
//! Most operations are SSE2. Since Rust 1.87 an SSE2 intrinsic is a safe
//! call wherever SSE2 is enabled, as it always is on x86-64, but the crate
//! supports Rust 1.85 where every intrinsic is `unsafe`: the `unsafe` blocks
//! around SSE2 intrinsics are required there and allowed to be unused here.

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
pub(crate) struct Sse41(());

impl KernelImpl for Sse41 {
    fn detect() -> Option<Self> {
        super::has_sse41::get().then_some(Sse41(()))
    }

    fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
        // SAFETY: holding `self` proves the CPU supports SSE2, SSSE3 and
        // SSE4.1.
        unsafe { scan(job, start, count) }
    }

    fn hash_many(self, messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
        // SAFETY: holding `self` proves the CPU supports SSE2, SSSE3 and
        // SSE4.1.
        unsafe { hash_many(messages, shape, double, out) }
    }
}

#[target_feature(enable = "sse2,ssse3,sse4.1")]
unsafe fn scan(job: &JobData, start: u32, count: u64) -> Option<Candidates> {
    lanes::scan::<Lanes4>(job, start, count)
}

#[target_feature(enable = "sse2,ssse3,sse4.1")]
unsafe fn hash_many(messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
    lanes::hash_many::<Lanes4>(messages, shape, double, out);
}

/// Four 32-bit lanes.
///
/// Private to this module and only ever created inside the
/// `#[target_feature]` functions above, whose callers hold an [`Sse41`]
/// token: that is what makes the SSE intrinsics in its safe methods sound.
/// The methods are always inlined into those functions, so they compile to
/// single SSE instructions.
#[derive(Clone, Copy)]
struct Lanes4(__m128i);

lanes::lane_operators!(Lanes4: _mm_add_epi32, _mm_xor_si128, _mm_and_si128, _mm_or_si128);

impl Lanes for Lanes4 {
    const COUNT: usize = 4;
    const LOOP_LATE_ROUNDS: bool = true;
    type Array = [u32; 4];

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn splat(x: u32) -> Self {
        // SAFETY: SSE2 is available (see `Lanes4`). The cast keeps the bits.
        Lanes4(unsafe { _mm_set1_epi32(x as i32) })
    }

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn from_array(lanes: [u32; 4]) -> Self {
        // SAFETY: SSE2 is available (see `Lanes4`); the unaligned load
        // reads exactly the 16 bytes of `lanes`.
        Lanes4(unsafe { _mm_loadu_si128(lanes.as_ptr().cast()) })
    }

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn to_array(self) -> [u32; 4] {
        let mut lanes = [0u32; 4];
        // SAFETY: SSE2 is available (see `Lanes4`); the unaligned store
        // writes exactly the 16 bytes of `lanes`.
        unsafe { _mm_storeu_si128(lanes.as_mut_ptr().cast(), self.0) };
        lanes
    }

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn shr<const N: i32>(self) -> Self {
        // SAFETY: SSE2 is available (see `Lanes4`).
        Lanes4(unsafe { _mm_srli_epi32::<N>(self.0) })
    }

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn shl<const N: i32>(self) -> Self {
        // SAFETY: SSE2 is available (see `Lanes4`).
        Lanes4(unsafe { _mm_slli_epi32::<N>(self.0) })
    }

    #[inline(always)]
    fn swap_bytes(self) -> Self {
        // SAFETY: SSSE3 is available (see `Lanes4`). The shuffle reverses
        // the bytes of each 32-bit lane.
        Lanes4(unsafe {
            let reverse = _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
            _mm_shuffle_epi8(self.0, reverse)
        })
    }

    #[inline(always)]
    fn le_mask(self, bound: Self) -> u32 {
        // SAFETY: SSE4.1 is available (see `Lanes4`). `x <= bound` unsigned
        // exactly when `min(x, bound) == x`; the sign bits of the all-ones
        // or all-zeros comparison lanes make the mask.
        let mask = unsafe {
            let le = _mm_cmpeq_epi32(_mm_min_epu32(self.0, bound.0), self.0);
            _mm_movemask_ps(_mm_castsi128_ps(le))
        };
        // Only the low four bits can be set.
        mask as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[target_feature(enable = "sse2,ssse3,sse4.1")]
    unsafe fn lane_operations() {
        lanes::checks::lane_operations::<Lanes4>();
    }

    #[test]
    fn lane_operations_match_u32() {
        // Skipped where the CPU lacks SSE4.1 (`.ci/miri.sh` runs it in an
        // interpreter that has it).
        if Sse41::detect().is_none() {
            return;
        }
        // SAFETY: the CPU and OS support SSE4.1, as just checked.
        unsafe { lane_operations() }
    }
}
