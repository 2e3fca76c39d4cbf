//! Many-message hashing: for any count and length of messages, SHA-256 and
//! SHA-256d of every available kernel equal the scalar engine's one
//! message at a time, and scalar equals the `sha2` crate; lengths that do
//! not add up are errors, never panics. Header-chain checks of the same
//! bytes read as 80-byte headers agree between kernels.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sha2::Digest as _;
use sha256d::{Engine, Error};
use sha256d_fuzz::engines;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Number of messages, taken modulo 80.
    count: u8,
    /// Length of each message, taken modulo 300.
    len: u16,
    /// Bytes offered beyond (or short of) `count * len`, taken modulo 5
    /// and centred on zero: mismatched lengths must be errors.
    slack: u8,
    /// Bytes of the messages, repeated as needed.
    bytes: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let n = usize::from(input.count % 80);
    let len = usize::from(input.len % 300);
    let pattern = if input.bytes.is_empty() { vec![0x5a] } else { input.bytes };
    let total = n * len;
    let messages: Vec<u8> = (0..total)
        .map(|i| pattern[i % pattern.len()] ^ (i / len.max(1)) as u8)
        .collect();

    let scalar = Engine::scalar();
    let mut want = vec![[0u8; 32]; n];
    let mut want_d = vec![[0u8; 32]; n];
    for i in 0..n {
        let m = &messages[i * len..(i + 1) * len];
        want[i] = scalar.sha256(m).to_byte_array();
        want_d[i] = scalar.sha256d(m).to_byte_array();
        let oracle: [u8; 32] = sha2::Sha256::digest(m).into();
        assert_eq!(want[i], oracle, "scalar against sha2, {len} bytes");
    }

    for engine in engines() {
        let kernel = engine.kernel();
        let mut got = vec![sha256d::Sha256Hash::default(); n];
        engine.sha256_many(&messages, len, &mut got).unwrap();
        assert_eq!(got, want, "{kernel}: SHA-256 of {n} x {len} bytes");
        let mut got_d = vec![sha256d::Sha256dHash::default(); n];
        engine.sha256d_many(&messages, len, &mut got_d).unwrap();
        assert_eq!(got_d, want_d, "{kernel}: SHA-256d of {n} x {len} bytes");
        assert_eq!(engine.sha256d(&messages[..len.min(total)]), scalar.sha256d(&messages[..len.min(total)]));

        // A byte count that does not match is an error, not a panic.
        let slack = i64::from(input.slack % 5) - 2;
        if slack != 0 && (total as i64 + slack) >= 0 {
            let wrong = (total as i64 + slack) as usize;
            let bytes = vec![0u8; wrong];
            assert_eq!(
                engine.sha256_many(&bytes, len, &mut got),
                Err(Error::InvalidLength { expected: total, found: wrong }),
                "{kernel}"
            );
        }

        // The same bytes as headers: every kernel finds the same first
        // failure (or none) as scalar.
        let headers: Vec<sha256d::BlockHeader> = messages
            .chunks_exact(80)
            .map(|h| sha256d::BlockHeader::from_slice(h).unwrap())
            .collect();
        assert_eq!(
            engine.check_header_chain(None, &headers),
            scalar.check_header_chain(None, &headers),
            "{kernel}: header chain"
        );
    }
});
