//! What the pool asks of the session: jobs, difficulty, extranonces,
//! version masks, `client.*` calls.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use sha256d::stratum::{VersionMask, share_target};

use super::{
    End, JobEntry, KEPT_JOBS, MAX_JOB_BYTES, REQUESTED_MASK, Request, Session, USER_AGENT,
};
use crate::endpoint::valid_host;
use crate::output::{event, limit, say, shown, tell};
use crate::pool::Stats;
use crate::pool_miner::{Miner, WorkOrder};
use crate::progress::format_duration;
use crate::protocol::{self, NotifyFields};

impl Session<'_> {
    pub(super) fn on_call(
        &mut self,
        method: &str,
        params: &[Value],
        id: &Value,
        miner: &Miner,
        stats: &mut Stats,
    ) -> Result<(), End> {
        match method {
            "mining.notify" => self.on_notify(params, miner, stats),
            "mining.set_difficulty" => {
                match protocol::difficulty_param(params)
                    .and_then(|d| share_target(d).map(|_| d).map_err(|e| e.to_string()))
                {
                    Ok(difficulty) => {
                        say!("difficulty {difficulty} (for the next job)");
                        self.difficulty = difficulty;
                    }
                    Err(problem) => tell!("warning: ignored mining.set_difficulty: {problem}"),
                }
            }
            "mining.set_extranonce" => match protocol::set_extranonce_params(params) {
                Ok(extranonce) => {
                    say!("new {extranonce} (for the next job)");
                    self.extranonce = Some(extranonce);
                }
                Err(problem) => tell!("warning: ignored mining.set_extranonce: {problem}"),
            },
            "mining.set_version_mask" => self.on_set_version_mask(params, miner),
            "client.reconnect" => return self.on_reconnect(params),
            "client.show_message" => {
                let text = params.first().and_then(Value::as_str).unwrap_or("");
                event!("message from the pool: {}", shown(text, limit::MESSAGE));
            }
            "client.get_version" => self.reply(id, json!(USER_AGENT), Value::Null)?,
            "mining.ping" => self.reply(id, json!("pong"), Value::Null)?,
            other => {
                tell!(
                    "warning: ignored unknown method {}",
                    shown(other, limit::NAME)
                );
                if !id.is_null() {
                    self.reply(id, Value::Null, json!([20, "Method not found", null]))?;
                }
            }
        }
        Ok(())
    }

    fn on_set_version_mask(&mut self, params: &[Value], miner: &Miner) {
        let parsed = params
            .first()
            .and_then(Value::as_str)
            .ok_or_else(|| "no mask string".to_string())
            .and_then(|m| VersionMask::from_hex(m).map_err(|e| e.to_string()))
            .and_then(|m| VersionMask::negotiated(REQUESTED_MASK, m).map_err(|e| e.to_string()));
        match (self.rolling, parsed) {
            (None, _) => tell!("warning: ignored mining.set_version_mask: version rolling is off"),
            (Some(_), Ok(mask)) => {
                say!("version rolling: mask {mask} from now on");
                self.rolling = Some(mask);
                self.mine_current(miner);
            }
            (Some(_), Err(problem)) => tell!("warning: ignored mining.set_version_mask: {problem}"),
        }
    }

    /// `client.reconnect`: the same host (another port is fine) is
    /// followed; another host only with `--allow-redirect`. The wait is
    /// capped at `--max-reconnect-wait`.
    fn on_reconnect(&mut self, params: &[Value]) -> Result<(), End> {
        let (host, port, wait) = protocol::reconnect_params(params);
        let host = host.unwrap_or_else(|| self.endpoint.host.clone());
        let port = port.unwrap_or(self.endpoint.port);
        if !valid_host(&host) {
            tell!(
                "warning: ignored client.reconnect to {}: not a host name",
                shown(&host, limit::NAME)
            );
            return Ok(());
        }
        if !self.endpoint.same_host(&host) && !self.config.allow_redirect {
            tell!(
                "warning: ignored client.reconnect to {}:{port}: another host (--allow-redirect follows it)",
                shown(&host, limit::NAME)
            );
            return Ok(());
        }
        let asked = Duration::from_secs(wait);
        let wait = asked.min(self.config.max_reconnect_wait);
        if wait < asked {
            tell!(
                "warning: client.reconnect asked to wait {}; waiting {} (--max-reconnect-wait)",
                format_duration(asked.as_secs_f64()),
                format_duration(wait.as_secs_f64())
            );
        }
        Err(End::Redirect {
            to: self.endpoint.moved(host, port),
            wait,
            got_work: self.got_work,
        })
    }

    fn on_notify(&mut self, params: &[Value], miner: &Miner, stats: &mut Stats) {
        let fields = match NotifyFields::from_params(params) {
            Ok(fields) => fields,
            Err(problem) => {
                tell!("warning: ignored a mining.notify: {problem}");
                return;
            }
        };
        let job_id = shown(&fields.job_id, limit::JOB_ID);
        let Some(extranonce) = self.extranonce else {
            tell!("warning: ignored job {job_id}: it came before the answer to mining.subscribe");
            return;
        };
        if let Err(problem) = fields.with_job(&extranonce, |_| ()) {
            tell!("warning: ignored job {job_id}: {problem}");
            return;
        }
        let size = fields.size();
        if size > MAX_JOB_BYTES {
            tell!(
                "warning: ignored job {job_id}: {size} bytes of fields (at most {MAX_JOB_BYTES})"
            );
            return;
        }
        let Ok(target) = share_target(self.difficulty) else {
            // set_difficulty only accepts difficulties with a target.
            return;
        };
        // A pool that never answered mining.configure but sends work does
        // not roll versions.
        let unanswered: Vec<u64> = self
            .pending
            .iter()
            .filter(|(_, (request, _))| matches!(request, Request::Configure))
            .map(|(&id, _)| id)
            .collect();
        for id in unanswered {
            self.pending.remove(&id);
            say!("no version rolling: mining.configure was not answered before the first job");
        }
        let clean = fields.clean_jobs;
        if clean {
            self.jobs.clear();
            self.job_bytes = 0;
        }
        self.forget_job(&fields.job_id);
        while !self.jobs.is_empty()
            && (self.jobs.len() >= KEPT_JOBS || self.job_bytes + size > MAX_JOB_BYTES)
        {
            if let Some((_, old)) = self.jobs.pop_front() {
                self.job_bytes -= old.notify.size();
            }
        }
        let id = fields.job_id.clone();
        self.job_bytes += size;
        self.jobs.push_back((
            id.clone(),
            JobEntry {
                notify: Arc::new(fields),
                extranonce,
                target,
                difficulty: self.difficulty,
            },
        ));
        self.current = Some(id);
        self.got_work = true;
        stats.difficulty = self.difficulty;
        event!(
            "new job {job_id}{}: difficulty {}",
            if clean {
                " (clean: earlier jobs dropped)"
            } else {
                ""
            },
            self.difficulty
        );
        self.mine_current(miner);
    }

    fn forget_job(&mut self, job_id: &str) {
        if let Some(index) = self.jobs.iter().position(|(id, _)| id == job_id)
            && let Some((_, old)) = self.jobs.remove(index)
        {
            self.job_bytes -= old.notify.size();
        }
    }

    pub(super) fn job(&self, job_id: &str) -> Option<&JobEntry> {
        self.jobs
            .iter()
            .find(|(id, _)| id == job_id)
            .map(|(_, entry)| entry)
    }

    /// Hands the current job to the hashing thread (again, when the
    /// version mask changed), which drops what it was doing at once.
    pub(super) fn mine_current(&self, miner: &Miner) {
        let Some(entry) = self.current.as_deref().and_then(|id| self.job(id)) else {
            return;
        };
        miner.set_work(Some(WorkOrder {
            session: self.id,
            notify: Arc::clone(&entry.notify),
            extranonce: entry.extranonce,
            rolling: self.rolling,
            target: entry.target,
        }));
    }
}
