//! Every available kernel against the scalar reference and against plain
//! one-shot hashing: the search contract and the 64-byte batch function.

mod common;

use std::ops::ControlFlow;

use common::{
    assert_all_kernels_find, engines, genesis_bytes, read_headers, reference_solutions, search_all,
    target_equal_to_hash, target_with_top,
};
use proptest::prelude::*;
use sha256d::{
    BlockHeader, Engine, Kernel, NonceRange, SearchEnd, SearchJob, Sha256dHash, Solution, Target,
};

fn genesis() -> [u8; 80] {
    genesis_bytes()
}

#[test]
fn scalar_is_always_available_and_best_is_available() {
    assert!(Kernel::Scalar.is_available());
    let best = Kernel::best();
    assert!(best.is_available(), "best kernel {best} not available");
    assert!(Kernel::available().any(|k| k == best));
    eprintln!("best kernel: {best}");
}

#[test]
fn kernel_names_round_trip() {
    for &kernel in Kernel::ALL {
        assert_eq!(Kernel::from_name(kernel.name()), Ok(kernel));
        assert_eq!(kernel.name().parse::<Kernel>(), Ok(kernel));
    }
    assert_eq!(Kernel::from_name("SHA-NI"), Ok(Kernel::ShaNi));
    assert_eq!(Kernel::from_name("AVX512VL"), Ok(Kernel::Avx512Vl));
    for unknown in ["avx1024", "avx-512", "", "sha"] {
        assert_eq!(
            Kernel::from_name(unknown),
            Err(sha256d::Error::UnknownKernel)
        );
    }
}

#[test]
fn forcing_an_unavailable_kernel_is_an_error() {
    for &kernel in Kernel::ALL {
        match Engine::new(kernel) {
            Ok(engine) => assert_eq!(engine.kernel(), kernel),
            Err(e) => {
                assert_eq!(e, sha256d::Error::KernelUnavailable(kernel));
                assert!(!kernel.is_available());
            }
        }
    }
}

#[test]
fn empty_range_tries_nothing() {
    let header = genesis();
    let job = SearchJob::new(&BlockHeader::from_bytes(&header), Target::ALL_ONES);
    for engine in engines() {
        for start in [0, 7, u32::MAX] {
            let mut out = [Solution::default(); 4];
            let outcome = engine.search(&job, NonceRange::new(start, 0).unwrap(), &mut out);
            assert_eq!(
                (outcome.tried, outcome.found),
                (0, 0),
                "{}",
                engine.kernel()
            );
            assert_eq!(outcome.end, SearchEnd::Exhausted);
        }
    }
}

#[test]
fn all_ones_target_accepts_every_nonce_up_to_u32_max() {
    let header = genesis();
    for len in 0..=40u64 {
        let range = NonceRange::new((u32::MAX as u64 + 1 - len) as u32, len).unwrap();
        let expected = reference_solutions(&header, &Target::ALL_ONES, range);
        assert_eq!(expected.len() as u64, len);
        assert_all_kernels_find(&header, Target::ALL_ONES, range, &expected);
    }
}

#[test]
fn all_zeros_target_accepts_nothing() {
    let header = genesis();
    let range = NonceRange::new(1000, 333).unwrap();
    assert_all_kernels_find(&header, Target::ZERO, range, &[]);
}

#[test]
fn target_equal_to_a_hash_is_met_and_one_less_is_not() {
    let header = genesis();
    let range = NonceRange::new(5_000, 37).unwrap();
    for winner in [5_000, 5_003, 5_017, 5_036] {
        let target = target_equal_to_hash(&header, winner);
        let expected = reference_solutions(&header, &target, range);
        assert!(expected.iter().any(|s| s.nonce == winner));
        assert_all_kernels_find(&header, target, range, &expected);

        // One below the hash: same top 32 bits, so it is a kernel candidate,
        // but the full comparison must reject it.
        let mut lower = target.to_le_bytes();
        let borrow_at = lower.iter().position(|&b| b != 0).unwrap();
        assert!(
            borrow_at < 28,
            "hash with zero low 224 bits is not expected"
        );
        for b in &mut lower[..borrow_at] {
            *b = 0xff;
        }
        lower[borrow_at] -= 1;
        let lower = Target::from_le_bytes(lower);
        let expected = reference_solutions(&header, &lower, range);
        assert!(expected.iter().all(|s| s.nonce != winner));
        assert_all_kernels_find(&header, lower, range, &expected);
    }
}

#[test]
fn several_winners_in_one_batch() {
    let header = genesis();
    // About one nonce in four wins: batches of 4 and 8 hold several.
    let target = target_with_top(u32::MAX / 4);
    for start in [0u32, 3, 1_000_001, u32::MAX - 40] {
        let range = NonceRange::new(start, 41).unwrap();
        let expected = reference_solutions(&header, &target, range);
        assert!(
            expected.len() > 4,
            "expected many winners, got {}",
            expected.len()
        );
        assert_all_kernels_find(&header, target, range, &expected);
    }
}

#[test]
fn output_full_stops_before_the_winner_and_resumes_there() {
    let header = genesis();
    let target = target_with_top(u32::MAX / 3);
    let range = NonceRange::new(u32::MAX - 99, 100).unwrap();
    let expected = reference_solutions(&header, &target, range);
    assert!(expected.len() > 10);
    let job = SearchJob::new(&BlockHeader::from_bytes(&header), target);
    for engine in engines() {
        // Collect with room for three at a time.
        let mut got = Vec::new();
        let mut rest = range;
        loop {
            let mut out = [Solution::default(); 3];
            let outcome = engine.search(&job, rest, &mut out);
            got.extend_from_slice(&out[..outcome.found]);
            assert_eq!(outcome.tried, rest.count() - outcome.remaining.count());
            match outcome.end {
                SearchEnd::Exhausted => break,
                SearchEnd::OutputFull => {
                    assert_eq!(outcome.found, 3);
                    // The stored-but-unreported winner is the next to come.
                    let next = expected[got.len()].nonce;
                    assert_eq!(outcome.remaining.start(), next, "{}", engine.kernel());
                }
                other => panic!("nobody asked to stop: {other:?}"),
            }
            rest = outcome.remaining;
        }
        assert_eq!(got, expected, "{}", engine.kernel());

        // No room at all: stops at the first winner.
        let outcome = engine.search(&job, range, &mut []);
        assert_eq!(outcome.end, SearchEnd::OutputFull);
        assert_eq!(outcome.remaining.start(), expected[0].nonce);
        assert_eq!(outcome.found, 0);
    }
}

#[test]
fn visitor_break_stops_after_the_winner() {
    let header = genesis();
    let target = target_with_top(u32::MAX / 5);
    let range = NonceRange::from_start(u32::MAX - 63);
    let expected = reference_solutions(&header, &target, range);
    let job = SearchJob::new(&BlockHeader::from_bytes(&header), target);
    for engine in engines() {
        for stop_after in [0, 1, expected.len() - 1] {
            let mut seen = Vec::new();
            let outcome = engine.search_with(&job, range, |s| {
                seen.push(s);
                if seen.len() > stop_after {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            });
            assert_eq!(seen, expected[..=stop_after], "{}", engine.kernel());
            assert_eq!(outcome.end, SearchEnd::Stopped);
            assert_eq!(outcome.found, stop_after + 1);
            let last = expected[stop_after].nonce;
            assert_eq!(outcome.tried, u64::from(last - range.start()) + 1);
            if last == u32::MAX {
                assert!(outcome.remaining.is_empty());
            } else {
                assert_eq!(outcome.remaining.start(), last + 1);
            }
        }
    }
}

#[test]
fn real_headers_every_kernel_finds_the_true_nonce() {
    let (Some(mut headers), Some(recent)) = (
        read_headers("mainnet-retarget-headers.txt"),
        read_headers("mainnet-822528-830592-headers.txt"),
    ) else {
        return;
    };
    headers.extend(recent.into_iter().step_by(97));
    for (height, bytes) in headers.iter().step_by(7) {
        let header = BlockHeader::from_bytes(bytes);
        let target = header.bits.to_target().unwrap();
        let nonce = header.nonce;
        // A range of 29 nonces around the true one, clamped to the space.
        let start = nonce.saturating_sub(13).min(u32::MAX - 28);
        let range = NonceRange::new(start, 29).unwrap();
        let expected = [Solution {
            nonce,
            hash: header.block_hash(),
        }];
        let job = SearchJob::new(&header, target);
        for engine in engines() {
            assert_eq!(
                search_all(&engine, &job, range),
                expected,
                "height {height}, kernel {}",
                engine.kernel()
            );
        }
    }
}

#[test]
fn batch_of_64_byte_inputs_matches_scalar_for_every_count() {
    let mut inputs = Vec::new();
    for i in 0..300u32 {
        let mut input = [0u8; 64];
        for (j, b) in input.iter_mut().enumerate() {
            *b = (i.wrapping_mul(131) as u8) ^ (j as u8).wrapping_mul(7);
        }
        inputs.push(input);
    }
    let expected: Vec<[u8; 32]> = inputs.iter().map(|i| sha256d::sha256d(i).into()).collect();
    for engine in engines() {
        for n in (0..=40).chain([63, 64, 65, 255, 300]) {
            let mut out = vec![Sha256dHash::default(); n];
            engine.sha256d_64_batch(&inputs[..n], &mut out).unwrap();
            assert_eq!(out, expected[..n], "kernel {}, n = {n}", engine.kernel());
        }
        // Output shorter or longer than the input: an error, nothing written.
        for outputs in [5, 10] {
            let mut out = vec![Sha256dHash::from_byte_array([1; 32]); outputs];
            assert_eq!(
                engine.sha256d_64_batch(&inputs[..9], &mut out),
                Err(sha256d::Error::InvalidLength {
                    expected: 9,
                    found: outputs
                })
            );
            assert!(out.iter().all(|o| *o == [1u8; 32]), "{}", engine.kernel());
        }
    }
}

fn arb_header() -> impl Strategy<Value = [u8; 80]> {
    proptest::collection::vec(any::<u8>(), 80).prop_map(|v| v.try_into().unwrap())
}

/// Targets that make winners likely, rare, or ties.
#[derive(Debug, Clone)]
enum TargetKind {
    /// Top 32 bits; lower bits all ones.
    Top(u32),
    /// Exactly the hash of the nonce at this offset into the range.
    EqualToHash(u64),
    /// Top 32 bits of that hash, lower bits random.
    SameTopAsHash(u64, [u8; 28]),
}

fn arb_target_kind() -> impl Strategy<Value = TargetKind> {
    prop_oneof![
        (0u32..=u32::MAX).prop_map(TargetKind::Top),
        (u32::MAX / 2..=u32::MAX).prop_map(TargetKind::Top),
        (0u64..40).prop_map(TargetKind::EqualToHash),
        ((0u64..40), any::<[u8; 28]>()).prop_map(|(o, low)| TargetKind::SameTopAsHash(o, low)),
    ]
}

fn arb_range() -> impl Strategy<Value = NonceRange> {
    prop_oneof![
        ((0u32..=u32::MAX), (0u64..=40)).prop_map(|(start, len)| {
            let len = len.min(u64::from(u32::MAX - start) + 1);
            NonceRange::new(start, len).unwrap()
        }),
        // Ranges that end exactly at u32::MAX.
        (0u64..=40)
            .prop_map(|len| NonceRange::new((u32::MAX as u64 + 1 - len) as u32, len).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn every_kernel_equals_the_reference(header in arb_header(), range in arb_range(), kind in arb_target_kind()) {
        let nonce_at = |offset: u64| range.start().wrapping_add(offset.min(range.count().saturating_sub(1)) as u32);
        let target = match kind {
            TargetKind::Top(top) => target_with_top(top),
            TargetKind::EqualToHash(o) => target_equal_to_hash(&header, nonce_at(o)),
            TargetKind::SameTopAsHash(o, low) => {
                let mut t = target_equal_to_hash(&header, nonce_at(o)).to_le_bytes();
                t[..28].copy_from_slice(&low);
                Target::from_le_bytes(t)
            }
        };
        let expected = reference_solutions(&header, &target, range);
        let job = SearchJob::new(&BlockHeader::from_bytes(&header), target);
        for engine in engines() {
            prop_assert_eq!(&search_all(&engine, &job, range), &expected, "kernel {}", engine.kernel());
        }
    }

    #[test]
    fn batch_equals_scalar(seed in any::<u64>(), n in 0usize..400) {
        let inputs: Vec<[u8; 64]> = (0..n as u64)
            .map(|i| {
                let mut input = [0u8; 64];
                for (j, chunk) in input.chunks_exact_mut(8).enumerate() {
                    let x = seed ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (j as u64).rotate_left(17);
                    chunk.copy_from_slice(&x.wrapping_mul(0xbf58_476d_1ce4_e5b9).to_le_bytes());
                }
                input
            })
            .collect();
        let mut expected = vec![Sha256dHash::default(); n];
        Engine::scalar().sha256d_64_batch(&inputs, &mut expected).unwrap();
        for (input, out) in inputs.iter().zip(&expected) {
            prop_assert_eq!(*out, sha256d::sha256d(input));
        }
        for engine in engines() {
            let mut out = vec![Sha256dHash::default(); n];
            engine.sha256d_64_batch(&inputs, &mut out).unwrap();
            prop_assert_eq!(&out, &expected, "kernel {}", engine.kernel());
        }
    }
}
