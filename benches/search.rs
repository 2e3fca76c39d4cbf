//! Nonce-search throughput: hashes per second (criterion's Melem/s is
//! MH/s) for every kernel this CPU runs, next to peers doing the same job
//! with a midstate loop: the `sha2` crate's compression function and
//! `bitcoin_hashes`' engine. The names (`nonce_search/KERNEL`,
//! `nonce_search/peer/...`) are those of `examples/bench`'s one-thread
//! rows, whose JSON gives each row's criterion name.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sha256d::{BlockHeader, Engine, NonceRange, SearchJob, Solution};

#[path = "common/peers.rs"]
mod peers;
use peers::{BitcoinHashesPeer, Sha2Peer};

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

    // Peers: the same job through other crates' SHA-256, from a midstate.
    let sha2_peer = Sha2Peer::new(&header, target);
    group.bench_function(Sha2Peer::NAME, |b| {
        b.iter(|| black_box(sha2_peer.search(black_box(range.start()), NONCES)))
    });
    let bitcoin_hashes_peer = BitcoinHashesPeer::new(&header, target);
    group.bench_function(BitcoinHashesPeer::NAME, |b| {
        b.iter(|| black_box(bitcoin_hashes_peer.search(black_box(range.start()), NONCES)))
    });
    group.finish();
}

criterion_group!(benches, nonce_search);
criterion_main!(benches);
