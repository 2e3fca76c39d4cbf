//! Mines the genesis block's nonce and computes a Merkle-style double hash
//! with `sha256d` built without `std`; exits 0 only if both are right.
//! It links against the C runtime for process start-up and `memcpy`, but
//! nothing from Rust's `std` or `alloc`.

#![no_std]
#![no_main]

use core::panic::PanicInfo;

use sha256d::{BlockHeader, Engine, NonceRange, SearchJob, Solution};

const GENESIS: &str = concat!(
    "0100000000000000000000000000000000000000000000000000000000000000",
    "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa",
    "4b1e5e4a29ab5f49ffff001d1dac2b7c",
);

// The C runtime starts the process and provides `memcpy` and `memset`.
#[link(name = "c")]
extern "C" {}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}

fn check() -> Result<(), sha256d::Error> {
    let header = BlockHeader::from_hex(GENESIS)?;
    let job = SearchJob::new(&header, header.bits.to_target()?);
    let mut found = [Solution::default(); 2];
    let engine = Engine::best();
    let outcome = engine.search(&job, NonceRange::new(2_083_236_000, 4_000)?, &mut found);
    let mut pairs = [[0u8; 64]; 3];
    pairs[1][0] = 1;
    let mut hashes = [[0u8; 32]; 3];
    engine.sha256d_64_batch(&pairs, &mut hashes);
    let ok = outcome.found == 1
        && found[0].nonce == header.nonce
        && found[0].hash == header.block_hash()
        && hashes[1] == sha256d::sha256d(&pairs[1]);
    if ok {
        Ok(())
    } else {
        Err(sha256d::Error::UnknownKernel)
    }
}

#[no_mangle]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    match check() {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// The prebuilt `core` refers to an unwinding personality routine even
/// with `panic = "abort"`; nothing calls it.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}
