//! Which exercise a submission answers: a notebook with several exercises has one solution
//! cell per exercise, found by its nbgrader `grade_id` `<exercise>_solution` (e.g.
//! `print_in_order_solution`, or `print_in_order_solution_2` for a second cell); a `.rs` file
//! among several exercises is matched by its name (`foobar.rs`, `zero_even_odd.rs`).

use crate::cli::load::{self, LoadError, Source};
use crate::core::exercise::{self, Exercise};
use serde_json::Value;
use std::path::Path;

/// The nbgrader `grade_id` of an exercise's solution cell: `print_in_order_solution`.
///
/// ```
/// let foobar = threadlab_grader::exercise::find("foobar").unwrap();
/// assert_eq!(threadlab_grader::cli::solutions::grade_id(foobar), "foobar_solution");
/// ```
pub fn grade_id(exercise: &Exercise) -> String {
    format!("{}_solution", exercise.id.replace('-', "_"))
}

/// The exercise a solution cell's `grade_id` names (`zero_even_odd_solution`,
/// `ordered_print_solution_2`), if any.
fn exercise_of_grade_id(id: &str) -> Option<&'static Exercise> {
    let (stem, rest) = id.split_once("_solution")?;
    if !(rest.is_empty() || rest.starts_with('_')) {
        return None;
    }
    exercise::find(&stem.replace('_', "-"))
}

fn cell_exercise(cell: &Value) -> Option<&'static Exercise> {
    if cell["cell_type"] != "code" {
        return None;
    }
    cell["metadata"]["nbgrader"]["grade_id"].as_str().and_then(exercise_of_grade_id)
}

fn is_notebook(path: &str) -> bool {
    Path::new(path).extension().is_some_and(|e| e == "ipynb")
}

fn read(path: &str) -> Result<String, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io { path: path.into(), source })?;
    String::from_utf8(bytes).map_err(|_| LoadError::NotText(path.into()))
}

/// The exercises a notebook has solution cells for (by `grade_id`), in notebook order; empty
/// for a `.rs` file or a notebook without such cells.
pub fn exercises_in(path: &str) -> Result<Vec<&'static Exercise>, LoadError> {
    if !is_notebook(path) {
        return Ok(Vec::new());
    }
    let cells = load::notebook_cells(path, &read(path)?)?;
    let mut found: Vec<&'static Exercise> = Vec::new();
    for exercise in cells.iter().filter_map(cell_exercise) {
        if !found.iter().any(|e| e.id == exercise.id) {
            found.push(exercise);
        }
    }
    Ok(found)
}

/// Loads `path` for `exercise`: from a notebook with solution cells per exercise, only that
/// exercise's cells; anything else as [`load::load`] does (every solution cell of a notebook,
/// a whole `.rs` file, `-` for stdin).
pub fn load_for(path: &str, exercise: &'static Exercise) -> Result<Source, LoadError> {
    if !is_notebook(path) {
        return load::load(path);
    }
    let json = read(path)?;
    let cells = load::notebook_cells(path, &json)?;
    if !cells.iter().any(|c| cell_exercise(c).is_some()) {
        return load::load(path);
    }
    let wanted = |cell: &Value| cell_exercise(cell).is_some_and(|e| e.id == exercise.id);
    if !cells.iter().any(wanted) {
        return Err(LoadError::NoExerciseSolution {
            path: path.into(),
            exercise: exercise.id.into(),
            grade_id: grade_id(exercise),
        });
    }
    let source = load::from_notebook_cells(path, &json, &wanted)?;
    if source.text.trim().is_empty() {
        return Err(LoadError::Empty(path.into()));
    }
    Ok(source)
}

/// The exercise among `exercises` that a `.rs` file answers, by its name (`foobar.rs`,
/// `print_in_order.rs`, `ordered-print.rs`); the only one when there is just one.
pub fn exercise_for_file(path: &Path, exercises: &[&'static Exercise]) -> Option<&'static Exercise> {
    if let [only] = exercises {
        return Some(only);
    }
    let stem = path.file_stem()?.to_string_lossy().replace('_', "-");
    let named = exercise::find(&stem)?;
    exercises.iter().copied().find(|e| e.id == named.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_ids_name_exercises_and_their_aliases() {
        assert_eq!(exercise_of_grade_id("print_in_order_solution").map(|e| e.id), Some("print-in-order"));
        assert_eq!(exercise_of_grade_id("ordered_print_solution_2").map(|e| e.id), Some("print-in-order"));
        assert_eq!(exercise_of_grade_id("foobar_solutions").map(|e| e.id), None);
        assert_eq!(exercise_of_grade_id("foobar_check").map(|e| e.id), None);
    }

    #[test]
    fn files_are_matched_by_name_among_several_exercises() {
        let all: Vec<&'static Exercise> = exercise::all().to_vec();
        let id = |p: &str| exercise_for_file(Path::new(p), &all).map(|e| e.id);
        assert_eq!(id("a/zero_even_odd.rs"), Some("zero-even-odd"));
        assert_eq!(id("foobar.rs"), Some("foobar"));
        assert_eq!(id("solution.rs"), None);
    }
}
