#!/usr/bin/env bash
# The public API snapshot: every public item's signature and every trait
# implementation, all features on, listed by .ci/api_snapshot.py from
# rustdoc's JSON output and compared with the committed
# .ci/public-api.txt. Any change to the API shows up as a diff here, to be
# committed on purpose with `bash .ci/api.sh --bless`.
#
# rustdoc's JSON output is unstable and its format changes between
# nightlies, so the snapshot is taken with the pinned toolchain of
# `rust-version` (installed by .ci/msrv.sh), with RUSTC_BOOTSTRAP=1 to
# allow the unstable flag: the same format on every machine and every day.
# Nothing to install but that toolchain (and python3, standard on Debian).
set -euo pipefail
cd "$(dirname "$0")/.."

toolchain=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
rustup toolchain install "$toolchain" --profile minimal >/dev/null 2>&1 || true
export CARGO_TARGET_DIR=target/api
RUSTC_BOOTSTRAP=1 cargo "+$toolchain" rustdoc --locked --lib --all-features -q \
    -- -Z unstable-options --output-format json
python3 .ci/api_snapshot.py target/api/doc/sha256d.json >target/api/public-api.txt

if [ "${1:-}" = "--bless" ]; then
    cp target/api/public-api.txt .ci/public-api.txt
    echo "wrote .ci/public-api.txt ($(wc -l <.ci/public-api.txt) lines)"
    exit 0
fi
if ! diff -u .ci/public-api.txt target/api/public-api.txt; then
    echo "the public API differs from .ci/public-api.txt (above: - committed, + now);" >&2
    echo "if the change is meant, run 'bash .ci/api.sh --bless' and commit the file" >&2
    exit 1
fi
echo "public API unchanged ($(wc -l <.ci/public-api.txt) lines)"
