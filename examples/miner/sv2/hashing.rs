//! What SV2 pool mode gives the hashing thread ([`crate::hashing`], shared
//! with v1 mode): the works of the current v2 job (a standard job's
//! versions, or an extended job's extranonces and versions), and every
//! share found, sent to the session's bounded event channel. New work
//! cancels the current search within one chunk, as in v1 mode.

use std::sync::Arc;
use std::sync::mpsc::SyncSender;

use sha256d::stratum::v2::{
    ExtendedJob, NewExtendedMiningJob, SetNewPrevHash, StandardJob, SubmitShares, Work,
};
use sha256d::stratum::{Error, Extranonce, Extranonce2, VersionMask};
use sha256d::{BlockHash, SearchJob, Target};

use super::messages::ExtendedJobFields;
use super::session::Event;
use crate::hashing::{self, Hashing, Slices};

/// What to mine: one job of one connection.
pub struct Order {
    pub session: u64,
    pub job: OrderJob,
    pub target: Target,
}

/// The job of an [`Order`].
pub enum OrderJob {
    Standard(StandardJob),
    Extended(Arc<ExtendedEntry>),
}

/// A nonce whose header hash met the target.
#[derive(Debug)]
pub struct Found {
    pub session: u64,
    /// The share's fields (sequence number 0: the session numbers it).
    pub share: SubmitShares,
    /// The hash the search reported; the session recomputes it.
    pub hash: BlockHash,
}

impl Order {
    /// Searches `works`, sending every share found (the send blocks while
    /// the channel is full); false when cancelled or the session is gone.
    fn search_works(
        &self,
        slices: &Slices<'_>,
        events: &SyncSender<Event>,
        works: impl Iterator<Item = Work>,
    ) -> bool {
        slices.search(self.target, works, |work, solutions| {
            solutions.iter().all(|solution| {
                let found = Found {
                    session: self.session,
                    share: work.share(0, solution.nonce),
                    hash: solution.hash,
                };
                events.send(Event::Found(found)).is_ok()
            })
        })
    }
}

/// The hashing thread of v2 mode.
pub type Miner = Hashing<Order>;

impl hashing::Work for Work {
    fn search_job(&self, target: Target) -> SearchJob {
        Work::search_job(self, target)
    }
}

impl hashing::Order for Order {
    type Sink = SyncSender<Event>;

    const CAP_FIRST_SLICE: bool = false;

    /// A standard job's versions, or an extended job's extranonces and
    /// versions.
    fn search(&self, slices: &Slices<'_>, events: &SyncSender<Event>) -> bool {
        match &self.job {
            OrderJob::Standard(job) => self.search_works(slices, events, job.works()),
            OrderJob::Extended(entry) => entry
                .with_job(|job| {
                    Extranonce2::zero(job.extranonce_size())
                        .and_then(|first| job.works(first))
                        .map_or(true, |works| self.search_works(slices, events, works))
                })
                .unwrap_or(true),
        }
    }

    fn exhausted(&self, events: &SyncSender<Event>) {
        let job_id = match &self.job {
            OrderJob::Standard(job) => job.job_id(),
            OrderJob::Extended(entry) => entry.fields.job_id,
        };
        let _ = events.send(Event::Exhausted {
            session: self.session,
            job_id,
        });
    }
}

/// An extended job made current: the pool's fields, the block it builds
/// on, the channel's extranonce prefix and size, and the mask.
#[derive(Debug)]
pub struct ExtendedEntry {
    pub fields: ExtendedJobFields,
    pub prev: SetNewPrevHash,
    pub channel: Extranonce,
    pub mask: VersionMask,
}

impl ExtendedEntry {
    /// Runs `f` on the library's job (which borrows the coinbase parts).
    pub fn with_job<R>(&self, f: impl FnOnce(&ExtendedJob<'_>) -> R) -> Result<R, Error> {
        let fields = &self.fields;
        let job = NewExtendedMiningJob {
            channel_id: fields.channel_id,
            job_id: fields.job_id,
            min_ntime: fields.min_ntime,
            version: fields.version,
            version_rolling_allowed: fields.version_rolling_allowed,
            merkle_path: &fields.merkle_path,
            coinbase_tx_prefix: &fields.coinbase_tx_prefix,
            coinbase_tx_suffix: &fields.coinbase_tx_suffix,
        };
        let job = ExtendedJob::new(&job, &self.prev, &self.channel, self.mask)?;
        Ok(f(&job))
    }
}

/// The mask to roll with: BIP 320's bits, or none without version rolling.
pub const fn mask(version_rolling: bool) -> VersionMask {
    if version_rolling {
        VersionMask::BIP320
    } else {
        VersionMask::NONE
    }
}
