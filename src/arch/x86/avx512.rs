//! AVX-512 kernel: sixteen nonces (or sixteen 64-byte messages) per step,
//! in the sixteen 32-bit lanes of a 512-bit ZMM register. The SHA-256
//! arithmetic is [`lanes`](crate::arch::lanes); this module supplies the
//! vector type, with AVX-512's own rotate (`vprord`) for every rotation and
//! its three-input logic (`vpternlogd`) for Ch, Maj and the three-way XOR
//! of each sigma.
//!
//! It needs AVX-512F only: the byte swap, which AVX-512BW's `vpshufb` would
//! do in one instruction, is two rotations and a bit select here; it runs
//! twice per step, against about three thousand other instructions.

#![allow(unsafe_code)]

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use crate::arch::lanes::{self, Lanes};
use crate::arch::{Candidates, JobData, KernelImpl};
use crate::sha256::Shape;

/// Proof that this CPU supports the kernel's instructions and that the OS
/// saves the opmask and ZMM registers (see [`super`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Avx512(());

impl KernelImpl for Avx512 {
    fn detect() -> Option<Self> {
        super::has_avx512::get().then_some(Avx512(()))
    }

    fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
        // SAFETY: holding `self` proves the CPU supports AVX-512F and the
        // OS saves its registers.
        unsafe { scan(job, start, count) }
    }

    fn hash_many(self, messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
        // SAFETY: holding `self` proves the CPU supports AVX-512F and the
        // OS saves its registers.
        unsafe { hash_many(messages, shape, double, out) }
    }
}

#[target_feature(enable = "avx512f")]
unsafe fn scan(job: &JobData, start: u32, count: u64) -> Option<Candidates> {
    lanes::scan::<Lanes16>(job, start, count)
}

#[target_feature(enable = "avx512f")]
unsafe fn hash_many(messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
    lanes::hash_many::<Lanes16>(messages, shape, double, out);
}

/// Sixteen 32-bit lanes.
///
/// Private to this module and only ever created inside the
/// `#[target_feature(enable = "avx512f")]` functions above, whose callers
/// hold an [`Avx512`] token: that is what makes the AVX-512F intrinsics in
/// its safe methods sound. The methods are always inlined into those
/// functions, so they compile to single AVX-512 instructions.
#[derive(Clone, Copy)]
struct Lanes16(__m512i);

lanes::lane_operators!(Lanes16: _mm512_add_epi32, _mm512_xor_si512, _mm512_and_si512, _mm512_or_si512);

// `vpternlogd` truth tables, shared with the AVX-512VL kernel: bit
// `4a + 2b + c` of the immediate is the result for the bits `a`, `b`, `c`
// of the first, second and third operand.

/// `a ^ b ^ c`.
pub(super) const XOR3: i32 = 0x96;
/// `a ? b : c`: SHA-256's Ch, and a bit select.
pub(super) const CHOOSE: i32 = 0xca;
/// At least two of `a`, `b`, `c`: SHA-256's Maj.
pub(super) const MAJORITY: i32 = 0xe8;

impl Lanes for Lanes16 {
    const COUNT: usize = 16;
    type Array = [u32; 16];

    #[inline(always)]
    fn splat(x: u32) -> Self {
        // SAFETY: AVX-512F is available (see `Lanes16`). The cast keeps
        // the bits.
        Lanes16(unsafe { _mm512_set1_epi32(x as i32) })
    }

    #[inline(always)]
    fn from_array(lanes: [u32; 16]) -> Self {
        // SAFETY: AVX-512F is available (see `Lanes16`); the unaligned
        // load reads exactly the 64 bytes of `lanes`.
        Lanes16(unsafe { _mm512_loadu_si512(lanes.as_ptr().cast()) })
    }

    #[inline(always)]
    fn to_array(self) -> [u32; 16] {
        let mut lanes = [0u32; 16];
        // SAFETY: AVX-512F is available (see `Lanes16`); the unaligned
        // store writes exactly the 64 bytes of `lanes`.
        unsafe { _mm512_storeu_si512(lanes.as_mut_ptr().cast(), self.0) };
        lanes
    }

    // `_mm512_srli_epi32` takes its count as a `u32` const parameter,
    // which stable Rust cannot compute from `N`; a shift by a vector of
    // equal constant counts compiles to the same `vpsrld`/`vpslld` with an
    // immediate.

    #[inline(always)]
    fn shr<const N: i32>(self) -> Self {
        // SAFETY: AVX-512F is available (see `Lanes16`).
        Lanes16(unsafe { _mm512_srlv_epi32(self.0, _mm512_set1_epi32(N)) })
    }

    #[inline(always)]
    fn shl<const N: i32>(self) -> Self {
        // SAFETY: AVX-512F is available (see `Lanes16`).
        Lanes16(unsafe { _mm512_sllv_epi32(self.0, _mm512_set1_epi32(N)) })
    }

    #[inline(always)]
    fn rotr<const R: i32, const L: i32>(self) -> Self {
        // SAFETY: AVX-512F is available (see `Lanes16`).
        Lanes16(unsafe { _mm512_ror_epi32::<R>(self.0) })
    }

    #[inline(always)]
    fn xor3(a: Self, b: Self, c: Self) -> Self {
        // SAFETY: AVX-512F is available (see `Lanes16`).
        Lanes16(unsafe { _mm512_ternarylogic_epi32::<XOR3>(a.0, b.0, c.0) })
    }

    #[inline(always)]
    fn ch(e: Self, f: Self, g: Self) -> Self {
        // SAFETY: AVX-512F is available (see `Lanes16`).
        Lanes16(unsafe { _mm512_ternarylogic_epi32::<CHOOSE>(e.0, f.0, g.0) })
    }

    #[inline(always)]
    fn maj(a: Self, b: Self, c: Self) -> Self {
        // SAFETY: AVX-512F is available (see `Lanes16`).
        Lanes16(unsafe { _mm512_ternarylogic_epi32::<MAJORITY>(a.0, b.0, c.0) })
    }

    #[inline(always)]
    fn swap_bytes(self) -> Self {
        // Bytes 3 2 1 0 (most significant first) become 0 1 2 3. Rotating
        // right by 8 moves bytes 0 and 2 to where they belong (bits 24..32
        // and 8..16), rotating left by 8 moves bytes 1 and 3; a bit select
        // takes each byte from the rotation that placed it.
        let right = self.rotr::<8, 24>();
        let left = self.rotr::<24, 8>();
        Lanes16::ch(Lanes16::splat(0xff00_ff00), right, left)
    }

    #[inline(always)]
    fn le_mask(self, bound: Self) -> u32 {
        // SAFETY: AVX-512F is available (see `Lanes16`). The unsigned
        // comparison writes one opmask bit per lane.
        let mask: __mmask16 = unsafe { _mm512_cmple_epu32_mask(self.0, bound.0) };
        u32::from(mask)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[target_feature(enable = "avx512f")]
    unsafe fn lane_operations() {
        lanes::checks::lane_operations::<Lanes16>();
    }

    #[test]
    fn lane_operations_match_u32() {
        // Skipped where the CPU lacks AVX-512F (`.ci/miri.sh` runs it in an
        // interpreter that has it).
        if <Avx512 as KernelImpl>::detect().is_none() {
            return;
        }
        // SAFETY: the CPU and OS support AVX-512F, as just checked.
        unsafe { lane_operations() }
    }

    /// The truth tables against the plain formulas, on every input bit
    /// combination (the tables are written in hex, easy to get wrong).
    #[test]
    fn truth_tables() {
        for bits in 0..8u32 {
            let (a, b, c) = ((bits >> 2) & 1, (bits >> 1) & 1, bits & 1);
            let table = |imm: i32| ((imm as u32) >> bits) & 1;
            assert_eq!(table(XOR3), a ^ b ^ c);
            assert_eq!(table(CHOOSE), (a & b) | (!a & 1 & c));
            assert_eq!(table(MAJORITY), (a & b) | (a & c) | (b & c));
        }
    }
}
