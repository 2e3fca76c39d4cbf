//! The pool side of the Stratum V2 tests: authority keys and their
//! base58check text, the real block's fields, one Noise-encrypted
//! connection built from the Stratum Reference Implementation's responder,
//! and the miner as a child process.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use sha2::Digest as _;
use stratum_core::binary_sv2::{GetSize, Serialize};
use stratum_core::bitcoin::secp256k1::{Keypair, Secp256k1};
use stratum_core::codec_sv2::{
    Decrypted, Handshake, NoiseDecoder, NoiseEncoder, TransportDecryptState, TransportEncryptState,
};
use stratum_core::common_messages_sv2::{
    CHANNEL_BIT_SETUP_CONNECTION_SUCCESS, MESSAGE_TYPE_SETUP_CONNECTION_SUCCESS,
    SetupConnectionSuccess,
};
use stratum_core::framing_sv2::framing::MessageFrame;
use stratum_core::framing_sv2::header::Header;
use stratum_core::noise_sv2::{ELLSWIFT_ENCODING_SIZE, Responder};
use stratum_core::parsers_sv2::{CommonMessages, Mining, MiningOwned};

pub use crate::common::MinerProcess;
use crate::common::read_vector;

/// How long the pool waits for anything before failing the test.
pub const PATIENCE: Duration = Duration::from_secs(120);

pub fn sha2d(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(sha2::Sha256::digest(data)).into()
}

pub fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

pub fn unhex32(text: &str) -> [u8; 32] {
    unhex(text).try_into().expect("32 bytes")
}

/// `hash <= target`, both 256-bit little-endian.
pub fn meets(hash: &[u8; 32], target: &[u8; 32]) -> bool {
    hash.iter().rev().cmp(target.iter().rev()) != std::cmp::Ordering::Greater
}

/// A target met by about one hash in 2^`bits`, little-endian.
pub fn easy_target(bits: usize) -> [u8; 32] {
    let mut target = [0xff; 32];
    for bit in 0..bits {
        let position = 255 - bit;
        target[position / 8] &= !(1 << (position % 8));
    }
    target
}

/// Base58check, as pools publish their authority key: the plain
/// big-number conversion, leading zero bytes as '1'.
pub fn base58check(payload: &[u8]) -> String {
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
pub fn authority(seed: &str) -> ([u8; 32], [u8; 32]) {
    let secret: [u8; 32] = sha2::Sha256::digest(seed.as_bytes()).into();
    let keypair = Keypair::from_seckey_slice(&Secp256k1::new(), &secret).expect("a valid key");
    (keypair.x_only_public_key().0.serialize(), secret)
}

/// The key as the miner's URL takes it: version 1 (two bytes, little-endian)
/// and the x-only key.
pub fn key_text(public: &[u8; 32]) -> String {
    let mut payload = vec![1, 0];
    payload.extend_from_slice(public);
    base58check(&payload)
}

/// The real block's job fields.
pub struct Block {
    pub prev_hash: [u8; 32],
    pub merkle_root: [u8; 32],
    pub coinb1: Vec<u8>,
    pub coinb2: Vec<u8>,
    pub branch: Vec<[u8; 32]>,
    pub extranonce1: Vec<u8>,
    pub version: u32,
    pub nbits: u32,
    pub ntime: u32,
}

pub fn block() -> Block {
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
pub struct PoolConn {
    pub stream: TcpStream,
    pub encoder: NoiseEncoder,
    pub encrypt: TransportEncryptState,
    pub decoder: NoiseDecoder,
    pub decrypt: Option<TransportDecryptState>,
}

impl PoolConn {
    /// Accepts a connection (within `PATIENCE`) and answers its handshake
    /// with a certificate from the authority key pair.
    pub fn accept(listener: &TcpListener, (public, secret): ([u8; 32], [u8; 32])) -> PoolConn {
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

    pub fn send<T: Serialize + GetSize>(&mut self, message: T, kind: u8, channel_bit: bool) {
        let frame = MessageFrame::from_message(message, kind, 0, channel_bit).unwrap();
        let bytes = self
            .encoder
            .encode_transport(frame, &mut self.encrypt)
            .unwrap();
        self.stream.write_all(bytes.as_ref()).unwrap();
    }

    /// The next frame: its message type and payload; `None` when the
    /// miner closed the connection.
    pub fn recv(&mut self) -> Option<(u8, Vec<u8>)> {
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
    pub fn recv_lenient(&mut self) -> bool {
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

    /// `SetupConnection` in, `.Success` with `answer` flags out; returns
    /// the miner's flags.
    pub fn setup(&mut self, answer: u32) -> u32 {
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
                flags: answer,
            },
            MESSAGE_TYPE_SETUP_CONNECTION_SUCCESS,
            CHANNEL_BIT_SETUP_CONNECTION_SUCCESS,
        );
        flags
    }

    /// The next mining message.
    pub fn next_mining(&mut self) -> Option<MiningOwned> {
        let (kind, mut payload) = self.recv()?;
        let message = Mining::try_from((kind, payload.as_mut_slice())).expect("a mining message");
        Some(message.into_owned())
    }
}

pub fn listener(public: &[u8; 32]) -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!(
        "stratum2+tcp://127.0.0.1:{}/{}",
        listener.local_addr().unwrap().port(),
        key_text(public)
    );
    (listener, url)
}
