#!/usr/bin/env bash
# The AVX-512 kernels, run where no AVX-512 CPU is at hand: in Miri, the
# Rust interpreter, which executes the x86 SIMD intrinsics (the AVX-512
# ones included) lane by lane. The crate is built with AVX-512F and
# AVX-512VL as compile-time target features; under Miri, cpufeatures answers
# from those, so detection offers both AVX-512 kernels (and SSE4.1 and
# AVX2, which they imply; SHA-NI is not enabled).
#
# This checks the arithmetic, not the instruction encoding or speed: the
# lane operations of each SIMD type against u32 arithmetic; the kernel
# harness's raw candidate masks and batches for the two AVX-512 kernels
# (fewer cases than natively); and through the public API that exactly the
# expected kernels pass their self-tests (genesis nonce, an all-ones target,
# a 19-message batch) and that best() picks avx512 among them. Machines with
# AVX-512 run every suite natively.
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n=== %s ===\n' "$*"; }

toolchain=${MIRI_TOOLCHAIN:-nightly}
if ! cargo "+$toolchain" miri --version >/dev/null 2>&1; then
    section "installing Miri ($toolchain)"
    if ! rustup toolchain install "$toolchain" --profile minimal --component miri,rust-src; then
        echo "SKIPPED: Miri could not be installed; the AVX-512 kernels were not run" >&2
        exit 0
    fi
fi
cargo "+$toolchain" miri --version

export RUSTFLAGS="-C target-feature=+avx512f,+avx512vl"
# Test vectors are read from files.
export MIRIFLAGS="-Zmiri-disable-isolation"
export CARGO_TARGET_DIR=target/miri-avx512

section "Miri: lane operations of every SIMD kernel against u32"
cargo "+$toolchain" miri test --lib -- lane_operations truth_tables

section "Miri: the kernel harness (raw candidate masks, batch) on the AVX-512 kernels"
SHA256D_TEST_KERNELS=avx512,avx512vl cargo "+$toolchain" miri test --lib -- \
    arch::tests::raw_candidates_equal_the_top_word_filter \
    arch::tests::batch_equals_portable_sha256d_for_every_count

section "Miri: kernel self-tests and choice with AVX-512F and AVX-512VL"
SHA256D_EXPECT_AVAILABLE=scalar,sse41,avx2,avx512vl,avx512 SHA256D_EXPECT_KERNEL=avx512 \
    cargo "+$toolchain" miri test --test dispatch -- --exact \
    exactly_the_pinned_kernels_are_available best_is_the_pinned_kernel
