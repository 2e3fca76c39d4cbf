//! Share targets and the fields of `mining.submit`.

use core::fmt::{self, Write};

use super::version::parse_u32_hex;
use super::{Error, Extranonce2, Field};
use crate::Target;

/// The share target for a pool difficulty (`mining.set_difficulty`):
/// difficulty 1 is the target `0x00000000ffff0000…` (compact `1d00ffff`)
/// and the target shrinks in proportion to the difficulty, so fractional
/// difficulties below 1 give easier targets. This is
/// [`Target::from_difficulty`], with a zero target refused.
///
/// ```
/// use sha256d::stratum::{share_target, Error};
/// use sha256d::Target;
/// assert_eq!(
///     share_target(1.0)?.to_string(),
///     "00000000ffff0000000000000000000000000000000000000000000000000000",
/// );
/// assert_eq!(
///     share_target(0.5)?.to_string(),
///     "00000001fffe0000000000000000000000000000000000000000000000000000",
/// );
/// assert_eq!(share_target(1e-12)?, Target::ALL_ONES);
/// assert_eq!(share_target(0.0), Err(Error::InvalidDifficulty));
/// assert_eq!(share_target(f64::NAN), Err(Error::InvalidDifficulty));
/// assert_eq!(share_target(1e80), Err(Error::InvalidDifficulty));
/// # Ok::<(), Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidDifficulty`] unless `difficulty` is finite and greater
/// than zero, or if it is so large (above about 2^224) that its target is
/// zero.
pub fn share_target(difficulty: f64) -> Result<Target, Error> {
    match Target::from_difficulty(difficulty) {
        Ok(target) if target != Target::ZERO => Ok(target),
        _ => Err(Error::InvalidDifficulty),
    }
}

/// A 32-bit number as Stratum writes nTime, nonces and version bits:
/// exactly eight lowercase hex digits of the big-endian value.
///
/// ```
/// assert_eq!(sha256d::stratum::HexU32(0x41da_d6e3).to_string(), "41dad6e3");
/// assert_eq!(sha256d::stratum::HexU32(0x1e).to_string(), "0000001e");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HexU32(pub u32);

impl fmt::Display for HexU32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", self.0)
    }
}

/// A solved share: what `mining.submit` sends after the worker name.
///
/// ```
/// use sha256d::stratum::{Extranonce2, Share};
/// // The share that mined block 000…c835.
/// let share = Share::from_hex("1", "0000001e", "6155a491", "41dad6e3", Some("1fffe000"))?;
/// assert_eq!(share.nonce(), 0x41da_d6e3);
/// assert_eq!(share.extranonce2(), &Extranonce2::from_u64(30, 4)?);
/// assert_eq!(
///     share.params("me").to_string(),
///     r#"["me","1","0000001e","6155a491","41dad6e3","1fffe000"]"#,
/// );
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share<'a> {
    job_id: &'a str,
    extranonce2: Extranonce2,
    ntime: u32,
    nonce: u32,
    version_bits: Option<u32>,
}

impl<'a> Share<'a> {
    /// A share from its fields; `version_bits` only when version rolling
    /// was negotiated.
    ///
    /// ```
    /// use sha256d::stratum::{Extranonce2, Share};
    /// let share = Share::new("b3", Extranonce2::zero(2)?, 0x504e_86b9, 7, None);
    /// assert_eq!(share.params("w").to_string(), r#"["w","b3","0000","504e86b9","00000007"]"#);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn new(
        job_id: &'a str,
        extranonce2: Extranonce2,
        ntime: u32,
        nonce: u32,
        version_bits: Option<u32>,
    ) -> Self {
        Share {
            job_id,
            extranonce2,
            ntime,
            nonce,
            version_bits,
        }
    }

    /// A share from the strings of `mining.submit` (as a pool reads it).
    ///
    /// ```
    /// use sha256d::stratum::{Error, Field, Share};
    /// assert_eq!(
    ///     Share::from_hex("1", "0000001e", "6155a491", "41dad6e", None),
    ///     Err(Error::Hex { field: Field::Nonce, error: sha256d::Error::OddHexLength }),
    /// );
    /// ```
    ///
    /// # Errors
    /// [`Error::Hex`], [`Error::Length`] (nTime, nonce and version bits are
    /// four bytes) or [`Error::TooLong`] (extranonce2).
    pub fn from_hex(
        job_id: &'a str,
        extranonce2: &str,
        ntime: &str,
        nonce: &str,
        version_bits: Option<&str>,
    ) -> Result<Self, Error> {
        Ok(Share {
            job_id,
            extranonce2: Extranonce2::from_hex(extranonce2)?,
            ntime: parse_u32_hex(ntime, Field::NTime)?,
            nonce: parse_u32_hex(nonce, Field::Nonce)?,
            version_bits: version_bits
                .map(|bits| parse_u32_hex(bits, Field::VersionBits))
                .transpose()?,
        })
    }

    /// The job id.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce2, Share};
    /// let share = Share::new("b3", Extranonce2::zero(2)?, 0, 7, None);
    /// assert_eq!(share.job_id(), "b3");
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn job_id(&self) -> &'a str {
        self.job_id
    }

    /// The extranonce2.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce2, Share};
    /// let share = Share::new("b3", Extranonce2::zero(2)?, 0, 7, None);
    /// assert_eq!(share.extranonce2().to_string(), "0000");
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn extranonce2(&self) -> &Extranonce2 {
        &self.extranonce2
    }

    /// The header time.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce2, Share};
    /// let share = Share::new("b3", Extranonce2::zero(2)?, 0x504e_86b9, 7, None);
    /// assert_eq!(share.ntime(), 0x504e_86b9);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn ntime(&self) -> u32 {
        self.ntime
    }

    /// The nonce.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce2, Share};
    /// let share = Share::new("b3", Extranonce2::zero(2)?, 0, 7, None);
    /// assert_eq!(share.nonce(), 7);
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn nonce(&self) -> u32 {
        self.nonce
    }

    /// The BIP 310 version bits, if version rolling is on.
    ///
    /// ```
    /// # use sha256d::stratum::{Extranonce2, Share};
    /// let share = Share::new("b3", Extranonce2::zero(2)?, 0, 7, Some(0x2000));
    /// assert_eq!(share.version_bits(), Some(0x2000));
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn version_bits(&self) -> Option<u32> {
        self.version_bits
    }

    /// The `params` array of `mining.submit` for `worker`, as JSON:
    /// worker name, job id, extranonce2, nTime, nonce and, with version
    /// rolling, version bits; strings escaped as JSON requires. It is
    /// written straight to any [`fmt::Write`], so sending a share needs no
    /// allocation:
    ///
    /// ```
    /// use core::fmt::Write;
    /// use sha256d::stratum::{Extranonce2, Share};
    ///
    /// struct Line { buf: [u8; 256], len: usize }
    /// impl Write for Line {
    ///     fn write_str(&mut self, s: &str) -> core::fmt::Result {
    ///         let end = self.len + s.len();
    ///         self.buf.get_mut(self.len..end).ok_or(core::fmt::Error)?.copy_from_slice(s.as_bytes());
    ///         self.len = end;
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let share = Share::new("job \"7\"", Extranonce2::zero(4)?, 0x6155_a491, 0x41da_d6e3, Some(0));
    /// let mut line = Line { buf: [0; 256], len: 0 };
    /// write!(line, r#"{{"id":4,"method":"mining.submit","params":{}}}"#, share.params("w.1")).unwrap();
    /// assert_eq!(
    ///     core::str::from_utf8(&line.buf[..line.len]).unwrap(),
    ///     r#"{"id":4,"method":"mining.submit","params":["w.1","job \"7\"","00000000","6155a491","41dad6e3","00000000"]}"#,
    /// );
    /// # Ok::<(), sha256d::stratum::Error>(())
    /// ```
    #[must_use]
    pub const fn params<'w>(&self, worker: &'w str) -> SubmitParams<'a, 'w> {
        SubmitParams {
            share: *self,
            worker,
        }
    }
}

/// The JSON `params` of `mining.submit`: see [`Share::params`].
///
/// ```
/// use sha256d::stratum::{Extranonce2, Share};
/// let share = Share::new("b3", Extranonce2::from_hex("0001")?, 0x504e_86b9, 0x1234_abcd, None);
/// assert_eq!(
///     share.params("worker.1").to_string(),
///     r#"["worker.1","b3","0001","504e86b9","1234abcd"]"#,
/// );
/// # Ok::<(), sha256d::stratum::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SubmitParams<'a, 'w> {
    share: Share<'a>,
    worker: &'w str,
}

impl fmt::Display for SubmitParams<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let share = &self.share;
        f.write_char('[')?;
        write_json_string(f, self.worker)?;
        f.write_char(',')?;
        write_json_string(f, share.job_id)?;
        write!(
            f,
            r#","{}","{}","{}""#,
            share.extranonce2,
            HexU32(share.ntime),
            HexU32(share.nonce)
        )?;
        if let Some(bits) = share.version_bits {
            write!(f, r#","{}""#, HexU32(bits))?;
        }
        f.write_char(']')
    }
}

/// Writes `text` as a JSON string: quotes, with `"`, `\` and control
/// characters escaped (RFC 8259, section 7).
fn write_json_string(out: &mut impl Write, text: &str) -> fmt::Result {
    out.write_char('"')?;
    for c in text.chars() {
        match c {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c if u32::from(c) < 0x20 => write!(out, "\\u{:04x}", u32::from(c))?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('"')
}
