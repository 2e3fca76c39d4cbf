#!/usr/bin/env bash
# What crates.io would get: `cargo publish --dry-run` packages the crate
# and builds the package on its own (the verify step), without uploading.
# Then the size limit: the `.crate` file stays at most 300 KB (the large
# test vectors are left out by `exclude` in Cargo.toml; the tests that
# need them say they skip when run from the package).
set -euo pipefail
cd "$(dirname "$0")/.."

limit=300000
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
# Where cargo leaves the `.crate` differs between versions (a dry run of
# publish puts it under target/package/tmp-crate/ on recent ones): remove
# old ones, then take the one this run writes.
find target/package -name "sha256d-$version.crate" -delete 2>/dev/null || true

# Uncommitted changes are packaged too, so a local run checks the tree as
# it is; CI runs on a clean checkout.
cargo publish --dry-run --locked --allow-dirty

crate=$(find target/package -name "sha256d-$version.crate" | head -n1)
if [ -z "$crate" ]; then
    echo "cargo publish --dry-run left no sha256d-$version.crate under target/package" >&2
    exit 1
fi
size=$(stat -c %s "$crate")
files=$(tar tzf "$crate" | wc -l)
echo "$crate: $size bytes, $files files (limit $limit bytes)"
if [ "$size" -gt "$limit" ]; then
    echo "the package is larger than $limit bytes; its largest files:" >&2
    tar tvzf "$crate" | sort -k3 -n -r | head -n 10 >&2
    exit 1
fi
# The vectors Cargo.toml leaves out must really be out, and the tests'
# list of them must match Cargo.toml's.
for vector in $(sed -n 's|^    "/tests/vectors/\(.*\)",$|\1|p' Cargo.toml); do
    if tar tzf "$crate" | grep -q "tests/vectors/$vector\$"; then
        echo "tests/vectors/$vector is in the package" >&2
        exit 1
    fi
    grep -q "\"$vector\"" tests/common/mod.rs || {
        echo "tests/common/mod.rs does not list $vector as unpackaged" >&2
        exit 1
    }
done
echo "package: OK"
