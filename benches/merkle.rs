//! Merkle-root throughput per kernel: leaves per second (criterion's
//! Melem/s is millions of leaves per second) for trees of 1,000 and 9,001
//! leaves, the second odd at several levels.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use sha256d::Engine;

/// `count` random transaction ids, the same on every run (fixed seed).
fn leaves(count: u32) -> Vec<[u8; 32]> {
    let mut rng = StdRng::seed_from_u64(830_000);
    (0..count).map(|_| rng.random()).collect()
}

fn merkle_root(c: &mut Criterion) {
    let mut group = c.benchmark_group("merkle_root");
    for count in [1_000u32, 9_001] {
        let txids = leaves(count);
        let mut scratch = txids.clone();
        group.throughput(Throughput::Elements(u64::from(count)));
        for engine in Engine::available() {
            group.bench_with_input(
                BenchmarkId::new(engine.kernel().name(), count),
                &txids,
                |b, txids| {
                    b.iter(|| {
                        // The in-place form overwrites its input: refill first
                        // (a copy costs far less than hashing the tree).
                        scratch.copy_from_slice(txids);
                        engine.merkle_root_in_place(black_box(&mut scratch))
                    })
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, merkle_root);
criterion_main!(benches);
