#!/usr/bin/env bash
# Gradescope runs this once, as root, on its Ubuntu image when the autograder is built:
# build tools, Rust through rustup, then threadlab-grader from the sources in this zip, and
# its runtime cache warmed so that the first submission does not pay for it.
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
RUST_VERSION="$(cat "$SOURCE/rust-version")"

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends build-essential ca-certificates curl pkg-config

export RUSTUP_HOME="$ROOT/rustup" CARGO_HOME="$ROOT/cargo"
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
    | sh -s -- -y --profile minimal --default-toolchain "$RUST_VERSION" --no-modify-path
export PATH="$CARGO_HOME/bin:$PATH"

export THREADLAB_CACHE="$ROOT/cache" THREADLAB_WORKSPACE="$SOURCE/threadlab"
export CARGO_TARGET_DIR="$ROOT/cache/target"
cargo build --release --locked --manifest-path "$SOURCE/threadlab/Cargo.toml" -p threadlab-grader
mkdir -p "$ROOT/bin"
cp "$CARGO_TARGET_DIR/release/threadlab-grader" "$ROOT/bin/"

cat > "$SOURCE/env" <<ENV
export RUSTUP_HOME="$RUSTUP_HOME" CARGO_HOME="$CARGO_HOME" PATH="$CARGO_HOME/bin:\$PATH"
export THREADLAB_CACHE="$THREADLAB_CACHE" THREADLAB_WORKSPACE="$THREADLAB_WORKSPACE"
export CARGO_TARGET_DIR="$CARGO_TARGET_DIR"
ENV

# Warm the runtime cache (built once with cargo, ~30 s) with the reference solutions; with
# authored exercises this also builds the grader that includes them.
# shellcheck source=authored.sh
. "$SOURCE/authored.sh"
authored_args_for "$SOURCE"
for reference in "$SOURCE"/reference/*.rs; do
    id="$(basename "$reference" .rs)"; id="${id//_/-}"
    "$ROOT/bin/threadlab-grader" "${authored_args[@]+"${authored_args[@]}"}" \
        check -e "$id" "$reference" --repeat 1 > /dev/null
done
