//! AVX-512VL kernel: eight nonces (or eight 64-byte messages) per step, in
//! 256-bit YMM registers, with AVX-512's instructions at that width: `vprord`
//! for every rotation and `vpternlogd` for Ch, Maj and the three-way XOR of
//! each sigma, and 32 vector registers instead of AVX2's 16. The SHA-256
//! arithmetic is [`lanes`](crate::arch::lanes).
//!
//! The same work as the [`avx512`](super::avx512) kernel in half-width
//! instructions: for CPUs where 512-bit instructions cost more than twice
//! as much, or lower the clock (see the README's kernel table).

#![allow(unsafe_code)]

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use super::avx512::{CHOOSE, MAJORITY, XOR3};
use crate::arch::lanes::{self, Lanes};
use crate::arch::{Candidates, JobData, KernelImpl};
use crate::sha256::Shape;

/// Proof that this CPU supports the kernel's instructions and that the OS
/// saves the opmask and ZMM registers (see [`super`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Avx512Vl(());

impl KernelImpl for Avx512Vl {
    fn detect() -> Option<Self> {
        super::has_avx512vl::get().then_some(Avx512Vl(()))
    }

    fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
        // SAFETY: holding `self` proves the CPU supports AVX2, AVX-512F and
        // AVX-512VL and the OS saves their registers.
        unsafe { scan(job, start, count) }
    }

    fn hash_many(self, messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
        // SAFETY: holding `self` proves the CPU supports AVX2, AVX-512F and
        // AVX-512VL and the OS saves their registers.
        unsafe { hash_many(messages, shape, double, out) }
    }
}

#[target_feature(enable = "avx2,avx512f,avx512vl")]
unsafe fn scan(job: &JobData, start: u32, count: u64) -> Option<Candidates> {
    lanes::scan::<Lanes8>(job, start, count)
}

#[target_feature(enable = "avx2,avx512f,avx512vl")]
unsafe fn hash_many(messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
    lanes::hash_many::<Lanes8>(messages, shape, double, out);
}

/// Eight 32-bit lanes.
///
/// Private to this module and only ever created inside the
/// `#[target_feature(enable = "avx2,avx512f,avx512vl")]` functions above,
/// whose callers hold an [`Avx512Vl`] token: that is what makes the
/// intrinsics in its safe methods sound. The methods are always inlined into
/// those functions, so they compile to single instructions.
#[derive(Clone, Copy)]
struct Lanes8(__m256i);

lanes::lane_operators!(Lanes8: _mm256_add_epi32, _mm256_xor_si256, _mm256_and_si256, _mm256_or_si256);

impl Lanes for Lanes8 {
    const COUNT: usize = 8;
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
    fn rotr<const R: i32, const L: i32>(self) -> Self {
        // SAFETY: AVX-512F and AVX-512VL are available (see `Lanes8`).
        Lanes8(unsafe { _mm256_ror_epi32::<R>(self.0) })
    }

    #[inline(always)]
    fn xor3(a: Self, b: Self, c: Self) -> Self {
        // SAFETY: AVX-512F and AVX-512VL are available (see `Lanes8`).
        Lanes8(unsafe { _mm256_ternarylogic_epi32::<XOR3>(a.0, b.0, c.0) })
    }

    #[inline(always)]
    fn ch(e: Self, f: Self, g: Self) -> Self {
        // SAFETY: AVX-512F and AVX-512VL are available (see `Lanes8`).
        Lanes8(unsafe { _mm256_ternarylogic_epi32::<CHOOSE>(e.0, f.0, g.0) })
    }

    #[inline(always)]
    fn maj(a: Self, b: Self, c: Self) -> Self {
        // SAFETY: AVX-512F and AVX-512VL are available (see `Lanes8`).
        Lanes8(unsafe { _mm256_ternarylogic_epi32::<MAJORITY>(a.0, b.0, c.0) })
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
        // SAFETY: AVX-512F and AVX-512VL are available (see `Lanes8`). The
        // unsigned comparison writes one opmask bit per lane.
        let mask: __mmask8 = unsafe { _mm256_cmple_epu32_mask(self.0, bound.0) };
        u32::from(mask)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[target_feature(enable = "avx2,avx512f,avx512vl")]
    unsafe fn lane_operations() {
        lanes::checks::lane_operations::<Lanes8>();
    }

    #[test]
    fn lane_operations_match_u32() {
        // Skipped where the CPU lacks AVX-512VL (`.ci/miri.sh` runs it in an
        // interpreter that has it).
        if <Avx512Vl as KernelImpl>::detect().is_none() {
            return;
        }
        // SAFETY: the CPU and OS support AVX-512VL, as just checked.
        unsafe { lane_operations() }
    }
}
