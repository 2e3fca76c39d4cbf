//! The kernel test harness: every kernel this CPU runs (and the reduced
//! variants of those with optional paths), checked at the level of the
//! kernel contract ([`KernelImpl`]) rather than through the search driver,
//! which re-verifies every candidate and so would hide a kernel reporting
//! false ones.
//!
//! Each kernel's raw candidate masks must equal, bit for bit, the top-word
//! filter computed the plain way (full compressions, no precomputation),
//! every `scan` result must keep the contract's invariants, and the batch
//! must equal the portable SHA-256d for every count. Kernels the CPU lacks
//! are skipped, and the skip is printed.

use std::eprintln;
use std::vec::Vec;

use super::{kernel_list, Candidates, JobData, KernelImpl};
use crate::sha256::{compress_words, hash_digest, sha256d_64, HEADER_BLOCK, IV};

/// A kernel token behind a trait object, so that one loop visits them all.
trait Tested {
    fn scan(&self, job: &JobData, start: u32, count: u64) -> Option<Candidates>;
    fn sha256d_64_batch(&self, inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]);
}

impl<K: KernelImpl> Tested for K {
    fn scan(&self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
        KernelImpl::scan(*self, job, start, count)
    }
    fn sha256d_64_batch(&self, inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]) {
        KernelImpl::sha256d_64_batch(*self, inputs, outputs);
    }
}

/// A kernel to test: its name (with " (reduced)" for a reduced variant)
/// and its token.
type Entry = (std::string::String, std::boxed::Box<dyn Tested>);

/// Turns the kernel list into the list of kernels this CPU runs.
macro_rules! detected_kernels {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $name:literal, $token:ty, cfg($($cfg:tt)*);
    )+) => {
        /// Every kernel of the list this CPU runs, with its reduced
        /// variant if it has one, and a note for each one skipped.
        fn detected() -> (Vec<Entry>, Vec<std::string::String>) {
            let mut kernels: Vec<Entry> = Vec::new();
            let mut skipped = Vec::new();
            $(
                #[cfg($($cfg)*)]
                match <$token as KernelImpl>::detect() {
                    Some(token) => {
                        kernels.push(($name.into(), std::boxed::Box::new(token)));
                        if let Some(reduced) = token.reduced() {
                            kernels.push((
                                std::format!("{} (reduced)", $name),
                                std::boxed::Box::new(reduced),
                            ));
                        }
                    }
                    None => skipped.push(std::format!("{}: SKIPPED (not supported by this CPU)", $name)),
                }
                #[cfg(not($($cfg)*))]
                skipped.push(std::format!("{}: SKIPPED (not built for this target)", $name));
            )+
            (kernels, skipped)
        }
    };
}
kernel_list!(detected_kernels);

/// The kernels to test; says once per test binary which kernels are tested
/// and which are skipped.
fn kernels() -> Vec<Entry> {
    static REPORT: std::sync::Once = std::sync::Once::new();
    let (kernels, skipped) = detected();
    REPORT.call_once(|| {
        for (name, _) in &kernels {
            eprintln!("kernel {name}: tested");
        }
        for note in &skipped {
            eprintln!("kernel {note}");
        }
    });
    kernels
}

/// A deterministic pseudo-random sequence (SplitMix64).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn word(&mut self) -> u32 {
        self.next() as u32
    }
}

fn random_job(rng: &mut SplitMix, target_top: u32) -> JobData {
    let midstate = [(); 8].map(|()| rng.word());
    let tail = [(); 3].map(|()| rng.word());
    JobData::new(midstate, tail, target_top)
}

/// Whether `nonce` is a candidate, computed the plain way: both
/// compressions in full from the midstate, then the top 32 bits of the
/// hash (its last state word, byte swapped) against the bound.
fn is_candidate(job: &JobData, nonce: u32) -> bool {
    let mut block = HEADER_BLOCK;
    block[..3].copy_from_slice(&job.tail);
    block[3] = nonce.swap_bytes();
    let mut first = job.midstate;
    compress_words(&mut first, &block);
    hash_digest(&first)[7].swap_bytes() <= job.target_top
}

/// Bit `i`: nonce `start + i` is a candidate (`count <= 64`).
fn expected(job: &JobData, start: u32, count: u64) -> u64 {
    (0..count)
        .filter(|&i| is_candidate(job, start.wrapping_add(i as u32)))
        .fold(0, |bits, i| bits | 1 << i)
}

/// Bit `i`: the kernel reported nonce `start + i` (`count <= 64`),
/// resuming after each result as the driver does, and checking every
/// result against the contract's invariants on the way.
fn reported(name: &str, kernel: &dyn Tested, job: &JobData, start: u32, count: u64) -> u64 {
    let mut bits = 0u64;
    let mut done = 0u64;
    while done < count {
        let from = start.wrapping_add(done as u32);
        let left = count - done;
        let Some(found) = kernel.scan(job, from, left) else {
            break;
        };
        let at = format_args!("{name}: scan({from}, {left}) of {start}+{count}");
        assert_ne!(found.mask, 0, "{at}: empty mask");
        assert!(
            found.scanned > 0 && found.scanned <= left,
            "{at}: scanned {} of {left}",
            found.scanned
        );
        // The mask starts at or after the scan's start, so candidates
        // come in ascending order across results.
        let base = u64::from(found.first_nonce.wrapping_sub(from));
        assert!(base < found.scanned, "{at}: mask starts at +{base}");
        for lane in 0..32 {
            if found.mask >> lane & 1 == 1 {
                let offset = base + lane;
                assert!(
                    offset < found.scanned,
                    "{at}: candidate +{offset} past the {} scanned",
                    found.scanned
                );
                bits |= 1 << (done + offset);
            }
        }
        done += found.scanned;
    }
    bits
}

#[test]
fn raw_candidates_equal_the_top_word_filter() {
    let kernels = kernels();
    let mut rng = SplitMix(0x5a25_6d00_c0ff_ee11);
    for round in 0..300 {
        let top = match round % 5 {
            0 => 0x2000_0000,
            1 => u32::MAX,
            2 => 0,
            3 => 0x0100_0000,
            _ => rng.word(),
        };
        let job = random_job(&mut rng, top);
        let count = 1 + rng.next() % 64;
        let start = match round % 3 {
            // Ranges ending exactly at the last nonce.
            0 => (u64::from(u32::MAX) + 1 - count) as u32,
            // Ranges crossing a multiple of every lane count.
            1 => (rng.word() & !0xff).wrapping_sub(rng.word() % 40),
            _ => rng.word(),
        };
        let want = expected(&job, start, count);
        for (name, kernel) in &kernels {
            let got = reported(name, kernel.as_ref(), &job, start, count);
            assert_eq!(
                got, want,
                "{name}: start {start}, count {count}, target top {top:#x}"
            );
        }
    }
}

#[test]
fn scan_reports_no_candidate_as_none_over_long_ranges() {
    // A target top of zero makes candidates (hash top word zero) about one
    // in four billion: long ranges must come back `None`, or with a true
    // candidate.
    let kernels = kernels();
    let mut rng = SplitMix(7);
    let job = random_job(&mut rng, 0);
    for (name, kernel) in &kernels {
        for (start, count) in [(0u32, 1000u64), (u32::MAX - 999, 1000), (12_345, 333)] {
            match kernel.scan(&job, start, count) {
                None => {}
                Some(found) => {
                    for lane in 0..32 {
                        if found.mask >> lane & 1 == 1 {
                            let nonce = found.first_nonce.wrapping_add(lane);
                            assert!(is_candidate(&job, nonce), "{name}: false candidate {nonce}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn batch_equals_portable_sha256d_for_every_count() {
    let kernels = kernels();
    let mut rng = SplitMix(0xba7c_4000);
    let inputs: Vec<[u8; 64]> = (0..70)
        .map(|_| {
            let mut input = [0u8; 64];
            for chunk in input.chunks_exact_mut(8) {
                chunk.copy_from_slice(&rng.next().to_le_bytes());
            }
            input
        })
        .collect();
    let want: Vec<[u8; 32]> = inputs.iter().map(sha256d_64).collect();
    for (name, kernel) in &kernels {
        for n in (0..=40).chain([63, 64, 65, 70]) {
            // Outputs start as garbage: every one must be written.
            let mut out = std::vec![[0xa5u8; 32]; n];
            kernel.sha256d_64_batch(&inputs[..n], &mut out);
            assert_eq!(out, want[..n], "{name}: batch of {n}");
        }
    }
}

#[test]
fn portable_sha256d_64_equals_two_plain_hashes() {
    // The batch reference against hashing the message and then its digest,
    // both padded by hand.
    let input: [u8; 64] = core::array::from_fn(|i| (i * 7 + 3) as u8);
    let mut state = IV;
    let mut words = [0u32; 16];
    for (w, bytes) in words.iter_mut().zip(input.chunks_exact(4)) {
        *w = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    compress_words(&mut state, &words);
    let mut padding = [0u32; 16];
    padding[0] = 0x8000_0000;
    padding[15] = 512;
    compress_words(&mut state, &padding);
    let mut second = [0u32; 16];
    second[..8].copy_from_slice(&state);
    second[8] = 0x8000_0000;
    second[15] = 256;
    let mut digest = IV;
    compress_words(&mut digest, &second);
    let mut bytes = [0u8; 32];
    for (out, word) in bytes.chunks_exact_mut(4).zip(digest) {
        out.copy_from_slice(&word.to_be_bytes());
    }
    assert_eq!(sha256d_64(&input), bytes);
}
