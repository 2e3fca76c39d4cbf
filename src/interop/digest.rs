//! The RustCrypto [`digest`](https://docs.rs/digest/0.11) 0.11 traits for
//! [`Sha256`], the version the `sha2` 0.11 crate implements, so the hasher
//! drops into code written against `digest::Digest` (HMAC, HKDF, generic
//! hashing helpers).
//!
//! `Sha256`'s inherent methods (`new`, `update`, `finalize`, `digest`,
//! `finalize_reset`) keep their names and return [`Sha256Hash`]; the trait
//! methods return `digest::Output<Sha256>`, and the two convert with
//! `From` both ways.

use digest::consts::U32;
use digest::{FixedOutput, FixedOutputReset, HashMarker, Output, OutputSizeUser, Reset, Update};

use crate::{Sha256, Sha256Hash};

#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
impl HashMarker for Sha256 {}

#[cfg_attr(docsrs, doc(cfg(feature = "digest")))]
impl OutputSizeUser for Sha256 {
    type OutputSize = U32;
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
