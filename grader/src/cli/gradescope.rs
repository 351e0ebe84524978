//! Gradescope: the autograder's `results.json` (typed, defined once) and grading the folder
//! a student submitted (`threadlab-grader gradescope`), one test per exercise.
//!
//! Points per exercise, as the nbgrader template gives them (`classroom/README.md`):
//! [`FULL_POINTS`] (10) when the solution passes every schedule the grader tries; otherwise
//! [`NAIVE_POINTS`] (3) when it gives the right output with real threads and nothing
//! injected (LeetCode's standard, `Mode::Naive`); otherwise 0.

use crate::cli::batch::{self, Job, Row};
use crate::cli::grade::Options;
use crate::cli::gradebook::Entry;
use crate::core::exercise::Exercise;
use crate::core::plan::Mode;
use serde::{Deserialize, Serialize, Serializer};
use std::path::Path;
use std::time::Instant;

/// Points for a solution that passes the full check.
pub const FULL_POINTS: f64 = 10.0;
/// Points for one that passes only with real threads and nothing injected.
pub const NAIVE_POINTS: f64 = 3.0;

/// Who sees a result, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Never shown to the student.
    Hidden,
    /// After the due date.
    AfterDueDate,
    /// After the grades are published.
    AfterPublished,
    /// At once.
    Visible,
}

/// A test's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Full points.
    Passed,
    /// Anything less.
    Failed,
}

/// Points as Gradescope shows them: `10`, not `10.0`, when whole.
fn points<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

/// One test of `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Test {
    /// Its name.
    pub name: String,
    /// Points earned.
    #[serde(serialize_with = "points")]
    pub score: f64,
    /// Points possible.
    #[serde(serialize_with = "points")]
    pub max_score: f64,
    /// `passed` or `failed`.
    pub status: Status,
    /// The grader's report.
    pub output: String,
    /// Who sees it.
    pub visibility: Visibility,
    /// Its number (`1`, `2`, ...).
    pub number: String,
}

/// Gradescope's `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// The total score.
    #[serde(serialize_with = "points")]
    pub score: f64,
    /// Seconds the grading took.
    pub execution_time: u64,
    /// Text shown above the tests.
    pub output: String,
    /// Who sees the results.
    pub visibility: Visibility,
    /// Who sees the autograder's own stdout.
    pub stdout_visibility: Visibility,
    /// One per graded exercise.
    pub tests: Vec<Test>,
}

impl Results {
    /// Results of a batch's gradebook: one test per entry, 1 point for a pass.
    pub fn of_entries(entries: &[Entry]) -> Results {
        let tests: Vec<Test> = entries
            .iter()
            .enumerate()
            .map(|(i, entry)| Test {
                name: if entry.exercise.is_empty() {
                    entry.submission.clone()
                } else {
                    format!("{} ({})", entry.submission, entry.exercise)
                },
                score: f64::from(entry.score),
                max_score: 1.0,
                status: if entry.passed() { Status::Passed } else { Status::Failed },
                output: entry.report.clone(),
                visibility: Visibility::Visible,
                number: (i + 1).to_string(),
            })
            .collect();
        let passed = entries.iter().filter(|e| e.passed()).count();
        Results {
            score: passed as f64,
            execution_time: entries.iter().filter_map(|e| e.duration_ms).sum::<u64>().div_ceil(1000),
            output: format!("{passed} of {} passed", entries.len()),
            visibility: Visibility::Visible,
            stdout_visibility: Visibility::Hidden,
            tests,
        }
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The points of one exercise: the full check, then (if it failed at run time) the same
/// solution with real threads and nothing injected.
fn score(job: &Job, options: &Options) -> (Row, f64, Option<Row>) {
    let row = batch::grade_job(job, options);
    if row.passed() {
        return (row, FULL_POINTS, None);
    }
    let ran = row
        .report
        .as_ref()
        .is_some_and(|r| !matches!(r.verdict, crate::Verdict::CompileError | crate::Verdict::Rejected));
    if !ran {
        return (row, 0.0, None);
    }
    let naive = batch::grade_job(job, &Options { mode: Some(Mode::Naive), ..options.clone() });
    let points = if naive.passed() { NAIVE_POINTS } else { 0.0 };
    (row, points, Some(naive))
}

fn test_output(row: &Row, points: f64, naive: Option<&Row>) -> String {
    let mut text = match &row.report {
        Some(report) => report.to_string(),
        None => row.error.clone().unwrap_or_default(),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push('\n');
    match naive {
        None if points == FULL_POINTS => text.push_str(&format!(
            "{FULL_POINTS} points: right under every schedule the grader tried.\n"
        )),
        None => text.push_str("0 points: the solution did not build or was rejected.\n"),
        Some(naive) if naive.passed() => text.push_str(&format!(
            "{NAIVE_POINTS} of {FULL_POINTS} points: right with real threads and nothing injected (LeetCode's \
             standard), wrong under the schedule above.\n"
        )),
        Some(naive) => text.push_str(&format!(
            "0 points: wrong under the schedule above, and with real threads and nothing injected too ({}).\n",
            naive.verdict()
        )),
    }
    text
}

/// Grades a student's submission folder: every `.rs` and `.ipynb` in it (see
/// [`batch::jobs`]), one test per exercise of `exercises` (every exercise found when empty;
/// an exercise with no submission is a failed test with 0 points).
pub fn grade_submission(folder: &Path, exercises: &[&'static Exercise], options: &Options) -> Results {
    let started = Instant::now();
    let files = batch::inputs(&[folder.to_path_buf()]);
    let mut jobs = batch::jobs(&files, exercises);
    // A file that answers none of the exercises asked for is not a test of its own when
    // another file answers them.
    if !exercises.is_empty() {
        jobs.retain(|j| j.exercise.is_ok());
    }
    let mut tests = Vec::new();
    let mut missing: Vec<&'static Exercise> = exercises
        .iter()
        .copied()
        .filter(|e| !jobs.iter().any(|j| j.exercise.as_ref().is_ok_and(|x| x.id == e.id)))
        .collect();
    if exercises.is_empty() && jobs.is_empty() {
        missing.clear();
    }
    for job in &jobs {
        let (row, points, naive) = score(job, options);
        let title = job.exercise.as_ref().map(|e| e.title).unwrap_or("Submission");
        let file = job.submission.strip_prefix(folder).unwrap_or(&job.submission).display().to_string();
        tests.push(Test {
            name: format!("{title} ({file})"),
            score: points,
            max_score: FULL_POINTS,
            status: if points == FULL_POINTS { Status::Passed } else { Status::Failed },
            output: test_output(&row, points, naive.as_ref()),
            visibility: Visibility::Visible,
            number: String::new(),
        });
    }
    for exercise in missing {
        tests.push(Test {
            name: format!("{} (no submission)", exercise.title),
            score: 0.0,
            max_score: FULL_POINTS,
            status: Status::Failed,
            output: format!(
                "No solution for {} was found: hand in `{}.rs`, or a notebook whose solution cell has the \
                 nbgrader grade_id `{}`.\n",
                exercise.id,
                exercise.id.replace('-', "_"),
                crate::cli::solutions::grade_id(exercise)
            ),
            visibility: Visibility::Visible,
            number: String::new(),
        });
    }
    for (i, test) in tests.iter_mut().enumerate() {
        test.number = (i + 1).to_string();
    }
    let score: f64 = tests.iter().map(|t| t.score).sum();
    let max: f64 = tests.iter().map(|t| t.max_score).sum();
    let output = if tests.is_empty() {
        "No .rs or .ipynb file was found in the submission.".to_string()
    } else {
        let passed = tests.iter().filter(|t| t.status == Status::Passed).count();
        format!(
            "{passed} of {} exercises right under every schedule; {score} of {max} points. Each failure \
             below has a schedule that replays it: threadlab-grader replay -e EXERCISE FILE --schedule ...",
            tests.len()
        )
    };
    Results {
        score,
        execution_time: started.elapsed().as_secs_f64().ceil() as u64,
        output,
        visibility: Visibility::Visible,
        stdout_visibility: Visibility::Hidden,
        tests,
    }
}

/// `threadlab-grader gradescope`: grades `submission` and writes `results`.
pub fn run(
    submission: &Path,
    results: &Path,
    exercises: &[&'static Exercise],
    options: &Options,
) -> Result<Results, String> {
    if !submission.is_dir() {
        return Err(format!("{} is not a folder", submission.display()));
    }
    let outcome = grade_submission(submission, exercises, options);
    if let Some(parent) = results.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(results, outcome.to_json())
        .map_err(|e| format!("cannot write {}: {e}", results.display()))?;
    Ok(outcome)
}
