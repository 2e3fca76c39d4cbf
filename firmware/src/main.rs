//! Firmware-style use of `sha256d`: no OS, no heap, no `std`.
//!
//! `_start` runs the engine's self-test (`Engine::best`), mines the genesis
//! block's nonce from a small range (hashing the header), computes a Merkle
//! root and a branch of three transaction ids on the stack, checks every
//! answer, and records the outcome in `sha256d_firmware::STATUS`
//! (1 = right, 2 = wrong). It then parks the core, or with the `qemu-exit`
//! feature exits with status 0 or 1.
//!
//! This is a link and smoke test, not a bootable image: real firmware
//! supplies its own reset vector, stack set-up and memory map (for
//! Cortex-M, for example, through a runtime crate and a linker script) and
//! calls the same library functions from there. Under QEMU's user-mode
//! emulator the stack is set up by the emulator.
//!
//! Built with `--profile small --features compact-scalar` it is the image
//! for small flash (`docs/targets.md` lists the sizes). The kernel is
//! chosen at compile time on bare metal (no OS reports CPU features): build
//! for `aarch64-unknown-none` with `-C target-feature=+sha2` to get the
//! SHA-2 kernel, which `run` checks.

#![no_std]
#![no_main]

use sha256d::{merkle, BlockHeader, Engine, Kernel, NonceRange, SearchJob, Solution};
use sha256d_firmware::finish;

/// The genesis block header, wire format.
const GENESIS: &str = concat!(
    "0100000000000000000000000000000000000000000000000000000000000000",
    "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    "4b1e5e4a29ab5f49ffff001d1dac2b7c",
);

/// The kernel this build must select: chosen at compile time on bare metal.
const EXPECTED_KERNEL: Kernel = if cfg!(all(
    target_arch = "aarch64",
    target_feature = "neon",
    target_feature = "sha2"
)) {
    Kernel::ArmSha2
} else if cfg!(all(target_arch = "aarch64", target_feature = "neon")) {
    Kernel::Neon
} else {
    Kernel::Scalar
};

/// Mines and hashes; `true` if every answer is right.
fn run() -> Result<bool, sha256d::Error> {
    let engine = Engine::best();
    let header = BlockHeader::from_hex(GENESIS)?;
    let job = SearchJob::new(&header, header.bits.to_target()?);
    let mut found = [Solution::default(); 2];
    let range = NonceRange::new(header.nonce - 1_000, 2_001)?;
    let outcome = engine.search(&job, range, &mut found);
    let mined = outcome.found == 1
        && found[0].nonce == header.nonce
        && found[0].hash == header.block_hash();

    // Level by level: [a, b, c] -> [H(a|b), H(c|c)] -> root.
    let txids = [[1u8; 32], [2; 32], [3; 32]];
    let pair = |l: &[u8; 32], r: &[u8; 32]| {
        let mut bytes = [0u8; 64];
        bytes[..32].copy_from_slice(l);
        bytes[32..].copy_from_slice(r);
        sha256d::sha256d(&bytes).to_byte_array()
    };
    let expected_root = pair(&pair(&txids[0], &txids[1]), &pair(&txids[2], &txids[2]));
    let mut nodes = txids;
    let root = engine.merkle_root_in_place(&mut nodes);
    // A pool sends the coinbase's branch; the miner rebuilds the root.
    let mut nodes = txids;
    let branch = engine.merkle_branch_in_place(&mut nodes, 0);
    let merkle_ok = root.is_some_and(|r| r.root == expected_root && !r.mutated)
        && branch
            .is_some_and(|b| merkle::root_from_branch(txids[0], 0, b.as_slice()) == expected_root);

    Ok(mined && merkle_ok && engine.kernel() == EXPECTED_KERNEL)
}

/// The entry point (the symbol the linker starts the image at).
#[no_mangle]
pub extern "C" fn _start() -> ! {
    finish(matches!(run(), Ok(true)))
}
