//! Many-message hashing on every kernel this CPU runs, against one message
//! at a time with the `sha2` crate (an independent implementation) and
//! the scalar engine.

mod common;

use common::engines;
use proptest::prelude::*;
use sha2::Digest as _;
use sha256d::{Engine, Error, Sha256Hash, Sha256dHash};

fn oracle_sha256(m: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(m).into()
}

fn oracle_sha256d(m: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(sha2::Sha256::digest(m)).into()
}

/// `n * len` pseudo-random bytes, different for every seed.
fn messages(seed: u64, n: usize, len: usize) -> Vec<u8> {
    let mut x = seed ^ 0x9e37_79b9_7f4a_7c15;
    (0..n * len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Checks `engine`'s SHA-256 and SHA-256d of `n` messages of `len` bytes
/// against one at a time.
fn check(engine: &Engine, bytes: &[u8], len: usize, n: usize) {
    let kernel = engine.kernel();
    let mut out = vec![Sha256Hash::default(); n];
    engine.sha256_many(bytes, len, &mut out).unwrap();
    for (i, digest) in out.iter().enumerate() {
        let m = &bytes[i * len..(i + 1) * len];
        assert_eq!(
            *digest,
            oracle_sha256(m),
            "{kernel}: SHA-256 of message {i} of {n}, {len} bytes"
        );
    }
    let mut out = vec![Sha256dHash::default(); n];
    engine.sha256d_many(bytes, len, &mut out).unwrap();
    for (i, digest) in out.iter().enumerate() {
        let m = &bytes[i * len..(i + 1) * len];
        assert_eq!(
            *digest,
            oracle_sha256d(m),
            "{kernel}: SHA-256d of message {i} of {n}, {len} bytes"
        );
    }
}

/// Lengths on both sides of every padding case: no whole block, a
/// padding-only block after the last whole block (0 mod 64), the length
/// just fitting (55), a second padding block (56..=63), headers (80).
const LENGTHS: [usize; 16] = [
    0, 1, 31, 32, 33, 55, 56, 63, 64, 65, 80, 119, 120, 127, 128, 200,
];

#[test]
fn every_count_up_to_40_on_every_kernel() {
    for engine in engines() {
        for len in LENGTHS {
            let bytes = messages(len as u64, 40, len);
            for n in 0..=40 {
                check(&engine, &bytes[..n * len], len, n);
            }
        }
    }
}

#[test]
fn arrays_of_headers_digests_and_nodes() {
    fn each<const L: usize>(engine: &Engine) {
        let bytes = messages(L as u64 * 3, 45, L);
        let arrays: Vec<[u8; L]> = (0..45)
            .map(|i| core::array::from_fn(|j| bytes[i * L + j]))
            .collect();
        for n in [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 45] {
            let mut out = vec![Sha256Hash::default(); n];
            engine.sha256_each(&arrays[..n], &mut out).unwrap();
            let want: Vec<[u8; 32]> = arrays[..n].iter().map(|m| oracle_sha256(m)).collect();
            assert_eq!(
                out,
                want,
                "{}: sha256_each, {L} bytes, n = {n}",
                engine.kernel()
            );
            let mut out = vec![Sha256dHash::default(); n];
            engine.sha256d_each(&arrays[..n], &mut out).unwrap();
            let want: Vec<[u8; 32]> = arrays[..n].iter().map(|m| oracle_sha256d(m)).collect();
            assert_eq!(
                out,
                want,
                "{}: sha256d_each, {L} bytes, n = {n}",
                engine.kernel()
            );
        }
        // Counts that differ: an error, and nothing written.
        for (inputs, outputs) in [(7, 3), (4, 9), (0, 1), (1, 0)] {
            let mut out = vec![Sha256Hash::from_byte_array([1; 32]); outputs];
            let mut out_d = vec![Sha256dHash::from_byte_array([1; 32]); outputs];
            let want = Err(sha256d::Error::InvalidLength {
                expected: inputs,
                found: outputs,
            });
            assert_eq!(engine.sha256_each(&arrays[..inputs], &mut out), want);
            assert_eq!(engine.sha256d_each(&arrays[..inputs], &mut out_d), want);
            assert!(out.iter().all(|o| *o == [1u8; 32]), "outputs untouched");
            assert!(out_d.iter().all(|o| *o == [1u8; 32]), "outputs untouched");
        }
    }
    for engine in engines() {
        each::<32>(&engine);
        each::<64>(&engine);
        each::<80>(&engine);
        each::<0>(&engine);
        each::<130>(&engine);
    }
}

#[test]
fn the_64_byte_batch_is_the_many_message_path() {
    let bytes = messages(64, 21, 64);
    let inputs: Vec<[u8; 64]> = bytes
        .chunks_exact(64)
        .map(|m| m.try_into().unwrap())
        .collect();
    for engine in engines() {
        let mut batch = vec![Sha256dHash::default(); 21];
        let mut many = vec![Sha256dHash::default(); 21];
        engine.sha256d_64_batch(&inputs, &mut batch).unwrap();
        engine.sha256d_many(&bytes, 64, &mut many).unwrap();
        assert_eq!(batch, many, "{}", engine.kernel());
    }
}

#[test]
fn lengths_that_do_not_add_up_are_errors() {
    let engine = Engine::best();
    let mut out = [Sha256Hash::default(); 3];
    let mut out_d = [Sha256dHash::default(); 3];
    assert_eq!(
        engine.sha256_many(&[0u8; 10], 3, &mut out),
        Err(Error::InvalidLength {
            expected: 9,
            found: 10
        })
    );
    assert_eq!(
        engine.sha256d_many(&[0u8; 8], 3, &mut out_d),
        Err(Error::InvalidLength {
            expected: 9,
            found: 8
        })
    );
    assert_eq!(
        sha256d::sha256_many(&[0u8; 8], usize::MAX, &mut out),
        Err(Error::InvalidLength {
            expected: usize::MAX,
            found: 8
        })
    );
    // Empty messages: any count, no bytes.
    assert_eq!(engine.sha256_many(&[], 0, &mut out), Ok(()));
    assert!(out.iter().all(|o| *o == oracle_sha256(b"")));
    assert!(engine.sha256_many(&[1], 0, &mut out).is_err());
    // No messages.
    assert_eq!(sha256d::sha256d_many(&[], 80, &mut []), Ok(()));
}

#[test]
fn crate_root_functions_use_the_best_engine() {
    let bytes = messages(7, 13, 80);
    let mut root = [Sha256dHash::default(); 13];
    let mut best = [Sha256dHash::default(); 13];
    sha256d::sha256d_many(&bytes, 80, &mut root).unwrap();
    Engine::best().sha256d_many(&bytes, 80, &mut best).unwrap();
    assert_eq!(root, best);
    let headers: Vec<[u8; 80]> = bytes
        .chunks_exact(80)
        .map(|m| m.try_into().unwrap())
        .collect();
    sha256d::sha256d_each(&headers, &mut root).unwrap();
    assert_eq!(root, best);
    let mut root = [Sha256Hash::default(); 13];
    let mut best = [Sha256Hash::default(); 13];
    sha256d::sha256_each(&headers, &mut root).unwrap();
    sha256d::sha256_many(&bytes, 80, &mut best).unwrap();
    assert_eq!(root, best);
    assert_eq!(root[12], oracle_sha256(&headers[12]));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_counts_and_lengths_equal_one_at_a_time(seed in any::<u64>(), n in 0usize..70, len in 0usize..300) {
        let bytes = messages(seed, n, len);
        let scalar = Engine::scalar();
        let mut want = vec![[0u8; 32]; n];
        let mut want_d = vec![[0u8; 32]; n];
        for (i, m) in bytes.chunks_exact(len.max(1)).take(n).enumerate() {
            want[i] = scalar.sha256(&m[..len]).to_byte_array();
            want_d[i] = scalar.sha256d(&m[..len]).to_byte_array();
        }
        if len == 0 {
            want.fill(oracle_sha256(b""));
            want_d.fill(oracle_sha256d(b""));
        }
        for engine in engines() {
            let mut got = vec![Sha256Hash::default(); n];
            engine.sha256_many(&bytes, len, &mut got).unwrap();
            prop_assert_eq!(&got, &want, "{}: SHA-256, {} x {} bytes", engine.kernel(), n, len);
            let mut got = vec![Sha256dHash::default(); n];
            engine.sha256d_many(&bytes, len, &mut got).unwrap();
            prop_assert_eq!(&got, &want_d, "{}: SHA-256d, {} x {} bytes", engine.kernel(), n, len);
        }
        // The scalar reference itself against `sha2`.
        if n > 0 {
            prop_assert_eq!(want[0], oracle_sha256(&bytes[..len]));
            prop_assert_eq!(want_d[n - 1], oracle_sha256d(&bytes[(n - 1) * len..]));
        }
    }
}
