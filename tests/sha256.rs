//! SHA-256, SHA-256d, the streaming hasher and midstates against NIST's
//! vectors and the `sha2` crate as an independent oracle.

mod common;

use common::{engines, read_vector};
use proptest::prelude::*;
use sha2::Digest as _;
use sha256d::{Engine, Error, Kernel, Midstate, Sha256, sha256, sha256d};

struct NistVector {
    message: Vec<u8>,
    digest: [u8; 32],
}

/// Parses a NIST CAVP `.rsp` file (`Len`, `Msg`, `MD` triples).
fn nist_vectors(text: &str) -> Vec<NistVector> {
    let mut vectors = Vec::new();
    let mut len_bits: Option<usize> = None;
    let mut message: Option<Vec<u8>> = None;
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("Len = ") {
            len_bits = Some(v.parse().expect("Len"));
        } else if let Some(hex) = line.strip_prefix("Msg = ") {
            let mut bytes = vec![0u8; hex.len() / 2];
            sha256d::hex::decode_to_slice(hex, &mut bytes).expect("Msg hex");
            // `Len = 0` carries a single placeholder byte.
            bytes.truncate(len_bits.expect("Len before Msg") / 8);
            message = Some(bytes);
        } else if let Some(hex) = line.strip_prefix("MD = ") {
            vectors.push(NistVector {
                message: message.take().expect("Msg before MD"),
                digest: sha256d::hex::decode_array(hex).expect("MD hex"),
            });
        }
    }
    vectors
}

#[test]
fn nist_short_messages() {
    let vectors = nist_vectors(&read_vector("nist/SHA256ShortMsg.rsp"));
    assert_eq!(vectors.len(), 65);
    for v in &vectors {
        assert_eq!(sha256(&v.message), v.digest, "length {}", v.message.len());
    }
}

#[test]
fn nist_long_messages() {
    let Some(text) = common::read_large_vector("nist/SHA256LongMsg.rsp") else {
        return;
    };
    let vectors = nist_vectors(&text);
    assert_eq!(vectors.len(), 64);
    for v in &vectors {
        assert_eq!(sha256(&v.message), v.digest, "length {}", v.message.len());
        // Byte-at-a-time streaming gives the same digest.
        let mut hasher = Sha256::new();
        for b in &v.message {
            hasher.update(core::slice::from_ref(b));
        }
        assert_eq!(hasher.finalize(), v.digest);
    }
}

/// One engine per compression path this CPU has: scalar, and SHA-NI or
/// ARMv8 SHA-2 where present (the lane kernels use the scalar one).
fn compression_paths() -> Vec<Engine> {
    let mut paths: Vec<Engine> = Vec::new();
    for engine in engines() {
        if !paths
            .iter()
            .any(|p| p.compression() == engine.compression())
        {
            paths.push(engine);
        }
    }
    assert_eq!(paths[0].compression(), Kernel::Scalar);
    paths
}

#[test]
fn nist_vectors_on_every_compression_path() {
    for engine in compression_paths() {
        let path = engine.compression();
        let short = read_vector("nist/SHA256ShortMsg.rsp");
        let long = common::read_large_vector("nist/SHA256LongMsg.rsp");
        for text in [Some(short), long].into_iter().flatten() {
            for v in nist_vectors(&text) {
                let len = v.message.len();
                assert_eq!(engine.sha256(&v.message), v.digest, "{path}: length {len}");
                let mut hasher = engine.hasher();
                hasher.update(&v.message);
                assert_eq!(
                    hasher.finalize(),
                    v.digest,
                    "{path}: streaming, length {len}"
                );
                // In three pieces that cut blocks.
                let (a, rest) = v.message.split_at(len / 3);
                let (b, c) = rest.split_at(rest.len() / 2);
                let mut hasher = engine.hasher();
                for piece in [a, b, c] {
                    hasher.update(piece);
                }
                assert_eq!(hasher.finalize(), v.digest, "{path}: pieces, length {len}");
                let twice: [u8; 32] = sha2::Sha256::digest(v.digest).into();
                assert_eq!(
                    engine.sha256d(&v.message),
                    twice,
                    "{path}: SHA-256d, length {len}"
                );
                let mut hasher = engine.hasher();
                hasher.update(&v.message);
                assert_eq!(
                    hasher.finalize_sha256d(),
                    twice,
                    "{path}: streaming SHA-256d"
                );
            }
        }
    }
}

#[test]
fn plain_hashing_uses_an_available_compression() {
    let path = sha256d::compression();
    assert!(
        [Kernel::Scalar, Kernel::ShaNi, Kernel::ArmSha2].contains(&path),
        "{path}"
    );
    assert!(path.is_available(), "{path}");
    eprintln!("compression: {path}");
    // Where the best engine has SHA instructions, plain hashing uses them.
    let best = Engine::best();
    if best.compression() != Kernel::Scalar {
        assert_eq!(path, best.compression());
    }
    for engine in engines() {
        let expected = match engine.kernel() {
            Kernel::ShaNi | Kernel::ArmSha2 => engine.kernel(),
            _ => Kernel::Scalar,
        };
        assert_eq!(engine.compression(), expected);
    }
}

#[test]
fn sha256d_is_sha256_twice() {
    for v in nist_vectors(&read_vector("nist/SHA256ShortMsg.rsp")) {
        assert_eq!(sha256d(&v.message), sha256(&v.digest).to_byte_array());
        let mut hasher = Sha256::new();
        hasher.update(&v.message);
        assert_eq!(hasher.finalize_sha256d(), sha256(&v.digest).to_byte_array());
    }
}

#[test]
fn every_length_around_the_padding_boundaries_matches_sha2() {
    let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
    for len in 0..=data.len() {
        let expected: [u8; 32] = sha2::Sha256::digest(&data[..len]).into();
        assert_eq!(sha256(&data[..len]), expected, "length {len}");
    }
}

#[test]
fn midstate_requires_whole_blocks() {
    assert_eq!(
        Midstate::from_blocks(&[0u8; 65]),
        Err(Error::InvalidLength {
            expected: 64,
            found: 65
        })
    );
    assert!(Midstate::from_state([0; 8], 100).is_err());
    let m = Midstate::from_blocks(&[1u8; 128]).unwrap();
    assert_eq!(m.bytes_hashed(), 128);
    assert_eq!(
        m.finish(b"tail"),
        sha256(&[&[1u8; 128][..], b"tail"].concat())
    );
    // A hasher exposes its midstate only on a block boundary.
    let mut h = Sha256::new();
    h.update(&[1u8; 100]);
    assert_eq!(h.midstate(), None);
    h.update(&[1u8; 28]);
    assert_eq!(h.midstate(), Some(m));
    // Round trip through raw state words.
    assert_eq!(Midstate::from_state(m.state(), 128), Ok(m));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn streaming_equals_one_shot_at_every_split(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let expected = sha256(&data);
        let oracle: [u8; 32] = sha2::Sha256::digest(&data).into();
        prop_assert_eq!(expected, oracle);
        for split in 0..=data.len() {
            let mut hasher = Sha256::new();
            hasher.update(&data[..split]);
            hasher.update(&data[split..]);
            prop_assert_eq!(hasher.finalize(), expected, "split at {}", split);
        }
    }

    #[test]
    fn streaming_equals_one_shot_at_every_split_on_every_path(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        let expected: [u8; 32] = sha2::Sha256::digest(&data).into();
        for engine in compression_paths() {
            let path = engine.compression();
            prop_assert_eq!(engine.sha256(&data), expected, "{} one-shot", path);
            for split in 0..=data.len() {
                let mut hasher = engine.hasher();
                hasher.update(&data[..split]);
                hasher.update(&data[split..]);
                prop_assert_eq!(hasher.finalize(), expected, "{}: split at {}", path, split);
            }
        }
    }

    #[test]
    fn streaming_equals_sha2_for_random_pieces(
        data in proptest::collection::vec(any::<u8>(), 0..1000),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (data.len() + 1)).collect();
        cuts.sort_unstable();
        let mut hasher = Sha256::new();
        let mut at = 0;
        for cut in cuts.into_iter().chain([data.len()]) {
            hasher.update(&data[at..cut]);
            at = cut;
        }
        let oracle: [u8; 32] = sha2::Sha256::digest(&data).into();
        prop_assert_eq!(hasher.finalize(), oracle);
    }

    #[test]
    fn midstate_plus_tail_equals_the_full_hash(header in proptest::collection::vec(any::<u8>(), 80)) {
        let prefix: &[u8; 64] = header[..64].try_into().unwrap();
        let midstate = Midstate::from_prefix(prefix);
        prop_assert_eq!(midstate.finish(&header[64..]), sha256(&header));
        prop_assert_eq!(midstate.finish_sha256d(&header[64..]), sha256d(&header));
        let oracle: [u8; 32] = sha2::Sha256::digest(sha2::Sha256::digest(&header)).into();
        prop_assert_eq!(sha256d(&header), oracle);
        let parsed = sha256d::BlockHeader::from_slice(&header).unwrap();
        prop_assert_eq!(parsed.midstate(), midstate);
        prop_assert_eq!(parsed.to_bytes().to_vec(), header.clone());
        prop_assert_eq!(parsed.block_hash().to_byte_array(), oracle);
    }
}
