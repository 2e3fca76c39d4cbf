#!/usr/bin/env bash
# Kernel dispatch on x86-64 CPUs we do not have. QEMU user mode emulates a
# CPU model and raises SIGILL on any instruction the model lacks, so the test
# binaries, built once for the baseline x86-64 target, run under:
#
#   qemu64   no SSE4.1          -> scalar
#   Nehalem  SSE4.1, no AVX     -> sse41
#   Haswell  AVX2, no SHA-NI    -> avx2
#
# and natively, where the expected kernels follow /proc/cpuinfo. (QEMU's
# emulator has neither SHA-NI nor AVX-512, so sha-ni, avx512vl and avx512
# run natively only, where the CPU and OS offer them; `.ci/miri.sh` runs
# the AVX-512 kernels in an interpreter.) For each run the dispatch tests
# check the chosen kernel, the exact set of available kernels (everything
# else must be refused with Error::KernelUnavailable) and the compression
# behind plain hashing (sha-ni where available, else scalar), and the
# equivalence suites compare every available kernel and compression path
# with scalar.
# A probe that executes one unchecked instruction of each set must die with
# SIGILL exactly where the model lacks the set: proof that the emulator
# really enforces the model.
# The full suites run under emulation too: they take seconds there.
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n=== %s ===\n' "$*"; }

if [ "$(uname -m)" != x86_64 ]; then
    echo "emulated x86-64 CPUs: skipped, host is $(uname -m)"
    exit 0
fi

QEMU=qemu-x86_64-static
if ! command -v "$QEMU" >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        section "installing qemu-user-static"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static
    else
        echo "error: $QEMU not found; install it (Debian: apt-get install qemu-user-static)" >&2
        exit 1
    fi
fi
"$QEMU" --version | head -n1

section "building test binaries"
# Baseline x86-64 code only: flags such as target-cpu=native would make the
# binaries themselves fault on the older models.
if [[ "${RUSTFLAGS:-}" == *target-cpu* || "${RUSTFLAGS:-}" == *target-feature* ]]; then
    echo "error: RUSTFLAGS=$RUSTFLAGS would not run on every emulated CPU" >&2
    exit 1
fi
mapfile -t binaries < <(
    cargo test --no-run --message-format=json |
        python3 -c '
import json, sys
for line in sys.stdin:
    try:
        msg = json.loads(line)
    except ValueError:
        continue
    if msg.get("reason") == "compiler-artifact" and msg.get("executable") and msg["profile"]["test"]:
        print(msg["target"]["name"] + " " + msg["executable"])
'
)
dispatch=""
for entry in "${binaries[@]}"; do
    [ "${entry%% *}" = dispatch ] && dispatch=${entry#* }
done
if [ -z "$dispatch" ] || [ "${#binaries[@]}" -lt 3 ]; then
    echo "error: test binaries not found (got: ${binaries[*]:-none})" >&2
    exit 1
fi
printf 'test binary: %s\n' "${binaries[@]%% *}"

# Runs a command; exit status 132 (128 + SIGILL) is reported as such.
# QEMU's notices about host-only features of a model (TSX, x2APIC...) that
# its emulator leaves out are dropped: they repeat for every thread.
run() {
    local status=0
    "$@" 2> >(grep -v "warning: TCG doesn't support requested feature" >&2) || status=$?
    if [ "$status" = 132 ]; then
        echo "FAILED: SIGILL (illegal instruction) from: $*" >&2
    fi
    return "$status"
}

# check MODEL EXPECTED_KERNELS: the whole suite, then the SIGILL probes.
# MODEL "native" runs without the emulator.
check() {
    # Engine::best times the kernels on x86: any of them but scalar (unless
    # it is alone) may win.
    local model=$1 kernels=$2 best=${2#scalar,}
    local runner=("$QEMU" -cpu "$model")
    [ "$model" = native ] && runner=()
    section "CPU model $model: expected kernels $kernels, best $best"
    for entry in "${binaries[@]}"; do
        local name=${entry%% *} exe=${entry#* }
        # The miner CLI and pool tests run the example as a child process,
        # which the user-mode emulator does not follow: they would only test
        # the host.
        if { [ "$name" = miner_cli ] || [ "$name" = stratum_pool ] || [ "$name" = stratum_v2_pool ]; } &&
            [ "$model" != native ]; then
            echo "--- $model: $name skipped (its child processes run natively)"
            continue
        fi
        # The hostile-pool tests exercise the miner's network side, which
        # no CPU model changes; the README's test command runs them.
        if [ "$name" = hostile_pool ]; then
            echo "--- $model: $name skipped (network side only)"
            continue
        fi
        echo "--- $model: $name"
        SHA256D_EXPECT_KERNEL=$best SHA256D_EXPECT_AVAILABLE=$kernels \
            run "${runner[@]}" "$exe" --quiet
    done
    # Say what the library chose (search kernel and the compression of plain
    # hashing), in the library's own words.
    SHA256D_EXPECT_KERNEL=$best SHA256D_EXPECT_AVAILABLE=$kernels \
        run "${runner[@]}" "$dispatch" --exact best_is_an_available_kernel \
        --nocapture --quiet 2>&1 | grep 'best:' | sed "s/^/$model: /"

    for set in sse41 avx2 avx512vl avx512 sha-ni; do
        local status=0
        # In a subshell whose stderr is dropped, so that the shell's own
        # "Illegal instruction" notice does not look like a failure.
        (
            SHA256D_PROBE=$set "${runner[@]}" "$dispatch" --ignored --exact \
                probe_instruction_set --quiet >/dev/null 2>&1
            exit $?
        ) 2>/dev/null || status=$?
        if [[ ",$kernels," == *",$set,"* ]]; then
            if [ "$status" != 0 ]; then
                echo "FAILED: $model should run $set instructions, probe exited $status" >&2
                return 1
            fi
            echo "$model: $set instruction ran"
        else
            if [ "$status" != 132 ]; then
                echo "FAILED: $model lacks $set, yet the probe exited $status, not SIGILL" >&2
                return 1
            fi
            echo "$model: $set instruction raised SIGILL, as it must"
        fi
    done
}

native="scalar"
cpu_flags=$(grep -m1 '^flags' /proc/cpuinfo)
has() { [[ " $cpu_flags " == *" $1 "* ]]; }
has sse4_1 && native+=",sse41"
has avx && has avx2 && native+=",avx2"
# In Kernel::ALL order.
has avx && has avx2 && has avx512f && has avx512vl && native+=",avx512vl"
has avx512f && native+=",avx512"
has sha_ni && has sse4_1 && native+=",sha-ni"
echo "native CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"

check native "$native"
check qemu64 scalar
check Nehalem scalar,sse41
check Haswell scalar,sse41,avx2

section "emulated CPUs: every model chose the kernel it allows; no SIGILL"
