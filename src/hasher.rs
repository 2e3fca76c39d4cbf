//! More of the streaming hasher's API, in the shape `sha2` users know:
//! one-shot [`Sha256::digest`], [`Sha256::finalize_reset`],
//! [`Sha256::chain_update`], and `std::io::Write` (with `std`).

use crate::{Sha256, Sha256Hash, Sha256dHash};

impl Sha256 {
    /// SHA-256 of `data` in one call, as `sha2::Sha256::digest` (the same
    /// as [`sha256`](crate::sha256)).
    ///
    /// ```
    /// use sha256d::Sha256;
    /// let hash = Sha256::digest("abc");
    /// assert_eq!(format!("{hash:x}")[..8], *"ba7816bf");
    /// ```
    #[must_use]
    pub fn digest(data: impl AsRef<[u8]>) -> Sha256Hash {
        crate::sha256(data.as_ref())
    }

    /// Appends `data` and returns the hasher, for chained calls.
    ///
    /// ```
    /// use sha256d::Sha256;
    /// let hash = Sha256::new().chain_update(b"ab").chain_update(b"c").finalize();
    /// assert_eq!(hash, Sha256::digest(b"abc"));
    /// ```
    #[must_use]
    pub fn chain_update(mut self, data: impl AsRef<[u8]>) -> Self {
        self.update(data.as_ref());
        self
    }

    /// Returns the SHA-256 of the message so far and starts a new, empty
    /// message, reusing the hasher.
    ///
    /// ```
    /// use sha256d::Sha256;
    /// let mut hasher = Sha256::new();
    /// hasher.update(b"abc");
    /// assert_eq!(hasher.finalize_reset(), Sha256::digest(b"abc"));
    /// hasher.update(b"xyz");
    /// assert_eq!(hasher.finalize_reset(), Sha256::digest(b"xyz"));
    /// ```
    #[must_use]
    pub fn finalize_reset(&mut self) -> Sha256Hash {
        core::mem::take(self).finalize()
    }

    /// Returns the SHA-256d of the message so far and starts a new, empty
    /// message.
    ///
    /// ```
    /// use sha256d::Sha256;
    /// let mut hasher = Sha256::new().chain_update(b"abc");
    /// assert_eq!(hasher.finalize_sha256d_reset(), sha256d::sha256d(b"abc"));
    /// assert_eq!(hasher.finalize_reset(), Sha256::digest(b""));
    /// ```
    #[must_use]
    pub fn finalize_sha256d_reset(&mut self) -> Sha256dHash {
        core::mem::take(self).finalize_sha256d()
    }

    /// Forgets the message so far.
    ///
    /// ```
    /// use sha256d::Sha256;
    /// let mut hasher = Sha256::new().chain_update(b"abc");
    /// hasher.reset();
    /// assert_eq!(hasher.finalize(), Sha256::digest(b""));
    /// ```
    pub fn reset(&mut self) {
        *self = Sha256::new();
    }
}

/// Feeds everything written into the hash, so `std::io::copy` can hash a
/// file or a socket. Writes never fail and always take the whole buffer.
///
/// ```
/// use sha256d::Sha256;
/// let mut hasher = Sha256::new();
/// std::io::copy(&mut &b"abc"[..], &mut hasher)?;
/// assert_eq!(hasher.finalize(), Sha256::digest(b"abc"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl std::io::Write for Sha256 {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.update(buf);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{Sha256, sha256};

    #[test]
    fn reset_variants_start_over() {
        let mut hasher = Sha256::new();
        hasher.update(&[5; 100]);
        let first = hasher.finalize_reset();
        assert_eq!(first, sha256(&[5; 100]));
        hasher.update(&[5; 100]);
        assert_eq!(hasher.clone().finalize(), first);
        assert_eq!(hasher.finalize_sha256d_reset(), crate::sha256d(&[5; 100]));
        assert_eq!(hasher.finalize(), sha256(b""));
    }

    #[cfg(feature = "std")]
    #[test]
    fn io_write_hashes_every_byte() {
        use std::io::Write;
        let data: std::vec::Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
        let mut hasher = Sha256::new();
        for piece in data.chunks(7) {
            hasher.write_all(piece).unwrap();
        }
        hasher.flush().unwrap();
        assert_eq!(hasher.finalize(), sha256(&data));
    }
}
