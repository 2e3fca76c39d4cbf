//! Unit tests of the parallel search on its 32-bit chunk cursor: chunk
//! numbering, the narrow progress counters, and stopping at the first hit.

use super::*;
use crate::{BlockHeader, Target};

fn genesis_job(target: Target) -> SearchJob {
    let header = BlockHeader::from_hex(concat!(
        "0100000000000000000000000000000000000000000000000000000000000000",
        "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
        "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    ))
    .unwrap();
    SearchJob::new(&header, target)
}

#[test]
fn chunk_numbers_fit_in_32_bits() {
    let all = NonceRange::FULL.count();
    assert_eq!(chunk_plan(all, 1), (2, 1 << 31));
    assert_eq!(chunk_plan(all, 0), (2, 1 << 31));
    assert_eq!(chunk_plan(all, DEFAULT_CHUNK_SIZE), (1 << 16, 1 << 16));
    assert_eq!(chunk_plan(all, all), (all, 1));
    assert_eq!(chunk_plan(all, u64::MAX), (u64::MAX, 1));
    assert_eq!(chunk_plan(all - 1, 1), (1, u32::MAX));
    assert_eq!(chunk_plan(10, 3), (3, 4));
    assert_eq!(chunk_plan(0, 5), (5, 0));
}

/// The counters that targets without 64-bit atomics use, and the
/// 32-bit chunk cursor, count every nonce.
#[test]
fn narrow_progress_counters_count_every_nonce() {
    let job = genesis_job(Target::ZERO);
    let range = NonceRange::new(u32::MAX - 30_000, 30_001).unwrap();
    let narrow = AtomicU32::new(7);
    let pointer_wide = AtomicUsize::new(0);
    for counter in [&narrow as &dyn ProgressCounter, &pointer_wide] {
        let outcome = ParallelSearch::new(Engine::best())
            .threads(3)
            .chunk_size(1_000)
            .progress(counter)
            .search(&job, range);
        assert_eq!(outcome.end, ParallelEnd::Exhausted);
        assert_eq!((outcome.tried, outcome.hashed), (30_001, 30_001));
        assert!(outcome.remaining.is_empty());
    }
    assert_eq!(narrow.load(Ordering::Relaxed), 7 + 30_001);
    assert_eq!(pointer_wide.load(Ordering::Relaxed), 30_001);
}

#[test]
fn narrow_counters_wrap() {
    let counter = AtomicU32::new(5);
    counter.add_nonces(NonceRange::FULL.count());
    assert_eq!(counter.load(Ordering::Relaxed), 5);
    counter.add_nonces(u64::from(u32::MAX));
    assert_eq!(counter.load(Ordering::Relaxed), 4);
}

/// All 2^32 nonces in chunks of one: the one case whose chunk size is
/// raised. Cancelled once it runs; what it did is whole chunks of two.
#[test]
fn full_range_in_single_nonce_chunks() {
    let job = genesis_job(Target::ZERO);
    let cancel = AtomicBool::new(false);
    let progress = AtomicU32::new(0);
    let outcome = thread::scope(|scope| {
        let searcher = scope.spawn(|| {
            ParallelSearch::new(Engine::best())
                .threads(2)
                .chunk_size(1)
                .cancel_flag(&cancel)
                .progress(&progress)
                .search(&job, NonceRange::FULL)
        });
        while progress.load(Ordering::Relaxed) < 1_000 {
            thread::yield_now();
        }
        cancel.store(true, Ordering::Relaxed);
        searcher.join().unwrap()
    });
    assert_eq!(outcome.end, ParallelEnd::Cancelled);
    assert!(outcome.tried >= 1_000 && outcome.tried.is_multiple_of(2));
    assert_eq!(outcome.hashed, outcome.tried);
    assert_eq!(u64::from(progress.load(Ordering::Relaxed)), outcome.tried);
    assert_eq!(outcome.remaining, NonceRange::FULL.skip(outcome.tried));
}

/// Every nonce wins: a stop-at-first search in chunks of two across
/// the top of the nonce space still returns the lowest one.
#[test]
fn stop_at_first_on_the_32_bit_cursor() {
    let job = genesis_job(Target::ALL_ONES);
    let range = NonceRange::from_start(u32::MAX - 9);
    let outcome = ParallelSearch::new(Engine::best())
        .threads(3)
        .chunk_size(2)
        .stop_at_first(true)
        .search(&job, range);
    assert_eq!(outcome.end, ParallelEnd::Stopped);
    assert_eq!(outcome.solutions.len(), 1);
    assert_eq!(outcome.solutions[0].nonce, u32::MAX - 9);
    assert_eq!(outcome.tried, 1);
    assert_eq!(outcome.remaining, NonceRange::from_start(u32::MAX - 8));
}
