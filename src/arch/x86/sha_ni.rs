//! ShaNi kernel (being written: until then `detect` reports it unavailable
//! and the engine never selects it).

use crate::arch::scalar;
use crate::search::{Candidates, SearchJob};

/// Proof that this CPU supports the kernel's instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ShaNi(());

impl ShaNi {
    pub(crate) fn detect() -> Option<Self> {
        let _ = super::has_sha_ni::get();
        None
    }

    pub(crate) fn scan(self, job: &SearchJob, start: u32, count: u64) -> Option<Candidates> {
        scalar::scan(job, start, count)
    }

    pub(crate) fn sha256d_64_batch(self, inputs: &[[u8; 64]], outputs: &mut [[u8; 32]]) {
        scalar::sha256d_64_batch(inputs, outputs);
    }
}
