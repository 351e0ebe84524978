#!/usr/bin/env bash
# Time to a verdict for each reference solution (notebooks/solutions/*.rs): `threadlab-grader
# check` with its defaults, three times each (the first may compile the submission), the
# report's duration_ms and the load average before each. For grader/BENCHMARKS.md.
#
#   grader/benches/reference_solutions.sh [SOLUTION.rs ...]
# Needs the release binary ($CARGO_TARGET_DIR/release/threadlab-grader, from build_release).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
grader="$CARGO_TARGET_DIR/release/threadlab-grader"
solutions=("$@")
[ ${#solutions[@]} -gt 0 ] || solutions=(notebooks/solutions/*.rs)
printf '| solution | verdict | runs | ms (1st / 2nd / 3rd) | load before |\n|---|---|---:|---|---|\n'
for solution in "${solutions[@]}"; do
    exercise=$(basename "$solution" .rs)
    times=() loads=() verdict="" runs=""
    for _ in 1 2 3; do
        loads+=("$(cut -d' ' -f1 /proc/loadavg)")
        report=$("$grader" check --exercise "$exercise" "$solution" --json || true)
        verdict=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["verdict"])' <<<"$report")
        runs=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"])' <<<"$report")
        times+=("$(python3 -c 'import json,sys; print(json.load(sys.stdin)["duration_ms"])' <<<"$report")")
    done
    printf '| %s | %s | %s | %s / %s / %s | %s |\n' "$solution" "$verdict" "$runs" "${times[@]}" "${loads[*]}"
done
