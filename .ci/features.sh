#!/usr/bin/env bash
# Each optional feature alone (on top of no default features), then all of
# them together: lints, the library's unit tests, and the integration tests
# written for the feature; then the downstream crate that uses every
# feature, built with warnings as errors and run.
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n--- %s ---\n' "$*"; }

# The unit tests per feature in the unoptimized dev profile: each feature set
# recompiles the crate, and the optimized test profile would make that the
# slowest part of CI; the tests themselves are small.
for feature in alloc std digest serde bitcoin; do
    section "feature $feature alone"
    cargo clippy --locked --no-default-features --features "$feature" --lib --tests -- -D warnings
    cargo test --locked --profile dev --no-default-features --features "$feature" --lib
done

section "feature bitcoin: every mainnet header through the bitcoin crate"
cargo test --locked --profile dev --no-default-features --features bitcoin --test bitcoin_interop

section "all features together"
# Lints and docs with every feature are .ci/run's clippy and doc stages;
# here the unit tests and the examples of the feature-gated items (the
# other examples run in the README's test command).
# With every feature: the names shared with the bitcoin crate, and HMAC and
# HKDF over the crate's hasher (RFC 4231 and 5869); `zeroize` is tested
# here only (its unit test is in the library's).
cargo test --locked --profile dev --all-features --lib --test bitcoin_interop \
    --test shared_names --test hmac_hkdf
cargo test --locked --profile dev --all-features --doc interop
if rustup toolchain list | grep -q '^nightly'; then
    # As docs.rs builds it: the doc(cfg) labels on feature-gated items.
    RUSTDOCFLAGS="--cfg docsrs -D warnings" CARGO_TARGET_DIR=target/docsrs \
        cargo +nightly doc --locked --no-deps --all-features
fi

section "downstream crate: every idiom and feature, -D warnings"
(cd tests/downstream && RUSTFLAGS="-D warnings" cargo run --locked)
