//! A class at once: grade many submissions in parallel, one row each, and write a gradebook
//! (CSV or JSON) and a Gradescope `results.json`.

use crate::cli::grade::{self, Options};
use crate::cli::load;
use crate::core::exercise::Exercise;
use crate::core::report::Report;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One submission's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The submission's path.
    pub submission: String,
    /// Its report, if it could be graded.
    pub report: Option<Report>,
    /// Why it could not be graded (unreadable file, grader failure).
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

/// Grades every input on `jobs` threads; rows come back in input order.
pub fn grade_all(
    exercise: &'static Exercise,
    inputs: &[PathBuf],
    options: &Options,
    jobs: usize,
) -> Vec<Row> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build();
    let grade_one = |path: &PathBuf| {
        let name = path.display().to_string();
        let slot = rayon::current_thread_index().unwrap_or(0);
        let result = load::load(&name).map_err(|e| e.to_string()).and_then(|source| {
            grade::grade(exercise, &source, &Options { slot, ..options.clone() }).map_err(|e| e.to_string())
        });
        match result {
            Ok(report) => Row { submission: name, report: Some(report), error: None },
            Err(error) => Row { submission: name, report: None, error: Some(error) },
        }
    };
    use rayon::prelude::*;
    match pool {
        Ok(pool) => pool.install(|| inputs.par_iter().map(grade_one).collect()),
        Err(_) => inputs.iter().map(grade_one).collect(),
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The gradebook as CSV: one row per submission.
pub fn to_csv(rows: &[Row]) -> String {
    let mut out =
        String::from("submission,exercise,verdict,score,runs,planned_runs,duration_ms,message,replay\n");
    for row in rows {
        let (exercise, runs, planned, ms, message, replay) = match &row.report {
            Some(r) => (
                r.exercise.clone(),
                r.runs.to_string(),
                r.planned_runs.to_string(),
                r.duration_ms.to_string(),
                r.failure
                    .as_ref()
                    .map(|f| f.message.clone())
                    .or_else(|| r.diagnostics.first().map(|d| d.message.clone()))
                    .unwrap_or_default(),
                r.failure.as_ref().map(|f| f.replay.clone()).unwrap_or_default(),
            ),
            None => (
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                row.error.clone().unwrap_or_default(),
                String::new(),
            ),
        };
        let fields = [
            row.submission.clone(),
            exercise,
            row.verdict().to_string(),
            if row.passed() { "1" } else { "0" }.to_string(),
            runs,
            planned,
            ms,
            message,
            replay,
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// Gradescope's `results.json`: one test per submission, 1 point for a pass.
pub fn to_gradescope(rows: &[Row]) -> serde_json::Value {
    let tests: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            let output = match &row.report {
                Some(report) => report.to_string(),
                None => row.error.clone().unwrap_or_default(),
            };
            serde_json::json!({
                "name": row.submission,
                "score": if row.passed() { 1 } else { 0 },
                "max_score": 1,
                "status": if row.passed() { "passed" } else { "failed" },
                "output": output,
                "visibility": "visible",
            })
        })
        .collect();
    let score = rows.iter().filter(|r| r.passed()).count();
    serde_json::json!({ "score": score, "tests": tests })
}

/// A readable table of the rows.
pub fn to_table(rows: &[Row]) -> String {
    let width = rows.iter().map(|r| r.submission.len()).max().unwrap_or(10).max(10);
    let mut out = format!("{:width$}  {:15} {:>8}  message\n", "submission", "verdict", "ms");
    for row in rows {
        let ms = row.report.as_ref().map(|r| r.duration_ms.to_string()).unwrap_or_default();
        let message = match &row.report {
            Some(r) => r
                .failure
                .as_ref()
                .map(|f| f.message.clone())
                .or_else(|| r.diagnostics.first().map(|d| d.message.clone())),
            None => row.error.clone(),
        }
        .unwrap_or_default();
        let message: String = message.lines().next().unwrap_or_default().chars().take(100).collect();
        out.push_str(&format!("{:width$}  {:15} {:>8}  {}\n", row.submission, row.verdict(), ms, message));
    }
    let passed = rows.iter().filter(|r| r.passed()).count();
    out.push_str(&format!("{passed} of {} passed\n", rows.len()));
    out
}
