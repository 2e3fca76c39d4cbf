//! Stratum v1 messages: one JSON object per line, JSON-RPC 1.0 style.
//!
//! Everything from the pool is checked here, field by field; nothing in
//! a message can make the miner panic. Error texts hold the pool's strings
//! only through [`shown`] (escaped and cut). Requests the miner sends are built
//! at the call sites with `serde_json` (and the submit parameters with the
//! library's `Share::params`).

use serde_json::{Map, Value};
use sha256d::stratum::{Extranonce, Job, MAX_MERKLE_BRANCH_LEN, NotifyHex, VersionMask};

use crate::output::{limit, shown};

/// The longest line accepted from a pool. A `mining.notify` with a large
/// coinbase and a full branch is a few kilobytes.
pub const MAX_LINE: usize = 1 << 20;

/// The longest job id accepted, in bytes: ids are short (pools use a few
/// hex digits), and every share and unanswered submit holds a copy.
pub const MAX_JOB_ID: usize = 256;

/// A message from the pool.
#[derive(Debug)]
pub enum Message {
    /// The answer to one of our requests.
    Response {
        id: u64,
        result: Value,
        error: Option<PoolError>,
    },
    /// A notification (`id` null) or a request from the pool (`id` set).
    Call {
        method: String,
        params: Vec<Value>,
        id: Value,
    },
}

/// An error answer: Stratum pools send `[code, "message", traceback]`;
/// some send an object or a plain string. Held as it is shown: escaped,
/// the code cut to [`limit::NAME`] and the message to [`limit::REASON`]
/// characters.
#[derive(Debug, Clone)]
pub struct PoolError(pub String);

impl PoolError {
    fn from_value(value: &Value) -> Option<PoolError> {
        let both = |code: Option<&Value>, text: Option<&Value>| {
            let code = code.map(Value::to_string).unwrap_or_default();
            let text = text.and_then(Value::as_str).unwrap_or("no message");
            PoolError(format!(
                "{}: {}",
                shown(&code, limit::NAME),
                shown(text, limit::REASON)
            ))
        };
        match value {
            Value::Null => None,
            Value::Array(items) => Some(both(items.first(), items.get(1))),
            Value::Object(fields) => Some(both(fields.get("code"), fields.get("message"))),
            Value::String(text) => Some(PoolError(shown(text, limit::REASON))),
            other => Some(PoolError(shown(&other.to_string(), limit::REASON))),
        }
    }
}

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses one line. The error says what is wrong, for a warning.
pub fn parse(line: &str) -> Result<Message, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    let Value::Object(mut object) = value else {
        return Err("not a JSON object".into());
    };
    let id = object.remove("id").unwrap_or(Value::Null);
    if let Some(method) = object.remove("method") {
        let Value::String(method) = method else {
            return Err("method is not a string".into());
        };
        let params = match object.remove("params") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(params)) => params,
            Some(_) => {
                return Err(format!(
                    "{}: params is not an array",
                    shown(&method, limit::NAME)
                ));
            }
        };
        return Ok(Message::Call { method, params, id });
    }
    response(id, &mut object)
}

fn response(id: Value, object: &mut Map<String, Value>) -> Result<Message, String> {
    // A response: our ids are numbers; accept them echoed as strings too.
    let id = match &id {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or("a response without a usable id")?;
    let error = object.get("error").and_then(PoolError::from_value);
    let result = object.remove("result").unwrap_or(Value::Null);
    Ok(Message::Response { id, result, error })
}

/// A `mining.notify` job, owned, with every field checked.
#[derive(Clone, Debug)]
pub struct NotifyFields {
    pub job_id: String,
    prevhash: String,
    coinb1: String,
    coinb2: String,
    merkle_branch: Vec<String>,
    version: String,
    nbits: String,
    ntime: String,
    pub clean_jobs: bool,
}

impl NotifyFields {
    /// The bytes of its text fields, for the bound on kept jobs.
    pub fn size(&self) -> usize {
        let branch: usize = self.merkle_branch.iter().map(String::len).sum();
        self.job_id.len()
            + self.prevhash.len()
            + self.coinb1.len()
            + self.coinb2.len()
            + branch
            + self.version.len()
            + self.nbits.len()
            + self.ntime.len()
    }

    /// From `params`: job id, prevhash, coinb1, coinb2, branch, version,
    /// nbits, ntime, clean_jobs. The hex is checked by [`Self::job`].
    pub fn from_params(params: &[Value]) -> Result<NotifyFields, String> {
        if params.len() < 9 {
            return Err(format!("{} parameters instead of 9", params.len()));
        }
        let text = |i: usize, name: &str| -> Result<String, String> {
            params[i]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("{name} is not a string"))
        };
        let merkle_branch = params[4]
            .as_array()
            .ok_or("merkle_branch is not an array")?;
        if merkle_branch.len() > MAX_MERKLE_BRANCH_LEN {
            return Err(format!(
                "merkle_branch of {} hashes (at most {MAX_MERKLE_BRANCH_LEN})",
                merkle_branch.len()
            ));
        }
        let merkle_branch = merkle_branch
            .iter()
            .map(|h| h.as_str().map(str::to_owned))
            .collect::<Option<Vec<String>>>()
            .ok_or("merkle_branch holds something other than strings")?;
        let job_id = text(0, "job_id")?;
        if job_id.len() > MAX_JOB_ID {
            return Err(format!(
                "a job_id of {} bytes (at most {MAX_JOB_ID})",
                job_id.len()
            ));
        }
        Ok(NotifyFields {
            job_id,
            prevhash: text(1, "prevhash")?,
            coinb1: text(2, "coinb1")?,
            coinb2: text(3, "coinb2")?,
            merkle_branch,
            version: text(5, "version")?,
            nbits: text(6, "nbits")?,
            ntime: text(7, "ntime")?,
            clean_jobs: params[8].as_bool().ok_or("clean_jobs is not a boolean")?,
        })
    }

    /// Runs `use_job` with the library's job for these fields and
    /// `session`, or says which field is bad.
    pub fn with_job<R>(
        &self,
        session: &Extranonce,
        use_job: impl FnOnce(&Job<'_>) -> R,
    ) -> Result<R, sha256d::stratum::Error> {
        let branch: Vec<&str> = self.merkle_branch.iter().map(String::as_str).collect();
        let notify = NotifyHex {
            job_id: &self.job_id,
            prevhash: &self.prevhash,
            coinb1: &self.coinb1,
            coinb2: &self.coinb2,
            merkle_branch: &branch,
            version: &self.version,
            nbits: &self.nbits,
            ntime: &self.ntime,
            clean_jobs: self.clean_jobs,
        };
        let job = Job::from_hex(&notify, session)?;
        Ok(use_job(&job))
    }
}

/// `mining.subscribe`'s result: `[subscriptions, extranonce1,
/// extranonce2_size]`.
pub fn subscribe_result(result: &Value) -> Result<Extranonce, String> {
    let items = result.as_array().ok_or("the result is not an array")?;
    let extranonce1 = items
        .get(1)
        .and_then(Value::as_str)
        .ok_or("no extranonce1 string")?;
    extranonce_from(extranonce1, items.get(2))
}

/// `mining.set_extranonce`'s params: `[extranonce1, extranonce2_size]`.
pub fn set_extranonce_params(params: &[Value]) -> Result<Extranonce, String> {
    let extranonce1 = params
        .first()
        .and_then(Value::as_str)
        .ok_or("no extranonce1 string")?;
    extranonce_from(extranonce1, params.get(1))
}

fn extranonce_from(extranonce1: &str, size: Option<&Value>) -> Result<Extranonce, String> {
    let size = size
        .and_then(Value::as_u64)
        .ok_or("no extranonce2_size number")?;
    let size = usize::try_from(size).map_err(|_| "extranonce2_size too large".to_string())?;
    Extranonce::from_hex(extranonce1, size).map_err(|e| e.to_string())
}

/// `mining.configure`'s result for version rolling: the granted mask, or
/// `None` when the pool declines.
pub fn configure_result(
    result: &Value,
    requested: VersionMask,
) -> Result<Option<VersionMask>, String> {
    match result.get("version-rolling") {
        Some(Value::Bool(true)) => {}
        Some(Value::Bool(false)) | None => return Ok(None),
        Some(Value::String(reason)) => {
            return Err(format!(
                "version rolling refused: {}",
                shown(reason, limit::REASON)
            ));
        }
        Some(other) => {
            return Err(format!(
                "version-rolling is {}",
                shown(&other.to_string(), limit::EXCERPT)
            ));
        }
    }
    let mask = result
        .get("version-rolling.mask")
        .and_then(Value::as_str)
        .ok_or("no version-rolling.mask string")?;
    let granted = VersionMask::from_hex(mask).map_err(|e| e.to_string())?;
    VersionMask::negotiated(requested, granted)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// `mining.set_difficulty`'s params: `[difficulty]`.
pub fn difficulty_param(params: &[Value]) -> Result<f64, String> {
    params
        .first()
        .and_then(Value::as_f64)
        .ok_or_else(|| "no difficulty number".to_string())
}

/// `client.reconnect`'s params: `[host, port, wait_seconds]`, each
/// optional; port and wait may be numbers or strings.
pub fn reconnect_params(params: &[Value]) -> (Option<String>, Option<u16>, u64) {
    let number = |value: Option<&Value>| -> Option<u64> {
        match value? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    };
    let host = params
        .first()
        .and_then(Value::as_str)
        .filter(|h| !h.is_empty())
        .map(str::to_owned);
    let port = number(params.get(1)).and_then(|p| u16::try_from(p).ok());
    let wait = number(params.get(2)).unwrap_or(0);
    (host, port, wait)
}
