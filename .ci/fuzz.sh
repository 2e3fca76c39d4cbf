#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for a fixed time (FUZZ_SECONDS, default
# 30 each: a smoke run that keeps CI short; run a target without a limit,
# `cargo +nightly fuzz run <target>`, for real fuzzing) with libFuzzer through cargo-fuzz. Needs a nightly toolchain;
# without one it says so and skips. A crash, a failed assertion (such as a
# kernel differing from scalar) or a hang fails the run; the input that did
# it is left in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzzing: SKIPPED, no nightly toolchain (rustup toolchain install nightly)"
    exit 0
fi
cargo +nightly --version
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
cargo fuzz --version

# Release code with debug assertions and overflow checks, under
# AddressSanitizer (cargo-fuzz's default).
cargo +nightly fuzz build --debug-assertions

root=$PWD
mapfile -t targets < <(cargo +nightly fuzz list)
if [ "${#targets[@]}" = 0 ]; then
    echo "error: no fuzz targets found" >&2
    exit 1
fi
summary=()
for target in "${targets[@]}"; do
    target_seconds=$seconds
    # sv2_work (Stratum V2 work from arbitrary job fields) compares no
    # kernels and runs over 10,000 inputs a second: half the time smokes
    # it, and keeps CI inside its budget.
    if [ "$target" = sv2_work ]; then
        target_seconds=$(((seconds + 1) / 2))
    fi
    printf '\n--- fuzz target %s: %s s\n' "$target" "$target_seconds"
    corpus="$root/fuzz/corpus/$target"
    mkdir -p "$corpus"
    seeds=()
    if [ -d "$root/fuzz/seeds/$target" ]; then
        seeds=("$root/fuzz/seeds/$target")
    fi
    log=$(mktemp)
    status=0
    cargo +nightly fuzz run --debug-assertions "$target" "$corpus" "${seeds[@]}" -- \
        -max_total_time="$target_seconds" -timeout=20 -print_final_stats=1 >"$log" 2>&1 || status=$?
    grep -m1 '^kernels compared' "$log" || true
    if [ "$status" != 0 ]; then
        tail -n 80 "$log"
        rm -f "$log"
        echo "FAILED: fuzz target $target (exit $status); input in fuzz/artifacts/$target/" >&2
        exit 1
    fi
    runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -n1)
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" || true
    echo "$target: ${runs:-no run count printed}"
    summary+=("$target: ${runs:-?}")
    rm -f "$log"
done

printf '\nfuzzing: no crash, no divergence\n'
printf '  %s\n' "${summary[@]}"
