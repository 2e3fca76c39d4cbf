//! The RustCrypto [`digest`](https://docs.rs/digest/0.11) 0.11 traits for
//! [`Sha256`], the version the `sha2` 0.11 crate implements, so the hasher
//! drops into code written against `digest::Digest` and into the crates
//! built on the block-level API: `hmac::Hmac<sha256d::Sha256>`,
//! `hmac::SimpleHmac<sha256d::Sha256>` and `hkdf::Hkdf<sha256d::Sha256>`
//! (through [`Sha256Core`]).
//!
//! `Sha256`'s inherent methods (`new`, `update`, `finalize`, `digest`,
//! `finalize_reset`) keep their names and return [`Sha256Hash`]; the trait
//! methods return `digest::Output<Sha256>`, and the two convert with
//! `From` both ways.

use core::fmt;

use digest::HashMarker;
use digest::block_api::{
    AlgorithmName, Block, BlockSizeUser, Buffer, BufferKindUser, CoreProxy, Eager, FixedOutputCore,
    UpdateCore,
};
use digest::consts::{U32, U64};
use digest::{FixedOutput, FixedOutputReset, Output, OutputSizeUser, Reset, Update};

use crate::arch::compress::Compressor;
use crate::sha256::{IV, store_state};
use crate::{Sha256, Sha256Hash};

#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
impl HashMarker for Sha256 {}

#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
impl OutputSizeUser for Sha256 {
    type OutputSize = U32;
}

/// SHA-256's 64-byte block: what `hmac::SimpleHmac` needs.
///
/// ```
/// use hmac::{KeyInit, Mac, SimpleHmac};
/// let mut mac = SimpleHmac::<sha256d::Sha256>::new_from_slice(b"key")?;
/// mac.update(b"The quick brown fox jumps over the lazy dog");
/// assert_eq!(
///     mac.finalize().into_bytes()[..4],
///     [0xf7, 0xbc, 0x83, 0xf4],
/// );
/// # Ok::<(), hmac::digest::InvalidLength>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
impl BlockSizeUser for Sha256 {
    type BlockSize = U64;
}

/// Appends bytes, as [`Sha256::update`].
///
/// ```
/// use digest::Digest;
/// fn hash_with<D: Digest>(data: &[u8]) -> Vec<u8> {
///     let mut hasher = D::new();
///     hasher.update(data);
///     hasher.finalize().to_vec()
/// }
/// assert_eq!(hash_with::<sha256d::Sha256>(b"abc"), sha256d::sha256(b"abc").as_slice());
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
impl Update for Sha256 {
    fn update(&mut self, data: &[u8]) {
        Sha256::update(self, data);
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
impl FixedOutput for Sha256 {
    fn finalize_into(self, out: &mut Output<Self>) {
        out.copy_from_slice(Sha256::finalize(self).as_slice());
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
impl Reset for Sha256 {
    fn reset(&mut self) {
        Sha256::reset(self);
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
impl FixedOutputReset for Sha256 {
    fn finalize_into_reset(&mut self, out: &mut Output<Self>) {
        out.copy_from_slice(Sha256::finalize_reset(self).as_slice());
    }
}

/// [`Sha256`] as a block-level core and a buffer, the form `hmac::Hmac`
/// and `hkdf::Hkdf` keep their hashers in.
///
/// ```
/// use hmac::{Hmac, KeyInit, Mac};
/// // RFC 4231, test case 2.
/// let mut mac = Hmac::<sha256d::Sha256>::new_from_slice(b"Jefe")?;
/// mac.update(b"what do ya want for nothing?");
/// let tag = mac.finalize().into_bytes();
/// assert_eq!(
///     sha256d::hex::Hex(&tag).to_string(),
///     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
/// );
/// # Ok::<(), hmac::digest::InvalidLength>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
impl CoreProxy for Sha256 {
    type Core = Sha256Core;

    fn compose(core: Sha256Core, buffer: Buffer<Sha256Core>) -> Self {
        let data = buffer.get_data();
        let mut block = [0u8; 64];
        block[..data.len()].copy_from_slice(data);
        Sha256 {
            state: core.state,
            buffer: block,
            buffered: data.len(),
            length: core.blocks.wrapping_mul(64).wrapping_add(data.len() as u64),
            compressor: core.compressor,
        }
    }

    fn decompose(self) -> (Sha256Core, Buffer<Sha256Core>) {
        let core = Sha256Core {
            state: self.state,
            blocks: self.length / 64,
            compressor: self.compressor,
        };
        (
            core,
            Buffer::<Sha256Core>::new(&self.buffer[..self.buffered]),
        )
    }
}

/// The block-level SHA-256 core behind [`Sha256`] (the `digest` crate's
/// block API): the state and the number of whole blocks hashed, with the
/// same run-time chosen compression. Code does not use it directly;
/// `hmac::Hmac` and `hkdf::Hkdf` reach it through `Sha256`.
///
/// `Debug` is opaque, as for [`Sha256`].
///
/// ```
/// use hkdf::Hkdf;
/// // RFC 5869, test case 3 (no salt, no info).
/// let hk = Hkdf::<sha256d::Sha256>::new(None, &[0x0b; 22]);
/// let mut okm = [0u8; 42];
/// hk.expand(&[], &mut okm).expect("42 bytes is a valid length");
/// assert_eq!(okm[..4], [0x8d, 0xa4, 0xe7, 0x75]);
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
#[derive(Clone)]
pub struct Sha256Core {
    state: [u32; 8],
    blocks: u64,
    compressor: Option<Compressor>,
}

impl Sha256Core {
    fn compressor(&mut self) -> Compressor {
        *self.compressor.get_or_insert_with(Compressor::best)
    }
}

/// The state before any input.
impl Default for Sha256Core {
    fn default() -> Self {
        Sha256Core {
            state: IV,
            blocks: 0,
            compressor: None,
        }
    }
}

impl fmt::Debug for Sha256Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sha256Core").finish_non_exhaustive()
    }
}

impl HashMarker for Sha256Core {}

impl BlockSizeUser for Sha256Core {
    type BlockSize = U64;
}

impl BufferKindUser for Sha256Core {
    type BufferKind = Eager;
}

impl OutputSizeUser for Sha256Core {
    type OutputSize = U32;
}

impl UpdateCore for Sha256Core {
    fn update_blocks(&mut self, blocks: &[Block<Self>]) {
        let compressor = self.compressor();
        for block in blocks {
            compressor.compress_blocks(&mut self.state, block.as_slice());
        }
        self.blocks = self.blocks.wrapping_add(blocks.len() as u64);
    }
}

impl FixedOutputCore for Sha256Core {
    fn finalize_fixed_core(&mut self, buffer: &mut Buffer<Self>, out: &mut Output<Self>) {
        let bit_length = self
            .blocks
            .wrapping_mul(64)
            .wrapping_add(buffer.get_pos() as u64)
            .wrapping_mul(8);
        let compressor = self.compressor();
        let state = &mut self.state;
        buffer.len64_padding_be(bit_length, |block| {
            compressor.compress_blocks(state, block.as_slice());
        });
        out.copy_from_slice(&store_state(&self.state));
    }
}

impl Reset for Sha256Core {
    fn reset(&mut self) {
        *self = Sha256Core::default();
    }
}

impl AlgorithmName for Sha256Core {
    fn write_alg_name(f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sha256")
    }
}

/// A `digest` output of SHA-256's size as a [`Sha256Hash`].
#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
impl From<Output<Sha256>> for Sha256Hash {
    fn from(output: Output<Sha256>) -> Self {
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&output);
        Sha256Hash::from_byte_array(bytes)
    }
}

/// A [`Sha256Hash`] as a `digest` output.
#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
impl From<Sha256Hash> for Output<Sha256> {
    fn from(hash: Sha256Hash) -> Self {
        let mut output = Output::<Sha256>::default();
        output.copy_from_slice(hash.as_slice());
        output
    }
}

#[cfg(test)]
mod tests {
    use digest::{Digest, DynDigest};

    use crate::{Sha256, Sha256Hash};

    fn generic<D: Digest>(pieces: &[&[u8]]) -> digest::Output<D> {
        let mut hasher = D::new();
        for piece in pieces {
            Digest::update(&mut hasher, piece);
        }
        hasher.finalize()
    }

    #[test]
    fn matches_sha2_through_the_traits() {
        let data: [u8; 200] = core::array::from_fn(|i| (i * 7) as u8);
        for split in [0, 1, 63, 64, 65, 199, 200] {
            let ours = generic::<Sha256>(&[&data[..split], &data[split..]]);
            let theirs = generic::<sha2::Sha256>(&[&data[..split], &data[split..]]);
            assert_eq!(ours.as_slice(), theirs.as_slice());
            assert_eq!(Sha256Hash::from(ours), crate::sha256(&data));
        }
        assert_eq!(
            <Sha256 as Digest>::digest(b"abc").as_slice(),
            crate::sha256(b"abc").as_slice()
        );
    }

    #[test]
    fn reset_through_the_traits() {
        let mut hasher = <Sha256 as Digest>::new();
        Digest::update(&mut hasher, b"abc");
        let first = Digest::finalize_reset(&mut hasher);
        Digest::update(&mut hasher, b"abc");
        assert_eq!(Digest::finalize(hasher), first);
        let mut dynamic: &mut dyn DynDigest = &mut Sha256::new();
        dynamic.update(b"abc");
        let mut out = [0u8; 32];
        dynamic.finalize_into_reset(&mut out).unwrap();
        assert_eq!(out, crate::sha256(b"abc"));
        let _ = &mut dynamic;
        let back: digest::Output<Sha256> = crate::sha256(b"abc").into();
        assert_eq!(back.as_slice(), &out);
    }
}
