//! Helpers shared by the integration tests: test vectors, the list of
//! kernels to check, and reference answers computed the plain way.
#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Once, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use sha256d::{BlockHeader, Engine, Kernel, NonceRange, SearchJob, Solution, Target};

/// The test vectors `Cargo.toml` leaves out of the published package to
/// keep it small; everything else in `tests/vectors` is packaged.
pub const UNPACKAGED_VECTORS: [&str; 4] = [
    "mainnet-822528-830592-headers.txt",
    "mainnet-retarget-headers.txt",
    "block-830000-txids.txt",
    "nist/SHA256LongMsg.rsp",
];

fn vector_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("vectors")
        .join(name)
}

/// Reads a file from `tests/vectors`. A missing vector fails the test: it is
/// never a reason to skip (see [`read_large_vector`] for the one exception).
pub fn read_vector(name: &str) -> String {
    let path = vector_path(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "test vector {} is missing or unreadable: {e}",
            path.display()
        )
    })
}

/// Reads one of the [`UNPACKAGED_VECTORS`]: `None`, with a message saying
/// the test is skipped, only when the file is absent in an unpacked copy
/// of the published crate (which has `Cargo.toml.orig` beside its
/// manifest). In the repository a missing file fails the test, as with
/// [`read_vector`].
pub fn read_large_vector(name: &str) -> Option<String> {
    assert!(
        UNPACKAGED_VECTORS.contains(&name),
        "{name} is packaged: read it with read_vector"
    );
    let packaged = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("Cargo.toml.orig")
        .exists();
    if packaged && !vector_path(name).exists() {
        eprintln!(
            "skipped: test vector {name} is not in the published package (it is in the repository)"
        );
        return None;
    }
    Some(read_vector(name))
}

/// Parses a `HEIGHT HEADER_HEX` file into (height, header bytes); `None`
/// (and a message) where [`read_large_vector`] skips.
pub fn read_headers(name: &str) -> Option<Vec<(u32, [u8; 80])>> {
    let text = read_large_vector(name)?;
    let headers: Vec<(u32, [u8; 80])> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (height, hex) = line
                .split_once(' ')
                .unwrap_or_else(|| panic!("malformed line in {name}: {line}"));
            let height = height.parse().expect("height");
            let bytes: [u8; 80] = sha256d::hex::decode_array(hex.trim()).expect("header hex");
            (height, bytes)
        })
        .collect();
    assert!(!headers.is_empty(), "{name} holds no headers");
    Some(headers)
}

/// The genesis block's header, wire format (also the first line of
/// `mainnet-retarget-headers.txt`, which `tests/headers.rs` checks).
pub fn genesis_bytes() -> [u8; 80] {
    sha256d::hex::decode_array(GENESIS_HEX).expect("genesis hex")
}

/// The genesis block's header as hex.
pub const GENESIS_HEX: &str = concat!(
    "0100000000000000000000000000000000000000000000000000000000000000",
    "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    "4b1e5e4a29ab5f49ffff001d1dac2b7c",
);

/// A target with the given top 32 bits and all lower bits set: about
/// `top / 2^32` of nonces win, and every kernel candidate is a solution.
pub fn target_with_top(top: u32) -> Target {
    let mut bytes = [0xff; 32];
    bytes[28..].copy_from_slice(&top.to_le_bytes());
    Target::from_le_bytes(bytes)
}

/// One engine per kernel this CPU runs (scalar first). Kernels the CPU
/// lacks are skipped, and said so once per test binary.
pub fn engines() -> Vec<Engine> {
    static REPORT: Once = Once::new();
    REPORT.call_once(|| {
        for &kernel in Kernel::ALL {
            match Engine::new(kernel) {
                Ok(_) => eprintln!("kernel {kernel}: tested"),
                Err(e) => eprintln!("kernel {kernel}: SKIPPED ({e})"),
            }
        }
    });
    let engines: Vec<Engine> = Engine::available().collect();
    assert_eq!(
        engines[0].kernel(),
        Kernel::Scalar,
        "scalar must always run"
    );
    engines
}

/// Every solution in `range`, found by hashing each full 80-byte header
/// with the one-shot `sha256d` and comparing with `Target::is_met_by`:
/// nothing shared with the kernels but the compression function.
pub fn reference_solutions(header: &[u8; 80], target: &Target, range: NonceRange) -> Vec<Solution> {
    let mut bytes = *header;
    let mut out = Vec::new();
    let Some(last) = range.last() else {
        return out;
    };
    for nonce in range.start()..=last {
        bytes[76..].copy_from_slice(&nonce.to_le_bytes());
        let hash = sha256d::sha256d(&bytes);
        if target.is_met_by(&hash) {
            out.push(Solution {
                nonce,
                hash: sha256d::BlockHash::from(hash),
            });
        }
    }
    out
}

/// Runs `engine` over the whole range, collecting every solution.
pub fn search_all(engine: &Engine, job: &SearchJob, range: NonceRange) -> Vec<Solution> {
    let mut out = Vec::new();
    let outcome = engine.search_with(job, range, |s| {
        out.push(s);
        std::ops::ControlFlow::Continue(())
    });
    assert_eq!(outcome.tried, range.count(), "{}: tried", engine.kernel());
    assert_eq!(outcome.found, out.len(), "{}: found", engine.kernel());
    assert!(
        outcome.remaining.is_empty(),
        "{}: remaining",
        engine.kernel()
    );
    out
}

/// Asserts that every available kernel finds exactly `expected` in `range`.
pub fn assert_all_kernels_find(
    header: &[u8; 80],
    target: Target,
    range: NonceRange,
    expected: &[Solution],
) {
    let job = SearchJob::new(&BlockHeader::from_bytes(header), target);
    for engine in engines() {
        let found = search_all(&engine, &job, range);
        assert_eq!(
            found,
            expected,
            "kernel {} differs from the reference on range {range:?}, target {target}",
            engine.kernel()
        );
    }
}

/// The hash of `header` with `nonce`, as a little-endian target: the
/// hardest target that nonce still meets.
pub fn target_equal_to_hash(header: &[u8; 80], nonce: u32) -> Target {
    let mut bytes = *header;
    bytes[76..].copy_from_slice(&nonce.to_le_bytes());
    Target::from_le_bytes(sha256d::sha256d(&bytes).to_byte_array())
}

/// The built `miner` example, next to the test binaries
/// (`target/<profile>/examples/`). `cargo test` builds it, but not when
/// only some tests were asked for, so under cargo it is (re)built here
/// once with the same profile: never a stale binary.
pub fn miner() -> &'static PathBuf {
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

/// How long [`MinerProcess::finish`] waits before it kills the miner.
pub const MINER_PATIENCE: Duration = Duration::from_secs(120);

/// The miner as a child process, its output drained by threads.
pub struct MinerProcess {
    pub child: Child,
    pub stdout: JoinHandle<String>,
    pub stderr: JoinHandle<String>,
}

impl MinerProcess {
    pub fn start(args: &[&str]) -> MinerProcess {
        let mut child = Command::new(miner())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the miner");
        let drain = |mut pipe: Box<dyn Read + Send>| {
            thread::spawn(move || {
                let mut text = String::new();
                let _ = pipe.read_to_string(&mut text);
                text
            })
        };
        let stdout = drain(Box::new(child.stdout.take().unwrap()));
        let stderr = drain(Box::new(child.stderr.take().unwrap()));
        MinerProcess {
            child,
            stdout,
            stderr,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the miner (it ran as long as the test needed) and returns its
    /// stdout and stderr.
    pub fn kill(mut self) -> (String, String) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        (self.stdout.join().unwrap(), self.stderr.join().unwrap())
    }

    /// Waits for the exit (killing it after `MINER_PATIENCE`): status code,
    /// stdout, stderr.
    pub fn finish(mut self) -> (Option<i32>, String, String) {
        let deadline = Instant::now() + MINER_PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                break self.child.wait().expect("wait after kill");
            }
            thread::sleep(Duration::from_millis(20));
        };
        (
            status.code(),
            self.stdout.join().unwrap(),
            self.stderr.join().unwrap(),
        )
    }
}
