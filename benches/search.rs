//! Nonce-search throughput: hashes per second (criterion's Melem/s is
//! MH/s) for every kernel this CPU runs, next to peers doing the same job
//! with a midstate loop: the `sha2` crate's compression function and
//! `bitcoin_hashes`' engine.

use std::hint::black_box;

use bitcoin_hashes::{sha256, HashEngine as _};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sha256d::{BlockHeader, Engine, NonceRange, SearchJob, Solution};

/// Nonces per measured iteration.
const NONCES: u32 = 1 << 16;

fn header() -> BlockHeader {
    BlockHeader::from_hex(include_str!("../tests/vectors/block-830000-header.txt").trim())
        .expect("header vector")
}

fn nonce_search(c: &mut Criterion) {
    let header = header();
    let target = header.bits.to_target().expect("valid bits");
    // Far from the true nonce: no solutions, as in real mining.
    let range = NonceRange::new(
        header.nonce.wrapping_add(1 << 20) & !0xffff,
        u64::from(NONCES),
    )
    .expect("range");
    let job = SearchJob::new(&header, target);

    let mut group = c.benchmark_group("nonce_search");
    group.throughput(Throughput::Elements(u64::from(NONCES)));
    for engine in Engine::available() {
        group.bench_function(engine.kernel().name(), |b| {
            let mut out = [Solution::default(); 4];
            b.iter(|| engine.search(black_box(&job), black_box(range), &mut out))
        });
    }

    // Peers: a midstate of the first 64 bytes, then for each nonce the
    // second block and the second hash, and a full comparison.
    let bytes = header.to_bytes();
    let midstate = header.midstate().state();
    let mut second_block = [0u8; 64];
    second_block[..16].copy_from_slice(&bytes[64..]);
    second_block[16] = 0x80;
    second_block[62..].copy_from_slice(&640u16.to_be_bytes());
    group.bench_function("peer/sha2-compress256", |b| {
        b.iter(|| {
            let mut wins = 0u32;
            let mut block = second_block;
            for nonce in range.start()..range.start() + NONCES {
                block[12..16].copy_from_slice(&nonce.to_le_bytes());
                let mut state = midstate;
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
                wins += u32::from(target.is_met_by(&hash));
            }
            black_box(wins)
        })
    });

    let mut engine = sha256::HashEngine::new();
    engine.input(&bytes[..64]);
    let bh_midstate = engine.midstate().expect("64 bytes hashed");
    group.bench_function("peer/bitcoin_hashes-midstate", |b| {
        b.iter(|| {
            let mut wins = 0u32;
            let mut tail = [0u8; 16];
            tail.copy_from_slice(&bytes[64..]);
            for nonce in range.start()..range.start() + NONCES {
                tail[12..].copy_from_slice(&nonce.to_le_bytes());
                let mut engine = sha256::HashEngine::from_midstate(bh_midstate);
                engine.input(&tail);
                let hash = sha256::Hash::from_engine(engine).hash_again();
                wins += u32::from(target.is_met_by(hash.as_byte_array()));
            }
            black_box(wins)
        })
    });
    group.finish();
}

const SHA256_IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

criterion_group!(benches, nonce_search);
criterion_main!(benches);
