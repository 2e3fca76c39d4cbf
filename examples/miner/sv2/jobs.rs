//! The session's jobs: future jobs waiting for their `SetNewPrevHash`,
//! current jobs on the latest previous block (all stale at once when the
//! next one arrives), the work handed to the hashing thread, and the check
//! of every share before it is sent.

use std::sync::Arc;
use std::time::Instant;

use sha256d::stratum::v2::{SetNewPrevHash, StandardJob};

use super::hashing::{ExtendedEntry, Found, Miner, Order, OrderJob, mask};
use super::messages as m;
use super::session::{Active, End, Job, Sent, Session, Stats};
use crate::output::{say, tell};

/// Current and future jobs kept per connection (older ones are dropped).
const KEPT_JOBS: usize = 16;
/// Shares sent and not yet answered, at most.
const MAX_PENDING_SHARES: usize = 1024;

impl Session<'_> {
    /// A new job: kept as a future job, or (with a `min_ntime`) current at
    /// once on the latest previous block.
    pub(super) fn on_job(&mut self, job_id: u32, min_ntime: Option<u32>, job: Job, miner: &Miner) {
        let kind_ok = matches!(
            (&job, self.extended()),
            (Job::Standard(_), false) | (Job::Extended(_), true)
        );
        if !kind_ok {
            tell!("warning: ignored job {job_id}: not the kind this channel mines");
            return;
        }
        if min_ntime.is_none() {
            self.future.retain(|(id, _)| *id != job_id);
            if self.future.len() >= KEPT_JOBS {
                self.future.pop_front();
            }
            self.future.push_back((job_id, job));
            say!("future job {job_id}");
            return;
        }
        let Some(prev) = self.prev else {
            tell!("warning: ignored job {job_id}: no SetNewPrevHash yet");
            return;
        };
        self.activate(job_id, job, &prev, miner);
    }

    /// `SetNewPrevHash`: every current job is stale; the future job it
    /// names becomes current.
    pub(super) fn on_prev_hash(&mut self, prev: SetNewPrevHash, miner: &Miner) {
        self.active.clear();
        self.current = None;
        self.prev = Some(prev);
        let job_id = prev.job_id;
        let position = self.future.iter().position(|(id, _)| *id == job_id);
        match position.and_then(|i| self.future.remove(i)) {
            Some((_, job)) => {
                say!("new block: job {job_id}, earlier jobs are stale");
                self.activate(job_id, job, &prev, miner);
            }
            None => {
                tell!("warning: SetNewPrevHash names job {job_id}, which never came; waiting");
                miner.set_work(None);
            }
        }
    }

    fn extended(&self) -> bool {
        self.channel
            .as_ref()
            .is_some_and(|channel| channel.extranonce.is_some())
    }

    /// Makes `job` current on `prev` and mines it.
    fn activate(&mut self, job_id: u32, job: Job, prev: &SetNewPrevHash, miner: &Miner) {
        let mask = mask(self.rolling);
        let active = match job {
            Job::Standard(job) => StandardJob::new(&job, prev, mask)
                .map(Active::Standard)
                .map_err(|e| e.to_string()),
            Job::Extended(fields) => {
                let Some(channel) = self.channel.as_ref().and_then(|c| c.extranonce) else {
                    return;
                };
                let entry = ExtendedEntry {
                    fields: *fields,
                    prev: *prev,
                    channel,
                    mask,
                };
                // Built once here so that a bad job is refused before it
                // reaches the hashing thread.
                entry
                    .with_job(|_| ())
                    .map(|()| Active::Extended(Arc::new(entry)))
                    .map_err(|e| e.to_string())
            }
        };
        let active = match active {
            Ok(active) => active,
            Err(problem) => {
                tell!("warning: ignored job {job_id}: {problem}");
                return;
            }
        };
        self.active.retain(|(id, _)| *id != job_id);
        if self.active.len() >= KEPT_JOBS {
            self.active.pop_front();
        }
        self.active.push_back((job_id, active));
        self.current = Some(job_id);
        self.got_work = true;
        say!("job {job_id}: mining");
        self.mine_current(miner);
    }

    fn active(&self, job_id: u32) -> Option<&Active> {
        self.active
            .iter()
            .find(|(id, _)| *id == job_id)
            .map(|(_, active)| active)
    }

    /// Hands the current job to the hashing thread (again, after a target
    /// change), which drops what it was doing at once.
    pub(super) fn mine_current(&self, miner: &Miner) {
        let (Some(active), Some(channel)) = (
            self.current.and_then(|id| self.active(id)),
            self.channel.as_ref(),
        ) else {
            return;
        };
        miner.set_work(Some(Order {
            session: self.id,
            job: match active {
                Active::Standard(job) => OrderJob::Standard(*job),
                Active::Extended(entry) => OrderJob::Extended(Arc::clone(entry)),
            },
            target: channel.target,
        }));
    }

    /// Checks a share the way the pool will (rebuilt header, its hash, the
    /// channel's target now) and sends it; a share of a job that is no
    /// longer current is stale and not sent.
    pub(super) fn on_found(&mut self, found: Found, stats: &mut Stats) -> Result<(), End> {
        let job_id = found.share.job_id;
        let Some(active) = (found.session == self.id)
            .then(|| self.active(job_id))
            .flatten()
        else {
            stats.stale += 1;
            return Ok(());
        };
        let Some(channel) = self.channel.as_ref() else {
            return Ok(());
        };
        let rebuilt = match active {
            Active::Standard(job) => job.share_header(&found.share),
            Active::Extended(entry) => entry
                .with_job(|job| job.share_header(&found.share))
                .and_then(|header| header),
        };
        let header = match rebuilt {
            Ok(header) => header,
            Err(problem) => {
                tell!("error: share not sent: {problem}");
                return Ok(());
            }
        };
        let hash = header.block_hash();
        if hash != found.hash || !hash.meets(&channel.target) {
            tell!(
                "error: share not sent: job {job_id}, nonce {:08x} does not meet the channel target when rebuilt",
                found.share.nonce
            );
            return Ok(());
        }
        if header.meets_own_target().unwrap_or(false) {
            say!("this share is a block: {hash}");
        }
        if self.sent.len() >= MAX_PENDING_SHARES {
            return Err(self.lost(format!("{MAX_PENDING_SHARES} shares without an answer")));
        }
        let sequence = self.next_sequence;
        self.next_sequence = self.next_sequence.wrapping_add(1);
        let share = sha256d::stratum::v2::SubmitShares {
            sequence_number: sequence,
            ..found.share
        };
        let sent = if share.is_extended() {
            m::submit_extended(&share).and_then(|submit| {
                self.conn.send(
                    submit,
                    m::MESSAGE_TYPE_SUBMIT_SHARES_EXTENDED,
                    m::CHANNEL_BIT_SUBMIT_SHARES_EXTENDED,
                )
            })
        } else {
            self.conn.send(
                m::submit_standard(&share),
                m::MESSAGE_TYPE_SUBMIT_SHARES_STANDARD,
                m::CHANNEL_BIT_SUBMIT_SHARES_STANDARD,
            )
        };
        sent.map_err(|e| self.lost(e))?;
        self.sent.insert(
            sequence,
            Sent {
                job_id,
                nonce: share.nonce,
                hash,
                at: Instant::now(),
            },
        );
        Ok(())
    }
}
