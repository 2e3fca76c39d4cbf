//! The `bitcoin` feature: every mainnet header in the test vectors goes
//! through the `bitcoin` crate's types and back unchanged, and both crates
//! agree on its hash, its Merkle root, its target and its encoding.

#![cfg(feature = "bitcoin")]

mod common;

use bitcoin::consensus::encode;
use common::{read_headers, read_vector};
use sha256d::{BlockHash, BlockHeader, CompactTarget, Target, TxMerkleNode};

fn round_trip(height: u32, bytes: &[u8; 80]) {
    let ours = BlockHeader::from_bytes(bytes);
    let theirs = bitcoin::block::Header::from(ours);
    // The bitcoin crate serializes the converted header to the same bytes
    // and decodes the bytes to the same header.
    assert_eq!(encode::serialize(&theirs), bytes, "height {height}");
    let decoded: bitcoin::block::Header = encode::deserialize(bytes).expect("80 bytes");
    assert_eq!(decoded, theirs, "height {height}");
    // Field by field, and back.
    assert_eq!(BlockHash::from(theirs.prev_blockhash), ours.prev_blockhash);
    assert_eq!(TxMerkleNode::from(theirs.merkle_root), ours.merkle_root);
    assert_eq!(CompactTarget::from(theirs.bits), ours.bits);
    assert_eq!(theirs.version.to_consensus(), ours.version);
    assert_eq!(BlockHeader::from(theirs), ours, "height {height}");
    // Hashes agree, in bytes and in display.
    let hash = ours.block_hash();
    assert_eq!(
        BlockHash::from(theirs.block_hash()),
        hash,
        "height {height}"
    );
    assert_eq!(bitcoin::BlockHash::from(hash), theirs.block_hash());
    assert_eq!(theirs.block_hash().to_string(), hash.to_string());
    // Targets agree both ways, and the header meets it in both crates.
    let target = ours.bits.to_target().expect("valid bits");
    assert_eq!(Target::from(theirs.target()), target, "height {height}");
    assert_eq!(bitcoin::Target::from(target), theirs.target());
    assert_eq!(
        bitcoin::CompactTarget::from(target.to_compact()),
        theirs.bits
    );
    assert!(theirs.validate_pow(bitcoin::Target::from(target)).is_ok());
}

#[test]
fn every_mainnet_header_round_trips_through_the_bitcoin_crate() {
    let block_830000 = read_vector("block-830000-header.txt");
    let header: BlockHeader = block_830000.trim().parse().expect("header hex");
    round_trip(830_000, &header.to_bytes());
    round_trip(0, &common::genesis_bytes());
    let mut count = 0;
    for file in [
        "mainnet-retarget-headers.txt",
        "mainnet-822528-830592-headers.txt",
    ] {
        let Some(headers) = read_headers(file) else {
            return;
        };
        for (height, bytes) in headers {
            round_trip(height, &bytes);
            count += 1;
        }
    }
    assert_eq!(count, 827 + 8_065);
}
