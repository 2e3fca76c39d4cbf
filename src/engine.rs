//! Kernel selection and dispatch: which kernels this CPU can run, and the
//! [`Engine`] that runs one of them. Everything per kernel here is derived
//! from the one kernel list (`arch::kernel_list!`).

use core::ops::ControlFlow;
use core::str::FromStr;
use core::sync::atomic::{AtomicU8, Ordering};

use crate::arch::compress::Compressor;
use crate::arch::{Candidates, JobData, KernelImpl};
use crate::search::{self, NonceRange, SearchJob, SearchOutcome, Solution};
use crate::sha256::{self, Shape};
use crate::{BlockHash, BlockHeader, Error, Kernel, Sha256dHash, Target};

impl Kernel {
    /// Looks a kernel up by [`Kernel::name`] (ASCII case ignored).
    ///
    /// ```
    /// assert_eq!(sha256d::Kernel::from_name("SHA-NI")?, sha256d::Kernel::ShaNi);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::UnknownKernel`].
    pub fn from_name(name: &str) -> Result<Kernel, Error> {
        Kernel::ALL
            .iter()
            .copied()
            .find(|k| k.name().eq_ignore_ascii_case(name))
            .ok_or(Error::UnknownKernel)
    }

    /// Whether this CPU (and this build) can run the kernel and it passed
    /// its self-test.
    ///
    /// ```
    /// assert!(sha256d::Kernel::Scalar.is_available());
    /// ```
    #[must_use]
    pub fn is_available(self) -> bool {
        Engine::new(self).is_ok()
    }

    /// The kernels this CPU can run, in [`Kernel::ALL`] order.
    ///
    /// ```
    /// assert!(sha256d::Kernel::available().any(|k| k == sha256d::Kernel::Scalar));
    /// ```
    pub fn available() -> impl Iterator<Item = Kernel> {
        Kernel::ALL.iter().copied().filter(|k| k.is_available())
    }

    /// The fastest available kernel.
    ///
    /// ```
    /// assert!(sha256d::Kernel::best().is_available());
    /// ```
    #[must_use]
    pub fn best() -> Kernel {
        Engine::best().kernel()
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

/// Turns the kernel list into [`Backend`], one variant per kernel compiled
/// for this target holding its token, and the dispatch over it.
macro_rules! define_backend {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $name:literal, $token:ty, cfg($($cfg:tt)*);
    )+) => {
        /// The kernel with its proof of availability (its token).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Backend {
            $( #[cfg($($cfg)*)] $variant($token), )+
        }

        impl Backend {
            /// The backend for `kernel` if this CPU can run it.
            fn detect(kernel: Kernel) -> Option<Backend> {
                match kernel {
                    $(
                        #[cfg($($cfg)*)]
                        Kernel::$variant => {
                            <$token as KernelImpl>::detect().map(Backend::$variant)
                        }
                    )+
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }

            fn kernel(self) -> Kernel {
                match self {
                    $( #[cfg($($cfg)*)] Backend::$variant(_) => Kernel::$variant, )+
                }
            }

            #[inline]
            fn scan(self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
                match self {
                    $( #[cfg($($cfg)*)] Backend::$variant(k) => k.scan(job, start, count), )+
                }
            }

            fn hash_many(
                self,
                messages: &[u8],
                shape: &Shape,
                double: bool,
                out: &mut [[u8; 32]],
            ) {
                match self {
                    $(
                        #[cfg($($cfg)*)]
                        Backend::$variant(k) => k.hash_many(messages, shape, double, out),
                    )+
                }
            }

            /// The compression behind this kernel's plain hashing: its own
            /// if it has one, else the portable one.
            fn compressor(self) -> Compressor {
                match self {
                    $(
                        #[cfg($($cfg)*)]
                        Backend::$variant(k) => {
                            if <$token as KernelImpl>::COMPRESSES {
                                Compressor::$variant(k)
                            } else {
                                Compressor::scalar()
                            }
                        }
                    )+
                }
            }
        }
    };
}
crate::arch::kernel_list!(define_backend);

/// The portable kernel's backend, available everywhere.
const SCALAR: Backend = Backend::Scalar(crate::arch::scalar::Scalar);

/// Self-test state per kernel: not yet run, passed, failed.
const UNTESTED: u8 = 0;
const PASSED: u8 = 1;
const FAILED: u8 = 2;
static SELF_TEST: [AtomicU8; Kernel::COUNT] = [const { AtomicU8::new(UNTESTED) }; Kernel::COUNT];
/// `Kernel::index() + 1` of the best engine, or 0 before the first call.
static BEST: AtomicU8 = AtomicU8::new(0);

impl Engine {
    /// The engine for `kernel`.
    ///
    /// ```
    /// use sha256d::{Engine, Kernel};
    /// assert_eq!(Engine::new(Kernel::Scalar)?.kernel(), Kernel::Scalar);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
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

    /// The fastest kernel this CPU runs correctly; detection, self-tests
    /// and the timing run on the first call only.
    ///
    /// Every kernel the CPU runs (but the scalar one, when there is another)
    /// searches the same 192 nonces three times in turn, timed with the
    /// CPU's cycle counter, and the fastest best time wins, so that the
    /// choice follows the silicon rather than a rule by CPU model: on AMD
    /// Zen 5, with full-width 512-bit units, the `avx512` kernel searches
    /// about 1.6 times as fast as `sha-ni`, while on Zen 4, which runs
    /// 512-bit instructions as two halves, `sha-ni` is ahead. The whole
    /// timing takes about a third of a millisecond. Where there is no
    /// cycle counter (outside x86, or under Miri), the last available
    /// kernel of [`Kernel::ALL`] is taken.
    ///
    /// ```
    /// let engine = sha256d::Engine::best();
    /// assert_eq!(engine.kernel(), sha256d::Kernel::best());
    /// ```
    #[must_use]
    pub fn best() -> Engine {
        let cached = BEST.load(Ordering::Relaxed);
        if cached != 0
            && let Ok(engine) = Engine::new(Kernel::ALL[usize::from(cached - 1)])
        {
            return engine;
        }
        let engine = Engine::fastest().unwrap_or_else(|| {
            Kernel::ALL
                .iter()
                .copied()
                .rev()
                .find_map(|k| Engine::new(k).ok())
                .unwrap_or(Engine::scalar())
        });
        BEST.store(engine.kernel().index() as u8 + 1, Ordering::Relaxed);
        engine
    }

    /// [`Engine::best`]'s timing: the available engine that searches
    /// fastest here, or `None` without a cycle counter.
    fn fastest() -> Option<Engine> {
        /// Nonces per timing: whole steps of every kernel (2, 3, 4, 8 and
        /// 16 nonces).
        const NONCES: u64 = 192;
        /// Timings of each engine, in turn.
        const ROUNDS: usize = 3;
        crate::arch::ticks()?;
        // Any job does: the kernels' work does not depend on the header.
        let job = JobData::new(
            crate::sha256::IV,
            [0x1d00_ffff, 0x6c3e_2b35, 0x1a2b_3c4d],
            0,
        );
        // The scalar kernel is timed only when it is the only one.
        let others = Engine::available().any(|e| e.kernel() != Kernel::Scalar);
        let candidates = Engine::available().filter(|e| !others || e.kernel() != Kernel::Scalar);
        let mut timed = [None; Kernel::ALL.len()];
        for (slot, engine) in timed.iter_mut().zip(candidates) {
            // The first scan also makes a kernel's own first-use choices.
            core::hint::black_box(engine.backend.scan(&job, 0, NONCES));
            *slot = Some((engine, u64::MAX));
        }
        for _ in 0..ROUNDS {
            for (engine, best) in timed.iter_mut().flatten() {
                let start = crate::arch::ticks()?;
                core::hint::black_box(engine.backend.scan(&job, 0, NONCES));
                let ticks = crate::arch::ticks()?.wrapping_sub(start);
                *best = (*best).min(ticks);
            }
        }
        timed
            .iter()
            .flatten()
            .min_by_key(|(_, best)| *best)
            .map(|(engine, _)| *engine)
    }

    /// An engine for every kernel this CPU runs, in [`Kernel::ALL`] order
    /// (scalar first): what benchmarks and equivalence checks iterate over.
    ///
    /// ```
    /// for engine in sha256d::Engine::available() {
    ///     assert!(engine.kernel().is_available());
    /// }
    /// ```
    pub fn available() -> impl Iterator<Item = Engine> {
        Kernel::ALL
            .iter()
            .copied()
            .filter_map(|k| Engine::new(k).ok())
    }

    /// The portable reference engine, available everywhere.
    ///
    /// ```
    /// const ENGINE: sha256d::Engine = sha256d::Engine::scalar();
    /// assert_eq!(ENGINE.kernel(), sha256d::Kernel::Scalar);
    /// ```
    #[must_use]
    pub const fn scalar() -> Engine {
        Engine { backend: SCALAR }
    }

    /// Which kernel this engine runs.
    ///
    /// ```
    /// println!("running {}", sha256d::Engine::best().kernel());
    /// ```
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
    ///
    /// ```
    /// use sha256d::{Engine, NonceRange, SearchJob, Solution};
    /// # let header = sha256d::BlockHeader::from_hex(concat!(
    /// #     "0100000000000000000000000000000000000000000000000000000000000000",
    /// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    /// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// # ))?;
    /// let job = SearchJob::new(&header, header.bits.to_target()?);
    /// let mut found = [Solution::default(); 2];
    /// let outcome = Engine::best().search(&job, NonceRange::new(header.nonce - 9, 10)?, &mut found);
    /// assert_eq!((outcome.found, found[0].nonce), (1, header.nonce));
    /// # Ok::<(), sha256d::Error>(())
    /// ```
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
            |data, start, count| backend.scan(data, start, count),
            search::fill(out),
        )
    }

    /// Searches `range`, passing each solution to `visitor` in ascending
    /// order; `ControlFlow::Break` stops the search after that solution.
    ///
    /// ```
    /// use core::ops::ControlFlow;
    /// use sha256d::{Engine, NonceRange, SearchJob, Target};
    /// # let header = sha256d::BlockHeader::from_hex(concat!(
    /// #     "0100000000000000000000000000000000000000000000000000000000000000",
    /// #     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    /// #     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// # ))?;
    /// let job = SearchJob::new(&header, Target::ALL_ONES); // every nonce wins
    /// let mut first = None;
    /// let outcome = Engine::best().search_with(&job, NonceRange::new(5, 100)?, |solution| {
    ///     first = Some(solution.nonce);
    ///     ControlFlow::Break(())
    /// });
    /// assert_eq!((first, outcome.tried), (Some(5), 1));
    /// # Ok::<(), sha256d::Error>(())
    /// ```
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
            |data, start, count| backend.scan(data, start, count),
            search::until_break(visitor),
        )
    }

    /// SHA-256d of each 64-byte input into the matching output: the inner
    /// step of Merkle trees; any count works. The many-message path with
    /// 64-byte messages: [`sha256d_each`](Engine::sha256d_each) under
    /// another name.
    ///
    /// ```
    /// let inputs = [[1u8; 64], [2; 64]];
    /// let mut outputs = [sha256d::Sha256dHash::default(); 2];
    /// sha256d::Engine::best().sha256d_64_batch(&inputs, &mut outputs)?;
    /// assert_eq!(outputs[1], sha256d::sha256d(&[2; 64]));
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `outputs` has exactly one element
    /// per input; then nothing is written.
    pub fn sha256d_64_batch(
        &self,
        inputs: &[[u8; 64]],
        outputs: &mut [Sha256dHash],
    ) -> Result<(), Error> {
        self.sha256d_each(inputs, outputs)
    }

    /// [`Engine::sha256d_64_batch`] for callers whose lengths match by
    /// construction (Merkle levels, the self-test).
    pub(crate) fn sha256d_64_pairs(&self, inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]) {
        debug_assert_eq!(inputs.len(), outputs.len());
        let n = inputs.len().min(outputs.len());
        self.backend_hash_many(
            inputs[..n].as_flattened(),
            &Shape::new(64),
            true,
            &mut outputs[..n],
        );
    }

    /// The kernel's many-message hashing (see [`crate::many`]).
    pub(crate) fn backend_hash_many(
        &self,
        messages: &[u8],
        shape: &Shape,
        double: bool,
        out: &mut [[u8; 32]],
    ) {
        self.backend.hash_many(messages, shape, double, out);
    }

    /// The compression behind this engine's plain hashing.
    pub(crate) fn compressor(&self) -> Compressor {
        self.backend.compressor()
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

        let easy = SearchJob::new(&header, Target::ALL_ONES);
        let mut all = [Solution::default(); 13];
        let outcome = self.search(&easy, NonceRange::from_start(u32::MAX - 12), &mut all);
        let easy_ok = outcome.found == 13
            && all
                .iter()
                .zip(u32::MAX - 12..=u32::MAX)
                .all(|(s, n)| s.nonce == n && s.hash == easy.hash(n));

        // Batch hashing against the portable SHA-256d, odd count.
        // More inputs than the widest kernel's sixteen lanes, and a
        // remainder for every width.
        let header_bytes = header.to_bytes();
        let mut inputs = [[0u8; 64]; 19];
        for (i, input) in inputs.iter_mut().enumerate() {
            for (j, byte) in input.iter_mut().enumerate() {
                *byte = header_bytes[(i + j) % header_bytes.len()];
            }
        }
        let mut outputs = [[0u8; 32]; 19];
        self.sha256d_64_pairs(&inputs, &mut outputs);
        let batch_ok = inputs
            .iter()
            .zip(&outputs)
            .all(|(i, o)| *o == sha256::sha256d_64(i));

        // Many messages of other lengths (each padding case), against the
        // portable hash; and the kernel's single-message compression.
        let mut many_ok = true;
        for (len, count) in [(0, 9), (16, 5), (20, 4), (40, 2), (56, 1), (80, 1)] {
            let shape = Shape::new(len);
            let messages = &header_bytes[..len * count];
            for double in [false, true] {
                let mut want = [[0u8; 32]; 9];
                let mut got = [[0u8; 32]; 9];
                sha256::hash_many(messages, &shape, double, &mut want[..count]);
                self.backend_hash_many(messages, &shape, double, &mut got[..count]);
                many_ok &= got == want;
            }
        }
        let compression_ok = self.compressor().self_test();

        genesis_ok && easy_ok && batch_ok && many_ok && compression_ok
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
