//! The `miner` example as a user runs it: real headers, JSON output on
//! every kernel, `--all`, and one-line errors for bad input.
#![cfg(feature = "std")]

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::{read_headers, reference_solutions};
use sha256d::{BlockHeader, Kernel, NonceRange, Target};

/// The built `miner` example, next to the test binaries
/// (`target/<profile>/examples/`). `cargo test` builds it, but not when
/// only some tests were asked for, so under cargo it is (re)built here
/// once with the same profile: never a stale binary.
fn miner() -> &'static PathBuf {
    static MINER: OnceLock<PathBuf> = OnceLock::new();
    MINER.get_or_init(|| {
        let test_exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/miner_cli-HASH -> target/<profile>
        let profile_dir = test_exe
            .parent()
            .and_then(|deps| deps.parent())
            .expect("test executable lies in target/<profile>/deps");
        let path = profile_dir
            .join("examples")
            .join(format!("miner{}", std::env::consts::EXE_SUFFIX));
        // Cargo sets CARGO for the tests it runs.
        if let Ok(cargo) = std::env::var("CARGO") {
            // `cargo test` writes to target/debug with the test profile,
            // `cargo test --release` to target/release.
            let profile = if profile_dir.ends_with("release") {
                "release"
            } else {
                "test"
            };
            let status = Command::new(cargo)
                .args([
                    "build",
                    "--quiet",
                    "--example",
                    "miner",
                    "--profile",
                    profile,
                ])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .expect("run cargo build --example miner");
            assert!(status.success(), "cargo build --example miner failed");
        }
        assert!(
            path.exists(),
            "miner example not found at {}",
            path.display()
        );
        path
    })
}

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

fn hashes_hex(report: &serde_json::Value) -> Vec<String> {
    report["hashes_hex"]
        .as_array()
        .expect("hashes_hex array")
        .iter()
        .map(|h| h.as_str().expect("hash string").to_owned())
        .collect()
}

fn available_kernel_names() -> Vec<&'static str> {
    Kernel::available().map(Kernel::name).collect()
}

/// A few real headers, old and recent.
fn sample_headers() -> Vec<(u32, [u8; 80])> {
    let mut headers: Vec<_> = read_headers("mainnet-retarget-headers.txt")
        .into_iter()
        .step_by(200)
        .collect();
    headers.extend(
        read_headers("mainnet-822528-830592-headers.txt")
            .into_iter()
            .step_by(4_000),
    );
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
                    hashes_hex(&report),
                    [header.block_hash().to_string()],
                    "{context}"
                );
                // Stopped at the nonce: at least the nonces before it were hashed.
                let hashed = report["hashes"].as_u64().unwrap();
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
    let (_, bytes) = read_headers("mainnet-retarget-headers.txt")[3];
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
        assert_eq!(hashes_hex(&report), expected_hashes, "{kernel}");
        assert_eq!(report["hashes"], 20_000);

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
    assert_eq!(report["hashes"], 0);
    assert_eq!(report["count"], 0);
    assert!(nonces(&report).is_empty());
    assert!(hashes_hex(&report).is_empty());
}

#[test]
fn bad_input_is_a_one_line_error_without_a_panic() {
    let good_header =
        sha256d::hex::Hex(&read_headers("mainnet-retarget-headers.txt")[0].1).to_string();
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
    for kernel in Kernel::ALL {
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
