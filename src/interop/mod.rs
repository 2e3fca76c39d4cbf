//! Trait impls for other crates' types and traits, each behind its own
//! optional feature: `digest`, `serde`, `bitcoin` and `zeroize`.

#[cfg(feature = "bitcoin")]
mod bitcoin;
#[cfg(feature = "digest")]
mod digest;
#[cfg(feature = "digest")]
pub use digest::Sha256Core;
#[cfg(feature = "serde")]
mod serde;
#[cfg(feature = "zeroize")]
mod zeroize;
