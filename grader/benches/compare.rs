//! The grader against naive harnesses, on the corpus, in one run.
//!
//! * **ours**: the default plan (controlled scheduling with PCT and random walks, or OS chaos
//!   for code on `std::sync`/atomics/channels), seed 1;
//! * **naive**: the same threads, start orders and `n`, repeated as many times as our
//!   controlled plan, on real threads with no schedule control and no injected delays;
//! * **leetcode**: every start order once per `n`, real threads, nothing injected (how
//!   LeetCode judges these problems).
//!
//! All three run in the same sandboxed pipeline (check, cached build, child, judge), so the
//! difference is only in the schedules; the times in the table are the run stage's (the
//! build is the same for all three, and cached after the first). Then: time to a verdict for
//! a correct submission, all stages, with a cold build cache (a submission never seen) and a
//! warm one (seen before).
//!
//! `cargo bench -p threadlab-grader --bench compare` (add `-- --quick` for a third of the
//! corpus).
//!
//! `cargo bench -p threadlab-grader --bench compare -- --std` instead: for the corpus's
//! `std`-only cases (`std_*.rs`), runs to detection of each wrong one — ours over 20 seeds
//! against naive repetition (the same plan on real threads, 5 seeds) and the LeetCode-style
//! one run per order — and time to a verdict for each right one.

use std::path::{Path, PathBuf};
use std::time::Instant;
use threadlab_grader::cli::grade::{self, Options};
use threadlab_grader::cli::load;
use threadlab_grader::core::exercise::{self, Exercise};
use threadlab_grader::core::plan::{self, Mode};
use threadlab_grader::{Report, Verdict};

struct Case {
    exercise: &'static Exercise,
    path: PathBuf,
    expected: Verdict,
}

fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/grader/corpus");
    let mut cases = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    for dir in dirs {
        let exercise = exercise::find(&dir.file_name().unwrap().to_string_lossy()).unwrap();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let expected =
                text.lines().find_map(|l| l.strip_prefix("// expect:")).and_then(Verdict::parse).unwrap();
            cases.push(Case { exercise, path, expected });
        }
    }
    cases
}

fn grade(case: &Case, options: &Options) -> Report {
    let source = load::load(&case.path.display().to_string()).unwrap();
    grade::grade(case.exercise, &source, options).unwrap()
}

#[derive(Default)]
struct Tally {
    caught: usize,
    exact: usize,
    false_fails: usize,
    fail_ms: Vec<u64>,
    pass_ms: Vec<u64>,
}

impl Tally {
    fn add(&mut self, case: &Case, report: &Report) {
        let ms = run_ms(report);
        if case.expected == Verdict::Pass {
            self.pass_ms.push(ms);
            if report.verdict != Verdict::Pass {
                self.false_fails += 1;
            }
        } else {
            if report.verdict != Verdict::Pass {
                self.caught += 1;
                self.fail_ms.push(ms);
            }
            if report.verdict == case.expected {
                self.exact += 1;
            }
        }
    }
}

/// The run stage's time (the whole time for verdicts decided before running).
fn run_ms(report: &Report) -> u64 {
    report.timings.as_ref().map(|t| t.run_ms).unwrap_or(report.duration_ms)
}

fn median(values: &mut [u64]) -> u64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs to detection for the wrong `std` cases, and time to a verdict for the right ones.
fn std_cases(all: &[Case]) {
    let std_only: Vec<&Case> =
        all.iter().filter(|c| c.path.file_name().unwrap().to_string_lossy().starts_with("std_")).collect();
    println!(
        "| case | expected | ours: seeds missed (of 20) | mean runs to failure | most runs | naive: seeds caught (of 5) | naive: mean runs to failure | leetcode (one run per order) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for case in std_only.iter().filter(|c| c.expected != Verdict::Pass) {
        let ours: Vec<Report> =
            (1..=20).map(|seed| grade(case, &Options { seed, ..Options::default() })).collect();
        let found: Vec<usize> = ours.iter().filter(|r| r.verdict != Verdict::Pass).map(|r| r.runs).collect();
        let repeat = plan::default_repeat(case.exercise, Mode::Controlled);
        let naive: Vec<Report> = (1..=5)
            .map(|seed| {
                grade(
                    case,
                    &Options { seed, mode: Some(Mode::Naive), repeat: Some(repeat), ..Options::default() },
                )
            })
            .collect();
        let naive_found: Vec<usize> =
            naive.iter().filter(|r| r.verdict != Verdict::Pass).map(|r| r.runs).collect();
        let leetcode =
            grade(case, &Options { mode: Some(Mode::Naive), repeat: Some(1), ..Options::default() });
        let mean = |runs: &[usize]| {
            if runs.is_empty() {
                "—".to_string()
            } else {
                format!("{:.1}", runs.iter().sum::<usize>() as f64 / runs.len() as f64)
            }
        };
        let name = format!("{}/{}", case.exercise.id, case.path.file_name().unwrap().to_string_lossy());
        println!(
            "| `{name}` | {} | {} | {} | {} | {} | {} | {} |",
            case.expected.name(),
            20 - found.len(),
            mean(&found),
            found.iter().max().copied().unwrap_or(0),
            naive_found.len(),
            mean(&naive_found),
            leetcode.verdict.name()
        );
    }
    println!("\nload average after runs to detection: {}", load());
    println!("\n| right `std` solution | cold: ms (check + build + run) | warm: ms | runs |");
    println!("|---|---|---|---|");
    for case in std_only.iter().filter(|c| c.expected == Verdict::Pass) {
        let text = std::fs::read_to_string(&case.path).unwrap();
        let (mut cold, mut warm, mut runs) = (Vec::new(), Vec::new(), 0);
        for round in 0..3 {
            let unique = format!("{text}\n// bench {} {round}\n", std::process::id());
            let source = load::Source::from_text("bench.rs", &unique);
            let started = Instant::now();
            let first = grade::grade(case.exercise, &source, &Options::default()).unwrap();
            cold.push(started.elapsed().as_millis() as u64);
            assert_eq!(first.verdict, Verdict::Pass, "{}", case.path.display());
            let started = Instant::now();
            let again = grade::grade(case.exercise, &source, &Options::default()).unwrap();
            warm.push(started.elapsed().as_millis() as u64);
            runs = again.runs;
        }
        let name = format!("{}/{}", case.exercise.id, case.path.file_name().unwrap().to_string_lossy());
        println!("| `{name}` | {} | {} | {runs} |", median(&mut cold), median(&mut warm));
    }
    println!("\nload average at the end: {}", load());
}

fn main() {
    if std::env::args().any(|a| a == "--std") {
        println!("load average at start {}", load());
        std_cases(&cases());
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("machine: {cores} cores, load average at start {}", load());
    let all = cases();
    // Rejected and non-compiling cases never reach a schedule: they would only pad the table.
    let runtime: Vec<&Case> = all
        .iter()
        .filter(|c| !matches!(c.expected, Verdict::Rejected | Verdict::CompileError))
        .enumerate()
        .filter(|(i, _)| !quick || i % 3 == 0)
        .map(|(_, c)| c)
        .collect();
    let wrong = runtime.iter().filter(|c| c.expected != Verdict::Pass).count();
    let correct = runtime.len() - wrong;
    println!("corpus: {} cases with a run-time verdict ({wrong} wrong, {correct} correct)\n", runtime.len());
    println!(
        "{:44} {:15} | {:15} {:>6} | {:15} {:>6} | {:15} {:>6}",
        "case", "expected", "ours", "ms", "naive", "ms", "leetcode", "ms"
    );

    let (mut ours, mut naive, mut leetcode) = (Tally::default(), Tally::default(), Tally::default());
    for case in &runtime {
        let repeat = plan::default_repeat(case.exercise, Mode::Controlled);
        let a = grade(case, &Options::default());
        // The naive harness gets the whole plan, with no time budget.
        let b = grade(case, &Options { mode: Some(Mode::Naive), repeat: Some(repeat), ..Options::default() });
        let c = grade(case, &Options { mode: Some(Mode::Naive), repeat: Some(1), ..Options::default() });
        ours.add(case, &a);
        naive.add(case, &b);
        leetcode.add(case, &c);
        let name = format!("{}/{}", case.exercise.id, case.path.file_name().unwrap().to_string_lossy());
        println!(
            "{:44} {:15} | {:15} {:>6} | {:15} {:>6} | {:15} {:>6}",
            name,
            case.expected.name(),
            a.verdict.name(),
            run_ms(&a),
            b.verdict.name(),
            run_ms(&b),
            c.verdict.name(),
            run_ms(&c)
        );
    }
    println!(
        "\n| harness | bugs caught (of {wrong}) | exact verdict | false fails (of {correct}) | median run-stage ms to a failure | median run-stage ms to a pass |"
    );
    println!("|---|---|---|---|---|---|");
    for (name, tally) in [
        ("ours", &mut ours),
        ("naive (same runs)", &mut naive),
        ("leetcode (one run per order)", &mut leetcode),
    ] {
        println!(
            "| {name} | {} | {} | {} | {} | {} |",
            tally.caught,
            tally.exact,
            tally.false_fails,
            median(&mut tally.fail_ms),
            median(&mut tally.pass_ms)
        );
    }

    println!("\nload average after the comparison: {}", load());

    // Time to a verdict for a correct submission: cold (never compiled) and warm (cached).
    println!("\n| submission | cold: ms (build + run) | warm: ms (run) |");
    println!("|---|---|---|");
    for case in all.iter().filter(|c| c.expected == Verdict::Pass).filter(|c| {
        let name = c.path.file_name().unwrap().to_string_lossy();
        name == "condition.rs" || name == "std_mutex_condvar.rs"
    }) {
        let text = std::fs::read_to_string(&case.path).unwrap();
        let (mut cold, mut warm) = (Vec::new(), Vec::new());
        for round in 0..3 {
            // A comment nobody wrote before makes the source new to the build cache.
            let unique = format!("{text}\n// bench {} {round}\n", std::process::id());
            let source = load::Source::from_text("bench.rs", &unique);
            let started = Instant::now();
            let first = grade::grade(case.exercise, &source, &Options::default()).unwrap();
            cold.push(started.elapsed().as_millis() as u64);
            assert_eq!(first.verdict, Verdict::Pass);
            let started = Instant::now();
            let again = grade::grade(case.exercise, &source, &Options::default()).unwrap();
            warm.push(started.elapsed().as_millis() as u64);
            assert!(again.timings.as_ref().is_some_and(|t| t.build_cached));
        }
        let name = format!("{}/{}", case.exercise.id, case.path.file_name().unwrap().to_string_lossy());
        println!("| {name} | {} | {} |", median(&mut cold), median(&mut warm));
    }
    println!("\nload average at the end: {}", load());
}
