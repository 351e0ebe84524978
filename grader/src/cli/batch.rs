//! A class at once: grade many submissions in parallel, one row per (submission, exercise),
//! each handed on as soon as it is graded (the gradebook writes it at once: see
//! [`gradebook`](crate::cli::gradebook)); a deterministic share of the class per machine
//! ([`Shard`]); a Gradescope `results.json` of the rows.

use crate::cli::grade::{self, Options};
use crate::cli::gradescope;
use crate::cli::solutions;
use crate::core::exercise::Exercise;
use crate::core::report::Report;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// One submission's outcome on one exercise.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The submission's path.
    pub submission: String,
    /// The exercise id (empty when no exercise could be told).
    pub exercise: String,
    /// Its report, if it could be graded.
    pub report: Option<Report>,
    /// Why it could not be graded (unreadable file, no solution cell, grader failure).
    pub error: Option<String>,
}

impl Row {
    /// The verdict's name, or `error`.
    pub fn verdict(&self) -> &str {
        self.report.as_ref().map(|r| r.verdict.name()).unwrap_or("error")
    }

    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.report.as_ref().is_some_and(|r| r.verdict == crate::Verdict::Pass)
    }
}

/// The submissions among `paths`: files as given, directories searched (recursively, in
/// name order) for `.rs` and `.ipynb` files.
pub fn inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "ipynb") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out);
        } else {
            out.push(path.clone());
        }
    }
    out
}

/// One thing to grade: a submission for an exercise, or why no exercise can be told.
#[derive(Debug, Clone)]
pub struct Job {
    /// The submission.
    pub submission: PathBuf,
    /// The exercise, or why there is none (an error row).
    pub exercise: Result<&'static Exercise, String>,
}

impl Job {
    /// The (submission, exercise) key of its row.
    pub fn key(&self) -> (String, String) {
        (
            self.submission.display().to_string(),
            self.exercise.as_ref().map(|e| e.id.to_string()).unwrap_or_default(),
        )
    }
}

/// What to grade in each submission: a notebook with solution cells per exercise (nbgrader
/// `grade_id` `<exercise>_solution`) for each of `exercises` (all it has when none are given);
/// any other submission for the exercise it answers (the only one given, or by file name).
pub fn jobs(submissions: &[PathBuf], exercises: &[&'static Exercise]) -> Vec<Job> {
    let mut jobs = Vec::new();
    for submission in submissions {
        let job = |exercise| Job { submission: submission.clone(), exercise };
        let name = submission.display().to_string();
        let in_notebook = solutions::exercises_in(&name).unwrap_or_default();
        if !in_notebook.is_empty() {
            let wanted = if exercises.is_empty() { &in_notebook[..] } else { exercises };
            jobs.extend(wanted.iter().map(|e| job(Ok(*e))));
        } else if exercises.is_empty() {
            jobs.push(job(Err("no --exercise given and no solution cells per exercise (nbgrader grade_id \
                 `<exercise>_solution`) in this submission"
                .into())));
        } else {
            jobs.push(job(solutions::exercise_for_file(submission, exercises).ok_or_else(|| {
                let ids: Vec<&str> = exercises.iter().map(|e| e.id).collect();
                format!(
                    "cannot tell which exercise this file answers: name it after one of {}",
                    ids.join(", ")
                )
            })));
        }
    }
    jobs
}

/// Grades one job; never panics: a grader failure (an error or a panic) is an error row.
pub fn grade_job(job: &Job, options: &Options) -> Row {
    let (submission, exercise_id) = job.key();
    let row =
        |report, error| Row { submission: submission.clone(), exercise: exercise_id.clone(), report, error };
    let exercise = match job.exercise {
        Ok(exercise) => exercise,
        Err(ref why) => return row(None, Some(why.clone())),
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        solutions::load_for(&submission, exercise)
            .map_err(|e| e.to_string())
            .and_then(|source| grade::grade(exercise, &source, options).map_err(|e| e.to_string()))
    }));
    match result {
        Ok(Ok(report)) => row(Some(report), None),
        Ok(Err(error)) => row(None, Some(error)),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            row(None, Some(format!("the grader failed on this submission: {what}")))
        }
    }
}

/// Grades every job on `jobs` threads and hands each row to `done` as soon as it is graded
/// (in the order they finish).
pub fn grade_each(work: &[Job], options: &Options, jobs: usize, done: &(dyn Fn(Row) + Sync)) {
    let grade_one = |job: &Job| {
        let slot = rayon::current_thread_index().unwrap_or(0);
        done(grade_job(job, &Options { slot, ..options.clone() }));
    };
    use rayon::prelude::*;
    match rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build() {
        Ok(pool) => pool.install(|| work.par_iter().for_each(grade_one)),
        Err(_) => work.iter().for_each(grade_one),
    }
}

/// Grades every input for one exercise on `jobs` threads; rows come back in input order.
pub fn grade_all(
    exercise: &'static Exercise,
    inputs: &[PathBuf],
    options: &Options,
    jobs: usize,
) -> Vec<Row> {
    let work: Vec<Job> =
        inputs.iter().map(|p| Job { submission: p.clone(), exercise: Ok(exercise) }).collect();
    let rows = std::sync::Mutex::new(Vec::new());
    grade_each(&work, options, jobs, &|row| rows.lock().unwrap_or_else(|e| e.into_inner()).push(row));
    let mut rows = rows.into_inner().unwrap_or_else(|e| e.into_inner());
    let position = |row: &Row| inputs.iter().position(|p| p.display().to_string() == row.submission);
    rows.sort_by_key(position);
    rows
}

/// Shard `K/N` of a class: the submissions whose place in the sorted list of every
/// submission is K modulo N. Every machine lists the same folder, so the N shards split the
/// class exactly, and each submission (with all its exercises) is graded by one shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K, from 0.
    pub index: usize,
    /// N.
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N` with `0 <= K < N`.
    ///
    /// ```
    /// use threadlab_grader::cli::batch::Shard;
    /// assert_eq!("1/4".parse::<Shard>(), Ok(Shard { index: 1, count: 4 }));
    /// assert!("4/4".parse::<Shard>().is_err());
    /// ```
    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}` is not a shard K/N with 0 <= K < N");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// This shard's submissions, from the full list.
    pub fn select(&self, submissions: &[PathBuf]) -> Vec<PathBuf> {
        let mut sorted: Vec<&PathBuf> = submissions.iter().collect();
        sorted.sort_by_key(|p| p.display().to_string());
        sorted.dedup();
        sorted
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.count == self.index)
            .map(|(_, p)| p.clone())
            .collect()
    }
}

/// The gradebook as CSV: one row per submission and exercise.
pub fn to_csv(rows: &[Row]) -> String {
    let format = crate::cli::gradebook::Format::Csv;
    let mut out = String::from(
        "submission,exercise,verdict,score,runs,planned_runs,duration_ms,message,replay,report\n",
    );
    for row in rows {
        out.push_str(&format.line(&crate::cli::gradebook::Entry::from_row(row)));
    }
    out
}

/// Gradescope's `results.json` of a batch: one test per row, 1 point for a pass.
pub fn to_gradescope(rows: &[Row]) -> gradescope::Results {
    let entries: Vec<_> = rows.iter().map(crate::cli::gradebook::Entry::from_row).collect();
    gradescope::Results::of_entries(&entries)
}

/// A readable table of the rows.
pub fn to_table(rows: &[Row]) -> String {
    let entries: Vec<_> = rows.iter().map(crate::cli::gradebook::Entry::from_row).collect();
    table(&entries)
}

/// A readable table of gradebook entries.
pub fn table(entries: &[crate::cli::gradebook::Entry]) -> String {
    let several = entries.iter().any(|e| e.exercise != entries[0].exercise);
    let name = |entry: &crate::cli::gradebook::Entry| {
        if several { format!("{} [{}]", entry.submission, entry.exercise) } else { entry.submission.clone() }
    };
    let width = entries.iter().map(|r| name(r).chars().count()).max().unwrap_or(10).max(10);
    let mut out = format!("{:width$}  {:15} {:>8}  message\n", "submission", "verdict", "ms");
    for entry in entries {
        let ms = entry.duration_ms.map(|ms| ms.to_string()).unwrap_or_default();
        let message: String = entry.message.lines().next().unwrap_or_default().chars().take(100).collect();
        out.push_str(&format!("{:width$}  {:15} {ms:>8}  {message}\n", name(entry), entry.verdict));
    }
    let passed = entries.iter().filter(|r| r.passed()).count();
    out.push_str(&format!("{passed} of {} passed\n", entries.len()));
    out
}
