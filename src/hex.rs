//! Hexadecimal decoding and encoding without allocation, on top of the
//! [`hex`](https://docs.rs/hex) crate, with its errors mapped to the crate's
//! [`Error`].
//!
//! Block hashes and targets are conventionally *displayed* byte-reversed;
//! the functions here never reverse anything. Types that have a display
//! order ([`BlockHash`](crate::BlockHash), [`Target`](crate::Target), ...)
//! say so in their own parsing and formatting.
//!
//! ```
//! use sha256d::hex::{Hex, HexReversed, decode_array};
//! let bytes: [u8; 3] = decode_array("0a0b0c")?;
//! assert_eq!(Hex(&bytes).to_string(), "0a0b0c");
//! assert_eq!(HexReversed(&bytes).to_string(), "0c0b0a");
//! # Ok::<(), sha256d::Error>(())
//! ```

use core::fmt;

use crate::Error;

/// Maps the `hex` crate's error to the crate's, given the byte length the
/// caller wanted and the digit count it was given.
fn map_error(error: ::hex::FromHexError, expected: usize, digits: usize) -> Error {
    match error {
        ::hex::FromHexError::InvalidHexCharacter { index, .. } => {
            Error::InvalidHexCharacter { index }
        }
        ::hex::FromHexError::OddLength => Error::OddHexLength,
        ::hex::FromHexError::InvalidStringLength => Error::InvalidLength {
            expected,
            found: digits / 2,
        },
    }
}

/// Decodes hex (either case, no prefix, no separators) into `out`, which must
/// be exactly half as long as `hex`.
///
/// ```
/// let mut out = [0u8; 2];
/// sha256d::hex::decode_to_slice("beEF", &mut out)?;
/// assert_eq!(out, [0xbe, 0xef]);
/// assert_eq!(
///     sha256d::hex::decode_to_slice("beef00", &mut out),
///     Err(sha256d::Error::InvalidLength { expected: 2, found: 3 }),
/// );
/// # Ok::<(), sha256d::Error>(())
/// ```
///
/// # Errors
/// [`Error::OddHexLength`], [`Error::InvalidLength`] (measured in bytes) or
/// [`Error::InvalidHexCharacter`].
pub fn decode_to_slice(hex: &str, out: &mut [u8]) -> Result<(), Error> {
    ::hex::decode_to_slice(hex, out).map_err(|e| map_error(e, out.len(), hex.len()))
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

/// Writes `bytes` as hex digits to `f`, in the given order or reversed, in
/// lowercase or uppercase, honouring the formatter's width, fill and
/// alignment, and with `0x` in front for the alternate flag (`{:#x}`).
pub(crate) fn format(
    bytes: &[u8],
    reversed: bool,
    upper: bool,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    // Encode in pieces through a small stack buffer; only when the caller
    // asked for padding does the whole string need to be known at once
    // (inputs longer than 128 bytes are written unpadded).
    const CHUNK: usize = 32;
    let prefix: &[u8] = if f.alternate() { b"0x" } else { b"" };
    if f.width().is_some() && bytes.len() <= 128 {
        let mut digits = [0u8; 2 + 256];
        let used = &mut digits[..prefix.len() + 2 * bytes.len()];
        used[..prefix.len()].copy_from_slice(prefix);
        encode_into(bytes, reversed, upper, &mut used[prefix.len()..]);
        return f.pad(as_str(used));
    }
    f.write_str(as_str(prefix))?;
    let mut chunk = [0u8; CHUNK];
    let mut digits = [0u8; 2 * CHUNK];
    let mut write_piece = |piece: &[u8], f: &mut fmt::Formatter<'_>| {
        let out = &mut digits[..2 * piece.len()];
        encode_into(piece, false, upper, out);
        f.write_str(as_str(out))
    };
    if reversed {
        for piece in bytes.rchunks(CHUNK) {
            let buffer = &mut chunk[..piece.len()];
            buffer.copy_from_slice(piece);
            buffer.reverse();
            write_piece(buffer, f)?;
        }
    } else {
        for piece in bytes.chunks(CHUNK) {
            write_piece(piece, f)?;
        }
    }
    Ok(())
}

/// Hex digits of `bytes` into `out` (exactly twice as long).
fn encode_into(bytes: &[u8], reversed: bool, upper: bool, out: &mut [u8]) {
    // The lengths match by construction, so the `hex` crate cannot fail;
    // the digits stay zero bytes (and so stay valid UTF-8) if it ever did.
    let _ = ::hex::encode_to_slice(bytes, out);
    if reversed {
        // Reverse the byte order, keeping each byte's two digits in order.
        out.reverse();
        for pair in out.chunks_exact_mut(2) {
            pair.swap(0, 1);
        }
    }
    if upper {
        out.make_ascii_uppercase();
    }
}

fn as_str(digits: &[u8]) -> &str {
    // Hex digits (or zero bytes) are ASCII.
    core::str::from_utf8(digits).unwrap_or_default()
}

/// Formats bytes as hex, in the given order: lowercase with `{}` and `{:x}`,
/// uppercase with `{:X}`.
///
/// ```
/// use sha256d::hex::Hex;
/// assert_eq!(format!("{}", Hex(&[0xab, 0x01])), "ab01");
/// assert_eq!(format!("{:X}", Hex(&[0xab, 0x01])), "AB01");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format(self.0, false, false, f)
    }
}

impl fmt::LowerHex for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format(self.0, false, false, f)
    }
}

impl fmt::UpperHex for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format(self.0, false, true, f)
    }
}

/// Formats bytes as hex, last byte first (Bitcoin's display order for
/// hashes and targets): lowercase with `{}` and `{:x}`, uppercase with
/// `{:X}`.
///
/// ```
/// use sha256d::hex::HexReversed;
/// assert_eq!(format!("{}", HexReversed(&[0xab, 0x01])), "01ab");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct HexReversed<'a>(pub &'a [u8]);

impl fmt::Display for HexReversed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format(self.0, true, false, f)
    }
}

impl fmt::LowerHex for HexReversed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format(self.0, true, false, f)
    }
}

impl fmt::UpperHex for HexReversed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format(self.0, true, true, f)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;

    use super::*;

    #[test]
    fn formats_long_inputs_in_pieces_both_ways() {
        let bytes: [u8; 100] = core::array::from_fn(|i| i as u8);
        let forward = format!("{}", Hex(&bytes));
        let backward = format!("{}", HexReversed(&bytes));
        assert_eq!(forward.len(), 200);
        assert!(forward.starts_with("000102") && forward.ends_with("6263"));
        let mut reversed = bytes;
        reversed.reverse();
        assert_eq!(backward, format!("{}", Hex(&reversed)));
        assert_eq!(format!("{:>8}", Hex(&[1])), "      01");
        assert_eq!(format!("{:>#8x}", Hex(&[1])), "    0x01");
        assert_eq!(format!("{:#X}", HexReversed(&[0xab, 0x01])), "0x01AB");
    }

    #[test]
    fn decode_errors_map_to_the_crate_error() {
        let mut out = [0u8; 2];
        assert_eq!(decode_to_slice("abc", &mut out), Err(Error::OddHexLength));
        assert_eq!(
            decode_to_slice("ab", &mut out),
            Err(Error::InvalidLength {
                expected: 2,
                found: 1
            })
        );
        assert_eq!(
            decode_to_slice("abzz", &mut out),
            Err(Error::InvalidHexCharacter { index: 2 })
        );
    }
}
