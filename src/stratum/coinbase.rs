//! The coinbase transaction: hashed once as far as the miner's extranonce,
//! then finished for each extranonce. v1 jobs (`coinb1 ‖ extranonce1 ‖
//! extranonce2 ‖ coinb2`) and v2 extended jobs (`coinbase_tx_prefix ‖
//! extranonce_prefix ‖ extranonce ‖ coinbase_tx_suffix`) share it, with the
//! hex helpers of the v1 fields.

use super::{Error, Extranonce2, Field};
use crate::hex::{decode_array, decode_to_slice};
use crate::{Sha256, Txid};

/// A fixed-size field from hex, with the field named in errors.
pub(super) fn decode_fixed<const N: usize>(hex: &str, field: Field) -> Result<[u8; N], Error> {
    decode_array::<N>(hex).map_err(|error| match error {
        crate::Error::InvalidLength { expected, found } => Error::Length {
            field,
            expected,
            found,
        },
        error => Error::Hex { field, error },
    })
}

/// Checks that `hex` is an even number of hex digits.
pub(super) fn validate_hex(hex: &str, field: Field) -> Result<(), Error> {
    if !hex.len().is_multiple_of(2) {
        return Err(Error::Hex {
            field,
            error: crate::Error::OddHexLength,
        });
    }
    match hex.bytes().position(|b| !b.is_ascii_hexdigit()) {
        Some(index) => Err(Error::Hex {
            field,
            error: crate::Error::InvalidHexCharacter { index },
        }),
        None => Ok(()),
    }
}

/// Hex digits decoded a stack buffer at a time.
const HEX_CHUNK_BYTES: usize = 64;

/// Feeds the bytes of `hex`, which [`validate_hex`] accepted, to `hasher`
/// without a heap buffer.
fn hash_valid_hex(hasher: &mut Sha256, hex: &str) {
    let mut buffer = [0u8; HEX_CHUNK_BYTES];
    let mut rest = hex;
    while !rest.is_empty() {
        // All ASCII, so every byte offset is a character boundary.
        let (chunk, tail) = rest.split_at(rest.len().min(2 * HEX_CHUNK_BYTES));
        let bytes = &mut buffer[..chunk.len() / 2];
        // Cannot fail on validated hex of even length; an error would
        // leave the buffer as it was, never read out of bounds.
        if decode_to_slice(chunk, bytes).is_ok() {
            hasher.update(bytes);
        }
        rest = tail;
    }
}

/// The part of the coinbase after the miner's extranonce, as bytes or as
/// hex that was checked once and is decoded again for each coinbase (a few
/// hundred bytes, once per extranonce: nothing next to the 2^32 nonces each
/// one gives).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Suffix<'a> {
    Bytes(&'a [u8]),
    Hex(&'a str),
}

/// A coinbase transaction with a gap of `extranonce_size` bytes for the
/// miner: SHA-256 of everything before the gap, and the part after it
/// (borrowed).
#[derive(Clone)]
pub(super) struct Coinbase<'a> {
    /// SHA-256 state after the coinbase's first part and the pool's
    /// extranonce.
    prefix: Sha256,
    suffix: Suffix<'a>,
    extranonce_size: usize,
}

impl<'a> Coinbase<'a> {
    /// The coinbase `prefix ‖ pool_extranonce ‖ (gap) ‖ suffix`.
    pub(super) fn new(
        prefix: &[u8],
        pool_extranonce: &[u8],
        suffix: &'a [u8],
        extranonce_size: usize,
    ) -> Self {
        let mut state = Sha256::new();
        state.update(prefix);
        state.update(pool_extranonce);
        Coinbase {
            prefix: state,
            suffix: Suffix::Bytes(suffix),
            extranonce_size,
        }
    }

    /// As [`Coinbase::new`], with the first and last parts as hex that
    /// [`validate_hex`] accepted.
    pub(super) fn from_valid_hex(
        prefix: &str,
        pool_extranonce: &[u8],
        suffix: &'a str,
        extranonce_size: usize,
    ) -> Self {
        let mut state = Sha256::new();
        hash_valid_hex(&mut state, prefix);
        state.update(pool_extranonce);
        Coinbase {
            prefix: state,
            suffix: Suffix::Hex(suffix),
            extranonce_size,
        }
    }

    /// The size of the miner's extranonce.
    pub(super) const fn extranonce_size(&self) -> usize {
        self.extranonce_size
    }

    /// Checks that `extranonce` fills the gap exactly.
    pub(super) fn check(&self, extranonce: &Extranonce2) -> Result<(), Error> {
        if extranonce.len() == self.extranonce_size {
            Ok(())
        } else {
            Err(Error::Length {
                field: Field::Extranonce2,
                expected: self.extranonce_size,
                found: extranonce.len(),
            })
        }
    }

    /// The transaction id with `extranonce` in the gap: SHA-256d of the
    /// whole coinbase, internal byte order.
    pub(super) fn txid(&self, extranonce: &Extranonce2) -> Result<Txid, Error> {
        self.check(extranonce)?;
        let mut hasher = self.prefix.clone();
        hasher.update(extranonce.as_bytes());
        match self.suffix {
            Suffix::Bytes(bytes) => hasher.update(bytes),
            Suffix::Hex(hex) => hash_valid_hex(&mut hasher, hex),
        }
        Ok(hasher.finalize_sha256d().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_hashed_in_chunks_like_the_bytes() {
        // Lengths around the 64-byte decoding chunk and the 64-byte block.
        let bytes: [u8; 300] = core::array::from_fn(|i| (i * 7 + 3) as u8);
        let mut hex = [0u8; 600];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(bytes) {
            pair[0] = b"0123456789abcdef"[usize::from(byte >> 4)];
            pair[1] = b"0123456789abcdef"[usize::from(byte & 15)];
        }
        for len in [0, 1, 63, 64, 65, 127, 128, 129, 300] {
            let text = core::str::from_utf8(&hex[..2 * len]).unwrap();
            assert_eq!(validate_hex(text, Field::Coinb2), Ok(()));
            let mut from_hex = Sha256::new();
            hash_valid_hex(&mut from_hex, text);
            let mut from_bytes = Sha256::new();
            from_bytes.update(&bytes[..len]);
            assert_eq!(from_hex.finalize(), from_bytes.finalize(), "{len} bytes");
        }
    }

    #[test]
    fn hex_validation_reports_the_first_bad_byte() {
        assert_eq!(
            validate_hex("abc", Field::Coinb1),
            Err(Error::Hex {
                field: Field::Coinb1,
                error: crate::Error::OddHexLength
            })
        );
        assert_eq!(
            validate_hex("ab cd ", Field::Coinb1),
            Err(Error::Hex {
                field: Field::Coinb1,
                error: crate::Error::InvalidHexCharacter { index: 2 }
            })
        );
        assert_eq!(validate_hex("", Field::Coinb1), Ok(()));
    }

    #[test]
    fn the_txid_hashes_the_parts_in_order() {
        let coinbase = Coinbase::new(&[1, 2, 3], &[4, 5], &[9; 70], 3);
        let extranonce = Extranonce2::from_bytes(&[6, 7, 8]).unwrap();
        let mut whole = [9u8; 78];
        whole[..8].copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(
            coinbase.txid(&extranonce),
            Ok(Txid::from(crate::sha256d(&whole)))
        );
        assert_eq!(
            coinbase.txid(&Extranonce2::zero(2).unwrap()),
            Err(Error::Length {
                field: Field::Extranonce2,
                expected: 3,
                found: 2
            })
        );
        let suffix: [u8; 140] = core::array::from_fn(|i| if i % 2 == 0 { b'0' } else { b'9' });
        let suffix = core::str::from_utf8(&suffix).unwrap();
        let from_hex = Coinbase::from_valid_hex("010203", &[4, 5], suffix, 3);
        assert_eq!(from_hex.txid(&extranonce), coinbase.txid(&extranonce));
    }
}
