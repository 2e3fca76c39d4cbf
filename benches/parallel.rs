//! Multi-threaded nonce search on the best kernel: 1, 2, 4, ... threads up
//! to all logical CPUs (criterion's Melem/s is MH/s), named
//! `parallel_search/KERNEL/THREADS` as in the `criterion` field of
//! `examples/bench`'s JSON, whose default thread counts these are. On an
//! otherwise idle two-core machine the two-thread rate should be close to
//! twice the one-thread rate; other load on the machine lowers it, so
//! compare the two within one run.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sha256d::parallel::ParallelSearch;
use sha256d::{BlockHeader, Engine, NonceRange, SearchJob};

/// Nonces per measured iteration: 64 chunks of the default size, so that
/// thread start-up and the last, unevenly shared chunk weigh little.
const NONCES: u64 = 1 << 22;

fn parallel_search(c: &mut Criterion) {
    let header =
        BlockHeader::from_hex(include_str!("../tests/vectors/block-830000-header.txt").trim())
            .expect("header vector");
    let target = header.bits.to_target().expect("valid bits");
    // Far from the true nonce: no solutions, as in real mining.
    let range =
        NonceRange::new(header.nonce.wrapping_add(1 << 24) & !0xffff, NONCES).expect("range");
    let job = SearchJob::new(&header, target);
    let engine = Engine::best();

    let mut group = c.benchmark_group("parallel_search");
    group.sample_size(10);
    group.throughput(Throughput::Elements(NONCES));
    let logical = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut counts: Vec<usize> = std::iter::successors(Some(1usize), |n| n.checked_mul(2))
        .take_while(|&n| n < logical)
        .collect();
    counts.push(logical);
    for threads in counts {
        let search = ParallelSearch::new(engine).threads(threads);
        group.bench_with_input(
            BenchmarkId::new(engine.kernel().name(), threads),
            &search,
            |b, search| b.iter(|| search.search(black_box(&job), black_box(range))),
        );
    }
    group.finish();
}

criterion_group!(benches, parallel_search);
criterion_main!(benches);
