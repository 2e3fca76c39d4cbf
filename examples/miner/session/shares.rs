//! Shares: checked again, capped in rate, sent.

use std::time::Instant;

use sha256d::stratum::Share;

use super::{End, MAX_PENDING, Request, Session};
use crate::output::{limit, say, shown, tell};
use crate::pool::Stats;
use crate::pool_miner::FoundShare;

impl Session<'_> {
    /// Takes one share from the `--max-share-rate` bucket; `false` when
    /// the cap is reached.
    fn take_share_token(&mut self) -> bool {
        let now = Instant::now();
        let rate = self.config.max_share_rate;
        let elapsed = now.duration_since(self.tokens_at).as_secs_f64();
        self.tokens_at = now;
        self.share_tokens = (self.share_tokens + elapsed * rate).min(rate.max(1.0));
        if self.share_tokens >= 1.0 {
            self.share_tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Counts a share that is not sent because too many are found, and
    /// says why the first time.
    fn over_cap(&self, stats: &mut Stats, why: &str) {
        stats.over_cap += 1;
        if !stats.warned_over_cap {
            stats.warned_over_cap = true;
            tell!(
                "warning: {why}: the pool's share target (difficulty {}) is far too easy for this miner; further shares over the cap are counted, not sent",
                self.difficulty
            );
        }
    }

    /// Checks a share the way the pool will (rebuilt header, plain
    /// SHA-256d, the job's share target) and sends it, within the rate
    /// cap and the bound on unanswered requests.
    pub(super) fn on_found(&mut self, found: FoundShare, stats: &mut Stats) -> Result<(), End> {
        if found.session != self.id {
            stats.stale += 1;
            return Ok(());
        }
        if self.job(&found.job_id).is_none() {
            stats.stale += 1;
            tell!(
                "stale share not sent: job {} was dropped",
                shown(&found.job_id, limit::JOB_ID)
            );
            return Ok(());
        }
        // The caps come before the check, which hashes the coinbase.
        if self.pending.len() >= MAX_PENDING {
            self.over_cap(
                stats,
                &format!("{MAX_PENDING} requests wait for the pool's answer"),
            );
            return Ok(());
        }
        if !self.take_share_token() {
            let why = format!(
                "more than {} shares per second found (--max-share-rate)",
                self.config.max_share_rate
            );
            self.over_cap(stats, &why);
            return Ok(());
        }
        let Some(entry) = self.job(&found.job_id) else {
            return Ok(());
        };
        let share = Share::new(
            &found.job_id,
            found.extranonce2,
            found.ntime,
            found.nonce,
            found.version_bits,
        );
        let rebuilt = entry
            .notify
            .with_job(&entry.extranonce, |job| {
                job.share_header(&share, self.rolling)
            })
            .and_then(|header| header);
        let header = match rebuilt {
            Ok(header) => header,
            Err(problem) => {
                tell!("error: share not sent: {problem}");
                return Ok(());
            }
        };
        let hash = header.block_hash();
        if hash != found.hash || !hash.meets(&entry.target) {
            tell!(
                "error: share not sent: job {}, nonce {:08x} does not meet the share target (difficulty {}) when rebuilt",
                shown(&found.job_id, limit::JOB_ID),
                found.nonce,
                entry.difficulty
            );
            return Ok(());
        }
        if header.meets_own_target().unwrap_or(false) {
            say!("this share is a block: {hash}");
        }
        let id = self.next_request;
        self.next_request += 1;
        let line = format!(
            r#"{{"id":{id},"method":"mining.submit","params":{}}}"#,
            share.params(&self.config.user)
        );
        self.send_line(&line).map_err(|e| self.lost(e))?;
        self.pending.insert(
            id,
            (
                Request::Submit {
                    job_id: found.job_id,
                    nonce: found.nonce,
                    hash,
                },
                Instant::now(),
            ),
        );
        Ok(())
    }
}
