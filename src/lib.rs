//! SHA-256 and SHA-256d (Bitcoin's proof-of-work hash), and block-header
//! nonce search with kernels chosen at run time from what the CPU offers.
//!
//! - Hashing: [`sha256`], [`sha256d`], the streaming [`Sha256`] and
//!   [`Midstate`].
//! - Bitcoin types: [`BlockHeader`], [`BlockHash`] (with its byte-reversed
//!   display order), [`CompactTarget`] (nBits) and [`Target`].
//! - Mining: a [`SearchJob`] holds everything about a header that does not
//!   change with the nonce; an [`Engine`] runs one [`Kernel`] over a
//!   [`NonceRange`] and reports every [`Solution`].
//! - With the `std` feature, `parallel` runs one search on several
//!   threads.
//! - Merkle trees: roots (with Bitcoin Core's CVE-2012-2459 mutation flag)
//!   and branches in [`merkle`], hashed a level at a time by the engine.
//!
//! The crate is `no_std` and never allocates; the `std` feature (on by
//! default) adds `std::error::Error` for [`Error`], the threaded search in
//! `parallel`, and Merkle functions that copy their input into a `Vec`.
//!
//! ```
//! use sha256d::{BlockHeader, Engine, NonceRange, SearchJob, Solution};
//!
//! let header = BlockHeader::from_hex(concat!(
//!     "0100000000000000000000000000000000000000000000000000000000000000",
//!     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
//!     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
//! ))?;
//! let job = SearchJob::new(&header, header.bits.to_target()?);
//! let mut solutions = [Solution::default(); 1];
//! let outcome = Engine::best().search(&job, NonceRange::inclusive(2_083_236_000, 2_083_237_000), &mut solutions);
//! assert_eq!(outcome.found, 1);
//! assert_eq!(solutions[0].hash, header.block_hash());
//! # Ok::<(), sha256d::Error>(())
//! ```

#![no_std]
#![deny(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod arch;
mod const_compress;
mod engine;
mod error;
mod hash;
mod hasher;
mod header;
pub mod hex;
mod interop;
pub mod merkle;
#[cfg(feature = "std")]
pub mod parallel;
mod search;
mod sha256;
mod target;

pub use engine::{Engine, Kernel};
pub use error::Error;
pub use hash::{BlockHash, Sha256Hash, Sha256dHash, TxMerkleNode, Txid};
pub use header::{BlockHeader, HEADER_LEN};
pub use search::{NonceRange, SearchEnd, SearchJob, SearchOutcome, Solution};
pub use sha256::{sha256, sha256d, Midstate, Sha256};
pub use target::{CompactTarget, Target};

/// Compiles and runs the README's examples as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
