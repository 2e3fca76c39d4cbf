//! The 80-byte block header.

use core::fmt;
use core::str::FromStr;

use crate::hex::decode_to_slice;
use crate::{BlockHash, CompactTarget, Error, Midstate, TxMerkleNode, sha256d};

/// An 80-byte Bitcoin block header.
///
/// Hash fields are in internal byte order, integers as values (the wire
/// format stores them little-endian).
///
/// As text (`Display`, `LowerHex`, `UpperHex`, `FromStr`) a header is the
/// 160 hex digits of its 80-byte wire format, in wire order, as Bitcoin
/// Core's `getblockheader <hash> false` prints it; the hash fields inside
/// are therefore *not* reversed. `From<[u8; 80]>`, `TryFrom<&[u8]>` and
/// `From<BlockHeader> for [u8; 80]` convert from and to the wire format.
/// `Default` is the all-zero header. `Ord` compares the fields in
/// declaration order (version, previous hash, Merkle root, time, bits,
/// nonce), as the `bitcoin` crate's `block::Header` does; it is not the
/// order of a chain.
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlockHeader {
    /// Block version (with BIP 9 signalling bits).
    pub version: i32,
    /// Hash of the previous block, internal byte order.
    pub prev_blockhash: BlockHash,
    /// Merkle root of the block's transactions, internal byte order.
    pub merkle_root: TxMerkleNode,
    /// Block time, seconds since the Unix epoch.
    pub time: u32,
    /// Compact proof-of-work target.
    pub bits: CompactTarget,
    /// The nonce miners vary.
    pub nonce: u32,
}

/// The serialized length of a header.
///
/// ```
/// assert_eq!(sha256d::BlockHeader::default().to_bytes().len(), sha256d::HEADER_LEN);
/// ```
pub const HEADER_LEN: usize = 80;

/// Four bytes of `bytes` from `at`.
const fn word(bytes: &[u8; HEADER_LEN], at: usize) -> [u8; 4] {
    [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]
}

/// 32 bytes of `bytes` from `at`.
const fn bytes32(bytes: &[u8; HEADER_LEN], at: usize) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = bytes[at + i];
        i += 1;
    }
    out
}

/// Copies `from` into `out` at `at`.
const fn put(out: &mut [u8; HEADER_LEN], at: usize, from: &[u8]) {
    let mut i = 0;
    while i < from.len() {
        out[at + i] = from[i];
        i += 1;
    }
}

impl BlockHeader {
    /// Parses the 80-byte wire format. A `const fn`, so a header can be a
    /// constant.
    ///
    /// ```
    /// use sha256d::BlockHeader;
    /// const HEADER: BlockHeader = BlockHeader::from_bytes(&[0; 80]);
    /// assert_eq!(HEADER, BlockHeader::default());
    /// ```
    #[must_use]
    pub const fn from_bytes(bytes: &[u8; HEADER_LEN]) -> Self {
        BlockHeader {
            version: i32::from_le_bytes(word(bytes, 0)),
            prev_blockhash: BlockHash::from_byte_array(bytes32(bytes, 4)),
            merkle_root: TxMerkleNode::from_byte_array(bytes32(bytes, 36)),
            time: u32::from_le_bytes(word(bytes, 68)),
            bits: CompactTarget::from_consensus(u32::from_le_bytes(word(bytes, 72))),
            nonce: u32::from_le_bytes(word(bytes, 76)),
        }
    }

    /// Parses a slice that must be exactly 80 bytes (also available as
    /// `TryFrom<&[u8]>`).
    ///
    /// ```
    /// use sha256d::{BlockHeader, Error};
    /// assert!(BlockHeader::from_slice(&[0; 80]).is_ok());
    /// assert_eq!(
    ///     BlockHeader::from_slice(&[0; 81]),
    ///     Err(Error::InvalidLength { expected: 80, found: 81 }),
    /// );
    /// ```
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
    /// <hash> false` prints it); `str::parse` does the same.
    ///
    /// ```
    /// use sha256d::BlockHeader;
    /// let hex = "01000000".to_string() + &"00".repeat(76);
    /// let header = BlockHeader::from_hex(&hex)?;
    /// assert_eq!(header.version, 1);
    /// assert_eq!(header.to_string(), hex);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// Bad hex, or a length other than 80 bytes.
    pub fn from_hex(hex: &str) -> Result<Self, Error> {
        let mut bytes = [0u8; HEADER_LEN];
        decode_to_slice(hex, &mut bytes)?;
        Ok(Self::from_bytes(&bytes))
    }

    /// The 80-byte wire format (a `const fn`).
    ///
    /// ```
    /// use sha256d::BlockHeader;
    /// let header = BlockHeader { nonce: 0x01020304, ..BlockHeader::default() };
    /// assert_eq!(header.to_bytes()[76..], [4, 3, 2, 1]);
    /// assert_eq!(BlockHeader::from_bytes(&header.to_bytes()), header);
    /// ```
    #[must_use]
    pub const fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        put(&mut out, 0, &self.version.to_le_bytes());
        put(&mut out, 4, self.prev_blockhash.as_byte_array());
        put(&mut out, 36, self.merkle_root.as_byte_array());
        put(&mut out, 68, &self.time.to_le_bytes());
        put(&mut out, 72, &self.bits.to_consensus().to_le_bytes());
        put(&mut out, 76, &self.nonce.to_le_bytes());
        out
    }

    /// The block hash: SHA-256d of the 80 bytes.
    ///
    /// ```
    /// use sha256d::BlockHeader;
    /// let header = BlockHeader::default();
    /// assert_eq!(header.block_hash(), sha256d::sha256d(&[0; 80]).to_byte_array());
    /// ```
    #[must_use]
    pub fn block_hash(&self) -> BlockHash {
        BlockHash::from(sha256d(&self.to_bytes()))
    }

    /// The midstate after the first 64 bytes (everything but the last four
    /// bytes of the Merkle root, the time, bits and nonce).
    ///
    /// ```
    /// use sha256d::BlockHeader;
    /// let header = BlockHeader::default();
    /// let midstate = header.midstate();
    /// assert_eq!(midstate.finish_sha256d(&header.tail()), header.block_hash().to_byte_array());
    /// ```
    #[must_use]
    pub fn midstate(&self) -> Midstate {
        let bytes = self.to_bytes();
        let mut prefix = [0u8; 64];
        prefix.copy_from_slice(&bytes[..64]);
        Midstate::from_prefix(&prefix)
    }

    /// The last 16 bytes: Merkle-root tail, time, bits, nonce.
    ///
    /// ```
    /// use sha256d::BlockHeader;
    /// let header = BlockHeader { nonce: 7, ..BlockHeader::default() };
    /// assert_eq!(header.tail()[12..], 7u32.to_le_bytes());
    /// ```
    #[must_use]
    pub const fn tail(&self) -> [u8; 16] {
        let bytes = self.to_bytes();
        let mut tail = [0u8; 16];
        let mut i = 0;
        while i < 16 {
            tail[i] = bytes[64 + i];
            i += 1;
        }
        tail
    }

    /// Whether the header's hash meets its own `bits` target.
    ///
    /// ```
    /// use sha256d::{BlockHeader, CompactTarget, Error};
    /// let header = BlockHeader { bits: CompactTarget::from_consensus(0x2100ffff), ..BlockHeader::default() };
    /// assert_eq!(header.meets_own_target(), Ok(true)); // the easiest possible target
    /// assert_eq!(BlockHeader::default().meets_own_target(), Err(Error::CompactZero));
    /// ```
    ///
    /// # Errors
    /// As [`CompactTarget::to_target`], if `bits` is not a valid target.
    pub fn meets_own_target(&self) -> Result<bool, Error> {
        Ok(self.block_hash().meets(&self.bits.to_target()?))
    }
}

/// The all-zero header (its `bits` is zero, so no valid target).
impl Default for BlockHeader {
    fn default() -> Self {
        Self::from_bytes(&[0; HEADER_LEN])
    }
}

/// The 160 hex digits of the wire format, lowercase.
impl fmt::Display for BlockHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::hex::format(&self.to_bytes(), false, false, f)
    }
}

/// The same digits as `Display`; `{:#x}` adds `0x`.
impl fmt::LowerHex for BlockHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::hex::format(&self.to_bytes(), false, false, f)
    }
}

/// `Display`'s digits in uppercase.
impl fmt::UpperHex for BlockHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::hex::format(&self.to_bytes(), false, true, f)
    }
}

/// Parses 160 hex digits of the wire format, as [`BlockHeader::from_hex`].
impl FromStr for BlockHeader {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_hex(s)
    }
}

impl From<[u8; HEADER_LEN]> for BlockHeader {
    fn from(bytes: [u8; HEADER_LEN]) -> Self {
        Self::from_bytes(&bytes)
    }
}

impl From<&[u8; HEADER_LEN]> for BlockHeader {
    fn from(bytes: &[u8; HEADER_LEN]) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<BlockHeader> for [u8; HEADER_LEN] {
    fn from(header: BlockHeader) -> Self {
        header.to_bytes()
    }
}

impl TryFrom<&[u8]> for BlockHeader {
    type Error = Error;
    fn try_from(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_slice(bytes)
    }
}
