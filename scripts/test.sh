#!/usr/bin/env bash
# Sets up everything the tests need on a fresh machine, then runs every test suite.
# Usage: scripts/test.sh            (the README's test command; .ci/run calls it)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/env.sh

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "threading: unit, integration and doc tests"
cargo test -p threading

step "threading: loom model checks"
LOOM_MAX_PREEMPTIONS=3 RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR="$CARGO_TARGET_DIR/loom" \
  cargo test -p threading --release --test loom

echo
echo "All tests passed."
