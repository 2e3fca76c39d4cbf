//! The work a v1 job gives: one header per (extranonce2, version) pair, and
//! the share each solved nonce becomes.

use super::share::Share;
use super::version::next_pattern;
use super::{Extranonce2, Job, VersionMask};
use crate::{BlockHeader, SearchJob, Target, TxMerkleNode};

/// The (extranonce2, version) pairs of a job: see [`Job::works`].
///
/// ```
/// # use sha256d::stratum::{Extranonce, Extranonce2, Job, Notify};
/// # let notify = Notify { job_id: "7", prevhash: [0; 32], coinb1: &[1], coinb2: &[2],
/// #     merkle_branch: &[], version: 0x2000_0000, nbits: 0x1d00_ffff, ntime: 77, clean_jobs: true };
/// let job = Job::new(&notify, &Extranonce::new(&[], 1)?)?;
/// // No version rolling: one work per extranonce2, up to ff.
/// let mut works = job.works(Extranonce2::from_hex("fe")?, None)?;
/// assert_eq!(works.next().map(|work| work.extranonce2().to_string()).as_deref(), Some("fe"));
/// assert_eq!(works.next().map(|work| work.extranonce2().to_string()).as_deref(), Some("ff"));
/// assert!(works.next().is_none());
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Works<'j, 'a> {
    job: &'j Job<'a>,
    rolling: Option<VersionMask>,
    /// The extranonce2 being rolled and its Merkle root; `None` when done.
    current: Option<(Extranonce2, TxMerkleNode)>,
    /// The rolled-bits pattern of the next version.
    pattern: u32,
}

impl<'j, 'a> Works<'j, 'a> {
    /// The works of `job` from `first`, whose Merkle root is `merkle_root`.
    pub(super) fn new(
        job: &'j Job<'a>,
        rolling: Option<VersionMask>,
        first: Extranonce2,
        merkle_root: TxMerkleNode,
    ) -> Self {
        Works {
            job,
            rolling,
            current: Some((first, merkle_root)),
            pattern: 0,
        }
    }
}

impl<'a> Iterator for Works<'_, 'a> {
    type Item = Work<'a>;

    fn next(&mut self) -> Option<Work<'a>> {
        let (extranonce2, merkle_root) = self.current?;
        let mask = self.rolling.map_or(0, VersionMask::bits);
        let version = self.job.version() ^ self.pattern;
        let work = Work {
            job_id: self.job.job_id(),
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
