//! The kernel test harness: every kernel this CPU runs (and the reduced
//! variants of those with optional paths), checked at the level of the
//! kernel contract ([`KernelImpl`]) rather than through the search driver,
//! which re-verifies every candidate and so would hide a kernel reporting
//! false ones.
//!
//! Each kernel's raw candidate masks must equal, bit for bit, the top-word
//! filter computed the plain way (full compressions, no precomputation),
//! every `scan` result must keep the contract's invariants, its
//! many-message hashing must equal the portable one for every count and
//! padding case, and its compression must give NIST's digests and equal
//! the portable compression. Kernels the CPU lacks are skipped, and the
//! skip is printed.

use std::eprintln;
use std::vec::Vec;

use super::compress::Compressor;
use super::{Candidates, JobData, KernelImpl, kernel_list};
use crate::sha256::{
    self, HEADER_BLOCK, IV, Shape, compress_words, hash_digest, sha256d_64, store_state,
};

/// A kernel token behind a trait object, so that one loop visits them all.
trait Tested {
    fn scan(&self, job: &JobData, start: u32, count: u64) -> Option<Candidates>;
    fn hash_many(&self, messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]);
    fn compress_blocks(&self, state: &mut [u32; 8], blocks: &[u8]);
}

impl<K: KernelImpl> Tested for K {
    fn scan(&self, job: &JobData, start: u32, count: u64) -> Option<Candidates> {
        KernelImpl::scan(*self, job, start, count)
    }
    fn hash_many(&self, messages: &[u8], shape: &Shape, double: bool, out: &mut [[u8; 32]]) {
        KernelImpl::hash_many(*self, messages, shape, double, out);
    }
    fn compress_blocks(&self, state: &mut [u32; 8], blocks: &[u8]) {
        KernelImpl::compress_blocks(*self, state, blocks);
    }
}

/// A kernel to test: its name (with its path's name in brackets for an
/// alternate path) and its token.
type Entry = (std::string::String, std::boxed::Box<dyn Tested>);

/// Turns the kernel list into the list of kernels this CPU runs.
macro_rules! detected_kernels {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $name:literal, $token:ty, cfg($($cfg:tt)*);
    )+) => {
        /// Every kernel of the list this CPU runs, with its alternate
        /// path if it has one, and a note for each one skipped.
        fn detected() -> (Vec<Entry>, Vec<std::string::String>) {
            let mut kernels: Vec<Entry> = Vec::new();
            let mut skipped = Vec::new();
            $(
                #[cfg($($cfg)*)]
                match <$token as KernelImpl>::detect() {
                    Some(token) => {
                        kernels.push(($name.into(), std::boxed::Box::new(token)));
                        for (path, alternate) in token.alternates() {
                            kernels.push((
                                std::format!("{} ({})", $name, path),
                                std::boxed::Box::new(alternate),
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
/// and which are skipped. `SHA256D_TEST_KERNELS` (comma-separated names)
/// narrows the list, for slow runs such as Miri's.
fn kernels() -> Vec<Entry> {
    static REPORT: std::sync::Once = std::sync::Once::new();
    let (mut kernels, mut skipped) = detected();
    if let Ok(only) = std::env::var("SHA256D_TEST_KERNELS") {
        let wanted = |name: &str| {
            let base = name.split(' ').next().unwrap_or(name);
            only.split(',').any(|w| w.trim() == base)
        };
        for (name, _) in kernels.iter().filter(|(name, _)| !wanted(name)) {
            skipped.push(std::format!(
                "{name}: SKIPPED (not in SHA256D_TEST_KERNELS)"
            ));
        }
        kernels.retain(|(name, _)| wanted(name));
    }
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

/// Rounds of the random-job test, the longest scan range, and the batch
/// lengths. Miri (`.ci/miri.sh`) interprets every intrinsic, about a
/// million times slower: it gets a few of each, still covering every top
/// word kind, range kind, and partial and whole lane groups.
const ROUNDS: u32 = if cfg!(miri) { 6 } else { 300 };
const MAX_COUNT: u64 = if cfg!(miri) { 20 } else { 64 };
const LONG_RANGE: u32 = if cfg!(miri) { 24 } else { 1000 };

#[test]
fn raw_candidates_equal_the_top_word_filter() {
    let kernels = kernels();
    let mut rng = SplitMix(0x5a25_6d00_c0ff_ee11);
    for round in 0..ROUNDS {
        let top = match round % 5 {
            0 => 0x2000_0000,
            1 => u32::MAX,
            2 => 0,
            3 => 0x0100_0000,
            _ => rng.word(),
        };
        let job = random_job(&mut rng, top);
        let count = 1 + rng.next() % MAX_COUNT;
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
        let long = u64::from(LONG_RANGE);
        for (start, count) in [
            (0u32, long),
            (u32::MAX - (LONG_RANGE - 1), long),
            (12_345, u64::from(LONG_RANGE / 3)),
        ] {
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

/// `n` pseudo-random bytes.
fn random_bytes(rng: &mut SplitMix, n: usize) -> Vec<u8> {
    (0..n).map(|_| rng.next() as u8).collect()
}

#[test]
fn many_messages_equal_the_portable_hash_for_every_count() {
    many_messages_equal_the_portable_hash(false);
}

#[test]
fn many_messages_equal_the_portable_double_hash_for_every_count() {
    many_messages_equal_the_portable_hash(true);
}

/// Every kernel's `hash_many` against the portable one, SHA-256d if
/// `double`: two tests, so that test runners with one process per test
/// (Miri's) run the halves side by side.
fn many_messages_equal_the_portable_hash(double: bool) {
    let kernels = kernels();
    let mut rng = SplitMix(0xba7c_4000);
    let bytes = random_bytes(&mut rng, 70 * 200);
    // Both sides of every padding case: no whole block, the length just
    // fitting (55), a second padding block (56..=63), whole blocks only
    // (0 mod 64), block headers (80).
    // Fewer in an interpreter: around one and two steps of every width.
    let (counts, lengths): (Vec<usize>, &[usize]) = if cfg!(miri) {
        (std::vec![0, 1, 8, 9, 17], &[0, 55, 56, 64, 80])
    } else {
        (
            (0..=40).chain([63, 64, 65, 70]).collect(),
            &[0, 1, 32, 55, 56, 63, 64, 65, 80, 119, 120, 128, 200],
        )
    };
    for &len in lengths {
        let shape = Shape::new(len);
        let most = counts.iter().copied().max().unwrap_or(0);
        let mut want = std::vec![[0u8; 32]; most];
        sha256::hash_many(&bytes[..most * len], &shape, double, &mut want);
        for (name, kernel) in &kernels {
            for &n in &counts {
                // Outputs start as garbage: every one must be written.
                let mut out = std::vec![[0xa5u8; 32]; n];
                kernel.hash_many(&bytes[..n * len], &shape, double, &mut out);
                assert_eq!(
                    out,
                    want[..n],
                    "{name}: {n} messages of {len} bytes, double {double}"
                );
            }
        }
    }
}

#[test]
fn many_64_byte_messages_are_the_portable_sha256d_64() {
    let mut rng = SplitMix(0x64);
    let bytes = random_bytes(&mut rng, 9 * 64);
    let mut out = [[0u8; 32]; 9];
    sha256::hash_many(&bytes, &Shape::new(64), true, &mut out);
    for (input, digest) in bytes.chunks_exact(64).zip(&out) {
        assert_eq!(sha256d_64(input.try_into().unwrap()), *digest);
    }
}

/// NIST's byte-oriented SHA-256 vectors: (message, digest).
fn nist_vectors() -> Vec<(Vec<u8>, [u8; 32])> {
    let mut vectors = Vec::new();
    for text in [
        include_str!("../../tests/vectors/nist/SHA256ShortMsg.rsp"),
        include_str!("../../tests/vectors/nist/SHA256LongMsg.rsp"),
    ] {
        let mut len = 0;
        let mut message = Vec::new();
        for line in text.lines().map(str::trim) {
            if let Some(v) = line.strip_prefix("Len = ") {
                len = v.parse::<usize>().expect("Len") / 8;
            } else if let Some(hex) = line.strip_prefix("Msg = ") {
                message = std::vec![0u8; hex.len() / 2];
                crate::hex::decode_to_slice(hex, &mut message).expect("Msg hex");
                // `Len = 0` carries one placeholder byte.
                message.truncate(len);
            } else if let Some(hex) = line.strip_prefix("MD = ") {
                let digest = crate::hex::decode_array(hex).expect("MD hex");
                vectors.push((core::mem::take(&mut message), digest));
            }
        }
    }
    assert_eq!(vectors.len(), 65 + 64, "NIST vectors");
    vectors
}

/// `message` with its SHA-256 padding: whole blocks.
fn padded(message: &[u8]) -> Vec<u8> {
    let mut bytes = message.to_vec();
    bytes.push(0x80);
    while bytes.len() % 64 != 56 {
        bytes.push(0);
    }
    bytes.extend_from_slice(&(message.len() as u64 * 8).to_be_bytes());
    bytes
}

#[test]
fn compression_gives_nist_digests_in_one_call_and_in_pieces() {
    let vectors = nist_vectors();
    // The long messages (up to 6,400 bytes each) take hours interpreted:
    // Miri gets every fourth message of up to 128 bytes.
    let picked = vectors
        .iter()
        .enumerate()
        .filter(|(i, (message, _))| !cfg!(miri) || (i % 4 == 0 && message.len() <= 128))
        .map(|(_, vector)| vector);
    let picked: Vec<_> = picked.collect();
    for (name, kernel) in &kernels() {
        for (message, digest) in &picked {
            let blocks = padded(message);
            let mut state = IV;
            kernel.compress_blocks(&mut state, &blocks);
            assert_eq!(
                store_state(&state),
                *digest,
                "{name}: {} bytes",
                message.len()
            );
            // Split at a block boundary, with the bytes past it ignored.
            let split = blocks.len() / 128 * 64;
            let mut state = IV;
            kernel.compress_blocks(&mut state, &blocks[..split + 17.min(blocks.len() - split)]);
            kernel.compress_blocks(&mut state, &blocks[split..]);
            assert_eq!(store_state(&state), *digest, "{name}: split at {split}");
        }
    }
}

#[test]
fn compression_equals_the_portable_one_on_random_states() {
    let mut rng = SplitMix(0xc0de);
    let bytes = random_bytes(&mut rng, 9 * 64 + 63);
    for (name, kernel) in &kernels() {
        // 53 is coprime with the 639 bytes: every round a new length.
        for round in 0..if cfg!(miri) { 8 } else { 300 } {
            let state: [u32; 8] = core::array::from_fn(|_| rng.word());
            let len = round * 53 % bytes.len();
            let mut want = state;
            sha256::compress_blocks(&mut want, &bytes[..len]);
            let mut got = state;
            kernel.compress_blocks(&mut got, &bytes[..len]);
            assert_eq!(got, want, "{name}: {len} bytes");
        }
    }
}

#[test]
fn best_compression_passes_its_self_test() {
    let best = Compressor::best();
    assert!(best.self_test());
    assert!(Compressor::scalar().self_test());
    assert_eq!(Compressor::best(), best, "the choice is cached");
    eprintln!("compression: {}", best.kernel());
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
