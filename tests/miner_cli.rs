//! The `miner` example as a user runs it: real headers, JSON output on
//! every kernel, `--all`, `--benchmark`, `--version`, the short options
//! of cpuminer and cgminer, and one-line errors for bad input.
#![cfg(feature = "std")]

mod common;

use std::process::{Command, Output};

use common::{miner, read_headers, reference_solutions};
use sha256d::{BlockHeader, Kernel, NonceRange, Target};

fn run(args: &[&str]) -> Output {
    Command::new(miner())
        .args(args)
        .output()
        .expect("run the miner example")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs with `--json`, expecting success, and parses the one object.
fn run_json(args: &[&str]) -> serde_json::Value {
    let mut all_args = args.to_vec();
    all_args.push("--json");
    let output = run(&all_args);
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        stderr(&output)
    );
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "one JSON line expected: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON ({e}): {text}"))
}

fn nonces(report: &serde_json::Value) -> Vec<u64> {
    report["nonces"]
        .as_array()
        .expect("nonces array")
        .iter()
        .map(|n| n.as_u64().expect("nonce"))
        .collect()
}

fn block_hashes(report: &serde_json::Value) -> Vec<String> {
    report["block_hashes"]
        .as_array()
        .expect("block_hashes array")
        .iter()
        .map(|h| h.as_str().expect("hash string").to_owned())
        .collect()
}

fn available_kernel_names() -> Vec<&'static str> {
    Kernel::available().map(Kernel::name).collect()
}

/// A few real headers, old and recent.
/// Empty (the tests using it say they skip) where the vector files are not
/// in the package.
fn sample_headers() -> Vec<(u32, [u8; 80])> {
    let (Some(old), Some(recent)) = (
        read_headers("mainnet-retarget-headers.txt"),
        read_headers("mainnet-822528-830592-headers.txt"),
    ) else {
        return Vec::new();
    };
    let mut headers: Vec<_> = old.into_iter().step_by(200).collect();
    headers.extend(recent.into_iter().step_by(4_000));
    headers
}

#[test]
fn finds_the_real_nonce_on_every_kernel_with_json() {
    for (height, bytes) in sample_headers() {
        let header = BlockHeader::from_bytes(&bytes);
        let start = header.nonce.saturating_sub(700).min(u32::MAX - 999);
        let hex = sha256d::hex::Hex(&bytes).to_string();
        for kernel in available_kernel_names() {
            for threads in ["1", "2"] {
                let report = run_json(&[
                    "--header",
                    &hex,
                    "--start",
                    &start.to_string(),
                    "--count",
                    "1000",
                    "--kernel",
                    kernel,
                    "--threads",
                    threads,
                ]);
                let context = format!("height {height}, {kernel}, {threads} threads");
                assert_eq!(report["kernel"], kernel, "{context}");
                assert_eq!(report["threads"], threads.parse::<u64>().unwrap());
                assert_eq!(report["start"], u64::from(start), "{context}");
                assert_eq!(report["count"], 1000, "{context}");
                assert_eq!(nonces(&report), [u64::from(header.nonce)], "{context}");
                assert_eq!(
                    block_hashes(&report),
                    [header.block_hash().to_string()],
                    "{context}"
                );
                // Stopped at the nonce: at least the nonces before it were hashed.
                let hashed = report["hash_count"].as_u64().unwrap();
                assert!(hashed > u64::from(header.nonce - start), "{context}");
                assert!(hashed <= 1000, "{context}");
                assert!(report["seconds"].as_f64().unwrap() >= 0.0);
                assert!(report["mhs"].as_f64().unwrap() >= 0.0);
            }
        }
    }
}

#[test]
fn the_default_block_is_mined_and_checked_in_text_mode() {
    // The built-in block 830,000, with a short range around its nonce.
    let output = run(&["--start", "2711040000", "--count", "5000"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(text.contains("nonce 2711041088"), "{text}");
    assert!(
        text.contains("000000000000000000011d55599ed27d7efca05f5849b755319c89eb2cffbc1f"),
        "{text}"
    );
    assert!(text.contains("matches the known hash"), "{text}");
}

#[test]
fn all_reports_every_winner_of_an_easy_target() {
    let Some(headers) = read_headers("mainnet-retarget-headers.txt") else {
        return;
    };
    let (_, bytes) = headers[3];
    let hex = sha256d::hex::Hex(&bytes).to_string();
    // About one nonce in 256 wins.
    let target_hex = format!("00{}", "f".repeat(62));
    let target = Target::from_be_hex(&target_hex).unwrap();
    let range = NonceRange::new(4_294_000_000, 20_000).unwrap();
    let expected = reference_solutions(&bytes, &target, range);
    assert!(expected.len() > 20, "{} winners", expected.len());
    let expected_nonces: Vec<u64> = expected.iter().map(|s| u64::from(s.nonce)).collect();
    let expected_hashes: Vec<String> = expected.iter().map(|s| s.hash.to_string()).collect();

    for kernel in available_kernel_names() {
        let args = [
            "--header",
            &hex,
            "--start",
            "4294000000",
            "--count",
            "20000",
            "--target",
            &target_hex,
            "--kernel",
            kernel,
        ];
        let mut all_args = args.to_vec();
        all_args.push("--all");
        let report = run_json(&all_args);
        assert_eq!(nonces(&report), expected_nonces, "{kernel}");
        assert_eq!(block_hashes(&report), expected_hashes, "{kernel}");
        assert_eq!(report["hash_count"], 20_000);

        // Without --all: only the lowest.
        let report = run_json(&args);
        assert_eq!(nonces(&report), expected_nonces[..1], "{kernel}");
    }

    // The same target as compact bits (0x2000ffff is 0x00ffff << 232) and
    // as a difficulty, to the end of the nonce space.
    let by_bits = run_json(&[
        "--header",
        &hex,
        "--start",
        "4294967000",
        "--bits",
        "2000ffff",
        "--all",
    ]);
    let bits_target = sha256d::CompactTarget::from_consensus(0x2000_ffff)
        .to_target()
        .unwrap();
    let tail = NonceRange::from_start(4_294_967_000);
    let expected: Vec<u64> = reference_solutions(&bytes, &bits_target, tail)
        .iter()
        .map(|s| u64::from(s.nonce))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(nonces(&by_bits), expected);
    assert_eq!(by_bits["count"], 296);

    let by_difficulty = run_json(&[
        "--header",
        &hex,
        "--start",
        "4294967000",
        "--difficulty",
        "0.0001",
        "--all",
    ]);
    let difficulty_target = Target::from_difficulty(0.0001).unwrap();
    let expected: Vec<u64> = reference_solutions(&bytes, &difficulty_target, tail)
        .iter()
        .map(|s| u64::from(s.nonce))
        .collect();
    assert_eq!(nonces(&by_difficulty), expected);
}

#[test]
fn count_zero_tries_nothing() {
    let report = run_json(&["--start", "2711041088", "--count", "0"]);
    assert_eq!(report["hash_count"], 0);
    assert_eq!(report["count"], 0);
    assert!(nonces(&report).is_empty());
    assert!(block_hashes(&report).is_empty());
}

#[test]
fn bad_input_is_a_one_line_error_without_a_panic() {
    let good_header = sha256d::hex::Hex(&common::genesis_bytes()).to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--header".into(), "abc".into()], "odd number"),
        (vec!["--header".into(), "zz".repeat(80)], "invalid hex"),
        (
            vec!["--header".into(), "00".repeat(79)],
            "expected 80 bytes",
        ),
        (
            vec!["--header".into(), format!("{good_header}00")],
            "expected 80 bytes",
        ),
        (
            vec![
                "--start".into(),
                "4294967000".into(),
                "--count".into(),
                "1000".into(),
            ],
            "past u32::MAX",
        ),
        (vec!["--start".into(), "4294967296".into()], "--start"),
        (vec!["--start".into(), "-1".into()], "-1"),
        (vec!["--bits".into(), "04923456".into()], "sign bit"),
        (vec!["--bits".into(), "ff123456".into()], "overflows"),
        (vec!["--bits".into(), "00123456".into()], "zero"),
        (vec!["--bits".into(), "1d00ffffff".into()], "--bits"),
        (vec!["--bits".into(), "xyz".into()], "--bits"),
        (vec!["--target".into(), "00ff".into()], "--target"),
        (vec!["--difficulty".into(), "0".into()], "difficulty"),
        (vec!["--difficulty".into(), "-3".into()], "difficulty"),
        (vec!["--difficulty".into(), "nan".into()], "difficulty"),
        (vec!["--difficulty".into(), "lots".into()], "--difficulty"),
        (vec!["--threads".into(), "0".into()], "--threads"),
        (vec!["--kernel".into(), "avx1024".into()], "unknown kernel"),
        (
            vec![
                "--bits".into(),
                "1d00ffff".into(),
                "--difficulty".into(),
                "1".into(),
            ],
            "cannot be used with",
        ),
        (vec!["--frobnicate".into()], "--frobnicate"),
        (
            vec!["--benchmark".into(), "--difficulty".into(), "1".into()],
            "cannot be used with",
        ),
        (vec!["-t".into(), "0".into()], "--threads"),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(&args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert!(!message.contains("panicked"), "{args:?}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{args:?}: {message}");
        assert!(message.starts_with("error: "), "{args:?}: {message}");
        assert!(
            message.contains(expected),
            "{args:?}: {message:?} lacks {expected:?}"
        );
        assert!(stdout(&output).is_empty(), "{args:?}");
    }
}

#[test]
fn forcing_a_kernel_the_cpu_lacks_fails_clearly() {
    for &kernel in Kernel::ALL {
        let output = run(&[
            "--kernel",
            kernel.name(),
            "--start",
            "2711041000",
            "--count",
            "100",
            "--json",
        ]);
        if kernel.is_available() {
            assert!(output.status.success(), "{kernel}: {}", stderr(&output));
        } else {
            assert_eq!(output.status.code(), Some(2), "{kernel}");
            let message = stderr(&output);
            assert!(message.contains("not available"), "{kernel}: {message}");
            assert!(!message.contains("panicked"));
        }
    }
    // Kernel names are matched without regard to case, and `auto` is the
    // best kernel.
    let report = run_json(&["--kernel", "SCALAR", "--count", "10"]);
    assert_eq!(report["kernel"], "scalar");
    let report = run_json(&["--kernel", "auto", "--count", "10"]);
    assert_eq!(report["kernel"], Kernel::best().name());
}

#[test]
fn json_field_names_cannot_be_confused() {
    let report = run_json(&["--start", "2711041000", "--count", "200", "--all"]);
    let mut keys: Vec<&str> = report
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "block_hashes",
            "count",
            "hash_count",
            "kernel",
            "mhs",
            "nonces",
            "seconds",
            "start",
            "threads"
        ]
    );
    assert_eq!(report["hash_count"], 200);
    assert_eq!(nonces(&report), [2_711_041_088]);
    assert_eq!(
        block_hashes(&report),
        ["000000000000000000011d55599ed27d7efca05f5849b755319c89eb2cffbc1f"]
    );
}

/// A search of a second or more on the scalar kernel: long enough for a
/// few progress lines (no nonce of the demo block's own target lies in
/// it, so it runs to the end).
const LONG_RANGE: [&str; 8] = [
    "--start",
    "0",
    "--count",
    "3000000",
    "--threads",
    "1",
    "--kernel",
    "scalar",
];

#[test]
fn progress_lines_also_without_a_terminal() {
    let mut args = LONG_RANGE.to_vec();
    args.extend(["--progress", "0.1"]);
    let output = run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let progress = stderr(&output);
    let lines: Vec<&str> = progress.lines().collect();
    assert!(!lines.is_empty(), "no progress lines: {progress:?}");
    // Full lines, not a status line rewritten with carriage returns.
    assert!(!progress.contains('\r'), "{progress:?}");
    let mut done_before = 0u64;
    for line in &lines {
        assert!(line.contains("H/s"), "{line}");
        assert!(line.contains("of 3000000 nonces"), "{line}");
        assert!(line.contains("left"), "{line}");
        // Nonces done only grow.
        let done: u64 = line
            .split(", ")
            .nth(1)
            .and_then(|part| part.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count in {line}"));
        assert!(done >= done_before, "{line}");
        done_before = done;
    }
    assert!(stdout(&output).contains("no nonce in the range meets the target"));

    // --quiet: nothing on stderr.
    args.push("--quiet");
    let output = run(&args);
    assert!(output.status.success());
    assert_eq!(stderr(&output), "");
}

#[test]
fn a_closed_stdout_ends_the_program_quietly() {
    use std::process::Stdio;
    let mut child = Command::new(miner())
        .args(LONG_RANGE)
        .arg("--quiet")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the miner");
    // Close the reading end before the search ends: the result lines then
    // go to a broken pipe.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait for the miner");
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{message}");
    assert!(!message.contains("panicked"), "{message}");
    assert_eq!(message, "");
}

#[test]
fn the_readme_json_command_is_quick_and_bounded() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let command = readme
        .lines()
        .find(|line| line.contains("--example miner") && line.contains("--json"))
        .expect("the README shows a --json miner command");
    let mut args: Vec<&str> = command
        .split_once(" -- ")
        .expect("arguments after --")
        .1
        .split_whitespace()
        .take_while(|word| !word.starts_with('#'))
        .filter(|word| *word != "--json")
        .collect();
    assert!(!args.contains(&"--kernel"), "{command}");
    // On the scalar kernel, so that the test takes seconds on any CPU.
    args.extend(["--kernel", "scalar"]);
    let report = run_json(&args);
    // A bounded range: seconds of work on one thread, not the whole
    // 32-bit space.
    let count = report["count"].as_u64().unwrap();
    assert!(count <= 50_000_000, "{command}: {count} nonces");
    assert!(!nonces(&report).is_empty(), "{command}: no solution shown");
}

#[test]
fn version_names_the_program_and_the_crate_version() {
    let output = run(&["--version"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim_end(),
        format!("miner {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn benchmark_hashes_every_nonce_and_finds_nothing() {
    // The short forms -t and -q, as cpuminer users type them.
    let report = run_json(&["--benchmark", "--count", "300000", "-t", "2", "-q"]);
    assert_eq!(report["threads"], 2);
    assert_eq!(report["start"], 0);
    assert_eq!(report["count"], 300_000);
    // No hash meets the target: the whole range is hashed.
    assert_eq!(report["hash_count"], 300_000);
    assert!(nonces(&report).is_empty());

    let output = run(&["--benchmark", "--count", "100000", "-q"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(text.starts_with("benchmark: kernel "), "{text}");
    assert!(text.contains("benchmark: 100000 nonces in "), "{text}");
    assert_eq!(stderr(&output), "");
}
