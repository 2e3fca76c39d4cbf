//! The public names of the kernels: [`Kernel`], generated from the one
//! list of kernels in `arch` (see `arch::kernel_list!`). What a kernel can
//! do at run time (availability, the fastest one) is in the engine.

use core::fmt;

/// Turns the kernel list into the public enum with its order and names.
macro_rules! define_kernel_enum {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $name:literal, $token:ty, cfg($($cfg:tt)*);
    )+) => {
        /// A nonce-search and hashing kernel: one instruction set's
        /// implementation.
        ///
        /// ```
        /// use sha256d::{Engine, Kernel};
        /// let kernel: Kernel = "avx2".parse()?;
        /// assert_eq!(kernel, Kernel::Avx2);
        /// // Asking for a kernel the CPU lacks is an error, never a crash.
        /// let _ = Engine::new(kernel);
        /// # Ok::<(), sha256d::Error>(())
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Kernel {
            $( $(#[$doc])* $variant, )+
        }

        impl Kernel {
            /// Every kernel this version of the crate knows, in order of
            /// preference: [`Engine::best`](crate::Engine::best) takes the
            /// last one available. On x86 that is `sha-ni` before `avx512`
            /// before `avx512vl` before `avx2`: SHA-NI measured faster than
            /// AVX-512 code on Zen 4, whose 512-bit instructions run as two
            /// halves, and the 512-bit kernel does the 256-bit one's work in
            /// half the instructions (the README's Kernels section says
            /// more).
            ///
            /// A slice, so that a kernel added in a later version changes
            /// its length, not its type.
            ///
            /// ```
            /// use sha256d::Kernel;
            /// assert_eq!(Kernel::ALL[0], Kernel::Scalar);
            /// assert!(Kernel::ALL.contains(&Kernel::best()));
            /// ```
            pub const ALL: &'static [Kernel] = &[$(Kernel::$variant),+];

            /// How many kernels [`Kernel::ALL`] lists (sizes per-kernel
            /// tables).
            pub(crate) const COUNT: usize = [$($name),+].len();

            /// The kernel's short name, as accepted by
            /// [`Kernel::from_name`]:
            #[doc = concat!($("`", $name, "` "),+)]
            ///
            /// ```
            /// assert_eq!(sha256d::Kernel::ShaNi.name(), "sha-ni");
            /// ```
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self {
                    $( Kernel::$variant => $name, )+
                }
            }
        }
    };
}
crate::arch::kernel_list!(define_kernel_enum);

impl Kernel {
    /// Position in [`Kernel::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
