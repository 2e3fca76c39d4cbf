//! Proof-of-work targets: the full 256-bit [`Target`] and its compact
//! encoding [`CompactTarget`] (a header's `bits` field, "nBits").

use core::borrow::Borrow;
use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

use crate::Error;
use crate::hex::decode_array;

/// A 256-bit proof-of-work target. A hash meets it when the hash, read as a
/// little-endian 256-bit integer, is less than or equal to it.
///
/// Stored as 32 little-endian bytes. Bitcoin displays targets big-endian;
/// [`Target::from_be_hex`], `FromStr` and the `Display`, `LowerHex` and
/// `UpperHex` impls use that order (64 digits, most significant first).
/// `{:x}` and `{:X}` print what the `bitcoin` crate's `Target` prints;
/// its `Display` is decimal, this crate's is the same hex as `{:x}`.
///
/// `Ord` compares the numbers: a larger target is easier to meet.
/// `TryFrom<CompactTarget>` expands nBits ([`CompactTarget::to_target`]);
/// `From<Target> for CompactTarget` encodes ([`Target::to_compact`]).
///
/// ```
/// use sha256d::{CompactTarget, Target};
/// let one: Target = "00000000ffff0000000000000000000000000000000000000000000000000000".parse()?;
/// assert_eq!(Target::try_from(CompactTarget::from(0x1d00ffff))?, one);
/// assert_eq!(CompactTarget::from(one), CompactTarget::from(0x1d00ffff));
/// assert!(Target::from_difficulty(2.0)? < one);
/// assert_eq!(format!("{one:x}"), one.to_string());
/// # Ok::<(), sha256d::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target([u8; 32]);

/// The target of difficulty 1: compact `0x1d00ffff`, `0xffff << 208`.
const DIFFICULTY_1_MANTISSA: f64 = 65535.0;
/// 2^208 as a float: the shift of the difficulty-1 mantissa.
const TWO_POW_208: f64 = f64::from_bits((1023 + 208) << 52);
/// 2^64 as a float.
const TWO_POW_64: f64 = f64::from_bits((1023 + 64) << 52);

impl Target {
    /// Zero: only a hash of all zero bits meets it. The same value as
    /// `bitcoin::Target::ZERO`.
    ///
    /// ```
    /// assert!(sha256d::Target::ZERO < sha256d::Target::ALL_ONES);
    /// ```
    pub const ZERO: Target = Target([0; 32]);
    /// All ones (`2^256 - 1`): every hash meets it. Useful for tests that
    /// want every nonce to win. Not a network's limit: that is
    /// [`Target::MAX_ATTAINABLE_MAINNET`] (which the `bitcoin` crate also
    /// calls `Target::MAX`; this crate has no `Target::MAX`, so that the
    /// name cannot mean two values).
    ///
    /// ```
    /// assert!(sha256d::Target::ALL_ONES.is_met_by(&[0xff; 32]));
    /// ```
    pub const ALL_ONES: Target = Target([0xff; 32]);
    /// The easiest target mainnet allows, difficulty 1: compact
    /// `0x1d00ffff`, `0xffff << 208`. The same value and name as
    /// `bitcoin::Target::MAX_ATTAINABLE_MAINNET` (and `bitcoin::Target::MAX`).
    ///
    /// ```
    /// use sha256d::{CompactTarget, Target};
    /// assert_eq!(Target::MAX_ATTAINABLE_MAINNET.to_compact(), CompactTarget::from(0x1d00ffff));
    /// assert_eq!(Target::MAX_ATTAINABLE_MAINNET.difficulty_float(), 1.0);
    /// ```
    pub const MAX_ATTAINABLE_MAINNET: Target = {
        let mut bytes = [0u8; 32];
        bytes[26] = 0xff;
        bytes[27] = 0xff;
        Target(bytes)
    };

    /// From 32 little-endian bytes (the order in which hashes are compared).
    ///
    /// ```
    /// use sha256d::Target;
    /// let mut bytes = [0u8; 32];
    /// bytes[0] = 1;
    /// assert_eq!(Target::from_le_bytes(bytes).to_string(), format!("{:064x}", 1));
    /// ```
    #[must_use]
    pub const fn from_le_bytes(bytes: [u8; 32]) -> Self {
        Target(bytes)
    }

    /// The 32 little-endian bytes.
    ///
    /// ```
    /// assert_eq!(sha256d::Target::ALL_ONES.to_le_bytes(), [0xff; 32]);
    /// ```
    #[must_use]
    pub const fn to_le_bytes(self) -> [u8; 32] {
        self.0
    }

    /// From 32 big-endian bytes (most significant first, as displayed).
    ///
    /// ```
    /// use sha256d::Target;
    /// let mut bytes = [0u8; 32];
    /// bytes[31] = 1;
    /// assert_eq!(Target::from_be_bytes(bytes).to_le_bytes()[0], 1);
    /// ```
    #[must_use]
    pub const fn from_be_bytes(bytes: [u8; 32]) -> Self {
        Target(reversed(bytes))
    }

    /// The 32 big-endian bytes.
    ///
    /// ```
    /// use sha256d::Target;
    /// let bytes = core::array::from_fn(|i| i as u8);
    /// assert_eq!(Target::from_be_bytes(bytes).to_be_bytes(), bytes);
    /// ```
    #[must_use]
    pub const fn to_be_bytes(self) -> [u8; 32] {
        reversed(self.0)
    }

    /// Parses 64 hex digits, most significant first, as Bitcoin displays
    /// targets (`00000000ffff0000...` for difficulty 1); `str::parse` does
    /// the same.
    ///
    /// ```
    /// use sha256d::Target;
    /// let t = Target::from_be_hex(&format!("{:064x}", 0x1234))?;
    /// assert_eq!(t.to_le_bytes()[..2], [0x34, 0x12]);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// Bad hex or a length other than 64 digits.
    pub fn from_be_hex(hex: &str) -> Result<Self, Error> {
        Ok(Self::from_be_bytes(decode_array(hex)?))
    }

    /// The most significant 32 bits. A hash whose own top 32 bits (bytes
    /// 28..32, little-endian) exceed this cannot meet the target; kernels
    /// reject on this word before finishing a hash.
    ///
    /// ```
    /// use sha256d::CompactTarget;
    /// let one = CompactTarget::from(0x1d00ffff).to_target()?;
    /// assert_eq!(one.top_u32(), 0);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub const fn top_u32(&self) -> u32 {
        u32::from_le_bytes([self.0[28], self.0[29], self.0[30], self.0[31]])
    }

    /// Whether `hash` (32 bytes in internal order, as SHA-256d produces
    /// them: a `[u8; 32]` or any of the crate's hash types) read as a
    /// little-endian integer is `<=` this target.
    ///
    /// ```
    /// use sha256d::Target;
    /// let t = Target::from_le_bytes([0x10; 32]);
    /// assert!(t.is_met_by(&[0x10; 32]));
    /// assert!(!t.is_met_by(&[0x11; 32]));
    /// ```
    #[must_use]
    pub fn is_met_by<H: Borrow<[u8; 32]> + ?Sized>(&self, hash: &H) -> bool {
        compare_le(hash.borrow(), &self.0) != Ordering::Greater
    }

    /// The target for a pool or network difficulty: difficulty 1 is
    /// compact `0x1d00ffff`, and the target shrinks in proportion to the
    /// difficulty (`floor(0xffff * 2^208 / difficulty)`, to `f64`
    /// precision). Difficulties below about 2.3e-10 give [`Target::ALL_ONES`].
    ///
    /// ```
    /// use sha256d::{CompactTarget, Target};
    /// let one = Target::from_difficulty(1.0)?;
    /// assert_eq!(one, CompactTarget::from_consensus(0x1d00ffff).to_target()?);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidDifficulty`] unless `difficulty` is finite and > 0.
    pub fn from_difficulty(difficulty: f64) -> Result<Self, Error> {
        if !(difficulty.is_finite() && difficulty > 0.0) {
            return Err(Error::InvalidDifficulty);
        }
        let value = DIFFICULTY_1_MANTISSA / difficulty * TWO_POW_208;
        Ok(Self::from_f64_floor(value))
    }

    /// The difficulty this target represents as a float: the difficulty-1
    /// target ([`Target::MAX_ATTAINABLE_MAINNET`]) divided by this one;
    /// infinite for [`Target::ZERO`]. The same as the `bitcoin` crate's
    /// `Target::difficulty_float` (its `difficulty` is another function:
    /// an integer, against a network's parameters).
    ///
    /// ```
    /// use sha256d::Target;
    /// assert_eq!(Target::from_difficulty(1.0)?.difficulty_float(), 1.0);
    /// assert!(Target::ZERO.difficulty_float().is_infinite());
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub fn difficulty_float(&self) -> f64 {
        DIFFICULTY_1_MANTISSA * TWO_POW_208 / self.to_f64()
    }

    fn to_f64(self) -> f64 {
        let mut value = 0.0;
        for limb in self.0.chunks_exact(8).rev() {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(limb);
            value = value * TWO_POW_64 + u64::from_le_bytes(bytes) as f64;
        }
        value
    }

    /// `floor(value)` for a finite non-negative float, saturating at all ones.
    fn from_f64_floor(value: f64) -> Self {
        let bits = value.to_bits();
        let biased_exponent = ((bits >> 52) & 0x7ff) as i32;
        if biased_exponent == 0 {
            // Zero or subnormal: below one.
            return Target::ZERO;
        }
        let mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
        // value = mantissa * 2^shift
        let shift = biased_exponent - 1075;
        if shift <= -53 {
            return Target::ZERO;
        }
        if shift + 53 > 256 {
            return Target::ALL_ONES;
        }
        let mut out = [0u8; 32];
        if shift < 0 {
            out[..8].copy_from_slice(&(mantissa >> -shift).to_le_bytes());
        } else {
            // Place the 53-bit mantissa at bit `shift`.
            let wide = (mantissa as u128) << (shift % 8);
            let first = (shift / 8) as usize;
            for (i, byte) in wide.to_le_bytes().iter().enumerate() {
                if first + i < 32 {
                    out[first + i] = *byte;
                }
            }
        }
        Target(out)
    }

    /// The compact encoding, rounding the mantissa down as Bitcoin Core's
    /// `GetCompact` does (so the round trip target -> compact -> target
    /// can only lose low bits). Also `From<Target> for CompactTarget`.
    ///
    /// ```
    /// use sha256d::{CompactTarget, Target};
    /// let t = Target::from_be_hex("00000000ffff0000000000000000000000000000000000000000000000000000")?;
    /// assert_eq!(t.to_compact(), CompactTarget::from_consensus(0x1d00ffff));
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    #[must_use]
    pub fn to_compact(&self) -> CompactTarget {
        let size = match self.0.iter().rposition(|&b| b != 0) {
            Some(top) => top + 1,
            None => return CompactTarget(0),
        };
        let byte = |i: isize| -> u32 {
            if i >= 0 {
                u32::from(self.0[i as usize])
            } else {
                0
            }
        };
        let top = size as isize - 1;
        let mut mantissa = (byte(top) << 16) | (byte(top - 1) << 8) | byte(top - 2);
        let mut size = size as u32;
        // The mantissa's top bit is the sign: move a set one out of the way.
        if mantissa & 0x0080_0000 != 0 {
            mantissa >>= 8;
            size += 1;
        }
        CompactTarget((size << 24) | mantissa)
    }
}

/// The bytes in the opposite order.
const fn reversed(bytes: [u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = bytes[31 - i];
        i += 1;
    }
    out
}

/// Compares two 32-byte little-endian integers.
fn compare_le(a: &[u8; 32], b: &[u8; 32]) -> Ordering {
    // Eight bytes at a time from the most significant end: a hash that
    // meets a real target shares its leading zero bytes with it, which a
    // byte loop walks one by one (this is in the header-chain check's loop).
    let limb = |x: &[u8; 32], i: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&x[8 * i..8 * i + 8]);
        u64::from_le_bytes(bytes)
    };
    (0..4)
        .rev()
        .map(|i| limb(a, i).cmp(&limb(b, i)))
        .find(|order| order.is_ne())
        .unwrap_or(Ordering::Equal)
}

impl PartialOrd for Target {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Target {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_le(&self.0, &other.0)
    }
}

/// Big-endian hex, 64 digits, as Bitcoin displays targets.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::hex::format(&self.0, true, false, f)
    }
}

/// The same digits as `Display`; `{:#x}` adds `0x`.
impl fmt::LowerHex for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::hex::format(&self.0, true, false, f)
    }
}

/// `Display`'s digits in uppercase.
impl fmt::UpperHex for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::hex::format(&self.0, true, true, f)
    }
}

/// 64 hex digits, most significant first, as [`Target::from_be_hex`].
impl FromStr for Target {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_be_hex(s)
    }
}

/// Expands nBits as [`CompactTarget::to_target`].
impl TryFrom<CompactTarget> for Target {
    type Error = Error;
    fn try_from(bits: CompactTarget) -> Result<Self, Error> {
        bits.to_target()
    }
}

/// Encodes as [`Target::to_compact`] (rounding the mantissa down).
impl From<Target> for CompactTarget {
    fn from(target: Target) -> Self {
        target.to_compact()
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({self})")
    }
}

/// A compact target: the 32-bit `bits` field of a block header ("nBits").
///
/// The top byte is a size in bytes, the low 23 bits a mantissa and bit 23 a
/// sign: `value = mantissa * 256^(size - 3)`. Any 32-bit value can be held;
/// [`CompactTarget::to_target`] decides which are valid targets.
///
/// Converts from and to `u32` (`From`). As text it is hex: `Display` writes
/// `0x1d00ffff`, `LowerHex`/`UpperHex` format the `u32` (so `{:08x}` gives
/// `1d00ffff`, as `getblockheader` and Stratum write nBits), and `FromStr`
/// takes exactly eight digits with or without `0x`.
///
/// `Ord` and `Default` are those of the `u32`, as for the `bitcoin` crate's
/// `CompactTarget`: the order of the raw values, which is *not* the order of
/// the targets they encode (compare [`Target`]s for that); the default is
/// `0`, which encodes no valid target.
///
/// ```
/// use sha256d::CompactTarget;
/// let bits: CompactTarget = "1d00ffff".parse()?;
/// assert_eq!(bits, CompactTarget::from(0x1d00ffff));
/// assert_eq!(u32::from(bits), 0x1d00ffff);
/// assert_eq!(bits.to_string(), "0x1d00ffff");
/// assert_eq!(format!("{bits:08x}"), "1d00ffff");
/// assert_eq!(bits.to_string().parse::<CompactTarget>()?, bits);
/// # Ok::<(), sha256d::Error>(())
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CompactTarget(u32);

impl CompactTarget {
    /// Wraps the raw `bits` value as it appears in a header.
    ///
    /// ```
    /// assert_eq!(sha256d::CompactTarget::from_consensus(0x1d00ffff).to_consensus(), 0x1d00ffff);
    /// ```
    #[must_use]
    pub const fn from_consensus(bits: u32) -> Self {
        CompactTarget(bits)
    }

    /// The raw `bits` value.
    ///
    /// ```
    /// assert_eq!(sha256d::CompactTarget::from(0x1703a30c).to_consensus(), 0x1703a30c);
    /// ```
    #[must_use]
    pub const fn to_consensus(self) -> u32 {
        self.0
    }

    /// Expands to the full target, with Bitcoin Core's `SetCompact`
    /// semantics: a mantissa shifted right for sizes below 3, shifted left
    /// by whole bytes above.
    ///
    /// Rejected, as Bitcoin Core rejects them for proof of work:
    /// - [`Error::CompactNegative`]: sign bit set and a non-zero mantissa
    ///   (`0x04923456`, `0x01fedcba`);
    /// - [`Error::CompactOverflow`]: a value wider than 256 bits
    ///   (`0xff123456`, `0x21010000`);
    /// - [`Error::CompactZero`]: a value of zero, including mantissas shifted
    ///   out entirely (`0x00123456`, `0x01003456`) and a negative zero
    ///   (`0x04800000`).
    ///
    /// ```
    /// use sha256d::{CompactTarget, Error};
    /// let t = CompactTarget::from_consensus(0x05009234).to_target()?;
    /// assert_eq!(t.to_le_bytes()[..5], [0, 0, 0x34, 0x92, 0]);
    /// assert_eq!(CompactTarget::from_consensus(0x04923456).to_target(), Err(Error::CompactNegative));
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// As listed above.
    pub fn to_target(self) -> Result<Target, Error> {
        let size = self.0 >> 24;
        let mut mantissa = self.0 & 0x007f_ffff;
        if size <= 3 {
            mantissa >>= 8 * (3 - size);
        }
        if mantissa == 0 {
            return Err(Error::CompactZero);
        }
        if self.0 & 0x0080_0000 != 0 {
            return Err(Error::CompactNegative);
        }
        if size > 34 || (mantissa > 0xff && size > 33) || (mantissa > 0xffff && size > 32) {
            return Err(Error::CompactOverflow);
        }
        let mut out = [0u8; 32];
        let bytes = mantissa.to_le_bytes();
        let first = size.saturating_sub(3) as usize;
        for (i, &byte) in bytes[..3].iter().enumerate() {
            // Bytes past the 32nd are zero: the overflow check allows them.
            if let Some(slot) = out.get_mut(first + i) {
                *slot = byte;
            }
        }
        Ok(Target(out))
    }
}

impl From<CompactTarget> for u32 {
    fn from(bits: CompactTarget) -> u32 {
        bits.0
    }
}

impl From<u32> for CompactTarget {
    fn from(bits: u32) -> Self {
        CompactTarget(bits)
    }
}

/// Exactly eight hex digits (either case), optionally after `0x` or `0X`.
impl FromStr for CompactTarget {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let digits = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s);
        let offset = s.len() - digits.len();
        let bytes: [u8; 4] = decode_array(digits).map_err(|e| match e {
            Error::InvalidHexCharacter { index } => Error::InvalidHexCharacter {
                index: index + offset,
            },
            other => other,
        })?;
        Ok(CompactTarget(u32::from_be_bytes(bytes)))
    }
}

/// Formats the `u32`: `{:08x}` gives `1d00ffff`, `{:#x}` gives `0x1d00ffff`.
impl fmt::LowerHex for CompactTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::LowerHex::fmt(&self.0, f)
    }
}

/// Formats the `u32` in uppercase.
impl fmt::UpperHex for CompactTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::UpperHex::fmt(&self.0, f)
    }
}

/// `0x` and eight hex digits, as nBits is usually written.
impl fmt::Display for CompactTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#010x}", self.0)
    }
}

impl fmt::Debug for CompactTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CompactTarget({self})")
    }
}
