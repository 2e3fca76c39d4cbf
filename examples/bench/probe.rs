//! What bounds each kernel on this CPU, measured in well under a second:
//! the throughput (and, for SHA256RNDS2, the latency) of the instructions
//! the kernels are made of, in core cycles, and the core clock itself.
//!
//! Every figure comes from a short loop of one instruction written in
//! `asm!`, so that the compiler can neither remove nor reorder it:
//! - throughput: twelve independent chains (each instruction's result is
//!   its own next input, twelve registers side by side), so that only the
//!   execution units limit the rate; reported as cycles per instruction
//!   (0.25 means four per cycle);
//! - latency: one chain, each instruction waiting for the previous one;
//! - the clock: one chain of dependent 32-bit additions, which take one
//!   cycle on every x86 core, timed against the wall clock.
//!
//! Each loop runs about 50,000 instructions, many times, and the fastest
//! run counts (a run the scheduler interrupted can only look slower).
//! Cycles are wall time times the measured clock.
//!
//! No instruction the CPU lacks ever runs: each probe is compiled with its
//! target features and called only when `is_x86_feature_detected!` (which
//! also asks the OS whether it saves the registers) reports them. The
//! probes exist on x86-64 only; elsewhere [`run`] reports none.

use std::time::Instant;

/// The register width an instruction class was measured at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// 32-bit general-purpose registers (the scalar kernel).
    Gpr32,
    /// 128-bit XMM registers, legacy SSE encoding (the SSE4.1 kernel).
    Xmm,
    /// 256-bit YMM registers: VEX for add, logic and shift; EVEX
    /// (AVX-512VL) for rotate and three-input logic.
    Ymm,
    /// 512-bit ZMM registers (AVX-512F).
    Zmm,
}

impl Width {
    pub fn name(self) -> &'static str {
        match self {
            Width::Gpr32 => "32-bit GPR",
            Width::Xmm => "128-bit",
            Width::Ymm => "256-bit",
            Width::Zmm => "512-bit",
        }
    }
}

/// Cycles per instruction (reciprocal throughput) of the operations the
/// lane kernels and the scalar kernel are made of, at one width.
#[derive(Clone, Copy, Debug)]
pub struct Unit {
    pub width: Width,
    /// 32-bit lane addition.
    pub add: f64,
    /// XOR (taken for AND and OR too, which run on the same units).
    pub logic: f64,
    /// Shift by an immediate.
    pub shift: f64,
    /// Native rotate (`ror`, `vprold`), where the width has one.
    pub rotate: Option<f64>,
    /// Three-input logic (`vpternlogd`), where the width has it.
    pub ternlog: Option<f64>,
}

/// The SHA extensions' figures, in cycles.
#[derive(Clone, Copy, Debug)]
pub struct Sha {
    /// SHA256RNDS2 latency: cycles from its inputs to its result.
    pub rnds2_latency: f64,
    /// SHA256RNDS2 cycles per instruction with independent inputs.
    pub rnds2: f64,
    /// SHA256MSG1 cycles per instruction.
    pub msg1: f64,
    /// SHA256MSG2 cycles per instruction.
    pub msg2: f64,
    /// Cycles per group of five SHA256RNDS2, one SHA256MSG1 and one
    /// SHA256MSG2, all independent: the nonce search's mix (61, 12 and
    /// 12 per nonce), which shows whether they share an execution unit.
    pub mix: f64,
}

/// Everything the probe measured.
#[derive(Clone, Debug)]
pub struct Probe {
    /// Core clock from the dependent-add chain, MHz.
    pub clock_mhz: f64,
    /// SHA-NI figures, when the CPU has it.
    pub sha: Option<Sha>,
    /// One entry per width the CPU has.
    pub units: Vec<Unit>,
    /// Wall time the probe took, seconds.
    pub seconds: f64,
}

impl Probe {
    pub fn unit(&self, width: Width) -> Option<&Unit> {
        self.units.iter().find(|u| u.width == width)
    }
}

/// Runs the probe, or `None` on an architecture it does not know.
pub fn run() -> Option<Probe> {
    imp::run()
}

/// Times `body(iterations)` `runs` times and returns the fastest run in
/// seconds.
fn fastest(runs: usize, iterations: u64, body: impl Fn(u64)) -> f64 {
    body(iterations / 8); // warm up the unit and the caches
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            body(iterations);
            started.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

#[cfg(not(target_arch = "x86_64"))]
mod imp {
    pub fn run() -> Option<super::Probe> {
        None
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod imp {
    use std::arch::{asm, is_x86_feature_detected};
    use std::time::Instant;

    use super::{Probe, Sha, Unit, Width, fastest};

    /// Loop iterations per timed run; every probe loop body holds
    /// [`PER_ITERATION`] instructions of the measured kind.
    const ITERATIONS: u64 = 2048;
    const PER_ITERATION: u64 = 24;
    /// Timed runs per probe (the fastest counts).
    const RUNS: usize = 100;

    /// One line per register of the list, each the pieces in parentheses
    /// with `R` replaced by the register: `chains!([1 2] ("paddd xmm" R ",
    /// xmm13"))` is `"paddd xmm1, xmm13\npaddd xmm2, xmm13\n"`.
    macro_rules! chains {
        (@line $r:tt; ($($piece:tt)*)) => { concat!($(chains!(@piece $r; $piece)),*, "\n") };
        (@piece $r:tt; R) => { stringify!($r) };
        (@piece $r:tt; $s:literal) => { $s };
        ([$($r:tt)*] $pieces:tt) => { concat!($(chains!(@line $r; $pieces)),*) };
    }

    /// Twelve independent chains: registers 1 to 12.
    macro_rules! twelve {
        ($pieces:tt) => { chains!([1 2 3 4 5 6 7 8 9 10 11 12] $pieces) };
    }

    /// Twelve instructions on one chain (register 1): latency.
    macro_rules! one_chain {
        ($pieces:tt) => { chains!([1 1 1 1 1 1 1 1 1 1 1 1] $pieces) };
    }

    /// `unsafe fn $name(iterations)`: a loop of `iterations` times the
    /// body twice (24 instructions), compiled with `$features`; `$tail`
    /// runs after the loop (`vzeroupper` after YMM or ZMM code, so that
    /// later legacy-SSE code pays no transition).
    macro_rules! probe_loop {
        ($name:ident, $features:literal, $tail:literal, $body:expr) => {
            /// # Safety
            /// The CPU must have this function's target features.
            #[target_feature(enable = $features)]
            unsafe fn $name(iterations: u64) {
                // SAFETY: the caller checked the target features. The
                // loop touches no memory and only registers that the
                // clobber list and the `r12` operand declare.
                unsafe {
                    asm!(
                        "2:", $body, $body, "dec r12", "jnz 2b", $tail,
                        inout("r12") iterations => _,
                        clobber_abi("sysv64"),
                        options(nomem, nostack),
                    )
                }
            }
        };
    }

    // The clock: one chain of dependent additions, one cycle each.
    probe_loop!(
        clock_chain,
        "sse2",
        "",
        chains!([eax eax eax eax eax eax eax eax eax eax eax eax] ("add " R ", ecx"))
    );

    // 32-bit general-purpose registers (eight chains: eax..r10d; the
    // count per iteration stays 24).
    macro_rules! gpr {
        ($name:ident, $($pieces:tt)*) => {
            probe_loop!($name, "sse2", "", chains!([eax ecx edx esi edi r8d r9d r10d eax ecx edx esi] ($($pieces)*)));
        };
    }
    gpr!(gpr_add, "add " R ", r11d");
    gpr!(gpr_xor, "xor " R ", r11d");
    gpr!(gpr_shift, "shr " R ", 3");
    gpr!(gpr_rotate, "ror " R ", 7");

    probe_loop!(xmm_add, "sse4.1", "", twelve!(("paddd xmm" R ", xmm13")));
    probe_loop!(xmm_xor, "sse4.1", "", twelve!(("pxor xmm" R ", xmm13")));
    probe_loop!(xmm_shift, "sse4.1", "", twelve!(("psrld xmm" R ", 3")));

    probe_loop!(
        ymm_add,
        "avx2",
        "vzeroupper",
        twelve!(("vpaddd ymm" R ", ymm" R ", ymm13"))
    );
    probe_loop!(
        ymm_xor,
        "avx2",
        "vzeroupper",
        twelve!(("vpxor ymm" R ", ymm" R ", ymm13"))
    );
    probe_loop!(
        ymm_shift,
        "avx2",
        "vzeroupper",
        twelve!(("vpsrld ymm" R ", ymm" R ", 3"))
    );
    probe_loop!(
        ymm_rotate,
        "avx512f,avx512vl",
        "vzeroupper",
        twelve!(("vprold ymm" R ", ymm" R ", 7"))
    );
    probe_loop!(
        ymm_ternlog,
        "avx512f,avx512vl",
        "vzeroupper",
        twelve!(("vpternlogd ymm" R ", ymm13, ymm14, 0x96"))
    );

    probe_loop!(
        zmm_add,
        "avx512f",
        "vzeroupper",
        twelve!(("vpaddd zmm" R ", zmm" R ", zmm13"))
    );
    probe_loop!(
        zmm_xor,
        "avx512f",
        "vzeroupper",
        twelve!(("vpxord zmm" R ", zmm" R ", zmm13"))
    );
    probe_loop!(
        zmm_shift,
        "avx512f",
        "vzeroupper",
        twelve!(("vpsrld zmm" R ", zmm" R ", 3"))
    );
    probe_loop!(
        zmm_rotate,
        "avx512f",
        "vzeroupper",
        twelve!(("vprold zmm" R ", zmm" R ", 7"))
    );
    probe_loop!(
        zmm_ternlog,
        "avx512f",
        "vzeroupper",
        twelve!(("vpternlogd zmm" R ", zmm13, zmm14, 0x96"))
    );

    // SHA256RNDS2 reads XMM0 implicitly; it is never a chain register.
    probe_loop!(
        sha_rnds2_latency,
        "sha,sse4.1",
        "",
        one_chain!(("sha256rnds2 xmm" R ", xmm13"))
    );
    probe_loop!(
        sha_rnds2,
        "sha,sse4.1",
        "",
        twelve!(("sha256rnds2 xmm" R ", xmm13"))
    );
    probe_loop!(
        sha_msg1,
        "sha,sse4.1",
        "",
        twelve!(("sha256msg1 xmm" R ", xmm13"))
    );
    probe_loop!(
        sha_msg2,
        "sha,sse4.1",
        "",
        twelve!(("sha256msg2 xmm" R ", xmm13"))
    );
    // Two groups of five SHA256RNDS2, one SHA256MSG1 and one SHA256MSG2
    // (ten RNDS2 chains, two MSG1 and two MSG2 chains; XMM14 is the shared
    // input), twice per iteration: four groups, 28 instructions.
    probe_loop!(
        sha_mix,
        "sha,sse4.1",
        "",
        concat!(
            chains!([1 2 3 4 5] ("sha256rnds2 xmm" R ", xmm14")),
            "sha256msg1 xmm11, xmm14\n",
            "sha256msg2 xmm13, xmm14\n",
            chains!([6 7 8 9 10] ("sha256rnds2 xmm" R ", xmm14")),
            "sha256msg1 xmm12, xmm14\n",
            "sha256msg2 xmm15, xmm14\n",
        )
    );
    /// Groups of the mix per iteration of `sha_mix`.
    const MIX_GROUPS_PER_ITERATION: u64 = 4;

    /// Cycles per instruction of `probe` (fastest run), given the
    /// seconds per cycle; `None` unless `available`, the run-time detection
    /// of the target features `probe` is compiled with.
    fn cycles(probe: ProbeFn, available: bool, second_per_cycle: f64) -> Option<f64> {
        available.then(|| {
            let seconds = fastest(RUNS, ITERATIONS, |n| {
                // SAFETY: `available` says that the CPU has the target
                // features `probe` is compiled with.
                unsafe { probe(n) }
            });
            seconds / (ITERATIONS * PER_ITERATION) as f64 / second_per_cycle
        })
    }

    /// A probe loop: `unsafe` because it needs its target features.
    type ProbeFn = unsafe fn(u64);

    /// One width's figures, if `available` (the detection of every
    /// feature of `base` and of the `wide` probes that are `Some`).
    fn unit(
        width: Width,
        available: bool,
        [add, logic, shift]: [ProbeFn; 3],
        [rotate, ternlog]: [Option<ProbeFn>; 2],
        second_per_cycle: f64,
    ) -> Option<Unit> {
        let cpi = |probe: ProbeFn| cycles(probe, true, second_per_cycle).unwrap_or(f64::NAN);
        available.then(|| Unit {
            width,
            add: cpi(add),
            logic: cpi(logic),
            shift: cpi(shift),
            rotate: rotate.map(cpi),
            ternlog: ternlog.map(cpi),
        })
    }

    pub fn run() -> Option<Probe> {
        let started = Instant::now();
        // The clock: one cycle per instruction, so the seconds per
        // instruction are the seconds per cycle. Every other figure is
        // scaled by it, so it gets four times the runs, and it is measured
        // again at the end (below).
        let clock = || {
            (0..4)
                .filter_map(|_| cycles(clock_chain, true, 1.0))
                .fold(f64::MAX, f64::min)
        };
        let second_per_cycle = clock();
        let cpi = |probe: ProbeFn, available: bool| cycles(probe, available, second_per_cycle);

        let sse41 = is_x86_feature_detected!("sse4.1");
        let avx2 = is_x86_feature_detected!("avx2");
        let avx512 = is_x86_feature_detected!("avx512f");
        let avx512vl = avx512 && is_x86_feature_detected!("avx512vl");
        let sha = sse41 && is_x86_feature_detected!("sha");
        let mut units: Vec<Unit> = [
            unit(
                Width::Gpr32,
                true,
                [gpr_add, gpr_xor, gpr_shift],
                [Some(gpr_rotate), None],
                second_per_cycle,
            ),
            unit(
                Width::Xmm,
                sse41,
                [xmm_add, xmm_xor, xmm_shift],
                [None, None],
                second_per_cycle,
            ),
            unit(
                Width::Ymm,
                avx2,
                [ymm_add, ymm_xor, ymm_shift],
                if avx512vl {
                    [Some(ymm_rotate), Some(ymm_ternlog)]
                } else {
                    [None, None]
                },
                second_per_cycle,
            ),
            unit(
                Width::Zmm,
                avx512,
                [zmm_add, zmm_xor, zmm_shift],
                [Some(zmm_rotate), Some(zmm_ternlog)],
                second_per_cycle,
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut sha = sha.then(|| Sha {
            rnds2_latency: cpi(sha_rnds2_latency, true).unwrap_or(f64::NAN),
            rnds2: cpi(sha_rnds2, true).unwrap_or(f64::NAN),
            msg1: cpi(sha_msg1, true).unwrap_or(f64::NAN),
            msg2: cpi(sha_msg2, true).unwrap_or(f64::NAN),
            // Per group rather than per instruction.
            mix: cpi(sha_mix, true).unwrap_or(f64::NAN) * PER_ITERATION as f64
                / MIX_GROUPS_PER_ITERATION as f64,
        });
        // A core whose clock rose during the probe (a boost, a neighbour
        // gone quiet) ran the first figures faster than the first clock
        // says: the fastest clock seen counts, and every figure is scaled
        // to it.
        let fastest_clock = second_per_cycle.min(clock());
        let scale = second_per_cycle / fastest_clock;
        for u in &mut units {
            for x in [&mut u.add, &mut u.logic, &mut u.shift]
                .into_iter()
                .chain(u.rotate.as_mut())
                .chain(u.ternlog.as_mut())
            {
                *x *= scale;
            }
        }
        if let Some(s) = &mut sha {
            for x in [
                &mut s.rnds2_latency,
                &mut s.rnds2,
                &mut s.msg1,
                &mut s.msg2,
                &mut s.mix,
            ] {
                *x *= scale;
            }
        }
        Some(Probe {
            clock_mhz: 1e-6 / fastest_clock,
            sha,
            units,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

/// The core clock in MHz where there is no probe (not x86-64): a chain of
/// dependent steps of two one-cycle instructions (rotate, add) in Rust,
/// timed many times, the fastest run counting. The rotation keeps the
/// compiler from folding the chain into a formula.
pub fn fallback_clock_mhz() -> f64 {
    const STEPS: u64 = 1 << 20;
    const CYCLES_PER_STEP: f64 = 2.0;
    const RUNS: usize = 100;
    let constant = std::hint::black_box(0x9e37_79b9_7f4a_7c15u64);
    let seconds = fastest(RUNS, STEPS / 8, |iterations| {
        let mut x = std::hint::black_box(1u64);
        for _ in 0..iterations {
            for _ in 0..8 {
                x = x.rotate_left(1).wrapping_add(constant);
            }
        }
        std::hint::black_box(x);
    });
    STEPS as f64 * CYCLES_PER_STEP / seconds / 1e6
}
