//! SHA-256 throughput of the streaming hasher (the scalar reference
//! compression function) next to the `sha2` crate on the same input.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sha2::Digest as _;

fn sha256_throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("sha256");
    for len in [64usize, 1024, 64 * 1024] {
        let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::new("sha256d-scalar", len), &data, |b, data| {
            b.iter(|| sha256d::sha256(black_box(data)))
        });
        group.bench_with_input(BenchmarkId::new("peer/sha2", len), &data, |b, data| {
            b.iter(|| sha2::Sha256::digest(black_box(data)))
        });
    }
    group.finish();
}

criterion_group!(benches, sha256_throughput);
criterion_main!(benches);
