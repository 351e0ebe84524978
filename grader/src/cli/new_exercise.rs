//! `threadlab-grader new-exercise NAME`: an author's starting point — an exercise file that
//! grades from the first minute (a two-thread turn-taking exercise to rewrite), a reference
//! solution that passes it, and an exercise notebook like the course's (statement, the
//! exercise's definition, the skeleton, a solution cell tagged for nbgrader whose starter
//! fails, the in-notebook check).
//!
//! The notebook's definition cell is the exercise file's text, so the kernel grades the same
//! exercise the command line does (an edited file goes into the notebook through
//! [`notebook`], or by pasting it into that cell).

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why the files were not written.
#[derive(Debug, Error)]
pub enum NewExerciseError {
    /// The name is not a kebab-case id.
    #[error(
        "`{0}` is not an exercise id: use lower-case letters, digits and dashes, starting with a letter (`ping-pong`)"
    )]
    Name(String),
    /// A file exists and `--force` was not given.
    #[error("{0} exists (use --force to overwrite it)")]
    Exists(PathBuf),
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The names an exercise id gives: `ping-pong` → file stem `ping_pong`, type `PingPong`,
/// title `Ping Pong`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// The id (`ping-pong`).
    pub id: String,
    /// The file stem and the nbgrader grade id's stem (`ping_pong`).
    pub stem: String,
    /// The learner's type (`PingPong`).
    pub type_name: String,
    /// The title (`Ping Pong`).
    pub title: String,
}

impl Names {
    /// The names for `id`, if it is a kebab-case id.
    ///
    /// ```
    /// use threadlab_grader::cli::new_exercise::Names;
    /// let names = Names::of("ping-pong").unwrap();
    /// assert_eq!((names.stem.as_str(), names.type_name.as_str()), ("ping_pong", "PingPong"));
    /// assert!(Names::of("Ping Pong").is_none());
    /// ```
    pub fn of(id: &str) -> Option<Names> {
        let valid = id.starts_with(|c: char| c.is_ascii_lowercase())
            && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !id.ends_with('-')
            && !id.contains("--");
        if !valid {
            return None;
        }
        let words: Vec<String> = id
            .split('-')
            .map(|w| {
                let mut chars = w.chars();
                chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
            })
            .collect();
        Some(Names {
            id: id.to_string(),
            stem: id.replace('-', "_"),
            type_name: words.concat(),
            title: words.join(" "),
        })
    }

    fn fill(&self, template: &str) -> String {
        template
            .replace("{{id}}", &self.id)
            .replace("{{stem}}", &self.stem)
            .replace("{{Type}}", &self.type_name)
            .replace("{{title}}", &self.title)
    }
}

/// The exercise file's template.
const EXERCISE: &str = include_str!("new_exercise/exercise.rs.txt");
/// The reference solution's template.
const SOLUTION: &str = include_str!("new_exercise/solution.rs.txt");
/// The starter in the notebook's solution cell (it prints without taking turns: it fails).
const STARTER: &str = include_str!("new_exercise/starter.rs.txt");

/// The exercise notebook for the exercise file `file_name` whose text is `exercise`.
pub fn notebook(names: &Names, file_name: &str, exercise: &str) -> Value {
    let markdown = |text: String| json!({"cell_type": "markdown", "metadata": {}, "source": text});
    let code = |text: String, metadata: Value| json!({"cell_type": "code", "execution_count": null, "metadata": metadata, "outputs": [], "source": text});
    let cells = vec![
        markdown(format!(
            "# Exercise: {}\n\n*Write the statement here: what each thread does, and what a correct run shows.*\n\n\
             The grader checks the rule in the exercise's definition below (`EXERCISE.rule`).",
            names.title
        )),
        markdown(format!(
            "## The exercise\n\nThe next cell defines the exercise for the grader: it is `{file_name}`, as \
             `threadlab-grader --exercise-file {file_name} check ...` grades it. Run it first."
        )),
        code(exercise.trim_end().to_string(), json!({"tags": ["exercise-definition"], "editable": false})),
        code("println!(\"{}\\n\\n{}\", EXERCISE.rule, EXERCISE.skeleton);".to_string(), json!({})),
        markdown(
            "## Your solution\n\nWrite it in the next cell (tagged `solution`). As given, it does not wait for \
             its turn, so the check below fails: run it once to see how a failure reads, then make it pass."
                .to_string(),
        ),
        code(
            names.fill(STARTER).trim_end().to_string(),
            json!({
                "nbgrader": {"grade": false, "grade_id": format!("{}_solution", names.stem), "locked": false,
                              "schema_version": 3, "solution": true},
                "tags": ["solution"],
            }),
        ),
        markdown(
            "## Check\n\nThe grader runs your type many times, with every start order and several `n`, under \
             controlled schedules, and prints the same verdict as the command-line grader."
                .to_string(),
        ),
        code(format!("threadlab_grader::check!(adapter!({}));", names.type_name), json!({})),
    ];
    // nbformat 4.5 cells carry an id; these are stable, so a regenerated notebook diffs cleanly.
    let cells: Vec<Value> = cells
        .into_iter()
        .enumerate()
        .map(|(i, mut cell)| {
            cell["id"] = json!(format!("{}-{i}", names.stem.replace('_', "-")));
            cell
        })
        .collect();
    json!({
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Rust (threadlab)", "language": "rust", "name": "threadlab"},
            "language_info": {"codemirror_mode": "rust", "file_extension": ".rs", "mimetype": "text/rust",
                              "name": "rust", "pygments_lexer": "rust"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    })
}

/// Writes `dir/<stem>.rs` (the exercise), `dir/solutions/<stem>.rs` (a reference solution)
/// and `dir/<stem>.ipynb` (the notebook); returns their paths in that order.
pub fn write(id: &str, dir: &Path, force: bool) -> Result<Vec<PathBuf>, NewExerciseError> {
    let names = Names::of(id).ok_or_else(|| NewExerciseError::Name(id.to_string()))?;
    let exercise_path = dir.join(format!("{}.rs", names.stem));
    let solution_path = dir.join("solutions").join(format!("{}.rs", names.stem));
    let notebook_path = dir.join(format!("{}.ipynb", names.stem));
    let paths = [exercise_path, solution_path, notebook_path];
    if !force && let Some(existing) = paths.iter().find(|p| p.exists()) {
        return Err(NewExerciseError::Exists(existing.clone()));
    }
    let exercise = names.fill(EXERCISE);
    let file_name = format!("{}.rs", names.stem);
    let notebook = serde_json::to_string_pretty(&notebook(&names, &file_name, &exercise)).unwrap_or_default();
    let contents = [exercise.clone(), names.fill(SOLUTION), notebook + "\n"];
    for (path, text) in paths.iter().zip(contents) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|source| NewExerciseError::Write { path: parent.to_path_buf(), source })?;
        }
        std::fs::write(path, text)
            .map_err(|source| NewExerciseError::Write { path: path.clone(), source })?;
    }
    Ok(paths.to_vec())
}
