//! The peers that the nonce-search benchmarks compare against, shared by
//! `benches/search.rs` and `examples/bench/`: the same job done with a
//! midstate loop over other crates' SHA-256. For each nonce: the header's
//! second block from the midstate of its first 64 bytes, the second hash,
//! and a full 256-bit comparison with the target.

use bitcoin_hashes::{HashEngine as _, sha256};
use sha256d::{BlockHeader, Target};

const SHA256_IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// The `sha2` crate's compression function (`sha2::block_api::compress256`,
/// which uses SHA-NI when the CPU has it).
pub struct Sha2Peer {
    midstate: [u32; 8],
    second_block: [u8; 64],
    target: Target,
}

impl Sha2Peer {
    /// Criterion's name for it, and the bench example's.
    pub const NAME: &'static str = "peer/sha2-compress256";

    pub fn new(header: &BlockHeader, target: Target) -> Self {
        let bytes = header.to_bytes();
        let mut second_block = [0u8; 64];
        second_block[..16].copy_from_slice(&bytes[64..]);
        second_block[16] = 0x80;
        second_block[62..].copy_from_slice(&640u16.to_be_bytes());
        Sha2Peer {
            midstate: header.midstate().state(),
            second_block,
            target,
        }
    }

    /// Hashes `count` nonces from `start` (wrapping) and returns how many
    /// met the target.
    pub fn search(&self, start: u32, count: u32) -> u32 {
        let mut wins = 0u32;
        let mut block = self.second_block;
        for i in 0..count {
            block[12..16].copy_from_slice(&start.wrapping_add(i).to_le_bytes());
            let mut state = self.midstate;
            sha2::block_api::compress256(&mut state, &[block]);
            let mut second = [0u8; 64];
            for (out, word) in second.chunks_exact_mut(4).zip(state) {
                out.copy_from_slice(&word.to_be_bytes());
            }
            second[32] = 0x80;
            second[62..].copy_from_slice(&256u16.to_be_bytes());
            let mut state = SHA256_IV;
            sha2::block_api::compress256(&mut state, &[second]);
            let mut hash = [0u8; 32];
            for (out, word) in hash.chunks_exact_mut(4).zip(state) {
                out.copy_from_slice(&word.to_be_bytes());
            }
            wins += u32::from(self.target.is_met_by(&hash));
        }
        wins
    }
}

/// `bitcoin_hashes`' SHA-256 engine resumed from a midstate.
pub struct BitcoinHashesPeer {
    midstate: sha256::Midstate,
    tail: [u8; 16],
    target: Target,
}

impl BitcoinHashesPeer {
    /// Criterion's name for it, and the bench example's.
    pub const NAME: &'static str = "peer/bitcoin_hashes-midstate";

    pub fn new(header: &BlockHeader, target: Target) -> Self {
        let bytes = header.to_bytes();
        let mut engine = sha256::HashEngine::new();
        engine.input(&bytes[..64]);
        BitcoinHashesPeer {
            midstate: engine.midstate().expect("64 bytes hashed"),
            tail: header.tail(),
            target,
        }
    }

    /// Hashes `count` nonces from `start` (wrapping) and returns how many
    /// met the target.
    pub fn search(&self, start: u32, count: u32) -> u32 {
        let mut wins = 0u32;
        let mut tail = self.tail;
        for i in 0..count {
            tail[12..].copy_from_slice(&start.wrapping_add(i).to_le_bytes());
            let mut engine = sha256::HashEngine::from_midstate(self.midstate);
            engine.input(&tail);
            let hash = sha256::Hash::from_engine(engine).hash_again();
            wins += u32::from(self.target.is_met_by(hash.as_byte_array()));
        }
        wins
    }
}
