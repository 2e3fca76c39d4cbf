//! What the search, the batch and the single-message compression share:
//! SHA256RNDS2's state layout, rounds and schedule steps on `N` independent
//! streams, the constant `K + W` tables, and the second hash's first
//! sixteen rounds.
//!
//! State layout used by SHA256RNDS2: one register holds lanes
//! `[F, E, B, A]` (lane 0 first), the other `[H, G, D, C]`.

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

#[cfg(not(miri))]
use core::arch::asm;

use crate::arch::groups;
use crate::sha256::consts::DIGEST_BITS;
use crate::sha256::{DIGEST_KW, HEADER_KW, IV, K, PAD_START};

/// Rounds `first .. first + 2P` of a `K + W` table, two rounds per entry
/// in the low lanes as SHA256RNDS2 reads them.
pub(super) const fn pairs<const P: usize>(kw: &[u32; 64], first: usize) -> [[u32; 4]; P] {
    let mut out = [[0u32; 4]; P];
    let mut i = 0;
    while i < P {
        out[i] = [kw[first + 2 * i], kw[first + 2 * i + 1], 0, 0];
        i += 1;
    }
    out
}

/// The round constants in groups of four, one vector load each.
pub(super) static K_GROUPS: [[u32; 4]; 16] = groups(&K);

/// `K + W` of rounds 4..=15 of the header's second block (constant
/// padding words), in pairs.
pub(super) static HEADER_KW_PAIRS: [[u32; 4]; 6] = pairs(&HEADER_KW, 4);

/// `K + W` of rounds 8..=15 of the second hash (constant padding words),
/// in pairs.
pub(super) static DIGEST_KW_PAIRS: [[u32; 4]; 4] = pairs(&DIGEST_KW, 8);

/// A SHA-256 state in SHA256RNDS2's layout.
#[derive(Clone, Copy)]
pub(super) struct State {
    /// Lanes `[F, E, B, A]`.
    pub(super) abef: __m128i,
    /// Lanes `[H, G, D, C]`.
    pub(super) cdgh: __m128i,
}

/// The message schedule's last four groups of four words, for each of `N`
/// streams.
///
/// Group `g` of a stream sits in slot `g % 4`: each step overwrites the
/// group it no longer needs, and nothing moves. Two streams' windows fit in
/// the sixteen XMM registers beside their states. Three do not, and LLVM
/// then spills whatever it picks, states included; so for three streams the
/// slots are memory, read and written as volatile so that they stay there
/// (a group is read back two or more steps after it was stored), and only
/// each stream's newest group is kept in a register. The 64-byte batch
/// (three streams) measured best 18.7 million messages per second this way
/// against 17.3 with LLVM's spills, with the same median (KVM guest on AMD
/// Zen 3, eight alternating runs of 300 calls). Four streams, which only
/// the AVX2-schedule search runs (its second hash), keep LLVM's allocation:
/// that path was tuned on AMD Zen 4 and cannot be timed on the Zen 3 guest.
#[derive(Clone, Copy)]
pub(super) struct Window<const N: usize> {
    /// Group `g` of stream `s` at `slots[s][g % 4]`.
    slots: [[__m128i; 4]; N],
    /// The newest group of each stream.
    newest: [__m128i; N],
}

impl<const N: usize> Window<N> {
    /// Whether the slots live in memory rather than registers.
    const IN_MEMORY: bool = N == 3;

    /// A window of groups `4k .. 4k + 4` (`k` any): `groups[s][j]` is group
    /// `4k + j` of stream `s`.
    #[inline(always)]
    pub(super) fn new(groups: [[__m128i; 4]; N]) -> Self {
        Window {
            slots: groups,
            newest: core::array::from_fn(|s| groups[s][3]),
        }
    }

    /// Group `g` of stream `s`; `g` must be one of the last four.
    #[inline(always)]
    fn group(&self, s: usize, g: usize) -> __m128i {
        let slot = &self.slots[s][g % 4];
        if Self::IN_MEMORY {
            // SAFETY: `slot` is a reference, so valid and aligned to read.
            unsafe { core::ptr::read_volatile(slot) }
        } else {
            *slot
        }
    }

    /// Adds group `g` of every stream, replacing group `g - 4`.
    #[inline(always)]
    fn push(&mut self, g: usize, next: [__m128i; N]) {
        for (slots, next) in self.slots.iter_mut().zip(next) {
            let slot = &mut slots[g % 4];
            if Self::IN_MEMORY {
                // SAFETY: `slot` is a unique reference, so valid and
                // aligned to write.
                unsafe { core::ptr::write_volatile(slot, next) };
            } else {
                *slot = next;
            }
        }
        self.newest = next;
    }

    /// The four groups before group `g` of stream `s`, oldest first, as
    /// [`schedule`] takes them.
    #[inline(always)]
    pub(super) fn before(&self, s: usize, g: usize) -> [__m128i; 4] {
        [
            self.group(s, g - 4),
            self.group(s, g - 3),
            self.group(s, g - 2),
            self.newest[s],
        ]
    }
}

/// Four words as a vector, `w[0]` in lane 0.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn words(w: [u32; 4]) -> __m128i {
    // SAFETY: SSE2 is enabled here. The casts keep the bits.
    unsafe { _mm_set_epi32(w[3] as i32, w[2] as i32, w[1] as i32, w[0] as i32) }
}

/// Reverses the bytes of each 32-bit lane (big-endian words).
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn byte_swap_words(v: __m128i) -> __m128i {
    // SAFETY: SSE2 and SSSE3 are enabled here.
    unsafe {
        let order = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
        _mm_shuffle_epi8(v, order)
    }
}

/// Loads four words from a table entry.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn load_words(w: &[u32; 4]) -> __m128i {
    // SAFETY: SSE2 is enabled here; the unaligned load reads exactly the
    // 16 bytes of `w`.
    unsafe { _mm_loadu_si128(w.as_ptr().cast()) }
}

/// A state `a..h` in SHA256RNDS2's layout.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn to_rnds_layout(s: &[u32; 8]) -> State {
    // SAFETY: this function's target features are those of `words`.
    unsafe {
        State {
            abef: words([s[5], s[4], s[1], s[0]]),
            cdgh: words([s[7], s[6], s[3], s[2]]),
        }
    }
}

/// Lane-wise sum of two states (the feed-forward of a compression).
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn add_state(s: State, t: State) -> State {
    // SAFETY: SSE2 is enabled here.
    unsafe {
        State {
            abef: _mm_add_epi32(s.abef, t.abef),
            cdgh: _mm_add_epi32(s.cdgh, t.cdgh),
        }
    }
}

/// A state as message words `[A, B, C, D]` and `[E, F, G, H]`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn to_words(s: State) -> [__m128i; 2] {
    // SAFETY: SSE2 is enabled here.
    unsafe {
        // [D, C, B, A] and [H, G, F, E], then reversed.
        let dcba = _mm_unpackhi_epi64(s.cdgh, s.abef);
        let hgfe = _mm_unpacklo_epi64(s.cdgh, s.abef);
        [
            _mm_shuffle_epi32::<0x1b>(dcba),
            _mm_shuffle_epi32::<0x1b>(hgfe),
        ]
    }
}

/// Two rounds on every stream; lanes 0 and 1 of `wk[i]` hold `K + W`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn rounds_2<const N: usize>(st: &mut [State; N], wk: &[__m128i; N]) {
    for (s, &wk) in st.iter_mut().zip(wk) {
        // SAFETY: SHA is enabled here.
        let abef = unsafe { _mm_sha256rnds2_epu32(s.cdgh, s.abef, wk) };
        // After two rounds, C, D, G, H are the old A, B, E, F.
        *s = State { abef, cdgh: s.abef };
    }
    interleave_barrier();
}

/// Keeps the streams interleaved. Left alone, LLVM's scheduler regroups
/// the instructions stream by stream to save registers, which leaves long
/// runs of dependent SHA256RNDS2 for the out-of-order window to overlap. An
/// `asm!` block with side effects is a scheduling boundary, so each step
/// stays where it is written (the batch went from 1.04 to 1.24 times
/// `bitcoin_hashes` with this; the nonce search did not change).
#[inline(always)]
fn interleave_barrier() {
    // Miri runs no inline assembly; without the barrier only the
    // instruction order may change, never a value.
    // SAFETY: an empty instruction sequence: it reads and writes nothing.
    #[cfg(not(miri))]
    unsafe {
        asm!("", options(nomem, nostack, preserves_flags))
    };
}

/// Two rounds on every stream with the same `K + W` (constant words).
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn rounds_2_same<const N: usize>(st: &mut [State; N], wk: __m128i) {
    // SAFETY: this function's target features are those of `rounds_2`.
    unsafe { rounds_2(st, &[wk; N]) };
}

/// Two rounds on every stream for each `K + W` pair of `table`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn rounds_from_table<const N: usize>(st: &mut [State; N], table: &[[u32; 4]]) {
    for pair in table {
        // SAFETY: this function's target features are those of the callees.
        unsafe { rounds_2_same(st, load_words(pair)) };
    }
}

/// Four rounds on every stream; `w[i]` holds the stream's four message
/// words and `k` the four round constants.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn rounds_4<const N: usize>(st: &mut [State; N], w: &[__m128i; N], k: __m128i) {
    // SAFETY: SSE2 is enabled here, and these target features are those of
    // `rounds_2`.
    unsafe {
        let mut wk = [k; N];
        for (wk, &w) in wk.iter_mut().zip(w) {
            *wk = _mm_add_epi32(w, k);
        }
        rounds_2(st, &wk);
        for wk in &mut wk {
            *wk = _mm_shuffle_epi32::<0x0e>(*wk);
        }
        rounds_2(st, &wk);
    }
}

/// Rounds `4g..4g+4` on every stream with group `j` of its message words
/// `groups` (`j < 4`): the rounds of words that need no expansion, read
/// from registers before they go into a [`Window`].
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn message_rounds_4<const N: usize>(
    st: &mut [State; N],
    groups: &[[__m128i; 4]; N],
    j: usize,
    g: usize,
) {
    let mut now = [groups[0][j]; N];
    for (now, m) in now.iter_mut().zip(groups) {
        *now = m[j];
    }
    // SAFETY: this function's target features are those of the callees.
    unsafe { rounds_4(st, &now, load_words(&K_GROUPS[g])) };
}

/// The next four schedule words of one stream from the sixteen before
/// them, `m[0]` oldest.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn schedule(m: &[__m128i; 4]) -> __m128i {
    // SAFETY: SHA, SSE2 and SSSE3 are enabled here.
    unsafe {
        let partial = _mm_add_epi32(
            _mm_sha256msg1_epu32(m[0], m[1]),
            _mm_alignr_epi8::<4>(m[3], m[2]),
        );
        _mm_sha256msg2_epu32(partial, m[3])
    }
}

/// Schedule group `g` (words `4g..4g+4`) of every stream from its window
/// of the previous four groups, then rounds `4g..4g+4`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn scheduled_rounds_4<const N: usize>(
    st: &mut [State; N],
    window: &mut Window<N>,
    g: usize,
) {
    let next = core::array::from_fn(|s| {
        // SAFETY: this function's target features are those of `schedule`.
        unsafe { schedule(&window.before(s, g)) }
    });
    window.push(g, next);
    // SAFETY: this function's target features are those of the callees.
    unsafe { rounds_4(st, &next, load_words(&K_GROUPS[g])) };
}

/// `scheduled_rounds_4` for each listed group, written out one after the
/// other, so that each group's slot `g % 4` is a constant: in a loop the
/// slots become indexed memory (with the old sliding windows, LLVM kept
/// them in memory and copied them around on every iteration). Callers are
/// `unsafe fn`s with `scheduled_rounds_4`'s target features.
macro_rules! scheduled_rounds_4_each {
    ($st:expr, $window:expr, $($g:literal),+) => {
        // SAFETY: the caller's target features are those of
        // `scheduled_rounds_4` (see the macro's documentation).
        $(unsafe { $crate::arch::x86::sha_ni::streams::scheduled_rounds_4($st, $window, $g) };)+
    };
}
pub(super) use scheduled_rounds_4_each;

/// The second hash's rounds 0..=15 for every stream: its message is the
/// digest `first + feed_forward` (the first hash's state before and its
/// value added after the last compression) and the constant padding.
/// Returns the states and each stream's schedule window of words 0..=15.
///
/// The search's feed-forward is the job's midstate, the batch's the state
/// after each input's first block.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn second_hash_to_round_15<const N: usize>(
    first: &[State; N],
    feed_forward: &[State; N],
) -> ([State; N], Window<N>) {
    // SAFETY: this function's target features are those of the callees.
    unsafe {
        let padding = [words([PAD_START, 0, 0, 0]), words([0, 0, 0, DIGEST_BITS])];
        let mut groups = [[padding[0]; 4]; N];
        for ((m, s), ff) in groups.iter_mut().zip(first).zip(feed_forward) {
            let [w0_3, w4_7] = to_words(add_state(*s, *ff));
            *m = [w0_3, w4_7, padding[0], padding[1]];
        }
        let mut st = [to_rnds_layout(&IV); N];
        message_rounds_4(&mut st, &groups, 0, 0);
        message_rounds_4(&mut st, &groups, 1, 1);
        // Words 8..=15 are the constant padding.
        rounds_from_table(&mut st, &DIGEST_KW_PAIRS);
        (st, Window::new(groups))
    }
}
