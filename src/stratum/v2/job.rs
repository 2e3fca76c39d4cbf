//! v2 jobs: the fields of `NewMiningJob` and `NewExtendedMiningJob`, and
//! the headers built from them with a `SetNewPrevHash`.

use core::fmt;

use super::work::{Source, SubmitShares, Works};
use super::{SetNewPrevHash, activate};
use crate::stratum::branch::Branch;
use crate::stratum::coinbase::Coinbase;
use crate::stratum::{Error, Extranonce, Extranonce2, Field, VersionMask};
use crate::{BlockHash, BlockHeader, CompactTarget, TxMerkleNode, Txid};

/// The fields of `NewMiningJob`: a standard channel's job, with its Merkle
/// root already computed by the pool (header-only mining).
///
/// ```
/// let job = sha256d::stratum::v2::NewMiningJob {
///     channel_id: 1, job_id: 2, min_ntime: None, version: 0x2000_0000, merkle_root: [0; 32],
/// };
/// assert!(job.min_ntime.is_none()); // a future job, waiting for its SetNewPrevHash
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NewMiningJob {
    /// The standard channel.
    pub channel_id: u32,
    /// The pool's id of the job, returned with each share.
    pub job_id: u32,
    /// The smallest nTime, if the job is current at once; `None` for a
    /// future job, which a `SetNewPrevHash` naming it makes current.
    pub min_ntime: Option<u32>,
    /// The block version.
    pub version: u32,
    /// The Merkle root as the header holds it (internal byte order).
    pub merkle_root: [u8; 32],
}

/// The fields of `NewExtendedMiningJob`: an extended channel's job. The
/// coinbase is `coinbase_tx_prefix ‖ extranonce_prefix ‖ extranonce ‖
/// coinbase_tx_suffix`, without SegWit fields (its hash is the txid).
///
/// ```
/// let job = sha256d::stratum::v2::NewExtendedMiningJob {
///     channel_id: 1, job_id: 2, min_ntime: Some(1_700_000_000), version: 0x2000_0000,
///     version_rolling_allowed: true, merkle_path: &[[0x11; 32]],
///     coinbase_tx_prefix: &[1, 0, 0, 0], coinbase_tx_suffix: &[0xff; 8],
/// };
/// assert_eq!(job.merkle_path.len(), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NewExtendedMiningJob<'a> {
    /// The extended (or group) channel.
    pub channel_id: u32,
    /// The pool's id of the job, returned with each share.
    pub job_id: u32,
    /// The smallest nTime, if the job is current at once; `None` for a
    /// future job.
    pub min_ntime: Option<u32>,
    /// The block version.
    pub version: u32,
    /// Whether the version's general-purpose bits may be rolled; if not,
    /// the version is used as it is.
    pub version_rolling_allowed: bool,
    /// The coinbase's Merkle path, internal byte order, leaf level first.
    pub merkle_path: &'a [[u8; 32]],
    /// The coinbase before the extranonce prefix.
    pub coinbase_tx_prefix: &'a [u8],
    /// The coinbase after the miner's extranonce.
    pub coinbase_tx_suffix: &'a [u8],
}

/// What both kinds of job hold: the header fields but the Merkle root,
/// and the version bits the miner may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Template {
    pub(super) channel_id: u32,
    pub(super) job_id: u32,
    prev_blockhash: BlockHash,
    bits: CompactTarget,
    pub(super) time: u32,
    pub(super) version: u32,
    pub(super) mask: VersionMask,
}

impl Template {
    pub(super) fn header(
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

    /// The share check both kinds share: the channel and job, the version
    /// (only bits inside the mask changed; the error carries the changed
    /// bits) and the nTime (not before the job's).
    fn check(&self, share: &SubmitShares) -> Result<(), Error> {
        if share.job_id != self.job_id || share.channel_id != self.channel_id {
            return Err(Error::WrongJob);
        }
        let changed = share.version ^ self.version;
        if changed & !self.mask.bits() != 0 {
            return Err(Error::VersionBitsOutsideMask {
                version_bits: changed,
                mask: self.mask.bits(),
            });
        }
        if share.ntime < self.time {
            return Err(Error::NTimeTooEarly {
                ntime: share.ntime,
                min_ntime: self.time,
            });
        }
        Ok(())
    }

    fn share_header(&self, merkle_root: TxMerkleNode, share: &SubmitShares) -> BlockHeader {
        let mut header = self.header(merkle_root, share.version, share.nonce);
        header.time = share.ntime;
        header
    }
}

/// A standard channel's job made current: one Merkle root, the versions
/// the mask allows, and the nonces. Holds no heap memory.
///
/// ```
/// use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
/// use sha256d::stratum::{Error, VersionMask};
/// let job = NewMiningJob { channel_id: 1, job_id: 8, min_ntime: None, version: 0x2000_0000, merkle_root: [3; 32] };
/// let prev = SetNewPrevHash { channel_id: 1, job_id: 8, prev_hash: [4; 32], min_ntime: 99, nbits: 0x1d00_ffff };
/// let job8 = StandardJob::new(&job, &prev, VersionMask::new(0x0000_6000))?;
/// assert_eq!(job8.works().count(), 4);
/// let header = job8.header(0x2000_2000, 5);
/// assert_eq!((header.time, header.nonce, header.merkle_root.to_byte_array()), (99, 5, [3; 32]));
/// // A SetNewPrevHash for another job does not make this future job current.
/// let other = SetNewPrevHash { job_id: 9, ..prev };
/// assert_eq!(StandardJob::new(&job, &other, VersionMask::BIP320).unwrap_err(), Error::WrongJob);
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StandardJob {
    template: Template,
    merkle_root: TxMerkleNode,
}

impl StandardJob {
    /// The job `job` on the block of `prev`, rolling the version bits in
    /// `mask` (the general-purpose bits, normally
    /// [`VersionMask::BIP320`]; [`VersionMask::NONE`] to keep the version).
    ///
    /// # Errors
    /// [`Error::WrongJob`] if `job` is a future job (no `min_ntime`) and
    /// `prev` names another job.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
    /// # use sha256d::stratum::VersionMask;
    /// # let job = NewMiningJob { channel_id: 1, job_id: 8, min_ntime: None, version: 0x2000_0000, merkle_root: [3; 32] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 8, prev_hash: [4; 32], min_ntime: 99, nbits: 0x1d00_ffff };
    /// let job8 = StandardJob::new(&job, &prev, VersionMask::BIP320)?;
    /// assert_eq!((job8.job_id(), job8.time()), (8, 99));
    /// // A job sent with its own min_ntime is current at once, whatever prev names.
    /// let now = NewMiningJob { min_ntime: Some(120), ..job };
    /// assert_eq!(StandardJob::new(&now, &SetNewPrevHash { job_id: 5, ..prev }, VersionMask::NONE)?.time(), 120);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    pub fn new(
        job: &NewMiningJob,
        prev: &SetNewPrevHash,
        mask: VersionMask,
    ) -> Result<Self, Error> {
        let time = activate(job.job_id, job.min_ntime, prev)?;
        Ok(StandardJob {
            template: Template {
                channel_id: job.channel_id,
                job_id: job.job_id,
                prev_blockhash: BlockHash::from_byte_array(prev.prev_hash),
                bits: CompactTarget::from_consensus(prev.nbits),
                time,
                version: job.version,
                mask,
            },
            merkle_root: TxMerkleNode::from_byte_array(job.merkle_root),
        })
    }

    /// The pool's job id.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
    /// # use sha256d::stratum::VersionMask;
    /// # let job = NewMiningJob { channel_id: 1, job_id: 8, min_ntime: None, version: 0x2000_0000, merkle_root: [3; 32] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 8, prev_hash: [4; 32], min_ntime: 99, nbits: 0x1d00_ffff };
    /// assert_eq!(StandardJob::new(&job, &prev, VersionMask::BIP320)?.job_id(), 8);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn job_id(&self) -> u32 {
        self.template.job_id
    }

    /// The nTime the headers carry: the job's `min_ntime`.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
    /// # use sha256d::stratum::VersionMask;
    /// # let job = NewMiningJob { channel_id: 1, job_id: 8, min_ntime: None, version: 0x2000_0000, merkle_root: [3; 32] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 8, prev_hash: [4; 32], min_ntime: 99, nbits: 0x1d00_ffff };
    /// // A future job (no min_ntime of its own) takes SetNewPrevHash's.
    /// assert_eq!(StandardJob::new(&job, &prev, VersionMask::BIP320)?.time(), 99);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn time(&self) -> u32 {
        self.template.time
    }

    /// The header with `version` and `nonce` (and the job's nTime).
    ///
    /// ```
    /// # use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
    /// # use sha256d::stratum::VersionMask;
    /// # let job = NewMiningJob { channel_id: 1, job_id: 8, min_ntime: None, version: 0x2000_0000, merkle_root: [3; 32] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 8, prev_hash: [4; 32], min_ntime: 99, nbits: 0x1d00_ffff };
    /// let header = StandardJob::new(&job, &prev, VersionMask::BIP320)?.header(0x2000_2000, 5);
    /// assert_eq!((header.version, header.time, header.nonce), (0x2000_2000, 99, 5));
    /// assert_eq!(header.prev_blockhash.to_byte_array(), [4; 32]);
    /// assert_eq!(header.merkle_root.to_byte_array(), [3; 32]);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn header(&self, version: u32, nonce: u32) -> BlockHeader {
        self.template.header(self.merkle_root, version, nonce)
    }

    /// Every version the mask allows, the job's own first, as [`Work`]
    /// (see [`VersionMask::versions`]).
    ///
    /// ```
    /// # use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
    /// # use sha256d::stratum::VersionMask;
    /// # let job = NewMiningJob { channel_id: 1, job_id: 8, min_ntime: None, version: 0x2000_0000, merkle_root: [3; 32] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 8, prev_hash: [4; 32], min_ntime: 99, nbits: 0x1d00_ffff };
    /// let job8 = StandardJob::new(&job, &prev, VersionMask::new(0x0000_6000))?;
    /// let versions: Vec<u32> = job8.works().map(|work| work.version()).collect();
    /// assert_eq!(versions, [0x2000_0000, 0x2000_2000, 0x2000_4000, 0x2000_6000]);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// [`Work`]: super::Work
    #[must_use]
    pub fn works(&self) -> Works<'_, '_> {
        Works::new(Source::Standard(self), None, self.merkle_root)
    }

    /// The header `share` (`SubmitSharesStandard`) stands for, rebuilt the
    /// way the pool rebuilds it; its hash is computed the plain way.
    ///
    /// # Errors
    /// [`Error::WrongJob`] for another channel or job,
    /// [`Error::VersionBitsOutsideMask`] if the share's version differs
    /// from the job's outside the mask, [`Error::NTimeTooEarly`] for an
    /// nTime before the job's.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
    /// # use sha256d::stratum::VersionMask;
    /// # let job = NewMiningJob { channel_id: 1, job_id: 8, min_ntime: None, version: 0x2000_0000, merkle_root: [3; 32] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 8, prev_hash: [4; 32], min_ntime: 99, nbits: 0x1d00_ffff };
    /// # use sha256d::stratum::Error;
    /// let job8 = StandardJob::new(&job, &prev, VersionMask::BIP320)?;
    /// let work = job8.works().next().expect("the first work");
    /// let share = work.share(0, 12_345);
    /// assert_eq!(job8.share_header(&share)?, job8.header(0x2000_0000, 12_345));
    /// // A version changed outside the mask.
    /// let share = sha256d::stratum::v2::SubmitShares { version: 0x2000_0001, ..share };
    /// assert_eq!(
    ///     job8.share_header(&share),
    ///     Err(Error::VersionBitsOutsideMask { version_bits: 1, mask: 0x1fff_e000 }),
    /// );
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    pub fn share_header(&self, share: &SubmitShares) -> Result<BlockHeader, Error> {
        self.template.check(share)?;
        Ok(self.template.share_header(self.merkle_root, share))
    }

    pub(super) const fn template(&self) -> &Template {
        &self.template
    }
}

/// An extended channel's job made current: the coinbase hashed as far as
/// the miner's extranonce, the Merkle path stored inline, the header
/// fields. It borrows the coinbase suffix and holds no heap memory.
///
/// ```
/// use sha256d::stratum::v2::{ExtendedJob, NewExtendedMiningJob, SetNewPrevHash};
/// use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
/// let job = NewExtendedMiningJob {
///     channel_id: 1, job_id: 2, min_ntime: Some(1_000), version: 0x2000_0000,
///     version_rolling_allowed: true, merkle_path: &[],
///     coinbase_tx_prefix: &[1, 0, 0, 0], coinbase_tx_suffix: &[0xff; 8],
/// };
/// let prev = SetNewPrevHash { channel_id: 1, job_id: 1, prev_hash: [0; 32], min_ntime: 900, nbits: 0x1d00_ffff };
/// // OpenExtendedMiningChannel.Success: extranonce_prefix aa aa, extranonce_size 4.
/// let channel = Extranonce::new(&[0xaa, 0xaa], 4)?;
/// let job = ExtendedJob::new(&job, &prev, &channel, VersionMask::BIP320)?;
/// let extranonce = Extranonce2::from_u64(5, 4)?;
/// let mut coinbase = vec![1, 0, 0, 0, 0xaa, 0xaa, 0, 0, 0, 5];
/// coinbase.extend([0xff; 8]);
/// assert_eq!(job.coinbase_txid(&extranonce)?, sha256d::Txid::from(sha256d::sha256d(&coinbase)));
/// assert_eq!(job.header(&extranonce, 0x2000_0000, 0)?.time, 1_000);
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone)]
pub struct ExtendedJob<'a> {
    template: Template,
    coinbase: Coinbase<'a>,
    branch: Branch,
}

impl<'a> ExtendedJob<'a> {
    /// The job `job` on the block of `prev`, for the channel whose
    /// extranonce prefix and miner's extranonce size are `channel`;
    /// rolling the version bits in `mask` if the job allows it.
    ///
    /// # Errors
    /// [`Error::WrongJob`] if `job` is a future job (no `min_ntime`) and
    /// `prev` names another job; [`Error::TooLong`] for a Merkle path
    /// longer than [`MAX_MERKLE_BRANCH_LEN`](crate::stratum::MAX_MERKLE_BRANCH_LEN).
    ///
    /// ```
    /// # use sha256d::stratum::v2::{ExtendedJob, NewExtendedMiningJob, SetNewPrevHash};
    /// # use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
    /// # let job = NewExtendedMiningJob { channel_id: 1, job_id: 2, min_ntime: Some(1_000), version: 0x2000_0000,
    /// #     version_rolling_allowed: true, merkle_path: &[], coinbase_tx_prefix: &[1, 0, 0, 0], coinbase_tx_suffix: &[0xff; 8] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 1, prev_hash: [0; 32], min_ntime: 900, nbits: 0x1d00_ffff };
    /// # let channel = Extranonce::new(&[0xaa, 0xaa], 4)?;
    /// let job2 = ExtendedJob::new(&job, &prev, &channel, VersionMask::BIP320)?;
    /// assert_eq!((job2.job_id(), job2.time(), job2.extranonce_size()), (2, 1_000, 4));
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    pub fn new(
        job: &NewExtendedMiningJob<'a>,
        prev: &SetNewPrevHash,
        channel: &Extranonce,
        mask: VersionMask,
    ) -> Result<Self, Error> {
        let time = activate(job.job_id, job.min_ntime, prev)?;
        Ok(ExtendedJob {
            template: Template {
                channel_id: job.channel_id,
                job_id: job.job_id,
                prev_blockhash: BlockHash::from_byte_array(prev.prev_hash),
                bits: CompactTarget::from_consensus(prev.nbits),
                time,
                version: job.version,
                mask: if job.version_rolling_allowed {
                    mask
                } else {
                    VersionMask::NONE
                },
            },
            coinbase: Coinbase::new(
                job.coinbase_tx_prefix,
                channel.extranonce1(),
                job.coinbase_tx_suffix,
                channel.extranonce2_size(),
            ),
            branch: Branch::new(job.merkle_path)?,
        })
    }

    /// The pool's job id.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{ExtendedJob, NewExtendedMiningJob, SetNewPrevHash};
    /// # use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
    /// # let job = NewExtendedMiningJob { channel_id: 1, job_id: 2, min_ntime: Some(1_000), version: 0x2000_0000,
    /// #     version_rolling_allowed: true, merkle_path: &[], coinbase_tx_prefix: &[1, 0, 0, 0], coinbase_tx_suffix: &[0xff; 8] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 1, prev_hash: [0; 32], min_ntime: 900, nbits: 0x1d00_ffff };
    /// # let channel = Extranonce::new(&[0xaa, 0xaa], 4)?;
    /// assert_eq!(ExtendedJob::new(&job, &prev, &channel, VersionMask::BIP320)?.job_id(), 2);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn job_id(&self) -> u32 {
        self.template.job_id
    }

    /// The nTime the headers carry: the job's `min_ntime`.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{ExtendedJob, NewExtendedMiningJob, SetNewPrevHash};
    /// # use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
    /// # let job = NewExtendedMiningJob { channel_id: 1, job_id: 2, min_ntime: Some(1_000), version: 0x2000_0000,
    /// #     version_rolling_allowed: true, merkle_path: &[], coinbase_tx_prefix: &[1, 0, 0, 0], coinbase_tx_suffix: &[0xff; 8] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 1, prev_hash: [0; 32], min_ntime: 900, nbits: 0x1d00_ffff };
    /// # let channel = Extranonce::new(&[0xaa, 0xaa], 4)?;
    /// // The job's own min_ntime, not SetNewPrevHash's 900.
    /// assert_eq!(ExtendedJob::new(&job, &prev, &channel, VersionMask::BIP320)?.time(), 1_000);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn time(&self) -> u32 {
        self.template.time
    }

    /// The size of the miner's extranonce.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{ExtendedJob, NewExtendedMiningJob, SetNewPrevHash};
    /// # use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
    /// # let job = NewExtendedMiningJob { channel_id: 1, job_id: 2, min_ntime: Some(1_000), version: 0x2000_0000,
    /// #     version_rolling_allowed: true, merkle_path: &[], coinbase_tx_prefix: &[1, 0, 0, 0], coinbase_tx_suffix: &[0xff; 8] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 1, prev_hash: [0; 32], min_ntime: 900, nbits: 0x1d00_ffff };
    /// # let channel = Extranonce::new(&[0xaa, 0xaa], 4)?;
    /// let job2 = ExtendedJob::new(&job, &prev, &channel, VersionMask::BIP320)?;
    /// assert_eq!(job2.extranonce_size(), channel.extranonce2_size());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn extranonce_size(&self) -> usize {
        self.coinbase.extranonce_size()
    }

    /// The version bits the miner may change: the mask given to
    /// [`ExtendedJob::new`], or none if the job forbids version rolling.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{ExtendedJob, NewExtendedMiningJob, SetNewPrevHash};
    /// # use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
    /// # let job = NewExtendedMiningJob { channel_id: 1, job_id: 2, min_ntime: Some(1_000), version: 0x2000_0000,
    /// #     version_rolling_allowed: true, merkle_path: &[], coinbase_tx_prefix: &[1, 0, 0, 0], coinbase_tx_suffix: &[0xff; 8] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 1, prev_hash: [0; 32], min_ntime: 900, nbits: 0x1d00_ffff };
    /// # let channel = Extranonce::new(&[0xaa, 0xaa], 4)?;
    /// let rolling = ExtendedJob::new(&job, &prev, &channel, VersionMask::BIP320)?;
    /// assert_eq!(rolling.version_mask(), VersionMask::BIP320);
    /// let fixed = NewExtendedMiningJob { version_rolling_allowed: false, ..job };
    /// let fixed = ExtendedJob::new(&fixed, &prev, &channel, VersionMask::BIP320)?;
    /// assert_eq!(fixed.version_mask(), VersionMask::NONE);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn version_mask(&self) -> VersionMask {
        self.template.mask
    }

    /// The coinbase's txid with the miner's `extranonce`, internal byte
    /// order.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{ExtendedJob, NewExtendedMiningJob, SetNewPrevHash};
    /// # use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
    /// # let job = NewExtendedMiningJob { channel_id: 1, job_id: 2, min_ntime: Some(1_000), version: 0x2000_0000,
    /// #     version_rolling_allowed: true, merkle_path: &[], coinbase_tx_prefix: &[1, 0, 0, 0], coinbase_tx_suffix: &[0xff; 8] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 1, prev_hash: [0; 32], min_ntime: 900, nbits: 0x1d00_ffff };
    /// # let channel = Extranonce::new(&[0xaa, 0xaa], 4)?;
    /// let job2 = ExtendedJob::new(&job, &prev, &channel, VersionMask::BIP320)?;
    /// let mut coinbase = vec![1, 0, 0, 0, 0xaa, 0xaa, 0, 0, 0, 5];
    /// coinbase.extend([0xff; 8]);
    /// let txid = job2.coinbase_txid(&Extranonce2::from_u64(5, 4)?)?;
    /// assert_eq!(txid, sha256d::Txid::from(sha256d::sha256d(&coinbase)));
    /// assert!(job2.coinbase_txid(&Extranonce2::zero(3)?).is_err());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Length`] if `extranonce` is not
    /// [`ExtendedJob::extranonce_size`] bytes.
    pub fn coinbase_txid(&self, extranonce: &Extranonce2) -> Result<Txid, Error> {
        self.coinbase.txid(extranonce)
    }

    /// The Merkle root with the miner's `extranonce`: the coinbase txid
    /// folded with the Merkle path (the coinbase is leaf 0).
    ///
    /// ```
    /// # use sha256d::stratum::v2::{ExtendedJob, NewExtendedMiningJob, SetNewPrevHash};
    /// # use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
    /// # let job = NewExtendedMiningJob { channel_id: 1, job_id: 2, min_ntime: Some(1_000), version: 0x2000_0000,
    /// #     version_rolling_allowed: true, merkle_path: &[], coinbase_tx_prefix: &[1, 0, 0, 0], coinbase_tx_suffix: &[0xff; 8] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 1, prev_hash: [0; 32], min_ntime: 900, nbits: 0x1d00_ffff };
    /// # let channel = Extranonce::new(&[0xaa, 0xaa], 4)?;
    /// let extranonce = Extranonce2::from_u64(5, 4)?;
    /// // With an empty path the coinbase is the only transaction.
    /// let job2 = ExtendedJob::new(&job, &prev, &channel, VersionMask::BIP320)?;
    /// assert_eq!(job2.merkle_root(&extranonce)?, job2.coinbase_txid(&extranonce)?.to_byte_array());
    /// // With one more hash in the path, the root is the hash of the pair.
    /// let path = [[9; 32]];
    /// let job3 = ExtendedJob::new(&NewExtendedMiningJob { merkle_path: &path, ..job }, &prev, &channel, VersionMask::BIP320)?;
    /// let mut pair = [9u8; 64];
    /// pair[..32].copy_from_slice(&job2.coinbase_txid(&extranonce)?.to_byte_array());
    /// assert_eq!(job3.merkle_root(&extranonce)?, sha256d::sha256d(&pair).to_byte_array());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`ExtendedJob::coinbase_txid`].
    pub fn merkle_root(&self, extranonce: &Extranonce2) -> Result<TxMerkleNode, Error> {
        Ok(self.branch.root(self.coinbase.txid(extranonce)?))
    }

    /// The header for `extranonce`, `version` and `nonce`, with the job's
    /// nTime.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{ExtendedJob, NewExtendedMiningJob, SetNewPrevHash};
    /// # use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
    /// # let job = NewExtendedMiningJob { channel_id: 1, job_id: 2, min_ntime: Some(1_000), version: 0x2000_0000,
    /// #     version_rolling_allowed: true, merkle_path: &[], coinbase_tx_prefix: &[1, 0, 0, 0], coinbase_tx_suffix: &[0xff; 8] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 1, prev_hash: [0; 32], min_ntime: 900, nbits: 0x1d00_ffff };
    /// # let channel = Extranonce::new(&[0xaa, 0xaa], 4)?;
    /// let job2 = ExtendedJob::new(&job, &prev, &channel, VersionMask::BIP320)?;
    /// let extranonce = Extranonce2::from_u64(5, 4)?;
    /// let header = job2.header(&extranonce, 0x2000_2000, 7)?;
    /// assert_eq!((header.version, header.time, header.nonce), (0x2000_2000, 1_000, 7));
    /// assert_eq!(header.merkle_root, job2.merkle_root(&extranonce)?);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`ExtendedJob::coinbase_txid`].
    pub fn header(
        &self,
        extranonce: &Extranonce2,
        version: u32,
        nonce: u32,
    ) -> Result<BlockHeader, Error> {
        Ok(self
            .template
            .header(self.merkle_root(extranonce)?, version, nonce))
    }

    /// Every (extranonce, version) pair from `first` on, as [`Work`]: for
    /// each extranonce (ascending, big-endian), every version the mask
    /// allows. The coinbase and Merkle root are computed once per
    /// extranonce.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{ExtendedJob, NewExtendedMiningJob, SetNewPrevHash};
    /// # use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
    /// # let job = NewExtendedMiningJob { channel_id: 1, job_id: 2, min_ntime: Some(1_000), version: 0x2000_0000,
    /// #     version_rolling_allowed: true, merkle_path: &[], coinbase_tx_prefix: &[1, 0, 0, 0], coinbase_tx_suffix: &[0xff; 8] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 1, prev_hash: [0; 32], min_ntime: 900, nbits: 0x1d00_ffff };
    /// # let channel = Extranonce::new(&[0xaa, 0xaa], 4)?;
    /// let job2 = ExtendedJob::new(&job, &prev, &channel, VersionMask::new(0x0000_2000))?;
    /// let pairs: Vec<(String, u32)> = job2
    ///     .works(Extranonce2::from_hex("fffffffe")?)?
    ///     .map(|work| (work.extranonce().expect("extended").to_string(), work.version()))
    ///     .collect();
    /// assert_eq!(pairs.len(), 4); // two extranonces, two versions each
    /// assert_eq!(pairs[1], ("fffffffe".to_string(), 0x2000_2000));
    /// assert_eq!(pairs[2], ("ffffffff".to_string(), 0x2000_0000));
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// [`Work`]: super::Work
    ///
    /// # Errors
    /// As [`ExtendedJob::coinbase_txid`], for `first`.
    pub fn works(&self, first: Extranonce2) -> Result<Works<'_, 'a>, Error> {
        let root = self.merkle_root(&first)?;
        Ok(Works::new(Source::Extended(self), Some(first), root))
    }

    /// The header `share` (`SubmitSharesExtended`) stands for, rebuilt the
    /// way the pool rebuilds it; its hash is computed the plain way.
    ///
    /// # Errors
    /// As [`StandardJob::share_header`], and [`Error::Length`] if the
    /// share has no extranonce or one of the wrong size.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{ExtendedJob, NewExtendedMiningJob, SetNewPrevHash};
    /// # use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
    /// # let job = NewExtendedMiningJob { channel_id: 1, job_id: 2, min_ntime: Some(1_000), version: 0x2000_0000,
    /// #     version_rolling_allowed: true, merkle_path: &[], coinbase_tx_prefix: &[1, 0, 0, 0], coinbase_tx_suffix: &[0xff; 8] };
    /// # let prev = SetNewPrevHash { channel_id: 1, job_id: 1, prev_hash: [0; 32], min_ntime: 900, nbits: 0x1d00_ffff };
    /// # let channel = Extranonce::new(&[0xaa, 0xaa], 4)?;
    /// # use sha256d::stratum::{Error, Field};
    /// let job2 = ExtendedJob::new(&job, &prev, &channel, VersionMask::BIP320)?;
    /// let extranonce = Extranonce2::from_u64(5, 4)?;
    /// let work = job2.works(extranonce)?.next().expect("the first work");
    /// let share = work.share(0, 42);
    /// assert_eq!(job2.share_header(&share)?, job2.header(&extranonce, 0x2000_0000, 42)?);
    /// // A SubmitSharesStandard on an extended job: no extranonce.
    /// let share = sha256d::stratum::v2::SubmitShares { extranonce: None, ..share };
    /// assert_eq!(
    ///     job2.share_header(&share),
    ///     Err(Error::Length { field: Field::Extranonce2, expected: 4, found: 0 }),
    /// );
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    pub fn share_header(&self, share: &SubmitShares) -> Result<BlockHeader, Error> {
        self.template.check(share)?;
        let extranonce = share.extranonce.ok_or(Error::Length {
            field: Field::Extranonce2,
            expected: self.extranonce_size(),
            found: 0,
        })?;
        let root = self.merkle_root(&extranonce)?;
        Ok(self.template.share_header(root, share))
    }

    pub(super) const fn template(&self) -> &Template {
        &self.template
    }
}

impl fmt::Debug for ExtendedJob<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExtendedJob")
            .field("template", &self.template)
            .field("extranonce_size", &self.extranonce_size())
            .field("merkle_path_len", &self.branch.as_slice().len())
            .finish_non_exhaustive()
    }
}
