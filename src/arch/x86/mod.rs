//! x86 and x86-64 kernels.
//!
//! Detection uses `cpufeatures`, which works without `std`, caches its
//! CPUID reads, and for AVX2 also checks with XGETBV that the OS saves the
//! YMM registers. For every AVX-512 feature it checks that XCR0 has bits 1,
//! 2, 5, 6 and 7 set (mask `0b1110_0110`): the OS saves the SSE, AVX,
//! opmask, upper-ZMM and high-ZMM register state, without which an AVX-512
//! instruction faults even on a CPU that has it (see `src/x86.rs` of
//! cpufeatures 0.3, <https://github.com/RustCrypto/utils/tree/master/cpufeatures>,
//! and the Intel SDM, volume 1, section 15.2).

pub(crate) mod avx2;
pub(crate) mod avx512;
pub(crate) mod avx512vl;
pub(crate) mod sha_ni;
pub(crate) mod sse41;

cpufeatures::new!(has_sse2, "sse2");
cpufeatures::new!(has_sse41, "sse2", "ssse3", "sse4.1");
cpufeatures::new!(has_avx2, "avx", "avx2");
cpufeatures::new!(has_sha_ni, "sha", "sse2", "ssse3", "sse4.1");
cpufeatures::new!(has_avx512, "avx512f");
cpufeatures::new!(has_avx512vl, "avx", "avx2", "avx512f", "avx512vl");

/// The time stamp counter, read after the instructions before it retire
/// and before the ones after it start: what the engine and the SHA-NI
/// kernel time their choices with. `None` under Miri, which has none.
pub(crate) fn ticks() -> Option<u64> {
    #[cfg(target_arch = "x86")]
    use core::arch::x86::{_mm_lfence, _rdtsc};
    #[cfg(target_arch = "x86_64")]
    use core::arch::x86_64::{_mm_lfence, _rdtsc};
    if cfg!(miri) {
        return None;
    }
    // SAFETY: RDTSC exists on every x86 CPU since the Pentium. LFENCE needs
    // SSE2, which every x86-64 CPU has; on 32-bit x86 it is only executed
    // when detection found SSE2.
    #[allow(unsafe_code)]
    unsafe {
        let fence = cfg!(target_arch = "x86_64") || has_sse2::get();
        if fence {
            _mm_lfence();
        }
        let t = _rdtsc();
        if fence {
            _mm_lfence();
        }
        Some(t)
    }
}
