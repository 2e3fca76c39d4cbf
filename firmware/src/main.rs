//! Firmware-style use of `sha256d`: no OS, no heap, no `std`.
//!
//! `_start` mines the genesis block's nonce from a small range, computes a
//! Merkle root of three transaction ids on the stack, checks both, and
//! records the outcome in [`STATUS`] (1 = right, 2 = wrong). It then parks
//! the core, or with the `qemu-exit` feature exits with status 0 or 1.
//!
//! This is a link and smoke test, not a bootable image: real firmware
//! supplies its own reset vector, stack set-up and memory map (for
//! Cortex-M, for example, through a runtime crate and a linker script) and
//! calls the same library functions from there. Under QEMU's user-mode
//! emulator the stack is set up by the emulator.
//!
//! The kernel is chosen at compile time on bare metal (no OS reports CPU
//! features): build for `aarch64-unknown-none` with
//! `-C target-feature=+sha2` to get the SHA-2 kernel, which `run` checks.

#![no_std]
#![no_main]

use core::panic::PanicInfo;
use core::sync::atomic::{AtomicU32, Ordering};

use sha256d::{merkle, BlockHeader, Engine, Kernel, NonceRange, SearchJob, Solution};

/// The genesis block header, wire format.
const GENESIS: &str = concat!(
    "0100000000000000000000000000000000000000000000000000000000000000",
    "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    "4b1e5e4a29ab5f49ffff001d1dac2b7c",
);

/// 0 while running, then 1 if every check passed, 2 if one failed: where a
/// debugger (or a host reading the device's memory) finds the outcome.
#[no_mangle]
pub static STATUS: AtomicU32 = AtomicU32::new(0);

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

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    finish(false)
}

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

/// Records the outcome and stops.
fn finish(ok: bool) -> ! {
    STATUS.store(if ok { 1 } else { 2 }, Ordering::SeqCst);
    #[cfg(feature = "qemu-exit")]
    qemu_exit(ok);
    #[cfg(not(feature = "qemu-exit"))]
    loop {
        core::hint::spin_loop();
    }
}

/// The entry point (the symbol the linker starts the image at).
#[no_mangle]
pub extern "C" fn _start() -> ! {
    finish(matches!(run(), Ok(true)))
}

/// Exits the process through the Linux system call, for QEMU's user-mode
/// emulator (`exit` is number 93 on AArch64 and 1 on 32-bit ARM EABI, per
/// the kernel's system call tables).
#[cfg(feature = "qemu-exit")]
fn qemu_exit(ok: bool) -> ! {
    let code = usize::from(!ok);
    // SAFETY: `exit` takes one integer argument and does not return; no
    // memory is read or written.
    #[cfg(target_arch = "aarch64")]
    unsafe {
        core::arch::asm!("svc #0", in("x8") 93usize, in("x0") code, options(noreturn, nostack));
    }
    // SAFETY: as above. r7 (Thumb's frame pointer, which inline assembly
    // may not name as an operand) is overwritten, harmless since control
    // never comes back.
    #[cfg(target_arch = "arm")]
    unsafe {
        core::arch::asm!("movs r7, #1", "svc #0", in("r0") code, options(noreturn, nostack));
    }
}
