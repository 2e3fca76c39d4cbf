//! BIP 310 version rolling: which header version bits a miner may change.

use core::fmt;

use super::{Error, Field};
use crate::hex::decode_array;

/// The header version bits a pool lets the miner change (BIP 310's
/// `version-rolling.mask`): 1 = may change.
///
/// BIP 310 fixes the header version of a share as
/// `(job_version & !mask) | (version_bits & mask)`, where `version_bits`
/// is the 6th parameter of `mining.submit`. [`VersionMask::apply`] computes
/// it and [`VersionMask::versions`] lists every version a job allows.
///
/// ```
/// use sha256d::stratum::VersionMask;
/// let mask = VersionMask::from_hex("1fffe000")?;
/// assert_eq!(mask, VersionMask::BIP320);
/// assert_eq!(mask.version_count(), 1 << 16);
/// // The real block 000…c835 (job version 20000004, all 16 bits rolled).
/// assert_eq!(mask.apply(0x2000_0004, 0x1fff_e000)?, 0x3fff_e004);
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VersionMask(u32);

impl VersionMask {
    /// The 16 general-purpose bits 13..=28 that BIP 320 sets aside for
    /// version rolling: `1fffe000`, the mask miners usually offer.
    ///
    /// ```
    /// use sha256d::stratum::VersionMask;
    /// assert_eq!(VersionMask::BIP320.to_string(), "1fffe000");
    /// assert_eq!(VersionMask::BIP320.version_count(), 65_536);
    /// ```
    pub const BIP320: VersionMask = VersionMask(0x1fff_e000);

    /// No bit may change: one version per job.
    ///
    /// ```
    /// use sha256d::stratum::VersionMask;
    /// assert_eq!(VersionMask::NONE.version_count(), 1);
    /// assert_eq!(VersionMask::NONE.versions(0x2000_0004).collect::<Vec<_>>(), [0x2000_0004]);
    /// ```
    pub const NONE: VersionMask = VersionMask(0);

    /// A mask from its 32 bits.
    ///
    /// ```
    /// assert_eq!(sha256d::stratum::VersionMask::new(0x1fff_e000).bits(), 0x1fff_e000);
    /// ```
    #[must_use]
    pub const fn new(bits: u32) -> Self {
        VersionMask(bits)
    }

    /// Parses BIP 310's `TMask`: exactly eight hex digits, either case.
    ///
    /// ```
    /// use sha256d::stratum::{Error, Field, VersionMask};
    /// assert_eq!(VersionMask::from_hex("1FFFE000")?, VersionMask::BIP320);
    /// assert_eq!(
    ///     VersionMask::from_hex("fffe000"),
    ///     Err(Error::Hex { field: Field::VersionMask, error: sha256d::Error::OddHexLength }),
    /// );
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Hex`] or [`Error::Length`] for anything else.
    pub fn from_hex(hex: &str) -> Result<Self, Error> {
        parse_u32_hex(hex, Field::VersionMask).map(VersionMask)
    }

    /// The mask a session uses after `mining.configure`: the pool's answer
    /// `granted`, which BIP 310 requires to be `server_mask & requested`.
    ///
    /// ```
    /// use sha256d::stratum::{Error, VersionMask};
    /// let requested = VersionMask::BIP320;
    /// assert_eq!(VersionMask::negotiated(requested, VersionMask::new(0x1800_0000))?.bits(), 0x1800_0000);
    /// assert_eq!(
    ///     VersionMask::negotiated(requested, VersionMask::new(0xe000_0000)),
    ///     Err(Error::MaskNotRequested { requested: 0x1fff_e000, granted: 0xe000_0000 }),
    /// );
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::MaskNotRequested`] if `granted` has a bit that `requested`
    /// lacks: the pool does not follow BIP 310, and rolling such a bit
    /// could change version bits the miner meant to keep.
    pub fn negotiated(requested: VersionMask, granted: VersionMask) -> Result<Self, Error> {
        if granted.0 & !requested.0 != 0 {
            return Err(Error::MaskNotRequested {
                requested: requested.0,
                granted: granted.0,
            });
        }
        Ok(granted)
    }

    /// The 32 bits.
    ///
    /// ```
    /// assert_eq!(sha256d::stratum::VersionMask::NONE.bits(), 0);
    /// ```
    #[must_use]
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// How many versions a job allows: `2^(bits set)`.
    ///
    /// ```
    /// assert_eq!(sha256d::stratum::VersionMask::new(0x0000_6000).version_count(), 4);
    /// ```
    #[must_use]
    pub const fn version_count(self) -> u64 {
        1 << self.0.count_ones()
    }

    /// The share's header version under BIP 310:
    /// `(job_version & !mask) | (version_bits & mask)`.
    ///
    /// ```
    /// use sha256d::stratum::{Error, VersionMask};
    /// let mask = VersionMask::new(0x0000_e000);
    /// assert_eq!(mask.apply(0x2000_0000, 0x0000_a000)?, 0x2000_a000);
    /// // Bits the job sets inside the mask are replaced, not kept.
    /// assert_eq!(mask.apply(0x2000_e000, 0x0000_2000)?, 0x2000_2000);
    /// assert!(matches!(mask.apply(0x2000_0000, 0x0001_0000), Err(Error::VersionBitsOutsideMask { .. })));
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::VersionBitsOutsideMask`] if `version_bits & !mask` is not
    /// zero, which BIP 310 forbids.
    pub fn apply(self, job_version: u32, version_bits: u32) -> Result<u32, Error> {
        if version_bits & !self.0 != 0 {
            return Err(Error::VersionBitsOutsideMask {
                version_bits,
                mask: self.0,
            });
        }
        Ok((job_version & !self.0) | (version_bits & self.0))
    }

    /// The `version_bits` to submit for a share mined with header version
    /// `version`: its bits inside the mask.
    ///
    /// ```
    /// use sha256d::stratum::VersionMask;
    /// assert_eq!(VersionMask::BIP320.version_bits(0x3fff_e004), 0x1fff_e000);
    /// ```
    #[must_use]
    pub const fn version_bits(self, version: u32) -> u32 {
        version & self.0
    }

    /// Every version a job with `job_version` allows, the job's own first,
    /// each once: `job_version ^ p` for every `p` made of mask bits, in
    /// ascending order of `p`.
    ///
    /// ```
    /// use sha256d::stratum::VersionMask;
    /// let versions: Vec<u32> = VersionMask::new(0x0000_6000).versions(0x2000_2004).collect();
    /// assert_eq!(versions, [0x2000_2004, 0x2000_0004, 0x2000_6004, 0x2000_4004]);
    /// ```
    #[must_use]
    pub fn versions(self, job_version: u32) -> Versions {
        Versions {
            job_version,
            mask: self.0,
            next: Some(0),
        }
    }
}

/// Eight lowercase hex digits, as `mining.configure` sends masks.
impl fmt::Display for VersionMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", self.0)
    }
}

/// The next value of `pattern` among the subsets of `mask`, in ascending
/// order; `None` after the largest (`mask` itself).
pub(super) fn next_pattern(pattern: u32, mask: u32) -> Option<u32> {
    // Setting every bit outside the mask makes the carry of `+ 1` skip
    // them; what is left inside the mask is the next larger subset.
    let next = (pattern | !mask).wrapping_add(1) & mask;
    (next != 0).then_some(next)
}

/// The versions of [`VersionMask::versions`].
///
/// ```
/// use sha256d::stratum::VersionMask;
/// let mut versions = VersionMask::new(0x0000_2000).versions(0x2000_0000);
/// assert_eq!(versions.next(), Some(0x2000_0000)); // the job's own first
/// assert_eq!(versions.next(), Some(0x2000_2000));
/// assert_eq!(versions.next(), None);
/// ```
#[derive(Clone, Debug)]
pub struct Versions {
    job_version: u32,
    mask: u32,
    /// The next rolled-bits pattern; `None` when done.
    next: Option<u32>,
}

impl Iterator for Versions {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let pattern = self.next?;
        self.next = next_pattern(pattern, self.mask);
        Some(self.job_version ^ pattern)
    }
}

/// Parses exactly eight hex digits as a big-endian `u32`, the way Stratum
/// writes versions, nBits, nTime, nonces and masks.
pub(super) fn parse_u32_hex(hex: &str, field: Field) -> Result<u32, Error> {
    match decode_array::<4>(hex) {
        Ok(bytes) => Ok(u32::from_be_bytes(bytes)),
        Err(crate::Error::InvalidLength { expected, found }) => Err(Error::Length {
            field,
            expected,
            found,
        }),
        Err(error) => Err(Error::Hex { field, error }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_walk_the_subsets_of_the_mask_in_order() {
        // No bits: one pattern.
        assert_eq!(next_pattern(0, 0), None);
        // Bits 1 and 3: 0b0000, 0b0010, 0b1000, 0b1010, then the end.
        let mut seen = [0u32; 4];
        let mut pattern = Some(0);
        for slot in &mut seen {
            *slot = pattern.unwrap();
            pattern = next_pattern(*slot, 0b1010);
        }
        assert_eq!(seen, [0b0000, 0b0010, 0b1000, 0b1010]);
        assert_eq!(pattern, None);
        // The full mask: every value, wrapping to the end after all ones.
        assert_eq!(next_pattern(0, u32::MAX), Some(1));
        assert_eq!(next_pattern(0x7fff_ffff, u32::MAX), Some(0x8000_0000));
        assert_eq!(next_pattern(u32::MAX, u32::MAX), None);
        // The top bit alone.
        assert_eq!(next_pattern(0, 0x8000_0000), Some(0x8000_0000));
        assert_eq!(next_pattern(0x8000_0000, 0x8000_0000), None);
    }

    #[test]
    fn u32_fields_are_eight_hex_digits() {
        assert_eq!(parse_u32_hex("20000004", Field::Version), Ok(0x2000_0004));
        assert_eq!(parse_u32_hex("FFFFFFFF", Field::NBits), Ok(u32::MAX));
        assert_eq!(
            parse_u32_hex("0x200000", Field::Version),
            Err(Error::Hex {
                field: Field::Version,
                error: crate::Error::InvalidHexCharacter { index: 1 }
            })
        );
        assert_eq!(
            parse_u32_hex("", Field::NTime),
            Err(Error::Length {
                field: Field::NTime,
                expected: 4,
                found: 0
            })
        );
    }
}
