//! Mines the genesis block's nonce, computes a Merkle-style double hash and
//! mines a share of a Stratum pool job with `sha256d` built without `std`;
//! exits 0 only if all are right.
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
    let mut hashes = [sha256d::Sha256dHash::default(); 3];
    engine.sha256d_64_batch(&pairs, &mut hashes)?;
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

/// A fixed buffer for `core::fmt::Write`: the `mining.submit` line is
/// formatted without a heap.
struct Line {
    bytes: [u8; 160],
    len: usize,
}

impl core::fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Builds pool work from a Stratum job, mines a share and formats its
/// submit parameters, all without `std` or a heap.
fn check_stratum() -> bool {
    use core::fmt::Write as _;
    use sha256d::stratum::{share_target, Extranonce, Extranonce2, Job, NotifyHex, VersionMask};

    let notify = NotifyHex {
        job_id: "1",
        prevhash: "19213b5f01c49d5227f4f03fd7be57a4b8b5e7060009c3de0000000000000000",
        coinb1:
            "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff08",
        coinb2: "ffffffff0100f2052a010000000000000000",
        merkle_branch: &["f0a4506db7e1d2deb5bfc216b67dbb04b389997172322ffbea33909b6817f77b"],
        version: "20000000",
        nbits: "1d00ffff",
        ntime: "6155a491",
        clean_jobs: true,
    };
    let (Ok(session), Ok(target), Ok(first)) = (
        Extranonce::from_hex("30f56204", 4),
        share_target(1.0 / 65536.0),
        Extranonce2::zero(4),
    ) else {
        return false;
    };
    let Ok(job) = Job::from_hex(&notify, &session) else {
        return false;
    };
    let Some(work) = job
        .works(first, Some(VersionMask::BIP320))
        .ok()
        .and_then(|mut works| works.nth(1))
    else {
        return false;
    };
    let Ok(range) = NonceRange::new(0, 1 << 20) else {
        return false;
    };
    let mut found = [Solution::default(); 1];
    let outcome = Engine::best().search(&work.search_job(target), range, &mut found);
    let share = work.share(found[0].nonce);
    let rebuilt = job.share_header(&share, Some(VersionMask::BIP320));
    let mut line = Line {
        bytes: [0; 160],
        len: 0,
    };
    outcome.found == 1
        && rebuilt.is_ok_and(|header| header.block_hash() == found[0].hash)
        && found[0].hash.meets(&target)
        && write!(line, "{}", share.params("w")).is_ok()
        && line.bytes[..line.len].starts_with(b"[\"w\",\"1\",\"00000000\",\"6155a491\",")
}

#[no_mangle]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    match check() {
        Ok(()) if check_stratum() => 0,
        _ => 1,
    }
}

/// The prebuilt `core` refers to an unwinding personality routine even
/// with `panic = "abort"`; nothing calls it.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}
