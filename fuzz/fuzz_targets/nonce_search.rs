//! Nonce search: every available kernel reports exactly what the scalar
//! kernel reports (solutions, outcome), with output slices small enough to
//! fill up, and scalar agrees with one-shot hashing of each header.

#![no_main]

use std::ops::ControlFlow;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sha256d::{BlockHash, BlockHeader, NonceRange, SearchEnd, SearchJob, Solution, Target};
use sha256d_fuzz::engines;

#[derive(Arbitrary, Debug)]
struct Input {
    header: [u8; 80],
    start: u32,
    /// Range length; kept short so that each run stays fast.
    len: u8,
    /// Put the range at the very end of the nonce space instead.
    at_end: bool,
    target: TargetChoice,
    /// Capacity of the output slice, 0 to 7.
    room: u8,
    /// Stop the visitor after this many solutions.
    stop_after: u8,
}

#[derive(Arbitrary, Debug)]
enum TargetChoice {
    /// These top 32 bits, all lower bits set: many candidates.
    Top(u32),
    /// Any 256-bit target, little-endian.
    Raw([u8; 32]),
    /// Exactly the hash of the nonce at this offset into the range.
    EqualToHash(u8),
    /// The top 32 bits of that hash, these lower bits: a candidate that the
    /// full comparison may reject.
    SameTop(u8, [u8; 28]),
    /// A compact target, as in a header.
    Compact(u32),
}

fn hash_with_nonce(header: &[u8; 80], nonce: u32) -> [u8; 32] {
    let mut bytes = *header;
    bytes[76..].copy_from_slice(&nonce.to_le_bytes());
    sha256d::sha256d(&bytes).to_byte_array()
}

fuzz_target!(|input: Input| {
    let len = u64::from(input.len);
    let start = if input.at_end {
        (u64::from(u32::MAX) + 1 - len) as u32
    } else {
        input.start
    };
    let len = len.min(u64::from(u32::MAX - start) + 1);
    let range = NonceRange::new(start, len).expect("range within the nonce space");
    let nonce_at = |offset: u8| start.wrapping_add(u32::from(offset) % (len.max(1) as u32));

    let target = match input.target {
        TargetChoice::Top(top) => {
            let mut bytes = [0xff; 32];
            bytes[28..].copy_from_slice(&top.to_le_bytes());
            Target::from_le_bytes(bytes)
        }
        TargetChoice::Raw(bytes) => Target::from_le_bytes(bytes),
        TargetChoice::EqualToHash(offset) => {
            Target::from_le_bytes(hash_with_nonce(&input.header, nonce_at(offset)))
        }
        TargetChoice::SameTop(offset, low) => {
            let mut bytes = hash_with_nonce(&input.header, nonce_at(offset));
            bytes[..28].copy_from_slice(&low);
            Target::from_le_bytes(bytes)
        }
        TargetChoice::Compact(bits) => {
            match sha256d::CompactTarget::from_consensus(bits).to_target() {
                Ok(target) => target,
                Err(_) => return,
            }
        }
    };

    // The plain way: hash every header in full.
    let reference: Vec<Solution> = (0..len)
        .map(|i| start.wrapping_add(i as u32))
        .filter_map(|nonce| {
            let hash = hash_with_nonce(&input.header, nonce);
            target.is_met_by(&hash).then_some(Solution {
                nonce,
                hash: BlockHash::from_byte_array(hash),
            })
        })
        .collect();

    let job = SearchJob::new(&BlockHeader::from_bytes(&input.header), target);
    let room = usize::from(input.room % 8);
    let stop_after = usize::from(input.stop_after);

    let mut expected = None;
    for engine in engines() {
        let kernel = engine.kernel();

        // Everything, through the visitor.
        let mut all = Vec::new();
        let outcome = engine.search_with(&job, range, |s| {
            all.push(s);
            ControlFlow::Continue(())
        });
        assert_eq!(all, reference, "kernel {kernel}: solutions");
        assert_eq!(outcome.end, SearchEnd::Exhausted, "kernel {kernel}");
        assert_eq!((outcome.tried, outcome.found), (len, all.len()));
        assert!(outcome.remaining.is_empty());

        // A small output slice, resumed until exhausted.
        let mut outcomes = Vec::new();
        let mut collected = Vec::new();
        let mut rest = range;
        loop {
            let mut out = vec![Solution::default(); room];
            let outcome = engine.search(&job, rest, &mut out);
            outcomes.push(outcome);
            collected.extend_from_slice(&out[..outcome.found]);
            assert_eq!(outcome.tried, rest.count() - outcome.remaining.count());
            match outcome.end {
                SearchEnd::Exhausted => break,
                SearchEnd::OutputFull => {
                    assert_eq!(outcome.found, room, "kernel {kernel}");
                    let next = reference[collected.len()].nonce;
                    assert_eq!(outcome.remaining.start(), next, "kernel {kernel}");
                    if room == 0 {
                        // No room at all: report where the first winner is,
                        // then stop comparing (the search would not advance).
                        break;
                    }
                }
                other => panic!("kernel {kernel}: {other:?} without a visitor"),
            }
            rest = outcome.remaining;
        }
        if room > 0 {
            assert_eq!(collected, reference, "kernel {kernel}: resumed search");
        }

        // A visitor that stops early.
        let mut seen = Vec::new();
        let stopped = engine.search_with(&job, range, |s| {
            seen.push(s);
            if seen.len() > stop_after {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        let n = reference.len().min(stop_after + 1);
        assert_eq!(seen, reference[..n], "kernel {kernel}: stopped search");

        let answer = (outcome, outcomes, stopped, seen);
        match &expected {
            None => expected = Some(answer),
            Some(scalar) => assert_eq!(&answer, scalar, "kernel {kernel} differs from scalar"),
        }
    }
});
