//! AArch64 kernels: NEON (four nonces in the four 32-bit lanes of a
//! 128-bit register) and the ARMv8 SHA-2 crypto extension.
//!
//! # Detection
//!
//! NEON (Advanced SIMD) is part of the AArch64 procedure-call standard, so
//! every hosted AArch64 target (Linux, Android, macOS, Windows) and
//! `aarch64-unknown-none` enable it at compile time; only the `*-softfloat`
//! bare-metal targets leave it out. The NEON kernel therefore follows
//! `cfg!(target_feature = "neon")`.
//!
//! The SHA-2 extension is optional (the Cortex-A72 of a Raspberry Pi 4 and
//! the Cortex-A53 of many control boards ship without it, licensed
//! separately from the core). Where the OS can tell, it is detected at run
//! time with `cpufeatures` (Linux and Android read `AT_HWCAP` through
//! `getauxval`; Apple targets always have it). On bare metal
//! (`target_os = "none"`) no OS reports features and reading the ID
//! registers needs a privilege level firmware may not have, so the kernel
//! is selected at compile time: build with `-C target-feature=+sha2` (or a
//! `-C target-cpu` that has it) to get it.

pub(crate) mod sha2;

#[cfg(not(target_os = "none"))]
cpufeatures::new!(has_sha2_runtime, "sha2");

/// Whether NEON may be used (see the module documentation).
#[inline]
pub(crate) fn has_neon() -> bool {
    cfg!(target_feature = "neon")
}

/// Whether the SHA-2 instructions (and NEON, which they use) may be used.
#[inline]
pub(crate) fn has_sha2() -> bool {
    #[cfg(not(target_os = "none"))]
    let sha2 = has_sha2_runtime::get();
    #[cfg(target_os = "none")]
    let sha2 = cfg!(target_feature = "sha2");
    has_neon() && sha2
}
