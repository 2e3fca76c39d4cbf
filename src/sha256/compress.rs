//! The portable SHA-256 compression function: the reference for every
//! kernel, and the building blocks the scalar kernel reuses.
//!
//! Rounds are written once, as small `#[inline(always)]` functions called
//! with literal round numbers, so that the compiler unrolls them completely
//! and keeps the eight working variables in registers (the state array is
//! indexed by constants only, and rotating the roles of `a..h` is done by
//! index arithmetic instead of moving values).

use super::consts::{DIGEST_BLOCK, DIGEST_KW, IV, K, PADDING_64_KW};

#[inline(always)]
pub(crate) const fn big_sigma0(x: u32) -> u32 {
    // rotr 2 ^ rotr 13 ^ rotr 22, nested so that without BMI2's
    // three-operand rotate it needs one register copy instead of three.
    (((x.rotate_right(9) ^ x).rotate_right(11)) ^ x).rotate_right(2)
}

#[inline(always)]
pub(crate) const fn big_sigma1(x: u32) -> u32 {
    // rotr 6 ^ rotr 11 ^ rotr 25, nested as in `big_sigma0`.
    (((x.rotate_right(14) ^ x).rotate_right(5)) ^ x).rotate_right(6)
}

#[inline(always)]
pub(crate) const fn small_sigma0(x: u32) -> u32 {
    x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3)
}

#[inline(always)]
pub(crate) const fn small_sigma1(x: u32) -> u32 {
    x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10)
}

#[inline(always)]
pub(crate) const fn ch(e: u32, f: u32, g: u32) -> u32 {
    g ^ (e & (f ^ g))
}

#[inline(always)]
pub(crate) const fn maj(a: u32, b: u32, c: u32) -> u32 {
    (a & b) | (c & (a | b))
}

/// One SHA-256 round on a state in order `a..h`, every word moving down one
/// place; `kw` is `K[i] + W[i]`. The form of the rolled loops (the compact
/// compression and the `const` one), which rename nothing.
#[inline(always)]
pub(crate) const fn round_in_order(s: [u32; 8], kw: u32) -> [u32; 8] {
    let [a, b, c, d, e, f, g, h] = s;
    let t1 = h
        .wrapping_add(big_sigma1(e))
        .wrapping_add(ch(e, f, g))
        .wrapping_add(kw);
    let t2 = big_sigma0(a).wrapping_add(maj(a, b, c));
    [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g]
}

/// Index in the state array of role `role` (0 = a ... 7 = h) at the start of
/// round `round`. Each round moves every role one slot up instead of moving
/// eight values.
#[inline(always)]
pub(crate) const fn slot(role: usize, round: usize) -> usize {
    (role + 8 - round % 8) % 8
}

/// One SHA-256 round on a state whose roles sit at [`slot`]s; `kw` is
/// `K[round] + W[round]`.
///
/// `b_xor_c` carries `b ^ c` between rounds: this round's `a ^ b` is the
/// next round's `b ^ c`, so `maj` costs two operations instead of four.
#[inline(always)]
pub(crate) fn round(s: &mut [u32; 8], round: usize, kw: u32, b_xor_c: &mut u32) {
    // `c` enters only through `b_xor_c`.
    let [a, b, d] = [slot(0, round), slot(1, round), slot(3, round)];
    let [e, f, g, h] = [
        slot(4, round),
        slot(5, round),
        slot(6, round),
        slot(7, round),
    ];
    let t1 = s[h]
        .wrapping_add(big_sigma1(s[e]))
        .wrapping_add(ch(s[e], s[f], s[g]))
        .wrapping_add(kw);
    let a_xor_b = s[a] ^ s[b];
    let majority = s[b] ^ (a_xor_b & *b_xor_c);
    *b_xor_c = a_xor_b;
    let t2 = big_sigma0(s[a]).wrapping_add(majority);
    s[d] = s[d].wrapping_add(t1);
    // The slot of `h` becomes the new `a`.
    s[h] = t1.wrapping_add(t2);
}

/// Message schedule word `i >= 16`.
#[inline(always)]
fn expand(w: &mut [u32; 64], i: usize) {
    w[i] = small_sigma1(w[i - 2])
        .wrapping_add(w[i - 7])
        .wrapping_add(small_sigma0(w[i - 15]))
        .wrapping_add(w[i - 16]);
}

/// One round with its schedule word; `i` is always a literal, so the
/// `i >= 16` test and every index fold away.
#[inline(always)]
pub(crate) fn step(s: &mut [u32; 8], w: &mut [u32; 64], i: usize, b_xor_c: &mut u32) {
    if i >= 16 {
        expand(w, i);
    }
    round(s, i, K[i].wrapping_add(w[i]), b_xor_c);
}

/// Runs the listed rounds on a slotted state `$s` with the schedule `$w`,
/// written out one by one: a loop over them is not reliably unrolled by the
/// compiler, and the unrolled form lets constant padding words fold into
/// the round constants.
macro_rules! rounds {
    ($s:expr, $w:expr; $first:literal $($i:literal)*) => {{
        use $crate::sha256::compress::{slot, step};
        let s: &mut [u32; 8] = $s;
        let mut b_xor_c = s[slot(1, $first)] ^ s[slot(2, $first)];
        step(s, $w, $first, &mut b_xor_c);
        $( step(s, $w, $i, &mut b_xor_c); )*
    }};
}
pub(crate) use rounds;

/// Runs the listed rounds of a block whose words there are constants, with
/// `K + W` from the table `$kw` (one of the core's `*_KW` tables): nothing
/// is read from or expanded into a schedule.
macro_rules! kw_rounds {
    ($s:expr, $kw:expr; $first:literal $($i:literal)*) => {{
        use $crate::sha256::compress::{round, slot};
        let s: &mut [u32; 8] = $s;
        let kw: &[u32; 64] = $kw;
        let mut b_xor_c = s[slot(1, $first)] ^ s[slot(2, $first)];
        round(s, $first, kw[$first], &mut b_xor_c);
        $( round(s, $i, kw[$i], &mut b_xor_c); )*
    }};
}
pub(crate) use kw_rounds;

/// All 64 rounds.
macro_rules! all_rounds {
    ($s:expr, $w:expr) => {
        rounds!($s, $w; 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
        rounds!($s, $w; 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
        rounds!($s, $w; 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47);
        rounds!($s, $w; 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63);
    };
}

/// Loads a 64-byte block as sixteen big-endian words.
#[inline(always)]
pub(crate) fn load_block(block: &[u8; 64]) -> [u32; 16] {
    let mut w = [0u32; 16];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    w
}

/// Stores eight state words as 32 big-endian bytes (the digest).
#[inline(always)]
pub(crate) fn store_state(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (bytes, word) in out.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// The SHA-256 compression function on a block given as words.
#[inline(always)]
pub(crate) fn compress_words(state: &mut [u32; 8], block: &[u32; 16]) {
    let mut w = [0u32; 64];
    w[..16].copy_from_slice(block);
    let mut s = *state;
    all_rounds!(&mut s, &mut w);
    for (h, v) in state.iter_mut().zip(s) {
        *h = h.wrapping_add(v);
    }
}

/// The SHA-256 compression function: the reference for every kernel.
#[inline(never)]
pub(crate) fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    compress_words(state, &load_block(block));
}

/// Compresses the whole 64-byte blocks of `blocks` into `state` one after
/// the other (bytes after the last whole block are ignored): the
/// whole-message part of hashing, and the shape in which a hardware
/// compression takes over.
#[inline]
pub(crate) fn compress_blocks(state: &mut [u32; 8], blocks: &[u8]) {
    for block in blocks.chunks_exact(64) {
        let block: &[u8; 64] = block.try_into().expect("a 64-byte chunk");
        compress(state, block);
    }
}

/// SHA-256 of a 32-byte digest given as words (the second half of
/// SHA-256d); words 8..=15 of its block are the constant padding.
#[inline(always)]
pub(crate) fn hash_digest(digest: &[u32; 8]) -> [u32; 8] {
    let mut w = [0u32; 64];
    w[..16].copy_from_slice(&DIGEST_BLOCK);
    w[..8].copy_from_slice(digest);
    let mut s = IV;
    rounds!(&mut s, &mut w; 0 1 2 3 4 5 6 7);
    kw_rounds!(&mut s, &DIGEST_KW; 8 9 10 11 12 13 14 15);
    rounds!(&mut s, &mut w; 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    rounds!(&mut s, &mut w; 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47);
    rounds!(&mut s, &mut w; 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63);
    let mut out = IV;
    for (h, v) in out.iter_mut().zip(s) {
        *h = h.wrapping_add(v);
    }
    out
}

/// SHA-256d of one 64-byte message (a Merkle node pair), plainly.
#[inline(always)]
pub(crate) fn sha256d_64(input: &[u8; 64]) -> [u8; 32] {
    let mut state = IV;
    compress_words(&mut state, &load_block(input));
    // The padding block: every word, so every `K + W`, is a constant.
    let mut s = state;
    kw_rounds!(&mut s, &PADDING_64_KW; 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
    kw_rounds!(&mut s, &PADDING_64_KW; 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    kw_rounds!(&mut s, &PADDING_64_KW; 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47);
    kw_rounds!(&mut s, &PADDING_64_KW; 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63);
    for (h, v) in state.iter_mut().zip(s) {
        *h = h.wrapping_add(v);
    }
    store_state(&hash_digest(&state))
}
