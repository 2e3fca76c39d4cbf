//! v1 pool jobs: `mining.notify` fields, and the headers built from them.

use core::fmt;

use super::branch::Branch;
use super::coinbase::{Coinbase, decode_fixed, validate_hex};
use super::share::Share;
use super::version::parse_u32_hex;
use super::{Error, Extranonce, Extranonce2, Field, VersionMask, Works};
use crate::{BlockHash, BlockHeader, CompactTarget, Target, TxMerkleNode, Txid};

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
    /// `coinb1 ‖ extranonce1 ‖ (extranonce2) ‖ coinb2`.
    coinbase: Coinbase<'a>,
    branch: Branch,
    version: u32,
    bits: CompactTarget,
    time: u32,
    clean_jobs: bool,
}

impl<'a> Job<'a> {
    /// A job from `mining.notify`'s fields and the session's extranonces.
    ///
    /// ```
    /// use sha256d::stratum::{Extranonce, Job, Notify};
    /// let notify = Notify { job_id: "b3", prevhash: [0; 32], coinb1: &[1, 0, 0, 0], coinb2: &[0xff; 8],
    ///     merkle_branch: &[[0x11; 32]], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0x504e_86b9,
    ///     clean_jobs: true };
    /// let job = Job::new(&notify, &Extranonce::new(&[0xf8, 0x00, 0x2c, 0x90], 4)?)?;
    /// assert_eq!(job.job_id(), "b3");
    /// assert_eq!(job.time(), 0x504e_86b9);
    /// assert_eq!(job.merkle_branch(), [[0x11; 32]]);
    /// assert_eq!(job.extranonce2_size(), 4);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::TooLong`] if the branch is longer than
    /// [`MAX_MERKLE_BRANCH_LEN`](super::MAX_MERKLE_BRANCH_LEN).
    pub fn new(notify: &Notify<'a>, session: &Extranonce) -> Result<Self, Error> {
        let branch = Branch::new(notify.merkle_branch)?;
        Ok(Job {
            job_id: notify.job_id,
            prev_blockhash: prevhash_from_stratum(notify.prevhash),
            coinbase: Coinbase::new(
                notify.coinb1,
                session.extranonce1(),
                notify.coinb2,
                session.extranonce2_size(),
            ),
            branch,
            version: notify.version,
            bits: CompactTarget::from_consensus(notify.nbits),
            time: notify.ntime,
            clean_jobs: notify.clean_jobs,
        })
    }

    /// A job from `mining.notify`'s strings and the session's extranonces.
    /// Every field is checked here; nothing is allocated (the coinbase
    /// halves stay borrowed as hex).
    ///
    /// ```
    /// use sha256d::stratum::{Error, Extranonce, Field, Job, Notify, NotifyHex};
    /// let notify = NotifyHex {
    ///     job_id: "b3",
    ///     prevhash: &"00".repeat(32),
    ///     coinb1: "01000000",
    ///     coinb2: "ffffffff",
    ///     merkle_branch: &[],
    ///     version: "20000000",
    ///     nbits: "1d00ffff",
    ///     ntime: "504e86b9",
    ///     clean_jobs: true,
    /// };
    /// let session = Extranonce::from_hex("f8002c90", 4)?;
    /// let job = Job::from_hex(&notify, &session)?;
    /// // The same job as from the decoded fields.
    /// let decoded = Notify { job_id: "b3", prevhash: [0; 32], coinb1: &[1, 0, 0, 0], coinb2: &[0xff; 4],
    ///     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0x504e_86b9,
    ///     clean_jobs: true };
    /// let extranonce2 = sha256d::stratum::Extranonce2::zero(4)?;
    /// assert_eq!(job.merkle_root(&extranonce2)?, Job::new(&decoded, &session)?.merkle_root(&extranonce2)?);
    /// // nTime must be 4 bytes.
    /// assert_eq!(
    ///     Job::from_hex(&NotifyHex { ntime: "4e86b9", ..notify }, &session).err(),
    ///     Some(Error::Length { field: Field::NTime, expected: 4, found: 3 }),
    /// );
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Hex`] for bad hex in any field, [`Error::Length`] for a
    /// `prevhash` or branch hash that is not 32 bytes or a version, nBits or
    /// nTime that is not 4, [`Error::TooLong`] for a branch longer than
    /// [`MAX_MERKLE_BRANCH_LEN`](super::MAX_MERKLE_BRANCH_LEN).
    pub fn from_hex(notify: &NotifyHex<'a>, session: &Extranonce) -> Result<Self, Error> {
        let prevhash = decode_fixed::<32>(notify.prevhash, Field::PrevHash)?;
        validate_hex(notify.coinb1, Field::Coinb1)?;
        validate_hex(notify.coinb2, Field::Coinb2)?;
        let version = parse_u32_hex(notify.version, Field::Version)?;
        let nbits = parse_u32_hex(notify.nbits, Field::NBits)?;
        let ntime = parse_u32_hex(notify.ntime, Field::NTime)?;
        let mut branch = Branch::zeros(notify.merkle_branch.len())?;
        for (index, (slot, hex)) in branch
            .as_mut_slice()
            .iter_mut()
            .zip(notify.merkle_branch)
            .enumerate()
        {
            *slot = decode_fixed::<32>(hex, Field::MerkleBranch { index })?;
        }
        Ok(Job {
            job_id: notify.job_id,
            prev_blockhash: prevhash_from_stratum(prevhash),
            coinbase: Coinbase::from_valid_hex(
                notify.coinb1,
                session.extranonce1(),
                notify.coinb2,
                session.extranonce2_size(),
            ),
            branch,
            version,
            bits: CompactTarget::from_consensus(nbits),
            time: ntime,
            clean_jobs: notify.clean_jobs,
        })
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
        self.branch.as_slice()
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
        self.coinbase.extranonce_size()
    }

    /// The coinbase transaction's id (SHA-256d of
    /// `coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2`), internal byte order.
    ///
    /// ```
    /// use sha256d::stratum::{Error, Extranonce, Extranonce2, Field, Job, Notify};
    /// let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1, 2], coinb2: &[5],
    ///     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0, clean_jobs: false };
    /// let job = Job::new(&notify, &Extranonce::new(&[3], 1)?)?;
    /// let txid = job.coinbase_txid(&Extranonce2::from_u64(4, 1)?)?;
    /// assert_eq!(txid, sha256d::Txid::from(sha256d::sha256d(&[1, 2, 3, 4, 5])));
    /// // An extranonce2 of the wrong size.
    /// assert_eq!(
    ///     job.coinbase_txid(&Extranonce2::zero(2)?),
    ///     Err(Error::Length { field: Field::Extranonce2, expected: 1, found: 2 }),
    /// );
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Length`] if `extranonce2` is not
    /// [`Job::extranonce2_size`] bytes.
    pub fn coinbase_txid(&self, extranonce2: &Extranonce2) -> Result<Txid, Error> {
        self.coinbase.txid(extranonce2)
    }

    /// The block's Merkle root with this `extranonce2`: the coinbase id
    /// folded with the branch by [`merkle::root_from_branch`](crate::merkle::root_from_branch) (the coinbase
    /// is leaf 0).
    ///
    /// ```
    /// use sha256d::stratum::{Extranonce, Extranonce2, Job, Notify};
    /// let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1, 2], coinb2: &[5],
    ///     merkle_branch: &[[9; 32]], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 0, clean_jobs: false };
    /// let job = Job::new(&notify, &Extranonce::new(&[3], 1)?)?;
    /// let extranonce2 = Extranonce2::from_u64(4, 1)?;
    /// // The coinbase (leaf 0) paired with the one branch hash.
    /// let mut pair = [0u8; 64];
    /// pair[..32].copy_from_slice(&job.coinbase_txid(&extranonce2)?.to_byte_array());
    /// pair[32..].copy_from_slice(&[9; 32]);
    /// assert_eq!(job.merkle_root(&extranonce2)?, sha256d::sha256d(&pair).to_byte_array());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Job::coinbase_txid`].
    pub fn merkle_root(&self, extranonce2: &Extranonce2) -> Result<TxMerkleNode, Error> {
        let txid = self.coinbase_txid(extranonce2)?;
        Ok(self.branch.root(txid))
    }

    pub(super) fn header_with_root(
        &self,
        merkle_root: TxMerkleNode,
        version: u32,
        nonce: u32,
    ) -> BlockHeader {
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

    /// Every (extranonce2, version) pair from `first` on, as [`Work`](super::Work):
    /// for each extranonce2 (ascending, big-endian), every version that
    /// `rolling` allows, the job's own first (see
    /// [`VersionMask::versions`]). The coinbase and Merkle root are
    /// computed once per extranonce2, the header's midstate once per
    /// version (by [`Work::search_job`](super::Work::search_job)). With `rolling` of `None` (no
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
        Ok(Works::new(self, rolling, first, merkle_root))
    }
}

impl fmt::Debug for Job<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("job_id", &self.job_id)
            .field("prev_blockhash", &self.prev_blockhash)
            .field("extranonce2_size", &self.extranonce2_size())
            .field("merkle_branch_len", &self.merkle_branch().len())
            .field("version", &format_args!("{:08x}", self.version))
            .field("bits", &self.bits)
            .field("time", &self.time)
            .field("clean_jobs", &self.clean_jobs)
            .finish_non_exhaustive()
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
}
