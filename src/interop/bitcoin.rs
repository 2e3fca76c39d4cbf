//! Conversions with the [`bitcoin`](https://docs.rs/bitcoin/0.32) crate
//! (0.32): `From` both ways for the header, the hash types, `CompactTarget`
//! and `Target`. Every conversion keeps the bytes as they are: both crates
//! store hashes in internal byte order and display them reversed.
//!
//! ```
//! let header: sha256d::BlockHeader = concat!(
//!     "0100000000000000000000000000000000000000000000000000000000000000",
//!     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
//!     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
//! ).parse()?;
//! let theirs = bitcoin::block::Header::from(header);
//! assert_eq!(sha256d::BlockHash::from(theirs.block_hash()), header.block_hash());
//! assert_eq!(sha256d::BlockHeader::from(theirs), header);
//! # Ok::<(), sha256d::Error>(())
//! ```

use bitcoin::hashes::Hash as _;

use crate::{
    BlockHash, BlockHeader, CompactTarget, Sha256Hash, Sha256dHash, Target, TxMerkleNode, Txid,
};

/// `From` both ways between one of the crate's hash types and the
/// `bitcoin` crate's type of the same meaning.
macro_rules! hash_conversions {
    ($($ours:ident <=> $theirs:ty),* $(,)?) => {$(
        #[cfg_attr(docsrs, doc(cfg(feature = "bitcoin")))]
        impl From<$theirs> for $ours {
            fn from(hash: $theirs) -> Self {
                $ours::from_byte_array(hash.to_byte_array())
            }
        }

        #[cfg_attr(docsrs, doc(cfg(feature = "bitcoin")))]
        impl From<$ours> for $theirs {
            fn from(hash: $ours) -> Self {
                <$theirs>::from_byte_array(hash.to_byte_array())
            }
        }
    )*};
}

hash_conversions! {
    BlockHash <=> bitcoin::BlockHash,
    TxMerkleNode <=> bitcoin::TxMerkleNode,
    Txid <=> bitcoin::Txid,
    Sha256dHash <=> bitcoin::hashes::sha256d::Hash,
    Sha256Hash <=> bitcoin::hashes::sha256::Hash,
}

#[cfg_attr(docsrs, doc(cfg(feature = "bitcoin")))]
impl From<bitcoin::block::Header> for BlockHeader {
    fn from(header: bitcoin::block::Header) -> Self {
        BlockHeader {
            version: header.version.to_consensus(),
            prev_blockhash: header.prev_blockhash.into(),
            merkle_root: header.merkle_root.into(),
            time: header.time,
            bits: header.bits.into(),
            nonce: header.nonce,
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "bitcoin")))]
impl From<BlockHeader> for bitcoin::block::Header {
    fn from(header: BlockHeader) -> Self {
        bitcoin::block::Header {
            version: bitcoin::block::Version::from_consensus(header.version),
            prev_blockhash: header.prev_blockhash.into(),
            merkle_root: header.merkle_root.into(),
            time: header.time,
            bits: header.bits.into(),
            nonce: header.nonce,
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "bitcoin")))]
impl From<bitcoin::CompactTarget> for CompactTarget {
    fn from(bits: bitcoin::CompactTarget) -> Self {
        CompactTarget::from_consensus(bits.to_consensus())
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "bitcoin")))]
impl From<CompactTarget> for bitcoin::CompactTarget {
    fn from(bits: CompactTarget) -> Self {
        bitcoin::CompactTarget::from_consensus(bits.to_consensus())
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "bitcoin")))]
impl From<bitcoin::Target> for Target {
    fn from(target: bitcoin::Target) -> Self {
        Target::from_le_bytes(target.to_le_bytes())
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "bitcoin")))]
impl From<Target> for bitcoin::Target {
    fn from(target: Target) -> Self {
        bitcoin::Target::from_le_bytes(target.to_le_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_agree_with_the_bitcoin_crate() {
        for bits in [0x1d00ffff, 0x1703a30c, 0x207fffff, 0x1b0404cb] {
            let ours = CompactTarget::from_consensus(bits).to_target().unwrap();
            let theirs =
                bitcoin::Target::from_compact(bitcoin::CompactTarget::from_consensus(bits));
            assert_eq!(Target::from(theirs), ours);
            assert_eq!(bitcoin::Target::from(ours), theirs);
            assert_eq!(
                CompactTarget::from(theirs.to_compact_lossy()),
                ours.to_compact()
            );
        }
    }

    #[test]
    fn hashes_keep_their_bytes_and_display() {
        let digest = crate::sha256(b"abc");
        let theirs = bitcoin::hashes::sha256::Hash::from(digest);
        extern crate std;
        use std::string::ToString;
        assert_eq!(theirs.to_string(), digest.to_string());
        let double = crate::sha256d(b"abc");
        let theirs = bitcoin::Txid::from(Txid::from(double));
        assert_eq!(theirs.to_string(), Txid::from(double).to_string());
        assert_eq!(Sha256dHash::from(Txid::from(theirs)), double);
    }
}
