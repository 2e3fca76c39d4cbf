//! Trait impls for other crates' types and traits, each behind its own
//! optional feature: `digest`, `serde` and `bitcoin`.

#[cfg(feature = "bitcoin")]
mod bitcoin;
#[cfg(feature = "digest")]
mod digest;
#[cfg(feature = "serde")]
mod serde;
