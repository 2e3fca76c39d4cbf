//! The extranonces: the pool's part of the coinbase that tells sessions
//! apart (`extranonce1` in v1, the channel's extranonce prefix in v2) and
//! the miner's own part (`extranonce2` in v1, the extranonce in v2).

use core::fmt;

use super::coinbase::validate_hex;
use super::{Error, Field};
use crate::hex::{Hex, decode_to_slice};

/// The longest `extranonce1` accepted, in bytes. Pools send 4 to 8.
///
/// ```
/// use sha256d::stratum::{Error, Extranonce, Field, MAX_EXTRANONCE1_LEN};
/// assert!(Extranonce::new(&[0xaa; MAX_EXTRANONCE1_LEN], 4).is_ok());
/// assert_eq!(
///     Extranonce::new(&[0xaa; 33], 4),
///     Err(Error::TooLong { field: Field::Extranonce1, max: 32, found: 33 }),
/// );
/// ```
pub const MAX_EXTRANONCE1_LEN: usize = 32;
/// The largest `extranonce2_size` accepted, in bytes: v1 pools send 2 to
/// 8; a v2 extended channel's extranonce (`B0_32`) can take up to 32.
///
/// ```
/// use sha256d::stratum::{Error, Extranonce2, Field, MAX_EXTRANONCE2_LEN};
/// assert_eq!(Extranonce2::zero(MAX_EXTRANONCE2_LEN)?.len(), 32);
/// assert_eq!(
///     Extranonce2::zero(33),
///     Err(Error::TooLong { field: Field::Extranonce2, max: 32, found: 33 }),
/// );
/// # Ok::<(), Error>(())
/// ```
pub const MAX_EXTRANONCE2_LEN: usize = 32;

/// What `mining.subscribe` (or later `mining.set_extranonce`) gives a
/// session: the pool's `extranonce1` and the size of the miner's
/// `extranonce2`.
///
/// ```
/// use sha256d::stratum::{Error, Extranonce, Field, MAX_EXTRANONCE2_LEN};
/// let session = Extranonce::from_hex("30f56204", 4)?;
/// assert_eq!(session.extranonce1(), &[0x30, 0xf5, 0x62, 0x04]);
/// assert_eq!(session.extranonce2_size(), 4);
/// assert_eq!(
///     Extranonce::from_hex("30f56204", 33),
///     Err(Error::TooLong { field: Field::Extranonce2Size, max: MAX_EXTRANONCE2_LEN, found: 33 }),
/// );
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Extranonce {
    extranonce1: [u8; MAX_EXTRANONCE1_LEN],
    extranonce1_len: usize,
    extranonce2_size: usize,
}

impl Extranonce {
    /// From the bytes of `extranonce1` and `extranonce2_size`.
    ///
    /// ```
    /// let session = sha256d::stratum::Extranonce::new(&[0xf8, 0x00], 8)?;
    /// assert_eq!(session.extranonce1().len(), 2);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::TooLong`] if `extranonce1` is longer than
    /// [`MAX_EXTRANONCE1_LEN`] or `extranonce2_size` larger than
    /// [`MAX_EXTRANONCE2_LEN`].
    pub fn new(extranonce1: &[u8], extranonce2_size: usize) -> Result<Self, Error> {
        let mut bytes = [0u8; MAX_EXTRANONCE1_LEN];
        bytes
            .get_mut(..extranonce1.len())
            .ok_or(Error::TooLong {
                field: Field::Extranonce1,
                max: MAX_EXTRANONCE1_LEN,
                found: extranonce1.len(),
            })?
            .copy_from_slice(extranonce1);
        if extranonce2_size > MAX_EXTRANONCE2_LEN {
            return Err(Error::TooLong {
                field: Field::Extranonce2Size,
                max: MAX_EXTRANONCE2_LEN,
                found: extranonce2_size,
            });
        }
        Ok(Extranonce {
            extranonce1: bytes,
            extranonce1_len: extranonce1.len(),
            extranonce2_size,
        })
    }

    /// From `extranonce1` in hex, as `mining.subscribe` sends it.
    ///
    /// ```
    /// let session = sha256d::stratum::Extranonce::from_hex("F8002C90", 4)?;
    /// assert_eq!(session.to_string(), "extranonce1 f8002c90, extranonce2_size 4");
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Hex`] for bad hex, otherwise as [`Extranonce::new`].
    pub fn from_hex(extranonce1: &str, extranonce2_size: usize) -> Result<Self, Error> {
        validate_hex(extranonce1, Field::Extranonce1)?;
        let len = extranonce1.len() / 2;
        let mut bytes = [0u8; MAX_EXTRANONCE1_LEN];
        let slot = bytes.get_mut(..len).ok_or(Error::TooLong {
            field: Field::Extranonce1,
            max: MAX_EXTRANONCE1_LEN,
            found: len,
        })?;
        decode_to_slice(extranonce1, slot).map_err(|error| Error::Hex {
            field: Field::Extranonce1,
            error,
        })?;
        Self::new(slot, extranonce2_size)
    }

    /// The pool's `extranonce1` bytes.
    ///
    /// ```
    /// let session = sha256d::stratum::Extranonce::new(&[], 8)?;
    /// assert!(session.extranonce1().is_empty());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn extranonce1(&self) -> &[u8] {
        self.extranonce1
            .get(..self.extranonce1_len)
            .unwrap_or(&self.extranonce1)
    }

    /// How many bytes of `extranonce2` the miner fills in.
    ///
    /// ```
    /// let session = sha256d::stratum::Extranonce::new(&[1], 2)?;
    /// assert_eq!(session.extranonce2_size(), 2);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn extranonce2_size(&self) -> usize {
        self.extranonce2_size
    }
}

impl fmt::Debug for Extranonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Extranonce({self})")
    }
}

impl fmt::Display for Extranonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "extranonce1 {}, extranonce2_size {}",
            Hex(self.extranonce1()),
            self.extranonce2_size
        )
    }
}

/// The miner's part of the coinbase: `extranonce2_size` bytes, counted as
/// a big-endian number by [`Extranonce2::next`] and submitted as hex of
/// the bytes.
///
/// ```
/// use sha256d::stratum::Extranonce2;
/// let first = Extranonce2::zero(4)?;
/// assert_eq!(first.to_string(), "00000000");
/// assert_eq!(first.next().unwrap().to_string(), "00000001");
/// assert_eq!(Extranonce2::from_hex("ffff")?.next(), None); // the last one
/// assert_eq!(Extranonce2::from_u64(0x1e, 4)?, Extranonce2::from_hex("0000001e")?);
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Extranonce2 {
    bytes: [u8; MAX_EXTRANONCE2_LEN],
    len: usize,
}

impl Extranonce2 {
    /// `size` zero bytes: the first value.
    ///
    /// ```
    /// assert_eq!(sha256d::stratum::Extranonce2::zero(8)?.as_bytes(), &[0; 8]);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::TooLong`] if `size` exceeds [`MAX_EXTRANONCE2_LEN`].
    pub fn zero(size: usize) -> Result<Self, Error> {
        if size > MAX_EXTRANONCE2_LEN {
            return Err(Error::TooLong {
                field: Field::Extranonce2,
                max: MAX_EXTRANONCE2_LEN,
                found: size,
            });
        }
        Ok(Extranonce2 {
            bytes: [0; MAX_EXTRANONCE2_LEN],
            len: size,
        })
    }

    /// These bytes.
    ///
    /// ```
    /// let e = sha256d::stratum::Extranonce2::from_bytes(&[0xab, 0xcd])?;
    /// assert_eq!(e.to_string(), "abcd");
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::TooLong`] for more than [`MAX_EXTRANONCE2_LEN`] bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut out = [0u8; MAX_EXTRANONCE2_LEN];
        out.get_mut(..bytes.len())
            .ok_or(Error::TooLong {
                field: Field::Extranonce2,
                max: MAX_EXTRANONCE2_LEN,
                found: bytes.len(),
            })?
            .copy_from_slice(bytes);
        Ok(Extranonce2 {
            bytes: out,
            len: bytes.len(),
        })
    }

    /// From hex, as `mining.submit` carries it; the size is half the number
    /// of digits.
    ///
    /// ```
    /// assert_eq!(sha256d::stratum::Extranonce2::from_hex("0000001e")?.len(), 4);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Hex`] or [`Error::TooLong`].
    pub fn from_hex(hex: &str) -> Result<Self, Error> {
        validate_hex(hex, Field::Extranonce2)?;
        let mut out = [0u8; MAX_EXTRANONCE2_LEN];
        let len = hex.len() / 2;
        let slot = out.get_mut(..len).ok_or(Error::TooLong {
            field: Field::Extranonce2,
            max: MAX_EXTRANONCE2_LEN,
            found: len,
        })?;
        decode_to_slice(hex, slot).map_err(|error| Error::Hex {
            field: Field::Extranonce2,
            error,
        })?;
        Ok(Extranonce2 { bytes: out, len })
    }

    /// `value` as `size` big-endian bytes.
    ///
    /// ```
    /// use sha256d::stratum::{Error, Extranonce2, Field};
    /// assert_eq!(Extranonce2::from_u64(258, 2)?.as_bytes(), &[1, 2]);
    /// assert_eq!(
    ///     Extranonce2::from_u64(65_536, 2),
    ///     Err(Error::TooLong { field: Field::Extranonce2, max: 2, found: 3 }),
    /// );
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::TooLong`] if `size` exceeds [`MAX_EXTRANONCE2_LEN`] or
    /// `value` needs more than `size` bytes (`max` is then `size` and
    /// `found` the bytes `value` needs).
    pub fn from_u64(value: u64, size: usize) -> Result<Self, Error> {
        let mut out = Self::zero(size)?;
        let needed = 8 - value.leading_zeros() as usize / 8;
        if needed > size {
            return Err(Error::TooLong {
                field: Field::Extranonce2,
                max: size,
                found: needed,
            });
        }
        for (slot, byte) in out.bytes[..size].iter_mut().rev().zip(value.to_le_bytes()) {
            *slot = byte;
        }
        Ok(out)
    }

    /// The bytes.
    ///
    /// ```
    /// assert_eq!(sha256d::stratum::Extranonce2::zero(2)?.as_bytes(), &[0, 0]);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }

    /// The size in bytes.
    ///
    /// ```
    /// assert_eq!(sha256d::stratum::Extranonce2::zero(4)?.len(), 4);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the size is zero (a pool that leaves no room: one coinbase).
    ///
    /// ```
    /// assert!(sha256d::stratum::Extranonce2::zero(0)?.is_empty());
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The next value (big-endian, plus one), or `None` after the last
    /// (all bytes `ff`; an empty extranonce2 has only one value).
    ///
    /// ```
    /// use sha256d::stratum::Extranonce2;
    /// assert_eq!(Extranonce2::from_hex("00ff")?.next(), Some(Extranonce2::from_hex("0100")?));
    /// assert_eq!(Extranonce2::zero(0)?.next(), None);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub fn next(&self) -> Option<Self> {
        let mut out = *self;
        for byte in out.bytes.get_mut(..self.len)?.iter_mut().rev() {
            let (sum, carry) = byte.overflowing_add(1);
            *byte = sum;
            if !carry {
                return Some(out);
            }
        }
        None
    }
}

/// Lowercase hex of the bytes, as `mining.submit` carries it.
impl fmt::Display for Extranonce2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Hex(self.as_bytes()).fmt(f)
    }
}

impl fmt::Debug for Extranonce2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Extranonce2({self})")
    }
}
