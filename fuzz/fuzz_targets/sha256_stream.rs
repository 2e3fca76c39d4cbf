//! Streaming SHA-256: any message fed in pieces split anywhere hashes the
//! same as the one-shot functions and as the `sha2` crate, on every
//! compression path this CPU has (each engine's `hasher`); midstates taken
//! at block boundaries resume to the same digest.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sha256d::{Midstate, Sha256};
use sha256d_fuzz::engines;

#[derive(Arbitrary, Debug)]
struct Input {
    message: Vec<u8>,
    /// Lengths of the pieces fed to `update`, in turn; the rest in one go.
    pieces: Vec<u16>,
}

fn sha2_digest(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}

fuzz_target!(|input: Input| {
    let message = &input.message[..];
    let expected = sha2_digest(message);
    let expected_d = sha2_digest(&expected);
    assert_eq!(sha256d::sha256(message), expected, "one-shot sha256");
    assert_eq!(sha256d::sha256d(message), expected_d, "one-shot sha256d");

    let mut hasher = Sha256::new();
    let mut fed = 0;
    for &piece in &input.pieces {
        let end = (fed + usize::from(piece)).min(message.len());
        hasher.update(&message[fed..end]);
        fed = end;
        // A midstate exists exactly at block boundaries, and resumes there.
        match hasher.midstate() {
            Some(midstate) => {
                assert_eq!(fed % 64, 0, "midstate after {fed} bytes");
                assert_eq!(midstate.bytes_hashed(), fed as u64);
                assert_eq!(Midstate::from_blocks(&message[..fed]), Ok(midstate));
                assert_eq!(midstate.finish(&message[fed..]), expected);
                assert_eq!(midstate.finish_sha256d(&message[fed..]), expected_d);
                let mut resumed = Sha256::from_midstate(&midstate);
                resumed.update(&message[fed..]);
                assert_eq!(resumed.finalize(), expected);
            }
            None => assert_ne!(fed % 64, 0, "no midstate after {fed} bytes"),
        }
    }
    hasher.update(&message[fed..]);
    assert_eq!(hasher.clone().finalize(), expected, "streaming sha256");
    assert_eq!(hasher.finalize_sha256d(), expected_d, "streaming sha256d");

    // Each engine's compression (scalar, or its SHA instructions), forced.
    for engine in engines() {
        let kernel = engine.kernel();
        assert_eq!(engine.sha256(message), expected, "{kernel}: one-shot");
        assert_eq!(engine.sha256d(message), expected_d, "{kernel}: one-shot sha256d");
        let mut hasher = engine.hasher();
        let mut fed = 0;
        for &piece in &input.pieces {
            let end = (fed + usize::from(piece)).min(message.len());
            hasher.update(&message[fed..end]);
            fed = end;
        }
        hasher.update(&message[fed..]);
        assert_eq!(hasher.clone().finalize(), expected, "{kernel}: streaming");
        assert_eq!(hasher.finalize_sha256d(), expected_d, "{kernel}: streaming sha256d");
    }
});
