//! NEON kernel: four nonces (or four 64-byte messages) per step, in the
//! four 32-bit lanes of a 128-bit register, for AArch64 cores without the
//! SHA-2 extension. The SHA-256 arithmetic is
//! [`crate::arch::lanes`]; this module supplies the vector type.
//!
//! A rotation is two instructions instead of three: a shift left, then SRI
//! (shift right and insert) puts the right-shifted value under the bits the
//! left shift kept.
//!
//! Since Rust 1.87 a NEON intrinsic that does not touch memory is a safe
//! call wherever NEON is enabled, as it is at compile time on every target
//! this kernel is built for, but the crate supports Rust 1.85 where every
//! intrinsic is `unsafe`: the `unsafe` blocks around them are required there
//! and allowed to be unused here.

#![allow(unsafe_code)]

use core::arch::aarch64::*;

use crate::arch::lanes::{self, Lanes};
use crate::arch::{Candidates, JobData, KernelImpl};
use crate::sha256::Shape;

/// Proof that this CPU supports the kernel's instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Neon(());

impl KernelImpl for Neon {
    /// Always available: this module is compiled only where NEON is
    /// enabled at compile time (see the [parent module](super)).
    fn detect() -> Option<Self> {
        Some(Neon(()))
    }

    fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
        // SAFETY: holding `self` proves the CPU supports NEON.
        unsafe { scan(job, start, count) }
    }

    fn hash_many(self, messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
        // SAFETY: holding `self` proves the CPU supports NEON.
        unsafe { hash_many(messages, shape, double, out) }
    }
}

#[target_feature(enable = "neon")]
unsafe fn scan(job: &JobData, start: u32, count: u64) -> Option<Candidates> {
    lanes::scan::<Lanes4>(job, start, count)
}

#[target_feature(enable = "neon")]
unsafe fn hash_many(messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
    lanes::hash_many::<Lanes4>(messages, shape, double, out);
}

/// Four 32-bit lanes.
///
/// Private to this module and only ever created inside the
/// `#[target_feature]` functions above, whose callers hold a [`Neon`]
/// token: that is what makes the NEON intrinsics in its safe methods sound.
/// The methods are always inlined into those functions, so they compile to
/// single NEON instructions.
#[derive(Clone, Copy)]
struct Lanes4(uint32x4_t);

lanes::lane_operators!(Lanes4: vaddq_u32, veorq_u32, vandq_u32, vorrq_u32);

impl Lanes for Lanes4 {
    const COUNT: usize = 4;
    type Array = [u32; 4];

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn splat(x: u32) -> Self {
        // SAFETY: NEON is available (see `Lanes4`).
        Lanes4(unsafe { vdupq_n_u32(x) })
    }

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn from_array(lanes: [u32; 4]) -> Self {
        // SAFETY: NEON is available (see `Lanes4`); the load reads exactly
        // the four `u32`s of `lanes`.
        Lanes4(unsafe { vld1q_u32(lanes.as_ptr()) })
    }

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn to_array(self) -> [u32; 4] {
        let mut lanes = [0u32; 4];
        // SAFETY: NEON is available (see `Lanes4`); the store writes
        // exactly the four `u32`s of `lanes`.
        unsafe { vst1q_u32(lanes.as_mut_ptr(), self.0) };
        lanes
    }

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn shr<const N: i32>(self) -> Self {
        // SAFETY: NEON is available (see `Lanes4`); `0 < N < 32` is in the
        // instruction's range (checked at compile time).
        Lanes4(unsafe { vshrq_n_u32::<N>(self.0) })
    }

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn shl<const N: i32>(self) -> Self {
        // SAFETY: NEON is available (see `Lanes4`); `0 < N < 32` is in the
        // instruction's range (checked at compile time).
        Lanes4(unsafe { vshlq_n_u32::<N>(self.0) })
    }

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn rotr<const R: i32, const L: i32>(self) -> Self {
        // SAFETY: NEON is available (see `Lanes4`). SRI by `R` keeps the top
        // `R` bits of `x << L` (with `L = 32 - R`, the low bits of `x`
        // rotated up) and fills the rest with `x >> R`.
        Lanes4(unsafe { vsriq_n_u32::<R>(vshlq_n_u32::<L>(self.0), self.0) })
    }

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn swap_bytes(self) -> Self {
        // SAFETY: NEON is available (see `Lanes4`). REV32 reverses the bytes
        // of each 32-bit lane.
        Lanes4(unsafe { vreinterpretq_u32_u8(vrev32q_u8(vreinterpretq_u8_u32(self.0))) })
    }

    #[inline(always)]
    #[allow(unused_unsafe)]
    fn le_mask(self, bound: Self) -> u32 {
        const LANE_BITS: [u32; 4] = [1, 2, 4, 8];
        // SAFETY: NEON is available (see `Lanes4`); the load reads exactly
        // the four `u32`s of `LANE_BITS`. Each comparison lane is all ones
        // or zero, so keeping lane `i`'s bit and adding across the lanes
        // gives the mask.
        unsafe {
            let le = vcleq_u32(self.0, bound.0);
            vaddvq_u32(vandq_u32(le, vld1q_u32(LANE_BITS.as_ptr())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[target_feature(enable = "neon")]
    unsafe fn lane_operations() {
        lanes::checks::lane_operations::<Lanes4>();
    }

    #[test]
    fn lane_operations_match_u32() {
        // NEON is part of every target this module is compiled for, but
        // the kernel's token is the proof the rest of the crate relies on.
        if Neon::detect().is_none() {
            return;
        }
        // SAFETY: the CPU supports NEON, as just checked.
        unsafe { lane_operations() }
    }
}
