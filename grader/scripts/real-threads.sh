#!/usr/bin/env bash
# A corpus solution's failure rate on real `std` threads, outside the grader: the learner's file
# (its `std` paths untouched) plus a small driver, compiled with plain rustc (release), runs
# RUNS times with every start order and n in {1..7, 10} in turn, as the grader's plan does.
# Nothing is injected and nothing is controlled: this is what "run it many times" finds.
#
#   grader/scripts/real-threads.sh EXERCISE FILE RUNS
#   grader/scripts/real-threads.sh print-in-order tests/grader/corpus/print-in-order/std_lost_wakeup_atomic_flag.rs 100000
#
# Prints `runs R failed F (wrong W, hung H) seconds S`. A run whose threads have not all ended
# 2 s after it started counts as hung; the driver then exits (its threads cannot be stopped)
# and is started again for the runs left.
set -euo pipefail
exercise=$1 file=$2 runs=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case $exercise in
print-in-order)
    roles=3 make='crate::Foo::new()' expected='["first".to_string(), "second".into(), "third".into()].to_vec()'
    call='match role { 0 => s.first(|| push("first".into())), 1 => s.second(|| push("second".into())), _ => s.third(|| push("third".into())) }'
    ;;
foobar)
    roles=2 make='crate::FooBar::new(n)' expected='(0..2 * n).map(|i| if i % 2 == 0 { "foo" } else { "bar" }.to_string()).collect()'
    call='match role { 0 => s.foo(|| push("foo".into())), _ => s.bar(|| push("bar".into())) }'
    ;;
zero-even-odd)
    roles=3 make='crate::ZeroEvenOdd::new(n)' expected='(1..=n).flat_map(|k| [0, k]).map(|k| k.to_string()).collect()'
    call='match role { 0 => s.zero(|k| push(k.to_string())), 1 => s.even(|k| push(k.to_string())), _ => s.odd(|k| push(k.to_string())) }'
    ;;
*) echo "unknown exercise $exercise" >&2; exit 2 ;;
esac

{
    grep -v '^fn main' "$file"
    cat <<RUST

fn main() {
    use std::sync::{mpsc, Arc, Mutex};
    use std::time::Duration;
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    let (first, last) = (args[0], args[1]);
    fn perms(k: usize) -> Vec<Vec<usize>> {
        if k == 0 { return vec![vec![]]; }
        let mut out = Vec::new();
        for p in perms(k - 1) {
            for at in 0..=p.len() { let mut q = p.clone(); q.insert(at, k - 1); out.push(q); }
        }
        out
    }
    let orders = perms($roles);
    let sizes = [1usize, 2, 3, 4, 5, 6, 7, 10];
    let mut wrong = 0;
    for run in first..last {
        let order = orders[run % orders.len()].clone();
        let n = sizes[(run / orders.len()) % sizes.len()];
        let s = Arc::new($make);
        let out = Arc::new(Mutex::new(Vec::<String>::new()));
        let (done_tx, done_rx) = mpsc::channel();
        for role in order.clone() {
            let (s, out, done_tx) = (s.clone(), out.clone(), done_tx.clone());
            std::thread::spawn(move || {
                let push = |t: String| out.lock().unwrap().push(t);
                let _ = n;
                $call;
                let _ = done_tx.send(());
            });
        }
        for _ in 0..order.len() {
            if done_rx.recv_timeout(Duration::from_secs(2)).is_err() {
                println!("{} {wrong} hung", run + 1);
                std::process::exit(3);
            }
        }
        let expected: Vec<String> = $expected;
        if *out.lock().unwrap() != expected {
            wrong += 1;
        }
    }
    println!("{last} {wrong} done");
}
RUST
} > "$work/main.rs"
rustc --edition=2024 -O -C debuginfo=0 -A warnings -o "$work/main" "$work/main.rs"

start=$(date +%s.%N)
done_runs=0 wrong=0 hung=0
while (( done_runs < runs )); do
    read -r reached w how < <("$work/main" "$done_runs" "$runs" || true)
    wrong=$((wrong + w))
    [[ $how == hung ]] && hung=$((hung + 1))
    done_runs=$reached
done
printf "runs %d failed %d (wrong %d, hung %d) seconds %s\n" "$runs" $((wrong + hung)) "$wrong" "$hung" "$(awk -v a="$start" -v b="$(date +%s.%N)" "BEGIN { printf \"%.1f\", b - a }")"
