//! What every image in this crate shares: the panic handler, the outcome
//! word a debugger reads, and the way an image ends (parking the core, or
//! with the `qemu-exit` feature a Linux `exit` system call, so that QEMU's
//! user-mode emulator can run it as a test).

#![no_std]

use core::panic::PanicInfo;
use core::sync::atomic::{AtomicU32, Ordering};

/// 0 while running, then 1 if every check passed, 2 if one failed: where a
/// debugger (or a host reading the device's memory) finds the outcome.
#[no_mangle]
pub static STATUS: AtomicU32 = AtomicU32::new(0);

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    finish(false)
}

/// Records the outcome and stops.
pub fn finish(ok: bool) -> ! {
    STATUS.store(if ok { 1 } else { 2 }, Ordering::SeqCst);
    #[cfg(feature = "qemu-exit")]
    qemu_exit(ok);
    #[cfg(not(feature = "qemu-exit"))]
    loop {
        core::hint::spin_loop();
    }
}

/// Exits the process through the Linux system call, for QEMU's user-mode
/// emulator. `exit` is number 93 on AArch64 and RISC-V (the generic system
/// call table) and 1 on 32-bit ARM EABI.
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
    // SAFETY: as above.
    #[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
    unsafe {
        core::arch::asm!("ecall", in("a7") 93usize, in("a0") code, options(noreturn, nostack));
    }
}
