//! The miner example against a Stratum V2 pool built here from the Stratum
//! Reference Implementation's crates (Noise responder, framing, message
//! encoding), over loopback. The pool serves the real block of
//! `tests/vectors/stratum/mainnet-block-c835.json` and checks every share
//! with the `sha2` crate (coinbase, Merkle root, version bits inside BIP
//! 320's mask, nTime window, header hash against the channel target),
//! never with this crate.
#![cfg(all(feature = "std", target_arch = "x86_64", target_os = "linux"))]

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use sha2::Digest as _;
use stratum_core::binary_sv2::{B032, B064K, GetSize, Seq0255, Serialize, Sv2Option, U256};
use stratum_core::bitcoin::secp256k1::{Keypair, Secp256k1};
use stratum_core::codec_sv2::{
    Decrypted, Handshake, NoiseDecoder, NoiseEncoder, TransportDecryptState, TransportEncryptState,
};
use stratum_core::common_messages_sv2::{
    CHANNEL_BIT_SETUP_CONNECTION_SUCCESS, MESSAGE_TYPE_SETUP_CONNECTION_SUCCESS,
    SetupConnectionSuccess,
};
use stratum_core::framing_sv2::framing::{MessageFrame, SerializedFrame};
use stratum_core::framing_sv2::header::Header;
use stratum_core::mining_sv2::*;
use stratum_core::noise_sv2::{ELLSWIFT_ENCODING_SIZE, Responder};
use stratum_core::parsers_sv2::{CommonMessages, Mining, MiningOwned};

use common::{miner, read_vector};

/// How long the pool waits for anything before failing the test.
const PATIENCE: Duration = Duration::from_secs(120);

/// BIP 320's general-purpose version bits.
const BIP320: u32 = 0x1fff_e000;

/// The seconds after `min_ntime` the pool accepts.
const NTIME_WINDOW: u32 = 600;

fn sha2d(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(sha2::Sha256::digest(data)).into()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn unhex32(text: &str) -> [u8; 32] {
    unhex(text).try_into().expect("32 bytes")
}

/// `hash <= target`, both 256-bit little-endian.
fn meets(hash: &[u8; 32], target: &[u8; 32]) -> bool {
    hash.iter().rev().cmp(target.iter().rev()) != std::cmp::Ordering::Greater
}

/// A target met by about one hash in 2^`bits`, little-endian.
fn easy_target(bits: usize) -> [u8; 32] {
    let mut target = [0xff; 32];
    for bit in 0..bits {
        let position = 255 - bit;
        target[position / 8] &= !(1 << (position % 8));
    }
    target
}

/// Base58check, as pools publish their authority key: the plain
/// big-number conversion, leading zero bytes as '1'.
fn base58check(payload: &[u8]) -> String {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut bytes = payload.to_vec();
    bytes.extend_from_slice(&sha2d(payload)[..4]);
    let mut digits: Vec<u8> = Vec::new(); // base 58, least significant first
    for &byte in &bytes {
        let mut carry = u32::from(byte);
        for digit in &mut digits {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    std::iter::repeat_n('1', zeros)
        .chain(
            digits
                .iter()
                .rev()
                .map(|&d| char::from(ALPHABET[usize::from(d)])),
        )
        .collect()
}

/// An authority key pair from a seed: (x-only public key, secret key).
fn authority(seed: &str) -> ([u8; 32], [u8; 32]) {
    let secret: [u8; 32] = sha2::Sha256::digest(seed.as_bytes()).into();
    let keypair = Keypair::from_seckey_slice(&Secp256k1::new(), &secret).expect("a valid key");
    (keypair.x_only_public_key().0.serialize(), secret)
}

/// The key as the miner's URL takes it: version 1 (two bytes, little-endian)
/// and the x-only key.
fn key_text(public: &[u8; 32]) -> String {
    let mut payload = vec![1, 0];
    payload.extend_from_slice(public);
    base58check(&payload)
}

/// The real block's job fields.
struct Block {
    prev_hash: [u8; 32],
    merkle_root: [u8; 32],
    coinb1: Vec<u8>,
    coinb2: Vec<u8>,
    branch: Vec<[u8; 32]>,
    extranonce1: Vec<u8>,
    version: u32,
    nbits: u32,
    ntime: u32,
}

fn block() -> Block {
    let json: serde_json::Value =
        serde_json::from_str(&read_vector("stratum/mainnet-block-c835.json")).expect("JSON");
    let s = |v: &serde_json::Value| v.as_str().expect("string").to_owned();
    let u = |v: &serde_json::Value| u32::from_str_radix(&s(v), 16).expect("hex u32");
    let header = unhex(&s(&json["header_hex"]));
    let stratum = &json["stratum"];
    Block {
        prev_hash: header[4..36].try_into().expect("32"),
        merkle_root: unhex32(&s(&json["merkle_root_internal"])),
        coinb1: unhex(&s(&stratum["coinb1"])),
        coinb2: unhex(&s(&stratum["coinb2"])),
        branch: stratum["merkle_branch"]
            .as_array()
            .expect("branch")
            .iter()
            .map(|h| unhex32(&s(h)))
            .collect(),
        extranonce1: unhex(&s(&json["extranonce1"])),
        version: u(&stratum["version"]),
        nbits: u(&stratum["nbits"]),
        ntime: u(&stratum["ntime"]),
    }
}

/// One encrypted connection, pool side.
struct PoolConn {
    stream: TcpStream,
    encoder: NoiseEncoder,
    encrypt: TransportEncryptState,
    decoder: NoiseDecoder,
    decrypt: Option<TransportDecryptState>,
}

impl PoolConn {
    /// Accepts a connection (within `PATIENCE`) and answers its handshake
    /// with a certificate from the authority key pair.
    fn accept(listener: &TcpListener, (public, secret): ([u8; 32], [u8; 32])) -> PoolConn {
        listener.set_nonblocking(true).unwrap();
        let deadline = Instant::now() + PATIENCE;
        let mut stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(10));
                }
                Err(e) => panic!("no connection from the miner: {e}"),
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let responder =
            Responder::from_authority_kp(&public, &secret, Duration::from_secs(3600)).unwrap();
        let mut first = [0u8; ELLSWIFT_ENCODING_SIZE];
        stream
            .read_exact(&mut first)
            .expect("the miner's handshake");
        let (reply, transport) = Handshake::responder(responder).step_1(first).unwrap();
        stream.write_all(reply.payload()).unwrap();
        let (encrypt, decrypt) = transport.split();
        PoolConn {
            stream,
            encoder: NoiseEncoder::new(),
            encrypt,
            decoder: NoiseDecoder::new(),
            decrypt: Some(decrypt),
        }
    }

    fn send<T: Serialize + GetSize>(&mut self, message: T, kind: u8, channel_bit: bool) {
        let frame = MessageFrame::from_message(message, kind, 0, channel_bit).unwrap();
        let bytes = self
            .encoder
            .encode_transport(frame, &mut self.encrypt)
            .unwrap();
        self.stream.write_all(bytes.as_ref()).unwrap();
    }

    /// The next frame: its message type and payload; `None` when the
    /// miner closed the connection.
    fn recv(&mut self) -> Option<(u8, Vec<u8>)> {
        loop {
            let wanted = self.decoder.writable_len();
            if wanted > 0 {
                match self.stream.read_exact(self.decoder.writable()) {
                    Ok(()) => {}
                    Err(e) if e.kind() == ErrorKind::UnexpectedEof => return None,
                    Err(e) if e.kind() == ErrorKind::ConnectionReset => return None,
                    Err(e) => panic!("reading from the miner: {e}"),
                }
            }
            let state = self.decrypt.take().expect("a decrypting state");
            match self
                .decoder
                .next_transport_frame(state)
                .expect("a valid frame")
            {
                Decrypted::Incomplete(_, state) => self.decrypt = Some(state),
                Decrypted::Frame(mut frame, state) => {
                    self.decrypt = Some(state);
                    let header: Header = frame.header();
                    return Some((header.msg_type(), frame.payload().to_vec()));
                }
            }
        }
    }

    /// Reads and drops what the miner sends; false once it has closed the
    /// connection or sent something that does not decrypt.
    fn recv_lenient(&mut self) -> bool {
        let wanted = self.decoder.writable_len();
        if wanted > 0 && self.stream.read_exact(self.decoder.writable()).is_err() {
            return false;
        }
        let Some(state) = self.decrypt.take() else {
            return false;
        };
        match self.decoder.next_transport_frame(state) {
            Ok(Decrypted::Incomplete(_, state) | Decrypted::Frame(_, state)) => {
                self.decrypt = Some(state);
                true
            }
            Err(_) => false,
        }
    }

    /// `SetupConnection` in, `.Success` out; returns its flags.
    fn setup(&mut self) -> u32 {
        let (kind, mut payload) = self.recv().expect("SetupConnection");
        let Ok(CommonMessages::SetupConnection(setup)) =
            CommonMessages::try_from((kind, payload.as_mut_slice()))
        else {
            panic!("expected SetupConnection, got message type {kind:#x}");
        };
        assert_eq!(setup.protocol as u8, 0, "the mining protocol");
        assert_eq!((setup.min_version, setup.max_version), (2, 2));
        let flags = setup.flags;
        self.send(
            SetupConnectionSuccess {
                used_version: 2,
                flags: 0,
            },
            MESSAGE_TYPE_SETUP_CONNECTION_SUCCESS,
            CHANNEL_BIT_SETUP_CONNECTION_SUCCESS,
        );
        flags
    }

    /// The next mining message.
    fn next_mining(&mut self) -> Option<MiningOwned> {
        let (kind, mut payload) = self.recv()?;
        let message = Mining::try_from((kind, payload.as_mut_slice())).expect("a mining message");
        Some(message.into_owned())
    }
}

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
    let b = block();
    let flags = conn.setup();
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

fn listener(public: &[u8; 32]) -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!(
        "stratum2+tcp://127.0.0.1:{}/{}",
        listener.local_addr().unwrap().port(),
        key_text(public)
    );
    (listener, url)
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
        conn.setup();
        open_channel(&mut conn, Kind::Standard, &b);
        PoolJob::first(&b).send(&mut conn, Kind::Standard);
        conn.stream.write_all(&[0x5a; 64]).unwrap();
        while conn.recv_lenient() {}

        // Second connection: a well encrypted frame that declares a 1 MiB
        // payload.
        let mut conn = PoolConn::accept(&listener, keys);
        conn.setup();
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
