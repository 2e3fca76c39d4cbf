#!/usr/bin/env bash
# The minimum supported Rust version is a promise CI keeps: install the
# toolchain named by `rust-version` in Cargo.toml and build and test the
# library with it, every feature on, resolving exactly the committed
# Cargo.lock (`--locked`: the dev-dependencies must also build there).
set -euo pipefail
cd "$(dirname "$0")/.."

msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
if [ -z "$msrv" ]; then
    echo "no rust-version in Cargo.toml" >&2
    exit 1
fi
echo "MSRV from Cargo.toml: $msrv"
rustup toolchain install "$msrv" --profile minimal
rustc "+$msrv" --version

# A separate target directory, so the MSRV build neither reuses nor
# invalidates the main build's artifacts.
export CARGO_TARGET_DIR=target/msrv

cargo "+$msrv" build --locked --lib --no-default-features
cargo "+$msrv" build --locked --lib --all-features
# Unit tests, doctests and every integration test but the miner CLI's
# (it drives the release-mode example for minutes; the main run covers it).
tests=()
for file in tests/*.rs; do
    name=$(basename "$file" .rs)
    [ "$name" = miner_cli ] || tests+=(--test "$name")
done
cargo "+$msrv" test --locked --all-features --lib "${tests[@]}"
cargo "+$msrv" test --locked --all-features --doc
echo "MSRV $msrv: library built and tested"
