//! Compact targets (nBits) with Bitcoin Core's `SetCompact`/`GetCompact`
//! semantics, 256-bit targets, difficulty, and the hash comparison.

use proptest::prelude::*;
use sha256d::{CompactTarget, Error, Target};

fn target_from_u128(value: u128) -> Target {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(&value.to_le_bytes());
    Target::from_le_bytes(bytes)
}

fn expand(bits: u32) -> Result<Target, Error> {
    CompactTarget::from_consensus(bits).to_target()
}

/// The cases Bitcoin Core's unit tests document for `SetCompact`
/// (src/test/arith_uint256_tests.cpp, `bignum_SetCompact`): value,
/// negative and overflow flags, and what `GetCompact` gives back.
#[test]
fn bitcoin_core_set_compact_examples() {
    // Values that decode to zero, with or without the sign bit.
    for bits in [
        0x0000_0000,
        0x0012_3456,
        0x0100_3456,
        0x0200_0056,
        0x0300_0000,
        0x0400_0000,
        0x0092_3456,
        0x0180_3456,
        0x0280_0056,
        0x0380_0000,
        0x0480_0000,
    ] {
        assert_eq!(expand(bits), Err(Error::CompactZero), "{bits:#010x}");
    }
    // Plain positive values and their GetCompact round trip.
    let cases: [(u32, u128, u32); 6] = [
        (0x0112_3456, 0x12, 0x0112_0000),
        (0x0212_3456, 0x1234, 0x0212_3400),
        (0x0312_3456, 0x12_3456, 0x0312_3456),
        (0x0412_3456, 0x1234_5600, 0x0412_3456),
        (0x0500_9234, 0x9234_0000, 0x0500_9234),
        (0x1d00_ffff, 0xffff << 104, 0x1d00_ffff),
    ];
    for (bits, low, compact) in cases {
        let mut expected = target_from_u128(low);
        if bits == 0x1d00_ffff {
            // 0xffff << 208: bytes 26 and 27.
            let mut b = [0u8; 32];
            b[26] = 0xff;
            b[27] = 0xff;
            expected = Target::from_le_bytes(b);
        }
        assert_eq!(expand(bits), Ok(expected), "{bits:#010x}");
        assert_eq!(
            expected.to_compact().to_consensus(),
            compact,
            "{bits:#010x}"
        );
    }
    // 0x20123456: 0x123456 followed by 29 zero bytes.
    let t = expand(0x2012_3456).unwrap();
    assert_eq!(t.to_be_bytes()[..3], [0x12, 0x34, 0x56]);
    assert!(t.to_be_bytes()[3..].iter().all(|&b| b == 0));
    assert_eq!(t.to_compact().to_consensus(), 0x2012_3456);
    // Negative: sign bit with a non-zero mantissa.
    assert_eq!(expand(0x01fe_dcba), Err(Error::CompactNegative));
    assert_eq!(expand(0x0492_3456), Err(Error::CompactNegative));
    // Overflow.
    assert_eq!(expand(0xff12_3456), Err(Error::CompactOverflow));
}

#[test]
fn overflow_boundary() {
    // 34 bytes fit only a one-byte mantissa, 33 a two-byte one.
    assert!(expand(0x2200_00ff).is_ok());
    assert_eq!(expand(0x2200_0100), Err(Error::CompactOverflow));
    assert!(expand(0x2100_ffff).is_ok());
    assert_eq!(expand(0x2101_0000), Err(Error::CompactOverflow));
    assert!(expand(0x207f_ffff).is_ok());
    assert_eq!(expand(0x2300_0001), Err(Error::CompactOverflow));
    let top = expand(0x2200_00ff).unwrap();
    assert_eq!(top.to_be_bytes()[0], 0xff);
}

#[test]
fn hash_comparison_is_little_endian_and_inclusive() {
    let target = expand(0x1d00_ffff).unwrap();
    let mut hash = target.to_le_bytes();
    assert!(target.is_met_by(&hash), "equal meets");
    hash[0] = hash[0].wrapping_add(1); // low byte: 0 -> 1 is above
    assert!(!target.is_met_by(&hash));
    let mut below = target.to_le_bytes();
    below[27] = 0xfe; // most significant non-zero byte lowered
    below[0] = 0xff;
    assert!(target.is_met_by(&below));
    assert!(Target::ALL_ONES.is_met_by(&[0xff; 32]));
    assert!(Target::ZERO.is_met_by(&[0; 32]));
    let mut one = [0u8; 32];
    one[0] = 1;
    assert!(!Target::ZERO.is_met_by(&one));
    assert!(Target::ZERO < target && target < Target::ALL_ONES);
}

#[test]
fn display_and_hex_are_big_endian() {
    let target = expand(0x1d00_ffff).unwrap();
    let shown = target.to_string();
    assert_eq!(shown, format!("00000000ffff{}", "0".repeat(52)));
    assert_eq!(Target::from_be_hex(&shown), Ok(target));
    assert_eq!(
        Target::from_be_hex("00"),
        Err(Error::InvalidLength {
            expected: 32,
            found: 1
        })
    );
    assert_eq!(
        CompactTarget::from_consensus(0x1d00_ffff).to_string(),
        "0x1d00ffff"
    );
}

#[test]
fn difficulty() {
    let one = expand(0x1d00_ffff).unwrap();
    assert_eq!(Target::from_difficulty(1.0), Ok(one));
    assert_eq!(one.difficulty_float(), 1.0);
    let two = Target::from_difficulty(2.0).unwrap();
    assert_eq!(two.to_compact().to_consensus(), 0x1c7f_ff80);
    // Block 830000's difficulty was about 8.6e13 (bits 0x17034219).
    let block = expand(0x1703_4219).unwrap();
    let d = block.difficulty_float();
    assert!((8.6e13..8.7e13).contains(&d), "{d}");
    let back = Target::from_difficulty(d).unwrap();
    assert_eq!(
        back.to_compact(),
        CompactTarget::from_consensus(0x1703_4219)
    );
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(Target::from_difficulty(bad), Err(Error::InvalidDifficulty));
    }
    assert_eq!(Target::from_difficulty(1e-30), Ok(Target::ALL_ONES));
    assert_eq!(Target::from_difficulty(1e300), Ok(Target::ZERO));
}

proptest! {
    #[test]
    fn valid_compact_round_trips(size in 1u32..=32, mantissa in 1u32..=0x7f_ffff) {
        // Normalised encodings (top mantissa byte non-zero, or size <= 3)
        // are what GetCompact produces; they must survive the round trip.
        let bits = (size << 24) | mantissa;
        if let Ok(target) = expand(bits) {
            let compact = target.to_compact();
            prop_assert_eq!(expand(compact.to_consensus()), Ok(target));
            if mantissa >= 0x01_0000 && size >= 3 {
                prop_assert_eq!(compact.to_consensus(), bits);
            }
        }
    }

    #[test]
    fn to_compact_rounds_down(bytes in any::<[u8; 32]>()) {
        let target = Target::from_le_bytes(bytes);
        let compact = target.to_compact();
        match expand(compact.to_consensus()) {
            Ok(back) => prop_assert!(back <= target),
            Err(e) => prop_assert_eq!(e, Error::CompactZero),
        }
    }

    #[test]
    fn any_bits_value_is_an_error_or_an_exact_target(bits in any::<u32>()) {
        match expand(bits) {
            // At most three significant bytes: the compact form is exact.
            Ok(target) => {
                prop_assert!(target != Target::ZERO);
                prop_assert_eq!(expand(target.to_compact().to_consensus()), Ok(target));
            }
            Err(e) => prop_assert!(matches!(
                e,
                Error::CompactZero | Error::CompactNegative | Error::CompactOverflow
            )),
        }
    }

    #[test]
    fn target_hex_round_trip(bytes in any::<[u8; 32]>()) {
        let t = Target::from_le_bytes(bytes);
        prop_assert_eq!(Target::from_be_hex(&t.to_string()), Ok(t));
    }
}

/// A hash and a target that agree on their top `shared` bytes (as the
/// leading zeros of a real hash and its target do), then differ anywhere.
fn sharing_top_bytes() -> impl Strategy<Value = ([u8; 32], [u8; 32])> {
    (any::<[u8; 32]>(), any::<[u8; 32]>(), 0usize..=32).prop_map(|(hash, mut target, shared)| {
        target[32 - shared..].copy_from_slice(&hash[32 - shared..]);
        (hash, target)
    })
}

proptest! {
    /// The comparison against the plain definition: both as 256-bit
    /// numbers stored little-endian, so the most significant byte last.
    #[test]
    fn hash_comparison_is_the_little_endian_number_order((hash, target) in sharing_top_bytes()) {
        let expected = hash.iter().rev().cmp(target.iter().rev());
        let target = Target::from_le_bytes(target);
        prop_assert_eq!(target.is_met_by(&hash), expected.is_le());
        prop_assert_eq!(Target::from_le_bytes(hash).cmp(&target), expected);
    }
}
