//! Pool jobs: the session's extranonces, `mining.notify` fields, and the
//! headers and search jobs built from them.

use core::fmt;

use super::share::Share;
use super::version::{next_pattern, parse_u32_hex};
use super::{Error, Field, VersionMask};
use crate::hex::{Hex, decode_array, decode_to_slice};
use crate::{
    BlockHash, BlockHeader, CompactTarget, SearchJob, Sha256, Target, TxMerkleNode, Txid, merkle,
};

/// The longest `extranonce1` accepted, in bytes. Pools send 4 to 8.
pub const MAX_EXTRANONCE1_LEN: usize = 32;
/// The largest `extranonce2_size` accepted, in bytes. Pools send 2 to 8.
pub const MAX_EXTRANONCE2_LEN: usize = 16;
/// The longest Merkle branch accepted: enough for 2^32 transactions, many
/// more than a block can hold. A job stores its branch inline (1 KiB).
pub const MAX_MERKLE_BRANCH_LEN: usize = 32;

/// The previous block hash in internal byte order, from the 32 bytes of
/// `mining.notify`'s `prevhash`.
///
/// Stratum sends the internal-order bytes with each 4-byte word
/// byte-swapped (the order in which the original `getwork` protocol gave
/// hashes to miners as 32-bit words). Swapping each word back gives the
/// bytes that go into the header; the hash's usual display is the reverse
/// of those.
///
/// ```
/// use sha256d::stratum::{prevhash_from_stratum, prevhash_to_stratum};
/// let sent: [u8; 32] = sha256d::hex::decode_array(
///     "19213b5f01c49d5227f4f03fd7be57a4b8b5e7060009c3de0000000000000000",
/// )?;
/// let hash = prevhash_from_stratum(sent);
/// assert_eq!(
///     hash.to_string(),
///     "00000000000000000009c3deb8b5e706d7be57a427f4f03f01c49d5219213b5f",
/// );
/// assert_eq!(prevhash_to_stratum(hash), sent);
/// # Ok::<(), sha256d::Error>(())
/// ```
#[must_use]
pub fn prevhash_from_stratum(stratum: [u8; 32]) -> BlockHash {
    BlockHash::from_byte_array(swap_words(stratum))
}

/// The 32 bytes `mining.notify` sends as `prevhash` for `hash`: the
/// inverse of [`prevhash_from_stratum`].
///
/// ```
/// use sha256d::{stratum::prevhash_to_stratum, BlockHash};
/// let mut internal = [0u8; 32];
/// internal[..4].copy_from_slice(&[1, 2, 3, 4]);
/// assert_eq!(prevhash_to_stratum(BlockHash::from_byte_array(internal))[..4], [4, 3, 2, 1]);
/// ```
#[must_use]
pub fn prevhash_to_stratum(hash: BlockHash) -> [u8; 32] {
    swap_words(hash.to_byte_array())
}

fn swap_words(mut bytes: [u8; 32]) -> [u8; 32] {
    for word in bytes.chunks_exact_mut(4) {
        word.reverse();
    }
    bytes
}

/// A fixed-size field from hex, with the field named in errors.
fn decode_fixed<const N: usize>(hex: &str, field: Field) -> Result<[u8; N], Error> {
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
fn validate_hex(hex: &str, field: Field) -> Result<(), Error> {
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

/// What `mining.subscribe` (or later `mining.set_extranonce`) gives a
/// session: the pool's `extranonce1` and the size of the miner's
/// `extranonce2`.
///
/// ```
/// use sha256d::stratum::{Error, Extranonce, Field, MAX_EXTRANONCE2_LEN};
/// let session = Extranonce::from_hex("30f56204", 4)?;
/// assert_eq!(session.extranonce1(), &[0x30, 0xf5, 0x62, 0x04]);
/// assert_eq!(session.extranonce2_size(), 4);
/// assert_eq!(
///     Extranonce::from_hex("30f56204", 17),
///     Err(Error::TooLong { field: Field::Extranonce2Size, max: MAX_EXTRANONCE2_LEN, found: 17 }),
/// );
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Extranonce {
    extranonce1: [u8; MAX_EXTRANONCE1_LEN],
    extranonce1_len: usize,
    extranonce2_size: usize,
}

impl Extranonce {
    /// From the bytes of `extranonce1` and `extranonce2_size`.
    ///
    /// ```
    /// let session = sha256d::stratum::Extranonce::new(&[0xf8, 0x00], 8)?;
    /// assert_eq!(session.extranonce1().len(), 2);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::TooLong`] if `extranonce1` is longer than
    /// [`MAX_EXTRANONCE1_LEN`] or `extranonce2_size` larger than
    /// [`MAX_EXTRANONCE2_LEN`].
    pub fn new(extranonce1: &[u8], extranonce2_size: usize) -> Result<Self, Error> {
        let mut bytes = [0u8; MAX_EXTRANONCE1_LEN];
        bytes
            .get_mut(..extranonce1.len())
            .ok_or(Error::TooLong {
                field: Field::Extranonce1,
                max: MAX_EXTRANONCE1_LEN,
                found: extranonce1.len(),
            })?
            .copy_from_slice(extranonce1);
        if extranonce2_size > MAX_EXTRANONCE2_LEN {
            return Err(Error::TooLong {
                field: Field::Extranonce2Size,
                max: MAX_EXTRANONCE2_LEN,
                found: extranonce2_size,
            });
        }
        Ok(Extranonce {
            extranonce1: bytes,
            extranonce1_len: extranonce1.len(),
            extranonce2_size,
        })
    }

    /// From `extranonce1` in hex, as `mining.subscribe` sends it.
    ///
    /// ```
    /// let session = sha256d::stratum::Extranonce::from_hex("F8002C90", 4)?;
    /// assert_eq!(session.to_string(), "extranonce1 f8002c90, extranonce2_size 4");
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Hex`] for bad hex, otherwise as [`Extranonce::new`].
    pub fn from_hex(extranonce1: &str, extranonce2_size: usize) -> Result<Self, Error> {
        validate_hex(extranonce1, Field::Extranonce1)?;
        let len = extranonce1.len() / 2;
        let mut bytes = [0u8; MAX_EXTRANONCE1_LEN];
        let slot = bytes.get_mut(..len).ok_or(Error::TooLong {
            field: Field::Extranonce1,
            max: MAX_EXTRANONCE1_LEN,
            found: len,
        })?;
        decode_to_slice(extranonce1, slot).map_err(|error| Error::Hex {
            field: Field::Extranonce1,
            error,
        })?;
        Self::new(slot, extranonce2_size)
    }

    /// The pool's `extranonce1` bytes.
    ///
    /// ```
    /// let session = sha256d::stratum::Extranonce::new(&[], 8)?;
    /// assert!(session.extranonce1().is_empty());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn extranonce1(&self) -> &[u8] {
        self.extranonce1
            .get(..self.extranonce1_len)
            .unwrap_or(&self.extranonce1)
    }

    /// How many bytes of `extranonce2` the miner fills in.
    ///
    /// ```
    /// let session = sha256d::stratum::Extranonce::new(&[1], 2)?;
    /// assert_eq!(session.extranonce2_size(), 2);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn extranonce2_size(&self) -> usize {
        self.extranonce2_size
    }
}

impl fmt::Debug for Extranonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Extranonce({self})")
    }
}

impl fmt::Display for Extranonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "extranonce1 {}, extranonce2_size {}",
            Hex(self.extranonce1()),
            self.extranonce2_size
        )
    }
}

/// The miner's part of the coinbase: `extranonce2_size` bytes, counted as
/// a big-endian number by [`Extranonce2::next`] and submitted as hex of
/// the bytes.
///
/// ```
/// use sha256d::stratum::Extranonce2;
/// let first = Extranonce2::zero(4)?;
/// assert_eq!(first.to_string(), "00000000");
/// assert_eq!(first.next().unwrap().to_string(), "00000001");
/// assert_eq!(Extranonce2::from_hex("ffff")?.next(), None); // the last one
/// assert_eq!(Extranonce2::from_u64(0x1e, 4)?, Extranonce2::from_hex("0000001e")?);
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Extranonce2 {
    bytes: [u8; MAX_EXTRANONCE2_LEN],
    len: usize,
}

impl Extranonce2 {
    /// `size` zero bytes: the first value.
    ///
    /// ```
    /// assert_eq!(sha256d::stratum::Extranonce2::zero(8)?.as_bytes(), &[0; 8]);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::TooLong`] if `size` exceeds [`MAX_EXTRANONCE2_LEN`].
    pub fn zero(size: usize) -> Result<Self, Error> {
        if size > MAX_EXTRANONCE2_LEN {
            return Err(Error::TooLong {
                field: Field::Extranonce2,
                max: MAX_EXTRANONCE2_LEN,
                found: size,
            });
        }
        Ok(Extranonce2 {
            bytes: [0; MAX_EXTRANONCE2_LEN],
            len: size,
        })
    }

    /// These bytes.
    ///
    /// ```
    /// let e = sha256d::stratum::Extranonce2::from_bytes(&[0xab, 0xcd])?;
    /// assert_eq!(e.to_string(), "abcd");
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::TooLong`] for more than [`MAX_EXTRANONCE2_LEN`] bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut out = [0u8; MAX_EXTRANONCE2_LEN];
        out.get_mut(..bytes.len())
            .ok_or(Error::TooLong {
                field: Field::Extranonce2,
                max: MAX_EXTRANONCE2_LEN,
                found: bytes.len(),
            })?
            .copy_from_slice(bytes);
        Ok(Extranonce2 {
            bytes: out,
            len: bytes.len(),
        })
    }

    /// From hex, as `mining.submit` carries it; the size is half the number
    /// of digits.
    ///
    /// ```
    /// assert_eq!(sha256d::stratum::Extranonce2::from_hex("0000001e")?.len(), 4);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Hex`] or [`Error::TooLong`].
    pub fn from_hex(hex: &str) -> Result<Self, Error> {
        validate_hex(hex, Field::Extranonce2)?;
        let mut out = [0u8; MAX_EXTRANONCE2_LEN];
        let len = hex.len() / 2;
        let slot = out.get_mut(..len).ok_or(Error::TooLong {
            field: Field::Extranonce2,
            max: MAX_EXTRANONCE2_LEN,
            found: len,
        })?;
        decode_to_slice(hex, slot).map_err(|error| Error::Hex {
            field: Field::Extranonce2,
            error,
        })?;
        Ok(Extranonce2 { bytes: out, len })
    }

    /// `value` as `size` big-endian bytes.
    ///
    /// ```
    /// use sha256d::stratum::{Error, Extranonce2, Field};
    /// assert_eq!(Extranonce2::from_u64(258, 2)?.as_bytes(), &[1, 2]);
    /// assert_eq!(
    ///     Extranonce2::from_u64(65_536, 2),
    ///     Err(Error::TooLong { field: Field::Extranonce2, max: 2, found: 3 }),
    /// );
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::TooLong`] if `size` exceeds [`MAX_EXTRANONCE2_LEN`] or
    /// `value` needs more than `size` bytes (`max` is then `size` and
    /// `found` the bytes `value` needs).
    pub fn from_u64(value: u64, size: usize) -> Result<Self, Error> {
        let mut out = Self::zero(size)?;
        let needed = 8 - value.leading_zeros() as usize / 8;
        if needed > size {
            return Err(Error::TooLong {
                field: Field::Extranonce2,
                max: size,
                found: needed,
            });
        }
        for (slot, byte) in out.bytes[..size].iter_mut().rev().zip(value.to_le_bytes()) {
            *slot = byte;
        }
        Ok(out)
    }

    /// The bytes.
    ///
    /// ```
    /// assert_eq!(sha256d::stratum::Extranonce2::zero(2)?.as_bytes(), &[0, 0]);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }

    /// The size in bytes.
    ///
    /// ```
    /// assert_eq!(sha256d::stratum::Extranonce2::zero(4)?.len(), 4);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the size is zero (a pool that leaves no room: one coinbase).
    ///
    /// ```
    /// assert!(sha256d::stratum::Extranonce2::zero(0)?.is_empty());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The next value (big-endian, plus one), or `None` after the last
    /// (all bytes `ff`; an empty extranonce2 has only one value).
    ///
    /// ```
    /// use sha256d::stratum::Extranonce2;
    /// assert_eq!(Extranonce2::from_hex("00ff")?.next(), Some(Extranonce2::from_hex("0100")?));
    /// assert_eq!(Extranonce2::zero(0)?.next(), None);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn next(&self) -> Option<Self> {
        let mut out = *self;
        for byte in out.bytes.get_mut(..self.len)?.iter_mut().rev() {
            let (sum, carry) = byte.overflowing_add(1);
            *byte = sum;
            if !carry {
                return Some(out);
            }
        }
        None
    }
}

/// Lowercase hex of the bytes, as `mining.submit` carries it.
impl fmt::Display for Extranonce2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Hex(self.as_bytes()).fmt(f)
    }
}

impl fmt::Debug for Extranonce2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Extranonce2({self})")
    }
}

/// The fields of a `mining.notify` as bytes and numbers. Build a [`Job`]
/// from it with [`Job::new`]; [`NotifyHex`] takes the strings as sent.
///
/// ```
/// use sha256d::stratum::{Extranonce, Job, Notify};
/// let notify = Notify {
///     job_id: "7",
///     prevhash: [0; 32],
///     coinb1: &[1, 0, 0, 0],
///     coinb2: &[0xff; 8],
///     merkle_branch: &[[0x11; 32], [0x22; 32]],
///     version: 0x2000_0000,
///     nbits: 0x1d00_ffff,
///     ntime: 0x504e_86b9,
///     clean_jobs: false,
/// };
/// let job = Job::new(&notify, &Extranonce::new(&[0xaa; 4], 4)?)?;
/// assert_eq!(job.merkle_branch().len(), 2);
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notify<'a> {
    /// The job id, returned with each share.
    pub job_id: &'a str,
    /// The previous block hash as sent: see [`prevhash_from_stratum`].
    pub prevhash: [u8; 32],
    /// The coinbase transaction before the extranonces.
    pub coinb1: &'a [u8],
    /// The coinbase transaction after the extranonces.
    pub coinb2: &'a [u8],
    /// The coinbase's Merkle branch, internal byte order, leaf level first.
    pub merkle_branch: &'a [[u8; 32]],
    /// The block version (with no rolled bits set, normally).
    pub version: u32,
    /// The network's compact target.
    pub nbits: u32,
    /// The block time.
    pub ntime: u32,
    /// Whether work on every earlier job must stop at once (a new block).
    pub clean_jobs: bool,
}

/// The fields of a `mining.notify` as the strings the pool sent: hex of
/// the bytes for `prevhash`, `coinb1`, `coinb2` and the branch; eight hex
/// digits of the big-endian number for `version`, `nbits` and `ntime`.
///
/// ```
/// use sha256d::stratum::{Error, Extranonce, Field, Job, NotifyHex};
/// let zeros = "00".repeat(32);
/// let mut notify = NotifyHex {
///     job_id: "7",
///     prevhash: &zeros,
///     coinb1: "01000000",
///     coinb2: "ffffffff",
///     merkle_branch: &[],
///     version: "20000000",
///     nbits: "1d00ffff",
///     ntime: "504e86b9",
///     clean_jobs: true,
/// };
/// let session = Extranonce::new(&[0xaa; 4], 4)?;
/// assert_eq!(Job::from_hex(&notify, &session)?.time(), 0x504e_86b9);
/// notify.ntime = "504e86";
/// assert_eq!(
///     Job::from_hex(&notify, &session).unwrap_err(),
///     Error::Length { field: Field::NTime, expected: 4, found: 3 },
/// );
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotifyHex<'a> {
    /// The job id.
    pub job_id: &'a str,
    /// 64 hex digits, Stratum word order.
    pub prevhash: &'a str,
    /// Hex of the coinbase before the extranonces.
    pub coinb1: &'a str,
    /// Hex of the coinbase after the extranonces.
    pub coinb2: &'a str,
    /// 64 hex digits per hash, internal byte order.
    pub merkle_branch: &'a [&'a str],
    /// Eight hex digits.
    pub version: &'a str,
    /// Eight hex digits.
    pub nbits: &'a str,
    /// Eight hex digits.
    pub ntime: &'a str,
    /// Whether earlier jobs are stale.
    pub clean_jobs: bool,
}

/// The second coinbase half, as bytes or as hex that was checked once and
/// is decoded again for each coinbase (a few hundred bytes, once per
/// extranonce2: nothing next to the 2^32 nonces each one gives).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coinb2<'a> {
    Bytes(&'a [u8]),
    Hex(&'a str),
}

/// A pool job, ready to build headers: the coinbase hashed as far as the
/// extranonce2 (the rest is hashed for each extranonce2 through the
/// streaming hasher), the Merkle branch stored inline, and the header
/// fields. It borrows the job id and the second coinbase half, and holds
/// no heap memory.
///
/// ```
/// # use sha256d::stratum::{Extranonce, Extranonce2, Job, Notify};
/// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1, 0, 0, 0], coinb2: &[0xff; 8],
/// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0x504e_86b9, clean_jobs: false };
/// let job = Job::new(&notify, &Extranonce::new(&[0xaa; 4], 4)?)?;
/// let extranonce2 = Extranonce2::from_u64(5, 4)?;
/// let mut coinbase = vec![1, 0, 0, 0];
/// coinbase.extend([0xaa; 4]);
/// coinbase.extend([0, 0, 0, 5]);
/// coinbase.extend([0xff; 8]);
/// let txid = job.coinbase_txid(&extranonce2)?;
/// assert_eq!(txid, sha256d::Txid::from(sha256d::sha256d(&coinbase)));
/// // With an empty branch the coinbase is the only transaction.
/// assert_eq!(job.merkle_root(&extranonce2)?, txid.to_byte_array());
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone)]
pub struct Job<'a> {
    job_id: &'a str,
    prev_blockhash: BlockHash,
    /// SHA-256 state after `coinb1 ‖ extranonce1`.
    coinbase_prefix: Sha256,
    coinb2: Coinb2<'a>,
    extranonce2_size: usize,
    branch: [[u8; 32]; MAX_MERKLE_BRANCH_LEN],
    branch_len: usize,
    version: u32,
    bits: CompactTarget,
    time: u32,
    clean_jobs: bool,
}

impl<'a> Job<'a> {
    /// A job from `mining.notify`'s fields and the session's extranonces.
    ///
    /// # Errors
    /// [`Error::TooLong`] if the branch is longer than
    /// [`MAX_MERKLE_BRANCH_LEN`].
    pub fn new(notify: &Notify<'a>, session: &Extranonce) -> Result<Self, Error> {
        let mut coinbase_prefix = Sha256::new();
        coinbase_prefix.update(notify.coinb1);
        coinbase_prefix.update(session.extranonce1());
        let mut job = Job {
            job_id: notify.job_id,
            prev_blockhash: prevhash_from_stratum(notify.prevhash),
            coinbase_prefix,
            coinb2: Coinb2::Bytes(notify.coinb2),
            extranonce2_size: session.extranonce2_size(),
            branch: [[0; 32]; MAX_MERKLE_BRANCH_LEN],
            branch_len: 0,
            version: notify.version,
            bits: CompactTarget::from_consensus(notify.nbits),
            time: notify.ntime,
            clean_jobs: notify.clean_jobs,
        };
        job.set_branch_len(notify.merkle_branch.len())?;
        job.branch[..notify.merkle_branch.len()].copy_from_slice(notify.merkle_branch);
        Ok(job)
    }

    /// A job from `mining.notify`'s strings and the session's extranonces.
    /// Every field is checked here; nothing is allocated (the coinbase
    /// halves stay borrowed as hex).
    ///
    /// # Errors
    /// [`Error::Hex`] for bad hex in any field, [`Error::Length`] for a
    /// `prevhash` or branch hash that is not 32 bytes or a version, nBits or
    /// nTime that is not 4, [`Error::TooLong`] for a branch longer than
    /// [`MAX_MERKLE_BRANCH_LEN`].
    pub fn from_hex(notify: &NotifyHex<'a>, session: &Extranonce) -> Result<Self, Error> {
        let prevhash = decode_fixed::<32>(notify.prevhash, Field::PrevHash)?;
        validate_hex(notify.coinb1, Field::Coinb1)?;
        validate_hex(notify.coinb2, Field::Coinb2)?;
        let version = parse_u32_hex(notify.version, Field::Version)?;
        let nbits = parse_u32_hex(notify.nbits, Field::NBits)?;
        let ntime = parse_u32_hex(notify.ntime, Field::NTime)?;
        let mut coinbase_prefix = Sha256::new();
        hash_valid_hex(&mut coinbase_prefix, notify.coinb1);
        coinbase_prefix.update(session.extranonce1());
        let mut job = Job {
            job_id: notify.job_id,
            prev_blockhash: prevhash_from_stratum(prevhash),
            coinbase_prefix,
            coinb2: Coinb2::Hex(notify.coinb2),
            extranonce2_size: session.extranonce2_size(),
            branch: [[0; 32]; MAX_MERKLE_BRANCH_LEN],
            branch_len: 0,
            version,
            bits: CompactTarget::from_consensus(nbits),
            time: ntime,
            clean_jobs: notify.clean_jobs,
        };
        job.set_branch_len(notify.merkle_branch.len())?;
        for (index, (slot, hex)) in job.branch.iter_mut().zip(notify.merkle_branch).enumerate() {
            *slot = decode_fixed::<32>(hex, Field::MerkleBranch { index })?;
        }
        Ok(job)
    }

    fn set_branch_len(&mut self, len: usize) -> Result<(), Error> {
        if len > MAX_MERKLE_BRANCH_LEN {
            return Err(Error::TooLong {
                field: Field::MerkleBranchLength,
                max: MAX_MERKLE_BRANCH_LEN,
                found: len,
            });
        }
        self.branch_len = len;
        Ok(())
    }

    /// The job id.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Job, Notify};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[], coinb2: &[],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0, clean_jobs: false };
    /// let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// assert_eq!(job.job_id(), "7");
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn job_id(&self) -> &'a str {
        self.job_id
    }

    /// The previous block hash, internal byte order.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Job, Notify};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[], coinb2: &[],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0, clean_jobs: false };
    /// let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// assert_eq!(job.prev_blockhash(), sha256d::BlockHash::from_byte_array([0; 32]));
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn prev_blockhash(&self) -> BlockHash {
        self.prev_blockhash
    }

    /// The job's block version, before rolling.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Job, Notify};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[], coinb2: &[],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0, clean_jobs: false };
    /// let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// assert_eq!(job.version(), 0x2000_0000);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn version(&self) -> u32 {
        self.version
    }

    /// The network's compact target (nBits).
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Job, Notify};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[], coinb2: &[],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0, clean_jobs: false };
    /// let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// assert_eq!(job.bits().to_consensus(), 0x1d00_ffff);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn bits(&self) -> CompactTarget {
        self.bits
    }

    /// The network target that nBits encodes: a share that meets it is a
    /// block.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Job, Notify};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[], coinb2: &[],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0, clean_jobs: false };
    /// let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// assert_eq!(job.network_target(), sha256d::Target::from_difficulty(1.0));
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`CompactTarget::to_target`], for nBits that encode no target.
    pub fn network_target(&self) -> Result<Target, crate::Error> {
        self.bits.to_target()
    }

    /// The job's block time (nTime).
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Job, Notify};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[], coinb2: &[],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 99, clean_jobs: false };
    /// let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// assert_eq!(job.time(), 99);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn time(&self) -> u32 {
        self.time
    }

    /// Whether the pool said to drop every earlier job at once.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Job, Notify};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[], coinb2: &[],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0, clean_jobs: true };
    /// let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// assert!(job.clean_jobs());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn clean_jobs(&self) -> bool {
        self.clean_jobs
    }

    /// The coinbase's Merkle branch, internal byte order.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Job, Notify};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[], coinb2: &[],
    /// #     merkle_branch: &[[3; 32]], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0, clean_jobs: true };
    /// let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// assert_eq!(job.merkle_branch(), &[[3u8; 32]]);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn merkle_branch(&self) -> &[[u8; 32]] {
        self.branch.get(..self.branch_len).unwrap_or(&self.branch)
    }

    /// The size of the extranonce2 this job takes.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Job, Notify};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[], coinb2: &[],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0, clean_jobs: true };
    /// let job = Job::new(&notify, &Extranonce::new(&[], 6)?)?;
    /// assert_eq!(job.extranonce2_size(), 6);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn extranonce2_size(&self) -> usize {
        self.extranonce2_size
    }

    fn check_extranonce2(&self, extranonce2: &Extranonce2) -> Result<(), Error> {
        if extranonce2.len() == self.extranonce2_size {
            Ok(())
        } else {
            Err(Error::Length {
                field: Field::Extranonce2,
                expected: self.extranonce2_size,
                found: extranonce2.len(),
            })
        }
    }

    /// The coinbase transaction's id (SHA-256d of
    /// `coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2`), internal byte order.
    /// See the example on [`Job`].
    ///
    /// # Errors
    /// [`Error::Length`] if `extranonce2` is not
    /// [`Job::extranonce2_size`] bytes.
    pub fn coinbase_txid(&self, extranonce2: &Extranonce2) -> Result<Txid, Error> {
        self.check_extranonce2(extranonce2)?;
        let mut hasher = self.coinbase_prefix.clone();
        hasher.update(extranonce2.as_bytes());
        match self.coinb2 {
            Coinb2::Bytes(bytes) => hasher.update(bytes),
            Coinb2::Hex(hex) => hash_valid_hex(&mut hasher, hex),
        }
        Ok(hasher.finalize_sha256d().into())
    }

    /// The block's Merkle root with this `extranonce2`: the coinbase id
    /// folded with the branch by [`merkle::root_from_branch`] (the coinbase
    /// is leaf 0). See the example on [`Job`].
    ///
    /// # Errors
    /// As [`Job::coinbase_txid`].
    pub fn merkle_root(&self, extranonce2: &Extranonce2) -> Result<TxMerkleNode, Error> {
        let txid = self.coinbase_txid(extranonce2)?;
        Ok(merkle::root_from_branch(txid, 0, self.merkle_branch()))
    }

    fn header_with_root(&self, merkle_root: TxMerkleNode, version: u32, nonce: u32) -> BlockHeader {
        BlockHeader {
            version: i32::from_le_bytes(version.to_le_bytes()),
            prev_blockhash: self.prev_blockhash,
            merkle_root,
            time: self.time,
            bits: self.bits,
            nonce,
        }
    }

    /// The block header for `extranonce2`, header version `version` (the
    /// job's, or one rolled from it) and `nonce`, with the job's nTime.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Extranonce2, Job, Notify};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1], coinb2: &[2],
    /// #     merkle_branch: &[[9; 32]], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 77, clean_jobs: true };
    /// let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// let extranonce2 = Extranonce2::zero(4)?;
    /// let header = job.header(&extranonce2, 0x2000_6000, 12345)?;
    /// assert_eq!((header.version, header.time, header.nonce), (0x2000_6000, 77, 12345));
    /// assert_eq!(header.merkle_root, job.merkle_root(&extranonce2)?);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Job::coinbase_txid`].
    pub fn header(
        &self,
        extranonce2: &Extranonce2,
        version: u32,
        nonce: u32,
    ) -> Result<BlockHeader, Error> {
        let root = self.merkle_root(extranonce2)?;
        Ok(self.header_with_root(root, version, nonce))
    }

    /// The header a share stands for, rebuilt the way the pool rebuilds it:
    /// the share's extranonce2, nTime and nonce, and the version of BIP 310
    /// (`(job_version & !mask) | (version_bits & mask)`, with `rolling`
    /// the negotiated mask, `None` when version rolling is off). A share
    /// without `version_bits` keeps the job's version. Its
    /// [`block_hash`](BlockHeader::block_hash) is computed the plain way,
    /// which makes this the check to run on a share before sending it.
    ///
    /// ```
    /// use sha256d::stratum::{Error, Extranonce, Extranonce2, Job, Notify, Share, VersionMask};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1], coinb2: &[2],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 77, clean_jobs: true };
    /// let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// let share = Share::new("7", Extranonce2::zero(4)?, 78, 5, Some(0x0000_e000));
    /// let header = job.share_header(&share, Some(VersionMask::BIP320))?;
    /// assert_eq!((header.version, header.time, header.nonce), (0x2000_e000, 78, 5));
    /// // Version bits without version rolling are refused.
    /// assert!(matches!(job.share_header(&share, None), Err(Error::VersionBitsOutsideMask { .. })));
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongJob`] if the share's job id is not this job's,
    /// [`Error::VersionBitsOutsideMask`] for version bits outside `rolling`,
    /// and as [`Job::coinbase_txid`].
    pub fn share_header(
        &self,
        share: &Share<'_>,
        rolling: Option<VersionMask>,
    ) -> Result<BlockHeader, Error> {
        if share.job_id() != self.job_id {
            return Err(Error::WrongJob);
        }
        let mask = rolling.unwrap_or(VersionMask::NONE);
        let version = match share.version_bits() {
            Some(bits) => mask.apply(self.version, bits)?,
            None => self.version,
        };
        let root = self.merkle_root(share.extranonce2())?;
        let mut header = self.header_with_root(root, version, share.nonce());
        header.time = share.ntime();
        Ok(header)
    }

    /// Every (extranonce2, version) pair from `first` on, as [`Work`]:
    /// for each extranonce2 (ascending, big-endian), every version that
    /// `rolling` allows, the job's own first (see
    /// [`VersionMask::versions`]). The coinbase and Merkle root are
    /// computed once per extranonce2, the header's midstate once per
    /// version (by [`Work::search_job`]). With `rolling` of `None` (no
    /// version rolling negotiated) there is one version, and shares carry
    /// no `version_bits`.
    ///
    /// A miner takes the next work when it has searched a work's nonces.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Extranonce2, Job, Notify, VersionMask};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1], coinb2: &[2],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 77, clean_jobs: true };
    /// let job = Job::new(&notify, &Extranonce::new(&[], 1)?)?;
    /// let rolling = Some(VersionMask::new(0x0000_6000));
    /// let pairs: Vec<(String, u32)> = job
    ///     .works(Extranonce2::from_hex("fe")?, rolling)?
    ///     .map(|work| (work.extranonce2().to_string(), work.version()))
    ///     .collect();
    /// assert_eq!(pairs.len(), 8); // extranonce2 fe and ff, four versions each
    /// assert_eq!(pairs[0], ("fe".to_string(), 0x2000_0000));
    /// assert_eq!(pairs[3], ("fe".to_string(), 0x2000_6000));
    /// assert_eq!(pairs[4], ("ff".to_string(), 0x2000_0000));
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Length`] if `first` is not [`Job::extranonce2_size`] bytes.
    pub fn works(
        &self,
        first: Extranonce2,
        rolling: Option<VersionMask>,
    ) -> Result<Works<'_, 'a>, Error> {
        let merkle_root = self.merkle_root(&first)?;
        Ok(Works {
            job: self,
            rolling,
            current: Some((first, merkle_root)),
            pattern: 0,
        })
    }
}

impl fmt::Debug for Job<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("job_id", &self.job_id)
            .field("prev_blockhash", &self.prev_blockhash)
            .field("extranonce2_size", &self.extranonce2_size)
            .field("merkle_branch_len", &self.branch_len)
            .field("version", &format_args!("{:08x}", self.version))
            .field("bits", &self.bits)
            .field("time", &self.time)
            .field("clean_jobs", &self.clean_jobs)
            .finish_non_exhaustive()
    }
}

/// The (extranonce2, version) pairs of a job: see [`Job::works`].
#[derive(Clone, Debug)]
pub struct Works<'j, 'a> {
    job: &'j Job<'a>,
    rolling: Option<VersionMask>,
    /// The extranonce2 being rolled and its Merkle root; `None` when done.
    current: Option<(Extranonce2, TxMerkleNode)>,
    /// The rolled-bits pattern of the next version.
    pattern: u32,
}

impl<'a> Iterator for Works<'_, 'a> {
    type Item = Work<'a>;

    fn next(&mut self) -> Option<Work<'a>> {
        let (extranonce2, merkle_root) = self.current?;
        let mask = self.rolling.map_or(0, VersionMask::bits);
        let version = self.job.version ^ self.pattern;
        let work = Work {
            job_id: self.job.job_id,
            extranonce2,
            version_bits: self.rolling.map(|mask| mask.version_bits(version)),
            header: self.job.header_with_root(merkle_root, version, 0),
        };
        match next_pattern(self.pattern, mask) {
            Some(pattern) => self.pattern = pattern,
            None => {
                self.pattern = 0;
                self.current = extranonce2.next().map(|next| {
                    // The size was checked when the iteration started and
                    // `next` keeps it.
                    let root = self.job.merkle_root(&next).unwrap_or_default();
                    (next, root)
                });
            }
        }
        Some(work)
    }
}

/// One (extranonce2, version) pair of a job: a header whose 2^32 nonces a
/// miner searches. See [`Job::works`].
///
/// ```
/// # use sha256d::stratum::{Extranonce, Extranonce2, Job, Notify, VersionMask};
/// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1], coinb2: &[2],
/// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 77, clean_jobs: true };
/// let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
/// let work = job.works(Extranonce2::zero(4)?, Some(VersionMask::BIP320))?.nth(1).unwrap();
/// assert_eq!(work.version(), 0x2000_2000);
/// assert_eq!(work.version_bits(), Some(0x0000_2000));
/// let share = work.share(42);
/// assert_eq!(job.share_header(&share, Some(VersionMask::BIP320))?, sha256d::BlockHeader { nonce: 42, ..*work.header() });
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Work<'a> {
    job_id: &'a str,
    extranonce2: Extranonce2,
    version_bits: Option<u32>,
    header: BlockHeader,
}

impl<'a> Work<'a> {
    /// The header with nonce 0.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Extranonce2, Job, Notify, VersionMask};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1], coinb2: &[2],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 77, clean_jobs: true };
    /// # let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// let work = job.works(Extranonce2::from_u64(9, 4)?, Some(VersionMask::BIP320))?.nth(2).unwrap();
    /// assert_eq!(work.header().nonce, 0);
    /// assert_eq!(work.header().time, 77);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn header(&self) -> &BlockHeader {
        &self.header
    }

    /// The extranonce2 in the coinbase.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Extranonce2, Job, Notify, VersionMask};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1], coinb2: &[2],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 77, clean_jobs: true };
    /// # let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// let work = job.works(Extranonce2::from_u64(9, 4)?, Some(VersionMask::BIP320))?.nth(2).unwrap();
    /// assert_eq!(work.extranonce2().to_string(), "00000009");
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn extranonce2(&self) -> &Extranonce2 {
        &self.extranonce2
    }

    /// The header version.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Extranonce2, Job, Notify, VersionMask};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1], coinb2: &[2],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 77, clean_jobs: true };
    /// # let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// let work = job.works(Extranonce2::from_u64(9, 4)?, Some(VersionMask::BIP320))?.nth(2).unwrap();
    /// assert_eq!(work.version(), 0x2000_4000);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn version(&self) -> u32 {
        u32::from_le_bytes(self.header.version.to_le_bytes())
    }

    /// The `version_bits` shares of this work carry (`None` without
    /// version rolling).
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Extranonce2, Job, Notify, VersionMask};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1], coinb2: &[2],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 77, clean_jobs: true };
    /// # let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// let work = job.works(Extranonce2::from_u64(9, 4)?, Some(VersionMask::BIP320))?.nth(2).unwrap();
    /// assert_eq!(work.version_bits(), Some(0x0000_4000));
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn version_bits(&self) -> Option<u32> {
        self.version_bits
    }

    /// The nonce search for this work: its own midstate (the version is
    /// in the header's first 64 bytes) and `target`, normally the share
    /// target of [`share_target`](super::share_target).
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Extranonce2, Job, Notify, VersionMask};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1], coinb2: &[2],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 77, clean_jobs: true };
    /// # let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// let work = job.works(Extranonce2::from_u64(9, 4)?, Some(VersionMask::BIP320))?.nth(2).unwrap();
    /// let search = work.search_job(sha256d::Target::ALL_ONES);
    /// assert_eq!(search.hash(5), sha256d::BlockHeader { nonce: 5, ..*work.header() }.block_hash());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn search_job(&self, target: Target) -> SearchJob {
        SearchJob::new(&self.header, target)
    }

    /// The share to submit for `nonce`.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce, Extranonce2, Job, Notify, VersionMask};
    /// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1], coinb2: &[2],
    /// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 77, clean_jobs: true };
    /// # let job = Job::new(&notify, &Extranonce::new(&[], 4)?)?;
    /// let work = job.works(Extranonce2::from_u64(9, 4)?, Some(VersionMask::BIP320))?.nth(2).unwrap();
    /// let share = work.share(5);
    /// assert_eq!((share.nonce(), share.ntime(), share.version_bits()), (5, 77, Some(0x4000)));
    /// assert_eq!(share.extranonce2(), work.extranonce2());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn share(&self, nonce: u32) -> Share<'a> {
        Share::new(
            self.job_id,
            self.extranonce2,
            self.header.time,
            nonce,
            self.version_bits,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prevhash_words_are_byte_swapped_in_place() {
        let mut sent = [0u8; 32];
        for (i, byte) in sent.iter_mut().enumerate() {
            *byte = i as u8;
        }
        let internal = prevhash_from_stratum(sent).to_byte_array();
        for word in 0..8 {
            let at = 4 * word;
            assert_eq!(
                internal[at..at + 4],
                [sent[at + 3], sent[at + 2], sent[at + 1], sent[at]]
            );
        }
        assert_eq!(prevhash_to_stratum(prevhash_from_stratum(sent)), sent);
    }

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
}
