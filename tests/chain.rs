//! Header-chain checks on the 8,065 consecutive mainnet headers of the
//! test vectors and on corrupted copies, with every kernel this CPU runs.

mod common;

use std::sync::OnceLock;

use common::{engines, read_headers};
use proptest::prelude::*;
use sha256d::{BlockHash, BlockHeader, ChainError, ChainErrorKind, CompactTarget, Error, Target};

/// The headers, read once per test binary; `None` (the tests skip) where
/// the file is not in the package.
fn chain() -> Option<Vec<[u8; 80]>> {
    static CHAIN: OnceLock<Option<Vec<[u8; 80]>>> = OnceLock::new();
    CHAIN
        .get_or_init(|| {
            let headers = read_headers("mainnet-822528-830592-headers.txt")?;
            assert_eq!(headers.len(), 8065);
            assert_eq!(headers[0].0, 822_528);
            Some(headers.into_iter().map(|(_, h)| h).collect())
        })
        .clone()
}

/// The hash of a header, computed the plain way (with `sha2`).
fn hash(header: &[u8; 80]) -> BlockHash {
    use sha2::Digest as _;
    BlockHash::from_byte_array(sha2::Sha256::digest(sha2::Sha256::digest(header)).into())
}

/// The headers as the typed slice `check_header_chain` takes.
fn typed(headers: &[[u8; 80]]) -> Vec<BlockHeader> {
    headers.iter().map(BlockHeader::from_bytes).collect()
}

fn link_of(header: &[u8; 80]) -> BlockHash {
    BlockHash::from_byte_array(header[4..36].try_into().unwrap())
}

fn set_bits(header: &mut [u8; 80], bits: u32) {
    header[72..76].copy_from_slice(&bits.to_le_bytes());
}

/// The error every kernel must report for `headers`, found the plain way:
/// the first header whose link, bits or hash is wrong.
fn expected_error(previous: Option<BlockHash>, headers: &[[u8; 80]]) -> Option<ChainError> {
    let mut previous = previous;
    for (index, header) in headers.iter().enumerate() {
        let fail = |kind| Some(ChainError { index, kind });
        if let Some(expected) = previous
            && link_of(header) != expected
        {
            return fail(ChainErrorKind::BrokenLink {
                expected,
                found: link_of(header),
            });
        }
        let bits =
            CompactTarget::from_consensus(u32::from_le_bytes(header[72..76].try_into().unwrap()));
        let target = match bits.to_target() {
            Ok(t) => t,
            Err(error) => return fail(ChainErrorKind::InvalidBits { bits, error }),
        };
        let h = hash(header);
        if !h.meets(&target) {
            return fail(ChainErrorKind::HashAboveTarget { hash: h, target });
        }
        previous = Some(h);
    }
    None
}

#[test]
fn mainnet_headers_form_a_chain_on_every_kernel() {
    let Some(headers) = chain() else {
        return;
    };
    let tip = hash(&headers[8064]);
    let start = link_of(&headers[0]);
    for engine in engines() {
        let kernel = engine.kernel();
        assert_eq!(
            engine.check_header_chain(None, &typed(&headers)),
            Ok(Some(tip)),
            "{kernel}"
        );
        assert_eq!(
            engine.check_header_chain(Some(start), &typed(&headers)),
            Ok(Some(tip)),
            "{kernel}"
        );
        // In pieces, each starting from the tip of the one before.
        let mut previous = Some(start);
        for piece in headers.chunks(1000) {
            previous = engine.check_header_chain(previous, &typed(piece)).unwrap();
        }
        assert_eq!(previous, Some(tip), "{kernel}");
    }
    assert_eq!(
        sha256d::check_header_chain(None, &typed(&headers)),
        Ok(Some(tip))
    );
    // Nothing to check: the starting point is the tip.
    assert_eq!(
        sha256d::check_header_chain(Some(start), &[]),
        Ok(Some(start))
    );
    assert_eq!(sha256d::check_header_chain(None, &[]), Ok(None));
}

#[test]
fn the_wrong_starting_block_breaks_the_first_link() {
    let Some(headers) = chain() else {
        return;
    };
    let wrong = hash(&headers[5]);
    for engine in engines() {
        assert_eq!(
            engine.check_header_chain(Some(wrong), &typed(&headers[..10])),
            Err(ChainError {
                index: 0,
                kind: ChainErrorKind::BrokenLink {
                    expected: wrong,
                    found: link_of(&headers[0])
                }
            }),
            "{}",
            engine.kernel()
        );
    }
}

/// Every kind of corruption at indices on both sides of the hashing
/// groups' boundaries (groups of 48 headers now, 64 before), and at the
/// ends.
#[test]
fn corrupted_copies_fail_at_the_corrupted_header() {
    let Some(headers) = chain() else {
        return;
    };
    let indices = [
        0, 1, 2, 46, 47, 48, 49, 62, 63, 64, 65, 95, 96, 97, 127, 128, 129, 1000, 4031, 8063, 8064,
    ];
    for engine in engines() {
        let kernel = engine.kernel();
        for &at in &indices {
            // A changed previous-block field: the link breaks (except for
            // the first header, whose link is not checked without a
            // starting point, and whose hash then misses the target).
            let mut copy = headers.clone();
            copy[at][4] ^= 0x01;
            let got = engine.check_header_chain(None, &typed(&copy)).unwrap_err();
            assert_eq!(
                Some(got),
                expected_error(None, &copy),
                "{kernel}: link at {at}"
            );
            assert_eq!(got.index, at, "{kernel}: link at {at}");
            if at > 0 {
                assert_eq!(
                    got.kind,
                    ChainErrorKind::BrokenLink {
                        expected: hash(&headers[at - 1]),
                        found: link_of(&copy[at])
                    },
                    "{kernel}: link at {at}"
                );
            }

            // A changed Merkle root: the header's own hash misses its target.
            let mut copy = headers.clone();
            copy[at][40] ^= 0x80;
            let got = engine.check_header_chain(None, &typed(&copy)).unwrap_err();
            assert_eq!(
                Some(got),
                expected_error(None, &copy),
                "{kernel}: root at {at}"
            );
            assert_eq!(got.index, at);
            let changed = hash(&copy[at]);
            assert!(
                matches!(got.kind, ChainErrorKind::HashAboveTarget { hash, .. } if hash == changed)
            );

            // Bits that encode nothing valid.
            for (bits, error) in [
                (0x0492_3456, Error::CompactNegative),
                (0xff12_3456, Error::CompactOverflow),
                (0x0000_0000, Error::CompactZero),
            ] {
                let mut copy = headers.clone();
                set_bits(&mut copy[at], bits);
                assert_eq!(
                    engine.check_header_chain(None, &typed(&copy)),
                    Err(ChainError {
                        index: at,
                        kind: ChainErrorKind::InvalidBits {
                            bits: CompactTarget::from_consensus(bits),
                            error
                        }
                    }),
                    "{kernel}: bits {bits:#x} at {at}"
                );
            }

            // A far harder target than the header's work (bits 0x0400ffff,
            // a 32-bit target): the changed header's hash is above it.
            let mut copy = headers.clone();
            set_bits(&mut copy[at], 0x0400_ffff);
            let got = engine.check_header_chain(None, &typed(&copy)).unwrap_err();
            assert_eq!(
                Some(got),
                expected_error(None, &copy),
                "{kernel}: target at {at}"
            );
            assert_eq!(
                got.kind,
                ChainErrorKind::HashAboveTarget {
                    hash: hash(&copy[at]),
                    target: CompactTarget::from_consensus(0x0400_ffff)
                        .to_target()
                        .unwrap()
                }
            );

            // Two swapped neighbours: the later one no longer follows.
            if at + 1 < headers.len() {
                let mut copy = headers.clone();
                copy.swap(at, at + 1);
                let got = engine.check_header_chain(None, &typed(&copy)).unwrap_err();
                assert_eq!(
                    Some(got),
                    expected_error(None, &copy),
                    "{kernel}: swap at {at}"
                );
            }
        }
    }
}

#[test]
fn the_first_failure_wins() {
    let Some(headers) = chain() else {
        return;
    };
    let mut copy = headers[..300].to_vec();
    copy[70][40] ^= 1;
    copy[10][4] ^= 1;
    copy[200][72] ^= 1;
    for engine in engines() {
        assert_eq!(
            engine
                .check_header_chain(None, &typed(&copy))
                .unwrap_err()
                .index,
            10
        );
    }
}

#[test]
fn errors_say_where_and_why() {
    let Some(headers) = chain() else {
        return;
    };
    let mut copy = headers[..3].to_vec();
    copy[2][4] ^= 1;
    let error = sha256d::check_header_chain(None, &typed(&copy)).unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("header 2 follows block "), "{text}");
    assert!(text.contains(&hash(&headers[1]).to_string()), "{text}");
    let above = ChainError {
        index: 7,
        kind: ChainErrorKind::HashAboveTarget {
            hash: BlockHash::default(),
            target: Target::ZERO,
        },
    };
    assert!(above.to_string().starts_with("header 7 hash 0000"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// One random byte of one random header changed: every kernel reports
    /// what the plain check finds (a changed nonce, time or version byte
    /// makes the hash miss the target; a changed link breaks the chain;
    /// changed bits may be invalid or too hard).
    #[test]
    fn random_corruption_is_found_where_the_plain_check_finds_it(
        at in 0usize..400, byte in 0usize..80, flip in 1u8..=255,
    ) {
        let Some(headers) = chain() else {
            return Ok(());
        };
        let mut copy = headers[..400].to_vec();
        copy[at][byte] ^= flip;
        let want = expected_error(None, &copy);
        for engine in engines() {
            prop_assert_eq!(engine.check_header_chain(None, &typed(&copy)).err(), want, "{}", engine.kernel());
        }
    }
}
