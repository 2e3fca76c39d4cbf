//! `serde` support: hex strings for human-readable formats (JSON, TOML,
//! YAML), compact binary otherwise (CBOR, bincode, postcard), decided by
//! `Serializer::is_human_readable`. No allocation either way.
//!
//! | type | human-readable | binary |
//! |---|---|---|
//! | hash types ([`Sha256Hash`], [`Sha256dHash`], [`BlockHash`], [`Txid`], [`TxMerkleNode`]) | 64 hex digits in display order (`Display`) | 32 bytes, internal order |
//! | [`Target`] | 64 hex digits, big-endian (`Display`) | 32 bytes, little-endian |
//! | [`CompactTarget`] | 8 hex digits, `"1d00ffff"` (a number is accepted too) | `u32` |
//! | [`BlockHeader`] | 160 hex digits of the wire format | the 80 wire bytes |
//!
//! ```
//! use sha256d::BlockHash;
//! let hash: BlockHash = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f".parse()?;
//! let json = serde_json::to_string(&hash).unwrap();
//! assert_eq!(json, format!("\"{hash}\""));
//! assert_eq!(serde_json::from_str::<BlockHash>(&json).unwrap(), hash);
//! # Ok::<(), sha256d::Error>(())
//! ```

use core::fmt;
use core::marker::PhantomData;
use core::str::FromStr;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)]
use crate::{
    BlockHash, BlockHeader, CompactTarget, HEADER_LEN, Sha256Hash, Sha256dHash, Target,
    TxMerkleNode, Txid,
};

/// Accepts a string (parsed with `FromStr`) or `N` bytes (given to `from`)
/// for `T`, as a byte string or a sequence of `u8`.
struct TextOrBytes<T, const N: usize> {
    expecting: &'static str,
    from_bytes: fn([u8; N]) -> T,
    _marker: PhantomData<T>,
}

impl<T, const N: usize> TextOrBytes<T, N> {
    const fn new(expecting: &'static str, from_bytes: fn([u8; N]) -> T) -> Self {
        TextOrBytes {
            expecting,
            from_bytes,
            _marker: PhantomData,
        }
    }
}

impl<'de, T, const N: usize> Visitor<'de> for TextOrBytes<T, N>
where
    T: FromStr<Err = crate::Error>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<T, E> {
        let bytes: [u8; N] = v
            .try_into()
            .map_err(|_| E::invalid_length(v.len(), &self))?;
        Ok((self.from_bytes)(bytes))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        let mut bytes = [0u8; N];
        for (i, slot) in bytes.iter_mut().enumerate() {
            *slot = seq
                .next_element()?
                .ok_or_else(|| de::Error::invalid_length(i, &self))?;
        }
        if seq.next_element::<u8>()?.is_some() {
            return Err(de::Error::invalid_length(N + 1, &self));
        }
        Ok((self.from_bytes)(bytes))
    }
}

macro_rules! serde_hash {
    ($name:ident) => {
        /// Hex in display order for human-readable formats, the 32 bytes in
        /// internal order otherwise.
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                if serializer.is_human_readable() {
                    serializer.collect_str(self)
                } else {
                    serializer.serialize_bytes(self.as_byte_array())
                }
            }
        }

        /// The inverse of the `Serialize` impl.
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let visitor = TextOrBytes::new(
                    concat!("a ", stringify!($name), " as 64 hex digits or 32 bytes"),
                    $name::from_byte_array,
                );
                if deserializer.is_human_readable() {
                    deserializer.deserialize_str(visitor)
                } else {
                    deserializer.deserialize_bytes(visitor)
                }
            }
        }
    };
}

crate::hash::for_each_hash_type!(serde_hash);

/// Big-endian hex for human-readable formats, 32 little-endian bytes
/// otherwise.
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl Serialize for Target {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(self)
        } else {
            serializer.serialize_bytes(&self.to_le_bytes())
        }
    }
}

/// The inverse of the `Serialize` impl.
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let visitor = TextOrBytes::new(
            "a target as 64 big-endian hex digits or 32 little-endian bytes",
            Target::from_le_bytes,
        );
        if deserializer.is_human_readable() {
            deserializer.deserialize_str(visitor)
        } else {
            deserializer.deserialize_bytes(visitor)
        }
    }
}

/// The 160 hex digits of the wire format for human-readable formats, the 80
/// wire bytes otherwise.
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl Serialize for BlockHeader {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(self)
        } else {
            serializer.serialize_bytes(&self.to_bytes())
        }
    }
}

/// The inverse of the `Serialize` impl.
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de> Deserialize<'de> for BlockHeader {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let visitor = TextOrBytes::<_, HEADER_LEN>::new(
            "a block header as 160 hex digits or 80 bytes",
            |bytes| BlockHeader::from_bytes(&bytes),
        );
        if deserializer.is_human_readable() {
            deserializer.deserialize_str(visitor)
        } else {
            deserializer.deserialize_bytes(visitor)
        }
    }
}

/// Eight hex digits (`"1d00ffff"`) for human-readable formats, the `u32`
/// otherwise.
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl Serialize for CompactTarget {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(&format_args!("{self:08x}"))
        } else {
            serializer.serialize_u32(self.to_consensus())
        }
    }
}

/// Accepts the hex string of the `Serialize` impl (with or without `0x`) or
/// an integer.
struct CompactVisitor;

impl Visitor<'_> for CompactVisitor {
    type Value = CompactTarget;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("nBits as 8 hex digits or a 32-bit integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<CompactTarget, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<CompactTarget, E> {
        u32::try_from(v)
            .map(CompactTarget::from_consensus)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<CompactTarget, E> {
        u32::try_from(v)
            .map(CompactTarget::from_consensus)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }
}

/// The inverse of the `Serialize` impl.
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de> Deserialize<'de> for CompactTarget {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            deserializer.deserialize_any(CompactVisitor)
        } else {
            deserializer.deserialize_u32(CompactVisitor)
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;
    use std::string::ToString;
    use std::vec::Vec;

    use super::*;

    fn cbor<T: Serialize + for<'de> Deserialize<'de>>(value: &T) -> (Vec<u8>, T) {
        let mut bytes = Vec::new();
        ciborium::into_writer(value, &mut bytes).unwrap();
        let back = ciborium::from_reader(bytes.as_slice()).unwrap();
        (bytes, back)
    }

    const GENESIS: &str = concat!(
        "0100000000000000000000000000000000000000000000000000000000000000",
        "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
        "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    );

    #[test]
    fn json_uses_display_strings() {
        let header: BlockHeader = GENESIS.parse().unwrap();
        let json = serde_json::to_string(&header).unwrap();
        assert_eq!(json, format!("\"{GENESIS}\""));
        assert_eq!(serde_json::from_str::<BlockHeader>(&json).unwrap(), header);

        let hash = header.block_hash();
        let json = serde_json::to_string(&hash).unwrap();
        assert_eq!(json, format!("\"{hash}\""));
        assert_eq!(serde_json::from_str::<BlockHash>(&json).unwrap(), hash);

        let digest = crate::sha256(b"abc");
        let json = serde_json::to_string(&digest).unwrap();
        assert!(json.starts_with("\"ba7816bf"));
        assert_eq!(serde_json::from_str::<Sha256Hash>(&json).unwrap(), digest);

        let target = header.bits.to_target().unwrap();
        let json = serde_json::to_string(&target).unwrap();
        assert_eq!(json, format!("\"{target}\""));
        assert_eq!(serde_json::from_str::<Target>(&json).unwrap(), target);

        assert_eq!(serde_json::to_string(&header.bits).unwrap(), "\"1d00ffff\"");
        for text in ["\"1d00ffff\"", "\"0x1d00ffff\"", "486604799"] {
            assert_eq!(
                serde_json::from_str::<CompactTarget>(text).unwrap(),
                header.bits
            );
        }
        assert!(serde_json::from_str::<CompactTarget>("4294967296").is_err());
        assert!(serde_json::from_str::<BlockHash>("\"00\"").is_err());
    }

    #[test]
    fn binary_formats_use_bytes() {
        let header: BlockHeader = GENESIS.parse().unwrap();
        let (bytes, back) = cbor(&header);
        assert_eq!(back, header);
        // CBOR: a byte string of 80 (0x58 0x50), then the wire bytes.
        assert_eq!(bytes[..2], [0x58, 80]);
        assert_eq!(bytes[2..], header.to_bytes());

        let hash = header.block_hash();
        let (bytes, back) = cbor(&hash);
        assert_eq!(back, hash);
        assert_eq!(bytes[2..], hash.to_byte_array());

        let merkle = header.merkle_root;
        assert_eq!(cbor(&merkle).1, merkle);
        let txid = Txid::from(merkle.to_byte_array());
        assert_eq!(cbor(&txid).1, txid);
        let double = Sha256dHash::from(txid);
        assert_eq!(cbor(&double).1, double);

        let target = header.bits.to_target().unwrap();
        let (bytes, back) = cbor(&target);
        assert_eq!(back, target);
        assert_eq!(bytes[2..], target.to_le_bytes());

        let (bytes, back) = cbor(&header.bits);
        assert_eq!(back, header.bits);
        // CBOR: an unsigned integer in four bytes (0x1a).
        assert_eq!(bytes, [0x1a, 0x1d, 0x00, 0xff, 0xff]);
        assert_eq!(header.bits.to_string(), "0x1d00ffff");
    }
}
