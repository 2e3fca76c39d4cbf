//! A command-line nonce miner on all cores.
//!
//! With no arguments it re-mines Bitcoin block 830,000: it starts 200
//! million nonces before the block's real nonce, finds it, prints the block
//! hash and checks it against the known hash (exit status 1 if they
//! differ).
//!
//! ```text
//! cargo run --release --example miner
//! cargo run --release --example miner -- --header HEX --start 0 --count 1000000 --bits 1d00ffff
//! cargo run --release --example miner -- --difficulty 0.001 --all --json --kernel avx2 --threads 1
//! ```
//!
//! Options:
//! - `--header HEX`: the 80-byte header to mine, wire format (its nonce is
//!   ignored). Default: block 830,000, starting 200 million nonces before
//!   its nonce.
//! - `--start N`, `--count N`: the nonce range (default: from 0, or from
//!   the demo start, to the end of the 32-bit space).
//! - `--target HEX` (64 digits, big-endian as Bitcoin displays targets),
//!   `--bits HEX` (compact nBits) or `--difficulty D`; default: the
//!   header's own bits.
//! - `--threads N`: default all cores. `--kernel auto|scalar|sse41|avx2|sha-ni`
//!   (any kernel name of the library); forcing one this CPU lacks fails.
//! - `--all`: report every winning nonce instead of stopping at the first.
//! - `--json`: print one JSON object on stdout at the end:
//!   `{"kernel", "threads", "start", "count", "hashes", "seconds", "mhs",
//!   "nonces": [...], "hashes_hex": [...]}`, nonces ascending and block
//!   hashes in display order.
//!
//! While it runs, kernel, threads, hash rate and progress are shown on
//! stderr about once a second if stderr is a terminal.
//!
//! Exit status: 0 when the search ran (whether or not it found a nonce),
//! 1 when the built-in demo block's hash does not match, 2 on bad input
//! (a one-line message on stderr).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use sha256d::parallel::{ParallelOutcome, ParallelSearch};
use sha256d::{BlockHeader, CompactTarget, Engine, Kernel, NonceRange, SearchJob, Target};

/// Block 830,000, from `tests/vectors/block-830000-header.txt`.
const DEMO_HEADER_HEX: &str = concat!(
    "0080ee2578a3104f1a64159e5a953a4a1015795a1e66894bf7c0020000000000",
    "0000000070adb2fd1ac9b017ea1a2e66457af0514dfbae502efd20473e6e77c2",
    "d4cf568a410fc9655dba0317403497a1",
);
/// Its nonce (header bytes 76..80, little-endian).
const DEMO_NONCE: u32 = 2_711_041_088;
/// Its hash in display order: the previous-block field of block 830,001
/// (`tests/vectors/mainnet-822528-830592-headers.txt`), reversed.
const DEMO_HASH: &str = "000000000000000000011d55599ed27d7efca05f5849b755319c89eb2cffbc1f";
/// How far before the real nonce the demo starts: a few seconds of work
/// for a fast kernel on a few cores.
const DEMO_LEAD: u32 = 200_000_000;

#[derive(Parser, Debug)]
#[command(about = "Search Bitcoin block-header nonces on all cores")]
struct Cli {
    /// 80-byte header, hex, wire format; its nonce is ignored [default: block 830,000]
    #[arg(long, value_name = "HEX")]
    header: Option<String>,
    /// First nonce [default: 0, or 200 million before the demo block's nonce]
    #[arg(long, value_name = "N")]
    start: Option<u32>,
    /// Number of nonces [default: to the end of the 32-bit space]
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Target, 64 hex digits, big-endian as Bitcoin displays it
    #[arg(long, value_name = "HEX", conflicts_with_all = ["bits", "difficulty"])]
    target: Option<String>,
    /// Compact target (nBits), hex, e.g. 1d00ffff
    #[arg(long, value_name = "HEX", conflicts_with = "difficulty")]
    bits: Option<String>,
    /// Difficulty (1 is nBits 1d00ffff)
    #[arg(long, value_name = "D", allow_negative_numbers = true)]
    difficulty: Option<f64>,
    /// Threads [default: all cores]
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Kernel: auto or a kernel name (scalar, sse41, avx2, sha-ni, ...)
    #[arg(long, value_name = "NAME", default_value = "auto")]
    kernel: String,
    /// Report every winning nonce in the range instead of stopping at the first
    #[arg(long)]
    all: bool,
    /// Print one JSON object on stdout at the end
    #[arg(long)]
    json: bool,
}

/// A bad command line, as one line for the user.
struct UsageError(String);

/// The error for option `what`, with the library's description of it.
fn bad(what: &str, error: impl std::fmt::Display) -> UsageError {
    UsageError(format!("{what}: {error}"))
}

/// Compact nBits as hex, with or without `0x`.
fn parse_bits(text: &str) -> Result<Target, UsageError> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    let bits = u32::from_str_radix(digits, 16)
        .map_err(|e| bad(&format!("--bits {text}"), format!("not 8 hex digits ({e})")))?;
    CompactTarget::from_consensus(bits)
        .to_target()
        .map_err(|e| bad(&format!("--bits {text}"), e))
}

/// Everything the command line decides.
struct Plan {
    header: BlockHeader,
    target: Target,
    range: NonceRange,
    engine: Engine,
    threads: usize,
    /// Mining the built-in block with its own target: check the answer.
    verify_demo: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout with status 0.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            let message = e.to_string();
            let first_line = message.lines().next().unwrap_or("error: bad arguments");
            eprintln!("{first_line}");
            return ExitCode::from(2);
        }
    };
    let plan = match plan(&cli) {
        Ok(plan) => plan,
        Err(UsageError(message)) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    run(&cli, &plan)
}

fn plan(cli: &Cli) -> Result<Plan, UsageError> {
    let demo = cli.header.is_none();
    let header = BlockHeader::from_hex(cli.header.as_deref().unwrap_or(DEMO_HEADER_HEX))
        .map_err(|e| bad("--header", e))?;

    let own_target = cli.target.is_none() && cli.bits.is_none() && cli.difficulty.is_none();
    let target = if let Some(hex) = &cli.target {
        Target::from_be_hex(hex).map_err(|e| bad("--target", e))?
    } else if let Some(bits) = &cli.bits {
        parse_bits(bits)?
    } else if let Some(difficulty) = cli.difficulty {
        Target::from_difficulty(difficulty).map_err(|e| bad("--difficulty", e))?
    } else {
        (header.bits.to_target()).map_err(|e| bad("the header's bits field", e))?
    };

    let default_start = if demo { DEMO_NONCE - DEMO_LEAD } else { 0 };
    let start = cli.start.unwrap_or(default_start);
    let range = match cli.count {
        Some(count) => NonceRange::new(start, count)
            .map_err(|e| bad(&format!("--start {start} --count {count}"), e))?,
        None => NonceRange::from_start(start),
    };

    let engine = if cli.kernel.eq_ignore_ascii_case("auto") {
        Engine::best()
    } else {
        let kernel = Kernel::from_name(&cli.kernel).map_err(|_| {
            let names: Vec<&str> = Kernel::ALL.iter().map(|k| k.name()).collect();
            UsageError(format!(
                "--kernel {}: unknown kernel (known: auto, {})",
                cli.kernel,
                names.join(", ")
            ))
        })?;
        Engine::new(kernel).map_err(|e| bad("--kernel", e))?
    };

    let threads = match cli.threads {
        Some(0) => return Err(UsageError("--threads: must be at least 1".into())),
        Some(n) => n,
        None => thread::available_parallelism().map_or(1, |n| n.get()),
    };

    Ok(Plan {
        header,
        target,
        range,
        engine,
        threads,
        verify_demo: demo && own_target && range.contains(DEMO_NONCE),
    })
}

fn run(cli: &Cli, plan: &Plan) -> ExitCode {
    let job = SearchJob::new(&plan.header, plan.target);
    let search = ParallelSearch::new(plan.engine)
        .threads(plan.threads)
        .stop_at_first(!cli.all);
    let show_progress = std::io::stderr().is_terminal();
    let progress = AtomicU64::new(0);
    let finished = AtomicBool::new(false);

    if !cli.json {
        print_plan(plan);
    }
    let started = Instant::now();
    let outcome = thread::scope(|scope| {
        if show_progress {
            scope.spawn(|| report_progress(plan, &progress, &finished, started));
        }
        let outcome = search.progress(&progress).search(&job, plan.range);
        finished.store(true, Ordering::Relaxed);
        outcome
    });
    let seconds = started.elapsed().as_secs_f64();
    if show_progress {
        eprintln!();
    }

    if cli.json {
        print_json(plan, &outcome, seconds);
    } else {
        print_text(&outcome, seconds);
    }

    if plan.verify_demo {
        let first = outcome.solutions.iter().find(|s| s.nonce == DEMO_NONCE);
        let matches = first.is_some_and(|s| s.hash.to_string() == DEMO_HASH);
        if !matches {
            eprintln!("error: block 830,000 was not re-mined: expected nonce {DEMO_NONCE} with hash {DEMO_HASH}");
            return ExitCode::FAILURE;
        }
        if !cli.json {
            println!("matches the known hash of block 830,000");
        }
    }
    ExitCode::SUCCESS
}

/// Rewrites one status line on stderr about once a second until the
/// search finishes.
fn report_progress(plan: &Plan, progress: &AtomicU64, finished: &AtomicBool, started: Instant) {
    let mut next_report = started + Duration::from_secs(1);
    while !finished.load(Ordering::Relaxed) {
        // Short sleeps so a finished search is not held up by a second.
        thread::sleep(Duration::from_millis(50));
        let now = Instant::now();
        if now < next_report {
            continue;
        }
        next_report = now + Duration::from_secs(1);
        let done = progress.load(Ordering::Relaxed);
        let rate = done as f64 / started.elapsed().as_secs_f64() / 1e6;
        let percent = 100.0 * done as f64 / plan.range.count().max(1) as f64;
        eprint!(
            "\r{} x {} threads: {rate:.1} MH/s, {done} nonces ({percent:.1}%)   ",
            plan.engine.kernel(),
            plan.threads
        );
    }
}

fn mega_hashes_per_second(outcome: &ParallelOutcome, seconds: f64) -> f64 {
    if seconds > 0.0 {
        outcome.hashed as f64 / seconds / 1e6
    } else {
        0.0
    }
}

fn print_plan(plan: &Plan) {
    let range = match plan.range.last() {
        Some(last) => format!("{}..={last}", plan.range.start()),
        None => "(empty)".to_string(),
    };
    println!(
        "kernel {}, {} threads, nonces {range}, target {}",
        plan.engine.kernel(),
        plan.threads,
        plan.target
    );
}

fn print_text(outcome: &ParallelOutcome, seconds: f64) {
    for solution in &outcome.solutions {
        println!(
            "nonce {} (0x{:08x}): block hash {}",
            solution.nonce, solution.nonce, solution.hash
        );
    }
    if outcome.solutions.is_empty() {
        println!("no nonce in the range meets the target");
    }
    println!(
        "{} nonces in {seconds:.2} s: {:.2} MH/s",
        outcome.hashed,
        mega_hashes_per_second(outcome, seconds)
    );
}

fn print_json(plan: &Plan, outcome: &ParallelOutcome, seconds: f64) {
    let nonces: Vec<u32> = outcome.solutions.iter().map(|s| s.nonce).collect();
    let hashes: Vec<String> = outcome
        .solutions
        .iter()
        .map(|s| s.hash.to_string())
        .collect();
    let report = serde_json::json!({
        "kernel": plan.engine.kernel().name(),
        "threads": plan.threads,
        "start": plan.range.start(),
        "count": plan.range.count(),
        "hashes": outcome.hashed,
        "seconds": seconds,
        "mhs": mega_hashes_per_second(outcome, seconds),
        "nonces": nonces,
        "hashes_hex": hashes,
    });
    println!("{report}");
}
