//! Hexadecimal decoding and encoding without allocation.
//!
//! Block hashes and targets are conventionally *displayed* byte-reversed;
//! the functions here never reverse anything. Types that have a display order
//! ([`BlockHash`](crate::BlockHash), [`Target`](crate::Target)) say so in their
//! own parsing and formatting methods.

use core::fmt;

use crate::Error;

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes hex (either case, no prefix, no separators) into `out`, which must
/// be exactly half as long as `hex`.
///
/// # Errors
/// [`Error::OddHexLength`], [`Error::InvalidLength`] (measured in bytes) or
/// [`Error::InvalidHexCharacter`].
pub fn decode_to_slice(hex: &str, out: &mut [u8]) -> Result<(), Error> {
    let digits = hex.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return Err(Error::OddHexLength);
    }
    if digits.len() / 2 != out.len() {
        return Err(Error::InvalidLength {
            expected: out.len(),
            found: digits.len() / 2,
        });
    }
    for (i, (pair, byte)) in digits.chunks_exact(2).zip(out.iter_mut()).enumerate() {
        let hi = nibble(pair[0]).ok_or(Error::InvalidHexCharacter { index: 2 * i })?;
        let lo = nibble(pair[1]).ok_or(Error::InvalidHexCharacter { index: 2 * i + 1 })?;
        *byte = (hi << 4) | lo;
    }
    Ok(())
}

/// Decodes hex into a fixed-size array, in the order the digits are written.
///
/// ```
/// let bytes: [u8; 3] = sha256d::hex::decode_array("00ff10")?;
/// assert_eq!(bytes, [0x00, 0xff, 0x10]);
/// # Ok::<(), sha256d::Error>(())
/// ```
///
/// # Errors
/// As [`decode_to_slice`].
pub fn decode_array<const N: usize>(hex: &str) -> Result<[u8; N], Error> {
    let mut out = [0u8; N];
    decode_to_slice(hex, &mut out)?;
    Ok(out)
}

/// Formats bytes as lowercase hex, in the given order.
///
/// ```
/// assert_eq!(format!("{}", sha256d::hex::Hex(&[0xab, 0x01])), "ab01");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Formats bytes as lowercase hex, last byte first (Bitcoin's display order
/// for hashes and targets).
#[derive(Clone, Copy, Debug)]
pub struct HexReversed<'a>(pub &'a [u8]);

impl fmt::Display for HexReversed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0.iter().rev() {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}
