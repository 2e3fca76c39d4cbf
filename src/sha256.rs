//! SHA-256 and SHA-256d of byte strings: one-shot functions, a streaming
//! hasher and midstates.

use crate::arch::scalar;
use crate::{Error, Sha256Hash, Sha256dHash};

/// Initial hash value (FIPS 180-4, section 5.3.3).
pub(crate) const IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Round constants (FIPS 180-4, section 4.2.2).
pub(crate) const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// SHA-256 of `data`.
///
/// ```
/// let digest = sha256d::sha256(b"abc");
/// assert_eq!(digest[..4], [0xba, 0x78, 0x16, 0xbf]);
/// assert_eq!(format!("{digest}")[..8], *"ba7816bf");
/// ```
#[must_use]
pub fn sha256(data: &[u8]) -> Sha256Hash {
    let mut hasher = Sha256::new();
    hasher.update(data);
    hasher.finalize()
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
    Sha256dHash::from_byte_array(sha256(sha256(data).as_byte_array()).to_byte_array())
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
#[derive(Clone, Debug)]
pub struct Sha256 {
    state: [u32; 8],
    buffer: [u8; 64],
    buffered: usize,
    /// Message length so far, in bytes.
    length: u64,
}

impl Default for Sha256 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256 {
    /// A hasher that has seen no input.
    #[must_use]
    pub const fn new() -> Self {
        Sha256 {
            state: IV,
            buffer: [0; 64],
            buffered: 0,
            length: 0,
        }
    }

    /// Resumes hashing after a midstate.
    #[must_use]
    pub const fn from_midstate(midstate: &Midstate) -> Self {
        Sha256 {
            state: midstate.state,
            buffer: [0; 64],
            buffered: 0,
            length: midstate.length,
        }
    }

    /// Appends `data` to the message.
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
            scalar::compress(&mut self.state, &self.buffer);
            self.buffered = 0;
        }
        let mut blocks = data.chunks_exact(64);
        for block in &mut blocks {
            let block: &[u8; 64] = block.try_into().expect("chunks_exact yields 64 bytes");
            scalar::compress(&mut self.state, block);
        }
        let rest = blocks.remainder();
        self.buffer[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    /// The midstate, if the message so far is a whole number of blocks.
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
    #[must_use]
    pub fn finalize(mut self) -> Sha256Hash {
        let bit_length = self.length.wrapping_mul(8);
        let mut block = [0u8; 64];
        block[..self.buffered].copy_from_slice(&self.buffer[..self.buffered]);
        block[self.buffered] = 0x80;
        if self.buffered >= 56 {
            scalar::compress(&mut self.state, &block);
            block = [0u8; 64];
        }
        block[56..].copy_from_slice(&bit_length.to_be_bytes());
        scalar::compress(&mut self.state, &block);
        Sha256Hash::from_byte_array(scalar::store_state(&self.state))
    }

    /// Pads the message and returns its SHA-256d.
    #[must_use]
    pub fn finalize_sha256d(self) -> Sha256dHash {
        Sha256dHash::from_byte_array(sha256(self.finalize().as_byte_array()).to_byte_array())
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
        Midstate {
            state: crate::const_compress::compress(IV, prefix),
            length: 64,
        }
    }

    /// The midstate after `blocks`, whose length must be a multiple of 64.
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
    #[must_use]
    pub const fn state(&self) -> [u32; 8] {
        self.state
    }

    /// How many message bytes this state covers.
    #[must_use]
    pub const fn bytes_hashed(&self) -> u64 {
        self.length
    }

    /// SHA-256 of the prefix followed by `tail`.
    #[must_use]
    pub fn finish(&self, tail: &[u8]) -> Sha256Hash {
        let mut hasher = Sha256::from_midstate(self);
        hasher.update(tail);
        hasher.finalize()
    }

    /// SHA-256d of the prefix followed by `tail`.
    #[must_use]
    pub fn finish_sha256d(&self, tail: &[u8]) -> Sha256dHash {
        Sha256dHash::from_byte_array(sha256(self.finish(tail).as_byte_array()).to_byte_array())
    }
}
