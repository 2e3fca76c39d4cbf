//! Hash rate of every kernel this CPU runs, and of the peers (other
//! crates' SHA-256 in a midstate loop, as in `benches/search.rs`), on one
//! thread and on all threads, as a table (or JSON): the quick way to
//! compare machines.
//!
//! ```text
//! cargo run --release --example bench
//! cargo run --release --example bench -- --seconds 5 --threads 4
//! cargo run --release --example bench -- --json
//! ```
//!
//! Each kernel and peer searches block 830,000's header with its own
//! target (as in real mining: almost no solutions) for a fixed time,
//! default 2 seconds. Columns: kernel or peer, threads, MH/s, cycles per
//! nonce per thread, and the speed-up over the scalar kernel and over the
//! `sha2` peer at the same thread count.
//!
//! Cycles per nonce need the core clock. It is measured (not read from
//! `/proc/cpuinfo`, which on many machines shows the nominal rather than
//! the boost clock): a dependent chain of rotate and add instructions, one
//! cycle each, is timed against the wall clock many times for about a
//! millisecond each, and the fastest run counts (a run the scheduler
//! interrupted can only look slower). `--mhz` overrides it. The table's
//! last line says which clock was used.
//!
//! `--json` prints `{"clock_mhz": F, "clock_source": "measured" | "--mhz",
//! "results": [{"kernel": "sha-ni", "peer": false, "threads": 1, "mhs": F,
//! "cycles_per_nonce": F, "seconds": F, "hashes": N}, ...]}` on stdout
//! instead; peers have `"peer": true` and their name as `"kernel"`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use sha256d::parallel::ParallelSearch;
use sha256d::{BlockHeader, Engine, Kernel, NonceRange, SearchJob};

#[path = "../benches/common/peers.rs"]
mod peers;
use peers::{BitcoinHashesPeer, Sha2Peer};

/// Block 830,000, from `tests/vectors/block-830000-header.txt`.
const HEADER_HEX: &str = concat!(
    "0080ee2578a3104f1a64159e5a953a4a1015795a1e66894bf7c0020000000000",
    "0000000070adb2fd1ac9b017ea1a2e66457af0514dfbae502efd20473e6e77c2",
    "d4cf568a410fc9655dba0317403497a1",
);

#[derive(Parser, Debug)]
#[command(about = "Measure the nonce-search hash rate of every available kernel")]
struct Cli {
    /// Seconds to run each kernel at each thread count
    #[arg(long, value_name = "F", default_value_t = 2.0)]
    seconds: f64,
    /// Most threads to measure [default: all cores]
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// CPU clock in MHz for the cycles-per-nonce column [default: measured]
    #[arg(long, value_name = "MHZ")]
    mhz: Option<f64>,
    /// Print JSON on stdout instead of a table
    #[arg(long)]
    json: bool,
}

/// What was measured: one of the crate's kernels, or a peer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Subject {
    Kernel(Kernel),
    Peer(&'static str),
}

impl Subject {
    fn name(self) -> &'static str {
        match self {
            Subject::Kernel(kernel) => kernel.name(),
            Subject::Peer(name) => name.strip_prefix("peer/").unwrap_or(name),
        }
    }
}

/// One kernel or peer at one thread count.
struct Measurement {
    subject: Subject,
    threads: usize,
    hashes: u64,
    seconds: f64,
}

impl Measurement {
    fn mhs(&self) -> f64 {
        self.hashes as f64 / self.seconds / 1e6
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            let message = e.to_string();
            eprintln!(
                "{}",
                message.lines().next().unwrap_or("error: bad arguments")
            );
            return ExitCode::from(2);
        }
    };
    if !(cli.seconds.is_finite() && cli.seconds > 0.0 && cli.seconds <= 3600.0) {
        eprintln!("error: --seconds: must be more than 0 and at most 3600");
        return ExitCode::from(2);
    }
    if cli.mhz.is_some_and(|mhz| !(mhz.is_finite() && mhz > 0.0)) {
        eprintln!("error: --mhz: must be a number greater than 0");
        return ExitCode::from(2);
    }
    let max_threads = match cli.threads {
        Some(0) => {
            eprintln!("error: --threads: must be at least 1");
            return ExitCode::from(2);
        }
        Some(n) => n,
        None => thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let thread_counts: Vec<usize> = if max_threads == 1 {
        vec![1]
    } else {
        vec![1, max_threads]
    };

    let header = match BlockHeader::from_hex(HEADER_HEX) {
        Ok(header) => header,
        Err(e) => {
            eprintln!("error: built-in header: {e}");
            return ExitCode::FAILURE;
        }
    };
    let target = match header.bits.to_target() {
        Ok(target) => target,
        Err(e) => {
            eprintln!("error: built-in header's bits: {e}");
            return ExitCode::FAILURE;
        }
    };
    let job = SearchJob::new(&header, target);
    let duration = Duration::from_secs_f64(cli.seconds);
    let sha2_peer = Sha2Peer::new(&header, target);
    let bitcoin_hashes_peer = BitcoinHashesPeer::new(&header, target);

    // Say what is running, on a terminal only.
    let show_status = std::io::stderr().is_terminal();
    let mut results = Vec::new();
    for engine in Engine::available() {
        for &threads in &thread_counts {
            if show_status {
                eprint!("measuring {} on {threads} thread(s)...\r", engine.kernel());
            }
            results.push(measure(engine, threads, &job, duration));
        }
    }
    for &threads in &thread_counts {
        if show_status {
            eprint!("measuring the peers on {threads} thread(s)...\r");
        }
        results.push(measure_peer(
            Sha2Peer::NAME,
            threads,
            duration,
            |start, count| sha2_peer.search(start, count),
        ));
        results.push(measure_peer(
            BitcoinHashesPeer::NAME,
            threads,
            duration,
            |start, count| bitcoin_hashes_peer.search(start, count),
        ));
    }
    let clock = match cli.mhz {
        Some(mhz) => Clock {
            mhz,
            source: "--mhz",
        },
        None => {
            if show_status {
                eprint!("{:60}\r", "measuring the core clock...");
            }
            Clock {
                mhz: measure_clock_mhz(),
                source: "measured",
            }
        }
    };
    if show_status {
        eprint!("{:60}\r", "");
    }

    if cli.json {
        print_json(&results, clock);
    } else {
        print_table(&results, clock);
    }
    ExitCode::SUCCESS
}

/// The core clock used for cycles per nonce, and where it came from.
#[derive(Clone, Copy)]
struct Clock {
    mhz: f64,
    source: &'static str,
}

/// Runs `engine` on `threads` threads for about `duration`, starting over
/// at nonce 0 if it runs through the whole nonce space.
fn measure(engine: Engine, threads: usize, job: &SearchJob, duration: Duration) -> Measurement {
    let time_up = AtomicBool::new(false);
    let search = ParallelSearch::new(engine)
        .threads(threads)
        .cancel_flag(&time_up);
    let started = Instant::now();
    let hashes = thread::scope(|scope| {
        scope.spawn(|| {
            thread::sleep(duration);
            time_up.store(true, Ordering::Relaxed);
        });
        let mut hashes = 0;
        while !time_up.load(Ordering::Relaxed) {
            hashes += search.search(job, NonceRange::FULL).hashed;
        }
        hashes
    });
    Measurement {
        subject: Subject::Kernel(engine.kernel()),
        threads,
        hashes,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Nonces a peer hashes between two looks at the clock.
const PEER_CHUNK: u32 = 1 << 16;

/// Runs a peer's `search(start, count)` on `threads` threads for about
/// `duration`, each thread on its own nonces.
fn measure_peer(
    name: &'static str,
    threads: usize,
    duration: Duration,
    search: impl Fn(u32, u32) -> u32 + Sync,
) -> Measurement {
    let time_up = AtomicBool::new(false);
    let started = Instant::now();
    let hashes: u64 = thread::scope(|scope| {
        scope.spawn(|| {
            thread::sleep(duration);
            time_up.store(true, Ordering::Relaxed);
        });
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (search, time_up) = (&search, &time_up);
                scope.spawn(move || {
                    let mut start = (t as u32).wrapping_mul(1 << 28);
                    let mut hashes = 0u64;
                    while !time_up.load(Ordering::Relaxed) {
                        std::hint::black_box(search(start, PEER_CHUNK));
                        start = start.wrapping_add(PEER_CHUNK);
                        hashes += u64::from(PEER_CHUNK);
                    }
                    hashes
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("peer thread"))
            .sum()
    });
    Measurement {
        subject: Subject::Peer(name),
        threads,
        hashes,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// The core clock in MHz, measured: a chain of `STEPS` dependent steps of
/// two one-cycle instructions (rotate, add) is timed many times, and the
/// fastest run counts, since being descheduled can only make a run slower.
/// The rotation keeps the compiler from folding the chain into a formula.
fn measure_clock_mhz() -> f64 {
    const STEPS: u64 = 1 << 20;
    const CYCLES_PER_STEP: f64 = 2.0;
    const RUNS: usize = 400;
    let constant = std::hint::black_box(0x9e37_79b9_7f4a_7c15u64);
    let mut best = f64::MAX;
    for _ in 0..RUNS {
        let mut x = std::hint::black_box(1u64);
        let started = Instant::now();
        for _ in 0..STEPS / 8 {
            for _ in 0..8 {
                x = x.rotate_left(1).wrapping_add(constant);
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        std::hint::black_box(x);
        best = best.min(seconds);
    }
    STEPS as f64 * CYCLES_PER_STEP / best / 1e6
}

fn print_table(results: &[Measurement], clock: Clock) {
    println!(
        "{:<24} {:>7} {:>10} {:>13} {:>9} {:>9}",
        "kernel or peer", "threads", "MH/s", "cycles/nonce", "x scalar", "x sha2"
    );
    for m in results {
        let relative = |to: Subject| {
            results
                .iter()
                .find(|r| r.subject == to && r.threads == m.threads)
                .map(|r| m.mhs() / r.mhs())
                .filter(|x| x.is_finite())
                .map_or_else(|| "-".to_string(), |x| format!("{x:.2}"))
        };
        println!(
            "{:<24} {:>7} {:>10.2} {:>13} {:>9} {:>9}",
            m.subject.name(),
            m.threads,
            m.mhs(),
            cycles_per_nonce(m, clock).map_or_else(|| "-".to_string(), |c| format!("{c:.0}")),
            relative(Subject::Kernel(Kernel::Scalar)),
            relative(Subject::Peer(Sha2Peer::NAME)),
        );
    }
    println!("(clock {:.0} MHz, {})", clock.mhz, clock.source);
}

/// Cycles per nonce on each thread: every thread runs on its own core at
/// the clock's rate.
fn cycles_per_nonce(m: &Measurement, clock: Clock) -> Option<f64> {
    Some(clock.mhz * m.threads as f64 / m.mhs()).filter(|c| c.is_finite())
}

fn print_json(results: &[Measurement], clock: Clock) {
    let results: Vec<serde_json::Value> = results
        .iter()
        .map(|m| {
            serde_json::json!({
                "kernel": m.subject.name(),
                "peer": matches!(m.subject, Subject::Peer(_)),
                "threads": m.threads,
                "mhs": m.mhs(),
                "cycles_per_nonce": cycles_per_nonce(m, clock),
                "seconds": m.seconds,
                "hashes": m.hashes,
            })
        })
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "clock_mhz": clock.mhz,
            "clock_source": clock.source,
            "results": results,
        })
    );
}
