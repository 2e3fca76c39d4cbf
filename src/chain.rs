//! Checking a chain of block headers: each one links to the hash of the
//! one before it and meets the target its own `bits` field encodes.
//!
//! The headers are hashed a group at a time through the engine's
//! many-message path (SIMD lanes or interleaved SHA streams), into a buffer
//! on the stack, and then checked in order, so the first failure reported
//! is the first in the chain. Only what the headers themselves say is
//! checked: that the `bits` are the right ones for their height (the
//! difficulty adjustment), timestamps and versions are consensus rules
//! outside this crate.

use core::fmt;

use crate::sha256::Shape;
use crate::{BlockHash, BlockHeader, CompactTarget, Engine, Error, HEADER_LEN, Target};

/// Headers hashed per call into the many-message path: enough to fill every
/// kernel's lanes or streams many times, little enough for the stack (1.5
/// KiB of hashes), and a multiple of every group width (2 or 3 SHA-NI
/// streams, 4 SSE4.1 lanes, 8 AVX2, 16 AVX-512), so that no call ends with
/// a short group. With 64 and three streams, every call's last header went
/// through SHA-NI alone.
const GROUP: usize = 48;

/// Where a header chain first fails a check, and why.
///
/// ```
/// use sha256d::{BlockHeader, ChainErrorKind};
/// let header = BlockHeader::default(); // bits 0: no valid target
/// let error = sha256d::check_header_chain(None, &[header]).unwrap_err();
/// assert_eq!(error.index, 0);
/// assert!(matches!(error.kind, ChainErrorKind::InvalidBits { .. }));
/// assert_eq!(error.to_string(), "header 0 has invalid bits 0x00000000: compact target is zero");
/// let _: &dyn core::error::Error = &error;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainError {
    /// Index of the failing header in the slice.
    pub index: usize,
    /// The check it fails.
    pub kind: ChainErrorKind,
}

/// The check a header fails.
///
/// ```
/// use sha256d::{BlockHeader, ChainErrorKind};
/// let mut header = BlockHeader::default();
/// header.bits = 0x207fffff.into(); // regtest's easiest target
/// let error = sha256d::check_header_chain(Some(header.block_hash()), &[header]).unwrap_err();
/// assert!(matches!(error.kind, ChainErrorKind::BrokenLink { .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainErrorKind {
    /// Its previous-block field is not the hash of the header
    /// before it (or of the block the check was told to start after).
    BrokenLink {
        /// The hash of the previous header.
        expected: BlockHash,
        /// What the header says it follows.
        found: BlockHash,
    },
    /// Its `bits` field encodes no valid target.
    InvalidBits {
        /// The field.
        bits: CompactTarget,
        /// Why it is invalid: [`Error::CompactNegative`],
        /// [`Error::CompactOverflow`] or [`Error::CompactZero`].
        error: Error,
    },
    /// Its hash is above the target its `bits` field encodes.
    HashAboveTarget {
        /// The header's hash.
        hash: BlockHash,
        /// The target it misses.
        target: Target,
    },
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let index = self.index;
        match &self.kind {
            ChainErrorKind::BrokenLink { expected, found } => write!(
                f,
                "header {index} follows block {found}, not the previous header {expected}"
            ),
            ChainErrorKind::InvalidBits { bits, error } => {
                write!(f, "header {index} has invalid bits {bits}: {error}")
            }
            ChainErrorKind::HashAboveTarget { hash, target } => {
                write!(f, "header {index} hash {hash} is above its target {target}")
            }
        }
    }
}

/// `core::error::Error` (the trait `std::error::Error` re-exports), with
/// or without the `std` feature, like [`Error`].
impl core::error::Error for ChainError {}

/// The `bits` field's target, remembered for the next header (consecutive
/// headers share it for 2,016 blocks at a time).
struct TargetCache {
    bits: u32,
    target: Result<Target, Error>,
}

impl TargetCache {
    fn target(&mut self, bits: u32) -> Result<Target, Error> {
        if bits != self.bits {
            self.bits = bits;
            self.target = CompactTarget::from_consensus(bits).to_target();
        }
        self.target
    }
}

impl Engine {
    /// Checks that `headers` form a chain: each header's previous-block
    /// field is the hash of the header before it, and its hash meets the
    /// target of its own `bits` field. The first header must follow
    /// `previous` if given; with `None` its link is not checked.
    ///
    /// Returns the hash of the last header (`previous` for an empty
    /// slice), from which the next slice of the chain can be checked.
    ///
    /// ```
    /// use sha256d::{BlockHash, BlockHeader, ChainErrorKind, Engine};
    /// let genesis = BlockHeader::from_hex(concat!(
    ///     "0100000000000000000000000000000000000000000000000000000000000000",
    ///     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    ///     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// ))?;
    /// let engine = Engine::best();
    /// let tip = engine.check_header_chain(None, &[genesis]).unwrap();
    /// assert_eq!(tip, Some(BlockHash::from_display_hex(
    ///     "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")?));
    ///
    /// // The genesis block does not follow itself.
    /// let error = engine.check_header_chain(None, &[genesis, genesis]).unwrap_err();
    /// assert_eq!(error.index, 1);
    /// assert!(matches!(error.kind, ChainErrorKind::BrokenLink { .. }));
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// The first header that fails a check, with the check
    /// ([`ChainError`]); the headers after it are not looked at.
    pub fn check_header_chain(
        &self,
        previous: Option<BlockHash>,
        headers: &[BlockHeader],
    ) -> Result<Option<BlockHash>, ChainError> {
        let mut previous = previous;
        let mut targets = TargetCache {
            bits: 0,
            target: Err(Error::CompactZero),
        };
        let mut wire = [[0u8; HEADER_LEN]; GROUP];
        let mut hashes = [[0u8; 32]; GROUP];
        for (group_index, group) in headers.chunks(GROUP).enumerate() {
            let wire = &mut wire[..group.len()];
            for (bytes, header) in wire.iter_mut().zip(group) {
                *bytes = header.to_bytes();
            }
            let hashes = &mut hashes[..group.len()];
            self.backend_hash_many(wire.as_flattened(), &Shape::new(HEADER_LEN), true, hashes);
            for (offset, (header, hash)) in group.iter().zip(hashes.iter()).enumerate() {
                let index = group_index * GROUP + offset;
                let fail = |kind| Err(ChainError { index, kind });
                if let Some(expected) = previous
                    && header.prev_blockhash != expected
                {
                    return fail(ChainErrorKind::BrokenLink {
                        expected,
                        found: header.prev_blockhash,
                    });
                }
                let bits = header.bits;
                let target = match targets.target(bits.to_consensus()) {
                    Ok(target) => target,
                    Err(error) => return fail(ChainErrorKind::InvalidBits { bits, error }),
                };
                if !target.is_met_by(hash) {
                    return fail(ChainErrorKind::HashAboveTarget {
                        hash: BlockHash::from_byte_array(*hash),
                        target,
                    });
                }
                previous = Some(BlockHash::from_byte_array(*hash));
            }
        }
        Ok(previous)
    }
}

/// [`Engine::check_header_chain`] with the best engine.
///
/// ```
/// use sha256d::BlockHeader;
/// let genesis = BlockHeader::from_hex(concat!(
///     "0100000000000000000000000000000000000000000000000000000000000000",
///     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
///     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
/// ))?;
/// let tip = sha256d::check_header_chain(None, &[genesis]).expect("a chain");
/// assert_eq!(tip, Some(genesis.block_hash()));
/// // An empty slice continues from where it was told to.
/// assert_eq!(sha256d::check_header_chain(tip, &[]), Ok(tip));
/// # Ok::<(), sha256d::Error>(())
/// ```
///
/// # Errors
/// The first header that fails a check ([`ChainError`]).
pub fn check_header_chain(
    previous: Option<BlockHash>,
    headers: &[BlockHeader],
) -> Result<Option<BlockHash>, ChainError> {
    Engine::best().check_header_chain(previous, headers)
}
