//! The nonce search with the first hash's message schedule computed by
//! AVX2 instead of SHA256MSG1/SHA256MSG2.
//!
//! The first hash's schedule depends only on the nonce, so the schedules of
//! a batch of eight nonces are computed at once with 256-bit integer
//! vectors (one nonce per lane) and stored, already added to the round
//! constants and paired as SHA256RNDS2 reads them; the rounds load each
//! pair from memory. This takes a dozen SHA256MSG2 per nonce off the SHA
//! unit, where each costs more than a SHA256RNDS2 slot (8 independent
//! SHA256RNDS2 take 8 cycles on AMD Zen 4, with 8 SHA256MSG2 beside them
//! 18.5), and leaves each stream only its two state registers during the
//! first hash.
//!
//! The vector work is spread between the rounds of the previous batch
//! (see `batch_scheduling_next`): vector shifts do not compete with
//! SHA256RNDS2 for execution pipes (8 SHA256RNDS2 and 16 YMM shifts take 8
//! cycles together, as each does alone), so most of it hides behind the
//! rounds. The second hash keeps SHA256MSG1/SHA256MSG2: its schedule
//! depends on the first digest, and computing it with AVX2 as well (after
//! transposing eight digests) doubled the vector work and measured slower.
//!
//! Measured on AMD Zen 4 (thread CPU time, best of 301 short runs on a
//! shared machine, MH/s): the SSE-only path 24.1; AVX2 schedule per batch
//! then rounds about 25; schedule interleaved with the first hash's rounds
//! 29.6, spread over both groups 30.9, over the second hash's rounds too
//! 33.3; second hash's schedule by AVX2 too 26.7.
//!
//! YMM and legacy SSE: the SHA instructions have only legacy encodings, so
//! they run while the schedule code has dirtied the upper YMM halves.
//! Bare-metal AMD Zen has no penalty for that. Intel CPUs with SHA-NI and
//! AVX2 (Ice Lake and later) add a merge to each legacy-SSE instruction in
//! that state, and on a KVM guest on AMD Zen 3 each switch took about
//! 115 ns: this path ran at 0.6 MH/s there, against 22-23 for the SSE-only
//! one. So it is not chosen by CPU model but by timing both paths once
//! (`fastest_path` in the parent module). A `vzeroupper` after every
//! schedule step would avoid the state, but LLVM treats it as clobbering
//! the XMM state registers too, and the spills around it made the kernel
//! 1.5 times slower on Zen 4. Keeping the schedule in VEX.128 registers
//! (two per eight lanes) avoids it as well, but doubles the vector
//! instructions: 10 MH/s on that Zen 3 guest, below the SSE-only path.
//! LLVM clears the upper halves before the kernel returns.

#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

use super::search::{ScanSetup, second_hash_last_rounds};
use super::streams::{
    HEADER_KW_PAIRS, State, load_words, rounds_2, rounds_2_same, rounds_from_table,
    scheduled_rounds_4, second_hash_to_round_15,
};
use crate::arch::job::{has_fixed_terms, varies_with_nonce};
use crate::arch::{Candidates, JobData, candidate_bits, scan_in_steps};
use crate::sha256::K;

/// Nonces per batch: one per 32-bit lane of a YMM register.
const LANES: usize = 8;

/// Nonces whose SHA256RNDS2 chains run side by side: a batch is hashed
/// in two groups.
const STREAMS: usize = LANES / 2;

/// Rows of the first hash's stored `K + W`: rounds 18..=63. Rounds 0..=3
/// are precomputed per job and the words of rounds 4..=17 do not depend on
/// the nonce.
const FIRST_ROWS: usize = 23;
/// Row of the first hash's round pair `2p, 2p + 1` is `p - FIRST_ROW_PAIR`.
const FIRST_ROW_PAIR: usize = 9;

/// The nonce-independent values the AVX2 path reads from the job.
struct ScheduleSetup<'a> {
    /// The first hash's fixed schedule terms ([`JobData::fixed_terms`]).
    first_fixed_terms: &'a [u32; 64],
    /// `K + W` of rounds 16 and 17 (both words nonce-independent), in the
    /// low lanes as SHA256RNDS2 reads them.
    kw_16_17: [u32; 4],
}

impl<'a> ScheduleSetup<'a> {
    fn new(job: &'a JobData) -> Self {
        let [kw16, kw17] = job.kw_16_17;
        ScheduleSetup {
            first_fixed_terms: &job.fixed_terms,
            kw_16_17: [kw16, kw17, 0, 0],
        }
    }
}

/// `K + W` of `R` round pairs for a batch of eight nonces. Slot `s` of a
/// row is the pair of the batch's nonce `s`: the two words SHA256RNDS2
/// reads from the low half of its `K + W` operand.
#[repr(C, align(32))]
struct KwRows<const R: usize>([[[u32; 2]; LANES]; R]);

impl<const R: usize> KwRows<R> {
    const fn new() -> Self {
        KwRows([[[0; 2]; LANES]; R])
    }
}

/// Nonce (slot) held by each vector lane. Interleaving two vectors with
/// `unpacklo`/`unpackhi` pairs lanes 0, 1, 4, 5 in the low 32 bytes and
/// 2, 3, 6, 7 in the high ones (the 256-bit unpacks work within 128-bit
/// halves); numbering the nonces in that order puts them in slot order.
const LANE_SLOTS: [usize; LANES] = [0, 1, 4, 5, 2, 3, 6, 7];

/// `σ0` of every lane.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1,avx,avx2")]
unsafe fn small_sigma0_x8(x: __m256i) -> __m256i {
    // SAFETY: AVX2 is enabled here.
    unsafe {
        let rotr7 = _mm256_xor_si256(_mm256_srli_epi32::<7>(x), _mm256_slli_epi32::<25>(x));
        let rotr18 = _mm256_xor_si256(_mm256_srli_epi32::<18>(x), _mm256_slli_epi32::<14>(x));
        _mm256_xor_si256(_mm256_xor_si256(rotr7, rotr18), _mm256_srli_epi32::<3>(x))
    }
}

/// `σ1` of every lane.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1,avx,avx2")]
unsafe fn small_sigma1_x8(x: __m256i) -> __m256i {
    // SAFETY: AVX2 is enabled here.
    unsafe {
        let rotr17 = _mm256_xor_si256(_mm256_srli_epi32::<17>(x), _mm256_slli_epi32::<15>(x));
        let rotr19 = _mm256_xor_si256(_mm256_srli_epi32::<19>(x), _mm256_slli_epi32::<13>(x));
        _mm256_xor_si256(_mm256_xor_si256(rotr17, rotr19), _mm256_srli_epi32::<10>(x))
    }
}

/// Schedule word `i >= 16` of every lane: the fixed terms plus those that
/// vary. Inlined with a constant `i`, the branches fold away.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1,avx,avx2")]
unsafe fn schedule_word(fixed: &[u32; 64], w: &[__m256i; 64], i: usize) -> __m256i {
    // SAFETY: AVX2 is enabled here, the target features of the callees.
    unsafe {
        // From word 34 on every term varies: no fixed sum to load and add.
        let mut sum = if has_fixed_terms(i) {
            Some(_mm256_set1_epi32(fixed[i] as i32))
        } else {
            None
        };
        if varies_with_nonce(i - 2) {
            sum = Some(add_to(sum, small_sigma1_x8(w[i - 2])));
        }
        if varies_with_nonce(i - 7) {
            sum = Some(add_to(sum, w[i - 7]));
        }
        if varies_with_nonce(i - 15) {
            sum = Some(add_to(sum, small_sigma0_x8(w[i - 15])));
        }
        if varies_with_nonce(i - 16) {
            sum = Some(add_to(sum, w[i - 16]));
        }
        // Every word from 18 on has a varying term: never `None`.
        sum.unwrap_or(_mm256_setzero_si256())
    }
}

/// `sum + x`, or `x` when there is no sum yet.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1,avx,avx2")]
unsafe fn add_to(sum: Option<__m256i>, x: __m256i) -> __m256i {
    match sum {
        // SAFETY: AVX2 is enabled here.
        Some(sum) => unsafe { _mm256_add_epi32(sum, x) },
        None => x,
    }
}

/// Stores `K + W` of rounds `2p` and `2p + 1` (words `w[2p]`, `w[2p + 1]`)
/// into `row`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1,avx,avx2")]
unsafe fn store_pair<const R: usize>(w: &[__m256i; 64], p: usize, out: &mut KwRows<R>, row: usize) {
    let i = 2 * p;
    let row = out.0[row].as_mut_ptr().cast::<__m256i>();
    // SAFETY: AVX2 is enabled here. A row is 64 bytes, 32-byte aligned
    // (`KwRows` is, and its rows are 64 bytes long): two aligned 32-byte
    // stores in bounds.
    unsafe {
        let kw_even = _mm256_add_epi32(w[i], _mm256_set1_epi32(K[i] as i32));
        let kw_odd = _mm256_add_epi32(w[i + 1], _mm256_set1_epi32(K[i + 1] as i32));
        _mm256_store_si256(row, _mm256_unpacklo_epi32(kw_even, kw_odd));
        _mm256_store_si256(row.add(1), _mm256_unpackhi_epi32(kw_even, kw_odd));
    }
}

/// Schedule words `2p` and `2p + 1`, then their `K + W` into `row`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1,avx,avx2")]
unsafe fn schedule_pair<const R: usize>(
    fixed: &[u32; 64],
    w: &mut [__m256i; 64],
    p: usize,
    out: &mut KwRows<R>,
    row: usize,
) {
    // SAFETY: this function's target features are those of the callees.
    unsafe {
        w[2 * p] = schedule_word(fixed, w, 2 * p);
        w[2 * p + 1] = schedule_word(fixed, w, 2 * p + 1);
        store_pair(w, p, out, row);
    }
}

/// The first hash's schedule words 0..=17 of the batch from `first`, as
/// far as the vector code reads them: only word 3, the nonce, varies.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1,avx,avx2")]
unsafe fn first_schedule_start(first: u32, w: &mut [__m256i; 64]) {
    let mut offsets = [0i32; LANES];
    for (offset, &slot) in offsets.iter_mut().zip(&LANE_SLOTS) {
        *offset = slot as i32;
    }
    // SAFETY: AVX2 is enabled here; the unaligned load reads exactly the
    // 32 bytes of `offsets`.
    unsafe {
        let offsets = _mm256_loadu_si256(offsets.as_ptr().cast());
        let nonces = _mm256_add_epi32(_mm256_set1_epi32(first as i32), offsets);
        // The nonce is stored little-endian: word 3 is its byte swap.
        let swap_bytes = _mm256_setr_epi8(
            3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10,
            9, 8, 15, 14, 13, 12,
        );
        w[3] = _mm256_shuffle_epi8(nonces, swap_bytes);
    }
}

/// The first hash's `K + W` of rounds 18..=63 for the batch from `first`,
/// in one go (the pipeline's first batch).
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1,avx,avx2")]
unsafe fn first_schedule(setup: &ScheduleSetup, first: u32, out: &mut KwRows<FIRST_ROWS>) {
    // SAFETY: this function's target features are those of the callees
    // and the intrinsic (AVX).
    unsafe {
        let mut w = [_mm256_setzero_si256(); 64];
        first_schedule_start(first, &mut w);
        macro_rules! pairs {
            ($($p:literal)+) => {
                $(schedule_pair::<FIRST_ROWS>(
                    setup.first_fixed_terms, &mut w, $p, out, $p - FIRST_ROW_PAIR,
                );)+
            };
        }
        pairs!(9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
    }
}

/// Two rounds on the `STREAMS` nonces from `slot0`, `K + W` from `row`.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1,avx,avx2")]
unsafe fn rounds_2_from(st: &mut [State; STREAMS], row: &[[u32; 2]; LANES], slot0: usize) {
    // SAFETY: SSE2 is enabled here.
    let mut wk = [unsafe { _mm_setzero_si128() }; STREAMS];
    for (wk, pair) in wk.iter_mut().zip(row.iter().skip(slot0)) {
        // SAFETY: SSE2 is enabled here; `pair` is 8 bytes, the size of this
        // load.
        *wk = unsafe { _mm_loadl_epi64(pair.as_ptr().cast()) };
    }
    // SAFETY: this function's target features include the callee's.
    unsafe { rounds_2(st, &wk) };
}

/// The first hash of the nonces `first + slot0..`, up to round 17: round 3
/// from the job, then the nonce-independent words.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1,avx,avx2")]
unsafe fn first_hash_to_round_17(
    setup: &ScanSetup,
    schedule: &ScheduleSetup,
    first: u32,
    slot0: usize,
) -> [State; STREAMS] {
    let mut st = [setup.after_round3; STREAMS];
    // SAFETY: this function's target features include those of the
    // intrinsics (SSE2) and the callees.
    unsafe {
        for (s, slot) in st.iter_mut().zip(slot0..) {
            let w3 = first.wrapping_add(slot as u32).swap_bytes();
            let w3 = _mm_cvtsi32_si128(w3 as i32);
            // [0, w3, 0, w3]: the nonce's share of E and A after round 3.
            s.abef = _mm_add_epi32(s.abef, _mm_shuffle_epi32::<0x11>(w3));
        }
        rounds_from_table(&mut st, &HEADER_KW_PAIRS);
        rounds_2_same(&mut st, load_words(&schedule.kw_16_17));
    }
    st
}

/// The batch from `first`, in two groups of `STREAMS` nonces: the first
/// hash from `kw`, then the second with SHA256MSG1/SHA256MSG2, with the
/// next batch's schedule computed into `next_kw` between the rounds;
/// returns the `H7`s.
///
/// The schedule pairs are spread over both groups' first and second
/// hashes, about one per three round pairs of the first hash and one per
/// two schedule groups of the second: giving the second hash more measured
/// slower (33.4 against 32.2 MH/s), as did putting them all in the first
/// hash's rounds.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1,avx,avx2")]
unsafe fn batch_scheduling_next(
    setup: &ScanSetup,
    schedule: &ScheduleSetup,
    first: u32,
    kw: &KwRows<FIRST_ROWS>,
    next_kw: &mut KwRows<FIRST_ROWS>,
) -> [u32; LANES] {
    let mut last = [0u32; LANES];
    // SAFETY: this function's target features include those of the
    // intrinsic (AVX) and of every callee.
    unsafe {
        let mut w = [_mm256_setzero_si256(); 64];
        first_schedule_start(first.wrapping_add(LANES as u32), &mut w);
        // `(row)` or `(row, pair)`: two rounds from `row`, after scheduling the
        // next batch's `pair`.
        macro_rules! first_hash_rounds {
            ($st:ident, $slot0:expr; $(($row:literal $(, $pair:literal)?))+) => {$(
                $(schedule_pair::<FIRST_ROWS>(
                    schedule.first_fixed_terms, &mut w, $pair, next_kw, $pair - FIRST_ROW_PAIR,
                );)?
                rounds_2_from(&mut $st, &kw.0[$row], $slot0);
            )+};
        }
        // `(group)` or `(group, pair)`: the second hash's schedule group and
        // four rounds, after scheduling the next batch's `pair`.
        macro_rules! second_hash_rounds {
            ($st:ident, $window:ident; $(($group:literal $(, $pair:literal)?))+) => {$(
                $(schedule_pair::<FIRST_ROWS>(
                    schedule.first_fixed_terms, &mut w, $pair, next_kw, $pair - FIRST_ROW_PAIR,
                );)?
                scheduled_rounds_4(&mut $st, &mut $window, $group);
            )+};
        }
        let mut st = first_hash_to_round_17(setup, schedule, first, 0);
        first_hash_rounds!(st, 0;
            (0, 9) (1) (2) (3, 10) (4) (5) (6, 11) (7) (8) (9, 12) (10) (11)
            (12, 13) (13) (14) (15, 14) (16) (17) (18, 15) (19) (20) (21, 16) (22));
        let (mut st, mut window) = second_hash_to_round_15(&st, &[setup.midstate; STREAMS]);
        second_hash_rounds!(st, window; (4) (5, 17) (6) (7, 18) (8) (9, 19) (10) (11, 20) (12) (13) (14));
        for (h7, &v) in last.iter_mut().zip(&second_hash_last_rounds(st, &window)) {
            *h7 = v;
        }
        let mut st = first_hash_to_round_17(setup, schedule, first, STREAMS);
        first_hash_rounds!(st, STREAMS;
            (0, 21) (1) (2) (3, 22) (4) (5) (6, 23) (7) (8) (9, 24) (10) (11)
            (12, 25) (13) (14) (15, 26) (16) (17) (18, 27) (19) (20) (21) (22));
        let (mut st, mut window) = second_hash_to_round_15(&st, &[setup.midstate; STREAMS]);
        second_hash_rounds!(st, window; (4) (5, 28) (6) (7, 29) (8) (9, 30) (10) (11, 31) (12) (13) (14));
        for (h7, &v) in last[STREAMS..]
            .iter_mut()
            .zip(&second_hash_last_rounds(st, &window))
        {
            *h7 = v;
        }
    }
    last
}

/// The kernel's `scan` on a CPU with AVX2: batches of eight nonces, each
/// hashed while the next one's first schedule is computed.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1,avx,avx2")]
pub(super) unsafe fn scan(job: &JobData, start: u32, count: u64) -> Option<Candidates> {
    // SAFETY: this function's target features include the callee's.
    let setup = unsafe { ScanSetup::new(job) };
    let schedule = ScheduleSetup::new(job);
    let mut kw = [KwRows::new(), KwRows::new()];
    // SAFETY: as above.
    unsafe { first_schedule(&schedule, start, &mut kw[0]) };
    let mut batch = 0u64;
    scan_in_steps!(start, count, LANES as u32, |first| {
        let [even, odd] = &mut kw;
        let (kw, next_kw) = if batch.is_multiple_of(2) {
            (&*even, odd)
        } else {
            (&*odd, even)
        };
        batch += 1;
        // SAFETY: the caller guarantees this function's instruction sets.
        let last = unsafe { batch_scheduling_next(&setup, &schedule, first, kw, next_kw) };
        candidate_bits(&last, job.target_top)
    })
}
