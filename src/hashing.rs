//! The public hashing API: SHA-256 and SHA-256d of byte strings, one-shot
//! functions, a streaming hasher and midstates.
//!
//! A layer of its own above the SHA-256 core, rather than part of it: every
//! block it hashes goes through a [`Compressor`], the fastest compression
//! of the CPU's kernels (SHA-NI, ARMv8 SHA-2, else the portable one),
//! chosen on first use by `arch::compress` from the kernel list, so that
//! neither the core nor the kernels depend on this layer. Whole blocks go
//! to it in one call, never one call per block; one-shot hashes go through
//! its many-message path with one message, which also runs the padding
//! and, for SHA-256d, the second hash in the same call.

use crate::arch::compress::Compressor;
use crate::sha256::{self, IV, Shape, store_state};
use crate::{Error, Sha256Hash, Sha256dHash};

/// SHA-256 (or SHA-256d if `double`) of one message with `compressor`.
#[inline]
pub(crate) fn hash_one(compressor: Compressor, data: &[u8], double: bool) -> [u8; 32] {
    let mut out = [[0u8; 32]];
    compressor.hash_many(data, &Shape::new(data.len()), double, &mut out);
    out[0]
}

/// SHA-256 of `data`.
///
/// ```
/// let digest = sha256d::sha256(b"abc");
/// assert_eq!(digest[..4], [0xba, 0x78, 0x16, 0xbf]);
/// assert_eq!(format!("{digest}")[..8], *"ba7816bf");
/// ```
#[must_use]
pub fn sha256(data: &[u8]) -> Sha256Hash {
    Sha256Hash::from_byte_array(hash_one(Compressor::best(), data, false))
}

/// SHA-256d of `data`: SHA-256 applied twice, as Bitcoin hashes headers,
/// transactions and Merkle nodes.
///
/// ```
/// // The empty string's SHA-256d.
/// assert_eq!(sha256d::sha256d(b"")[..4], [0x5d, 0xf6, 0xe0, 0xe2]);
/// ```
#[must_use]
pub fn sha256d(data: &[u8]) -> Sha256dHash {
    Sha256dHash::from_byte_array(hash_one(Compressor::best(), data, true))
}

/// Streaming SHA-256: feed bytes in pieces of any size, then finalize.
///
/// ```
/// use sha256d::Sha256;
/// let mut hasher = Sha256::new();
/// hasher.update(b"a");
/// hasher.update(b"bc");
/// assert_eq!(hasher.finalize(), sha256d::sha256(b"abc"));
/// ```
///
/// `Debug` shows no state and no message bytes: `Sha256 { .. }`. With the
/// `zeroize` feature the hasher implements `Zeroize` and wipes its state
/// and buffered bytes when dropped (copies made with `Clone` are hashers of
/// their own, wiped when they are dropped).
#[derive(Clone)]
pub struct Sha256 {
    pub(crate) state: [u32; 8],
    /// Bytes of the message's last, incomplete block; always fewer than 64
    /// between calls.
    pub(crate) buffer: [u8; 64],
    pub(crate) buffered: usize,
    /// Message length so far, in bytes.
    pub(crate) length: u64,
    /// The compression: chosen at the first block unless forced (so that
    /// `new` can stay `const`).
    pub(crate) compressor: Option<Compressor>,
}

/// Opaque: a hasher's state and buffered bytes may derive from secrets
/// (HMAC keys), so they are not printed.
impl core::fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Sha256").finish_non_exhaustive()
    }
}

impl Default for Sha256 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256 {
    /// A hasher that has seen no input.
    ///
    /// ```
    /// const HASHER: sha256d::Sha256 = sha256d::Sha256::new();
    /// assert_eq!(HASHER.finalize(), sha256d::sha256(b""));
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Sha256 {
            state: IV,
            buffer: [0; 64],
            buffered: 0,
            length: 0,
            compressor: None,
        }
    }

    /// Resumes hashing after a midstate.
    ///
    /// ```
    /// use sha256d::{Midstate, Sha256};
    /// let mut hasher = Sha256::from_midstate(&Midstate::from_prefix(&[1; 64]));
    /// hasher.update(b"more");
    /// assert_eq!(hasher.finalize(), sha256d::sha256(&[&[1u8; 64][..], b"more"].concat()));
    /// ```
    #[must_use]
    pub const fn from_midstate(midstate: &Midstate) -> Self {
        Sha256 {
            state: midstate.state,
            buffer: [0; 64],
            buffered: 0,
            length: midstate.length,
            compressor: None,
        }
    }

    /// The same hasher with its compression forced (see
    /// [`Engine::hasher`](crate::Engine::hasher)).
    pub(crate) const fn with_compressor(mut self, compressor: Compressor) -> Self {
        self.compressor = Some(compressor);
        self
    }

    /// The compression, chosen now if it was not yet.
    #[inline]
    fn compressor(&mut self) -> Compressor {
        *self.compressor.get_or_insert_with(Compressor::best)
    }

    /// Appends `data` to the message.
    ///
    /// ```
    /// let mut hasher = sha256d::Sha256::new();
    /// hasher.update(b"ab");
    /// hasher.update(b"c");
    /// assert_eq!(hasher.finalize(), sha256d::sha256(b"abc"));
    /// ```
    pub fn update(&mut self, mut data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u64);
        if self.buffered > 0 {
            let take = (64 - self.buffered).min(data.len());
            self.buffer[self.buffered..self.buffered + take].copy_from_slice(&data[..take]);
            self.buffered += take;
            data = &data[take..];
            if self.buffered < 64 {
                return;
            }
            let compressor = self.compressor();
            compressor.compress_blocks(&mut self.state, &self.buffer);
            self.buffered = 0;
        }
        // Every whole block in one call.
        let whole = data.len() - data.len() % 64;
        if whole > 0 {
            let compressor = self.compressor();
            compressor.compress_blocks(&mut self.state, &data[..whole]);
        }
        let rest = &data[whole..];
        self.buffer[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    /// The midstate, if the message so far is a whole number of blocks.
    ///
    /// ```
    /// let mut hasher = sha256d::Sha256::new();
    /// hasher.update(&[0; 64]);
    /// assert!(hasher.midstate().is_some());
    /// hasher.update(b"x");
    /// assert!(hasher.midstate().is_none());
    /// ```
    #[must_use]
    pub const fn midstate(&self) -> Option<Midstate> {
        if self.buffered == 0 {
            Some(Midstate {
                state: self.state,
                length: self.length,
            })
        } else {
            None
        }
    }

    /// Pads the message and returns its SHA-256.
    ///
    /// ```
    /// let hash = sha256d::Sha256::new().chain_update(b"abc").finalize();
    /// assert_eq!(hash.to_string()[..8], *"ba7816bf");
    /// ```
    #[must_use]
    pub fn finalize(mut self) -> Sha256Hash {
        let bit_length = self.length.wrapping_mul(8);
        // The rest of the message and its padding: one block, or two when
        // the length no longer fits after the rest; one call either way.
        let mut blocks = [0u8; 128];
        blocks[..self.buffered].copy_from_slice(&self.buffer[..self.buffered]);
        blocks[self.buffered] = 0x80;
        let end = if self.buffered >= 56 { 128 } else { 64 };
        blocks[end - 8..end].copy_from_slice(&bit_length.to_be_bytes());
        let compressor = self.compressor();
        compressor.compress_blocks(&mut self.state, &blocks[..end]);
        Sha256Hash::from_byte_array(store_state(&self.state))
    }

    /// Pads the message and returns its SHA-256d.
    ///
    /// ```
    /// let hash = sha256d::Sha256::new().chain_update(b"abc").finalize_sha256d();
    /// assert_eq!(hash, sha256d::sha256d(b"abc"));
    /// ```
    #[must_use]
    pub fn finalize_sha256d(mut self) -> Sha256dHash {
        let compressor = self.compressor();
        let first = self.finalize();
        Sha256dHash::from_byte_array(hash_one(compressor, first.as_byte_array(), false))
    }
}

/// The SHA-256 state after a whole number of 64-byte blocks.
///
/// Miners hash the first 64 bytes of a block header once per job and finish
/// the remaining 16 bytes for every nonce from here.
///
/// ```
/// use sha256d::{sha256d, Midstate};
/// let header = [7u8; 80];
/// let prefix: &[u8; 64] = header[..64].try_into().unwrap();
/// let midstate = Midstate::from_prefix(prefix);
/// assert_eq!(midstate.finish_sha256d(&header[64..]), sha256d(&header));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Midstate {
    state: [u32; 8],
    /// Bytes hashed to reach this state; always a multiple of 64.
    length: u64,
}

impl Midstate {
    /// The midstate after the 64-byte `prefix`. A `const fn`, so the
    /// midstate of a fixed prefix can be a constant.
    ///
    /// ```
    /// use sha256d::Midstate;
    /// const MIDSTATE: Midstate = Midstate::from_prefix(&[0x5a; 64]);
    /// assert_eq!(MIDSTATE.finish(b"tail"), sha256d::sha256(&[&[0x5a; 64][..], b"tail"].concat()));
    /// ```
    #[must_use]
    pub const fn from_prefix(prefix: &[u8; 64]) -> Self {
        // The one compression here that does not go through
        // `compress_blocks`: a run-time dispatch cannot run in a constant.
        Midstate {
            state: sha256::compress_const(IV, prefix),
            length: 64,
        }
    }

    /// The midstate after `blocks`, whose length must be a multiple of 64.
    ///
    /// ```
    /// use sha256d::{Error, Midstate};
    /// assert_eq!(Midstate::from_blocks(&[3; 128])?.bytes_hashed(), 128);
    /// assert!(matches!(Midstate::from_blocks(&[3; 100]), Err(Error::InvalidLength { .. })));
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (with the length rounded down to a whole
    /// block as the expected value) if it is not.
    pub fn from_blocks(blocks: &[u8]) -> Result<Self, Error> {
        if !blocks.len().is_multiple_of(64) {
            return Err(Error::InvalidLength {
                expected: blocks.len() / 64 * 64,
                found: blocks.len(),
            });
        }
        let mut hasher = Sha256::new();
        hasher.update(blocks);
        // A whole number of blocks leaves nothing buffered.
        hasher.midstate().ok_or(Error::InvalidLength {
            expected: blocks.len() / 64 * 64,
            found: blocks.len(),
        })
    }

    /// A midstate from raw state words and the number of bytes they cover.
    ///
    /// ```
    /// use sha256d::Midstate;
    /// let m = Midstate::from_prefix(&[9; 64]);
    /// assert_eq!(Midstate::from_state(m.state(), 64)?, m);
    /// # Ok::<(), sha256d::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidLength`] if `bytes_hashed` is not a multiple of 64.
    pub fn from_state(state: [u32; 8], bytes_hashed: u64) -> Result<Self, Error> {
        if !bytes_hashed.is_multiple_of(64) {
            return Err(Error::InvalidLength {
                expected: (bytes_hashed / 64 * 64) as usize,
                found: bytes_hashed as usize,
            });
        }
        Ok(Midstate {
            state,
            length: bytes_hashed,
        })
    }

    /// The eight state words.
    ///
    /// ```
    /// let m = sha256d::Midstate::from_prefix(&[0; 64]);
    /// assert_eq!(m.state().len(), 8);
    /// ```
    #[must_use]
    pub const fn state(&self) -> [u32; 8] {
        self.state
    }

    /// How many message bytes this state covers.
    ///
    /// ```
    /// assert_eq!(sha256d::Midstate::from_prefix(&[0; 64]).bytes_hashed(), 64);
    /// ```
    #[must_use]
    pub const fn bytes_hashed(&self) -> u64 {
        self.length
    }

    /// SHA-256 of the prefix followed by `tail`.
    ///
    /// ```
    /// let m = sha256d::Midstate::from_prefix(&[0; 64]);
    /// assert_eq!(m.finish(b"!"), sha256d::sha256(&[&[0u8; 64][..], b"!"].concat()));
    /// ```
    #[must_use]
    pub fn finish(&self, tail: &[u8]) -> Sha256Hash {
        let mut hasher = Sha256::from_midstate(self);
        hasher.update(tail);
        hasher.finalize()
    }

    /// SHA-256d of the prefix followed by `tail`.
    ///
    /// ```
    /// let m = sha256d::Midstate::from_prefix(&[0; 64]);
    /// assert_eq!(m.finish_sha256d(b"!"), sha256d::sha256d(&[&[0u8; 64][..], b"!"].concat()));
    /// ```
    #[must_use]
    pub fn finish_sha256d(&self, tail: &[u8]) -> Sha256dHash {
        let mut hasher = Sha256::from_midstate(self);
        hasher.update(tail);
        hasher.finalize_sha256d()
    }
}
