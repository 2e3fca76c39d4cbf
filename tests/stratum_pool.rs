//! The miner example against a small Stratum v1 pool written here, over
//! loopback. The pool checks every share with the `sha2` crate (coinbase,
//! Merkle root, BIP 310 version, header hash against the share target),
//! never with this crate, and plays the awkward parts of real pools: a
//! garbage line, an unknown method, a job with a bad field, a rejected
//! share, a difficulty change, a new job with `clean_jobs` while the
//! miner is deep in a long search, a dropped connection, a pool without
//! version rolling, `client.reconnect`, a pool that never answers and one
//! that refuses the user.
#![cfg(feature = "std")]

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::Digest as _;

use common::miner;

/// How long the pool waits for any one message before failing the test.
const PATIENCE: Duration = Duration::from_secs(120);

/// Difficulty `2^-k` as the pool sends it, and its target
/// `0xffff << (208 + k)` computed with integers, little-endian.
fn difficulty(k: i32) -> f64 {
    2f64.powi(-k)
}

fn target_for(k: i32) -> [u8; 32] {
    let mut target = [0u8; 32];
    let shift = 208 + k;
    assert!((0..=240).contains(&shift));
    for bit in 0..16 {
        let position = (shift + bit) as usize;
        target[position / 8] |= 1 << (position % 8);
    }
    target
}

/// `hash <= target`, both 256-bit little-endian.
fn meets(hash: &[u8; 32], target: &[u8; 32]) -> bool {
    hash.iter().rev().cmp(target.iter().rev()) != std::cmp::Ordering::Greater
}

fn sha2d(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(sha2::Sha256::digest(data)).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn u32_hex(text: &str) -> Option<u32> {
    (text.len() == 8)
        .then(|| u32::from_str_radix(text, 16).ok())
        .flatten()
}

/// A job as the pool made it.
#[derive(Clone, Debug)]
struct PoolJob {
    id: String,
    prev_internal: [u8; 32],
    coinb1: Vec<u8>,
    coinb2: Vec<u8>,
    branch: Vec<[u8; 32]>,
    version: u32,
    nbits: u32,
    ntime: u32,
    /// Difficulty `2^-k` in force when the job was sent.
    k: i32,
    extranonce1: Vec<u8>,
    /// The version-rolling mask of the connection (0 without).
    mask: u32,
}

impl PoolJob {
    fn new(id: &str, seed: u8, k: i32, extranonce1: &[u8], mask: u32) -> PoolJob {
        let bytes = |n: usize, salt: u8| -> Vec<u8> {
            (0..n)
                .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed ^ salt))
                .collect()
        };
        let mut coinb1 = bytes(97, 1);
        coinb1[..4].copy_from_slice(&[2, 0, 0, 0]);
        PoolJob {
            id: id.to_string(),
            prev_internal: bytes(32, 2).try_into().unwrap(),
            coinb1,
            coinb2: bytes(141, 3),
            branch: (0..5)
                .map(|i| bytes(32, 10 + i).try_into().unwrap())
                .collect(),
            version: 0x2000_0000,
            nbits: 0x1703_4219,
            ntime: 0x6650_0000 + u32::from(seed),
            k,
            extranonce1: extranonce1.to_vec(),
            mask,
        }
    }

    fn notify(&self, clean: bool) -> Value {
        // Stratum's prevhash: each 4-byte word of the internal bytes reversed.
        let mut prev = self.prev_internal;
        for word in prev.chunks_exact_mut(4) {
            word.reverse();
        }
        let branch: Vec<String> = self.branch.iter().map(|h| hex(h)).collect();
        json!({"id": null, "method": "mining.notify", "params": [
            self.id, hex(&prev), hex(&self.coinb1), hex(&self.coinb2), branch,
            format!("{:08x}", self.version), format!("{:08x}", self.nbits),
            format!("{:08x}", self.ntime), clean,
        ]})
    }

    /// Checks a submit's params; `Ok` holds the share's header hash and
    /// the version bits used.
    fn check(&self, params: &[Value], user: &str) -> Result<([u8; 32], u32, String), String> {
        let text = |i: usize| -> Result<&str, String> {
            params
                .get(i)
                .and_then(Value::as_str)
                .ok_or_else(|| format!("param {i} missing or not a string: {params:?}"))
        };
        if text(0)? != user {
            return Err(format!("worker {} instead of {user}", text(0)?));
        }
        let expected_params = if self.mask == 0 { 5 } else { 6 };
        if params.len() != expected_params {
            return Err(format!(
                "{} params, expected {expected_params}",
                params.len()
            ));
        }
        let extranonce2 = unhex(text(2)?).ok_or("bad extranonce2 hex")?;
        if extranonce2.len() != 4 {
            return Err(format!("extranonce2 of {} bytes", extranonce2.len()));
        }
        let ntime = u32_hex(text(3)?).ok_or("bad ntime")?;
        if ntime != self.ntime {
            return Err("ntime changed".into());
        }
        let nonce = u32_hex(text(4)?).ok_or("bad nonce")?;
        let version_bits = if self.mask == 0 {
            0
        } else {
            u32_hex(text(5)?).ok_or("bad version bits")?
        };
        if version_bits & !self.mask != 0 {
            return Err(format!(
                "version bits {version_bits:08x} outside mask {:08x}",
                self.mask
            ));
        }
        // BIP 310.
        let version = (self.version & !self.mask) | (version_bits & self.mask);
        let coinbase = [
            self.coinb1.as_slice(),
            &self.extranonce1,
            &extranonce2,
            &self.coinb2,
        ]
        .concat();
        let mut root = sha2d(&coinbase);
        for sibling in &self.branch {
            root = sha2d(&[root, *sibling].concat());
        }
        let mut header = Vec::with_capacity(80);
        header.extend(version.to_le_bytes());
        header.extend(self.prev_internal);
        header.extend(root);
        header.extend(ntime.to_le_bytes());
        header.extend(self.nbits.to_le_bytes());
        header.extend(nonce.to_le_bytes());
        let hash = sha2d(&header);
        if !meets(&hash, &target_for(self.k)) {
            return Err(format!(
                "nonce {nonce:08x} of job {} does not meet difficulty 2^-{}",
                self.id, self.k
            ));
        }
        Ok((hash, version_bits, text(2)?.to_string()))
    }
}

/// One miner connection, seen from the pool.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    /// What the miner did wrong; the test asserts it stays empty.
    failures: Vec<String>,
    /// Answers the miner gave to the pool's own requests.
    replies: Vec<Value>,
    user: String,
}

/// A `mining.submit` the pool received.
struct Submit {
    id: Value,
    job_id: String,
    params: Vec<Value>,
}

impl Conn {
    fn accept(listener: &TcpListener) -> Conn {
        let (stream, _) = listener.accept().expect("accept the miner");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        Conn {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
            failures: Vec::new(),
            replies: Vec::new(),
            user: String::new(),
        }
    }

    fn send(&mut self, value: &Value) {
        self.send_raw(&value.to_string());
    }

    fn send_raw(&mut self, line: &str) {
        // The miner may already be gone at the very end; that is checked
        // by the test through its exit status.
        let _ = self.writer.write_all(format!("{line}\n").as_bytes());
    }

    /// The next message from the miner, or `None` when it closed the
    /// connection.
    fn next(&mut self) -> Option<Value> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => None,
            Ok(_) => match serde_json::from_str(&line) {
                Ok(value) => Some(value),
                Err(e) => {
                    self.failures
                        .push(format!("miner sent bad JSON ({e}): {line}"));
                    Some(Value::Null)
                }
            },
            Err(e) => panic!("pool read failed (the miner went silent?): {e}"),
        }
    }

    /// The next request with this method (answers to the pool's own
    /// requests are kept in `replies`).
    fn expect(&mut self, method: &str) -> Value {
        loop {
            let message = self
                .next()
                .unwrap_or_else(|| panic!("closed before {method}"));
            if message.get("method").is_none() {
                self.replies.push(message);
                continue;
            }
            assert_eq!(message["method"], method, "{message}");
            return message;
        }
    }

    /// Answers `mining.configure` (granting `mask`, or as an unknown
    /// method when `None`), `mining.subscribe` and `mining.authorize`.
    fn handshake(&mut self, mask: Option<u32>, extranonce1: &[u8]) {
        let configure = self.expect("mining.configure");
        let params = &configure["params"];
        assert_eq!(params[0], json!(["version-rolling"]), "{configure}");
        let requested = u32_hex(params[1]["version-rolling.mask"].as_str().unwrap()).unwrap();
        match mask {
            Some(mask) => self.send(&json!({"id": configure["id"], "error": null, "result": {
                "version-rolling": true,
                "version-rolling.mask": format!("{:08x}", mask & requested),
            }})),
            None => self.send(&json!({"id": configure["id"], "result": null,
                "error": [20, "Unknown method mining.configure", null]})),
        }
        let subscribe = self.expect("mining.subscribe");
        self.send(&json!({"id": subscribe["id"], "error": null, "result": [
            [["mining.set_difficulty", "s1"], ["mining.notify", "s2"]], hex(extranonce1), 4
        ]}));
        let authorize = self.expect("mining.authorize");
        self.user = authorize["params"][0].as_str().unwrap().to_string();
        self.send(&json!({"id": authorize["id"], "error": null, "result": true}));
    }

    /// The next share, or `None` when the miner closed the connection.
    fn next_submit(&mut self) -> Option<Submit> {
        loop {
            let message = self.next()?;
            match message.get("method").and_then(Value::as_str) {
                Some("mining.submit") => {
                    let params = message["params"].as_array().cloned().unwrap_or_default();
                    return Some(Submit {
                        id: message["id"].clone(),
                        job_id: params
                            .get(1)
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                        params,
                    });
                }
                Some(other) => self.failures.push(format!("unexpected {other}: {message}")),
                None => self.replies.push(message),
            }
        }
    }

    fn answer(&mut self, submit: &Submit, accepted: bool, error: Value) {
        self.send(&json!({"id": submit.id, "result": accepted, "error": error}));
    }

    fn set_difficulty(&mut self, k: i32) {
        self.send(
            &json!({"id": null, "method": "mining.set_difficulty", "params": [difficulty(k)]}),
        );
    }
}

/// What the pool saw of the shares it accepted.
#[derive(Default)]
struct Seen {
    accepted: u64,
    rejected_on_purpose: u64,
    version_bits: BTreeSet<u32>,
    extranonce2: BTreeSet<String>,
}

/// Receives shares of `jobs` until `quota` valid ones of job `wanted` were
/// accepted. Valid shares of other live jobs, and extra ones, are turned
/// down as stale so that the miner's accepted count stays exact; shares of
/// `forbidden` jobs (dropped by a clean job) are failures.
fn collect(
    conn: &mut Conn,
    jobs: &[&PoolJob],
    wanted: &str,
    quota: u64,
    forbidden: &[&str],
    seen: &mut Seen,
) {
    let mut got = 0;
    while got < quota {
        let submit = conn.next_submit().expect("the miner left before the quota");
        if forbidden.contains(&submit.job_id.as_str()) {
            conn.failures.push(format!(
                "share for dropped job {} after a clean job",
                submit.job_id
            ));
            conn.answer(&submit, false, json!([21, "Job not found", null]));
            continue;
        }
        let Some(job) = jobs.iter().find(|j| j.id == submit.job_id) else {
            conn.failures
                .push(format!("share for unknown job {}", submit.job_id));
            conn.answer(&submit, false, json!([21, "Job not found", null]));
            continue;
        };
        let user = conn.user.clone();
        match job.check(&submit.params, &user) {
            Err(problem) => {
                conn.failures.push(problem);
                conn.answer(&submit, false, json!([23, "Low difficulty share", null]));
            }
            Ok((_, version_bits, extranonce2)) => {
                seen.version_bits.insert(version_bits);
                seen.extranonce2.insert(extranonce2);
                if submit.job_id == wanted {
                    got += 1;
                    seen.accepted += 1;
                    conn.answer(&submit, true, Value::Null);
                } else {
                    conn.answer(&submit, false, json!([21, "Stale share", null]));
                }
            }
        }
    }
}

/// The miner as a child process, its output drained by threads.
struct MinerProcess {
    child: Child,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

impl MinerProcess {
    fn start(args: &[&str]) -> MinerProcess {
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

    /// Waits for the exit (killing it after `PATIENCE`): status code,
    /// stdout, stderr.
    fn finish(mut self) -> (Option<i32>, String, String) {
        let deadline = Instant::now() + PATIENCE;
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

fn listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!(
        "stratum+tcp://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    (listener, url)
}

#[test]
fn mines_for_a_pool_through_every_awkward_part() {
    let (listener, url) = listener();
    let pool = thread::spawn(move || {
        let mut seen = Seen::default();
        let mut failures = Vec::new();
        let mut replies = Vec::new();

        // Connection 1: version rolling on two bits (the pool's mask has
        // bits the miner did not offer; it grants the intersection),
        // difficulty 2^-16.
        let mut conn = Conn::accept(&listener);
        let mask = 0x0000_6000;
        let en1 = [0xa1, 0xb2, 0xc3, 0xd4];
        conn.handshake(Some(0xe000_6000), &en1);
        conn.set_difficulty(16);
        let a = PoolJob::new("a", 1, 16, &en1, mask);
        conn.send(&a.notify(true));
        collect(&mut conn, &[&a], "a", 2, &[], &mut seen);

        // Garbage, an unknown method, a request the miner must answer, and
        // a job with a bad field that must be ignored.
        conn.send_raw("this is not JSON {");
        conn.send_raw("[1, 2, 3]");
        conn.send(&json!({"id": null, "method": "mining.frobnicate", "params": []}));
        conn.send(&json!({"id": "v1", "method": "client.get_version", "params": []}));
        let mut bad = a.notify(false);
        bad["params"][0] = json!("bad");
        bad["params"][1] = json!("00".repeat(31));
        conn.send(&bad);
        let mut short = a.notify(false);
        short["params"][0] = json!("short");
        short["params"].as_array_mut().unwrap().truncate(5);
        conn.send(&short);
        collect(&mut conn, &[&a], "a", 1, &["bad", "short"], &mut seen);

        // A share turned down although valid: the miner counts it as
        // rejected and goes on.
        loop {
            let submit = conn.next_submit().expect("a share to reject");
            if submit.job_id == "a" && a.check(&submit.params, &conn.user.clone()).is_ok() {
                conn.answer(&submit, false, json!([23, "Low difficulty share", null]));
                seen.rejected_on_purpose += 1;
                break;
            }
            conn.failures
                .push(format!("unexpected share {:?}", submit.params));
        }

        // A harder difficulty for the next job (not clean).
        conn.set_difficulty(15);
        let b = PoolJob::new("b", 2, 15, &en1, mask);
        conn.send(&b.notify(false));
        collect(&mut conn, &[&a, &b], "b", 2, &["bad", "short"], &mut seen);

        // A clean job at a difficulty no share will meet keeps the miner
        // busy; then a clean job at an easy one must be taken up at once.
        conn.set_difficulty(-32);
        let d = PoolJob::new("d", 4, -32, &en1, mask);
        conn.send(&d.notify(true));
        // Shares of a and b found before the switch may still be on their
        // way; they are stale now. A line cut by the short read timeout
        // is kept and finished.
        let mut handle = |conn: &mut Conn, line: &str| {
            let message: Value = serde_json::from_str(line).unwrap_or(Value::Null);
            if message["method"] == "mining.submit" {
                conn.send(&json!({"id": message["id"], "result": false,
                    "error": [21, "Job not found", null]}));
            } else {
                replies.push(message);
            }
        };
        let quiet_until = Instant::now() + Duration::from_millis(700);
        let mut probe = String::new();
        conn.writer
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        while Instant::now() < quiet_until {
            match conn.reader.read_line(&mut probe) {
                Ok(0) => break,
                Ok(_) => {
                    let line = std::mem::take(&mut probe);
                    handle(&mut conn, &line);
                }
                Err(_) => {}
            }
        }
        conn.writer.set_read_timeout(Some(PATIENCE)).unwrap();
        if !probe.is_empty() {
            conn.reader
                .read_line(&mut probe)
                .expect("the rest of a line");
            handle(&mut conn, &probe);
        }
        conn.set_difficulty(16);
        let c = PoolJob::new("c", 3, 16, &en1, mask);
        conn.send(&c.notify(true));
        collect(&mut conn, &[&c], "c", 2, &["a", "b", "d"], &mut seen);
        let rolled = seen.version_bits.clone();
        let extranonces = seen.extranonce2.len();
        failures.append(&mut conn.failures);
        replies.append(&mut conn.replies);
        // Connection lost.
        drop(conn);

        // Connection 2: a pool without version rolling; another
        // extranonce1.
        let mut conn = Conn::accept(&listener);
        let en1 = [0xe5, 0xf6, 0xa7];
        conn.handshake(None, &en1);
        conn.set_difficulty(16);
        let e = PoolJob::new("e", 5, 16, &en1, 0);
        conn.send(&e.notify(true));
        collect(&mut conn, &[&e], "e", 2, &["a", "b", "c", "d"], &mut seen);
        // The miner exits after its last accepted share.
        while let Some(submit) = conn.next_submit() {
            conn.answer(&submit, false, json!([21, "Stale share", null]));
        }
        failures.append(&mut conn.failures);
        replies.append(&mut conn.replies);
        (seen, rolled, extranonces, failures, replies)
    });

    let miner = MinerProcess::start(&[
        "--pool",
        &url,
        "--user",
        "tester.1",
        "--password",
        "secret",
        "--shares",
        "9",
        "--threads",
        "2",
        "--work-size",
        "16384",
        "--timeout",
        "60",
        "--quiet",
    ]);
    let (code, stdout, stderr) = miner.finish();
    let context = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    let (seen, rolled, extranonces, failures, replies) = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));

    assert!(
        failures.is_empty(),
        "the pool found: {failures:#?}\n{context}"
    );
    assert_eq!(code, Some(0), "{context}");
    assert_eq!(seen.accepted, 9, "{context}");
    assert_eq!(seen.rejected_on_purpose, 1);
    assert_eq!(stdout.matches("share accepted").count(), 9, "{context}");
    assert!(stdout.contains("share rejected: job a"), "{context}");
    assert!(stdout.contains("23: Low difficulty share"), "{context}");
    assert!(stdout.contains("9 accepted"), "{context}");
    // Versions and extranonce2 values were rolled (2-bit mask, 2^14 nonces
    // per work: a new extranonce2 every 2^16 nonces, about one share).
    assert!(rolled.len() >= 2, "version bits seen: {rolled:?}");
    assert!(rolled.iter().all(|bits| bits & !0x0000_6000 == 0));
    assert!(extranonces >= 2, "{context}");
    assert!(
        stdout.contains("version rolling: mask 00006000"),
        "{context}"
    );
    assert!(stdout.contains("no version rolling"), "{context}");
    assert!(
        stdout.contains("(clean: earlier jobs dropped)"),
        "{context}"
    );
    // The miner answered client.get_version.
    assert!(
        replies
            .iter()
            .any(|r| r["id"] == "v1" && r["result"].as_str().is_some_and(|v| v.contains("sha256d"))),
        "{replies:?}"
    );
    // What it said about the bad input and the lost connection.
    for expected in [
        "ignored a line from the pool: not JSON",
        "ignored a line from the pool: not a JSON object",
        "ignored unknown method mining.frobnicate",
        "ignored job bad: prevhash: expected 32 bytes, got 31",
        "ignored a mining.notify: 5 parameters instead of 9",
        "lost: the pool closed the connection; reconnecting in 1 s",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?}\n{context}");
    }
    assert!(!stderr.contains("panicked"), "{context}");
    // A share found for a job the pool has just dropped is held back
    // ("stale share not sent"), which may happen or not depending on
    // timing; a share that fails its own re-check must never happen.
    assert!(!stderr.contains("error: share not sent"), "{context}");
}

#[test]
fn follows_client_reconnect_to_another_pool() {
    let (first, url) = listener();
    let (second, second_url) = listener();
    let second_port: u16 = second_url.rsplit(':').next().unwrap().parse().unwrap();
    let pool = thread::spawn(move || {
        let mut conn = Conn::accept(&first);
        conn.handshake(Some(0x1fff_e000), &[1, 2, 3, 4]);
        conn.send(&json!({"id": null, "method": "client.reconnect",
            "params": ["127.0.0.1", second_port, 0]}));
        let mut failures = std::mem::take(&mut conn.failures);
        let mut conn = Conn::accept(&second);
        conn.handshake(Some(0x1fff_e000), &[5, 6, 7, 8]);
        conn.set_difficulty(16);
        let job = PoolJob::new("r", 9, 16, &[5, 6, 7, 8], 0x1fff_e000);
        conn.send(&job.notify(true));
        let mut seen = Seen::default();
        collect(&mut conn, &[&job], "r", 1, &[], &mut seen);
        while let Some(submit) = conn.next_submit() {
            conn.answer(&submit, false, json!([21, "Stale share", null]));
        }
        failures.append(&mut conn.failures);
        failures
    });
    let miner = MinerProcess::start(&[
        "--pool",
        &url,
        "--user",
        "u",
        "--shares",
        "1",
        "--threads",
        "1",
        "--quiet",
    ]);
    let (code, stdout, stderr) = miner.finish();
    let context = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    let failures = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    assert!(failures.is_empty(), "{failures:#?}\n{context}");
    assert_eq!(code, Some(0), "{context}");
    assert!(
        stdout.contains(&format!("asked to reconnect to 127.0.0.1:{second_port}")),
        "{context}"
    );
    assert_eq!(stdout.matches("share accepted").count(), 1, "{context}");
}

#[test]
fn a_silent_pool_times_out_and_the_miner_gives_up() {
    let (listener, url) = listener();
    let pool = thread::spawn(move || {
        // Accept twice, read what the miner says, answer nothing; hold the
        // second connection until the miner hangs up.
        let (first, _) = listener.accept().expect("accept");
        let mut line = String::new();
        let mut first = BufReader::new(first);
        first.read_line(&mut line).unwrap();
        let (second, _) = listener.accept().expect("accept again");
        second.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut rest = String::new();
        let _ = BufReader::new(second).read_to_string(&mut rest);
        drop(first);
        line
    });
    let started = Instant::now();
    let miner = MinerProcess::start(&[
        "--pool",
        &url,
        "--user",
        "u",
        "--timeout",
        "1",
        "--retries",
        "1",
        "--threads",
        "1",
        "--quiet",
    ]);
    let (code, stdout, stderr) = miner.finish();
    let context = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    let first = pool
        .join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    assert!(first.contains("mining.configure"), "{first}");
    assert_eq!(code, Some(1), "{context}");
    assert!(
        stderr.contains("no answer to mining.configure within 1 s; reconnecting in 1 s"),
        "{context}"
    );
    assert!(
        stderr.contains("error: giving up on 127.0.0.1:")
            && stderr.contains("after 2 failed connections in a row"),
        "{context}"
    );
    assert!(started.elapsed() < PATIENCE);
    assert!(!stderr.contains("panicked"), "{context}");
}

#[test]
fn an_unreachable_pool_is_a_clear_error() {
    let (listener, url) = listener();
    drop(listener);
    let miner = MinerProcess::start(&["--pool", &url, "--user", "u", "--retries", "0", "--quiet"]);
    let (code, stdout, stderr) = miner.finish();
    let context = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(code, Some(1), "{context}");
    assert!(stderr.contains("cannot connect to 127.0.0.1:"), "{context}");
    assert!(
        stderr.contains("after 1 failed connection in a row"),
        "{context}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{context}");
}

#[test]
fn a_refused_user_ends_the_miner() {
    let (listener, url) = listener();
    let pool = thread::spawn(move || {
        let mut conn = Conn::accept(&listener);
        let configure = conn.expect("mining.configure");
        conn.send(
            &json!({"id": configure["id"], "result": {"version-rolling": false}, "error": null}),
        );
        let subscribe = conn.expect("mining.subscribe");
        conn.send(&json!({"id": subscribe["id"], "error": null,
            "result": [[], "00000001", 4]}));
        let authorize = conn.expect("mining.authorize");
        assert_eq!(authorize["params"], json!(["nobody", "x"]));
        conn.send(&json!({"id": authorize["id"], "result": null,
            "error": [24, "Unauthorized worker", null]}));
        // The miner hangs up.
        while conn.next().is_some() {}
    });
    let miner = MinerProcess::start(&["--pool", &url, "--user", "nobody", "--quiet"]);
    let (code, stdout, stderr) = miner.finish();
    let context = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    pool.join()
        .unwrap_or_else(|_| panic!("the pool failed\n{context}"));
    assert_eq!(code, Some(1), "{context}");
    assert!(
        stdout.contains("no version rolling: the pool declined it"),
        "{context}"
    );
    assert!(
        stderr.contains("error: the pool refused user nobody: 24: Unauthorized worker"),
        "{context}"
    );
}

#[test]
fn bad_pool_options_are_one_line_errors() {
    for (args, expected) in [
        (
            vec!["--pool", "http://127.0.0.1:1", "--user", "u"],
            "only stratum+tcp",
        ),
        (
            vec!["--pool", "stratum+tcp://127.0.0.1", "--user", "u"],
            "no :PORT",
        ),
        (
            vec!["--pool", "stratum+tcp://127.0.0.1:0", "--user", "u"],
            "bad port",
        ),
        (
            vec!["--pool", "stratum+tcp://127.0.0.1:99999", "--user", "u"],
            "bad port",
        ),
        (vec!["--pool", "stratum+tcp://127.0.0.1:3333"], "--user"),
        (
            vec![
                "--pool",
                "stratum+tcp://h:1",
                "--user",
                "u",
                "--work-size",
                "0",
            ],
            "--work-size",
        ),
        (
            vec![
                "--pool",
                "stratum+tcp://h:1",
                "--user",
                "u",
                "--timeout",
                "0",
            ],
            "--timeout",
        ),
        (
            vec![
                "--pool",
                "stratum+tcp://h:1",
                "--user",
                "u",
                "--shares",
                "0",
            ],
            "--shares",
        ),
        (
            vec![
                "--pool",
                "stratum+tcp://h:1",
                "--user",
                "u",
                "--header",
                "00",
            ],
            "cannot be used with",
        ),
        (vec!["--user", "u"], "--pool"),
    ] {
        let output = Command::new(miner()).args(&args).output().expect("run");
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{args:?}: {message}");
        assert!(message.contains(expected), "{args:?}: {message}");
    }
}
