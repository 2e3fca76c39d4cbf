//! The 80-byte block header and block hashes.

use core::fmt;

use crate::hex::{decode_array, decode_to_slice, HexReversed};
use crate::{sha256d, CompactTarget, Error, Midstate, Target};

/// A block hash (or any SHA-256d), in internal byte order: the 32 bytes as
/// SHA-256d outputs them and as headers store them.
///
/// Block explorers and Bitcoin Core display these bytes **reversed**; the
/// [`Display`](fmt::Display) impl and [`BlockHash::from_display_hex`] use
/// that display order, [`BlockHash::from_byte_array`] and
/// [`BlockHash::to_byte_array`] the internal one.
///
/// ```
/// use sha256d::BlockHash;
/// let shown = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
/// let hash = BlockHash::from_display_hex(shown)?;
/// assert_eq!(hash.to_byte_array()[31], 0x00); // the leading zeros are stored last
/// assert_eq!(hash.to_string(), shown);
/// # Ok::<(), sha256d::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct BlockHash([u8; 32]);

impl BlockHash {
    /// From bytes in internal order.
    #[must_use]
    pub const fn from_byte_array(bytes: [u8; 32]) -> Self {
        BlockHash(bytes)
    }

    /// The bytes in internal order.
    #[must_use]
    pub const fn to_byte_array(self) -> [u8; 32] {
        self.0
    }

    /// The bytes in internal order, borrowed.
    #[must_use]
    pub const fn as_byte_array(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses 64 hex digits in display order (byte-reversed).
    ///
    /// # Errors
    /// Bad hex or a length other than 64 digits.
    pub fn from_display_hex(hex: &str) -> Result<Self, Error> {
        let mut bytes: [u8; 32] = decode_array(hex)?;
        bytes.reverse();
        Ok(BlockHash(bytes))
    }

    /// Whether this hash meets `target` (as a little-endian integer, `<=`).
    #[must_use]
    pub fn meets(&self, target: &Target) -> bool {
        target.is_met_by(&self.0)
    }
}

/// Display order: byte-reversed lowercase hex.
impl fmt::Display for BlockHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        HexReversed(&self.0).fmt(f)
    }
}

impl fmt::Debug for BlockHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlockHash({self})")
    }
}

/// An 80-byte Bitcoin block header.
///
/// Hash fields are in internal byte order, integers as values (the wire
/// format stores them little-endian).
///
/// ```
/// use sha256d::BlockHeader;
/// // The genesis block header.
/// let header = BlockHeader::from_hex(concat!(
///     "0100000000000000000000000000000000000000000000000000000000000000",
///     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
///     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
/// ))?;
/// assert_eq!(header.nonce, 2083236893);
/// assert_eq!(
///     header.block_hash().to_string(),
///     "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
/// );
/// # Ok::<(), sha256d::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BlockHeader {
    /// Block version (with BIP 9 signalling bits).
    pub version: i32,
    /// Hash of the previous block, internal byte order.
    pub prev_blockhash: BlockHash,
    /// Merkle root of the block's transactions, internal byte order.
    pub merkle_root: [u8; 32],
    /// Block time, seconds since the Unix epoch.
    pub time: u32,
    /// Compact proof-of-work target.
    pub bits: CompactTarget,
    /// The nonce miners vary.
    pub nonce: u32,
}

/// The serialized length of a header.
pub const HEADER_LEN: usize = 80;

impl BlockHeader {
    /// Parses the 80-byte wire format.
    #[must_use]
    pub fn from_bytes(bytes: &[u8; HEADER_LEN]) -> Self {
        let word = |at: usize| [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
        let mut prev = [0u8; 32];
        prev.copy_from_slice(&bytes[4..36]);
        let mut merkle_root = [0u8; 32];
        merkle_root.copy_from_slice(&bytes[36..68]);
        BlockHeader {
            version: i32::from_le_bytes(word(0)),
            prev_blockhash: BlockHash(prev),
            merkle_root,
            time: u32::from_le_bytes(word(68)),
            bits: CompactTarget::from_consensus(u32::from_le_bytes(word(72))),
            nonce: u32::from_le_bytes(word(76)),
        }
    }

    /// Parses a slice that must be exactly 80 bytes.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] for any other length.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        let array: &[u8; HEADER_LEN] = bytes.try_into().map_err(|_| Error::InvalidLength {
            expected: HEADER_LEN,
            found: bytes.len(),
        })?;
        Ok(Self::from_bytes(array))
    }

    /// Parses 160 hex digits of the wire format (as `getblockheader
    /// <hash> false` prints it).
    ///
    /// # Errors
    /// Bad hex, or a length other than 80 bytes.
    pub fn from_hex(hex: &str) -> Result<Self, Error> {
        let mut bytes = [0u8; HEADER_LEN];
        decode_to_slice(hex, &mut bytes)?;
        Ok(Self::from_bytes(&bytes))
    }

    /// The 80-byte wire format.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[..4].copy_from_slice(&self.version.to_le_bytes());
        out[4..36].copy_from_slice(&self.prev_blockhash.0);
        out[36..68].copy_from_slice(&self.merkle_root);
        out[68..72].copy_from_slice(&self.time.to_le_bytes());
        out[72..76].copy_from_slice(&self.bits.to_consensus().to_le_bytes());
        out[76..80].copy_from_slice(&self.nonce.to_le_bytes());
        out
    }

    /// The block hash: SHA-256d of the 80 bytes.
    #[must_use]
    pub fn block_hash(&self) -> BlockHash {
        BlockHash(sha256d(&self.to_bytes()))
    }

    /// The midstate after the first 64 bytes (everything but the last four
    /// bytes of the Merkle root, the time, bits and nonce).
    #[must_use]
    pub fn midstate(&self) -> Midstate {
        let bytes = self.to_bytes();
        let mut prefix = [0u8; 64];
        prefix.copy_from_slice(&bytes[..64]);
        Midstate::from_prefix(&prefix)
    }

    /// The last 16 bytes: Merkle-root tail, time, bits, nonce.
    #[must_use]
    pub fn tail(&self) -> [u8; 16] {
        let bytes = self.to_bytes();
        let mut tail = [0u8; 16];
        tail.copy_from_slice(&bytes[64..]);
        tail
    }

    /// Whether the header's hash meets its own `bits` target.
    ///
    /// # Errors
    /// As [`CompactTarget::to_target`], if `bits` is not a valid target.
    pub fn meets_own_target(&self) -> Result<bool, Error> {
        Ok(self.block_hash().meets(&self.bits.to_target()?))
    }
}
