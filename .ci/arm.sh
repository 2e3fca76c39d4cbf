#!/usr/bin/env bash
# ARM checks, on an x86-64 Debian machine:
# - the test suite for aarch64-unknown-linux-gnu under QEMU's user-mode
#   emulator, whose default CPU has the SHA-2 extension, so the ARMv8 SHA-2
#   and NEON kernels both run and are compared with the scalar reference;
# - the bare-metal firmware image (firmware/) built and linked for
#   thumbv7em-none-eabihf (scalar kernel) and aarch64-unknown-none with
#   +sha2 (SHA-2 kernel chosen at compile time), and for
#   aarch64-unknown-none-softfloat (no NEON, scalar kernel), then run under
#   QEMU.
#
# Uses Debian's Rust packages (the arm64 standard library, and the library
# source for -Zbuild-std), installing them when missing; the rustup
# toolchain stays the default for everything else. Needs root (or sudo) for
# apt-get. Speed under emulation means nothing: nothing here is timed.
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n=== %s ===\n' "$*"; }

if [ "$(uname -m)" != x86_64 ] || ! command -v dpkg >/dev/null; then
    echo "ARM checks: skipped, they need an x86-64 Debian host (this is $(uname -m))"
    exit 0
fi

packages=(
    rustc-web cargo-web libstd-rust-web-dev:arm64 rust-web-src lld-22
    gcc-aarch64-linux-gnu qemu-user-static
)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    section "installing ${missing[*]}"
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    # Only arm64 is added: Debian's armhf index is not needed (the 32-bit
    # target is bare metal, built from source with -Zbuild-std).
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        "${sudo[@]}" dpkg --add-architecture arm64
    fi
    "${sudo[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}"
fi

cargo=/usr/bin/cargo
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
# QEMU runs the test binaries with the arm64 glibc of Debian's multiarch
# packages. Giving it the cross toolchain's copy as well (`-L`) mixes two
# glibc builds, and thread spawns then hang.
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER=qemu-aarch64-static
"$RUSTC" --version
"$cargo" --version

section "aarch64-unknown-linux-gnu: test suite under QEMU"
# The library's unit tests and every integration test but `miner_cli` and
# `stratum_pool`, which build the `miner` example with the cargo that runs
# them and start it as a child process: from inside the emulated test that would be an x86-64
# build of the example and an arm64 program the host cannot start (QEMU
# here is not registered with binfmt_misc). Doc tests are left to the
# native run: each would be compiled and linked separately for the target,
# for little extra coverage of the kernels. The dispatch tests fail unless
# exactly the kernels in SHA256D_EXPECT_AVAILABLE are detected and pass
# their self-tests, and `Engine::best` picks SHA256D_EXPECT_KERNEL.
tests=()
for file in tests/*.rs; do
    name=$(basename "$file" .rs)
    case "$name" in
        miner_cli | stratum_pool) ;;
        *) tests+=(--test "$name") ;;
    esac
done
SHA256D_EXPECT_KERNEL=arm-sha2 SHA256D_EXPECT_AVAILABLE=scalar,neon,arm-sha2 \
    CARGO_TARGET_DIR=target/aarch64-deb \
    "$cargo" test --target aarch64-unknown-linux-gnu --lib "${tests[@]}"

firmware() {
    local target=$1
    shift
    RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=target/firmware "$cargo" build --release --locked \
        --manifest-path firmware/Cargo.toml --target "$target" \
        -Zbuild-std=core,compiler_builtins -Zbuild-std-features=compiler-builtins-mem "$@"
    # The same image ending with an exit system call, run as a smoke test.
    RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=target/firmware "$cargo" build --release --locked \
        --manifest-path firmware/Cargo.toml --target "$target" \
        -Zbuild-std=core,compiler_builtins -Zbuild-std-features=compiler-builtins-mem \
        --features qemu-exit "$@"
}

section "firmware: thumbv7em-none-eabihf (Cortex-M4F/M7, scalar kernel)"
firmware thumbv7em-none-eabihf
qemu-arm-static target/firmware/thumbv7em-none-eabihf/release/sha256d-firmware
echo "thumbv7em-none-eabihf firmware linked and ran: OK"

section "firmware: aarch64-unknown-none +sha2 (SHA-2 kernel chosen at compile time)"
RUSTFLAGS="-C target-feature=+sha2" firmware aarch64-unknown-none
qemu-aarch64-static target/firmware/aarch64-unknown-none/release/sha256d-firmware
echo "aarch64-unknown-none firmware linked and ran: OK"

section "firmware: aarch64-unknown-none-softfloat (no NEON: scalar kernel)"
firmware aarch64-unknown-none-softfloat
qemu-aarch64-static target/firmware/aarch64-unknown-none-softfloat/release/sha256d-firmware
echo "aarch64-unknown-none-softfloat firmware linked and ran: OK"
