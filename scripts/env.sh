# Shared settings for the project's scripts (sourced, not run).
# Build output lives outside the clone so that repeated runs on one machine (CI included)
# reuse it; cargo's fingerprints keep it correct.
export THREADLAB_CACHE="${THREADLAB_CACHE:-$HOME/.cache/threadlab}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$THREADLAB_CACHE/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
mkdir -p "$THREADLAB_CACHE"
