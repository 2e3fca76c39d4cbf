//! The nonce search of [`search`](super::search) with three or four
//! streams, in one `asm!` block per step whose registers are allocated by
//! hand ([`asm`](super::asm) says why and how).
//!
//! The algorithm is [`search`](super::search)'s, step for step (the
//! comments name its functions): that intrinsics version is the reference
//! that Miri runs and the kernel harness compares this one with, exact
//! candidate masks included. x86-64 only: 32-bit x86 has eight XMM
//! registers.

use core::mem::{MaybeUninit, offset_of};

use super::asm::{
    Tables, Window, four_streams, rounds_4, second_hash_to_group_14, sha_asm, slot, step, steps,
    steps_at, table_rounds, table_rounds_2, three_streams,
};
use super::search::ScanSetup;
use super::streams::State;
use crate::arch::{Candidates, JobData, candidate_bits, scan_in_steps};
use crate::sha256::IV;

/// Per stream: the state after round 3 with its nonce added, message words
/// 16..=31 (`last_state_words`' groups 4..=7) into the window, the newest
/// in `$n`.
macro_rules! first_hash_start {
    ([$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!($(
            // The nonce word w3 as [w3, 0, 0, 0].
            "movd ", $x, ", dword ptr [{nonces} + 4*", $s, "]\n",
            // State: [0, w3, 0, w3] added to lanes E and A.
            "pshufd ", $y, ", ", $x, ", 0x11\n",
            "movdqa ", $a, ", xmmword ptr [{setup} + {after_abef}]\n",
            "paddd ", $a, ", ", $y, "\n",
            "movdqa ", $c, ", xmmword ptr [{setup} + {after_cdgh}]\n",
            // Words 0..=3: the tail with [0, 0, 0, w3] added.
            "pshufd ", $y, ", ", $x, ", 0x15\n",
            "paddd ", $y, ", xmmword ptr [{setup} + {tail}]\n",
            // Group 4: SHA256MSG1 of words 0..=7, plus the rest.
            "sha256msg1 ", $y, ", xmmword ptr [{t} + {pad_start}]\n",
            "paddd ", $y, ", xmmword ptr [{setup} + {w16_19_rest}]\n",
            "movdqa ", slot!($s, 4, 0), ", ", $y, "\n",
            // Group 5.
            "movdqa ", $x, ", xmmword ptr [{setup} + {w20_23_partial}]\n",
            "sha256msg2 ", $x, ", ", $y, "\n",
            "movdqa ", slot!($s, 5, 0), ", ", $x, "\n",
            // Group 6: SHA256MSG1 of words 8..=15 is zero.
            "movdqa ", $z, ", ", $x, "\n",
            "palignr ", $z, ", ", $y, ", 4\n",
            "sha256msg2 ", $z, ", ", $x, "\n",
            "movdqa ", slot!($s, 6, 0), ", ", $z, "\n",
            // Group 7.
            "movdqa ", $n, ", ", $z, "\n",
            "palignr ", $n, ", ", $x, ", 4\n",
            "paddd ", $n, ", xmmword ptr [{setup} + {w28_31_msg1}]\n",
            "sha256msg2 ", $n, ", ", $z, "\n",
            "movdqa ", slot!($s, 7, 0), ", ", $n, "\n",
        )+)
    };
}

/// Rounds 16..=31 of every stream from the window and `$n`.
macro_rules! first_hash_groups_4_7 {
    ([$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!(
            $(rounds_4!(4, $a, $c, slot!($s, 4, 0)),)+
            $(rounds_4!(5, $a, $c, slot!($s, 5, 0)),)+
            $(rounds_4!(6, $a, $c, slot!($s, 6, 0)),)+
            $(rounds_4!(7, $a, $c, $n),)+
        )
    };
}

/// Per stream: the first hash's feed-forward (the job's midstate).
macro_rules! feed_forward_midstate {
    ([$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!($(
            "paddd ", $a, ", xmmword ptr [{setup} + {mid_abef}]\n",
            "paddd ", $c, ", xmmword ptr [{setup} + {mid_cdgh}]\n",
        )+)
    };
}

/// Per stream: group 15's schedule and rounds 60 and 61
/// (`second_hash_last_rounds`), and lane F, round 60's `e`, to `{out}`.
macro_rules! second_hash_end {
    ([$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!($(
            "movdqa ", $x, ", ", slot!($s, 15, 4), "\n",
            "sha256msg1 ", $x, ", ", slot!($s, 15, 3), "\n",
            "movdqa ", $y, ", ", $n, "\n",
            "palignr ", $y, ", ", slot!($s, 15, 2), ", 4\n",
            "paddd ", $x, ", ", $y, "\n",
            "sha256msg2 ", $x, ", ", $n, "\n",
            "movdqa xmm0, ", $x, "\n",
            "paddd xmm0, xmmword ptr [{t} + {k} + 16*15]\n",
            "sha256rnds2 ", $c, ", ", $a, "\n",
            "movd dword ptr [{out} + 4*", $s, "], ", $c, "\n",
        )+)
    };
}

/// The whole double hash of one step, `$streams` side by side: each
/// stream's index and registers (state `[F, E, B, A]`, state
/// `[H, G, D, C]`, newest group, three temporaries).
macro_rules! double_hash {
    ($streams:tt, $setup:expr, $nonces:expr, $window:expr, $out:expr) => {
        sha_asm!(
            [
                first_hash_start!($streams),
                // Rounds 4..=15: the header's padding words.
                table_rounds!("{header_kw}", $streams, 0 1 2 3 4 5),
                first_hash_groups_4_7!($streams),
                // A group is read for the last time three steps after its own.
                steps!($streams; (8, ""), (9, ""), (10, ""), (11, ""), (12, ""), (13, ""), (14, "#"), (15, "#")),
                feed_forward_midstate!($streams),
                second_hash_to_group_14!($streams),
                second_hash_end!($streams),
            ],
            $window,
            setup = in(reg) $setup,
            nonces = in(reg) $nonces,
            out = in(reg) $out,
            header_kw = const offset_of!(Tables, header_kw),
            after_abef = const offset_of!(ScanSetup, after_round3) + offset_of!(State, abef),
            after_cdgh = const offset_of!(ScanSetup, after_round3) + offset_of!(State, cdgh),
            tail = const offset_of!(ScanSetup, tail),
            mid_abef = const offset_of!(ScanSetup, midstate) + offset_of!(State, abef),
            mid_cdgh = const offset_of!(ScanSetup, midstate) + offset_of!(State, cdgh),
            w16_19_rest = const offset_of!(ScanSetup, w16_19_rest),
            w20_23_partial = const offset_of!(ScanSetup, w20_23_partial),
            w28_31_msg1 = const offset_of!(ScanSetup, w28_31_msg1),
        )
    };
}

/// Stream counts with an assembly step.
pub(super) trait Streams {
    /// `H7` of the final hash for nonces `first + i`, `i < N`, as
    /// `search::last_state_words` computes it.
    ///
    /// # Safety
    /// The CPU must support SHA, SSE2 and SSSE3.
    unsafe fn last_state_words(setup: &ScanSetup, first: u32, last: &mut [u32]);
}

/// Three streams ([`three_streams`]).
pub(super) struct Three;
/// Four streams ([`four_streams`]).
pub(super) struct Four;

impl Streams for Three {
    #[inline]
    unsafe fn last_state_words(setup: &ScanSetup, first: u32, last: &mut [u32]) {
        let nonces: [u32; 3] = core::array::from_fn(|i| first.wrapping_add(i as u32).swap_bytes());
        let mut window = MaybeUninit::<Window<3>>::uninit();
        let mut out = [0u32; 3];
        // SAFETY: the caller guarantees SHA, SSE2 and SSSE3. The block reads
        // `setup` (16-byte aligned: its fields are `__m128i`), `TABLES` and
        // `nonces` within their bounds, writes `out`'s three words, and
        // reads only window slots it wrote earlier in the same block (every
        // offset is `64 * s + 16 * slot` with `s < 3`, `slot < 4`, inside
        // the 16-byte aligned window). It clobbers only the XMM registers
        // it declares and pushes nothing.
        unsafe {
            three_streams!(double_hash!(
                core::ptr::from_ref(setup),
                nonces.as_ptr(),
                window.as_mut_ptr(),
                out.as_mut_ptr()
            ));
        }
        for (last, h) in last.iter_mut().zip(out) {
            *last = IV[7].wrapping_add(h);
        }
    }
}

impl Streams for Four {
    #[inline]
    unsafe fn last_state_words(setup: &ScanSetup, first: u32, last: &mut [u32]) {
        let nonces: [u32; 4] = core::array::from_fn(|i| first.wrapping_add(i as u32).swap_bytes());
        let mut window = MaybeUninit::<Window<4>>::uninit();
        let mut out = [0u32; 4];
        // SAFETY: as for `Three`, with four streams (`s < 4`).
        unsafe {
            four_streams!(double_hash!(
                core::ptr::from_ref(setup),
                nonces.as_ptr(),
                window.as_mut_ptr(),
                out.as_mut_ptr()
            ));
        }
        for (last, h) in last.iter_mut().zip(out) {
            *last = IV[7].wrapping_add(h);
        }
    }
}

/// The kernel's `scan` with `N` nonces per step, `S` their assembly.
///
/// # Safety
/// The CPU must support SHA, SSE2, SSSE3 and SSE4.1.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn scan_streams<S: Streams, const N: usize>(
    job: &JobData,
    start: u32,
    count: u64,
) -> Option<Candidates> {
    // SAFETY: this function's target features are those of the callee.
    let setup = unsafe { ScanSetup::new(job) };
    scan_in_steps!(start, count, N as u32, |first| {
        let mut last = [0u32; N];
        // SAFETY: the caller guarantees the CPU features.
        unsafe { S::last_state_words(&setup, first, &mut last) };
        candidate_bits(&last, job.target_top)
    })
}
