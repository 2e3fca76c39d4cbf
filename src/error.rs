//! The crate's one error type.

use core::fmt;

use crate::Kernel;

/// Everything that can go wrong when parsing input or choosing a kernel.
///
/// The library never panics on bad input; it returns one of these instead.
/// It implements `core::error::Error` (the trait `std::error::Error`
/// re-exports) with or without the `std` feature, so `?` into
/// `Box<dyn Error>` and error-reporting crates work in `no_std` code too.
///
/// ```
/// use sha256d::{BlockHash, Error};
/// let error = "xyz".parse::<BlockHash>().unwrap_err();
/// assert_eq!(error, Error::OddHexLength);
/// assert_eq!(error.to_string(), "hex string has an odd number of digits");
/// let _: &dyn core::error::Error = &error;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A character that is not a hexadecimal digit, at this byte offset.
    InvalidHexCharacter {
        /// Byte offset of the offending character in the input string.
        index: usize,
    },
    /// Hex input with an odd number of digits.
    OddHexLength,
    /// Input of the wrong length, in bytes.
    InvalidLength {
        /// Length the function needs.
        expected: usize,
        /// Length it was given.
        found: usize,
    },
    /// Compact target (nBits) with the sign bit set and a non-zero mantissa.
    CompactNegative,
    /// Compact target (nBits) whose value does not fit in 256 bits.
    CompactOverflow,
    /// Compact target (nBits) that encodes zero.
    CompactZero,
    /// A difficulty that is not a finite number greater than zero, or whose
    /// target does not fit in 256 bits.
    InvalidDifficulty,
    /// A nonce range that runs past `u32::MAX`.
    NonceRangeOverflow,
    /// The kernel cannot run on this CPU (or this build of the crate).
    KernelUnavailable(Kernel),
    /// The kernel is present but failed its known-answer self-test.
    KernelSelfTestFailed(Kernel),
    /// A kernel name that [`Kernel::from_name`] does not know.
    UnknownKernel,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidHexCharacter { index } => {
                write!(f, "invalid hex character at offset {index}")
            }
            Error::OddHexLength => f.write_str("hex string has an odd number of digits"),
            Error::InvalidLength { expected, found } => {
                write!(f, "expected {expected} bytes, got {found}")
            }
            Error::CompactNegative => f.write_str("compact target has the sign bit set"),
            Error::CompactOverflow => f.write_str("compact target overflows 256 bits"),
            Error::CompactZero => f.write_str("compact target is zero"),
            Error::InvalidDifficulty => {
                f.write_str("difficulty must be a finite number greater than zero")
            }
            Error::NonceRangeOverflow => f.write_str("nonce range runs past u32::MAX"),
            Error::KernelUnavailable(k) => {
                write!(f, "kernel {} is not available on this CPU", k.name())
            }
            Error::KernelSelfTestFailed(k) => {
                write!(f, "kernel {} failed its self-test", k.name())
            }
            Error::UnknownKernel => f.write_str("unknown kernel name"),
        }
    }
}

/// `core::error::Error` (the same trait as `std::error::Error`), with or
/// without the `std` feature.
impl core::error::Error for Error {}
