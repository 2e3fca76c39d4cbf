//! The crate's hash types: one small family of 32-byte newtypes instead of
//! bare arrays.
//!
//! | type | produced by | displayed |
//! |---|---|---|
//! | [`Sha256Hash`] | [`sha256`](crate::sha256), [`Sha256::finalize`](crate::Sha256::finalize) | in byte order, as `sha256sum` prints it |
//! | [`Sha256dHash`] | [`sha256d`](crate::sha256d), [`Sha256::finalize_sha256d`](crate::Sha256::finalize_sha256d) | byte-reversed |
//! | [`BlockHash`] | [`BlockHeader::block_hash`](crate::BlockHeader::block_hash), searches | byte-reversed |
//! | [`Txid`] | transaction ids, the leaves of Merkle trees | byte-reversed |
//! | [`TxMerkleNode`] | Merkle roots and branches, [`BlockHeader::merkle_root`](crate::BlockHeader::merkle_root) | byte-reversed |
//!
//! All of them hold the 32 bytes in *internal* order, the order SHA-256
//! outputs them and headers store them. Bitcoin Core and block explorers
//! display the SHA-256d types with the bytes reversed, so `Display`,
//! `LowerHex`, `UpperHex`, `FromStr` and `from_display_hex` use that
//! order for the four reversed types (the same convention as the
//! `bitcoin_hashes` crate), while `from_byte_array`, `to_byte_array`,
//! `AsRef`, `Borrow`, `From` and indexing use the internal order.
//!
//! Every type converts from and to `[u8; 32]` (`From`, `TryFrom<&[u8]>`,
//! `AsRef`, `Borrow`), compares equal to a `[u8; 32]` or `[u8]` with the
//! same bytes in either direction, and [`Sha256dHash`] converts from and to each of the
//! three Bitcoin types.
//!
//! `Ord` compares the internal bytes lexicographically, like `[u8; 32]`
//! (so a map keyed by a hash type can be searched with a `&[u8; 32]`
//! through `Borrow`). That is not the numeric order of a reversed hash; to
//! compare block hashes as the numbers proof of work uses, compare
//! `Target::from_le_bytes(hash.to_byte_array())` values, or use
//! [`BlockHash::meets`].
//!
//! `==` (like `Ord` and `Hash`) is not constant-time: it may stop at the
//! first byte that differs, so its running time can tell an attacker how
//! much of a hash they guessed. These are public values in Bitcoin (block
//! hashes, txids); to compare a secret-dependent digest, such as a MAC
//! tag, use a constant-time comparison (for example `hmac::Mac::verify`
//! with the `digest` feature, or the `subtle` crate).
//!
//! ```
//! use sha256d::{BlockHash, Sha256Hash, Sha256dHash};
//!
//! let digest: Sha256Hash = sha256d::sha256(b"abc");
//! assert_eq!(&digest.to_string()[..8], "ba7816bf"); // byte order
//! let double: Sha256dHash = sha256d::sha256d(b"abc");
//! let block = BlockHash::from(double);
//! assert_eq!(block, double.to_byte_array()); // same bytes
//! let shown: BlockHash = block.to_string().parse()?; // display order round trip
//! assert_eq!(shown, block);
//! # Ok::<(), sha256d::Error>(())
//! ```

use core::borrow::Borrow;
use core::fmt;
use core::ops::Index;
use core::slice::SliceIndex;
use core::str::FromStr;

use crate::{Error, Target};

/// Defines one hash newtype with its methods and trait impls.
macro_rules! hash_type {
    (
        $(#[$attr:meta])*
        $name:ident, reversed: $reversed:literal, example: $example:literal
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        #[repr(transparent)]
        pub struct $name([u8; 32]);

        impl $name {
            /// Whether the type displays its bytes reversed.
            const REVERSED: bool = $reversed;

            /// Thirty-two zero bytes (the `prev_blockhash` of the genesis
            /// block, for instance).
            ///
            /// ```
            #[doc = concat!("assert_eq!(sha256d::", stringify!($name), "::ALL_ZEROS, [0u8; 32]);")]
            /// ```
            pub const ALL_ZEROS: Self = $name([0; 32]);

            /// From bytes in internal order.
            ///
            /// ```
            #[doc = concat!("let hash = sha256d::", stringify!($name), "::from_byte_array([7; 32]);")]
            /// assert_eq!(hash.to_byte_array(), [7; 32]);
            /// ```
            #[must_use]
            pub const fn from_byte_array(bytes: [u8; 32]) -> Self {
                $name(bytes)
            }

            /// The bytes in internal order.
            ///
            /// ```
            #[doc = concat!("let hash = sha256d::", stringify!($name), "::from_byte_array([7; 32]);")]
            /// assert_eq!(hash.to_byte_array()[0], 7);
            /// ```
            #[must_use]
            pub const fn to_byte_array(self) -> [u8; 32] {
                self.0
            }

            /// The bytes in internal order, borrowed.
            ///
            /// ```
            #[doc = concat!("let hash = sha256d::", stringify!($name), "::from_byte_array([7; 32]);")]
            /// assert_eq!(hash.as_byte_array(), &[7; 32]);
            /// ```
            #[must_use]
            pub const fn as_byte_array(&self) -> &[u8; 32] {
                &self.0
            }

            /// The bytes in internal order as a slice.
            ///
            /// ```
            #[doc = concat!("let hash = sha256d::", stringify!($name), "::from_byte_array([7; 32]);")]
            /// assert_eq!(hash.as_slice().len(), 32);
            /// ```
            #[must_use]
            pub const fn as_slice(&self) -> &[u8] {
                &self.0
            }

            /// From a slice of exactly 32 bytes in internal order.
            ///
            /// ```
            #[doc = concat!("use sha256d::{", stringify!($name), ", Error};")]
            #[doc = concat!("assert!(", stringify!($name), "::from_slice(&[0; 32]).is_ok());")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::from_slice(&[0; 31]), Err(Error::InvalidLength { expected: 32, found: 31 }));")]
            /// ```
            ///
            /// # Errors
            /// [`Error::InvalidLength`] for any other length.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
                let array: [u8; 32] = bytes.try_into().map_err(|_| Error::InvalidLength {
                    expected: 32,
                    found: bytes.len(),
                })?;
                Ok($name(array))
            }

            /// Parses 64 hex digits in display order (the order `Display`
            /// writes; see the type's documentation). The same as
            /// `str::parse`.
            ///
            /// ```
            #[doc = concat!("let hash = sha256d::", stringify!($name), "::from_display_hex(\"", $example, "\")?;")]
            #[doc = concat!("assert_eq!(hash.to_string(), \"", $example, "\");")]
            /// # Ok::<(), sha256d::Error>(())
            /// ```
            ///
            /// # Errors
            /// Bad hex or a length other than 64 digits.
            pub fn from_display_hex(hex: &str) -> Result<Self, Error> {
                let mut bytes: [u8; 32] = crate::hex::decode_array(hex)?;
                if Self::REVERSED {
                    bytes.reverse();
                }
                Ok($name(bytes))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                crate::hex::format(&self.0, Self::REVERSED, false, f)
            }
        }

        /// The same digits as `Display`; `{:#x}` adds `0x`.
        impl fmt::LowerHex for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                crate::hex::format(&self.0, Self::REVERSED, false, f)
            }
        }

        /// `Display`'s digits in uppercase.
        impl fmt::UpperHex for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                crate::hex::format(&self.0, Self::REVERSED, true, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        /// Parses 64 hex digits in display order, as
        #[doc = concat!("[`", stringify!($name), "::from_display_hex`].")]
        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Self::from_display_hex(s)
            }
        }

        impl From<[u8; 32]> for $name {
            fn from(bytes: [u8; 32]) -> Self {
                $name(bytes)
            }
        }

        impl From<&[u8; 32]> for $name {
            fn from(bytes: &[u8; 32]) -> Self {
                $name(*bytes)
            }
        }

        impl From<$name> for [u8; 32] {
            fn from(hash: $name) -> [u8; 32] {
                hash.0
            }
        }

        impl TryFrom<&[u8]> for $name {
            type Error = Error;
            fn try_from(bytes: &[u8]) -> Result<Self, Error> {
                Self::from_slice(bytes)
            }
        }

        impl AsRef<[u8; 32]> for $name {
            fn as_ref(&self) -> &[u8; 32] {
                &self.0
            }
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }

        impl Borrow<[u8; 32]> for $name {
            fn borrow(&self) -> &[u8; 32] {
                &self.0
            }
        }

        impl Borrow<[u8]> for $name {
            fn borrow(&self) -> &[u8] {
                &self.0
            }
        }

        impl PartialEq<[u8; 32]> for $name {
            fn eq(&self, other: &[u8; 32]) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<$name> for [u8; 32] {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<[u8]> for $name {
            fn eq(&self, other: &[u8]) -> bool {
                self.0[..] == *other
            }
        }

        impl PartialEq<$name> for [u8] {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0[..]
            }
        }

        /// Indexes the bytes in internal order, like `[u8; 32]`.
        impl<I: SliceIndex<[u8]>> Index<I> for $name {
            type Output = I::Output;
            fn index(&self, index: I) -> &I::Output {
                &self.0[index]
            }
        }
    };
}

/// Conversions between [`Sha256dHash`] and a Bitcoin-specific SHA-256d type.
macro_rules! sha256d_conversions {
    ($($name:ident),*) => {$(
        impl From<Sha256dHash> for $name {
            fn from(hash: Sha256dHash) -> Self {
                $name(hash.0)
            }
        }

        impl From<$name> for Sha256dHash {
            fn from(hash: $name) -> Self {
                Sha256dHash(hash.0)
            }
        }
    )*};
}

/// Calls `$m!(Type)` for every hash type of the family (for the impls of the
/// optional features).
#[allow(unused_macros)]
macro_rules! for_each_hash_type {
    ($m:ident) => {
        $m!(Sha256Hash);
        $m!(Sha256dHash);
        $m!(BlockHash);
        $m!(Txid);
        $m!(TxMerkleNode);
    };
}
#[allow(unused_imports)]
pub(crate) use for_each_hash_type;

hash_type! {
    /// A SHA-256 digest, displayed in byte order (as `sha256sum` and the
    /// `sha2` crate print it).
    ///
    /// ```
    /// use sha256d::Sha256Hash;
    /// let digest = Sha256Hash::hash(b"abc");
    /// assert_eq!(
    ///     format!("{digest:x}"),
    ///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    /// );
    /// assert_eq!(digest[..4], [0xba, 0x78, 0x16, 0xbf]);
    /// ```
    Sha256Hash,
    reversed: false,
    example: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
}

hash_type! {
    /// A SHA-256d digest (SHA-256 applied twice), in internal byte order,
    /// displayed byte-reversed as Bitcoin displays double-SHA-256 hashes.
    ///
    /// Converts from and to [`BlockHash`], [`Txid`] and [`TxMerkleNode`].
    ///
    /// ```
    /// use sha256d::{Sha256dHash, Txid};
    /// let hash = Sha256dHash::hash(b"");
    /// assert_eq!(hash[..4], [0x5d, 0xf6, 0xe0, 0xe2]); // internal order
    /// assert!(hash.to_string().ends_with("e2e0f65d")); // displayed reversed
    /// let txid = Txid::from(hash);
    /// assert_eq!(Sha256dHash::from(txid), hash);
    /// ```
    Sha256dHash,
    reversed: true,
    example: "56944c5d3f98413ef45cf54545538103cc9f298e0575820ad3591376e2e0f65d"
}

hash_type! {
    /// A block hash: SHA-256d of an 80-byte header, in internal byte order
    /// (as SHA-256d outputs it and as headers store it).
    ///
    /// Block explorers and Bitcoin Core display these bytes **reversed**;
    /// `Display`, `FromStr` and [`BlockHash::from_display_hex`] use that
    /// display order, [`BlockHash::from_byte_array`] and
    /// [`BlockHash::to_byte_array`] the internal one.
    ///
    /// ```
    /// use sha256d::BlockHash;
    /// let shown = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
    /// let hash: BlockHash = shown.parse()?;
    /// assert_eq!(hash.to_byte_array()[31], 0x00); // the leading zeros are stored last
    /// assert_eq!(hash.to_string(), shown);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    BlockHash,
    reversed: true,
    example: "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
}

hash_type! {
    /// A transaction id: SHA-256d of a transaction's serialization without
    /// witness data, in internal byte order, displayed byte-reversed (as
    /// `bitcoin-cli` and explorers show txids). The leaves of a block's
    /// Merkle tree.
    ///
    /// ```
    /// use sha256d::Txid;
    /// // The genesis block's only transaction.
    /// let txid: Txid = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b".parse()?;
    /// assert_eq!(txid[0], 0x3b);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    Txid,
    reversed: true,
    example: "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
}

hash_type! {
    /// A node of a transaction Merkle tree: a root, an inner node or a
    /// branch hash, in internal byte order, displayed byte-reversed (as
    /// `getblockheader` shows `merkleroot`).
    ///
    /// ```
    /// use sha256d::{merkle, TxMerkleNode};
    /// let mut leaves = [[1u8; 32], [2; 32]];
    /// let root: TxMerkleNode = merkle::root_in_place(&mut leaves).expect("not empty").root;
    /// let mut pair = [1u8; 64];
    /// pair[32..].fill(2);
    /// assert_eq!(root, sha256d::sha256d(&pair).to_byte_array());
    /// ```
    TxMerkleNode,
    reversed: true,
    example: "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
}

sha256d_conversions!(BlockHash, Txid, TxMerkleNode);

impl Sha256Hash {
    /// SHA-256 of `data` (the same as [`sha256`](crate::sha256)).
    ///
    /// ```
    /// assert_eq!(sha256d::Sha256Hash::hash(b"abc"), sha256d::sha256(b"abc"));
    /// ```
    #[must_use]
    pub fn hash(data: &[u8]) -> Self {
        crate::sha256(data)
    }
}

impl Sha256dHash {
    /// SHA-256d of `data` (the same as [`sha256d`](crate::sha256d)).
    ///
    /// ```
    /// assert_eq!(sha256d::Sha256dHash::hash(b"abc"), sha256d::sha256d(b"abc"));
    /// ```
    #[must_use]
    pub fn hash(data: &[u8]) -> Self {
        crate::sha256d(data)
    }
}

impl BlockHash {
    /// Whether this hash meets `target`: read as a little-endian 256-bit
    /// integer, it is `<=` the target.
    ///
    /// ```
    /// use sha256d::{BlockHash, Target};
    /// let hash = BlockHash::from_byte_array([0; 32]);
    /// assert!(hash.meets(&Target::ZERO));
    /// assert!(!BlockHash::from_byte_array([1; 32]).meets(&Target::ZERO));
    /// ```
    #[must_use]
    pub fn meets(&self, target: &Target) -> bool {
        target.is_met_by(&self.0)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::collections::{BTreeSet, HashSet};
    use std::format;
    use std::string::ToString;

    use super::*;

    #[test]
    fn display_orders_and_formatting_flags() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0xab;
        bytes[31] = 0x01;
        let forward = Sha256Hash::from(bytes);
        let backward = BlockHash::from(bytes);
        assert!(forward.to_string().starts_with("ab00"));
        assert!(forward.to_string().ends_with("0001"));
        assert!(backward.to_string().starts_with("0100"));
        assert!(backward.to_string().ends_with("00ab"));
        assert_eq!(format!("{backward:x}"), backward.to_string());
        assert_eq!(format!("{backward:X}"), backward.to_string().to_uppercase());
        assert_eq!(format!("{backward:#x}"), format!("0x{backward}"));
        assert_eq!(format!("{backward:>70}"), format!("      {backward}"));
        assert_eq!(format!("{backward:?}"), format!("BlockHash({backward})"));
    }

    #[test]
    fn parse_round_trips_in_display_order() {
        for bytes in [[0u8; 32], [0xff; 32], core::array::from_fn(|i| i as u8)] {
            let a = Txid::from(bytes);
            assert_eq!(a.to_string().parse::<Txid>(), Ok(a));
            let b = Sha256Hash::from(bytes);
            assert_eq!(b.to_string().parse::<Sha256Hash>(), Ok(b));
            assert_eq!(format!("{b:X}").parse::<Sha256Hash>(), Ok(b));
        }
        assert_eq!(
            "00".parse::<BlockHash>(),
            Err(Error::InvalidLength {
                expected: 32,
                found: 1
            })
        );
        assert_eq!(
            "g".repeat(64).parse::<BlockHash>(),
            Err(Error::InvalidHexCharacter { index: 0 })
        );
    }

    #[test]
    fn conversions_and_comparisons_with_arrays() {
        let bytes = [9u8; 32];
        let hash = TxMerkleNode::from(bytes);
        assert_eq!(hash, bytes);
        assert_eq!(bytes, hash);
        assert_eq!(<[u8; 32]>::from(hash), bytes);
        let slice: &[u8] = hash.as_ref();
        assert_eq!(TxMerkleNode::try_from(slice), Ok(hash));
        assert!(TxMerkleNode::try_from(&slice[1..]).is_err());
        let set: HashSet<TxMerkleNode> = [hash].into_iter().collect();
        assert!(set.contains(&bytes));
        let ordered: BTreeSet<TxMerkleNode> = [hash, TxMerkleNode::ALL_ZEROS].into_iter().collect();
        assert!(ordered.contains(&bytes));
        assert_eq!(ordered.first(), Some(&TxMerkleNode::default()));
        let double = Sha256dHash::from(hash);
        assert_eq!(BlockHash::from(double), bytes);
    }
}
