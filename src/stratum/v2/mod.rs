//! Pool mining with Stratum V2: work from the fields of the mining
//! protocol's messages, as plain bytes and integers, so that firmware with
//! its own framing and encryption builds its headers with the same code as
//! a miner using a full protocol stack. `no_std`, no allocation.
//!
//! A channel gets its job in two parts: the job itself, and the
//! `SetNewPrevHash` that makes it current ([`SetNewPrevHash`]: the previous
//! block hash, nBits and the smallest nTime).
//!
//! - A **standard channel** (header-only mining) gets [`NewMiningJob`]:
//!   the version and a finished Merkle root. [`StandardJob`] builds its
//!   headers; the miner rolls the nonce and the version bits inside the
//!   mask (BIP 320's [`VersionMask::BIP320`](super::VersionMask::BIP320)
//!   unless it agreed on another).
//! - An **extended channel** gets [`NewExtendedMiningJob`]: the coinbase
//!   around a gap, the Merkle path and whether the version may be rolled.
//!   The gap holds the channel's extranonce prefix (from
//!   `OpenExtendedMiningChannel.Success`, with its `extranonce_size`: an
//!   [`Extranonce`](super::Extranonce)) and the miner's own extranonce
//!   ([`Extranonce2`](super::Extranonce2)). [`ExtendedJob`] hashes the
//!   coinbase, folds the path and builds the headers, with the coinbase
//!   and branch code of the v1 jobs.
//!
//! Either job's [`works`](StandardJob::works) walks its headers as
//! [`Work`]; a nonce whose hash meets the channel target
//! ([`channel_target`]: SV2 sends the target itself, a 256-bit
//! little-endian number, where v1 sends a difficulty) becomes a
//! [`SubmitShares`], the fields of `SubmitSharesStandard` or
//! `SubmitSharesExtended`. The pool's check of a share is
//! [`StandardJob::share_header`] or [`ExtendedJob::share_header`].
//!
//! ```
//! use sha256d::stratum::v2::{channel_target, NewMiningJob, SetNewPrevHash, StandardJob};
//! use sha256d::stratum::VersionMask;
//! use sha256d::{Engine, NonceRange, Solution};
//!
//! let job = NewMiningJob { channel_id: 1, job_id: 7, min_ntime: None, version: 0x2000_0000, merkle_root: [0x11; 32] };
//! let prev = SetNewPrevHash { channel_id: 1, job_id: 7, prev_hash: [0x22; 32], min_ntime: 0x6155_a491, nbits: 0x1d00_ffff };
//! let job = StandardJob::new(&job, &prev, VersionMask::BIP320)?;
//!
//! // About one hash in 2^12 meets this target (its top 12 bits are zero).
//! let mut le = [0xff; 32];
//! le[29] = 0x0f;
//! le[30] = 0;
//! le[31] = 0;
//! let target = channel_target(le)?;
//! let work = job.works().next().expect("the first work");
//! let mut found = [Solution::default(); 1];
//! let outcome = Engine::best().search(&work.search_job(target), NonceRange::FULL, &mut found);
//! assert_eq!(outcome.found, 1);
//!
//! // SubmitSharesStandard, and the pool's check of it.
//! let share = work.share(0, found[0].nonce);
//! assert_eq!((share.channel_id, share.job_id, share.ntime, share.version), (1, 7, 0x6155_a491, 0x2000_0000));
//! assert!(job.share_header(&share)?.block_hash().meets(&target));
//! # Ok::<(), sha256d::stratum::Error>(())
//! ```
//!
//! The message flow, the byte orders and the differences from v1 are
//! described in the crate's `docs/stratum.md`.

mod job;
mod work;

pub use job::{ExtendedJob, NewExtendedMiningJob, NewMiningJob, StandardJob};
pub use work::{SubmitShares, Work, Works};

use super::Error;
use crate::Target;

/// The fields of `SetNewPrevHash` (mining protocol): the block a job
/// builds on. The job named by `job_id` becomes current, and every other
/// job of the channel is stale at once.
///
/// ```
/// let prev = sha256d::stratum::v2::SetNewPrevHash {
///     channel_id: 1, job_id: 7, prev_hash: [0; 32], min_ntime: 1_700_000_000, nbits: 0x1703_a30c,
/// };
/// assert_eq!(prev.min_ntime, 1_700_000_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SetNewPrevHash {
    /// The channel (or group channel) it is for.
    pub channel_id: u32,
    /// The job to mine from now on.
    pub job_id: u32,
    /// The previous block hash as the header holds it (internal byte
    /// order, `U256`): unlike v1, no word swapping.
    pub prev_hash: [u8; 32],
    /// The smallest nTime the pool accepts.
    pub min_ntime: u32,
    /// The network's compact target.
    pub nbits: u32,
}

/// A channel's share target from the `U256` of
/// `OpenStandardMiningChannel.Success`, `OpenExtendedMiningChannel.Success`
/// or `SetTarget`: the 32 bytes of the 256-bit number, least significant
/// first ([`Target::from_le_bytes`]). A hash meets it when the hash, read
/// as a little-endian number, is at most the target.
///
/// ```
/// use sha256d::stratum::{v2::channel_target, Error};
/// let mut le = [0u8; 32];
/// le[26..28].copy_from_slice(&[0xff, 0xff]); // difficulty 1: 0x00000000ffff0000…
/// assert_eq!(channel_target(le)?, sha256d::Target::from_difficulty(1.0)?);
/// assert_eq!(channel_target([0; 32]), Err(Error::ZeroTarget));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::ZeroTarget`] for zero, which no hash but zero meets.
pub fn channel_target(le_bytes: [u8; 32]) -> Result<Target, Error> {
    let target = Target::from_le_bytes(le_bytes);
    if target == Target::ZERO {
        Err(Error::ZeroTarget)
    } else {
        Ok(target)
    }
}

/// The nTime a job starts from: its own `min_ntime` when the pool set one
/// (the job is current at once, on the latest previous hash), otherwise
/// (a future job) that of the `SetNewPrevHash` that names it.
fn activate(job_id: u32, min_ntime: Option<u32>, prev: &SetNewPrevHash) -> Result<u32, Error> {
    match min_ntime {
        Some(ntime) => Ok(ntime),
        None if prev.job_id == job_id => Ok(prev.min_ntime),
        None => Err(Error::WrongJob),
    }
}
