//! What v1 pool mode gives the hashing thread ([`crate::hashing`]): the
//! works of the current job, and every share found.
//!
//! Shares go to the [`Inbox`], which holds a bounded number: with an
//! absurdly easy share target the extra ones are counted, not queued.
//!
//! The connection thread hands it a [`WorkOrder`] with
//! [`crate::hashing::Hashing::set_work`], which cancels the current search.

use std::sync::Arc;

use sha256d::stratum::{Extranonce, Extranonce2, VersionMask};
use sha256d::{BlockHash, SearchJob, Target};

use crate::hashing::{Hashing, Order, Slices, Work};
use crate::inbox::Inbox;
use crate::protocol::NotifyFields;

/// What to mine: one job of one connection.
#[derive(Debug)]
pub struct WorkOrder {
    /// The connection the job came from; shares of an older connection
    /// are dropped.
    pub session: u64,
    pub notify: Arc<NotifyFields>,
    pub extranonce: Extranonce,
    /// The negotiated BIP 310 mask, `None` without version rolling.
    pub rolling: Option<VersionMask>,
    /// The share target.
    pub target: Target,
}

/// A nonce whose header hash met the share target.
#[derive(Debug)]
pub struct FoundShare {
    pub session: u64,
    pub job_id: String,
    pub extranonce2: Extranonce2,
    pub ntime: u32,
    pub nonce: u32,
    pub version_bits: Option<u32>,
    /// The hash the search reported; the connection thread recomputes it.
    pub hash: BlockHash,
}

/// The hashing thread of v1 mode.
pub type Miner = Hashing<WorkOrder>;

impl Work for sha256d::stratum::Work<'_> {
    fn search_job(&self, target: Target) -> SearchJob {
        sha256d::stratum::Work::search_job(self, target)
    }
}

impl Order for WorkOrder {
    type Sink = Arc<Inbox>;

    const CAP_FIRST_SLICE: bool = true;

    /// Every (extranonce2, version) pair of the job.
    fn search(&self, slices: &Slices<'_>, inbox: &Arc<Inbox>) -> bool {
        let size = self.extranonce.extranonce2_size();
        let finished = self.notify.with_job(&self.extranonce, |job| {
            let Ok(works) =
                Extranonce2::zero(size).and_then(|first| job.works(first, self.rolling))
            else {
                return true;
            };
            slices.search(self.target, works, |work, solutions| {
                for (index, solution) in solutions.iter().enumerate() {
                    let share = work.share(solution.nonce);
                    let found = FoundShare {
                        session: self.session,
                        job_id: job.job_id().to_owned(),
                        extranonce2: *share.extranonce2(),
                        ntime: share.ntime(),
                        nonce: share.nonce(),
                        version_bits: share.version_bits(),
                        hash: solution.hash,
                    };
                    if !inbox.push_share(found) {
                        // The queue is full: the rest of this slice's
                        // shares are counted, not built.
                        let rest = solutions.len() - index - 1;
                        inbox.count_dropped(rest as u64);
                        break;
                    }
                }
                true
            })
        });
        finished.unwrap_or(true)
    }

    fn exhausted(&self, inbox: &Arc<Inbox>) {
        inbox.push_exhausted(self.session, self.notify.job_id.clone());
    }
}
