//! Hash rate of the crate's nonce-search kernels on this machine, next to
//! the peers (other crates' SHA-256 in a midstate loop, as in
//! `benches/search.rs`), on 1, 2, 4, ... threads, with what a hardware
//! review asks: how far each kernel is from what this CPU's execution
//! units allow ("% of bound", from a probe of the instructions), how it
//! scales with threads, and the energy per hash where the OS exposes it.
//!
//! ```text
//! cargo run --release --example bench
//! cargo run --release --example bench -- --kernel sha-ni --threads 1,2 --markdown
//! cargo run --release --example bench -- --json > this-machine.json
//! cargo run --release --example bench -- --compare this-machine.json
//! ```
//!
//! Each kernel and peer searches block 830,000's header with its own
//! target (as in real mining: almost no solutions) for a fixed time,
//! default 2 seconds per thread count. `docs/benchmarking.md` explains
//! every column, the probe, the bound model and the JSON.
//!
//! Modules: [`probe`] (the instruction probe and the clock), [`model`]
//! (each kernel's floor), [`scaling`] (topology and the timed runs),
//! [`energy`] (the powercap reader), [`identity`] (who ran what),
//! [`report`] (the rows and the report as text or JSON), [`table`] (plain
//! or Markdown tables) and [`compare`] (against a baseline report).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use sha256d::{BlockHeader, Engine, Kernel, SearchJob};

mod compare;
mod energy;
mod identity;
mod model;
mod probe;
mod report;
mod scaling;
mod table;

#[path = "../../benches/common/peers.rs"]
mod peers;
use peers::{BitcoinHashesPeer, Sha2Peer};

use energy::Powercap;
use report::{EnergyStatus, Report, Subject};
use scaling::Topology;

/// Block 830,000, from `tests/vectors/block-830000-header.txt`.
const HEADER_HEX: &str = concat!(
    "0080ee2578a3104f1a64159e5a953a4a1015795a1e66894bf7c0020000000000",
    "0000000070adb2fd1ac9b017ea1a2e66457af0514dfbae502efd20473e6e77c2",
    "d4cf568a410fc9655dba0317403497a1",
);

/// Most threads `--threads` accepts.
const MAX_THREADS: usize = 4096;

#[derive(Parser, Debug)]
#[command(about = "Measure the nonce-search kernels against this CPU's limits")]
struct Cli {
    /// Seconds to run each kernel at each thread count
    #[arg(long, value_name = "F", default_value_t = 2.0)]
    seconds: f64,
    /// Thread counts to measure [default: 1, 2, 4, ... up to all logical CPUs]
    #[arg(long, value_name = "N[,N...]", value_parser = parse_threads)]
    threads: Option<ThreadCounts>,
    /// Kernels to measure [default: every kernel this CPU runs]
    #[arg(long, value_name = "NAME[,NAME...]", value_parser = parse_kernels)]
    kernel: Option<KernelList>,
    /// Leave out the peers (other crates' SHA-256)
    #[arg(long)]
    no_peers: bool,
    /// CPU clock in MHz for the cycle columns [default: measured]
    #[arg(long, value_name = "MHZ")]
    mhz: Option<f64>,
    /// Print JSON on stdout instead of a table
    #[arg(long, conflicts_with = "markdown")]
    json: bool,
    /// Print the table as Markdown, to paste
    #[arg(long)]
    markdown: bool,
    /// Only the probe: each kernel's floor, no hash rates
    #[arg(long, conflicts_with_all = ["compare", "kernel", "threads", "no_peers"])]
    probe_only: bool,
    /// Also print this run's MH/s over a report saved with --json
    #[arg(long, value_name = "BASELINE.json")]
    compare: Option<PathBuf>,
}

/// `--threads`: thread counts, each at least 1, in the order given.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ThreadCounts(Vec<usize>);

/// `--kernel`: kernels this CPU runs, in the order given.
#[derive(Clone, Debug, PartialEq, Eq)]
struct KernelList(Vec<Kernel>);

/// Splits a comma-separated list; an empty list or entry is an error.
fn split_list(text: &str) -> Result<Vec<&str>, String> {
    if text.split(',').all(|item| item.trim().is_empty()) {
        return Err(format!("empty list {text:?}"));
    }
    text.split(',')
        .map(|item| {
            let item = item.trim();
            if item.is_empty() {
                Err(format!("empty entry in the list {text:?}"))
            } else {
                Ok(item)
            }
        })
        .collect()
}

fn parse_threads(text: &str) -> Result<ThreadCounts, String> {
    let mut counts = Vec::new();
    for item in split_list(text)? {
        let n: usize = item
            .parse()
            .map_err(|_| format!("{item:?} is not a thread count"))?;
        if n == 0 {
            return Err("0 threads: each count must be at least 1".into());
        }
        if n > MAX_THREADS {
            return Err(format!("{n} threads: at most {MAX_THREADS}"));
        }
        if !counts.contains(&n) {
            counts.push(n);
        }
    }
    Ok(ThreadCounts(counts))
}

fn parse_kernels(text: &str) -> Result<KernelList, String> {
    let names = |kernels: &mut dyn Iterator<Item = Kernel>| {
        kernels.map(|k| k.name()).collect::<Vec<_>>().join(", ")
    };
    let mut kernels = Vec::new();
    for item in split_list(text)? {
        let kernel = Kernel::from_name(item).map_err(|_| {
            format!(
                "unknown kernel {item:?} (kernels: {})",
                names(&mut Kernel::ALL.iter().copied())
            )
        })?;
        if !kernel.is_available() {
            return Err(format!(
                "{kernel} does not run on this CPU (available: {})",
                names(&mut Kernel::available())
            ));
        }
        if !kernels.contains(&kernel) {
            kernels.push(kernel);
        }
    }
    Ok(KernelList(kernels))
}

/// Parses the arguments; on an error, its first line and exit status 2.
fn parse_cli<I, T>(args: I) -> Result<Cli, Result<ExitCode, String>>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            let message = e.to_string();
            let first = message.lines().next().unwrap_or("error: bad arguments");
            return Err(Err(first.to_owned()));
        }
    };
    if !(cli.seconds.is_finite() && cli.seconds > 0.0 && cli.seconds <= 3600.0) {
        return Err(Err(
            "error: --seconds: must be more than 0 and at most 3600".into(),
        ));
    }
    if cli.mhz.is_some_and(|mhz| !(mhz.is_finite() && mhz > 0.0)) {
        return Err(Err("error: --mhz: must be a number greater than 0".into()));
    }
    Ok(cli)
}

fn main() -> ExitCode {
    let cli = match parse_cli(std::env::args_os()) {
        Ok(cli) => cli,
        Err(Ok(code)) => return code,
        Err(Err(message)) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    // Read the baseline first: a bad file should not cost a whole run.
    let baseline = match cli
        .compare
        .as_deref()
        .map(compare::Baseline::read)
        .transpose()
    {
        Ok(baseline) => baseline,
        Err(e) => {
            eprintln!("error: --compare: {e}");
            return ExitCode::from(2);
        }
    };

    let header = BlockHeader::from_hex(HEADER_HEX).expect("built-in header");
    let target = header.bits.to_target().expect("built-in header's bits");
    let job = SearchJob::new(&header, target);
    let duration = Duration::from_secs_f64(cli.seconds);

    let show_status = std::io::stderr().is_terminal();
    let status = |text: &str| {
        if show_status {
            eprint!("\r{text:<70}\r");
        }
    };

    let topology = Topology::detect();
    let cpu = identity::cpu();
    status("probing the execution units...");
    let probe = probe::run();
    let (clock_mhz, clock_source) = match (cli.mhz, &probe) {
        (Some(mhz), _) => (mhz, "--mhz"),
        (None, Some(probe)) => (probe.clock_mhz, "measured"),
        (None, None) => (probe::fallback_clock_mhz(), "measured"),
    };

    // Before the runs, so that its load average is other work only.
    let identity = identity::identity(&cpu, topology.logical, clock_mhz);

    let energy = match Powercap::from_env(cpu.hypervisor) {
        Ok(_) if cli.probe_only => EnergyStatus::Unavailable("--probe-only".into()),
        Ok(powercap) => {
            status("measuring the idle draw...");
            match report::idle_watts(&powercap, duration.min(Duration::from_secs(1))) {
                Ok(idle_watts) => EnergyStatus::Measured {
                    powercap,
                    idle_watts,
                },
                Err(reason) => EnergyStatus::Unavailable(reason),
            }
        }
        Err(reason) => EnergyStatus::Unavailable(reason),
    };

    let kernels = match cli.kernel {
        Some(KernelList(kernels)) => kernels,
        None if cli.probe_only => Vec::new(),
        None => Kernel::available().collect(),
    };
    let counts = match cli.threads {
        Some(ThreadCounts(counts)) => counts,
        None => scaling::default_counts(topology.logical),
    };

    let mut measurements = Vec::new();
    for &kernel in &kernels {
        let engine = Engine::new(kernel).expect("checked when parsed");
        for &threads in &counts {
            status(&format!("measuring {kernel} on {threads} thread(s)..."));
            measurements.push(report::measure(
                Subject::Kernel(kernel),
                threads,
                &energy,
                || scaling::run_kernel(engine, threads, &job, duration),
            ));
        }
    }
    if !cli.no_peers && !cli.probe_only {
        let sha2_peer = Sha2Peer::new(&header, target);
        let bitcoin_hashes_peer = BitcoinHashesPeer::new(&header, target);
        for &threads in &counts {
            status(&format!("measuring the peers on {threads} thread(s)..."));
            measurements.push(report::measure(
                Subject::Peer(Sha2Peer::NAME),
                threads,
                &energy,
                || scaling::run_peer(threads, duration, |s, n| sha2_peer.search(s, n)),
            ));
            let name = BitcoinHashesPeer::NAME;
            measurements.push(report::measure(
                Subject::Peer(name),
                threads,
                &energy,
                || scaling::run_peer(threads, duration, |s, n| bitcoin_hashes_peer.search(s, n)),
            ));
        }
    }
    status("");

    let report = Report::new(
        measurements,
        clock_mhz,
        clock_source,
        probe,
        topology,
        energy,
        identity,
    );
    let comparison = baseline.map(|b| b.compare(&report.rows));
    if cli.json {
        println!("{}", report.json(comparison.as_ref()));
    } else {
        print!("{}", report.text(cli.markdown));
        if let Some(comparison) = &comparison {
            println!();
            print!("{}", comparison.text(cli.markdown));
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(args: &[&str]) -> String {
        let mut all = vec!["bench"];
        all.extend_from_slice(args);
        match parse_cli(all) {
            Ok(cli) => panic!("{args:?} parsed: {cli:?}"),
            Err(Ok(code)) => panic!("{args:?} exited with {code:?}"),
            Err(Err(message)) => message,
        }
    }

    #[test]
    fn unknown_kernel() {
        // `scalar` runs everywhere, so only the unknown name can be refused.
        let message = error(&["--kernel", "scalar,avx1024"]);
        assert!(message.starts_with("error:"), "{message}");
        assert!(message.contains("unknown kernel \"avx1024\""), "{message}");
        assert!(message.contains("scalar, sse41"), "{message}");
    }

    #[test]
    fn empty_lists() {
        for args in [["--kernel", ""], ["--threads", " "], ["--kernel", ","]] {
            let message = error(&args);
            assert!(message.contains("empty list"), "{args:?}: {message}");
        }
        let message = error(&["--kernel", "scalar,,scalar"]);
        assert!(message.contains("empty entry"), "{message}");
        let message = error(&["--threads", "1,"]);
        assert!(message.contains("empty entry"), "{message}");
    }

    #[test]
    fn zero_and_bad_thread_counts() {
        let message = error(&["--threads", "1,0"]);
        assert!(
            message.contains("0 threads: each count must be at least 1"),
            "{message}"
        );
        let message = error(&["--threads", "two"]);
        assert!(
            message.contains("\"two\" is not a thread count"),
            "{message}"
        );
        let message = error(&["--threads", "100000"]);
        assert!(message.contains("at most 4096"), "{message}");
    }

    #[test]
    fn other_bad_arguments() {
        assert!(error(&["--seconds", "0"]).contains("--seconds"));
        assert!(error(&["--mhz=-5"]).contains("--mhz"));
        assert!(error(&["--json", "--markdown"]).contains("cannot be used with"));
        assert!(error(&["--probe-only", "--kernel", "scalar"]).contains("cannot be used with"));
    }

    #[test]
    fn good_lists_parse_in_order_without_repeats() {
        let cli = parse_cli(["bench", "--kernel", " SCALAR ,scalar", "--threads", "2,1,2"])
            .unwrap_or_else(|_| panic!("valid arguments"));
        assert_eq!(cli.kernel, Some(KernelList(vec![Kernel::Scalar])));
        assert_eq!(cli.threads, Some(ThreadCounts(vec![2, 1])));
    }
}
