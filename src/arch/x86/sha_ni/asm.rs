//! What the assembly nonce search ([`search_asm`](super::search_asm)) and
//! batch ([`batch_asm`](super::batch_asm)) share: the constant tables they
//! read as memory operands, the stack window of schedule groups, the
//! register sets of three and four streams, and the `asm!` text of a
//! schedule step and of rounds from a table, built by macros.
//!
//! Why by hand: SHA256RNDS2 has a latency of four cycles, and on some cores
//! (AMD Zen 5: one every two cycles) two streams are exactly enough to fill
//! the SHA unit, so any delay in either chain costs throughput; three or
//! four streams leave slack. With LLVM's allocation they spill: a stream
//! needs two state registers and a schedule window of four groups, so three
//! streams want 19 of the 16 XMM registers (the intrinsics path measured
//! about 90 stack references per nonce that way). Here only what a later
//! instruction reads soon stays in a register: each stream's state and
//! newest schedule group, plus three temporaries and XMM0 (SHA256RNDS2's
//! implicit operand): 12 registers for three streams, 16 for four. The
//! older window groups are read as memory operands straight from the stack
//! window where each group was stored once, and the constants (`K`, the
//! padding words' `K + W`, the initial state) are memory operands too.
//!
//! The text is assembled at compile time with `concat!`: the assembler
//! works out each slot's offset (`64*s + 16*((g - back) & 3)`), so a step
//! is written once for every stream and group. Legacy-SSE encodings only
//! (the SHA instructions have no other), so memory operands are 16-byte
//! aligned: every table and window is.

use super::streams::pairs;
use crate::arch::groups;
use crate::sha256::consts::DIGEST_BITS;
use crate::sha256::consts::PADDING_64_KW;
use crate::sha256::{DIGEST_KW, HEADER_BITS, HEADER_KW, IV, K, PAD_START};

/// The constants the assembly reads, each 16-byte aligned (legacy-SSE
/// memory operands must be).
#[repr(C, align(16))]
pub(super) struct Tables {
    /// The round constants, four per group.
    pub(super) k: [[u32; 4]; 16],
    /// `K + W` of the header's second block, rounds 4..=15, in pairs.
    pub(super) header_kw: [[u32; 4]; 6],
    /// `K + W` of the second hash's rounds 8..=15, in pairs.
    pub(super) digest_kw: [[u32; 4]; 4],
    /// Words `[PAD_START, 0, 0, 0]`: the header's words 4..=7 and the
    /// second hash's words 8..=11.
    pub(super) pad_start: [u32; 4],
    /// The second hash's words 12..=15.
    pub(super) digest_len: [u32; 4],
    /// The initial state in SHA256RNDS2's layout.
    pub(super) iv: [[u32; 4]; 2],
    /// The header's words 12..=15 (its length in bits at the end).
    pub(super) header_len: [u32; 4],
    /// Zero words: the header's words 8..=11.
    pub(super) zero: [u32; 4],
    /// PSHUFB's mask that reverses 16 bytes: big-endian words from memory
    /// in lane order, or lanes `[D, C, B, A]` to the bytes of `A..D`.
    pub(super) reverse: [u8; 16],
    /// PSHUFB's mask that reverses the bytes of each word.
    pub(super) swap_words: [u8; 16],
    /// `K + W` of a 64-byte message's padding block, in pairs.
    pub(super) padding_64_kw: [[u32; 4]; 32],
}

pub(super) static TABLES: Tables = Tables {
    k: groups(&K),
    header_kw: pairs(&HEADER_KW, 4),
    digest_kw: pairs(&DIGEST_KW, 8),
    pad_start: [PAD_START, 0, 0, 0],
    digest_len: [0, 0, 0, DIGEST_BITS],
    iv: [[IV[5], IV[4], IV[1], IV[0]], [IV[7], IV[6], IV[3], IV[2]]],
    header_len: [0, 0, 0, HEADER_BITS],
    zero: [0; 4],
    reverse: [15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    swap_words: [3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12],
    padding_64_kw: pairs(&PADDING_64_KW, 0),
};

/// The schedule window: group `g` of stream `s` at `[s][g % 4]`, written
/// before it is read, so never initialised.
#[repr(C, align(16))]
pub(super) struct Window<const N: usize>([[[u32; 4]; 4]; N]);

/// Stream `$s`'s window slot of group `$g - $back`, as a memory operand.
macro_rules! slot {
    ($s:literal, $g:literal, $back:literal) => {
        concat!(
            "xmmword ptr [{win} + 64*",
            $s,
            " + 16*((",
            $g,
            "-",
            $back,
            ")&3)]"
        )
    };
}

/// Four rounds of one stream whose message group is in `$w` (a register
/// or memory operand), with group `$g`'s round constants.
macro_rules! rounds_4 {
    ($g:literal, $a:literal, $c:literal, $w:expr) => {
        concat!(
            "movdqa xmm0, ",
            $w,
            "\n",
            "paddd xmm0, xmmword ptr [{t} + {k} + 16*",
            $g,
            "]\n",
            "sha256rnds2 ",
            $c,
            ", ",
            $a,
            "\n",
            "pshufd xmm0, xmm0, 0x0e\n",
            "sha256rnds2 ",
            $a,
            ", ",
            $c,
            "\n",
        )
    };
}

/// `schedule` and `rounds_4` of group `$g` for one stream: the newest group
/// is in register `$n`, the three before it in the window; the new group
/// replaces `$n` and (while a later step reads it there) its slot.
macro_rules! step {
    ($g:literal, $store:literal, $s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal) => {
        concat!(
            "movdqa ",
            $x,
            ", ",
            slot!($s, $g, 4),
            "\n",
            "sha256msg1 ",
            $x,
            ", ",
            slot!($s, $g, 3),
            "\n",
            "movdqa ",
            $y,
            ", ",
            $n,
            "\n",
            "palignr ",
            $y,
            ", ",
            slot!($s, $g, 2),
            ", 4\n",
            "paddd ",
            $x,
            ", ",
            $y,
            "\n",
            "sha256msg2 ",
            $x,
            ", ",
            $n,
            "\n",
            "movdqa ",
            $n,
            ", ",
            $x,
            "\n",
            $store,
            "movdqa ",
            slot!($s, $g, 0),
            ", ",
            $x,
            "\n",
            rounds_4!($g, $a, $c, $x),
        )
    };
}

/// [`step`] for every stream of `$streams`, at each listed group; `$store`
/// is `""` to store the group in the window or `"#"` (a comment) not to.
macro_rules! steps {
    ($streams:tt; $(($g:literal, $store:literal)),+) => {
        concat!($(steps_at!($g, $store, $streams)),+)
    };
}
macro_rules! steps_at {
    ($g:literal, $store:literal, [$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!($(step!($g, $store, $s, $a, $c, $n, $x, $y)),+)
    };
}

/// Two rounds of every stream from a table of constant `K + W` pairs, entry
/// `$i` at byte offset `$table`; `$even` says whether the registers are in
/// their own roles (an even number of SHA256RNDS2 since the last step).
macro_rules! table_rounds_2 {
    ($table:literal, $i:literal, even, [$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!(
            "movdqa xmm0, xmmword ptr [{t} + ", $table, " + 16*", $i, "]\n",
            $("sha256rnds2 ", $c, ", ", $a, "\n",)+
        )
    };
    ($table:literal, $i:literal, odd, [$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!(
            "movdqa xmm0, xmmword ptr [{t} + ", $table, " + 16*", $i, "]\n",
            $("sha256rnds2 ", $a, ", ", $c, "\n",)+
        )
    };
}

/// Two-round table entries `$i..` of every stream, alternating the
/// registers' roles from even; the count must be even (roles restored).
macro_rules! table_rounds {
    ($table:literal, $streams:tt, $($even:literal $odd:literal)+) => {
        concat!($(
            table_rounds_2!($table, $even, even, $streams),
            table_rounds_2!($table, $odd, odd, $streams),
        )+)
    };
}

/// Calls `$callback!` with the register sets of three streams, then `$rest`.
/// Per stream: index, state `[F, E, B, A]`, state `[H, G, D, C]`, newest
/// schedule group, three temporaries (shared).
macro_rules! three_streams {
    ($callback:ident!($($rest:tt)*)) => {
        $callback!(
            [
                (0, "xmm1", "xmm4", "xmm7", "xmm10", "xmm11", "xmm12"),
                (1, "xmm2", "xmm5", "xmm8", "xmm10", "xmm11", "xmm12"),
                (2, "xmm3", "xmm6", "xmm9", "xmm10", "xmm11", "xmm12")
            ],
            $($rest)*
        )
    };
}

/// [`three_streams`] for four streams: XMM0..=XMM15, every register.
macro_rules! four_streams {
    ($callback:ident!($($rest:tt)*)) => {
        $callback!(
            [
                (0, "xmm1", "xmm5", "xmm9", "xmm13", "xmm14", "xmm15"),
                (1, "xmm2", "xmm6", "xmm10", "xmm13", "xmm14", "xmm15"),
                (2, "xmm3", "xmm7", "xmm11", "xmm13", "xmm14", "xmm15"),
                (3, "xmm4", "xmm8", "xmm12", "xmm13", "xmm14", "xmm15")
            ],
            $($rest)*
        )
    };
}

/// The second hash of a double hash from each stream's digest in its
/// state registers (feed-forward done): the digest as words 0..=7 (window
/// groups 0 and 1) and the padding as groups 2 and 3 (the newest in `$n`),
/// the initial state, rounds 0..=15, then groups 4..=14 (rounds 16..=59).
/// Group 14 is left out of the window: only `$n` reads it.
macro_rules! second_hash_to_group_14 {
    ([$(($s:literal, $a:literal, $c:literal, $n:literal, $x:literal, $y:literal, $z:literal)),+]) => {
        concat!(
            $(
                // [D, C, B, A] and [H, G, F, E], reversed: words 0..=7.
                "movdqa ", $x, ", ", $c, "\n",
                "punpckhqdq ", $x, ", ", $a, "\n",
                "pshufd ", $x, ", ", $x, ", 0x1b\n",
                "punpcklqdq ", $c, ", ", $a, "\n",
                "pshufd ", $y, ", ", $c, ", 0x1b\n",
                "movdqa ", slot!($s, 0, 0), ", ", $x, "\n",
                "movdqa ", slot!($s, 1, 0), ", ", $y, "\n",
                "movdqa ", $z, ", xmmword ptr [{t} + {pad_start}]\n",
                "movdqa ", slot!($s, 2, 0), ", ", $z, "\n",
                "movdqa ", $n, ", xmmword ptr [{t} + {digest_len}]\n",
                "movdqa ", slot!($s, 3, 0), ", ", $n, "\n",
                "movdqa ", $a, ", xmmword ptr [{t} + {iv}]\n",
                "movdqa ", $c, ", xmmword ptr [{t} + {iv} + 16]\n",
                rounds_4!(0, $a, $c, $x),
                rounds_4!(1, $a, $c, $y),
            )+
            // Rounds 8..=15: the digest's padding words.
            table_rounds!("{digest_kw}", [$(($s, $a, $c, $n, $x, $y, $z)),+], 0 1 2 3),
            steps!([$(($s, $a, $c, $n, $x, $y, $z)),+];
                (4, ""), (5, ""), (6, ""), (7, ""), (8, ""), (9, ""), (10, ""),
                (11, ""), (12, ""), (13, ""), (14, "#")),
        )
    };
}

/// `asm!` with what every block here shares: the text (in brackets), the
/// stack window (`{win}`) and the tables (`{t}`) with the offsets every
/// double hash reads, then the block's own operands (each ending with a
/// comma); all sixteen XMM registers clobbered, nothing pushed, the flags
/// kept.
macro_rules! sha_asm {
    ([$($text:tt)*], $window:expr, $($operands:tt)*) => {
        core::arch::asm!(
            $($text)*
            win = in(reg) $window,
            t = in(reg) core::ptr::addr_of!($crate::arch::x86::sha_ni::asm::TABLES),
            k = const core::mem::offset_of!($crate::arch::x86::sha_ni::asm::Tables, k),
            digest_kw = const core::mem::offset_of!($crate::arch::x86::sha_ni::asm::Tables, digest_kw),
            pad_start = const core::mem::offset_of!($crate::arch::x86::sha_ni::asm::Tables, pad_start),
            digest_len = const core::mem::offset_of!($crate::arch::x86::sha_ni::asm::Tables, digest_len),
            iv = const core::mem::offset_of!($crate::arch::x86::sha_ni::asm::Tables, iv),
            $($operands)*
            out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _,
            out("xmm4") _, out("xmm5") _, out("xmm6") _, out("xmm7") _,
            out("xmm8") _, out("xmm9") _, out("xmm10") _, out("xmm11") _,
            out("xmm12") _, out("xmm13") _, out("xmm14") _, out("xmm15") _,
            options(nostack, preserves_flags),
        )
    };
}

pub(super) use {
    four_streams, rounds_4, second_hash_to_group_14, sha_asm, slot, step, steps, steps_at,
    table_rounds, table_rounds_2, three_streams,
};
