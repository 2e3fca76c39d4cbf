//! The multi-threaded search against the single-threaded one: the same
//! solutions, the lowest first hit, cancellation and progress.
#![cfg(feature = "std")]

mod common;

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use common::{engines, genesis_bytes, search_all, target_with_top};
use proptest::prelude::*;
use sha256d::parallel::{ParallelEnd, ParallelSearch};
use sha256d::{BlockHeader, Engine, NonceRange, SearchJob, Solution, Target};

fn genesis() -> BlockHeader {
    BlockHeader::from_bytes(&genesis_bytes())
}

/// What the single-threaded search returns when it stops at the first hit.
fn single_thread_first(engine: &Engine, job: &SearchJob, range: NonceRange) -> Option<Solution> {
    let mut first = None;
    let _ = engine.search_with(job, range, |s| {
        first = Some(s);
        ControlFlow::Break(())
    });
    first
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn equals_the_single_threaded_search(
        start in any::<u32>(),
        count in 0u64..40_000,
        top in prop_oneof![Just(0u32), 0u32..(1 << 22), Just(u32::MAX / 50)],
        threads in 0usize..6,
        chunk in 1u64..5_000,
    ) {
        let count = count.min((1u64 << 32) - u64::from(start));
        let range = NonceRange::new(start, count).unwrap();
        let job = SearchJob::new(&genesis(), target_with_top(top));
        for engine in engines() {
            let expected = search_all(&engine, &job, range);
            let search = ParallelSearch::new(engine).threads(threads).chunk_size(chunk);

            let all = search.search(&job, range);
            prop_assert_eq!(&all.solutions, &expected, "kernel {}", engine.kernel());
            prop_assert_eq!(all.end, ParallelEnd::Exhausted);
            prop_assert_eq!(all.tried, count);
            prop_assert_eq!(all.hashed, count);
            prop_assert!(all.remaining.is_empty());
            prop_assert!(all.threads >= 1 && all.threads <= threads.max(1));

            let first = search.stop_at_first(true).search(&job, range);
            let single = single_thread_first(&engine, &job, range);
            prop_assert_eq!(first.solutions.first().copied(), single);
            prop_assert_eq!(first.solutions.first(), expected.first());
            match single {
                Some(winner) => {
                    prop_assert_eq!(first.solutions.len(), 1);
                    prop_assert_eq!(first.end, ParallelEnd::Stopped);
                    prop_assert_eq!(first.tried, u64::from(winner.nonce - start) + 1);
                    prop_assert_eq!(first.remaining, range.skip(first.tried));
                }
                None => prop_assert_eq!(first.end, ParallelEnd::Exhausted),
            }
        }
    }
}

#[test]
fn stop_at_first_finds_the_genesis_nonce_for_any_chunk_size() {
    let header = genesis();
    // The real genesis nonce, 300,000 nonces into the range: the second
    // thread's chunks run past it.
    let job = SearchJob::new(&header, header.bits.to_target().unwrap());
    let around = NonceRange::new(header.nonce - 300_000, 400_000).unwrap();
    let engine = Engine::best();
    for chunk in [7, 4_096, 65_536, 1 << 20] {
        let outcome = ParallelSearch::new(engine)
            .threads(2)
            .chunk_size(chunk)
            .stop_at_first(true)
            .search(&job, around);
        assert_eq!(outcome.end, ParallelEnd::Stopped, "chunk {chunk}");
        assert_eq!(outcome.solutions[0].nonce, header.nonce);
        assert_eq!(outcome.solutions[0].hash, header.block_hash());
        assert_eq!(outcome.remaining.start(), header.nonce + 1);
    }
}

#[test]
fn stop_at_first_among_many_winners_matches_single_thread() {
    // About one nonce in 3,000 wins: many chunks hold several winners.
    let job = SearchJob::new(&genesis(), target_with_top(u32::MAX / 3_000));
    let range = NonceRange::new(7, 500_000).unwrap();
    for engine in engines() {
        let single = single_thread_first(&engine, &job, range).unwrap();
        for chunk in [1, 100, 3_333] {
            let outcome = ParallelSearch::new(engine)
                .threads(4)
                .chunk_size(chunk)
                .stop_at_first(true)
                .search(&job, range);
            assert_eq!(
                outcome.solutions,
                [single],
                "chunk {chunk}, {}",
                engine.kernel()
            );
        }
    }
}

#[test]
fn cancellation_stops_early_and_reports_a_resumable_prefix() {
    let header = genesis();
    // No winners: a target of zero. The full space would take minutes.
    let job = SearchJob::new(&header, Target::ZERO);
    let cancel = AtomicBool::new(false);
    let progress = AtomicU64::new(0);
    let outcome = thread::scope(|scope| {
        let searcher = scope.spawn(|| {
            ParallelSearch::new(Engine::best())
                .threads(2)
                .cancel_flag(&cancel)
                .progress(&progress)
                .search(&job, NonceRange::FULL)
        });
        // Wait until the search has visibly started, then cancel it.
        while progress.load(Ordering::Relaxed) == 0 {
            thread::sleep(Duration::from_millis(1));
        }
        cancel.store(true, Ordering::Relaxed);
        searcher.join().unwrap()
    });
    assert_eq!(outcome.end, ParallelEnd::Cancelled);
    assert!(outcome.tried > 0);
    assert!(outcome.tried < NonceRange::FULL.count());
    assert_eq!(outcome.tried % (1 << 16), 0, "whole chunks");
    assert_eq!(outcome.remaining, NonceRange::FULL.skip(outcome.tried));
    assert_eq!(outcome.hashed, outcome.tried);
    assert_eq!(progress.load(Ordering::Relaxed), outcome.hashed);
    assert!(outcome.solutions.is_empty());
}

#[test]
fn cancelled_before_start_tries_nothing() {
    let job = SearchJob::new(&genesis(), Target::ALL_ONES);
    let cancel = AtomicBool::new(true);
    let outcome = ParallelSearch::new(Engine::best())
        .cancel_flag(&cancel)
        .search(&job, NonceRange::new(5, 100).unwrap());
    assert_eq!(outcome.end, ParallelEnd::Cancelled);
    assert_eq!((outcome.tried, outcome.hashed), (0, 0));
    assert!(outcome.solutions.is_empty());
    assert_eq!(outcome.remaining, NonceRange::new(5, 100).unwrap());
}

#[test]
fn progress_counts_every_nonce() {
    let job = SearchJob::new(&genesis(), Target::ZERO);
    let progress = AtomicU64::new(0);
    let range = NonceRange::new(123, 300_001).unwrap();
    let outcome = ParallelSearch::new(Engine::best())
        .threads(3)
        .chunk_size(10_000)
        .progress(&progress)
        .search(&job, range);
    assert_eq!(outcome.end, ParallelEnd::Exhausted);
    assert_eq!(progress.load(Ordering::Relaxed), 300_001);
    assert_eq!(outcome.hashed, 300_001);
}

#[test]
fn zero_threads_clamps_to_one() {
    let job = SearchJob::new(&genesis(), target_with_top(u32::MAX / 100));
    let range = NonceRange::new(0, 20_000).unwrap();
    let engine = Engine::best();
    let outcome = ParallelSearch::new(engine).threads(0).search(&job, range);
    assert_eq!(outcome.threads, 1);
    assert_eq!(outcome.solutions, search_all(&engine, &job, range));
    // More threads than chunks: only as many as there are chunks run.
    let outcome = ParallelSearch::new(engine)
        .threads(16)
        .chunk_size(10_000)
        .search(&job, range);
    assert_eq!(outcome.threads, 2);
}

#[test]
fn empty_range_tries_nothing() {
    let job = SearchJob::new(&genesis(), Target::ALL_ONES);
    for start in [0, u32::MAX] {
        let range = NonceRange::new(start, 0).unwrap();
        let outcome = ParallelSearch::new(Engine::best())
            .stop_at_first(true)
            .search(&job, range);
        assert_eq!(outcome.end, ParallelEnd::Exhausted);
        assert_eq!((outcome.tried, outcome.hashed), (0, 0));
        assert!(outcome.solutions.is_empty());
    }
}

#[test]
fn ranges_ending_at_u32_max() {
    let header = genesis();
    let job = SearchJob::new(&header, target_with_top(u32::MAX / 20));
    for engine in engines() {
        for count in [1u64, 2, 17, 65_536, 65_537, 200_003] {
            let range = NonceRange::from_start((u64::from(u32::MAX) + 1 - count) as u32);
            assert_eq!(range.last(), Some(u32::MAX));
            let expected = search_all(&engine, &job, range);
            let outcome = ParallelSearch::new(engine)
                .threads(2)
                .chunk_size(4_096)
                .search(&job, range);
            assert_eq!(outcome.solutions, expected, "count {count}");
            assert_eq!(outcome.tried, count);
            assert!(outcome.remaining.is_empty());
        }
        // Every nonce wins: the very last one is found and counted.
        let last_two = NonceRange::from_start(u32::MAX - 1);
        let everything = SearchJob::new(&header, Target::ALL_ONES);
        let outcome = ParallelSearch::new(engine)
            .threads(2)
            .chunk_size(1)
            .search(&everything, last_two);
        let nonces: Vec<u32> = outcome.solutions.iter().map(|s| s.nonce).collect();
        assert_eq!(nonces, [u32::MAX - 1, u32::MAX]);
    }
}
