//! Every file of the corpus (`tests/grader/corpus/<exercise>/<case>.rs`, expected verdict in
//! its `// expect:` line) graded by the real pipeline — check, build against the cached
//! runtime, sandboxed child, judge — and compared with its expected verdict. Correct
//! solutions are graded with three seeds: a correct solution must never fail. Every failure
//! must explain itself, and a controlled-scheduling failure must replay exactly.
//!
//! `THREADLAB_CORPUS=fizz-buzz,foobar/std_` grades only the cases whose `exercise/file` name
//! contains one of the comma-separated parts (while iterating; the whole-corpus checks, such as
//! its size, apply to an unfiltered run only).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use threadlab_grader::cli::grade::{self, Options};
use threadlab_grader::cli::load;
use threadlab_grader::core::exercise::{self, Exercise};
use threadlab_grader::{Report, Verdict};

struct Case {
    exercise: &'static Exercise,
    path: PathBuf,
    expected: Verdict,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/grader/corpus")
}

/// The `THREADLAB_CORPUS` filter, if set.
fn filter() -> Option<Vec<String>> {
    let value = std::env::var("THREADLAB_CORPUS").ok()?;
    Some(value.split(',').map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect())
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus()).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    for dir in dirs {
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        let exercise =
            exercise::find(&id).unwrap_or_else(|| panic!("corpus directory {id} is not an exercise"));
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let expected = text
                .lines()
                .find_map(|l| l.strip_prefix("// expect:"))
                .unwrap_or_else(|| panic!("{} has no `// expect:` line", path.display()));
            let expected = Verdict::parse(expected)
                .unwrap_or_else(|| panic!("{}: unknown verdict `{}`", path.display(), expected.trim()));
            cases.push(Case { exercise, path, expected });
        }
    }
    if let Some(parts) = filter() {
        cases.retain(|case| parts.iter().any(|p| name(case).contains(p.as_str())));
        assert!(!cases.is_empty(), "THREADLAB_CORPUS={parts:?} selects no corpus case");
    }
    cases
}

/// Runs `work` on `jobs` threads, keeping the order of the items.
fn parallel<T: Sync, R: Send>(items: &[T], jobs: usize, work: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for slot in 0..jobs {
            let (next, results, work) = (&next, &results, &work);
            scope.spawn(move || {
                loop {
                    let i = {
                        let mut next = next.lock().unwrap();
                        let i = *next;
                        *next += 1;
                        i
                    };
                    let Some(item) = items.get(i) else { break };
                    let result = work(slot, item);
                    results.lock().unwrap()[i] = Some(result);
                }
            });
        }
    });
    results.into_inner().unwrap().into_iter().map(|r| r.unwrap()).collect()
}

fn grade_file(case: &Case, seed: u64, slot: usize, replay: Option<String>) -> Report {
    let source = load::load(&case.path.display().to_string()).unwrap();
    let options = Options { seed, slot, replay, ..Options::default() };
    grade::grade(case.exercise, &source, &options)
        .unwrap_or_else(|e| panic!("{}: the grader failed: {e}", case.path.display()))
}

fn name(case: &Case) -> String {
    format!("{}/{}", case.exercise.id, case.path.file_name().unwrap().to_string_lossy())
}

/// What a failing report must carry, beyond its verdict.
fn explains_itself(case: &Case, report: &Report) -> Result<(), String> {
    match report.verdict {
        Verdict::Pass => Ok(()),
        Verdict::Rejected | Verdict::CompileError => {
            if report.diagnostics.is_empty() {
                return Err("no diagnostics".into());
            }
            if report.verdict == Verdict::Rejected && report.diagnostics.iter().any(|d| d.line.is_none()) {
                return Err("a rejection without a line".into());
            }
            Ok(())
        }
        _ => {
            let failure = report.failure.as_ref().ok_or("no failure details")?;
            if failure.replay.is_empty() || failure.message.is_empty() || failure.expected.is_empty() {
                return Err("failure without message, expected output or replay string".into());
            }
            if report.verdict == Verdict::Deadlock
                && failure.threads.is_empty()
                && case.expected == Verdict::Deadlock
            {
                return Err("a deadlock without its blocked threads".into());
            }
            Ok(())
        }
    }
}

#[test]
fn every_corpus_case_gets_its_expected_verdict() {
    let cases = cases();
    let whole = filter().is_none();
    if whole {
        assert!(cases.len() >= 125, "the corpus shrank to {} cases", cases.len());
        for verdict in Verdict::ALL {
            assert!(cases.iter().any(|c| c.expected == verdict), "no corpus case expects {verdict}");
        }
    } else {
        println!("THREADLAB_CORPUS: grading {} of the corpus cases", cases.len());
    }
    let mut jobs: Vec<(&Case, u64)> = Vec::new();
    for case in &cases {
        let seeds: &[u64] = if case.expected == Verdict::Pass { &[1, 2, 3] } else { &[1] };
        jobs.extend(seeds.iter().map(|&seed| (case, seed)));
    }
    let reports = parallel(&jobs, 2, |slot, (case, seed)| grade_file(case, *seed, slot, None));

    let mut table = format!("{:48} {:15} {:15} {:>5} {:>7}\n", "case", "expected", "got", "seed", "ms");
    let mut problems = Vec::new();
    for ((case, seed), report) in jobs.iter().zip(&reports) {
        table.push_str(&format!(
            "{:48} {:15} {:15} {:>5} {:>7}\n",
            name(case),
            case.expected.name(),
            report.verdict.name(),
            seed,
            report.duration_ms
        ));
        if report.verdict != case.expected {
            problems.push(format!(
                "{} (seed {seed}): expected {}, got:\n{report}",
                name(case),
                case.expected
            ));
        } else if let Err(why) = explains_itself(case, report) {
            problems.push(format!("{}: {why}:\n{report}", name(case)));
        }
    }
    println!("{table}");
    assert!(problems.is_empty(), "{} problem(s):\n\n{}", problems.len(), problems.join("\n\n"));

    // A failure found under controlled scheduling replays exactly: same verdict, same output.
    let controlled: Vec<(&Case, &Report)> = jobs
        .iter()
        .zip(&reports)
        .filter_map(|((case, _), report)| {
            let failure = report.failure.as_ref()?;
            (failure.replay.starts_with("c1-") && failure.note.is_none()).then_some((*case, report))
        })
        .collect();
    assert!(!whole || controlled.len() >= 10, "only {} controlled failures to replay", controlled.len());
    let replays = parallel(&controlled, 2, |slot, (case, report)| {
        grade_file(case, 0, slot, Some(report.failure.as_ref().unwrap().replay.clone()))
    });
    for ((case, original), replay) in controlled.iter().zip(&replays) {
        let (a, b) = (original.failure.as_ref().unwrap(), replay.failure.as_ref());
        assert_eq!(Some(a.verdict), b.map(|f| f.verdict), "{}: the replay gave\n{replay}", name(case));
        assert_eq!(Some(&a.got), b.map(|f| &f.got), "{}: the replay printed something else", name(case));
        assert_eq!(replay.runs, 1, "{}: a replay is one run", name(case));
    }
}
