//! A small Stratum v1 pool for the miner tests, over loopback: jobs made
//! and shares checked with the `sha2` crate (never with this crate), one
//! connection as the pool sees it, and the miner as a child process with
//! its output and peak memory.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use serde_json::{Value, json};
use sha2::Digest as _;

pub use crate::common::MinerProcess;

/// How long the pool waits for any one message before failing the test.
pub const PATIENCE: Duration = Duration::from_secs(120);

/// Difficulty `2^-k` as the pool sends it, and its target
/// `0xffff << (208 + k)` computed with integers, little-endian.
pub fn difficulty(k: i32) -> f64 {
    2f64.powi(-k)
}

pub fn target_for(k: i32) -> [u8; 32] {
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
pub fn meets(hash: &[u8; 32], target: &[u8; 32]) -> bool {
    hash.iter().rev().cmp(target.iter().rev()) != std::cmp::Ordering::Greater
}

pub fn sha2d(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(sha2::Sha256::digest(data)).into()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

pub fn u32_hex(text: &str) -> Option<u32> {
    (text.len() == 8)
        .then(|| u32::from_str_radix(text, 16).ok())
        .flatten()
}

/// A job as the pool made it.
#[derive(Clone, Debug)]
pub struct PoolJob {
    pub id: String,
    pub prev_internal: [u8; 32],
    pub coinb1: Vec<u8>,
    pub coinb2: Vec<u8>,
    pub branch: Vec<[u8; 32]>,
    pub version: u32,
    pub nbits: u32,
    pub ntime: u32,
    /// Difficulty `2^-k` in force when the job was sent.
    pub k: i32,
    pub extranonce1: Vec<u8>,
    /// The version-rolling mask of the connection (0 without).
    pub mask: u32,
}

impl PoolJob {
    pub fn new(id: &str, seed: u8, k: i32, extranonce1: &[u8], mask: u32) -> PoolJob {
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

    pub fn notify(&self, clean: bool) -> Value {
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
    pub fn check(&self, params: &[Value], user: &str) -> Result<([u8; 32], u32, String), String> {
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
pub struct Conn {
    pub reader: BufReader<TcpStream>,
    pub writer: TcpStream,
    /// What the miner did wrong; the test asserts it stays empty.
    pub failures: Vec<String>,
    /// Answers the miner gave to the pool's own requests.
    pub replies: Vec<Value>,
    pub user: String,
    pub password: String,
    /// A message read before the handshake began (by [`Conn::accept_miner`]).
    pub first: Option<Value>,
}

/// A `mining.submit` the pool received.
pub struct Submit {
    pub id: Value,
    pub job_id: String,
    pub params: Vec<Value>,
}

impl Conn {
    pub fn accept(listener: &TcpListener) -> Conn {
        let (stream, _) = listener.accept().expect("accept the miner");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        Conn {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
            failures: Vec::new(),
            replies: Vec::new(),
            user: String::new(),
            password: String::new(),
            first: None,
        }
    }

    /// The next connection that says something: connections closed
    /// before their first line (the miner's checks that a pool is back)
    /// are skipped.
    pub fn accept_miner(listener: &TcpListener) -> Conn {
        loop {
            let mut conn = Conn::accept(listener);
            if let Some(first) = conn.next() {
                conn.first = Some(first);
                return conn;
            }
        }
    }

    /// Sends `bytes` and a newline as they are (not necessarily UTF-8).
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        let _ = self.writer.write_all(&[bytes, b"\n"].concat());
    }

    pub fn send(&mut self, value: &Value) {
        self.send_raw(&value.to_string());
    }

    pub fn send_raw(&mut self, line: &str) {
        // The miner may already be gone at the very end; that is checked
        // by the test through its exit status.
        let _ = self.writer.write_all(format!("{line}\n").as_bytes());
    }

    /// The next message from the miner, or `None` when it closed the
    /// connection.
    pub fn next(&mut self) -> Option<Value> {
        if let Some(first) = self.first.take() {
            return Some(first);
        }
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
            // A miner that exits with our lines unread resets the
            // connection: it is gone all the same.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => None,
            Err(e) => panic!("pool read failed (the miner went silent?): {e}"),
        }
    }

    /// The next request with this method (answers to the pool's own
    /// requests are kept in `replies`).
    pub fn expect(&mut self, method: &str) -> Value {
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
    pub fn handshake(&mut self, mask: Option<u32>, extranonce1: &[u8]) {
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
        self.password = authorize["params"][1].as_str().unwrap_or("").to_string();
        self.send(&json!({"id": authorize["id"], "error": null, "result": true}));
    }

    /// The next share, or `None` when the miner closed the connection.
    pub fn next_submit(&mut self) -> Option<Submit> {
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

    pub fn answer(&mut self, submit: &Submit, accepted: bool, error: Value) {
        self.send(&json!({"id": submit.id, "result": accepted, "error": error}));
    }

    pub fn set_difficulty(&mut self, k: i32) {
        self.send(
            &json!({"id": null, "method": "mining.set_difficulty", "params": [difficulty(k)]}),
        );
    }
}

/// What the pool saw of the shares it accepted.
#[derive(Default)]
pub struct Seen {
    pub accepted: u64,
    pub rejected_on_purpose: u64,
    pub version_bits: BTreeSet<u32>,
    pub extranonce2: BTreeSet<String>,
}

/// Receives shares of `jobs` until `quota` valid ones of job `wanted` were
/// accepted. Valid shares of other live jobs, and extra ones, are turned
/// down as stale so that the miner's accepted count stays exact; shares of
/// `forbidden` jobs (dropped by a clean job) are failures.
pub fn collect(
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

pub fn listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!(
        "stratum+tcp://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    (listener, url)
}

/// The peak resident memory of process `pid` so far, in KiB (`VmHWM` in
/// `/proc/PID/status`); `None` once it has exited.
pub fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
