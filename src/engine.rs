//! Kernel selection: which kernels exist, which this CPU can run, and the
//! [`Engine`] that runs one of them.

use core::fmt;
use core::ops::ControlFlow;
use core::str::FromStr;
use core::sync::atomic::{AtomicU8, Ordering};

#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
use crate::arch::aarch64;
use crate::arch::scalar;
#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
use crate::arch::x86;
use crate::search::{self, Candidates, NonceRange, SearchJob, SearchOutcome, Solution};
use crate::{BlockHash, BlockHeader, Error};

/// A nonce-search and hashing kernel: one instruction set's implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Kernel {
    /// Portable Rust, one nonce at a time; runs everywhere. The reference.
    Scalar,
    /// x86 SSE4.1, four nonces per step.
    Sse41,
    /// x86 AVX2, eight nonces per step.
    Avx2,
    /// x86 AVX-512F and AVX-512VL on 256-bit registers, eight nonces per
    /// step.
    Avx512Vl,
    /// x86 AVX-512F on 512-bit registers, sixteen nonces per step.
    Avx512,
    /// x86 SHA extensions (SHA-NI), several independent nonces interleaved.
    ShaNi,
    /// AArch64 NEON (Advanced SIMD), four nonces per step.
    Neon,
    /// ARMv8 SHA-2 crypto extension, several independent nonces interleaved.
    ArmSha2,
}

impl Kernel {
    /// Every kernel this version of the crate knows, in order of
    /// preference: [`Engine::best`] takes the last one available.
    ///
    /// On x86 that puts SHA-NI ahead of AVX-512: on Zen 4, the one AVX-512
    /// CPU measured, SHA-NI is the faster, and its 512-bit units are double
    /// pumped (two halves one after the other), which no CPUID bit reveals.
    /// AVX-512 on ZMM comes before the same arithmetic on YMM: half the
    /// instructions for the same lanes, where a CPU without SHA-NI (Skylake
    /// to Cascade Lake servers) gets it.
    pub const ALL: [Kernel; 8] = [
        Kernel::Scalar,
        Kernel::Sse41,
        Kernel::Avx2,
        Kernel::Avx512Vl,
        Kernel::Avx512,
        Kernel::ShaNi,
        Kernel::Neon,
        Kernel::ArmSha2,
    ];

    /// The kernel's short name, as accepted by [`Kernel::from_name`]:
    /// `scalar`, `sse41`, `avx2`, `avx512vl`, `avx512`, `sha-ni`, `neon`,
    /// `arm-sha2`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Kernel::Scalar => "scalar",
            Kernel::Sse41 => "sse41",
            Kernel::Avx2 => "avx2",
            Kernel::Avx512Vl => "avx512vl",
            Kernel::Avx512 => "avx512",
            Kernel::ShaNi => "sha-ni",
            Kernel::Neon => "neon",
            Kernel::ArmSha2 => "arm-sha2",
        }
    }

    /// Looks a kernel up by [`Kernel::name`] (ASCII case ignored).
    ///
    /// # Errors
    /// [`Error::UnknownKernel`].
    pub fn from_name(name: &str) -> Result<Kernel, Error> {
        Kernel::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
            .ok_or(Error::UnknownKernel)
    }

    /// Whether this CPU (and this build) can run the kernel and it passed
    /// its self-test.
    #[must_use]
    pub fn is_available(self) -> bool {
        Engine::new(self).is_ok()
    }

    /// The kernels this CPU can run, in [`Kernel::ALL`] order.
    pub fn available() -> impl Iterator<Item = Kernel> {
        Kernel::ALL.into_iter().filter(|k| k.is_available())
    }

    /// The fastest available kernel.
    #[must_use]
    pub fn best() -> Kernel {
        Engine::best().kernel()
    }

    const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Kernel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Kernel::from_name(s)
    }
}

/// A kernel that this CPU supports and that passed its self-test: the only
/// way to run one.
///
/// ```
/// use sha256d::{Engine, Kernel};
/// let engine = Engine::best();
/// println!("searching with {}", engine.kernel());
/// // Forcing a kernel the CPU lacks is an error, never a crash.
/// match Engine::new(Kernel::Avx2) {
///     Ok(avx2) => assert_eq!(avx2.kernel(), Kernel::Avx2),
///     Err(e) => println!("{e}"),
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Engine {
    backend: Backend,
}

/// The kernel with its proof of availability.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    Scalar,
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    Sse41(x86::sse41::Sse41),
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    Avx2(x86::avx2::Avx2),
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    Avx512Vl(x86::avx512vl::Avx512Vl),
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    Avx512(x86::avx512::Avx512),
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    ShaNi(x86::sha_ni::ShaNi),
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    Neon(aarch64::neon::Neon),
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    ArmSha2(aarch64::sha2::ArmSha2),
}

impl Backend {
    /// The backend for `kernel` if this CPU can run it.
    fn detect(kernel: Kernel) -> Option<Backend> {
        match kernel {
            Kernel::Scalar => Some(Backend::Scalar),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Kernel::Sse41 => x86::sse41::Sse41::detect().map(Backend::Sse41),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Kernel::Avx2 => x86::avx2::Avx2::detect().map(Backend::Avx2),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Kernel::Avx512Vl => x86::avx512vl::Avx512Vl::detect().map(Backend::Avx512Vl),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Kernel::Avx512 => x86::avx512::Avx512::detect().map(Backend::Avx512),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Kernel::ShaNi => x86::sha_ni::ShaNi::detect().map(Backend::ShaNi),
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Kernel::Neon => aarch64::neon::Neon::detect().map(Backend::Neon),
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Kernel::ArmSha2 => aarch64::sha2::ArmSha2::detect().map(Backend::ArmSha2),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    fn kernel(self) -> Kernel {
        match self {
            Backend::Scalar => Kernel::Scalar,
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Sse41(_) => Kernel::Sse41,
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Avx2(_) => Kernel::Avx2,
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Avx512Vl(_) => Kernel::Avx512Vl,
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Avx512(_) => Kernel::Avx512,
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::ShaNi(_) => Kernel::ShaNi,
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Backend::Neon(_) => Kernel::Neon,
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Backend::ArmSha2(_) => Kernel::ArmSha2,
        }
    }

    #[inline]
    fn scan(self, job: &SearchJob, start: u32, count: u64) -> Option<Candidates> {
        match self {
            Backend::Scalar => scalar::scan(job, start, count),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Sse41(k) => k.scan(job, start, count),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Avx2(k) => k.scan(job, start, count),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Avx512Vl(k) => k.scan(job, start, count),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Avx512(k) => k.scan(job, start, count),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::ShaNi(k) => k.scan(job, start, count),
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Backend::Neon(k) => k.scan(job, start, count),
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Backend::ArmSha2(k) => k.scan(job, start, count),
        }
    }

    fn sha256d_64_batch(self, inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]) {
        match self {
            Backend::Scalar => scalar::sha256d_64_batch(inputs, outputs),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Sse41(k) => k.sha256d_64_batch(inputs, outputs),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Avx2(k) => k.sha256d_64_batch(inputs, outputs),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Avx512Vl(k) => k.sha256d_64_batch(inputs, outputs),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::Avx512(k) => k.sha256d_64_batch(inputs, outputs),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Backend::ShaNi(k) => k.sha256d_64_batch(inputs, outputs),
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Backend::Neon(k) => k.sha256d_64_batch(inputs, outputs),
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Backend::ArmSha2(k) => k.sha256d_64_batch(inputs, outputs),
        }
    }
}

/// Self-test state per kernel: not yet run, passed, failed.
const UNTESTED: u8 = 0;
const PASSED: u8 = 1;
const FAILED: u8 = 2;
static SELF_TEST: [AtomicU8; Kernel::ALL.len()] =
    [const { AtomicU8::new(UNTESTED) }; Kernel::ALL.len()];
/// `Kernel::index() + 1` of the best engine, or 0 before the first call.
static BEST: AtomicU8 = AtomicU8::new(0);

impl Engine {
    /// The engine for `kernel`.
    ///
    /// # Errors
    /// [`Error::KernelUnavailable`] if this CPU, its OS or this build cannot
    /// run it; [`Error::KernelSelfTestFailed`] if it gave a wrong answer on
    /// its known-answer test.
    pub fn new(kernel: Kernel) -> Result<Engine, Error> {
        let backend = Backend::detect(kernel).ok_or(Error::KernelUnavailable(kernel))?;
        let engine = Engine { backend };
        let status = &SELF_TEST[kernel.index()];
        let mut state = status.load(Ordering::Acquire);
        if state == UNTESTED {
            // Racing threads may both run the test; both store the same verdict.
            state = if engine.self_test() { PASSED } else { FAILED };
            status.store(state, Ordering::Release);
        }
        if state == PASSED {
            Ok(engine)
        } else {
            Err(Error::KernelSelfTestFailed(kernel))
        }
    }

    /// The fastest kernel this CPU runs correctly; detection and self-tests
    /// run on the first call only.
    #[must_use]
    pub fn best() -> Engine {
        let cached = BEST.load(Ordering::Relaxed);
        if cached != 0 {
            if let Ok(engine) = Engine::new(Kernel::ALL[usize::from(cached - 1)]) {
                return engine;
            }
        }
        let engine = Kernel::ALL
            .into_iter()
            .rev()
            .find_map(|k| Engine::new(k).ok())
            .unwrap_or(Engine {
                backend: Backend::Scalar,
            });
        BEST.store(engine.kernel().index() as u8 + 1, Ordering::Relaxed);
        engine
    }

    /// An engine for every kernel this CPU runs, in [`Kernel::ALL`] order
    /// (scalar first): what benchmarks and equivalence checks iterate over.
    pub fn available() -> impl Iterator<Item = Engine> {
        Kernel::ALL.into_iter().filter_map(|k| Engine::new(k).ok())
    }

    /// The portable reference engine, available everywhere.
    #[must_use]
    pub const fn scalar() -> Engine {
        Engine {
            backend: Backend::Scalar,
        }
    }

    /// Which kernel this engine runs.
    #[must_use]
    pub fn kernel(&self) -> Kernel {
        self.backend.kernel()
    }

    /// Searches `range` for nonces whose hash meets the job's target,
    /// storing solutions in `out` in ascending order.
    ///
    /// If `out` fills up and another solution turns up, the search stops
    /// *before* it with [`SearchEnd::OutputFull`](crate::SearchEnd): nothing
    /// is lost, and [`SearchOutcome::remaining`] resumes at that nonce.
    pub fn search(
        &self,
        job: &SearchJob,
        range: NonceRange,
        out: &mut [Solution],
    ) -> SearchOutcome {
        let backend = self.backend;
        search::drive(
            job,
            range,
            |j, s, c| backend.scan(j, s, c),
            search::fill(out),
        )
    }

    /// Searches `range`, passing each solution to `visitor` in ascending
    /// order; `ControlFlow::Break` stops the search after that solution.
    pub fn search_with(
        &self,
        job: &SearchJob,
        range: NonceRange,
        visitor: impl FnMut(Solution) -> ControlFlow<()>,
    ) -> SearchOutcome {
        let backend = self.backend;
        search::drive(
            job,
            range,
            |j, s, c| backend.scan(j, s, c),
            search::until_break(visitor),
        )
    }

    /// SHA-256d of each 64-byte input into the matching output: the inner
    /// step of Merkle trees. Processes `min(inputs.len(), outputs.len())`
    /// pairs; any count works.
    pub fn sha256d_64_batch(&self, inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]) {
        let n = inputs.len().min(outputs.len());
        self.backend
            .sha256d_64_batch(&inputs[..n], &mut outputs[..n]);
    }

    /// The known-answer test run before a kernel is first used.
    fn self_test(&self) -> bool {
        // Genesis block: exactly one solution in a range whose length is no
        // multiple of any lane width, and every nonce a solution when the
        // target is all ones.
        let (Ok(header), Ok(genesis_hash)) = (
            BlockHeader::from_hex(GENESIS_HEADER_HEX),
            BlockHash::from_display_hex(GENESIS_HASH_HEX),
        ) else {
            return false;
        };
        let Ok(target) = header.bits.to_target() else {
            return false;
        };
        let job = SearchJob::new(&header, target);
        let mut found = [Solution::default(); 2];
        let range = NonceRange::new(GENESIS_NONCE - 5, 11).unwrap_or(NonceRange::FULL);
        let outcome = self.search(&job, range, &mut found);
        let genesis_ok =
            outcome.found == 1 && found[0].nonce == GENESIS_NONCE && found[0].hash == genesis_hash;

        let easy = SearchJob::new(&header, crate::Target::MAX);
        let mut all = [Solution::default(); 13];
        let outcome = self.search(&easy, NonceRange::from_start(u32::MAX - 12), &mut all);
        let easy_ok = outcome.found == 13
            && all
                .iter()
                .zip(u32::MAX - 12..=u32::MAX)
                .all(|(s, n)| s.nonce == n && s.hash == easy.hash(n));

        // Batch hashing against the scalar reference: more inputs than the
        // widest kernel's sixteen lanes, and a remainder for every width.
        let header_bytes = header.to_bytes();
        let mut inputs = [[0u8; 64]; 19];
        for (i, input) in inputs.iter_mut().enumerate() {
            for (j, byte) in input.iter_mut().enumerate() {
                *byte = header_bytes[(i + j) % header_bytes.len()];
            }
        }
        let mut outputs = [[0u8; 32]; 19];
        self.sha256d_64_batch(&inputs, &mut outputs);
        let batch_ok = inputs
            .iter()
            .zip(&outputs)
            .all(|(i, o)| *o == crate::sha256d(i));

        genesis_ok && easy_ok && batch_ok
    }
}

/// The genesis block header, wire format.
const GENESIS_HEADER_HEX: &str = concat!(
    "0100000000000000000000000000000000000000000000000000000000000000",
    "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    "4b1e5e4a29ab5f49ffff001d1dac2b7c",
);
const GENESIS_NONCE: u32 = 2_083_236_893;
/// The genesis block hash, display order.
const GENESIS_HASH_HEX: &str = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
