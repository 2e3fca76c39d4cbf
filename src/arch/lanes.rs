//! SHA-256 and SHA-256d on several independent messages at once, written
//! once for any SIMD width.
//!
//! A kernel implements [`Lanes`] for its vector type (four, eight or sixteen
//! 32-bit lanes; its `+`, `^`, `&` and `|` through `lane_operators!`) and
//! calls [`scan`] and [`hash_many`] from its `#[target_feature]` entry
//! points; everything here is `#[inline(always)]` so that it is compiled
//! with the kernel's instruction set.
//!
//! Rounds are unrolled by the `unroll!` macro rather than left to the
//! optimiser's heuristics: with every round and schedule index a constant,
//! the schedule stays in registers (or fixed stack slots), the roles of the
//! working variables are renamed instead of moved, and the constant words of
//! padded blocks fold away, so that a zero word costs nothing and a constant
//! one costs one addition folded into `K`. Work that only feeds values
//! nobody reads, such as the last rounds' `a`, is removed as dead code.
//!
//! Rounds past the constant words gain nothing from unrolling, and a fully
//! unrolled step can outgrow the instruction and op caches; those rounds
//! run as a loop of sixteen unrolled rounds where that measured faster:
//! the many-message compressions everywhere, and the nonce search where
//! [`Lanes::LOOP_LATE_ROUNDS`] says so.

use core::ops::{Add, BitAnd, BitOr, BitXor};

use crate::arch::{Candidates, JobData, groups, scan_in_steps};
use crate::sha256::{DIGEST_BLOCK, HEADER_BLOCK, IV, K};

/// A vector of 32-bit lanes, each an independent SHA-256 computation.
///
/// `+` is lane-wise wrapping addition; `^`, `&` and `|` are bitwise.
pub(crate) trait Lanes:
    Copy + Add<Output = Self> + BitXor<Output = Self> + BitAnd<Output = Self> + BitOr<Output = Self>
{
    /// Number of lanes.
    const COUNT: usize;
    /// Whether [`scan`] runs rounds 16..=63 of both hashes as one loop
    /// rather than unrolled. The loop costs a few more instructions per
    /// nonce (the schedule words that are constant in the unrolled form
    /// are computed, and the second hash runs to round 63), but the step
    /// shrinks to a third: a win where the unrolled step's instructions are
    /// more than the op cache holds, as with two-operand SSE and its
    /// register copies.
    const LOOP_LATE_ROUNDS: bool = false;
    /// The lanes as an array (`[u32; COUNT]`), lane 0 first.
    type Array: Copy + Default + AsRef<[u32]> + AsMut<[u32]>;

    /// Every lane `x`.
    fn splat(x: u32) -> Self;
    fn from_array(lanes: Self::Array) -> Self;
    fn to_array(self) -> Self::Array;
    /// Lane-wise logical shift right by `N` (`0 < N < 32`).
    fn shr<const N: i32>(self) -> Self;
    /// Lane-wise shift left by `N` (`0 < N < 32`).
    fn shl<const N: i32>(self) -> Self;
    /// Lane-wise rotation right by `R`; `L` must be `32 - R` (stable Rust
    /// cannot compute a const argument from another).
    #[inline(always)]
    fn rotr<const R: i32, const L: i32>(self) -> Self {
        self.shr::<R>() | self.shl::<L>()
    }
    /// Lane-wise byte reversal (`u32::swap_bytes`).
    fn swap_bytes(self) -> Self;
    /// Bit `i` set when lane `i` is at most lane `i` of `bound`, unsigned.
    fn le_mask(self, bound: Self) -> u32;

    /// SHA-256's choice, `e ? f : g` bit by bit. A kernel with a
    /// three-input logic instruction (AVX-512's VPTERNLOGD) overrides the
    /// three functions below with one instruction each.
    #[inline(always)]
    fn ch(e: Self, f: Self, g: Self) -> Self {
        g ^ (e & (f ^ g))
    }
    /// SHA-256's majority of three. Written so that `a ^ b` here is the
    /// next round's `b ^ c`: once rounds are unrolled the compiler computes
    /// it once, and `maj` costs three operations.
    #[inline(always)]
    fn maj(a: Self, b: Self, c: Self) -> Self {
        b ^ ((a ^ b) & (b ^ c))
    }
    /// `a ^ b ^ c`: the sigmas' combination of rotations.
    #[inline(always)]
    fn xor3(a: Self, b: Self, c: Self) -> Self {
        a ^ b ^ c
    }
}

/// Implements `+`, `^`, `&` and `|` for a kernel's vector type, a tuple
/// struct around one SIMD register, each operator one intrinsic: invoked
/// as `lane_operators!(Type: add, xor, and, or)` in the kernel's module,
/// where `unsafe` is allowed.
///
/// The calls are sound for the reason each type documents: its values are
/// only ever created inside the kernel's `#[target_feature]` functions, so
/// the intrinsics' instructions are available wherever they run.
macro_rules! lane_operators {
    ($lanes:ident: $add:ident, $xor:ident, $and:ident, $or:ident) => {
        $crate::arch::lanes::lane_operators!(@one $lanes, Add, add, $add);
        $crate::arch::lanes::lane_operators!(@one $lanes, BitXor, bitxor, $xor);
        $crate::arch::lanes::lane_operators!(@one $lanes, BitAnd, bitand, $and);
        $crate::arch::lanes::lane_operators!(@one $lanes, BitOr, bitor, $or);
    };
    (@one $lanes:ident, $trait:ident, $method:ident, $intrinsic:ident) => {
        impl core::ops::$trait for $lanes {
            type Output = Self;
            #[inline(always)]
            // A target's baseline intrinsics (SSE2 on x86-64, NEON on
            // AArch64) are safe functions.
            #[allow(unused_unsafe)]
            fn $method(self, other: Self) -> Self {
                // SAFETY: the type's values exist only where its kernel's
                // target features are enabled (see the type).
                $lanes(unsafe { $intrinsic(self.0, other.0) })
            }
        }
    };
}
pub(crate) use lane_operators;

/// Repeats `$body` with `$i` bound to each listed index in turn.
macro_rules! unroll {
    ($i:ident in [$($n:literal),+ $(,)?] $body:block) => {
        $({
            let $i: usize = $n;
            $body
        })+
    };
}

#[inline(always)]
fn big_sigma0<V: Lanes>(x: V) -> V {
    V::xor3(x.rotr::<2, 30>(), x.rotr::<13, 19>(), x.rotr::<22, 10>())
}

#[inline(always)]
fn big_sigma1<V: Lanes>(x: V) -> V {
    V::xor3(x.rotr::<6, 26>(), x.rotr::<11, 21>(), x.rotr::<25, 7>())
}

#[inline(always)]
fn small_sigma0<V: Lanes>(x: V) -> V {
    V::xor3(x.rotr::<7, 25>(), x.rotr::<18, 14>(), x.shr::<3>())
}

#[inline(always)]
fn small_sigma1<V: Lanes>(x: V) -> V {
    V::xor3(x.rotr::<17, 15>(), x.rotr::<19, 13>(), x.shr::<10>())
}

/// The eight working variables.
#[derive(Clone, Copy)]
struct State<V> {
    a: V,
    b: V,
    c: V,
    d: V,
    e: V,
    f: V,
    g: V,
    h: V,
}

impl<V: Lanes> State<V> {
    #[inline(always)]
    fn from_words(s: [V; 8]) -> Self {
        let [a, b, c, d, e, f, g, h] = s;
        State {
            a,
            b,
            c,
            d,
            e,
            f,
            g,
            h,
        }
    }

    #[inline(always)]
    fn words(self) -> [V; 8] {
        [
            self.a, self.b, self.c, self.d, self.e, self.f, self.g, self.h,
        ]
    }

    /// One SHA-256 round; `kw` is `K[i] + W[i]`.
    #[inline(always)]
    fn round(&mut self, kw: V) {
        let s = *self;
        let t1 = s.h + kw + V::ch(s.e, s.f, s.g) + big_sigma1(s.e);
        let t2 = big_sigma0(s.a) + V::maj(s.a, s.b, s.c);
        *self = State {
            a: t1 + t2,
            b: s.a,
            c: s.b,
            d: s.c,
            e: s.d + t1,
            f: s.e,
            g: s.f,
            h: s.g,
        };
    }

    /// Round `i`, with its schedule word from the window `w`.
    #[inline(always)]
    fn round_with(&mut self, w: &Window<V>, i: usize) {
        self.round(V::splat(K[i]) + w[i % 16]);
    }
}

/// The last sixteen schedule words: word `i` is at `i % 16`. A window
/// rather than all 64 words keeps the compiler's view of the schedule small
/// enough to live in registers and a few fixed stack slots.
type Window<V> = [V; 16];

/// Schedule word `i >= 16`, replacing word `i - 16` in the window.
#[inline(always)]
fn expand<V: Lanes>(w: &mut Window<V>, i: usize) {
    w[i % 16] = small_sigma1(w[(i - 2) % 16])
        + w[(i - 7) % 16]
        + small_sigma0(w[(i - 15) % 16])
        + w[i % 16];
}

/// `K` in blocks of sixteen: block `b` holds the constants of rounds
/// `16 * b .. 16 * b + 16`.
const K_BLOCKS: [[u32; 16]; 4] = groups(&K);

/// Rounds `16 * b .. 16 * b + 16` for each block `b` of `k_blocks`
/// (`b >= 1`), expanding the schedule as they go.
///
/// Unlike the unrolled rounds, this is a loop: one copy of sixteen rounds
/// serves every block. The rounds past the message's constant words gain
/// nothing from unrolling, and the fully unrolled search step is bigger
/// than the instruction and op caches; looping the uniform rounds keeps the
/// hot code small enough to stay in them. Within a block every window index
/// is still a constant, since the block starts at a multiple of sixteen.
#[inline(always)]
fn rounds_in_blocks<V: Lanes>(s: &mut State<V>, w: &mut Window<V>, k_blocks: &[[u32; 16]]) {
    for k in k_blocks {
        unroll!(j in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] {
            // Any `i` with `i % 16 == j` and `i >= 16` names the same slots.
            expand(w, 16 + j);
            s.round(V::splat(k[j]) + w[j]);
        });
    }
}

/// Lane-wise sum of two states: the feed-forward after a compression.
#[inline(always)]
fn add_states<V: Lanes>(x: [V; 8], y: [V; 8]) -> [V; 8] {
    let mut sum = x;
    for (s, y) in sum.iter_mut().zip(y) {
        *s = *s + y;
    }
    sum
}

/// The SHA-256 compression of `block` into `state`.
#[inline(always)]
fn compress<V: Lanes>(state: [V; 8], block: [V; 16]) -> [V; 8] {
    let mut w = block;
    let mut s = State::from_words(state);
    unroll!(i in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] {
        s.round_with(&w, i);
    });
    rounds_in_blocks(&mut s, &mut w, &K_BLOCKS[1..]);
    add_states(state, s.words())
}

/// Every word of a constant block as a vector, written out word by word:
/// `array::map` over sixteen words may be left out of line, and then the
/// compiler no longer sees which words are zero or constant.
#[inline(always)]
fn splat_block<V: Lanes>(block: &[u32; 16]) -> Window<V> {
    let mut w = [V::splat(0); 16];
    unroll!(i in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] {
        w[i] = V::splat(block[i]);
    });
    w
}

/// The message block of the second hash: `digest` and its padding.
#[inline(always)]
fn digest_block<V: Lanes>(digest: [V; 8]) -> Window<V> {
    let mut w = splat_block(&DIGEST_BLOCK);
    w[..8].copy_from_slice(&digest);
    w
}

/// The second hash of SHA-256d, whose message is `digest` and constant
/// padding: its state after round 60 if `UP_TO_ROUND_60`, else the final
/// state.
#[inline(always)]
fn hash_digest<V: Lanes, const UP_TO_ROUND_60: bool>(digest: [V; 8]) -> [V; 8] {
    let mut w = digest_block(digest);
    let iv = IV.map(V::splat);
    let mut s = State::from_words(iv);
    unroll!(i in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] {
        s.round_with(&w, i);
    });
    unroll!(i in [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] {
        expand(&mut w, i);
        s.round_with(&w, i);
    });
    unroll!(i in [32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47] {
        expand(&mut w, i);
        s.round_with(&w, i);
    });
    unroll!(i in [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60] {
        expand(&mut w, i);
        s.round_with(&w, i);
    });
    if UP_TO_ROUND_60 {
        return s.words();
    }
    unroll!(i in [61, 62, 63] {
        expand(&mut w, i);
        s.round_with(&w, i);
    });
    add_states(iv, s.words())
}

/// The last state word `H7` of the final hash of the job's header with each
/// lane's nonce.
///
/// The first hash starts at round 4 from the job's precomputed state (the
/// nonce is message word 3), and its schedule words 16 and 17 are
/// precomputed; what else depends only on the job the compiler hoists out
/// of the caller's loop. The second hash stops after round 60: rounds 61..=63
/// only move that round's `e` into `h`.
#[inline(always)]
fn last_state_word<V: Lanes>(job: &JobData, nonces: V) -> V {
    let w3 = nonces.swap_bytes();

    // Second block of the header: tail, nonce, 0x80, zeros, length 640.
    let mut w = splat_block(&HEADER_BLOCK);
    for (w, &tail) in w.iter_mut().zip(&job.tail) {
        *w = V::splat(tail);
    }
    w[3] = w3;

    let [a, b, c, _, e, f, g, _] = job.state3.map(V::splat);
    let mut s = State {
        a: V::splat(job.round3_a) + w3,
        b: a,
        c: b,
        d: c,
        e: V::splat(job.round3_e) + w3,
        f: e,
        g: f,
        h: g,
    };
    unroll!(i in [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] {
        s.round_with(&w, i);
    });

    let midstate = job.midstate.map(V::splat);
    if V::LOOP_LATE_ROUNDS {
        // Rounds 16..=63 of both hashes run as one loop of sixteen rounds,
        // entered twice; in between, the first hash's feed-forward and the
        // second hash's rounds 0..=15, whose constant padding words fold
        // away. The second hash runs to round 63, where `h` is the `e` of
        // round 60.
        let mut second_hash = false;
        loop {
            rounds_in_blocks(&mut s, &mut w, &K_BLOCKS[1..]);
            if second_hash {
                break;
            }
            second_hash = true;
            let digest = add_states(midstate, s.words());
            w = digest_block(digest);
            s = State::from_words(IV.map(V::splat));
            unroll!(i in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] {
                s.round_with(&w, i);
            });
        }
        return V::splat(IV[7]) + s.h;
    }

    w[0] = V::splat(job.w16);
    s.round_with(&w, 16);
    w[1] = V::splat(job.w17);
    s.round_with(&w, 17);
    unroll!(i in [18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] {
        expand(&mut w, i);
        s.round_with(&w, i);
    });
    unroll!(i in [32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47] {
        expand(&mut w, i);
        s.round_with(&w, i);
    });
    unroll!(i in [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63] {
        expand(&mut w, i);
        s.round_with(&w, i);
    });
    let digest = add_states(midstate, s.words());

    // After round 60 the state's `e` is the final `h`.
    let [_, _, _, _, final_h, _, _, _] = hash_digest::<V, true>(digest);
    V::splat(IV[7]) + final_h
}

/// The kernel contract's `scan`, `V::COUNT` nonces per step.
#[inline(always)]
pub(crate) fn scan<V: Lanes>(job: &JobData, start: u32, count: u64) -> Option<Candidates> {
    let mut lane_offsets = V::Array::default();
    for (offset, lane) in (0u32..).zip(lane_offsets.as_mut()) {
        *lane = offset;
    }
    let lane_offsets = V::from_array(lane_offsets);
    let bound = V::splat(job.target_top);
    scan_in_steps!(start, count, V::COUNT as u32, |first_nonce| {
        let h7 = last_state_word(job, V::splat(first_nonce) + lane_offsets);
        h7.swap_bytes().le_mask(bound)
    })
}

// Many messages of one length in lanes; after `unroll!`, which it uses.
mod many;
pub(crate) use many::hash_many;

/// Checks for a kernel's [`Lanes`] type, called from its own
/// `#[target_feature]` test functions.
#[cfg(test)]
pub(crate) mod checks {
    use super::Lanes;

    /// Test words: edge cases, then a pseudo-random sequence (xorshift32).
    /// Few enough to be quick in an interpreter (`.ci/miri.sh`).
    const WORDS: [u32; 64] = {
        let mut words = [0u32; 64];
        let edges = [
            0,
            1,
            2,
            0x7f,
            0x80,
            0xff,
            0x8000_0000,
            0x7fff_ffff,
            u32::MAX,
            u32::MAX - 1,
            0x0123_4567,
        ];
        let mut x = 0x9e37_79b9_u32;
        let mut i = 0;
        while i < 64 {
            words[i] = if i < edges.len() {
                edges[i]
            } else {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x
            };
            i += 1;
        }
        words
    };

    /// `COUNT` consecutive test words from `skip` on (wrapping), as a
    /// vector.
    fn vector<V: Lanes>(skip: usize) -> (V, V::Array) {
        let mut lanes = V::Array::default();
        for (i, lane) in lanes.as_mut().iter_mut().enumerate() {
            *lane = WORDS[(skip + i) % WORDS.len()];
        }
        (V::from_array(lanes), lanes)
    }

    /// Lane-wise `op` on `V` agrees with `expected` on `u32`, for every
    /// test word in each operand position.
    #[inline(always)]
    fn agree<V: Lanes>(
        name: &str,
        op: impl Fn(V, V, V) -> V,
        expected: impl Fn(u32, u32, u32) -> u32,
    ) {
        for skip in (0..WORDS.len()).step_by(V::COUNT) {
            let (x, xs) = vector::<V>(skip);
            let (y, ys) = vector::<V>(skip + 17);
            let (z, zs) = vector::<V>(skip + 41);
            let got = op(x, y, z).to_array();
            for (lane, &got) in got.as_ref().iter().enumerate() {
                let (x, y, z) = (xs.as_ref()[lane], ys.as_ref()[lane], zs.as_ref()[lane]);
                assert_eq!(got, expected(x, y, z), "{name}({x:#x}, {y:#x}, {z:#x})");
            }
        }
    }

    /// Every operation of `V` against the same on `u32`.
    #[inline(always)]
    pub(crate) fn lane_operations<V: Lanes>() {
        let (_, xs) = vector::<V>(0);
        assert_eq!(V::from_array(xs).to_array().as_ref(), xs.as_ref());
        assert!(V::splat(7).to_array().as_ref().iter().all(|&w| w == 7));
        agree::<V>("add", |x, y, _| x + y, |x, y, _| x.wrapping_add(y));
        agree::<V>("xor", |x, y, _| x ^ y, |x, y, _| x ^ y);
        agree::<V>("and", |x, y, _| x & y, |x, y, _| x & y);
        agree::<V>("or", |x, y, _| x | y, |x, y, _| x | y);
        agree::<V>("shr 3", |x, _, _| x.shr::<3>(), |x, _, _| x >> 3);
        agree::<V>("shr 10", |x, _, _| x.shr::<10>(), |x, _, _| x >> 10);
        agree::<V>("shl 7", |x, _, _| x.shl::<7>(), |x, _, _| x << 7);
        agree::<V>(
            "rotr 2",
            |x, _, _| x.rotr::<2, 30>(),
            |x, _, _| x.rotate_right(2),
        );
        agree::<V>(
            "rotr 25",
            |x, _, _| x.rotr::<25, 7>(),
            |x, _, _| x.rotate_right(25),
        );
        agree::<V>("xor3", |x, y, z| V::xor3(x, y, z), |x, y, z| x ^ y ^ z);
        agree::<V>("ch", |x, y, z| V::ch(x, y, z), |e, f, g| (e & f) ^ (!e & g));
        agree::<V>(
            "maj",
            |x, y, z| V::maj(x, y, z),
            |a, b, c| (a & b) ^ (a & c) ^ (b & c),
        );
        agree::<V>(
            "swap_bytes",
            |x, _, _| x.swap_bytes(),
            |x, _, _| x.swap_bytes(),
        );
        // The unsigned comparison, equal lanes included.
        for skip in (0..WORDS.len()).step_by(V::COUNT) {
            let (x, xs) = vector::<V>(skip);
            let (_, ys) = vector::<V>(skip + 1);
            for bound in [xs, ys] {
                let mask = x.le_mask(V::from_array(bound));
                for (lane, (&x, &bound)) in xs.as_ref().iter().zip(bound.as_ref()).enumerate() {
                    assert_eq!((mask >> lane) & 1 == 1, x <= bound, "{x:#x} <= {bound:#x}");
                }
                assert_eq!(mask >> V::COUNT, 0, "mask bits past the lanes");
            }
        }
    }
}
