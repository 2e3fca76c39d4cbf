//! The `zeroize` feature: [`Sha256`] implements `Zeroize` and
//! `ZeroizeOnDrop`, so a hasher that saw a secret (an HMAC key, a seed)
//! leaves no copy of its state or buffered bytes in memory it frees.
//!
//! The wipe uses the `zeroize` crate's volatile writes, which the compiler
//! does not remove. It covers the hasher's own memory only: values moved
//! or copied out of it earlier (a [`Midstate`](crate::Midstate), a
//! finished hash) are the caller's to wipe.

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::Sha256;

/// Wipes the state, the buffered bytes and the length. The hasher is left
/// unusable for a meaningful hash; [`Sha256::reset`] starts it again.
///
/// ```
/// use zeroize::Zeroize;
/// let mut hasher = sha256d::Sha256::new().chain_update(b"secret key");
/// hasher.zeroize();
/// hasher.reset();
/// assert_eq!(hasher.finalize(), sha256d::sha256(b""));
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "zeroize")))]
impl Zeroize for Sha256 {
    fn zeroize(&mut self) {
        self.state.zeroize();
        self.buffer.zeroize();
        self.buffered.zeroize();
        self.length.zeroize();
    }
}

/// Wipes the hasher when it is dropped (after `finalize` too).
impl Drop for Sha256 {
    fn drop(&mut self) {
        self.zeroize();
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "zeroize")))]
impl ZeroizeOnDrop for Sha256 {}

#[cfg(test)]
mod tests {
    use zeroize::Zeroize;

    use crate::Sha256;

    #[test]
    fn zeroize_clears_state_and_buffer() {
        let mut hasher = Sha256::new().chain_update([0xa5; 100]);
        assert_ne!(hasher.buffered, 0);
        hasher.zeroize();
        assert_eq!(hasher.state, [0; 8]);
        assert_eq!(hasher.buffer, [0; 64]);
        assert_eq!((hasher.buffered, hasher.length), (0, 0));
        // Hashing still works after a reset, and finalizing drops (and
        // wipes) a hasher without changing the result.
        hasher.reset();
        hasher.update(b"abc");
        assert_eq!(hasher.finalize(), crate::sha256(b"abc"));
    }
}
