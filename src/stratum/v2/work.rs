//! The work a v2 job gives, and the fields of the share a solved nonce
//! becomes.

use super::job::{ExtendedJob, StandardJob, Template};
use crate::stratum::Extranonce2;
use crate::stratum::version::next_pattern;
use crate::{BlockHeader, SearchJob, Target, TxMerkleNode};

/// The job a [`Works`] walks.
#[derive(Clone, Debug)]
pub(super) enum Source<'j, 'a> {
    Standard(&'j StandardJob),
    Extended(&'j ExtendedJob<'a>),
}

impl Source<'_, '_> {
    fn template(&self) -> &Template {
        match self {
            Source::Standard(job) => job.template(),
            Source::Extended(job) => job.template(),
        }
    }
}

/// The headers of a v2 job: see [`StandardJob::works`] and
/// [`ExtendedJob::works`].
///
/// ```
/// use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
/// use sha256d::stratum::VersionMask;
/// let job = NewMiningJob { channel_id: 3, job_id: 8, min_ntime: Some(77), version: 0x2000_0000, merkle_root: [3; 32] };
/// let prev = SetNewPrevHash { channel_id: 3, job_id: 1, prev_hash: [4; 32], min_ntime: 70, nbits: 0x1d00_ffff };
/// // A standard channel: one work per version the mask allows.
/// assert_eq!(StandardJob::new(&job, &prev, VersionMask::BIP320)?.works().count(), 1 << 16);
/// assert_eq!(StandardJob::new(&job, &prev, VersionMask::NONE)?.works().count(), 1);
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Works<'j, 'a> {
    source: Source<'j, 'a>,
    /// The extranonce being rolled (`None` on a standard channel) and its
    /// Merkle root; `None` when done.
    current: Option<(Option<Extranonce2>, TxMerkleNode)>,
    /// The rolled-bits pattern of the next version.
    pattern: u32,
}

impl<'j, 'a> Works<'j, 'a> {
    pub(super) fn new(
        source: Source<'j, 'a>,
        first: Option<Extranonce2>,
        merkle_root: TxMerkleNode,
    ) -> Self {
        Works {
            source,
            current: Some((first, merkle_root)),
            pattern: 0,
        }
    }
}

impl Iterator for Works<'_, '_> {
    type Item = Work;

    fn next(&mut self) -> Option<Work> {
        let (extranonce, merkle_root) = self.current?;
        let template = self.source.template();
        let version = template.version ^ self.pattern;
        let work = Work {
            channel_id: template.channel_id,
            job_id: template.job_id,
            extranonce,
            header: template.header(merkle_root, version, 0),
        };
        match next_pattern(self.pattern, template.mask.bits()) {
            Some(pattern) => self.pattern = pattern,
            None => {
                self.pattern = 0;
                self.current = match (&self.source, extranonce) {
                    (Source::Extended(job), Some(extranonce)) => extranonce.next().map(|next| {
                        // The size was checked when the iteration started
                        // and `next` keeps it.
                        let root = job.merkle_root(&next).unwrap_or_default();
                        (Some(next), root)
                    }),
                    _ => None,
                };
            }
        }
        Some(work)
    }
}

/// One header of a v2 job, whose 2^32 nonces a miner searches: a version
/// and, on an extended channel, an extranonce.
///
/// ```
/// use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
/// use sha256d::stratum::VersionMask;
/// let job = NewMiningJob { channel_id: 3, job_id: 8, min_ntime: Some(77), version: 0x2000_0000, merkle_root: [3; 32] };
/// let prev = SetNewPrevHash { channel_id: 3, job_id: 1, prev_hash: [4; 32], min_ntime: 70, nbits: 0x1d00_ffff };
/// let job = StandardJob::new(&job, &prev, VersionMask::BIP320)?;
/// let work = job.works().nth(2).unwrap();
/// assert_eq!(work.version(), 0x2000_4000);
/// assert_eq!(work.header().time, 77);
/// let share = work.share(41, 5);
/// assert_eq!((share.sequence_number, share.nonce, share.version), (41, 5, 0x2000_4000));
/// assert_eq!(job.share_header(&share)?, sha256d::BlockHeader { nonce: 5, ..*work.header() });
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Work {
    channel_id: u32,
    job_id: u32,
    extranonce: Option<Extranonce2>,
    header: BlockHeader,
}

impl Work {
    /// The header with nonce 0.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
    /// # use sha256d::stratum::VersionMask;
    /// # let job = NewMiningJob { channel_id: 3, job_id: 8, min_ntime: Some(77), version: 0x2000_0000, merkle_root: [3; 32] };
    /// # let prev = SetNewPrevHash { channel_id: 3, job_id: 1, prev_hash: [4; 32], min_ntime: 70, nbits: 0x1d00_ffff };
    /// # let job = StandardJob::new(&job, &prev, VersionMask::BIP320)?;
    /// let header = *job.works().next().expect("the first work").header();
    /// assert_eq!(header, job.header(0x2000_0000, 0));
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn header(&self) -> &BlockHeader {
        &self.header
    }

    /// The header version.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
    /// # use sha256d::stratum::VersionMask;
    /// # let job = NewMiningJob { channel_id: 3, job_id: 8, min_ntime: Some(77), version: 0x2000_0000, merkle_root: [3; 32] };
    /// # let prev = SetNewPrevHash { channel_id: 3, job_id: 1, prev_hash: [4; 32], min_ntime: 70, nbits: 0x1d00_ffff };
    /// # let job = StandardJob::new(&job, &prev, VersionMask::BIP320)?;
    /// let versions: Vec<u32> = job.works().take(3).map(|work| work.version()).collect();
    /// assert_eq!(versions, [0x2000_0000, 0x2000_2000, 0x2000_4000]);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn version(&self) -> u32 {
        u32::from_le_bytes(self.header.version.to_le_bytes())
    }

    /// The miner's extranonce in the coinbase (`None` on a standard
    /// channel).
    ///
    /// ```
    /// # use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
    /// # use sha256d::stratum::VersionMask;
    /// # let job = NewMiningJob { channel_id: 3, job_id: 8, min_ntime: Some(77), version: 0x2000_0000, merkle_root: [3; 32] };
    /// # let prev = SetNewPrevHash { channel_id: 3, job_id: 1, prev_hash: [4; 32], min_ntime: 70, nbits: 0x1d00_ffff };
    /// # let job = StandardJob::new(&job, &prev, VersionMask::BIP320)?;
    /// assert_eq!(job.works().next().expect("the first work").extranonce(), None);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn extranonce(&self) -> Option<&Extranonce2> {
        self.extranonce.as_ref()
    }

    /// The pool's job id.
    ///
    /// ```
    /// # use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
    /// # use sha256d::stratum::VersionMask;
    /// # let job = NewMiningJob { channel_id: 3, job_id: 8, min_ntime: Some(77), version: 0x2000_0000, merkle_root: [3; 32] };
    /// # let prev = SetNewPrevHash { channel_id: 3, job_id: 1, prev_hash: [4; 32], min_ntime: 70, nbits: 0x1d00_ffff };
    /// # let job = StandardJob::new(&job, &prev, VersionMask::BIP320)?;
    /// assert_eq!(job.works().next().expect("the first work").job_id(), 8);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn job_id(&self) -> u32 {
        self.job_id
    }

    /// The nonce search for this work: its own midstate and `target`,
    /// normally the channel's ([`channel_target`](super::channel_target)).
    ///
    /// ```
    /// # use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
    /// # use sha256d::stratum::VersionMask;
    /// # let job = NewMiningJob { channel_id: 3, job_id: 8, min_ntime: Some(77), version: 0x2000_0000, merkle_root: [3; 32] };
    /// # let prev = SetNewPrevHash { channel_id: 3, job_id: 1, prev_hash: [4; 32], min_ntime: 70, nbits: 0x1d00_ffff };
    /// # let job = StandardJob::new(&job, &prev, VersionMask::BIP320)?;
    /// use sha256d::{Engine, NonceRange, Solution};
    /// // About one hash in 2^8 meets this target (its top 8 bits are zero).
    /// let mut le = [0xff; 32];
    /// le[31] = 0;
    /// let target = sha256d::stratum::v2::channel_target(le)?;
    /// let work = job.works().next().expect("the first work");
    /// let mut found = [Solution::default(); 1];
    /// let outcome = Engine::best().search(&work.search_job(target), NonceRange::FULL, &mut found);
    /// assert_eq!(outcome.found, 1);
    /// assert_eq!(job.header(work.version(), found[0].nonce).block_hash(), found[0].hash);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn search_job(&self, target: Target) -> SearchJob {
        SearchJob::new(&self.header, target)
    }

    /// The share to submit for `nonce`, numbered `sequence_number` (the
    /// channel's submissions are numbered by the miner, and the pool's
    /// answers refer to the numbers).
    ///
    /// ```
    /// # use sha256d::stratum::v2::{NewMiningJob, SetNewPrevHash, StandardJob};
    /// # use sha256d::stratum::VersionMask;
    /// # let job = NewMiningJob { channel_id: 3, job_id: 8, min_ntime: Some(77), version: 0x2000_0000, merkle_root: [3; 32] };
    /// # let prev = SetNewPrevHash { channel_id: 3, job_id: 1, prev_hash: [4; 32], min_ntime: 70, nbits: 0x1d00_ffff };
    /// # let job = StandardJob::new(&job, &prev, VersionMask::BIP320)?;
    /// let share = job.works().nth(1).expect("the second work").share(41, 5);
    /// assert_eq!((share.channel_id, share.sequence_number, share.job_id), (3, 41, 8));
    /// assert_eq!((share.nonce, share.ntime, share.version), (5, 77, 0x2000_2000));
    /// assert!(!share.is_extended());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn share(&self, sequence_number: u32, nonce: u32) -> SubmitShares {
        SubmitShares {
            channel_id: self.channel_id,
            sequence_number,
            job_id: self.job_id,
            nonce,
            ntime: self.header.time,
            version: u32::from_le_bytes(self.header.version.to_le_bytes()),
            extranonce: self.extranonce,
        }
    }
}

/// The fields of `SubmitSharesStandard` (no `extranonce`) or
/// `SubmitSharesExtended`. Unlike v1, the version is the whole header
/// version, not only the rolled bits.
///
/// ```
/// use sha256d::stratum::{v2::SubmitShares, Extranonce2};
/// let share = SubmitShares {
///     channel_id: 1, sequence_number: 0, job_id: 2, nonce: 3, ntime: 4, version: 0x2000_0000,
///     extranonce: Some(Extranonce2::zero(8)?),
/// };
/// assert!(share.is_extended());
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SubmitShares {
    /// The channel.
    pub channel_id: u32,
    /// The miner's number for this submission.
    pub sequence_number: u32,
    /// The pool's job id.
    pub job_id: u32,
    /// The nonce.
    pub nonce: u32,
    /// The header's nTime.
    pub ntime: u32,
    /// The header's whole version.
    pub version: u32,
    /// The miner's extranonce: `Some` for `SubmitSharesExtended`.
    pub extranonce: Option<Extranonce2>,
}

impl SubmitShares {
    /// Whether this is a `SubmitSharesExtended`.
    ///
    /// ```
    /// use sha256d::stratum::{v2::SubmitShares, Extranonce2};
    /// let standard = SubmitShares {
    ///     channel_id: 1, sequence_number: 0, job_id: 2, nonce: 3, ntime: 4, version: 0x2000_0000,
    ///     extranonce: None,
    /// };
    /// assert!(!standard.is_extended());
    /// assert!(SubmitShares { extranonce: Some(Extranonce2::zero(8)?), ..standard }.is_extended());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn is_extended(&self) -> bool {
        self.extranonce.is_some()
    }
}
