//! The compression behind plain hashing (`sha256`, `sha256d`, the
//! streaming `Sha256`, `Midstate`): the fastest one this CPU has, chosen
//! once from the kernel list.
//!
//! Only kernels with SHA instructions have a faster single-message
//! compression than the portable one ([`KernelImpl::COMPRESSES`]): SIMD
//! lanes gain nothing on one message, whose rounds each wait for the one
//! before. So the choice is SHA-NI on x86, the ARMv8 SHA-2 extension on
//! AArch64, and the portable compression everywhere else. The choice uses
//! each kernel's own detection and the known-answer test below (the same
//! test the engine runs as part of a kernel's self-test), and is cached in
//! an atomic: after the first call, choosing costs a load and the
//! kernel's (cached) feature check that yields its token.
//!
//! A [`Compressor`] also hashes many equal-length messages (one message
//! being the case of one), so that a one-shot hash runs all its blocks, its
//! padding and, for SHA-256d, the second hash in one call into the
//! instruction-set code.

use core::sync::atomic::{AtomicU8, Ordering};

use super::{KernelImpl, kernel_list};
use crate::Kernel;
use crate::sha256::{self, IV, Shape};

/// Turns the kernel list into [`Compressor`]: one variant per kernel
/// compiled for this target, holding its token.
macro_rules! define_compressor {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $name:literal, $token:ty, cfg($($cfg:tt)*);
    )+) => {
        /// A kernel's single-message compression and many-message hashing,
        /// with the kernel's token as proof that the CPU runs it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Compressor {
            $( #[cfg($($cfg)*)] $variant($token), )+
        }

        impl Compressor {
            /// The kernel this compression belongs to.
            pub(crate) fn kernel(self) -> Kernel {
                match self {
                    $( #[cfg($($cfg)*)] Compressor::$variant(_) => Kernel::$variant, )+
                }
            }

            /// The compression of `kernel`, if this CPU runs the kernel
            /// and it has its own compression.
            fn detect(kernel: Kernel) -> Option<Compressor> {
                match kernel {
                    $(
                        #[cfg($($cfg)*)]
                        Kernel::$variant if <$token as KernelImpl>::COMPRESSES => {
                            <$token as KernelImpl>::detect().map(Compressor::$variant)
                        }
                    )+
                    _ => None,
                }
            }

            /// Compresses the whole 64-byte blocks of `blocks` into
            /// `state` in order.
            #[inline]
            pub(crate) fn compress_blocks(self, state: &mut [u32; 8], blocks: &[u8]) {
                match self {
                    $(
                        #[cfg($($cfg)*)]
                        Compressor::$variant(k) => k.compress_blocks(state, blocks),
                    )+
                }
            }

            /// SHA-256, or SHA-256d if `double`, of each of the
            /// `out.len()` messages of `shape.len` bytes laid end to end in
            /// `messages`.
            #[inline]
            pub(crate) fn hash_many(
                self,
                messages: &[u8],
                shape: &Shape,
                double: bool,
                out: &mut [[u8; 32]],
            ) {
                match self {
                    $(
                        #[cfg($($cfg)*)]
                        Compressor::$variant(k) => k.hash_many(messages, shape, double, out),
                    )+
                }
            }
        }
    };
}
kernel_list!(define_compressor);

/// `index + 1` of the kernel [`Compressor::best`] chose, or 0 before the
/// first call.
static BEST: AtomicU8 = AtomicU8::new(0);

impl Compressor {
    /// The portable compression, available everywhere.
    pub(crate) const fn scalar() -> Compressor {
        Compressor::Scalar(super::scalar::Scalar)
    }

    /// The fastest compression this CPU runs correctly: the last kernel of
    /// the list with its own compression whose detection finds it and that
    /// passes [`Compressor::self_test`], else the portable one. Decided on
    /// the first call.
    #[inline]
    pub(crate) fn best() -> Compressor {
        match usize::from(BEST.load(Ordering::Relaxed)) {
            0 => {}
            1 => return Compressor::scalar(),
            cached => {
                if let Some(compressor) = Compressor::detect(Kernel::ALL[cached - 1]) {
                    return compressor;
                }
            }
        }
        Compressor::choose()
    }

    #[cold]
    fn choose() -> Compressor {
        let chosen = Kernel::ALL
            .iter()
            .copied()
            .rev()
            .filter_map(Compressor::detect)
            .find(|c| c.self_test())
            .unwrap_or(Compressor::scalar());
        // Racing threads store the same choice.
        BEST.store(chosen.kernel().index() as u8 + 1, Ordering::Relaxed);
        chosen
    }

    /// Known answers, and agreement with the portable compression and
    /// many-message hashing; run before a compression is first chosen, and
    /// by the engine as part of each kernel's self-test.
    pub(crate) fn self_test(self) -> bool {
        // FIPS 180-4's "abc" example: one padded block.
        let mut block = [0u8; 64];
        block[..3].copy_from_slice(b"abc");
        block[3] = 0x80;
        block[63] = 24;
        let mut state = IV;
        self.compress_blocks(&mut state, &block);
        let abc_ok = state
            == [
                0xba78_16bf,
                0x8f01_cfea,
                0x4141_40de,
                0x5dae_2223,
                0xb003_61a3,
                0x9617_7a9c,
                0xb410_ff61,
                0xf200_15ad,
            ];

        // Three blocks in one call (and a partial fourth, ignored) against
        // the portable compression.
        let mut bytes = [0u8; 3 * 64 + 5];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(157).wrapping_add(11);
        }
        let mut want = IV;
        sha256::compress_blocks(&mut want, &bytes);
        let mut got = IV;
        self.compress_blocks(&mut got, &bytes);
        let blocks_ok = got == want;

        // Many messages: each padding case, both hashes, counts that leave
        // a remainder after any kernel's groups.
        let mut many_ok = true;
        for (len, count) in [
            (0, 3),
            (32, 5),
            (55, 3),
            (56, 3),
            (64, 3),
            (80, 2),
            (150, 1),
        ] {
            let shape = Shape::new(len);
            let messages = &bytes[..len * count];
            for double in [false, true] {
                let mut want = [[0u8; 32]; 5];
                let mut got = [[0u8; 32]; 5];
                sha256::hash_many(messages, &shape, double, &mut want[..count]);
                self.hash_many(messages, &shape, double, &mut got[..count]);
                many_ok &= got == want;
            }
        }
        abc_ok && blocks_ok && many_ok
    }
}
