//! The cost of one nonce of the scalar kernel, for an instruction counter.
//!
//! Searches `NONCES` nonces, then `2 * NONCES` more, calling
//! [`sha256d_nonce_cost_mark`] before, between and after. A count of the
//! instructions executed between the marks (`.ci/nonce-cost.sh` takes it
//! from QEMU's execution trace) gives the instructions per nonce as the
//! second count minus the first, divided by `NONCES`: the set-up and the
//! call of each search cancel out. The target is zero, so no nonce is a
//! candidate and only the rejection path is measured, as in real mining.

#![no_std]
#![no_main]

use sha256d::{BlockHeader, Engine, NonceRange, SearchEnd, SearchJob, Solution, Target};
use sha256d_firmware::finish;

/// Nonces of the first search; the second searches twice as many.
const NONCES: u64 = 256;

/// A real header, block 830,000's (`tests/vectors/block-830000-header.txt`
/// in the library), so that the job is a miner's.
const HEADER: &str = concat!(
    "0080ee2578a3104f1a64159e5a953a4a1015795a1e66894bf7c0020000000000",
    "0000000070adb2fd1ac9b017ea1a2e66457af0514dfbae502efd20473e6e77c2",
    "d4cf568a410fc9655dba0317403497a1",
);

/// Where the instruction counter splits the trace. Never inlined, and
/// named without mangling so that the trace shows it by this name.
#[no_mangle]
#[inline(never)]
pub extern "C" fn sha256d_nonce_cost_mark(phase: u32) {
    core::hint::black_box(phase);
}

fn run() -> Option<bool> {
    let header = BlockHeader::from_hex(HEADER).ok()?;
    let job = SearchJob::new(&header, Target::ZERO);
    let engine = Engine::scalar();
    let mut found = [Solution::default(); 1];
    let first = NonceRange::new(0, NONCES).ok()?;
    let second = NonceRange::new(1 << 20, 2 * NONCES).ok()?;
    sha256d_nonce_cost_mark(0);
    let a = engine.search(&job, core::hint::black_box(first), &mut found);
    sha256d_nonce_cost_mark(1);
    let b = engine.search(&job, core::hint::black_box(second), &mut found);
    sha256d_nonce_cost_mark(2);
    Some(
        a.end == SearchEnd::Exhausted
            && b.end == SearchEnd::Exhausted
            && a.found + b.found == 0
            && a.tried + b.tried == 3 * NONCES,
    )
}

/// The entry point.
#[no_mangle]
pub extern "C" fn _start() -> ! {
    finish(run() == Some(true))
}
