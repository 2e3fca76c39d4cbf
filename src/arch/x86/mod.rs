//! x86 and x86-64 kernels.
//!
//! Detection uses `cpufeatures`, which works without `std`, caches its
//! CPUID reads, and for AVX2 also checks with XGETBV that the OS saves the
//! YMM registers.

pub(crate) mod avx2;
pub(crate) mod sha_ni;
pub(crate) mod sse41;

cpufeatures::new!(has_sse41, "sse2", "ssse3", "sse4.1");
cpufeatures::new!(has_avx2, "avx", "avx2");
cpufeatures::new!(has_sha_ni, "sha", "sse2", "ssse3", "sse4.1");
