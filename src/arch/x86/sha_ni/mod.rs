//! SHA-NI kernel: the x86 SHA extensions (SHA256RNDS2 does two rounds,
//! SHA256MSG1 and SHA256MSG2 expand four schedule words), with several
//! independent hashes ("streams") interleaved at every step.
//!
//! One stream is a chain of dependent SHA256RNDS2, whose latency is four
//! cycles while the CPU can start one per cycle (both measured on AMD Zen 4
//! with a loop of 8 dependent and 8 independent chains), so one stream
//! alone would leave the unit idle three cycles out of four: interleaving
//! independent nonces (or inputs) fills those cycles.
//!
//! The kernel is split by role:
//! - [`streams`]: the state layout, rounds and schedule steps on `N`
//!   streams, the constant tables, and the second hash's first sixteen
//!   rounds, shared by the search and the batch;
//! - [`search`]: the nonce search with SHA256MSG1/SHA256MSG2 schedules
//!   (legacy SSE only);
//! - [`avx2_schedule`]: the nonce search with the first hash's schedule
//!   computed by AVX2, when the CPU has it;
//! - [`batch`]: SHA-256d of 64-byte inputs.
//!
//! Without AVX2 (Intel Goldmont and Tremont have SHA-NI without it)
//! everything here is legacy-SSE encoded, the SHA instructions having no
//! VEX form. Legacy SSE after 256-bit AVX code that left the upper YMM
//! halves dirty is slow on some CPUs; the kernel is only entered from code
//! compiled without AVX, and LLVM emits `vzeroupper` before every return
//! from (and call out of) a function that used YMM registers, so the upper
//! halves are clean on entry.
//!
//! Every function here is `unsafe` with the SHA and SSE4.1 target features
//! (plus AVX2 in `avx2_schedule`): callers must run on a CPU that has them,
//! which holding a [`ShaNi`] token proves. Inside, the intrinsics are safe
//! to call from Rust 1.87 on but `unsafe` on older compilers, so their
//! `unsafe` blocks are allowed to be unused.

#![allow(unsafe_code, unused_unsafe)]

mod avx2_schedule;
mod batch;
mod search;
mod streams;

use crate::arch::{Candidates, JobData, KernelImpl};

/// Nonces hashed side by side by the SSE search. Measured on AMD Zen 4
/// (thread CPU time, same build): 2 streams 20 MH/s, 3 streams 20-23, 4
/// streams 22-24. Past two streams the limit is no longer SHA256RNDS2
/// latency but the throughput of the whole instruction mix: SHA256MSG2 and
/// vector adds compete with SHA256RNDS2 for the same pipes, and four
/// streams no longer fit the sixteen XMM registers.
const SCAN_STREAMS: usize = 4;

/// Inputs hashed side by side by the batch: 4 measured 1.24 times
/// `bitcoin_hashes`' two-way SHA-NI batch, 2 and 3 streams 1.05 and 1.12.
const BATCH_STREAMS: usize = 4;

/// Proof that this CPU supports the kernel's instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ShaNi {
    /// Whether the CPU (and OS) also support AVX2: the nonce search then
    /// computes the first hash's message schedule with it.
    avx2: bool,
}

impl KernelImpl for ShaNi {
    fn detect() -> Option<Self> {
        super::has_sha_ni::get().then(|| ShaNi {
            avx2: super::has_avx2::get(),
        })
    }

    fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
        if self.avx2 {
            // SAFETY: `self.avx2` is set only when `detect` also found AVX
            // and AVX2 (with OS support), the rest of what this is compiled
            // for.
            unsafe { avx2_schedule::scan(job, start, count) }
        } else {
            // SAFETY: `self` exists only when `detect` found SHA, SSE2, SSSE3
            // and SSE4.1, the features `scan_streams` is compiled for.
            unsafe { search::scan_streams::<SCAN_STREAMS>(job, start, count) }
        }
    }

    fn sha256d_64_batch(self, inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]) {
        // SAFETY: as in `scan`: `self` proves the CPU has the features.
        unsafe { batch::batch::<BATCH_STREAMS>(inputs, outputs) }
    }

    /// The same kernel restricted to SHA and SSE4.1, as on CPUs with SHA-NI
    /// but no AVX2 (Intel Goldmont and Tremont): lets tests cover that
    /// path on any CPU with SHA-NI.
    #[cfg(test)]
    fn reduced(self) -> Option<Self> {
        self.avx2.then_some(ShaNi { avx2: false })
    }
}
