//! Real Bitcoin mainnet headers: each meets its own target, and consecutive
//! headers chain by hash.

mod common;

use common::read_headers;
use sha256d::{BlockHash, BlockHeader, Error};

const GENESIS_HASH: &str = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";

fn check_meets_own_target(headers: &[(u32, [u8; 80])]) {
    for (height, bytes) in headers {
        let header = BlockHeader::from_bytes(bytes);
        assert_eq!(&header.to_bytes(), bytes, "height {height}: round trip");
        let target = header
            .bits
            .to_target()
            .unwrap_or_else(|e| panic!("height {height}: {e}"));
        let hash = header.block_hash();
        assert!(
            hash.meets(&target),
            "height {height}: {hash} above {target}"
        );
        assert_eq!(header.meets_own_target(), Ok(true));
        // The compact form of a valid header target round-trips exactly.
        assert_eq!(target.to_compact(), header.bits, "height {height}");
    }
}

#[test]
fn retarget_boundary_headers_meet_their_targets() {
    let Some(headers) = read_headers("mainnet-retarget-headers.txt") else {
        return;
    };
    assert_eq!(headers.len(), 827);
    check_meets_own_target(&headers);
}

#[test]
fn consecutive_headers_meet_their_targets_and_chain() {
    let Some(headers) = read_headers("mainnet-822528-830592-headers.txt") else {
        return;
    };
    assert_eq!(headers.len(), 8_065);
    check_meets_own_target(&headers);
    for pair in headers.windows(2) {
        let (h0, prev) = &pair[0];
        let (h1, next) = &pair[1];
        assert_eq!(h0 + 1, *h1);
        let expected = BlockHeader::from_bytes(prev).block_hash();
        assert_eq!(
            BlockHeader::from_bytes(next).prev_blockhash,
            expected,
            "height {h1}"
        );
        assert_eq!(next[4..36], sha256d::sha256d(prev), "height {h1}");
    }
}

#[test]
fn genesis_block_hash() {
    let (height, bytes) = match read_headers("mainnet-retarget-headers.txt") {
        Some(headers) => headers[0],
        None => (0, common::genesis_bytes()),
    };
    assert_eq!(height, 0);
    assert_eq!(bytes, common::genesis_bytes());
    let header = BlockHeader::from_bytes(&bytes);
    assert_eq!(header.nonce, 2_083_236_893);
    assert_eq!(header.block_hash().to_string(), GENESIS_HASH);
    assert_eq!(
        header.block_hash(),
        BlockHash::from_display_hex(GENESIS_HASH).unwrap()
    );
    // Display order is the reverse of the bytes SHA-256d outputs.
    let mut internal = sha256d::sha256d(&bytes).to_byte_array();
    internal.reverse();
    assert_eq!(sha256d::hex::Hex(&internal).to_string(), GENESIS_HASH);
}

#[test]
fn block_830000_header_vector() {
    let text = common::read_vector("block-830000-header.txt");
    let header = BlockHeader::from_hex(text.trim()).unwrap();
    assert_eq!(header.meets_own_target(), Ok(true));
    if let Some(headers) = read_headers("mainnet-822528-830592-headers.txt") {
        let listed = headers.into_iter().find(|(h, _)| *h == 830_000).unwrap();
        assert_eq!(header.to_bytes(), listed.1);
    }
}

#[test]
fn malformed_headers_are_errors() {
    assert_eq!(
        BlockHeader::from_slice(&[0u8; 79]),
        Err(Error::InvalidLength {
            expected: 80,
            found: 79
        })
    );
    assert_eq!(
        BlockHeader::from_slice(&[0u8; 81]),
        Err(Error::InvalidLength {
            expected: 80,
            found: 81
        })
    );
    assert_eq!(BlockHeader::from_hex("abc"), Err(Error::OddHexLength));
    assert_eq!(
        BlockHeader::from_hex(&"00".repeat(79)),
        Err(Error::InvalidLength {
            expected: 80,
            found: 79
        })
    );
    let mut bad = "00".repeat(80);
    bad.replace_range(17..18, "g");
    assert_eq!(
        BlockHeader::from_hex(&bad),
        Err(Error::InvalidHexCharacter { index: 17 })
    );
    assert_eq!(
        BlockHash::from_display_hex(&format!("zz{}", "0".repeat(62))),
        Err(Error::InvalidHexCharacter { index: 0 })
    );
    // Multi-byte UTF-8 is not hex and does not panic.
    assert!(BlockHash::from_display_hex(&"é".repeat(32)).is_err());
    // Errors display as one line.
    for e in [
        Error::OddHexLength,
        Error::CompactNegative,
        Error::NonceRangeOverflow,
    ] {
        assert!(!e.to_string().contains('\n'));
    }
}
