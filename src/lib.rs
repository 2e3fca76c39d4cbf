//! SHA-256 and SHA-256d (Bitcoin's proof-of-work hash), and block-header
//! nonce search with kernels chosen at run time from what the CPU offers.
//!
//! - Hashing: [`sha256`](fn@crate::sha256), [`sha256d`], the streaming
//!   [`Sha256`] and [`Midstate`] (a `const fn` away from a 64-byte prefix).
//! - One family of hash types instead of bare arrays: [`Sha256Hash`]
//!   (displayed in byte order), and the byte-reversed SHA-256d types
//!   [`Sha256dHash`], [`BlockHash`], [`Txid`] and [`TxMerkleNode`].
//! - Bitcoin types: [`BlockHeader`], [`CompactTarget`] (nBits) and
//!   [`Target`].
//! - Mining: a [`SearchJob`] holds everything about a header that does not
//!   change with the nonce; an [`Engine`] runs one [`Kernel`] over a
//!   [`NonceRange`] and reports every [`Solution`].
//! - With the `std` feature, `parallel` runs one search on several
//!   threads.
//! - Merkle trees: roots (with Bitcoin Core's CVE-2012-2459 mutation flag)
//!   and branches in [`merkle`], hashed a level at a time by the engine.
//! - Pool mining: [`stratum`] builds work from a Stratum v1 job (coinbase,
//!   Merkle root, BIP 310 version rolling), share targets from pool
//!   difficulties, and the `mining.submit` fields.
//!
//! All of them have the standard traits a Rust or Bitcoin user expects:
//! `FromStr`, `Display`, `LowerHex` and `UpperHex` (in Bitcoin's display
//! order), `From`/`TryFrom`/`AsRef`/`Borrow` with byte arrays, `Default`,
//! `Hash`, and `Ord` where an order means something.
//!
//! The crate is `no_std` and never allocates. Features:
//!
//! - `std` (default): the threaded search in `parallel` and
//!   `std::io::Write` for [`Sha256`]; implies `alloc`.
//! - `alloc`: Merkle functions that copy their input into a `Vec`.
//! - `compact-scalar` (off by default): small code for microcontroller
//!   flash: SHA-256 rounds and the scalar nonce search as loops instead of
//!   unrolled code, with the same results at about half the speed. It is
//!   for the final program to enable, not for libraries.
//! - `digest`: the RustCrypto `digest` 0.11 traits for [`Sha256`], block
//!   API included (`Sha256Core`), so `hmac::Hmac<Sha256>`,
//!   `hmac::SimpleHmac<Sha256>` and `hkdf::Hkdf<Sha256>` work.
//! - `serde`: hex strings for human-readable formats, bytes otherwise.
//! - `bitcoin`: `From` both ways with the `bitcoin` crate's (0.32) header,
//!   hash and target types. Names this crate shares with `bitcoin`,
//!   `bitcoin_hashes` and `sha2` mean what they mean there.
//! - `zeroize`: `Zeroize` for [`Sha256`], whose state is also wiped when
//!   it is dropped.
//!
//! [`Error`] and [`ChainError`] implement `core::error::Error` with or
//! without `std`. Comparing hashes with `==` is not constant-time (see the
//! hash types).
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
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

// Layers, top to bottom (docs/architecture.md): the public API; `engine`
// (kernel choice and dispatch); `search` (the driver); `arch` (kernels and
// their lane arithmetic); `sha256` (the core, importing nothing).
mod arch;
mod chain;
mod engine;
mod error;
mod hash;
mod hasher;
mod hashing;
mod header;
pub mod hex;
mod interop;
mod kernel;
mod many;
pub mod merkle;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod parallel;
mod search;
mod sha256;
pub mod stratum;
mod target;

pub use chain::{ChainError, ChainErrorKind, check_header_chain};
pub use engine::Engine;
pub use error::Error;
pub use hash::{BlockHash, Sha256Hash, Sha256dHash, TxMerkleNode, Txid};
pub use hashing::{Midstate, Sha256, sha256, sha256d};
pub use header::{BlockHeader, HEADER_LEN};
#[cfg(feature = "digest")]
#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
pub use interop::Sha256Core;
pub use kernel::Kernel;
pub use many::{compression, sha256_each, sha256_many, sha256d_each, sha256d_many};
pub use search::{NonceRange, SearchEnd, SearchJob, SearchOutcome, Solution};
pub use target::{CompactTarget, Target};

/// Compiles and runs the README's examples as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
