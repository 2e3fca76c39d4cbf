//! Kernels: one module per instruction set.
//!
//! Every kernel offers the same two operations, reached only through
//! [`Engine`](crate::Engine):
//! - `scan`: find the next batch of nonce candidates (see
//!   [`Candidates`](crate::search::Candidates)), rejecting on the last state
//!   word of the final hash;
//! - `sha256d_64_batch`: SHA-256d of many 64-byte inputs.
//!
//! SIMD kernels are zero-sized tokens whose constructor `detect()` returns
//! `None` unless the CPU and OS support the instructions, so holding one is
//! the proof that calling its `#[target_feature]` code is sound.

#[cfg(any(
    target_arch = "x86",
    target_arch = "x86_64",
    all(target_arch = "aarch64", target_feature = "neon")
))]
pub(crate) mod lanes;
pub(crate) mod scalar;

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
pub(crate) mod x86;

// Not on `aarch64-unknown-none-softfloat` and the like, whose ABI keeps
// floating-point and vector registers out of use.
#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
pub(crate) mod aarch64;
