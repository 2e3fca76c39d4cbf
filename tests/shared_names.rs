//! Every name this crate shares with the `bitcoin` crate (0.32, with its
//! `bitcoin_hashes` 0.14) means the same thing here: the same value, the
//! same unit, the same order. One test per type, each name compared with
//! the `bitcoin` crate's on the same inputs.
//!
//! Names that would differ were renamed instead: this crate has no
//! `Target::MAX` (the `bitcoin` crate's is the difficulty-1 target; the
//! all-ones target is `Target::ALL_ONES` here) and no `Target::difficulty`
//! (the `bitcoin` crate's is an integer against a network's parameters;
//! the float is `difficulty_float` in both).

#![cfg(feature = "bitcoin")]

mod common;

use std::cmp::Ordering;

use bitcoin::hashes::{Hash as _, HashEngine as _};
use common::read_headers;
use sha256d::{
    BlockHash, BlockHeader, CompactTarget, Midstate, Sha256, Sha256Hash, Sha256dHash, Target,
    TxMerkleNode, Txid,
};

/// Every mainnet header of the test vectors, or the genesis header alone
/// when the large vector files are not there (as in the published
/// package).
fn headers() -> Vec<BlockHeader> {
    let mut headers: Vec<BlockHeader> = read_headers("mainnet-retarget-headers.txt")
        .unwrap_or_default()
        .iter()
        .map(|(_, bytes)| BlockHeader::from_bytes(bytes))
        .collect();
    headers.push(BlockHeader::from_bytes(&common::genesis_bytes()));
    headers
}

/// Targets of every kind: the constants, every header's, and edge values.
fn targets() -> Vec<Target> {
    let mut targets = vec![
        Target::ZERO,
        Target::ALL_ONES,
        Target::MAX_ATTAINABLE_MAINNET,
        Target::from_le_bytes(core::array::from_fn(|i| i as u8)),
        Target::from_be_bytes(core::array::from_fn(|i| (i * 37) as u8)),
    ];
    targets.extend(headers().iter().map(|h| h.bits.to_target().unwrap()));
    targets
}

#[test]
fn target_constants() {
    assert_eq!(
        bitcoin::Target::from(Target::ZERO),
        bitcoin::Target::ZERO,
        "ZERO"
    );
    assert_eq!(
        bitcoin::Target::from(Target::MAX_ATTAINABLE_MAINNET),
        bitcoin::Target::MAX_ATTAINABLE_MAINNET,
        "MAX_ATTAINABLE_MAINNET"
    );
    // The value the bitcoin crate calls `Target::MAX` is ours under its
    // other bitcoin name; ours is never all ones.
    assert_eq!(
        Target::from(bitcoin::Target::MAX),
        Target::MAX_ATTAINABLE_MAINNET
    );
    assert_ne!(Target::from(bitcoin::Target::MAX), Target::ALL_ONES);
}

#[test]
fn target_methods_and_order() {
    let targets = targets();
    for &ours in &targets {
        let theirs = bitcoin::Target::from(ours);
        let le = ours.to_le_bytes();
        let be = ours.to_be_bytes();
        assert_eq!(le, theirs.to_le_bytes(), "to_le_bytes");
        assert_eq!(be, theirs.to_be_bytes(), "to_be_bytes");
        assert_eq!(
            Target::from_le_bytes(le),
            Target::from(bitcoin::Target::from_le_bytes(le)),
            "from_le_bytes"
        );
        assert_eq!(
            Target::from_be_bytes(be),
            Target::from(bitcoin::Target::from_be_bytes(be)),
            "from_be_bytes"
        );
        let (a, b) = (ours.difficulty_float(), theirs.difficulty_float());
        assert!(
            a == b || (a - b).abs() <= a.abs() * 1e-15,
            "difficulty_float of {ours}: {a} against {b}"
        );
        assert_eq!(format!("{ours:x}"), format!("{theirs:x}"), "LowerHex");
        assert_eq!(format!("{ours:X}"), format!("{theirs:X}"), "UpperHex");
        for &other in &targets {
            assert_eq!(
                ours.cmp(&other),
                theirs.cmp(&bitcoin::Target::from(other)),
                "Ord"
            );
        }
        // is_met_by: hashes just below, at and just above the target.
        for delta in [-1i8, 0, 1] {
            let mut hash = le;
            let carry = match delta {
                -1 => hash.iter_mut().try_for_each(|b| {
                    let (v, borrow) = b.overflowing_sub(1);
                    *b = v;
                    if borrow { Ok(()) } else { Err(()) }
                }),
                1 => hash.iter_mut().try_for_each(|b| {
                    let (v, carry) = b.overflowing_add(1);
                    *b = v;
                    if carry { Ok(()) } else { Err(()) }
                }),
                _ => Err(()),
            };
            if carry.is_ok() {
                continue; // wrapped around: not a neighbour
            }
            assert_eq!(
                ours.is_met_by(&hash),
                theirs.is_met_by(bitcoin::BlockHash::from_byte_array(hash)),
                "is_met_by, {ours} and a hash {delta:+} from it"
            );
        }
    }
}

#[test]
fn target_difficulty_float_units() {
    // Difficulty 1 is the mainnet limit in both crates.
    assert_eq!(Target::MAX_ATTAINABLE_MAINNET.difficulty_float(), 1.0);
    assert_eq!(bitcoin::Target::MAX.difficulty_float(), 1.0);
    let block = CompactTarget::from_consensus(0x1703a30c)
        .to_target()
        .unwrap();
    assert_eq!(
        block.difficulty_float(),
        bitcoin::Target::from(block).difficulty_float()
    );
}

#[test]
fn compact_target() {
    let mut values: Vec<u32> = headers().iter().map(|h| h.bits.to_consensus()).collect();
    values.extend([0, 1, 0x1d00ffff, 0x207fffff, 0x04923456, u32::MAX]);
    assert_eq!(
        bitcoin::CompactTarget::from(CompactTarget::default()),
        bitcoin::CompactTarget::default(),
        "Default"
    );
    for &a in &values {
        let ours = CompactTarget::from_consensus(a);
        let theirs = bitcoin::CompactTarget::from_consensus(a);
        assert_eq!(ours.to_consensus(), theirs.to_consensus(), "to_consensus");
        assert_eq!(format!("{ours:08x}"), format!("{theirs:08x}"), "LowerHex");
        assert_eq!(format!("{ours:X}"), format!("{theirs:X}"), "UpperHex");
        for &b in &values {
            assert_eq!(
                ours.cmp(&CompactTarget::from_consensus(b)),
                theirs.cmp(&bitcoin::CompactTarget::from_consensus(b)),
                "Ord of {a:#x} and {b:#x}"
            );
        }
    }
}

#[test]
fn block_header() {
    let mut headers = headers();
    // Headers that differ in one field only, so that every field decides
    // an order somewhere.
    let base = headers[0];
    for change in 0..6 {
        let mut h = base;
        match change {
            0 => h.version = -h.version,
            1 => h.prev_blockhash = BlockHash::from_byte_array([0xff; 32]),
            2 => h.merkle_root = TxMerkleNode::from_byte_array([0; 32]),
            3 => h.time ^= 1,
            4 => h.bits = CompactTarget::from_consensus(h.bits.to_consensus() + 1),
            _ => h.nonce = h.nonce.wrapping_add(1),
        }
        headers.push(h);
    }
    for ours in &headers {
        let theirs = bitcoin::block::Header::from(*ours);
        assert_eq!(ours.version, theirs.version.to_consensus(), "version");
        assert_eq!(ours.time, theirs.time, "time");
        assert_eq!(ours.nonce, theirs.nonce, "nonce");
        assert_eq!(
            ours.block_hash(),
            BlockHash::from(theirs.block_hash()),
            "block_hash"
        );
        for other in &headers {
            assert_eq!(
                ours.cmp(other),
                theirs.cmp(&bitcoin::block::Header::from(*other)),
                "Ord"
            );
        }
    }
}

/// The names every hash type shares with `bitcoin_hashes`:
/// `from_byte_array`, `to_byte_array`, `as_byte_array`, `from_slice`,
/// `Display`, `LowerHex`, `UpperHex`, `FromStr` and `Ord`.
macro_rules! same_hash_names {
    ($ours:ty, $theirs:ty, $inputs:expr) => {{
        let inputs: Vec<[u8; 32]> = $inputs;
        for &bytes in &inputs {
            let ours = <$ours>::from_byte_array(bytes);
            let theirs = <$theirs>::from_byte_array(bytes);
            let name = stringify!($ours);
            assert_eq!(ours.to_byte_array(), theirs.to_byte_array(), "{name}");
            assert_eq!(ours.as_byte_array(), theirs.as_byte_array(), "{name}");
            assert_eq!(
                <$ours>::from_slice(&bytes).unwrap().to_byte_array(),
                <$theirs>::from_slice(&bytes).unwrap().to_byte_array(),
                "{name}"
            );
            assert!(<$ours>::from_slice(&bytes[1..]).is_err());
            assert!(<$theirs>::from_slice(&bytes[1..]).is_err());
            assert_eq!(ours.to_string(), theirs.to_string(), "{name} Display");
            assert_eq!(format!("{ours:x}"), format!("{theirs:x}"), "{name}");
            assert_eq!(format!("{ours:X}"), format!("{theirs:X}"), "{name}");
            let parsed: $theirs = ours.to_string().parse().unwrap();
            assert_eq!(parsed, theirs, "{name} FromStr");
            assert_eq!(theirs.to_string().parse::<$ours>().unwrap(), ours);
            for &other in &inputs {
                assert_eq!(
                    ours.cmp(&<$ours>::from_byte_array(other)),
                    theirs.cmp(&<$theirs>::from_byte_array(other)),
                    "{name} Ord"
                );
            }
        }
    }};
}

fn hash_inputs() -> Vec<[u8; 32]> {
    let mut inputs = vec![[0; 32], [0xff; 32], core::array::from_fn(|i| i as u8)];
    inputs.extend(
        headers()
            .iter()
            .take(50)
            .map(|h| h.block_hash().to_byte_array()),
    );
    inputs
}

#[test]
fn hash_types() {
    same_hash_names!(BlockHash, bitcoin::BlockHash, hash_inputs());
    same_hash_names!(Txid, bitcoin::Txid, hash_inputs());
    same_hash_names!(TxMerkleNode, bitcoin::TxMerkleNode, hash_inputs());
    same_hash_names!(Sha256dHash, bitcoin::hashes::sha256d::Hash, hash_inputs());
    same_hash_names!(Sha256Hash, bitcoin::hashes::sha256::Hash, hash_inputs());
}

#[test]
fn hash_functions() {
    for len in [0usize, 1, 55, 56, 63, 64, 65, 80, 200] {
        let data: Vec<u8> = (0..len).map(|i| (i * 13) as u8).collect();
        assert_eq!(
            Sha256Hash::hash(&data).to_byte_array(),
            bitcoin::hashes::sha256::Hash::hash(&data).to_byte_array(),
            "sha256 hash, {len} bytes"
        );
        assert_eq!(
            Sha256dHash::hash(&data).to_byte_array(),
            bitcoin::hashes::sha256d::Hash::hash(&data).to_byte_array(),
            "sha256d hash, {len} bytes"
        );
    }
}

#[test]
fn midstate() {
    let data: Vec<u8> = (0..200u32).map(|i| (i * 7) as u8).collect();
    for blocks in [1usize, 2, 3] {
        let prefix = &data[..64 * blocks];
        // `Sha256::midstate` and `HashEngine::midstate`: the state after
        // whole blocks, the same words (theirs as big-endian bytes).
        let ours: Midstate = Sha256::new().chain_update(prefix).midstate().unwrap();
        let mut engine = bitcoin::hashes::sha256::Hash::engine();
        engine.input(prefix);
        let theirs = engine.midstate();
        let words: Vec<u8> = ours.state().iter().flat_map(|w| w.to_be_bytes()).collect();
        assert_eq!(words, theirs.to_byte_array());
        assert_eq!(ours.bytes_hashed(), prefix.len() as u64);
        // `from_midstate`: resuming gives the hash of the whole message.
        let mut resumed = Sha256::from_midstate(&ours);
        resumed.update(&data[prefix.len()..]);
        let mut engine = bitcoin::hashes::sha256::HashEngine::from_midstate(theirs, prefix.len());
        engine.input(&data[prefix.len()..]);
        assert_eq!(
            resumed.finalize().to_byte_array(),
            bitcoin::hashes::sha256::Hash::from_engine(engine).to_byte_array()
        );
    }
}

#[test]
fn streaming_hasher_names_match_sha2() {
    use sha2::Digest as _;
    let data = b"the same names as sha2::Sha256";
    assert_eq!(
        Sha256::digest(data).to_byte_array(),
        <[u8; 32]>::from(sha2::Sha256::digest(data)),
        "digest"
    );
    let ours = Sha256::new()
        .chain_update(&data[..5])
        .chain_update(&data[5..]);
    let theirs = sha2::Sha256::new()
        .chain_update(&data[..5])
        .chain_update(&data[5..]);
    assert_eq!(
        ours.clone().finalize().to_byte_array(),
        <[u8; 32]>::from(theirs.clone().finalize()),
        "new, chain_update, finalize"
    );
    let (mut ours, mut theirs) = (ours, theirs);
    assert_eq!(
        ours.finalize_reset().to_byte_array(),
        <[u8; 32]>::from(theirs.finalize_reset()),
        "finalize_reset"
    );
    ours.update(b"x");
    theirs.update(b"x");
    ours.reset();
    sha2::Digest::reset(&mut theirs);
    assert_eq!(
        ours.finalize().to_byte_array(),
        <[u8; 32]>::from(theirs.finalize()),
        "update, reset"
    );
    assert_eq!(
        Sha256::new().finalize().cmp(&sha256d::sha256(b"")),
        Ordering::Equal
    );
}
