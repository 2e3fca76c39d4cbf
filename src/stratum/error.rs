//! What can be wrong with a pool's data.

use core::fmt;

/// A field of the Stratum messages this module reads or writes, named as
/// in the protocol, for error messages.
///
/// ```
/// use sha256d::stratum::Field;
/// assert_eq!(Field::MerkleBranch { index: 3 }.to_string(), "merkle_branch[3]");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// `mining.notify` job id.
    JobId,
    /// `mining.notify` previous block hash.
    PrevHash,
    /// `mining.notify` first coinbase half.
    Coinb1,
    /// `mining.notify` second coinbase half.
    Coinb2,
    /// One hash of the `mining.notify` Merkle branch.
    MerkleBranch {
        /// Position in the branch, from 0.
        index: usize,
    },
    /// The Merkle branch as a whole (its length).
    MerkleBranchLength,
    /// `mining.notify` block version.
    Version,
    /// `mining.notify` compact target.
    NBits,
    /// `mining.notify` (or `mining.submit`) block time.
    NTime,
    /// `mining.submit` nonce.
    Nonce,
    /// `mining.subscribe` (or `mining.set_extranonce`) extranonce1.
    Extranonce1,
    /// `mining.subscribe` (or `mining.set_extranonce`) extranonce2 size.
    Extranonce2Size,
    /// The miner's extranonce2.
    Extranonce2,
    /// A BIP 310 version-rolling mask.
    VersionMask,
    /// BIP 310 `version_bits` of `mining.submit`.
    VersionBits,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Field::JobId => "job_id",
            Field::PrevHash => "prevhash",
            Field::Coinb1 => "coinb1",
            Field::Coinb2 => "coinb2",
            Field::MerkleBranch { index } => return write!(f, "merkle_branch[{index}]"),
            Field::MerkleBranchLength => "merkle_branch",
            Field::Version => "version",
            Field::NBits => "nbits",
            Field::NTime => "ntime",
            Field::Nonce => "nonce",
            Field::Extranonce1 => "extranonce1",
            Field::Extranonce2Size => "extranonce2_size",
            Field::Extranonce2 => "extranonce2",
            Field::VersionMask => "version-rolling.mask",
            Field::VersionBits => "version_bits",
        };
        f.write_str(name)
    }
}

/// Bad data from a pool (or for one): which field, and what is wrong.
/// Nothing in [`stratum`](super) panics on bad input; it returns one of
/// these.
///
/// ```
/// use sha256d::stratum::{Error, Extranonce, Field};
/// assert_eq!(
///     Extranonce::from_hex("f8002c9", 4),
///     Err(Error::Hex { field: Field::Extranonce1, error: sha256d::Error::OddHexLength }),
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A field that is not valid hex.
    Hex {
        /// Which field.
        field: Field,
        /// What the hex decoder found ([`crate::Error::OddHexLength`] or
        /// [`crate::Error::InvalidHexCharacter`]).
        error: crate::Error,
    },
    /// A fixed-size field of the wrong size, in bytes.
    Length {
        /// Which field.
        field: Field,
        /// The size it must have.
        expected: usize,
        /// The size it has.
        found: usize,
    },
    /// A field larger than this module holds: see
    /// [`MAX_EXTRANONCE1_LEN`](super::MAX_EXTRANONCE1_LEN),
    /// [`MAX_EXTRANONCE2_LEN`](super::MAX_EXTRANONCE2_LEN) and
    /// [`MAX_MERKLE_BRANCH_LEN`](super::MAX_MERKLE_BRANCH_LEN).
    TooLong {
        /// Which field.
        field: Field,
        /// The largest size accepted (bytes, or hashes for the branch).
        max: usize,
        /// The size it has.
        found: usize,
    },
    /// `version_bits` with bits set outside the negotiated mask: the pool
    /// would reject the share (BIP 310).
    VersionBitsOutsideMask {
        /// The version bits.
        version_bits: u32,
        /// The mask.
        mask: u32,
    },
    /// The pool granted a version-rolling mask with bits the miner did not
    /// offer; BIP 310 makes the granted mask a subset of the requested one.
    MaskNotRequested {
        /// The mask the miner sent with `mining.configure`.
        requested: u32,
        /// The mask the pool answered with.
        granted: u32,
    },
    /// A share that belongs to another job (its job id differs), or a v2
    /// future job combined with a `SetNewPrevHash` for another job.
    WrongJob,
    /// A v2 share whose nTime is before the job's smallest (`min_ntime`).
    NTimeTooEarly {
        /// The share's nTime.
        ntime: u32,
        /// The job's smallest nTime.
        min_ntime: u32,
    },
    /// A v2 channel target of zero, which no hash can meet.
    ZeroTarget,
    /// A pool difficulty that is not a finite number greater than zero, or
    /// so large that no hash but zero could meet it.
    InvalidDifficulty,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Hex { field, error } => write!(f, "{field}: {error}"),
            Error::Length {
                field,
                expected,
                found,
            } => write!(f, "{field}: expected {expected} bytes, got {found}"),
            Error::TooLong { field, max, found } => {
                write!(f, "{field}: {found} is more than the {max} supported")
            }
            Error::VersionBitsOutsideMask { version_bits, mask } => write!(
                f,
                "version_bits {version_bits:08x} has bits outside the mask {mask:08x}"
            ),
            Error::MaskNotRequested { requested, granted } => write!(
                f,
                "the pool granted version-rolling mask {granted:08x}, which has bits outside the requested {requested:08x}"
            ),
            Error::WrongJob => f.write_str("the share belongs to another job"),
            Error::NTimeTooEarly { ntime, min_ntime } => {
                write!(f, "ntime {ntime} is before the job's min_ntime {min_ntime}")
            }
            Error::ZeroTarget => f.write_str("the channel target is zero"),
            Error::InvalidDifficulty => f.write_str(
                "difficulty must be a finite number greater than zero whose target is not zero",
            ),
        }
    }
}

impl core::error::Error for Error {}
