//! Hashing many messages of one length at once, and plain hashing through
//! a chosen engine.
//!
//! One SHA-256 message is a chain of rounds that each wait for the one
//! before, so a single hash cannot use a CPU's SIMD lanes or keep its SHA
//! unit busy. Independent messages can: the SSE4.1, AVX2 and NEON kernels
//! hash four or eight messages in the lanes of a vector, and the SHA-NI
//! and ARMv8 SHA-2 kernels interleave several messages' rounds so that one
//! message's instruction runs while another's waits. Messages of the same
//! length share their padding, so its work is done once per call.
//!
//! Use it whenever many independent messages of one length are hashed
//! together: block headers (80 bytes), Merkle tree nodes (64 bytes), txids
//! and other 32-byte digests, fixed-size records. For one message, or
//! messages of different lengths, use [`sha256`](crate::sha256) and
//! [`sha256d`](crate::sha256d): they take the same code path with one
//! message.

use crate::arch::compress::Compressor;
use crate::hashing::{Sha256, hash_one};
use crate::sha256::Shape;
use crate::{Engine, Error, Kernel, Sha256Hash, Sha256dHash};

/// Messages hashed per call into the kernel when the outputs are typed:
/// they land in a stack buffer of raw digests first (1.5 KiB), and 48 is a
/// multiple of every kernel's group width (2 or 3 SHA streams, 4, 8 or 16
/// lanes), so no call but the last ends with a short group.
const GROUP: usize = 48;

impl Engine {
    /// The `out.len()` messages of `shape`'s length laid end to end in
    /// `messages` (already checked to fit), hashed into typed outputs a
    /// group at a time.
    fn hash_into<H: From<[u8; 32]>>(
        &self,
        messages: &[u8],
        shape: &Shape,
        double: bool,
        out: &mut [H],
    ) {
        let len = shape.len;
        let mut digests = [[0u8; 32]; GROUP];
        for (group, outputs) in out.chunks_mut(GROUP).enumerate() {
            let first = group * GROUP * len;
            let group_messages = &messages[first..first + outputs.len() * len];
            let digests = &mut digests[..outputs.len()];
            self.backend_hash_many(group_messages, shape, double, digests);
            for (output, digest) in outputs.iter_mut().zip(digests.iter()) {
                *output = H::from(*digest);
            }
        }
    }
}

/// One output per message, or the error that says why not.
pub(crate) fn check_counts(messages: usize, outputs: usize) -> Result<(), Error> {
    if messages == outputs {
        Ok(())
    } else {
        Err(Error::InvalidLength {
            expected: messages,
            found: outputs,
        })
    }
}

/// `messages` split into `count` messages of `len` bytes, or the error
/// that says why not.
fn check_lengths(messages: &[u8], len: usize, count: usize) -> Result<(), Error> {
    match len.checked_mul(count) {
        Some(expected) if expected == messages.len() => Ok(()),
        expected => Err(Error::InvalidLength {
            expected: expected.unwrap_or(usize::MAX),
            found: messages.len(),
        }),
    }
}

impl Engine {
    /// SHA-256 of each of the `out.len()` messages of `len` bytes laid end
    /// to end in `messages`, into the matching element of `out`. Any count
    /// works, and nothing is allocated.
    ///
    /// ```
    /// let engine = sha256d::Engine::best();
    /// let records = b"0123456789abcdef0123456789abcdef012";
    /// let mut digests = [sha256d::Sha256Hash::default(); 5];
    /// engine.sha256_many(records, 7, &mut digests)?;
    /// assert_eq!(digests[1], sha256d::sha256(b"789abcd"));
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `messages` is exactly
    /// `len * out.len()` bytes.
    pub fn sha256_many(
        &self,
        messages: &[u8],
        len: usize,
        out: &mut [Sha256Hash],
    ) -> Result<(), Error> {
        check_lengths(messages, len, out.len())?;
        self.hash_into(messages, &Shape::new(len), false, out);
        Ok(())
    }

    /// SHA-256d of each of the `out.len()` messages of `len` bytes laid
    /// end to end in `messages`; see [`Engine::sha256_many`].
    ///
    /// ```
    /// let engine = sha256d::Engine::best();
    /// let txids = [[7u8; 32], [8; 32]];
    /// let mut hashes = [sha256d::Sha256dHash::default(); 2];
    /// engine.sha256d_many(txids.as_flattened(), 32, &mut hashes)?;
    /// assert_eq!(hashes[1], sha256d::sha256d(&[8; 32]));
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `messages` is exactly
    /// `len * out.len()` bytes.
    pub fn sha256d_many(
        &self,
        messages: &[u8],
        len: usize,
        out: &mut [Sha256dHash],
    ) -> Result<(), Error> {
        check_lengths(messages, len, out.len())?;
        self.hash_into(messages, &Shape::new(len), true, out);
        Ok(())
    }

    /// SHA-256 of each `L`-byte message into the matching element of
    /// `out`. Any count works, and nothing is allocated.
    ///
    /// ```
    /// let records = [*b"record 1", *b"record 2", *b"record 3"];
    /// let mut digests = [sha256d::Sha256Hash::default(); 3];
    /// sha256d::Engine::best().sha256_each(&records, &mut digests)?;
    /// assert_eq!(digests[2], sha256d::sha256(b"record 3"));
    /// // A length mismatch is an error, not a partial result.
    /// assert!(sha256d::Engine::best().sha256_each(&records, &mut digests[..2]).is_err());
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `out` has exactly one element per
    /// message (`expected` is `messages.len()`, `found` is `out.len()`);
    /// then nothing is written.
    pub fn sha256_each<const L: usize>(
        &self,
        messages: &[[u8; L]],
        out: &mut [Sha256Hash],
    ) -> Result<(), Error> {
        check_counts(messages.len(), out.len())?;
        self.hash_into(messages.as_flattened(), &Shape::new(L), false, out);
        Ok(())
    }

    /// SHA-256d of each `L`-byte message into the matching element of
    /// `out`: with `L = 80`, the hashes of block headers.
    ///
    /// ```
    /// use sha256d::{BlockHeader, Engine};
    /// let genesis = BlockHeader::from_hex(concat!(
    ///     "0100000000000000000000000000000000000000000000000000000000000000",
    ///     "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    ///     "4b1e5e4a29ab5f49ffff001d1dac2b7c",
    /// ))?;
    /// let headers = [genesis.to_bytes(); 3];
    /// let mut hashes = [sha256d::Sha256dHash::default(); 3];
    /// Engine::best().sha256d_each(&headers, &mut hashes)?;
    /// assert_eq!(sha256d::BlockHash::from(hashes[2]), genesis.block_hash());
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `out` has exactly one element per
    /// message, as [`Engine::sha256_each`].
    pub fn sha256d_each<const L: usize>(
        &self,
        messages: &[[u8; L]],
        out: &mut [Sha256dHash],
    ) -> Result<(), Error> {
        check_counts(messages.len(), out.len())?;
        self.hash_into(messages.as_flattened(), &Shape::new(L), true, out);
        Ok(())
    }

    /// SHA-256 of `data` with this engine's compression (see
    /// [`Engine::compression`]); the same value as
    /// [`sha256`](crate::sha256).
    ///
    /// ```
    /// let engine = sha256d::Engine::scalar();
    /// assert_eq!(engine.sha256(b"abc"), sha256d::sha256(b"abc"));
    /// ```
    #[must_use]
    pub fn sha256(&self, data: &[u8]) -> Sha256Hash {
        Sha256Hash::from_byte_array(hash_one(self.compressor(), data, false))
    }

    /// SHA-256d of `data` with this engine's compression; the same value
    /// as [`sha256d`](crate::sha256d).
    ///
    /// ```
    /// let engine = sha256d::Engine::best();
    /// assert_eq!(engine.sha256d(b"abc"), sha256d::sha256d(b"abc"));
    /// ```
    #[must_use]
    pub fn sha256d(&self, data: &[u8]) -> Sha256dHash {
        Sha256dHash::from_byte_array(hash_one(self.compressor(), data, true))
    }

    /// A streaming hasher that uses this engine's compression.
    ///
    /// ```
    /// let mut hasher = sha256d::Engine::scalar().hasher();
    /// hasher.update(b"abc");
    /// assert_eq!(hasher.finalize(), sha256d::sha256(b"abc"));
    /// ```
    #[must_use]
    pub fn hasher(&self) -> Sha256 {
        Sha256::new().with_compressor(self.compressor())
    }

    /// The kernel whose single-message compression this engine's plain
    /// hashing uses: its own for [`Kernel::ShaNi`] and [`Kernel::ArmSha2`],
    /// which have SHA instructions, and [`Kernel::Scalar`] for the others,
    /// whose SIMD lanes do not speed up one message.
    ///
    /// ```
    /// use sha256d::{Engine, Kernel};
    /// assert_eq!(Engine::scalar().compression(), Kernel::Scalar);
    /// ```
    #[must_use]
    pub fn compression(&self) -> Kernel {
        self.compressor().kernel()
    }
}

/// The kernel whose compression [`sha256`](crate::sha256),
/// [`sha256d`](crate::sha256d), [`Sha256`] and [`Midstate`](crate::Midstate)
/// use: the fastest this CPU runs correctly, chosen (with a known-answer
/// test) on first use: [`Kernel::ShaNi`] or [`Kernel::ArmSha2`] where the
/// CPU has SHA instructions, else [`Kernel::Scalar`].
///
/// ```
/// println!("plain hashing runs on {}", sha256d::compression());
/// assert!(sha256d::compression().is_available());
/// ```
#[must_use]
pub fn compression() -> Kernel {
    Compressor::best().kernel()
}

/// SHA-256 of each of the `out.len()` messages of `len` bytes laid end to
/// end in `messages`, with the best engine; see [`Engine::sha256_many`].
///
/// ```
/// let mut digests = [sha256d::Sha256Hash::default(); 2];
/// sha256d::sha256_many(b"abcdef", 3, &mut digests)?;
/// assert_eq!(digests[1], sha256d::sha256(b"def"));
/// // Six bytes are not three messages of three bytes.
/// assert!(sha256d::sha256_many(b"abcdef", 3, &mut [Default::default(); 3]).is_err());
/// # Ok::<(), sha256d::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidLength`] unless `messages` is exactly `len * out.len()`
/// bytes.
pub fn sha256_many(messages: &[u8], len: usize, out: &mut [Sha256Hash]) -> Result<(), Error> {
    Engine::best().sha256_many(messages, len, out)
}

/// SHA-256d of each of the `out.len()` messages of `len` bytes laid end to
/// end in `messages`, with the best engine; see [`Engine::sha256_many`].
///
/// ```
/// let mut hashes = [sha256d::Sha256dHash::default(); 2];
/// sha256d::sha256d_many(b"abcdef", 3, &mut hashes)?;
/// assert_eq!(hashes[0], sha256d::sha256d(b"abc"));
/// # Ok::<(), sha256d::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidLength`] unless `messages` is exactly `len * out.len()`
/// bytes.
pub fn sha256d_many(messages: &[u8], len: usize, out: &mut [Sha256dHash]) -> Result<(), Error> {
    Engine::best().sha256d_many(messages, len, out)
}

/// SHA-256 of each `L`-byte message with the best engine; see
/// [`Engine::sha256_each`].
///
/// ```
/// let keys = [[1u8; 33], [2; 33]];
/// let mut digests = [sha256d::Sha256Hash::default(); 2];
/// sha256d::sha256_each(&keys, &mut digests)?;
/// assert_eq!(digests[0], sha256d::sha256(&[1; 33]));
/// # Ok::<(), sha256d::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidLength`] unless `out` has exactly one element per
/// message.
pub fn sha256_each<const L: usize>(
    messages: &[[u8; L]],
    out: &mut [Sha256Hash],
) -> Result<(), Error> {
    Engine::best().sha256_each(messages, out)
}

/// SHA-256d of each `L`-byte message with the best engine; see
/// [`Engine::sha256d_each`].
///
/// ```
/// let txids = [[7u8; 32]; 10];
/// let mut hashes = [sha256d::Sha256dHash::default(); 10];
/// sha256d::sha256d_each(&txids, &mut hashes)?;
/// assert_eq!(hashes[9], sha256d::sha256d(&[7u8; 32]));
/// # Ok::<(), sha256d::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidLength`] unless `out` has exactly one element per
/// message.
pub fn sha256d_each<const L: usize>(
    messages: &[[u8; L]],
    out: &mut [Sha256dHash],
) -> Result<(), Error> {
    Engine::best().sha256d_each(messages, out)
}
