//! Solo mode: search one header's nonce range on all cores.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use sha256d::parallel::{ParallelOutcome, ParallelSearch};
use sha256d::{BlockHeader, CompactTarget, Engine, NonceRange, SearchJob, Target};

use crate::output::{say, status, tell};
use crate::progress::{ProgressStyle, RateMeter, format_duration, format_rate};
use crate::{Cli, UsageError, bad};

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

/// Everything the command line decides for a solo search.
pub struct Plan {
    header: BlockHeader,
    target: Target,
    range: NonceRange,
    engine: Engine,
    threads: usize,
    progress: ProgressStyle,
    /// Mining the built-in block with its own target: check the answer.
    verify_demo: bool,
    /// `--benchmark`: the hash rate only.
    benchmark: bool,
}

impl Plan {
    pub fn new(
        cli: &Cli,
        engine: Engine,
        threads: usize,
        progress: ProgressStyle,
    ) -> Result<Plan, UsageError> {
        let demo = cli.header.is_none();
        let header = BlockHeader::from_hex(cli.header.as_deref().unwrap_or(DEMO_HEADER_HEX))
            .map_err(|e| bad("--header", e))?;

        let own_target = cli.target.is_none() && cli.bits.is_none() && cli.difficulty.is_none();
        let target = if let Some(hex) = &cli.target {
            Target::from_be_hex(hex).map_err(|e| bad("--target", e))?
        } else if let Some(bits) = &cli.bits {
            parse_bits(bits)?
        } else if cli.benchmark {
            // Only an all-zero hash would meet it: every nonce is hashed.
            Target::ZERO
        } else if let Some(difficulty) = cli.difficulty {
            Target::from_difficulty(difficulty).map_err(|e| bad("--difficulty", e))?
        } else {
            (header.bits.to_target()).map_err(|e| bad("the header's bits field", e))?
        };

        let default_start = if demo && !cli.benchmark {
            DEMO_NONCE - DEMO_LEAD
        } else {
            0
        };
        let start = cli.start.unwrap_or(default_start);
        let range = match cli.count {
            Some(count) => NonceRange::new(start, count)
                .map_err(|e| bad(&format!("--start {start} --count {count}"), e))?,
            None => NonceRange::from_start(start),
        };

        Ok(Plan {
            header,
            target,
            range,
            engine,
            threads,
            progress,
            verify_demo: demo && own_target && !cli.benchmark && range.contains(DEMO_NONCE),
            benchmark: cli.benchmark,
        })
    }
}

pub fn run(cli: &Cli, plan: &Plan) -> ExitCode {
    let job = SearchJob::new(&plan.header, plan.target);
    let search = ParallelSearch::new(plan.engine)
        .threads(plan.threads)
        .stop_at_first(!cli.all);
    let show_progress = !plan.progress.quiet;
    let progress = AtomicU64::new(0);
    let finished = AtomicBool::new(false);

    if !cli.json {
        print_plan(plan);
    }
    let started = Instant::now();
    let outcome = thread::scope(|scope| {
        if show_progress {
            scope.spawn(|| report_progress(plan, !cli.all, &progress, &finished));
        }
        let outcome = search.progress(&progress).search(&job, plan.range);
        finished.store(true, Ordering::Relaxed);
        outcome
    });
    let seconds = started.elapsed().as_secs_f64();

    if cli.json {
        print_json(plan, &outcome, seconds);
    } else if plan.benchmark {
        say!(
            "benchmark: {} nonces in {seconds:.2} s: {:.2} MH/s",
            outcome.hashed,
            mega_hashes_per_second(&outcome, seconds)
        );
    } else {
        print_text(&outcome, seconds);
    }

    if plan.verify_demo {
        let first = outcome.solutions.iter().find(|s| s.nonce == DEMO_NONCE);
        let matches = first.is_some_and(|s| s.hash.to_string() == DEMO_HASH);
        if !matches {
            tell!(
                "error: block 830,000 was not re-mined: expected nonce {DEMO_NONCE} with hash {DEMO_HASH}"
            );
            return ExitCode::FAILURE;
        }
        if !cli.json {
            say!("matches the known hash of block 830,000");
        }
    }
    ExitCode::SUCCESS
}

/// Shows progress on stderr every interval until the search finishes: the
/// hash rate over the last interval, nonces done, and the time left to the
/// end of the range at that rate (a search that stops at the first
/// solution may end sooner).
fn report_progress(plan: &Plan, stops_at_first: bool, progress: &AtomicU64, finished: &AtomicBool) {
    let style = plan.progress;
    let mut meter = RateMeter::new(0);
    let mut next_report = Instant::now() + style.interval;
    let mut shown = false;
    while !finished.load(Ordering::Relaxed) {
        // Short sleeps so a finished search is not held up.
        thread::sleep(Duration::from_millis(20));
        let now = Instant::now();
        if now < next_report {
            continue;
        }
        next_report = now + style.interval;
        let done = progress.load(Ordering::Relaxed);
        let rate = meter.rate(done);
        let total = plan.range.count();
        let left = total.saturating_sub(done);
        let eta = if rate > 0.0 {
            format_duration(left as f64 / rate)
        } else {
            "unknown".to_string()
        };
        let percent = 100.0 * done as f64 / total.max(1) as f64;
        let bound = if stops_at_first { "at most " } else { "" };
        let text = format!(
            "{} x {} threads: {}, {done} of {total} nonces ({percent:.1}%), {bound}{eta} left",
            plan.engine.kernel(),
            plan.threads,
            format_rate(rate),
        );
        if style.terminal {
            status(format_args!("\r{text}   "));
            shown = true;
        } else {
            tell!("{text}");
        }
    }
    if shown {
        status(format_args!("\n"));
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
    if plan.benchmark {
        say!(
            "benchmark: kernel {}, {} threads, nonces {range} of block 830,000's header, no pool, a target no hash meets",
            plan.engine.kernel(),
            plan.threads,
        );
        return;
    }
    say!(
        "kernel {}, {} threads, nonces {range}, target {}",
        plan.engine.kernel(),
        plan.threads,
        plan.target
    );
}

fn print_text(outcome: &ParallelOutcome, seconds: f64) {
    for solution in &outcome.solutions {
        say!(
            "nonce {} (0x{:08x}): block hash {}",
            solution.nonce,
            solution.nonce,
            solution.hash
        );
    }
    if outcome.solutions.is_empty() {
        say!("no nonce in the range meets the target");
    }
    say!(
        "{} nonces in {seconds:.2} s: {:.2} MH/s",
        outcome.hashed,
        mega_hashes_per_second(outcome, seconds)
    );
}

fn print_json(plan: &Plan, outcome: &ParallelOutcome, seconds: f64) {
    let nonces: Vec<u32> = outcome.solutions.iter().map(|s| s.nonce).collect();
    let block_hashes: Vec<String> = outcome
        .solutions
        .iter()
        .map(|s| s.hash.to_string())
        .collect();
    let report = serde_json::json!({
        "kernel": plan.engine.kernel().name(),
        "threads": plan.threads,
        "start": plan.range.start(),
        "count": plan.range.count(),
        "hash_count": outcome.hashed,
        "seconds": seconds,
        "mhs": mega_hashes_per_second(outcome, seconds),
        "nonces": nonces,
        "block_hashes": block_hashes,
    });
    say!("{report}");
}
