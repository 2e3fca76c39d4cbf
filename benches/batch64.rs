//! SHA-256d of many 64-byte inputs (Merkle tree nodes): bytes per second
//! for every kernel this CPU runs, next to `bitcoin_hashes`' batch
//! function on the same inputs.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sha256d::Engine;

/// Inputs per measured iteration.
const INPUTS: usize = 1024;

fn inputs() -> Vec<[u8; 64]> {
    (0..INPUTS)
        .map(|i| {
            let mut input = [0u8; 64];
            for (j, byte) in input.iter_mut().enumerate() {
                *byte = (i * 64 + j).wrapping_mul(0x9e37_79b9) as u8;
            }
            input
        })
        .collect()
}

fn sha256d_64_batch(c: &mut Criterion) {
    let inputs = inputs();
    let mut outputs = vec![[0u8; 32]; INPUTS];
    let mut typed = vec![sha256d::Sha256dHash::default(); INPUTS];
    let mut group = c.benchmark_group("sha256d_64_batch");
    group.throughput(Throughput::Bytes((INPUTS * 64) as u64));
    for engine in Engine::available() {
        // One output per input: the timed calls hash, not return an error.
        engine
            .sha256d_64_batch(&inputs, &mut typed)
            .expect("one output per input");
        group.bench_function(engine.kernel().name(), |b| {
            b.iter(|| engine.sha256d_64_batch(black_box(&inputs), &mut typed))
        });
    }
    group.bench_function("peer/bitcoin_hashes-hash_64_many", |b| {
        b.iter(|| bitcoin_hashes::sha256d::Hash::hash_64_many(&mut outputs, black_box(&inputs)))
    });
    group.finish();
}

criterion_group!(benches, sha256d_64_batch);
criterion_main!(benches);
