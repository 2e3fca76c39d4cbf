//! The miner example against a Stratum V2 pool built here from the Stratum
//! Reference Implementation's crates (Noise responder, framing, message
//! encoding), over loopback. The pool serves the real block of
//! `tests/vectors/stratum/mainnet-block-c835.json` and checks every share
//! with the `sha2` crate (coinbase, Merkle root, version bits inside BIP
//! 320's mask, nTime window, header hash against the channel target),
//! never with this crate.
#![cfg(all(feature = "std", target_arch = "x86_64", target_os = "linux"))]

mod common;
mod sv2_pool;

use std::io::Write;
use std::process::Command;
use std::thread;

use stratum_core::binary_sv2::{B032, B064K, Seq0255, Sv2Option, U256};
use stratum_core::framing_sv2::framing::SerializedFrame;
use stratum_core::mining_sv2::*;
use stratum_core::parsers_sv2::MiningOwned;

use common::miner;
use sv2_pool::{
    Block, MinerProcess, PoolConn, authority, base58check, block, easy_target, key_text, listener,
    meets, sha2d,
};

/// BIP 320's general-purpose version bits.
const BIP320: u32 = 0x1fff_e000;

/// The seconds after `min_ntime` the pool accepts.
const NTIME_WINDOW: u32 = 600;

/// The kind of channel a test opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Standard,
    Extended,
}

const CHANNEL: u32 = 7;
/// The channel target: about one hash in 2^18 meets it.
const TARGET_BITS: usize = 18;

/// A job as the pool made it.
#[derive(Clone)]
struct PoolJob {
    id: u32,
    version: u32,
    prev_hash: [u8; 32],
    min_ntime: u32,
    nbits: u32,
    /// Standard: the Merkle root. Extended: from the coinbase parts.
    merkle_root: [u8; 32],
    coinb1: Vec<u8>,
    coinb2: Vec<u8>,
    branch: Vec<[u8; 32]>,
}

impl PoolJob {
    fn first(b: &Block) -> PoolJob {
        PoolJob {
            id: 1,
            version: b.version,
            prev_hash: b.prev_hash,
            min_ntime: b.ntime,
            nbits: b.nbits,
            merkle_root: b.merkle_root,
            coinb1: b.coinb1.clone(),
            coinb2: b.coinb2.clone(),
            branch: b.branch.clone(),
        }
    }

    /// The job on the next block: another previous hash, a later nTime,
    /// another coinbase.
    fn next(&self) -> PoolJob {
        let mut coinb2 = self.coinb2.clone();
        coinb2[0] ^= 1;
        PoolJob {
            id: self.id + 1,
            prev_hash: sha2d(&self.prev_hash),
            min_ntime: self.min_ntime + 1_000,
            merkle_root: sha2d(&self.merkle_root),
            coinb2,
            ..self.clone()
        }
    }

    /// Sends the job as a future job, then the `SetNewPrevHash` that
    /// makes it current.
    fn send(&self, conn: &mut PoolConn, kind: Kind) {
        match kind {
            Kind::Standard => conn.send(
                NewMiningJob {
                    channel_id: CHANNEL,
                    job_id: self.id,
                    min_ntime: Sv2Option::new(None),
                    version: self.version,
                    merkle_root: U256::from(&self.merkle_root),
                },
                MESSAGE_TYPE_NEW_MINING_JOB,
                CHANNEL_BIT_NEW_MINING_JOB,
            ),
            Kind::Extended => conn.send(
                NewExtendedMiningJob {
                    channel_id: CHANNEL,
                    job_id: self.id,
                    min_ntime: Sv2Option::new(None),
                    version: self.version,
                    version_rolling_allowed: true,
                    merkle_path: Seq0255::new(self.branch.iter().map(U256::from).collect())
                        .unwrap(),
                    coinbase_tx_prefix: B064K::try_from(self.coinb1.as_slice()).unwrap(),
                    coinbase_tx_suffix: B064K::try_from(self.coinb2.as_slice()).unwrap(),
                },
                MESSAGE_TYPE_NEW_EXTENDED_MINING_JOB,
                CHANNEL_BIT_NEW_EXTENDED_MINING_JOB,
            ),
        }
        conn.send(
            SetNewPrevHash {
                channel_id: CHANNEL,
                job_id: self.id,
                prev_hash: U256::from(&self.prev_hash),
                min_ntime: self.min_ntime,
                nbits: self.nbits,
            },
            MESSAGE_TYPE_MINING_SET_NEW_PREV_HASH,
            CHANNEL_BIT_MINING_SET_NEW_PREV_HASH,
        );
    }

    /// Checks a share the plain way: the version bits, the nTime window,
    /// the header's hash against `target`. Returns the header hash.
    fn check(
        &self,
        version: u32,
        ntime: u32,
        nonce: u32,
        extranonce: Option<&[u8]>,
        extranonce_prefix: &[u8],
        target: &[u8; 32],
    ) -> Result<[u8; 32], String> {
        if (version ^ self.version) & !BIP320 != 0 {
            return Err(format!("version {version:08x}: bits outside BIP 320"));
        }
        if !(self.min_ntime..=self.min_ntime + NTIME_WINDOW).contains(&ntime) {
            return Err(format!("ntime {ntime} outside the window"));
        }
        let root = match extranonce {
            None => self.merkle_root,
            Some(extranonce) => {
                if extranonce.len() != 4 {
                    return Err(format!("extranonce of {} bytes", extranonce.len()));
                }
                let coinbase = [
                    &self.coinb1[..],
                    extranonce_prefix,
                    extranonce,
                    &self.coinb2[..],
                ]
                .concat();
                self.branch.iter().fold(sha2d(&coinbase), |node, hash| {
                    sha2d(&[&node[..], &hash[..]].concat())
                })
            }
        };
        let header = [
            &version.to_le_bytes()[..],
            &self.prev_hash,
            &root,
            &ntime.to_le_bytes(),
            &self.nbits.to_le_bytes(),
            &nonce.to_le_bytes(),
        ]
        .concat();
        let hash = sha2d(&header);
        if !meets(&hash, target) {
            return Err("the hash does not meet the channel target".into());
        }
        Ok(hash)
    }
}

/// A share the pool accepted.
#[derive(Debug)]
struct Accepted {
    job_id: u32,
    version: u32,
    extranonce: Option<Vec<u8>>,
    /// The header hash, internal byte order.
    hash: [u8; 32],
}

/// Opens the channel the miner asks for and returns the extranonce prefix
/// given to it.
fn open_channel(conn: &mut PoolConn, kind: Kind, b: &Block) -> Vec<u8> {
    let target = easy_target(TARGET_BITS);
    match (conn.next_mining(), kind) {
        (Some(MiningOwned::OpenStandardMiningChannel(open)), Kind::Standard) => {
            assert_eq!(open.user_identity.as_bytes(), b"U");
            conn.send(
                OpenStandardMiningChannelSuccess {
                    request_id: open.request_id,
                    channel_id: CHANNEL,
                    target: U256::from(&target),
                    extranonce_prefix: B032::try_from(&[9u8, 9, 9, 9][..]).unwrap(),
                    group_channel_id: 0,
                },
                MESSAGE_TYPE_OPEN_STANDARD_MINING_CHANNEL_SUCCESS,
                CHANNEL_BIT_OPEN_STANDARD_MINING_CHANNEL_SUCCESS,
            );
            Vec::new()
        }
        (Some(MiningOwned::OpenExtendedMiningChannel(open)), Kind::Extended) => {
            assert_eq!(open.user_identity.as_bytes(), b"U");
            assert!(open.min_extranonce_size <= 4);
            conn.send(
                OpenExtendedMiningChannelSuccess {
                    request_id: open.request_id,
                    channel_id: CHANNEL,
                    target: U256::from(&target),
                    extranonce_size: 4,
                    extranonce_prefix: B032::try_from(b.extranonce1.as_slice()).unwrap(),
                    group_channel_id: 0,
                },
                MESSAGE_TYPE_OPEN_EXTENDED_MINING_CHANNEL_SUCCESS,
                CHANNEL_BIT_OPEN_EXTENDED_MINING_CHANNEL_SUCCESS,
            );
            b.extranonce1.clone()
        }
        (other, _) => panic!("expected a {kind:?} channel opening, got {other:?}"),
    }
}

/// Serves one connection: `total` accepted shares, switching to a job on a
/// new block after `switch_after` of them. Shares of the old job are
/// answered `stale-share` after the switch, and none may follow a share of
/// the new job.
fn serve(conn: &mut PoolConn, kind: Kind, total: usize, switch_after: usize) -> Vec<Accepted> {
    serve_with(conn, kind, total, switch_after, 0)
}

/// [`serve`], answering `SetupConnection` with `flags`.
fn serve_with(
    conn: &mut PoolConn,
    kind: Kind,
    total: usize,
    switch_after: usize,
    flags: u32,
) -> Vec<Accepted> {
    let b = block();
    let flags = conn.setup(flags);
    assert_ne!(flags & 0b100, 0, "version rolling requested");
    assert_eq!(flags & 1 != 0, kind == Kind::Standard, "standard jobs only");
    let prefix = open_channel(conn, kind, &b);
    let target = easy_target(TARGET_BITS);
    let first = PoolJob::first(&b);
    let second = first.next();
    first.send(conn, kind);
    let mut current = &first;
    let mut accepted = Vec::new();
    let mut new_block_share_seen = false;
    while accepted.len() < total {
        let (sequence, job_id, version, ntime, nonce, extranonce) =
            match conn.next_mining().expect("a share before the miner stops") {
                MiningOwned::SubmitSharesStandard(s) if kind == Kind::Standard => {
                    assert_eq!(s.channel_id, CHANNEL);
                    (
                        s.sequence_number,
                        s.job_id,
                        s.version,
                        s.ntime,
                        s.nonce,
                        None,
                    )
                }
                MiningOwned::SubmitSharesExtended(s) if kind == Kind::Extended => {
                    assert_eq!(s.channel_id, CHANNEL);
                    let extranonce = s.extranonce.as_bytes().to_vec();
                    (
                        s.sequence_number,
                        s.job_id,
                        s.version,
                        s.ntime,
                        s.nonce,
                        Some(extranonce),
                    )
                }
                other => panic!("expected a share, got {other:?}"),
            };
        let job = [&first, &second]
            .into_iter()
            .find(|job| job.id == job_id)
            .unwrap_or_else(|| panic!("a share for unknown job {job_id}"));
        let hash = job
            .check(
                version,
                ntime,
                nonce,
                extranonce.as_deref(),
                &prefix,
                &target,
            )
            .unwrap_or_else(|e| panic!("share {sequence} of job {job_id}: {e}"));
        if job.id == current.id {
            new_block_share_seen |= current.id == second.id;
            accepted.push(Accepted {
                job_id,
                version,
                extranonce,
                hash,
            });
            conn.send(
                SubmitSharesSuccess {
                    channel_id: CHANNEL,
                    last_sequence_number: sequence,
                    new_submits_accepted_count: 1,
                    new_shares_sum: 1,
                },
                MESSAGE_TYPE_SUBMIT_SHARES_SUCCESS,
                CHANNEL_BIT_SUBMIT_SHARES_SUCCESS,
            );
        } else {
            assert!(
                !new_block_share_seen,
                "a share of job {job_id} after a share on the new block"
            );
            conn.send(
                SubmitSharesError {
                    channel_id: CHANNEL,
                    sequence_number: sequence,
                    error_code: "stale-share".try_into().unwrap(),
                },
                MESSAGE_TYPE_SUBMIT_SHARES_ERROR,
                CHANNEL_BIT_SUBMIT_SHARES_ERROR,
            );
        }
        if accepted.len() == switch_after && current.id == first.id {
            second.send(conn, kind);
            current = &second;
        }
    }
    accepted
}

/// Mines 12 shares on a channel of `kind`, across a switch to a new block
/// after 6, and checks what the pool accepted.
fn mines_twelve_shares(kind: Kind, channel: &str) {
    let keys = authority("sha256d test pool authority");
    let (listener, url) = listener(&keys.0);
    let pool = thread::spawn(move || {
        let mut conn = PoolConn::accept(&listener, keys);
        let accepted = serve(&mut conn, kind, 12, 6);
        // The miner stops after the twelfth answer.
        while conn.recv().is_some() {}
        accepted
    });
    let miner = MinerProcess::start(&[
        "--pool",
        &url,
        "--user",
        "U",
        "--shares",
        "12",
        "--channel",
        channel,
        // Few nonces per version, so that several versions are rolled.
        "--work-size",
        "524288",
        "--retries",
        "0",
    ]);
    let (code, stdout, stderr) = miner.finish();
    let accepted = pool.join().expect("the pool's checks");
    assert_eq!(code, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(accepted.len(), 12);
    assert!(stdout.contains("12 accepted"), "{stdout}");
    assert!(stdout.contains("pool certificate verified"), "{stdout}");
    let versions: std::collections::BTreeSet<u32> = accepted.iter().map(|a| a.version).collect();
    assert!(versions.len() > 1, "no version rolled: {versions:x?}");
    assert!(versions.iter().any(|v| v & BIP320 != 0));
    assert!(
        accepted.iter().any(|a| a.job_id == 2),
        "no share on the new block"
    );
    for share in &accepted {
        // The miner prints the hash in display order.
        let display: String = share
            .hash
            .iter()
            .rev()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(stdout.contains(&display), "{display} not in {stdout}");
    }
    if kind == Kind::Extended {
        assert!(accepted.iter().all(|a| a.extranonce.is_some()));
    }
}

#[test]
fn mines_on_a_standard_channel() {
    mines_twelve_shares(Kind::Standard, "standard");
}

#[test]
fn mines_on_an_extended_channel() {
    mines_twelve_shares(Kind::Extended, "extended");
}

#[test]
fn a_pool_without_the_authority_key_is_refused() {
    let trusted = authority("sha256d test pool authority");
    let impostor = authority("another authority");
    let (listener, url) = listener(&trusted.0);
    let pool = thread::spawn(move || {
        let mut conn = PoolConn::accept(&listener, impostor);
        // The miner hangs up without a SetupConnection.
        conn.recv().map(|(kind, _)| kind)
    });
    let miner = MinerProcess::start(&["--pool", &url, "--user", "U", "--retries", "5"]);
    let (code, stdout, stderr) = miner.finish();
    assert_eq!(pool.join().unwrap(), None, "the miner sent a message");
    assert_eq!(code, Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stderr.contains("not signed by the authority key"),
        "{stderr}"
    );
    assert!(!stdout.contains("certificate verified"), "{stdout}");
}

#[test]
fn a_garbled_or_oversized_frame_is_a_clean_reconnect() {
    let keys = authority("sha256d test pool authority");
    let (listener, url) = listener(&keys.0);
    let pool = thread::spawn(move || {
        let b = block();
        // First connection: bytes that are no encrypted frame.
        let mut conn = PoolConn::accept(&listener, keys);
        conn.setup(0);
        open_channel(&mut conn, Kind::Standard, &b);
        PoolJob::first(&b).send(&mut conn, Kind::Standard);
        conn.stream.write_all(&[0x5a; 64]).unwrap();
        while conn.recv_lenient() {}

        // Second connection: a well encrypted frame that declares a 1 MiB
        // payload.
        let mut conn = PoolConn::accept(&listener, keys);
        conn.setup(0);
        open_channel(&mut conn, Kind::Standard, &b);
        let mut bytes = vec![0u8; 6 + (1 << 20)];
        bytes[2] = MESSAGE_TYPE_NEW_MINING_JOB;
        bytes[3..6].copy_from_slice(&(1u32 << 20).to_le_bytes()[..3]);
        let frame = SerializedFrame::from_bytes(bytes).unwrap();
        let encrypted = conn
            .encoder
            .encode_transport(frame, &mut conn.encrypt)
            .unwrap();
        // The miner hangs up part way.
        let _ = conn.stream.write_all(encrypted.as_ref());
        while conn.recv_lenient() {}

        // Third connection: one share.
        let mut conn = PoolConn::accept(&listener, keys);
        let accepted = serve(&mut conn, Kind::Standard, 1, usize::MAX);
        while conn.recv().is_some() {}
        accepted.len()
    });
    let miner = MinerProcess::start(&["--pool", &url, "--user", "U", "--shares", "1"]);
    let (code, stdout, stderr) = miner.finish();
    assert_eq!(pool.join().expect("the pool's checks"), 1);
    assert_eq!(code, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stderr.contains("does not decrypt"), "{stderr}");
    assert!(stderr.contains("a frame larger than"), "{stderr}");
    assert_eq!(stderr.matches("reconnecting in").count(), 2, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stdout.contains("1 accepted"), "{stdout}");
}

#[test]
fn bad_sv2_options_are_one_line_errors() {
    let key = key_text(&authority("sha256d test pool authority").0);
    let url = format!("stratum2+tcp://127.0.0.1:1/{key}");
    // A key of version 2, and one whose checksum is broken.
    let mut payload = vec![2, 0];
    payload.extend_from_slice(&authority("sha256d test pool authority").0);
    let version_2 = format!("stratum2+tcp://127.0.0.1:1/{}", base58check(&payload));
    let mut broken = key.clone().into_bytes();
    let last = broken.len() - 1;
    broken[last] = if broken[last] == b'2' { b'3' } else { b'2' };
    let broken = format!(
        "stratum2+tcp://127.0.0.1:1/{}",
        String::from_utf8(broken).unwrap()
    );
    for (args, expected) in [
        (
            vec!["--pool", "stratum2+tcp://127.0.0.1:1", "--user", "u"],
            "/AUTHORITY_PUBLIC_KEY",
        ),
        (
            vec!["--pool", "stratum2+tcp://127.0.0.1:1/", "--user", "u"],
            "/AUTHORITY_PUBLIC_KEY",
        ),
        (
            vec!["--pool", &version_2, "--user", "u"],
            "authority public key",
        ),
        (
            vec!["--pool", &broken, "--user", "u"],
            "authority public key",
        ),
        (
            vec![
                "--pool",
                &format!("stratum2+tcp://127.0.0.1/{key}"),
                "--user",
                "u",
            ],
            "no :PORT",
        ),
        (
            vec!["--pool", &url, "--user", "u", "--channel", "group"],
            "--channel",
        ),
        (
            vec!["--pool", &url, "--user", "u", "--shares", "0"],
            "--shares",
        ),
        (vec!["--channel", "extended", "--user", "u"], "--pool"),
    ] {
        let output = Command::new(miner()).args(&args).output().expect("run");
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{args:?}: {message}");
        assert!(message.contains(expected), "{args:?}: {message}");
    }
}

#[test]
fn a_pool_that_requires_a_fixed_version_gets_it() {
    let keys = authority("sha256d test pool authority");
    let (listener, url) = listener(&keys.0);
    let pool = thread::spawn(move || {
        let mut conn = PoolConn::accept(&listener, keys);
        // REQUIRES_FIXED_VERSION.
        let accepted = serve_with(&mut conn, Kind::Standard, 4, usize::MAX, 1);
        while conn.recv().is_some() {}
        accepted
    });
    let miner = MinerProcess::start(&["--pool", &url, "--user", "U", "--shares", "4"]);
    let (code, stdout, stderr) = miner.finish();
    let accepted = pool.join().expect("the pool's checks");
    assert_eq!(code, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let version = block().version;
    assert!(
        accepted.iter().all(|a| a.version == version),
        "{accepted:x?}"
    );
    assert!(stdout.contains("no version rolling"), "{stdout}");
}
