#!/usr/bin/env bash
# Sets up everything the tests need on a fresh machine, then runs every test suite.
# Usage: scripts/test.sh            (the README's test command; .ci/run calls it)
# The release binaries are built once and every suite below reuses them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/env.sh

started=$SECONDS
step() { printf '\n==> [%4ds] %s\n' "$((SECONDS - started))" "$*"; }
# A hung suite must fail with its name, not use up CI's whole budget: every suite has a limit
# (several times its usual duration on this 2-core machine).
limit() {
  local seconds="$1"; shift
  timeout --kill-after=30 "$seconds" "$@" || {
    local status=$?
    [[ $status -eq 124 || $status -eq 137 ]] && echo "error: '$*' took longer than ${seconds}s" >&2
    return "$status"
  }
}

step "system packages and Python environment"
scripts/setup-system.sh --browser
venv="$(scripts/setup-python.sh | tail -n 1)"

step "vendored evcxr is the published 0.22.0 plus THREADLAB.patch, nothing else"
limit 300 kernel/vendor/check-evcxr.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (workspace, all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "release binaries (kernel, grader): the build scripts/start.sh makes, reused by every step below"
build_release
export THREADLAB_KERNEL="$CARGO_TARGET_DIR/release/threadlab-kernel"
grader="$CARGO_TARGET_DIR/release/threadlab-grader"

step "threading: unit, integration and doc tests"
limit 1200 cargo test -p threading

step "threading: loom model checks"
LOOM_MAX_PREEMPTIONS=3 RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR="$CARGO_TARGET_DIR/loom" \
  limit 1200 cargo test -p threading --release --test loom

# Both crates' tests in one release build with the shared package set: its dependencies are the
# ones built above (testing the kernel alone resolved features differently and rebuilt most of
# evcxr and rust-analyzer; testing the grader in the dev profile built its dependencies again).
step "kernel and grader: unit, CLI, sandbox, corpus and in-process tests (release, on the build above)"
limit 2400 cargo test --release "${THREADLAB_RELEASE_PACKAGES[@]}"

step "vendored evcxr: its own unit tests, with threadlab's patch (about 15 s to build on the above)"
limit 600 cargo test --release -p evcxr --lib

step "grader: the notebooks' reference solutions pass"
for solution in notebooks/solutions/*.rs; do
  exercise="$(basename "$solution" .rs | tr _ -)"
  limit 300 "$grader" check --exercise "$exercise" "$solution"
done

step "classroom: the Gradescope autograder zip, the Kubernetes manifest and the Dockerfiles, with the real tools"
bash -n classroom/gradescope/setup.sh classroom/gradescope/run_autograder classroom/gradescope/make-autograder.sh
zipdir="$(mktemp -d)"
classroom/gradescope/make-autograder.sh "$zipdir/autograder.zip" print-in-order foobar zero-even-odd >/dev/null
python3 -m zipfile -l "$zipdir/autograder.zip" > "$zipdir/listing"
grep '^run_autograder ' "$zipdir/listing" >/dev/null
rm -rf "$zipdir"
"$venv/bin/kubernetes-validate" --strict classroom/kubernetes/grade-class.yaml
"$venv/bin/hadolint" classroom/containers/grader.Dockerfile classroom/containers/lab.Dockerfile

step "kernel over jupyter_client: jupyter_kernel_test suite and protocol tests"
limit 900 tests/kernel/run.sh

step "notebooks through nbclient"
limit 1200 tests/notebooks/run.sh

step "a learner's session in a real browser: JupyterLab driven by headless Chromium (Playwright)"
limit 600 tests/browser/run.sh

step "classroom: a real nbgrader cycle on the course template"
limit 900 tests/classroom/run.sh

step "all tests passed"
