//! SHA-256d of many 80-byte headers or 64-byte Merkle nodes, three or four
//! side by side, in one `asm!` block per group whose registers are
//! allocated by hand ([`asm`](super::asm) says why and how).
//!
//! The algorithm is [`batch`](super::batch)'s for these two lengths: the
//! message's first block with its full schedule; then for a header its
//! mixed block (words 0..=3 from the message, words 4..=15 the constant
//! padding, so rounds 4..=15 come from a `K + W` table) and for a Merkle
//! node the padding block (all 64 rounds from a table); then the second
//! hash, whose first 60 rounds the nonce search shares. That intrinsics
//! version, which Miri runs, is the reference the kernel harness compares
//! this one with. x86-64 only.

use core::mem::{MaybeUninit, offset_of};

use super::asm::{
    Tables, Window, four_streams, rounds_4, second_hash_to_group_14, sha_asm, slot, step, steps,
    steps_at, table_rounds, table_rounds_2, three_streams,
};
use crate::sha256::Shape;

/// Per stream: the initial state, then the message block at byte `$at` of
/// message `$s` (`$len` bytes each) loaded as big-endian words into window
/// groups 0..=3 (the newest in `$n`) with rounds 0..=15.
macro_rules! first_block_to_round_15 {
    ($len:literal, [$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!($(
            "movdqa ", $a, ", xmmword ptr [{t} + {iv}]\n",
            "movdqa ", $c, ", xmmword ptr [{t} + {iv} + 16]\n",
            load_group!($len, $s, 0, $x), rounds_4!(0, $a, $c, $x),
            load_group!($len, $s, 1, $x), rounds_4!(1, $a, $c, $x),
            load_group!($len, $s, 2, $x), rounds_4!(2, $a, $c, $x),
            load_group!($len, $s, 3, $n), rounds_4!(3, $a, $c, $n),
        )+)
    };
}

/// Group `$j` of message `$s`'s first block, byte-swapped into register
/// `$r` and window slot `$j`.
macro_rules! load_group {
    ($len:literal, $s:literal, $j:literal, $r:literal) => {
        concat!(
            "movdqu ",
            $r,
            ", xmmword ptr [{msg} + ",
            $len,
            "*",
            $s,
            " + 16*",
            $j,
            "]\n",
            "pshufb ",
            $r,
            ", xmmword ptr [{t} + {swap_words}]\n",
            "movdqa ",
            slot!($s, $j, 0),
            ", ",
            $r,
            "\n",
        )
    };
}

/// Rounds 16..=63 of a block with its full schedule, and the feed-forward
/// from the state kept at `{ff}`, or from the initial state when `$from`
/// is `iv`.
macro_rules! block_end {
    ($from:ident, $streams:tt) => {
        concat!(
            steps!($streams;
                (4, ""), (5, ""), (6, ""), (7, ""), (8, ""), (9, ""), (10, ""),
                (11, ""), (12, ""), (13, ""), (14, "#"), (15, "#")),
            feed_forward!($from, $streams),
        )
    };
}

/// Each stream's state plus the state it started the block from.
macro_rules! feed_forward {
    (iv, [$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!($(
            "paddd ", $a, ", xmmword ptr [{t} + {iv}]\n",
            "paddd ", $c, ", xmmword ptr [{t} + {iv} + 16]\n",
        )+)
    };
    (ff, [$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!($(
            "paddd ", $a, ", xmmword ptr [{ff} + 32*", $s, "]\n",
            "paddd ", $c, ", xmmword ptr [{ff} + 32*", $s, " + 16]\n",
        )+)
    };
}

/// Each stream's state kept at `{ff}` for the next block's feed-forward.
macro_rules! keep_state {
    ([$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!($(
            "movdqa xmmword ptr [{ff} + 32*", $s, "], ", $a, "\n",
            "movdqa xmmword ptr [{ff} + 32*", $s, " + 16], ", $c, "\n",
        )+)
    };
}

/// A header's mixed block: words 0..=3 from message bytes 64..=79 with
/// rounds 0..=3, rounds 4..=15 from the padding's `K + W`, the padding
/// words as window groups 1..=3 (the newest in `$n`).
macro_rules! header_block_to_round_15 {
    ([$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!(
            $(
                "movdqu ", $x, ", xmmword ptr [{msg} + 80*", $s, " + 64]\n",
                "pshufb ", $x, ", xmmword ptr [{t} + {swap_words}]\n",
                "movdqa ", slot!($s, 0, 0), ", ", $x, "\n",
                rounds_4!(0, $a, $c, $x),
                "movdqa ", $y, ", xmmword ptr [{t} + {pad_start}]\n",
                "movdqa ", slot!($s, 1, 0), ", ", $y, "\n",
                "movdqa ", $y, ", xmmword ptr [{t} + {zero}]\n",
                "movdqa ", slot!($s, 2, 0), ", ", $y, "\n",
                "movdqa ", $n, ", xmmword ptr [{t} + {header_len}]\n",
                "movdqa ", slot!($s, 3, 0), ", ", $n, "\n",
            )+
            table_rounds!("{header_kw}", [$(($s, $a, $c, $n, $x, $y, $z)),+], 0 1 2 3 4 5),
        )
    };
}

/// The second hash's group 15 (rounds 60..=63), its feed-forward, and
/// each digest's 32 bytes to `{out}`.
macro_rules! second_hash_end {
    ([$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!(
            steps!([$(($s, $a, $c, $n, $x, $y, $z)),+]; (15, "#")),
            feed_forward!(iv, [$(($s, $a, $c, $n, $x, $y, $z)),+]),
            $(
                // [D, C, B, A] and [H, G, F, E], each reversed bytewise:
                // the digest's bytes.
                "movdqa ", $x, ", ", $c, "\n",
                "punpckhqdq ", $x, ", ", $a, "\n",
                "pshufb ", $x, ", xmmword ptr [{t} + {reverse}]\n",
                "movdqu xmmword ptr [{out} + 32*", $s, "], ", $x, "\n",
                "punpcklqdq ", $c, ", ", $a, "\n",
                "pshufb ", $c, ", xmmword ptr [{t} + {reverse}]\n",
                "movdqu xmmword ptr [{out} + 32*", $s, " + 16], ", $c, "\n",
            )+
        )
    };
}

/// SHA-256d of `$streams`' 80-byte headers.
macro_rules! headers {
    ($streams:tt, $msg:expr, $out:expr, $window:expr, $ff:expr) => {
        sha_asm!(
            [
                first_block_to_round_15!("80", $streams),
                block_end!(iv, $streams),
                keep_state!($streams),
                header_block_to_round_15!($streams),
                block_end!(ff, $streams),
                second_hash_to_group_14!($streams),
                second_hash_end!($streams),
            ],
            $window,
            msg = in(reg) $msg,
            out = in(reg) $out,
            ff = in(reg) $ff,
            header_kw = const offset_of!(Tables, header_kw),
            header_len = const offset_of!(Tables, header_len),
            zero = const offset_of!(Tables, zero),
            reverse = const offset_of!(Tables, reverse),
            swap_words = const offset_of!(Tables, swap_words),
        )
    };
}

/// SHA-256d of `$streams`' 64-byte messages.
macro_rules! nodes {
    ($streams:tt, $msg:expr, $out:expr, $window:expr, $ff:expr) => {
        sha_asm!(
            [
                first_block_to_round_15!("64", $streams),
                block_end!(iv, $streams),
                keep_state!($streams),
                // The padding block: every round's `K + W` is a constant.
                table_rounds!("{padding_64_kw}", $streams,
                    0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
                    16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31),
                feed_forward!(ff, $streams),
                second_hash_to_group_14!($streams),
                second_hash_end!($streams),
            ],
            $window,
            msg = in(reg) $msg,
            out = in(reg) $out,
            ff = in(reg) $ff,
            padding_64_kw = const offset_of!(Tables, padding_64_kw),
            reverse = const offset_of!(Tables, reverse),
            swap_words = const offset_of!(Tables, swap_words),
        )
    };
}

/// Each stream's state at the start of its second block, 16-byte aligned.
#[repr(C, align(16))]
struct Kept<const N: usize>([[[u32; 4]; 2]; N]);

/// Stream counts with an assembly batch.
pub(super) trait BatchStreams<const N: usize> {
    /// SHA-256d of `N` messages of `LEN` bytes (80 or 64) laid end to end
    /// in `messages` into `out`.
    ///
    /// # Safety
    /// The CPU must support SHA, SSE2 and SSSE3; `messages` must hold
    /// `N * LEN` bytes and `LEN` be 80 or 64.
    unsafe fn hash<const LEN: usize>(messages: &[u8], out: &mut [[u8; 32]; N]);
}

/// Implements [`BatchStreams`] for a register set.
macro_rules! batch_streams {
    ($ty:ty, $n:literal, $streams:ident) => {
        impl BatchStreams<$n> for $ty {
            #[inline]
            unsafe fn hash<const LEN: usize>(messages: &[u8], out: &mut [[u8; 32]; $n]) {
                debug_assert!(messages.len() == $n * LEN && (LEN == 80 || LEN == 64));
                let mut window = MaybeUninit::<Window<$n>>::uninit();
                let mut kept = MaybeUninit::<Kept<$n>>::uninit();
                let (msg, out) = (messages.as_ptr(), out.as_mut_ptr());
                let (window, kept) = (window.as_mut_ptr(), kept.as_mut_ptr());
                // SAFETY: the caller guarantees SHA, SSE2 and SSSE3, and
                // `N * LEN` message bytes: the block reads message `s` at
                // `LEN * s .. LEN * s + LEN` only, `TABLES` within its
                // bounds (aligned fields), writes `out`'s `32 * N` bytes,
                // and reads only window and kept-state slots it wrote
                // earlier in the same block (offsets `64 * s + 16 * slot`
                // and `32 * s + 16 * h`, `s < N`, `slot < 4`, `h < 2`, in
                // 16-byte aligned storage). It clobbers only the XMM
                // registers it declares and pushes nothing.
                unsafe {
                    if LEN == 80 {
                        $streams!(headers!(msg, out, window, kept));
                    } else {
                        $streams!(nodes!(msg, out, window, kept));
                    }
                }
            }
        }
    };
}
batch_streams!(super::search_asm::Three, 3, three_streams);
batch_streams!(super::search_asm::Four, 4, four_streams);

/// SHA-256d of `out.len()` messages of `LEN` bytes (80 or 64) laid end to
/// end in `messages`, `N` at a time with `S`, the rest (fewer than `N`)
/// with the intrinsics batch.
///
/// # Safety
/// The CPU must support SHA, SSE2, SSSE3 and SSE4.1; `LEN` must be 80 or
/// 64 and `shape` its shape.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub(super) unsafe fn hash_many<S: BatchStreams<N>, const N: usize, const LEN: usize>(
    messages: &[u8],
    shape: &Shape,
    out: &mut [[u8; 32]],
) {
    for (messages, out) in shape.groups(messages, out, N) {
        if let Ok(whole) = <&mut [[u8; 32]; N]>::try_from(&mut *out) {
            // SAFETY: the caller guarantees the CPU features and `LEN`; a
            // whole group is `N` messages of `LEN` bytes.
            unsafe { S::hash::<LEN>(messages, whole) };
        } else {
            // SAFETY: as above; the callee takes any count.
            unsafe { super::batch::hash_many::<2, LEN>(messages, shape, true, out) };
        }
    }
}
