//! Run-time kernel choice. `.ci/emulated-cpus.sh` runs this binary natively
//! and under emulated CPU models, and says through environment variables
//! what each CPU must get:
//!
//! - `SHA256D_EXPECT_KERNEL`: the kernel `Engine::best` must choose, or
//!   comma-separated, the kernels it must choose among (where it times
//!   them, as on x86, which one wins depends on the silicon);
//! - `SHA256D_EXPECT_AVAILABLE`: comma-separated names of exactly the
//!   kernels that must be available; every other one must be refused with
//!   `Error::KernelUnavailable`. Plain hashing must then use the SHA-NI or
//!   ARMv8 SHA-2 compression if that kernel is listed, else the scalar one;
//! - `SHA256D_PROBE`: the instruction set the ignored probe test executes
//!   without asking the CPU first (the script expects it to die with SIGILL
//!   on a model without that set, which shows the emulator enforces it).
//!
//! Without the variables, the tests check what holds on any CPU.

use sha256d::{Engine, Error, Kernel};

/// The kernels named in `var`, or `None` when it is unset.
fn kernels_from_env(var: &str) -> Option<Vec<Kernel>> {
    let value = std::env::var(var).ok()?;
    Some(
        value
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(|name| Kernel::from_name(name).unwrap_or_else(|e| panic!("{var}: {name:?}: {e}")))
            .collect(),
    )
}

/// Where `Engine::best` can time the kernels (x86 has a cycle counter,
/// Miri has none), it takes the fastest of those available, the scalar one
/// only when it is alone; elsewhere the last available.
#[test]
fn best_is_an_available_kernel() {
    let available: Vec<Kernel> = Kernel::available().collect();
    assert_eq!(available.first(), Some(&Kernel::Scalar));
    let best = Engine::best().kernel();
    assert!(available.contains(&best), "available: {available:?}");
    let timed = cfg!(any(target_arch = "x86", target_arch = "x86_64")) && !cfg!(miri);
    if !timed {
        assert_eq!(Some(&best), available.last(), "available: {available:?}");
    } else if available.len() > 1 {
        assert_ne!(best, Kernel::Scalar, "available: {available:?}");
    }
    assert_eq!(Kernel::best(), best);
    // Cached after the first call: the same answer again.
    assert_eq!(Engine::best().kernel(), best);
    let compression = sha256d::compression();
    eprintln!("available kernels: {available:?}; best: {best}; compression: {compression}");
}

/// The compression behind `sha256`, `sha256d`, `Sha256` and `Midstate`:
/// the SHA-instruction kernel's when it is available, else scalar. Hashing
/// through it here runs it on the (possibly emulated) CPU.
#[test]
fn plain_hashing_takes_the_expected_compression() {
    let compression = sha256d::compression();
    let abc = sha256d::sha256(b"abc");
    assert_eq!(abc[..4], [0xba, 0x78, 0x16, 0xbf], "{compression}");
    let Some(available) = kernels_from_env("SHA256D_EXPECT_AVAILABLE") else {
        eprintln!("SHA256D_EXPECT_AVAILABLE is unset: compression {compression} not pinned");
        return;
    };
    let expected = [Kernel::ShaNi, Kernel::ArmSha2]
        .into_iter()
        .find(|k| available.contains(k))
        .unwrap_or(Kernel::Scalar);
    eprintln!("compression: {compression}, expected: {expected}");
    assert_eq!(compression, expected);
}

#[test]
fn best_is_the_pinned_kernel() {
    let Some(expected) = kernels_from_env("SHA256D_EXPECT_KERNEL") else {
        eprintln!("SHA256D_EXPECT_KERNEL is unset: did not check a pinned kernel");
        return;
    };
    let best = Engine::best().kernel();
    eprintln!("best kernel: {best}, expected one of: {expected:?}");
    assert!(
        expected.contains(&best),
        "{best} is not one of {expected:?}"
    );
}

#[test]
fn exactly_the_pinned_kernels_are_available() {
    let Some(expected) = kernels_from_env("SHA256D_EXPECT_AVAILABLE") else {
        eprintln!("SHA256D_EXPECT_AVAILABLE is unset: did not check a pinned set");
        return;
    };
    for kernel in Kernel::ALL {
        let result = Engine::new(kernel).map(|engine| engine.kernel());
        if expected.contains(&kernel) {
            assert_eq!(result, Ok(kernel), "kernel {kernel} must be available");
        } else {
            assert_eq!(
                result,
                Err(Error::KernelUnavailable(kernel)),
                "kernel {kernel} must be refused as unavailable"
            );
            assert!(!kernel.is_available());
        }
    }
}

#[test]
fn forcing_each_kernel_gives_that_kernel_or_unavailable() {
    for kernel in Kernel::ALL {
        match Engine::new(kernel) {
            Ok(engine) => assert_eq!(engine.kernel(), kernel),
            Err(e) => assert_eq!(e, Error::KernelUnavailable(kernel), "{kernel}"),
        }
        // Asking twice gives the same answer (the self-test verdict is cached).
        assert_eq!(
            Engine::new(kernel).map(|e| e.kernel()),
            Engine::new(kernel).map(|e| e.kernel())
        );
    }
}

/// Executes one instruction of the set named by `SHA256D_PROBE` without
/// checking that the CPU has it. Run only by `.ci/emulated-cpus.sh`, which
/// expects SIGILL on CPU models without the set.
#[test]
#[ignore = "executes unchecked instructions; run by .ci/emulated-cpus.sh"]
#[cfg(target_arch = "x86_64")]
fn probe_instruction_set() {
    let name = std::env::var("SHA256D_PROBE").expect("SHA256D_PROBE names an instruction set");
    let kernel = Kernel::from_name(&name).expect("SHA256D_PROBE is a kernel name");
    let value = std::hint::black_box(0x0123_4567_89ab_cdef_u64);
    let (lo, hi) = (value as u32, (value >> 32) as u32);
    let lanes = |a: u32, b: u32| u64::from(a) | (u64::from(b) << 32);
    // SAFETY: deliberately none: the point is to execute the instruction
    // unchecked, so that a CPU without it raises SIGILL.
    match kernel {
        Kernel::Scalar => {}
        Kernel::Sse41 => assert_eq!(
            unsafe { probe::sse41(value) },
            lanes(lo.wrapping_mul(lo), hi.wrapping_mul(hi))
        ),
        Kernel::Avx2 => assert_eq!(
            unsafe { probe::avx2(value) },
            lanes(lo.wrapping_add(lo), hi.wrapping_add(hi))
        ),
        Kernel::Avx512Vl => assert_eq!(
            unsafe { probe::avx512vl(value) },
            lanes(lo.rotate_right(8), hi.rotate_right(8))
        ),
        Kernel::Avx512 => assert_eq!(
            unsafe { probe::avx512(value) },
            lanes(lo.rotate_right(8), hi.rotate_right(8))
        ),
        // Two SHA-256 rounds change the state.
        Kernel::ShaNi => assert_ne!(unsafe { probe::sha_ni(value) }, value),
        other => panic!("no probe for {other}"),
    }
    eprintln!("executed a {kernel} instruction");
}

#[cfg(target_arch = "x86_64")]
mod probe {
    use core::arch::x86_64::*;

    /// `pmulld` (SSE4.1).
    #[target_feature(enable = "sse4.1")]
    pub unsafe fn sse41(x: u64) -> u64 {
        let v = _mm_set1_epi64x(x as i64);
        _mm_cvtsi128_si64(_mm_mullo_epi32(v, v)) as u64
    }

    /// `vpaddd` on 256-bit registers (AVX2).
    #[target_feature(enable = "avx2")]
    pub unsafe fn avx2(x: u64) -> u64 {
        let v = _mm256_set1_epi64x(x as i64);
        _mm256_extract_epi64::<3>(_mm256_add_epi32(v, v)) as u64
    }

    /// `vpbroadcastq` and `vprord` on a 256-bit register (AVX-512VL), in
    /// assembly: from intrinsics the compiler may pick other instructions.
    #[target_feature(enable = "avx512f,avx512vl")]
    pub unsafe fn avx512vl(x: u64) -> u64 {
        let out: u64;
        // SAFETY: the caller guarantees the target features; the block
        // touches only its own registers.
        unsafe {
            core::arch::asm!(
                "vpbroadcastq {v:y}, {x}",
                "vprord {v:y}, {v:y}, 8",
                "vmovq {out}, {v:x}",
                x = in(reg) x,
                v = out(ymm_reg) _,
                out = lateout(reg) out,
                options(pure, nomem, nostack),
            );
        }
        out
    }

    /// `vpbroadcastq` and `vprord` on a 512-bit register (AVX-512F), in
    /// assembly: from intrinsics the compiler may narrow the operation.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn avx512(x: u64) -> u64 {
        let out: u64;
        // SAFETY: the caller guarantees the target features; the block
        // touches only its own registers.
        unsafe {
            core::arch::asm!(
                "vpbroadcastq {v:z}, {x}",
                "vprord {v:z}, {v:z}, 8",
                "vmovq {out}, {v:x}",
                x = in(reg) x,
                v = out(zmm_reg) _,
                out = lateout(reg) out,
                options(pure, nomem, nostack),
            );
        }
        out
    }

    /// `sha256rnds2` (SHA extensions).
    #[target_feature(enable = "sha,sse2")]
    pub unsafe fn sha_ni(x: u64) -> u64 {
        let v = _mm_set1_epi64x(x as i64);
        _mm_cvtsi128_si64(_mm_sha256rnds2_epu32(v, v, v)) as u64
    }
}
