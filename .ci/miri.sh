#!/usr/bin/env bash
# The library's unit tests that run its `unsafe` code, under Miri (nightly),
# which checks every memory access, alignment and pointer use of the kernels
# against Rust's rules while interpreting them.
#
# What runs (x86-64):
# - `arch::` - the kernel harness: every kernel's raw candidates against
#   the plain top-word filter, its scan contract and its 64-byte batch, for
#   scalar, sse41, avx2, sha-ni and sha-ni without its AVX2 schedule (the
#   unaligned loads and stores, the lane masks and the tails of every SIMD
#   kernel); the job precomputation; the compact scalar search against the
#   unrolled one;
# - `sha256::` - the SHA-256 core's tables and the rolled compression
#   against the unrolled one.
# The harness uses fewer and shorter inputs under `cfg(miri)`.
#
# What Miri cannot run, and how this script deals with it:
# - CPU feature detection: CPUID and XGETBV are inline assembly. The
#   kernels' instruction sets are enabled at compile time instead
#   (-C target-feature), so that `cpufeatures` answers without asking the
#   CPU and every x86 kernel is "detected". (Miri emulates the SSE4.1,
#   AVX2 and SHA intrinsics these kernels use.)
# - The SHA-NI kernel's scheduling barrier, an empty `asm!`: compiled out
#   under `cfg(miri)` (it changes instruction order, never a value).
# - The AArch64 NEON and SHA-2 kernels: not run here (see docs/targets.md);
#   they are tested under QEMU by .ci/targets.sh.
# - The integration tests and the threaded search: correct under Miri but
#   hours long (they hash millions of nonces); they run natively.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
rustup component add miri rust-src --toolchain nightly
cargo +nightly miri --version
cargo +nightly miri setup >/dev/null

if [ "$(uname -m)" != x86_64 ]; then
    echo "error: .ci/miri.sh runs the x86-64 kernels and needs an x86-64 host" >&2
    exit 1
fi

# Miri interprets on one host thread, so the tests of each phase run as
# separate processes, one per core, under cargo-nextest when it is there.
jobs=$(nproc 2>/dev/null || echo 2)
miri_tests() {
    local filter=$1
    shift
    if cargo nextest --version >/dev/null 2>&1; then
        cargo +nightly miri nextest run --lib --no-fail-fast -j "$jobs" -E "$filter"
    else
        echo "cargo-nextest not found: running the tests one after another"
        cargo +nightly miri test --lib -- "$@"
    fi
}

# Strict provenance: no pointer may be made from a plain integer.
MIRIFLAGS="-Zmiri-strict-provenance" \
    RUSTFLAGS="-C target-feature=+sse4.1,+avx2,+sha" \
    miri_tests 'test(/^(arch|sha256)::/)' arch:: sha256::
echo "Miri: kernel and SHA-256 core unit tests passed in $((SECONDS - started)) s"

# The AVX-512 kernels, on a build that enables AVX-512F and VL at compile
# time (Miri emulates their intrinsics; CI machines may lack them): every
# lane operation of every SIMD kernel against `u32` arithmetic, the kernel
# harness narrowed to the two AVX-512 kernels. (Their self-tests through
# `Engine` took over 15 minutes in Miri and are left to CPUs with AVX-512.)
started=$SECONDS
export CARGO_TARGET_DIR=target/miri-avx512
MIRIFLAGS="-Zmiri-disable-isolation" RUSTFLAGS="-C target-feature=+avx512f,+avx512vl" \
    SHA256D_TEST_KERNELS=avx512,avx512vl miri_tests \
    'test(/lane_operations|truth_tables/) | test(=arch::tests::raw_candidates_equal_the_top_word_filter) | test(/^arch::tests::many_messages_equal_the_portable_/)' \
    lane_operations truth_tables \
    arch::tests::raw_candidates_equal_the_top_word_filter \
    arch::tests::many_messages_equal_the_portable_
echo "Miri: AVX-512 kernels passed in $((SECONDS - started)) s"
