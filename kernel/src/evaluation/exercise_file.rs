//! `:exercise FILE`: an exercise written outside the grader (`threadlab-grader new-exercise`,
//! `--exercise-file FILE`) brought into the session from its file, so that the notebook and the
//! command-line grader read the same text and an edit to the file reaches the next run of the
//! cell. The line stands for the file's text: its `EXERCISE` and `adapter!` become cell items,
//! and `threadlab_grader::check!(adapter!(Type))` grades against them.

use std::path::Path;

/// The kernel's command (evcxr's own `:commands` are left to evcxr).
pub const COMMAND: &str = ":exercise";

/// `code` with every `:exercise FILE` line replaced by FILE's text (a path relative to the
/// kernel's folder, which Jupyter makes the notebook's); the message says which file could not
/// be read, or how the command is written.
pub fn expand(code: &str) -> Result<String, String> {
    if !code.lines().any(|line| command_argument(line).is_some()) {
        return Ok(code.to_owned());
    }
    let mut expanded = String::with_capacity(code.len());
    for line in code.lines() {
        match command_argument(line) {
            Some("") => return Err(format!("usage: {COMMAND} FILE (an exercise file, e.g. ping_pong.rs)")),
            Some(path) => {
                let text = std::fs::read_to_string(Path::new(path))
                    .map_err(|error| format!("cannot read the exercise file {path}: {error}"))?;
                expanded.push_str(text.trim_end());
            }
            None => expanded.push_str(line),
        }
        expanded.push('\n');
    }
    Ok(expanded)
}

/// The argument of a `:exercise` line (trimmed, quotes allowed for paths with spaces).
fn command_argument(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix(COMMAND)?;
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None; // `:exercises`, say: not this command
    }
    let argument = rest.trim();
    Some(argument.strip_prefix('"').and_then(|a| a.strip_suffix('"')).unwrap_or(argument))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_without_the_command_is_left_as_it_is() {
        assert_eq!(expand("let x = 1;\n:vars").unwrap(), "let x = 1;\n:vars");
        assert_eq!(command_argument(":exercises x.rs"), None);
    }

    #[test]
    fn the_command_line_becomes_the_file_text() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("my exercise.rs");
        std::fs::write(&file, "pub static ANSWER: i32 = 42;\n\n").unwrap();
        let cell = format!("// before\n  :exercise \"{}\"\nANSWER", file.display());
        assert_eq!(expand(&cell).unwrap(), "// before\npub static ANSWER: i32 = 42;\nANSWER\n");
    }

    #[test]
    fn a_missing_file_or_argument_is_a_clear_message() {
        let missing = expand(":exercise /no/such/exercise.rs").unwrap_err();
        assert!(missing.starts_with("cannot read the exercise file /no/such/exercise.rs: "), "{missing}");
        assert!(expand(":exercise").unwrap_err().starts_with("usage: :exercise FILE"));
    }
}
