#!/usr/bin/env bash
# Every target the crate supports, from an x86-64 Debian host:
#
# - no_std library builds with -D warnings, default and `compact-scalar`:
#   thumbv6m-none-eabi, thumbv7em-none-eabihf, riscv32imc-unknown-none-elf,
#   riscv32imac-unknown-none-elf, wasm32-unknown-unknown,
#   aarch64-unknown-none, aarch64-unknown-none-softfloat (no SIMD kernels);
# - std library check for powerpc-unknown-linux-gnu, a 32-bit target
#   without 64-bit atomics (the threaded search must build there);
# - the library and integration tests with `compact-scalar`, natively;
# - the library and integration tests for i686-unknown-linux-gnu, natively
#   (32-bit x86 kernels included), and for s390x-unknown-linux-gnu
#   (big-endian) and aarch64-unknown-linux-gnu (NEON and SHA-2 kernels)
#   under QEMU user mode. Benches and doc tests stay with the native run;
# - the firmware images (firmware/): built for thumbv6m, thumbv7em and
#   riscv32imc in the default (unrolled) and compact forms and for
#   aarch64-unknown-none (+sha2) and aarch64-unknown-none-softfloat, run
#   under QEMU, their sizes printed; a compact image over 12 KiB of .text
#   on thumbv6m or riscv32imc fails the run;
# - instructions per nonce of both scalar forms (.ci/nonce-cost.sh).
#
# Installs what it needs (rustup targets and the llvm-tools component,
# Debian's cross linkers and qemu-user-static) and fails, naming it, for
# anything it cannot install: nothing is skipped silently. Needs root or
# sudo for apt-get. Prints how long each stage took.
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n=== %s ===\n' "$*"; }

stage_names=()
stage_seconds=()
stage_started=0
stage() {
    stage_end
    section "$*"
    stage_names+=("$*")
    stage_started=$SECONDS
}
stage_end() {
    if [ "${#stage_names[@]}" -gt "${#stage_seconds[@]}" ]; then
        local took=$((SECONDS - stage_started))
        stage_seconds+=("$took")
        echo "--- stage took ${took} s"
    fi
}
summary() {
    stage_end
    section "stage times"
    local i
    for i in "${!stage_names[@]}"; do
        printf '%6s s  %s\n' "${stage_seconds[$i]}" "${stage_names[$i]}"
    done
    printf '%6s s  total\n' "$SECONDS"
}

if [ "$(uname -m)" != x86_64 ] || ! command -v dpkg >/dev/null; then
    echo "error: .ci/targets.sh needs an x86-64 Debian host (this is $(uname -m))" >&2
    exit 1
fi

no_std_targets=(
    thumbv6m-none-eabi thumbv7em-none-eabihf
    riscv32imc-unknown-none-elf riscv32imac-unknown-none-elf
    wasm32-unknown-unknown aarch64-unknown-none aarch64-unknown-none-softfloat
)
rust_targets=(
    "${no_std_targets[@]}"
    i686-unknown-linux-gnu s390x-unknown-linux-gnu aarch64-unknown-linux-gnu
    powerpc-unknown-linux-gnu
)
# i686: the cross linker, and the 32-bit C library and libgcc of the host
# (amd64 packages) that run the binaries natively. gcc-multilib would do
# the linking too, but Debian lets it coexist with no cross compiler.
debian_packages=(
    gcc-i686-linux-gnu libc6-i386 lib32gcc-s1
    gcc-s390x-linux-gnu gcc-aarch64-linux-gnu
    qemu-user-static python3
)

stage "install: rustup targets, llvm-tools, Debian packages"
rustc --version
failed=()
for target in "${rust_targets[@]}"; do
    rustup target add "$target" >/dev/null 2>&1 || failed+=("rustup target $target")
done
rustup component add llvm-tools >/dev/null 2>&1 || failed+=("rustup component llvm-tools")
missing=()
for package in "${debian_packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]}"
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -q >/dev/null || true
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null || true
    for package in "${missing[@]}"; do
        dpkg -s "$package" >/dev/null 2>&1 || failed+=("Debian package $package")
    done
fi
if [ "${#failed[@]}" -gt 0 ]; then
    printf 'error: cannot install %s\n' "${failed[@]}" >&2
    exit 1
fi
llvm_bin="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"
llvm_size=$llvm_bin/llvm-size
[ -x "$llvm_size" ] || { echo "error: $llvm_size missing" >&2; exit 1; }
echo "all targets and tools present: ${rust_targets[*]}"

stage "no_std library builds (-D warnings): default and compact-scalar"
for target in "${no_std_targets[@]}"; do
    for features in "" compact-scalar; do
        echo "--- $target ${features:-(default)}"
        RUSTFLAGS="-D warnings" cargo build --quiet --lib --no-default-features \
            --features "$features" --target "$target"
    done
done

stage "powerpc-unknown-linux-gnu (no 64-bit atomics): std library check"
RUSTFLAGS="-D warnings" cargo check --quiet --lib --target powerpc-unknown-linux-gnu
RUSTFLAGS="-D warnings" cargo check --quiet --lib --target powerpc-unknown-linux-gnu \
    --no-default-features
echo "powerpc-unknown-linux-gnu: std and no_std library check clean"

# Kernels this x86 CPU runs, as .ci/emulated-cpus.sh computes them.
native="scalar"
cpu_flags=$(grep -m1 '^flags' /proc/cpuinfo)
has() { [[ " $cpu_flags " == *" $1 "* ]]; }
has sse4_1 && native+=",sse41"
has avx && has avx2 && native+=",avx2"
has avx && has avx2 && has avx512f && has avx512vl && native+=",avx512vl"
has avx512f && native+=",avx512"
has sha_ni && has sse4_1 && native+=",sha-ni"

# Integration tests to run under QEMU (and with `compact-scalar`): all but
# `miner_cli`, `stratum_pool` and `hostile_pool`, which start the `miner`
# example as a child process that the user-mode emulator does not follow
# (the example would be built for and run on the host).
qemu_tests=(--lib)
for file in tests/*.rs; do
    name=$(basename "$file" .rs)
    case "$name" in miner_cli | stratum_pool | hostile_pool) ;; *) qemu_tests+=(--test "$name") ;; esac
done

stage "compact-scalar: library and integration tests, natively"
# The rolled code in every portable path; the SIMD kernels are compared
# with it. (The CLI tests build the example without the feature.)
cargo test --features compact-scalar "${qemu_tests[@]}"

stage "i686-unknown-linux-gnu: library and integration tests, natively (kernels $native)"
# CARGO_BUILD_TARGET rather than --target, so that the `miner` example the
# CLI tests build with the same cargo is an i686 binary too.
CARGO_BUILD_TARGET=i686-unknown-linux-gnu \
    CARGO_TARGET_I686_UNKNOWN_LINUX_GNU_LINKER=i686-linux-gnu-gcc \
    SHA256D_EXPECT_KERNEL=${native#scalar,} SHA256D_EXPECT_AVAILABLE=$native \
    cargo test --lib --tests

stage "s390x-unknown-linux-gnu (big-endian): library and integration tests under QEMU"
CARGO_TARGET_S390X_UNKNOWN_LINUX_GNU_LINKER=s390x-linux-gnu-gcc \
    CARGO_TARGET_S390X_UNKNOWN_LINUX_GNU_RUNNER="qemu-s390x-static -L /usr/s390x-linux-gnu" \
    SHA256D_EXPECT_KERNEL=scalar SHA256D_EXPECT_AVAILABLE=scalar \
    cargo test --target s390x-unknown-linux-gnu "${qemu_tests[@]}"

stage "aarch64-unknown-linux-gnu: library and integration tests under QEMU"
# QEMU's default AArch64 CPU has the SHA-2 extension: both ARM kernels run
# and are compared with scalar; the dispatch tests require exactly these.
# Linked statically: with Debian 12's qemu-aarch64 (7.2) and AArch64 cross
# C library, dynamically linked programs hang as soon as they start a
# thread (the guest loops inside pthread_create); static ones run.
CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C target-feature=+crt-static" \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64-static" \
    SHA256D_EXPECT_KERNEL=arm-sha2 SHA256D_EXPECT_AVAILABLE=scalar,neon,arm-sha2 \
    cargo test --target aarch64-unknown-linux-gnu "${qemu_tests[@]}"

# firmware TARGET FORM [cargo args...]: builds the image (as flashed) and
# the same image ending with an exit system call, runs the latter under
# QEMU and prints the size of the former.
size_limit=$((12 * 1024))
sizes=()
firmware() {
    local target=$1 form=$2
    shift 2
    local args=(--release) profile=release
    if [ "$form" = compact ]; then
        args=(--profile small --features compact-scalar)
        profile=small
    fi
    local build=(cargo build --quiet --locked --manifest-path firmware/Cargo.toml
        --target "$target" --bin sha256d-firmware "${args[@]}" "$@")
    CARGO_TARGET_DIR=target/firmware "${build[@]}"
    local image=target/firmware/$target/$profile/sha256d-firmware
    local text
    text=$("$llvm_size" -A "$image" | awk '$1 == ".text" { print $2 }')
    local total
    total=$("$llvm_size" -B "$image" | awk 'NR == 2 { print $1 }')
    sizes+=("$(printf '%-32s %-9s %7s %7s' "$target" "$form" "$text" "$total")")
    # The exit system call goes into a separate directory, so that the
    # measured image stays as built.
    CARGO_TARGET_DIR=target/firmware-qemu "${build[@]}" --features qemu-exit
    local qemu=qemu-arm-static
    case $target in
        aarch64*) qemu=qemu-aarch64-static ;;
        riscv32*) qemu=qemu-riscv32-static ;;
    esac
    "$qemu" "target/firmware-qemu/$target/$profile/sha256d-firmware"
    echo "$target $form firmware: ran under QEMU, every answer right; .text $text bytes"
    if [ "$form" = compact ] && [[ $target == thumbv6m* || $target == riscv32imc* ]] &&
        [ "$text" -gt "$size_limit" ]; then
        echo "error: $target compact firmware .text is $text bytes, over $size_limit" >&2
        exit 1
    fi
}

stage "firmware images: build, run under QEMU, size"
for target in thumbv6m-none-eabi thumbv7em-none-eabihf riscv32imc-unknown-none-elf; do
    firmware "$target" unrolled
    firmware "$target" compact
done
RUSTFLAGS="-C target-feature=+sha2" firmware aarch64-unknown-none unrolled
firmware aarch64-unknown-none-softfloat unrolled
echo
echo "firmware sizes in bytes (size -A .text; size -B text = .text + .rodata + other read-only):"
printf '%-32s %-9s %7s %7s\n' target form .text text
printf '%s\n' "${sizes[@]}"

stage "instructions per nonce under QEMU (.ci/nonce-cost.sh)"
bash .ci/nonce-cost.sh

summary
