//! Hash rate of every kernel this CPU runs, on one thread and on all
//! threads, as a table (or JSON).
//!
//! ```text
//! cargo run --release --example bench
//! cargo run --release --example bench -- --seconds 5 --threads 4
//! cargo run --release --example bench -- --json
//! ```
//!
//! Each kernel searches block 830,000's header with its own target (as in
//! real mining: almost no solutions) for a fixed time, default 2 seconds.
//! Columns: kernel, threads, MH/s, cycles per nonce per thread (when the
//! clock is known: `--mhz`, or the `cpu MHz` line of `/proc/cpuinfo` on
//! Linux, which on many machines is the nominal rather than the boost
//! clock), and the speed-up over the scalar kernel at the same thread
//! count.
//!
//! `--json` prints `{"results": [{"kernel": "sha-ni", "threads": 1, "mhs":
//! F, "seconds": F, "hashes": N}, ...]}` on stdout instead.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use sha256d::parallel::ParallelSearch;
use sha256d::{BlockHeader, Engine, Kernel, NonceRange, SearchJob};

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
    /// CPU clock in MHz for the cycles-per-nonce column [default: from /proc/cpuinfo if present]
    #[arg(long, value_name = "MHZ")]
    mhz: Option<f64>,
    /// Print JSON on stdout instead of a table
    #[arg(long)]
    json: bool,
}

/// One kernel at one thread count.
struct Measurement {
    kernel: Kernel,
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
    if show_status {
        eprint!("{:60}\r", "");
    }

    if cli.json {
        print_json(&results);
    } else {
        let mhz = cli.mhz.or_else(clock_mhz_from_cpuinfo);
        print_table(&results, mhz);
    }
    ExitCode::SUCCESS
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
        kernel: engine.kernel(),
        threads,
        hashes,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// The first `cpu MHz` value in `/proc/cpuinfo`, on Linux.
fn clock_mhz_from_cpuinfo() -> Option<f64> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    cpuinfo
        .lines()
        .filter(|line| line.starts_with("cpu MHz"))
        .find_map(|line| line.split(':').nth(1)?.trim().parse::<f64>().ok())
        .filter(|mhz| *mhz > 0.0)
}

fn print_table(results: &[Measurement], mhz: Option<f64>) {
    let cycles_column = mhz.is_some();
    print!("{:<8} {:>7} {:>10}", "kernel", "threads", "MH/s");
    if cycles_column {
        print!(" {:>14}", "cycles/nonce");
    }
    println!(" {:>15}", "x scalar");
    for m in results {
        print!("{:<8} {:>7} {:>10.2}", m.kernel.name(), m.threads, m.mhs());
        if let Some(mhz) = mhz {
            // Each thread runs on its own core at `mhz` million cycles a second.
            let cycles = mhz * m.threads as f64 / m.mhs();
            if cycles.is_finite() {
                print!(" {cycles:>14.0}");
            } else {
                print!(" {:>14}", "-");
            }
        }
        let scalar = results
            .iter()
            .find(|s| s.kernel == Kernel::Scalar && s.threads == m.threads);
        match scalar {
            Some(scalar) => println!(" {:>15.2}", m.mhs() / scalar.mhs()),
            None => println!(" {:>15}", "-"),
        }
    }
    if let Some(mhz) = mhz {
        println!("(clock {mhz:.0} MHz)");
    }
}

fn print_json(results: &[Measurement]) {
    let results: Vec<serde_json::Value> = results
        .iter()
        .map(|m| {
            serde_json::json!({
                "kernel": m.kernel.name(),
                "threads": m.threads,
                "mhs": m.mhs(),
                "seconds": m.seconds,
                "hashes": m.hashes,
            })
        })
        .collect();
    println!("{}", serde_json::json!({ "results": results }));
}
