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
# The unit tests run, and every integration test compiles and links, in
# the unoptimized dev profile: an optimized build of the whole suite with a
# second toolchain would be the slowest stage of CI, and the suite runs
# optimized on the current toolchain in the README's test command.
cargo "+$msrv" test --locked --all-features --profile dev --lib --tests --no-run
cargo "+$msrv" test --locked --all-features --profile dev --lib
echo "MSRV $msrv: library built, unit tests passed, integration tests built"
