//! Stage 1, load: a submission from a `.rs` file, a notebook, or stdin, with a map from its
//! lines back to the learner's own places.

use serde_json::Value;
use std::io::Read;
use std::path::Path;
use thiserror::Error;

/// Where a line of the loaded source came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineMap {
    /// The source is the learner's file, line for line.
    Identity,
    /// The source was put together from notebook cells: for each line (0-based), the cell
    /// (1-based, counting every cell of the notebook) and the line in it (1-based).
    Cells(Vec<(usize, usize)>),
}

/// A loaded submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// How to call it in reports (the path, or `stdin`).
    pub name: String,
    /// The Rust source.
    pub text: String,
    /// Where each line came from.
    pub lines: LineMap,
}

impl Source {
    /// A source given as text (line numbers are its own).
    pub fn from_text(name: &str, text: &str) -> Source {
        Source { name: name.to_string(), text: text.to_string(), lines: LineMap::Identity }
    }

    /// The learner's place for line `line` (1-based) of the source: `line 12`, or
    /// `cell 3, line 2` for a notebook.
    ///
    /// ```
    /// use threadlab_grader::cli::load::Source;
    /// assert_eq!(Source::from_text("a.rs", "fn f() {}\n").label(1).as_deref(), Some("line 1"));
    /// ```
    pub fn label(&self, line: usize) -> Option<String> {
        match &self.lines {
            LineMap::Identity => {
                (line >= 1 && line <= self.text.lines().count().max(1)).then(|| format!("line {line}"))
            }
            LineMap::Cells(map) => {
                line.checked_sub(1).and_then(|i| map.get(i)).map(|(cell, l)| format!("cell {cell}, line {l}"))
            }
        }
    }
}

/// Why a submission could not be loaded.
#[derive(Debug, Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not UTF-8 text.
    #[error("{0} is not UTF-8 text")]
    NotText(String),
    /// The notebook is not valid notebook JSON.
    #[error("{path} is not a valid notebook: {reason}")]
    Notebook {
        /// The path.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The notebook has no solution cells.
    #[error(
        "{0} has no solution cells: tag the code cells that hold your solution with `solution` \
         (cell metadata `tags`), or mark them as nbgrader solution cells"
    )]
    NoSolution(String),
    /// A notebook with solution cells per exercise (nbgrader `grade_id` `<exercise>_solution`)
    /// has none for this exercise.
    #[error("{path} has no solution cell for {exercise} (nbgrader grade_id `{grade_id}`)")]
    NoExerciseSolution {
        /// The path.
        path: String,
        /// The exercise id.
        exercise: String,
        /// The grade_id looked for.
        grade_id: String,
    },
    /// The submission is empty.
    #[error("{0} is empty")]
    Empty(String),
}

/// Loads `path`: a `.rs` file, an `.ipynb` notebook, or `-` for stdin (a notebook if it looks
/// like JSON).
pub fn load(path: &str) -> Result<Source, LoadError> {
    let (name, bytes) = if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|source| LoadError::Io { path: "stdin".into(), source })?;
        ("stdin".to_string(), bytes)
    } else {
        let bytes = std::fs::read(path).map_err(|source| LoadError::Io { path: path.into(), source })?;
        (path.to_string(), bytes)
    };
    let text = String::from_utf8(bytes).map_err(|_| LoadError::NotText(name.clone()))?;
    let is_notebook = Path::new(path).extension().is_some_and(|e| e == "ipynb")
        || (path == "-" && text.trim_start().starts_with('{'));
    let source = if is_notebook { from_notebook(&name, &text)? } else { Source::from_text(&name, &text) };
    if source.text.trim().is_empty() {
        return Err(LoadError::Empty(name));
    }
    Ok(source)
}

pub(crate) fn is_solution(cell: &Value) -> bool {
    let metadata = &cell["metadata"];
    let tagged = metadata["tags"].as_array().is_some_and(|tags| tags.iter().any(|t| t == "solution"));
    tagged || metadata["nbgrader"]["solution"] == Value::Bool(true)
}

fn cell_lines(cell: &Value) -> Vec<String> {
    let text = match &cell["source"] {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    };
    text.lines().map(str::to_string).collect()
}

/// The solution cells of a notebook, joined, without evcxr's `:` command lines.
///
/// ```
/// let nb = r#"{"cells": [
///   {"cell_type": "markdown", "metadata": {}, "source": "text"},
///   {"cell_type": "code", "metadata": {"tags": ["solution"]}, "source": [":dep x\n", "struct Foo;\n"]}
/// ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#;
/// let source = threadlab_grader::cli::load::from_notebook("nb.ipynb", nb).unwrap();
/// assert_eq!(source.text, "\nstruct Foo;\n");
/// assert_eq!(source.label(2).as_deref(), Some("cell 2, line 2"));
/// ```
pub fn from_notebook(name: &str, json: &str) -> Result<Source, LoadError> {
    from_notebook_cells(name, json, &is_solution)
}

/// The cells of a notebook that `pick` chooses (code cells only), joined like
/// [`from_notebook`]'s solution cells.
pub(crate) fn from_notebook_cells(
    name: &str,
    json: &str,
    pick: &dyn Fn(&Value) -> bool,
) -> Result<Source, LoadError> {
    let cells = notebook_cells(name, json)?;
    let mut text = String::new();
    let mut map = Vec::new();
    for (index, cell) in cells.iter().enumerate() {
        if cell["cell_type"] != "code" || !pick(cell) {
            continue;
        }
        for (line_index, line) in cell_lines(cell).iter().enumerate() {
            // evcxr commands (`:dep`, `:opt`) are not Rust; keep the line count.
            if !line.trim_start().starts_with(':') {
                text.push_str(line);
            }
            text.push('\n');
            map.push((index + 1, line_index + 1));
        }
    }
    if map.is_empty() {
        return Err(LoadError::NoSolution(name.into()));
    }
    Ok(Source { name: name.into(), text, lines: LineMap::Cells(map) })
}

/// A notebook's cells, parsed.
pub(crate) fn notebook_cells(name: &str, json: &str) -> Result<Vec<Value>, LoadError> {
    let mut notebook: Value = serde_json::from_str(json)
        .map_err(|e| LoadError::Notebook { path: name.into(), reason: e.to_string() })?;
    match notebook["cells"].take() {
        Value::Array(cells) => Ok(cells),
        _ => Err(LoadError::Notebook { path: name.into(), reason: "no `cells` list".into() }),
    }
}
