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

use crate::{BlockHash, CompactTarget, Engine, Error, HEADER_LEN, Target};

/// Headers hashed per call into the many-message path: enough to fill every
/// kernel's lanes or streams many times, little enough for the stack (1.5
/// KiB of hashes), and a multiple of every group width (2 or 3 SHA-NI
/// streams, 4 SSE4.1 lanes, 8 AVX2, 16 AVX-512), so that no call ends with
/// a short group. With 64 and three streams, every call's last header went
/// through SHA-NI alone.
const GROUP: usize = 48;

/// Where a header chain first fails a check, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainError {
    /// Index of the failing header in the slice.
    pub index: usize,
    /// The check it fails.
    pub kind: ChainErrorKind,
}

/// The check a header fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainErrorKind {
    /// Its previous-block field (bytes 4..36) is not the hash of the header
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

#[cfg(feature = "std")]
impl std::error::Error for ChainError {}

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
    /// Checks that `headers` (80 bytes each, as serialized) form a chain:
    /// each header's previous-block field is the hash of the header before
    /// it, and its hash meets the target of its own `bits` field. The
    /// first header must follow `previous` if given; with `None` its link
    /// is not checked.
    ///
    /// Returns the hash of the last header (`previous` for an empty
    /// slice), from which the next slice of the chain can be checked.
    ///
    /// ```
    /// use sha256d::{BlockHash, ChainErrorKind, Engine};
    /// let genesis: [u8; 80] = sha256d::hex::decode_array(concat!(
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
        headers: &[[u8; HEADER_LEN]],
    ) -> Result<Option<BlockHash>, ChainError> {
        let mut previous = previous.map(BlockHash::to_byte_array);
        let mut targets = TargetCache {
            bits: 0,
            target: Err(Error::CompactZero),
        };
        let mut hashes = [[0u8; 32]; GROUP];
        for (group_index, group) in headers.chunks(GROUP).enumerate() {
            let hashes = &mut hashes[..group.len()];
            self.sha256d_each(group, hashes);
            for (offset, (header, hash)) in group.iter().zip(hashes.iter()).enumerate() {
                let index = group_index * GROUP + offset;
                let fail = |kind| Err(ChainError { index, kind });
                if let Some(expected) = &previous
                    && header[4..36] != expected[..]
                {
                    let mut found = [0u8; 32];
                    found.copy_from_slice(&header[4..36]);
                    return fail(ChainErrorKind::BrokenLink {
                        expected: BlockHash::from_byte_array(*expected),
                        found: BlockHash::from_byte_array(found),
                    });
                }
                let bits = u32::from_le_bytes([header[72], header[73], header[74], header[75]]);
                let target = match targets.target(bits) {
                    Ok(target) => target,
                    Err(error) => {
                        return fail(ChainErrorKind::InvalidBits {
                            bits: CompactTarget::from_consensus(bits),
                            error,
                        });
                    }
                };
                if !target.is_met_by(hash) {
                    return fail(ChainErrorKind::HashAboveTarget {
                        hash: BlockHash::from_byte_array(*hash),
                        target,
                    });
                }
                previous = Some(*hash);
            }
        }
        Ok(previous.map(BlockHash::from_byte_array))
    }
}

/// [`Engine::check_header_chain`] with the best engine.
///
/// # Errors
/// The first header that fails a check ([`ChainError`]).
pub fn check_header_chain(
    previous: Option<BlockHash>,
    headers: &[[u8; HEADER_LEN]],
) -> Result<Option<BlockHash>, ChainError> {
    Engine::best().check_header_chain(previous, headers)
}
