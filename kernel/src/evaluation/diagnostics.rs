//! How a failed cell is shown: the `error` output's `ename`, `evalue` and `traceback` lines.

use evcxr::{CompilationError, Theme};

/// A cell's error, as Jupyter shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// The error's name (`panic`, `KeyboardInterrupt`, `CompilationError`, ...).
    pub ename: String,
    /// Its one-line value.
    pub evalue: String,
    /// The lines shown (ANSI colours allowed).
    pub traceback: Vec<String>,
}

const RED: &str = "\x1b[0;31m";
const RESET: &str = "\x1b[0m";

impl CellError {
    /// An error whose traceback is `ename: evalue` followed by `details`.
    pub fn new(ename: &str, evalue: &str, details: &[String]) -> CellError {
        let mut traceback = vec![format!("{RED}{ename}{RESET}: {evalue}")];
        traceback.extend(details.iter().cloned());
        CellError { ename: ename.to_owned(), evalue: evalue.to_owned(), traceback }
    }

    /// A panic of the cell's main thread.
    pub fn panic(message: &str, location: &str) -> CellError {
        // Locations in evcxr's generated `src/lib.rs` mean nothing to the reader.
        let details = if location.is_empty() || location.starts_with("src/lib.rs") {
            Vec::new()
        } else {
            vec![format!("panicked at {location}")]
        };
        CellError::new("panic", message, &details)
    }

    /// Compilation errors, drawn against the cell's code. Only errors are shown, never
    /// warnings (a warning did not make the cell fail), and an error outside the cell's code
    /// (the kernel's generated code, a dependency) shows its message and help, never its source
    /// lines or paths: those name files the learner never wrote.
    pub fn compilation(errors: &[CompilationError], code: &str) -> CellError {
        let shown: Vec<&CompilationError> = errors.iter().filter(|e| is_error(e)).collect();
        let evalue = shown.first().map(|e| e.message()).unwrap_or_else(|| "compilation failed".to_owned());
        let mut traceback = Vec::new();
        for error in shown {
            let rendered = if error.is_from_user_code() { render(error, code) } else { None };
            let text = rendered.unwrap_or_else(|| {
                let mut text = format!("{RED}error{RESET}: {}", error.message());
                for help in error.help() {
                    text.push_str(&format!("\nhelp: {help}"));
                }
                text
            });
            traceback.extend(text.lines().map(str::to_owned));
        }
        CellError { ename: "CompilationError".to_owned(), evalue, traceback }
    }
}

/// Whether a diagnostic is an error rather than a warning. evcxr's own errors carry no level,
/// and an error that evcxr pinned on its note in the cell's code carries the note's.
fn is_error(error: &CompilationError) -> bool {
    !error.level().starts_with("warning")
}

fn render(error: &CompilationError, code: &str) -> Option<String> {
    let report = error.build_report("cell".to_owned(), code.to_owned(), Theme::Light)?;
    let mut out = Vec::new();
    report.write(("cell".to_owned(), ariadne::Source::from(code.to_owned())), &mut out).ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}
