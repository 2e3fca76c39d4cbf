//! AArch64 kernels: NEON (four nonces in the four 32-bit lanes of a
//! 128-bit register) and the ARMv8 SHA-2 crypto extension.
//!
//! # Detection
//!
//! The module is compiled only where NEON (Advanced SIMD) is enabled at
//! compile time. It is part of the AArch64 procedure-call standard, so
//! every hosted AArch64 target (Linux, Android, macOS, Windows) and
//! `aarch64-unknown-none` have it; the `*-softfloat` bare-metal targets,
//! whose ABI keeps vector registers out of use, get the scalar kernel only.
//!
//! The SHA-2 instructions belong to the Cryptographic Extension, an
//! optional part of ARMv8-A cores (Arm's Cortex-A53 technical reference
//! manual, DDI 0500, "Cryptography Extension"): the Raspberry Pi 3's
//! Cortex-A53 and the Pi 4's Cortex-A72, for example, ship without it.
//! Where the OS can tell, it is detected at run time with `cpufeatures`
//! (Linux and Android read `AT_HWCAP` through `getauxval`; Apple targets
//! always have it; other systems fall back to compile-time features). On
//! bare metal (`target_os = "none"`) no OS reports features, so the kernel
//! is selected at compile time: build with `-C target-feature=+sha2` (or a
//! `-C target-cpu` that has it) to get it.

pub(crate) mod neon;
pub(crate) mod sha2;

cfg_if::cfg_if! {
    if #[cfg(target_os = "none")] {
        /// Whether the SHA-2 instructions may be used: fixed at compile
        /// time on bare metal.
        #[inline]
        pub(crate) fn has_sha2() -> bool {
            cfg!(target_feature = "sha2")
        }
    } else {
        cpufeatures::new!(has_sha2_runtime, "sha2");

        /// Whether the SHA-2 instructions may be used.
        #[inline]
        pub(crate) fn has_sha2() -> bool {
            has_sha2_runtime::get()
        }
    }
}
