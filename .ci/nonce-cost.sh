#!/usr/bin/env bash
# Instructions per nonce of both scalar forms (the default unrolled kernel
# and the `compact-scalar` build) on microcontroller-class cores, counted
# under QEMU's user-mode emulator: thumbv6m-none-eabi (Cortex-M0/M0+),
# thumbv7em-none-eabihf (Cortex-M4F/M7) and riscv32imc-unknown-none-elf
# (ESP32-C3 class). Times under emulation mean nothing; the count of
# executed instructions is exact.
#
# firmware/src/bin/nonce-cost.rs searches 256 nonces, then 512, calling a
# marker function before, between and after. QEMU logs every translated
# block once with its instructions (`-d in_asm`) and every execution of a
# block (`-d exec`; `nochain` makes each one return to the logging loop),
# so the instructions between two marks are the sum of the executed
# blocks' sizes. The cost of a nonce is (second - first) / 256, in which
# the set-up and each search's fixed cost cancel. This is the count QEMU's
# `insn` plugin gives (every instruction of an executed block, including
# Thumb IT-block instructions whose condition fails), without needing a
# plugin build: qemu-user-static is enough.
#
# Expects the rustup targets and qemu-user-static (.ci/targets.sh installs
# them). Usage: .ci/nonce-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/nonce-cost
mkdir -p "$out"

# build TARGET FORM: builds the counting image, prints its path.
build() {
    local target=$1 form=$2 args=(--release)
    [ "$form" = compact ] && args=(--profile small --features compact-scalar)
    CARGO_TARGET_DIR=target/firmware cargo build --quiet --locked \
        --manifest-path firmware/Cargo.toml --target "$target" \
        --bin nonce-cost --features qemu-exit "${args[@]}" >&2
    local profile=release
    [ "$form" = compact ] && profile=small
    echo "target/firmware/$target/$profile/nonce-cost"
}

# count QEMU IMAGE LOG: runs the image with the trace, prints the
# instructions per nonce.
count() {
    local qemu=$1 image=$2 log=$3
    "$qemu" -d in_asm,exec,nochain -D "$log" "$image"
    python3 - "$log" <<'PY'
import sys

MARK = "sha256d_nonce_cost_mark"
NONCES = 256
sizes = {}  # block start address -> instructions, from its latest translation
listing = False  # inside an `IN:` listing
block = None  # start address of the block being listed
executed = 0
marks = []
with open(sys.argv[1], errors="replace") as log:
    for line in log:
        if line.startswith("IN:"):
            listing, block = True, None
        elif listing and line.startswith("0x"):
            # 0xADDRESS:  ENCODING  MNEMONIC OPERANDS
            address = int(line.split(":", 1)[0], 16)
            if block is None:
                block = address
                sizes[block] = 0
            sizes[block] += 1
        elif line.startswith("Trace "):
            # Trace CPU: HOST [TB-FLAGS/PC/CS-BASE/CFLAGS] SYMBOL
            listing = False
            inside, symbol = line.split("[", 1)[1].split("]", 1)
            address = int(inside.split("/")[1], 16)
            if symbol.strip() == MARK:
                marks.append(executed)
            executed += sizes[address]
        else:
            listing = False
if len(marks) != 3:
    sys.exit(f"expected 3 marks in the trace, found {len(marks)}")
first, second = marks[1] - marks[0], marks[2] - marks[1]
print(f"{(second - first) / NONCES:.0f}")
PY
}

printf '%-30s %-8s %s\n' target form instructions/nonce
for target in thumbv6m-none-eabi thumbv7em-none-eabihf riscv32imc-unknown-none-elf; do
    qemu=qemu-arm-static
    [[ $target == riscv32* ]] && qemu=qemu-riscv32-static
    for form in unrolled compact; do
        image=$(build "$target" "$form")
        per_nonce=$(count "$qemu" "$image" "$out/$target-$form.log")
        rm -f "$out/$target-$form.log"
        printf '%-30s %-8s %s\n' "$target" "$form" "$per_nonce"
    done
done
