# Shared settings for the project's scripts (sourced, not run).
# Build output lives outside the clone so that repeated runs on one machine (CI included)
# reuse it; cargo's fingerprints keep it correct.
export THREADLAB_CACHE="${THREADLAB_CACHE:-$HOME/.cache/threadlab}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$THREADLAB_CACHE/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
mkdir -p "$THREADLAB_CACHE"

# The release build every script shares (start.sh, test.sh, CI): one package set, so that cargo
# resolves features once. Building the kernel alone would resolve them differently (the grader
# turns on proc-macro2's `span-locations`, clap's `wrap_help`, ...), and the next build of the
# other set would recompile most of the tree. `cargo test --release` with the same set reuses
# this build too.
THREADLAB_RELEASE_PACKAGES=(-p threadlab-kernel -p threadlab-grader)
build_release() { cargo build --release "${THREADLAB_RELEASE_PACKAGES[@]}" "$@"; }

# The kernel binary the Python suites test: THREADLAB_KERNEL if set, else the release build above;
# exported as THREADLAB_KERNEL, or an error that says how to build it.
release_kernel() {
  local kernel="${THREADLAB_KERNEL:-$CARGO_TARGET_DIR/release/threadlab-kernel}"
  if [ ! -x "$kernel" ]; then
    echo "no kernel binary at $kernel: run 'source scripts/env.sh && build_release' first" >&2
    return 1
  fi
  export THREADLAB_KERNEL="$kernel"
}
