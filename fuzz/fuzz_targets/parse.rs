//! Parsing and validating constructors: any bytes or string give an error or
//! a value, never a panic, and every value that parses round-trips.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sha256d::{
    hex, BlockHash, BlockHeader, CompactTarget, Error, Kernel, Midstate, NonceRange, Sha256Hash,
    Target, Txid,
};

/// Reads little-endian integers from the front of the input, zero-padded.
struct Numbers<'a>(&'a [u8]);

impl Numbers<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let n = N.min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        out
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }
}

fn check_text(text: &str) {
    let lower = text.to_ascii_lowercase();
    let is_hex = text.bytes().all(|b| b.is_ascii_hexdigit());

    // Raw hex into buffers of the right and of a wrong size.
    let mut buf = vec![0u8; text.len() / 2];
    let decoded = hex::decode_to_slice(text, &mut buf);
    assert_eq!(
        decoded.is_ok(),
        is_hex && text.len().is_multiple_of(2),
        "{text:?}"
    );
    if decoded.is_ok() {
        assert_eq!(hex::Hex(&buf).to_string(), lower);
    }
    let mut wrong = vec![0u8; text.len() / 2 + 1];
    assert!(hex::decode_to_slice(text, &mut wrong).is_err());
    let array: Result<[u8; 32], Error> = hex::decode_array(text);
    assert_eq!(array.is_ok(), is_hex && text.len() == 64);

    if let Ok(header) = BlockHeader::from_hex(text) {
        assert_eq!(hex::Hex(&header.to_bytes()).to_string(), lower);
        let _ = header.meets_own_target();
    }
    if let Ok(hash) = BlockHash::from_display_hex(text) {
        assert_eq!(hash.to_string(), lower);
    }
    if let Ok(target) = Target::from_be_hex(text) {
        assert_eq!(target.to_string(), lower);
        check_target(target);
    }
    // The `FromStr` impls agree with the named parsers, and what parses
    // prints back (display order, lowercase).
    assert_eq!(text.parse::<BlockHeader>(), BlockHeader::from_hex(text));
    assert_eq!(text.parse::<BlockHash>(), BlockHash::from_display_hex(text));
    assert_eq!(text.parse::<Target>(), Target::from_be_hex(text));
    if let Ok(hash) = text.parse::<Sha256Hash>() {
        assert_eq!(hash.to_string(), lower);
        assert_eq!(format!("{hash:X}"), text.to_ascii_uppercase());
    }
    if let Ok(txid) = text.parse::<Txid>() {
        assert_eq!(format!("{txid:x}"), lower);
    }
    if let Ok(bits) = text.parse::<CompactTarget>() {
        let digits = lower.strip_prefix("0x").unwrap_or(&lower);
        assert_eq!(format!("{bits:08x}"), digits, "{text:?}");
        assert_eq!(bits.to_string().parse::<CompactTarget>(), Ok(bits));
    }
    match Kernel::from_name(text) {
        Ok(kernel) => assert!(kernel.name().eq_ignore_ascii_case(text)),
        Err(e) => assert_eq!(e, Error::UnknownKernel),
    }
    assert_eq!(text.parse::<Kernel>(), Kernel::from_name(text));
}

fn check_target(target: Target) {
    let compact = target.to_compact();
    match compact.to_target() {
        // Rounding down: never above the target, and stable from then on.
        Ok(rounded) => {
            assert!(rounded <= target, "{target} -> {compact} -> {rounded}");
            assert_eq!(rounded.to_compact().to_target(), Ok(rounded));
        }
        Err(e) => assert_eq!((e, target), (Error::CompactZero, Target::ZERO)),
    }
    let _ = target.difficulty_float();
}

fuzz_target!(|data: &[u8]| {
    check_text(&String::from_utf8_lossy(data));
    if let Ok(text) = core::str::from_utf8(data) {
        check_text(text.trim());
    }

    // Headers from raw bytes: exactly 80 of them.
    match BlockHeader::from_slice(data) {
        Ok(header) => assert_eq!(&header.to_bytes()[..], data),
        Err(e) => assert_eq!(
            e,
            Error::InvalidLength {
                expected: 80,
                found: data.len()
            }
        ),
    }
    assert_eq!(
        Midstate::from_blocks(data).is_ok(),
        data.len().is_multiple_of(64)
    );

    let mut numbers = Numbers(data);
    let bits = numbers.u32();
    if let Ok(target) = CompactTarget::from_consensus(bits).to_target() {
        assert_ne!(target, Target::ZERO);
        // SetCompact then GetCompact then SetCompact changes nothing.
        assert_eq!(target.to_compact().to_target(), Ok(target), "{bits:#010x}");
        check_target(target);
    }

    let start = numbers.u32();
    let count = numbers.u64() >> (numbers.u32() % 64);
    match NonceRange::new(start, count) {
        Ok(range) => {
            assert!(u64::from(start) + count <= 1 << 32);
            assert_eq!(range.is_empty(), count == 0);
            if let Some(last) = range.last() {
                assert!(range.contains(start) && range.contains(last));
                assert_eq!(u64::from(last - start) + 1, count);
            }
            let parts = numbers.u32() % 70;
            let mut next = range.start();
            let mut total = 0;
            for part in range.split(parts) {
                if !part.is_empty() {
                    assert_eq!(part.start(), next);
                    next = part.start().wrapping_add(part.count() as u32);
                }
                total += part.count();
            }
            assert_eq!(total, count);
            let offset = numbers.u64() % (count + 2);
            assert_eq!(
                range.skip(offset).count() + range.take(offset).count(),
                count
            );
        }
        Err(e) => {
            assert_eq!(e, Error::NonceRangeOverflow);
            assert!(u64::from(start)
                .checked_add(count)
                .is_none_or(|end| end > 1 << 32));
        }
    }

    let difficulty = f64::from_bits(numbers.u64());
    match Target::from_difficulty(difficulty) {
        Ok(target) => {
            assert!(difficulty.is_finite() && difficulty > 0.0);
            check_target(target);
        }
        Err(e) => {
            assert_eq!(e, Error::InvalidDifficulty);
            assert!(!(difficulty.is_finite() && difficulty > 0.0));
        }
    }

    let state = [numbers.u32(); 8];
    let bytes_hashed = numbers.u64();
    assert_eq!(
        Midstate::from_state(state, bytes_hashed).is_ok(),
        bytes_hashed.is_multiple_of(64)
    );
});
