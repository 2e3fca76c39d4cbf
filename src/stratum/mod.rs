//! Pool mining with Stratum v1: building work from a pool's `mining.notify`
//! job, BIP 310 version rolling, share targets and the `mining.submit`
//! fields; and with Stratum V2 in [`v2`], from the fields of its mining
//! messages, with the same coinbase, Merkle branch and version-rolling
//! code. `no_std`, and nothing here allocates: firmware builds its work
//! with the same code as the example miner.
//!
//! A pool hands out a [`Job`]: the coinbase transaction in two halves
//! (`coinb1`, `coinb2`) with a gap for the extranonces, the coinbase's
//! Merkle branch, the previous block hash (in Stratum's own word order),
//! version, nBits and nTime. The miner
//!
//! 1. fills the gap with the session's `extranonce1` (from
//!    `mining.subscribe`, see [`Extranonce`]) and an `extranonce2` of its
//!    own choosing ([`Extranonce2`]), hashes the coinbase and folds the
//!    branch into a Merkle root;
//! 2. builds the header, optionally with a rolled version (BIP 310,
//!    [`VersionMask`]), and searches its nonces ([`Work::search_job`]);
//! 3. sends every nonce whose hash meets the share target
//!    ([`share_target`]) as a [`Share`].
//!
//! [`Job::works`] iterates over the (extranonce2, version) pairs in the
//! order a miner uses them when a nonce range is exhausted: every version
//! the mask allows (each needs its own midstate, but not a new coinbase),
//! then the next extranonce2.
//!
//! ```
//! use sha256d::stratum::{share_target, Extranonce, Extranonce2, Job, NotifyHex, VersionMask};
//! use sha256d::{Engine, NonceRange, Solution};
//!
//! // A pool job, as the strings of mining.notify (a tiny made-up coinbase).
//! let branch = ["11".repeat(32)];
//! let branch: Vec<&str> = branch.iter().map(String::as_str).collect();
//! let notify = NotifyHex {
//!     job_id: "b3",
//!     prevhash: "5f3b2119529dc4013ff0f427a457bed706e7b5b8dec309000000000000000000",
//!     coinb1: "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff0d",
//!     coinb2: "ffffffff0100f2052a010000000000000000",
//!     merkle_branch: &branch,
//!     version: "20000000",
//!     nbits: "1d00ffff",
//!     ntime: "504e86b9",
//!     clean_jobs: true,
//! };
//! let session = Extranonce::from_hex("f8002c90", 4)?;
//! let job = Job::from_hex(&notify, &session)?;
//!
//! // Difficulty 1/4096: about one nonce in 2^20 wins.
//! let target = share_target(1.0 / 4096.0)?;
//! let mut works = job.works(Extranonce2::zero(4)?, Some(VersionMask::BIP320))?;
//! let work = works.next().expect("the first work");
//! let mut found = [Solution::default(); 1];
//! let outcome = Engine::best().search(&work.search_job(target), NonceRange::FULL, &mut found);
//! assert_eq!(outcome.found, 1);
//!
//! // What to submit, and the pool's own check of it.
//! let share = work.share(found[0].nonce);
//! let header = job.share_header(&share, Some(VersionMask::BIP320))?;
//! assert_eq!(header.block_hash(), found[0].hash);
//! assert!(header.block_hash().meets(&target));
//! assert_eq!(
//!     share.params("worker.1").to_string(),
//!     format!(r#"["worker.1","b3","00000000","504e86b9","{:08x}","00000000"]"#, found[0].nonce),
//! );
//! # Ok::<(), sha256d::stratum::Error>(())
//! ```
//!
//! The protocol subset, the byte orders and the sources are described in
//! the crate's `docs/stratum.md`.

mod branch;
mod coinbase;
mod error;
mod extranonce;
mod job;
mod share;
pub mod v2;
mod version;
mod work;

pub use branch::MAX_MERKLE_BRANCH_LEN;
pub use error::{Error, Field};
pub use extranonce::{Extranonce, Extranonce2, MAX_EXTRANONCE1_LEN, MAX_EXTRANONCE2_LEN};
pub use job::{Job, Notify, NotifyHex, prevhash_from_stratum, prevhash_to_stratum};
pub use share::{HexU32, Share, SubmitParams, share_target};
pub use version::{VersionMask, Versions};
pub use work::{Work, Works};
