//! What a cell is: Rust for evcxr, or a program cell (`%%program`), and whether it ends in an
//! expression whose value is the cell's result.

use ra_ap_syntax::ast::{HasModuleItem, HasName};
use ra_ap_syntax::{AstNode, Edition, Parse, SourceFile, ast};
use std::time::Duration;

/// A parsed cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Rust statements, items and `:commands`, run by evcxr.
    Rust(String),
    /// A whole program (`%%program [--timeout SECS]`), built and run as its own process.
    Program {
        /// The program: a full program if it defines `fn main`, else the body of `main`.
        source: String,
        /// Kill it after this long.
        timeout: Option<Duration>,
    },
}

/// The magic line that starts a program cell.
pub const PROGRAM_MAGIC: &str = "%%program";

impl Cell {
    /// Parses a cell; a malformed `%%program` line is an error message.
    pub fn parse(code: &str) -> Result<Cell, String> {
        let trimmed = code.trim_start();
        let Some(rest) = trimmed.strip_prefix(PROGRAM_MAGIC) else {
            return Ok(Cell::Rust(code.to_owned()));
        };
        let (first_line, body) = rest.split_once('\n').unwrap_or((rest, ""));
        let mut timeout = None;
        let mut words = first_line.split_whitespace();
        while let Some(word) = words.next() {
            let value = match word.strip_prefix("--timeout") {
                Some("") => words.next().ok_or("--timeout needs a number of seconds")?.to_owned(),
                Some(v) if v.starts_with('=') => v[1..].to_owned(),
                _ => return Err(format!("unknown option {word:?}; usage: {PROGRAM_MAGIC} [--timeout SECS]")),
            };
            let secs: f64 =
                value.parse().map_err(|_| format!("--timeout {value:?} is not a number of seconds"))?;
            if !(secs > 0.0 && secs.is_finite()) {
                return Err("--timeout must be a positive number of seconds".to_owned());
            }
            timeout = Some(Duration::from_secs_f64(secs));
        }
        Ok(Cell::Program { source: body.to_owned(), timeout })
    }
}

/// Whether the Rust in `code` (ignoring `:command` lines) ends in an expression without a
/// semicolon, which evcxr displays as the cell's value.
pub fn ends_with_expression(code: &str) -> bool {
    cell_body(code).and_then(|body| body.tail_expr()).is_some()
}

/// The cell's Rust (without `:command` lines) parsed as the body of a function, as evcxr sees it.
fn cell_body(code: &str) -> Option<ast::StmtList> {
    function_body(&parse_as_function(&rust_of(code)).tree())
}

/// The Rust of a cell: evcxr's `:command` lines become empty lines.
pub fn rust_of(code: &str) -> String {
    code.lines()
        .map(|line| if line.trim_start().starts_with(':') { "" } else { line })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What [`parse_as_function`] puts before the cell's Rust.
const FUNCTION_START: &str = "fn evcxr_cell() {\n";

/// Where the cell's Rust starts in the text [`parse_as_function`] parses.
pub const BODY_OFFSET: usize = FUNCTION_START.len();

/// `rust` parsed as the body of a function, as evcxr compiles it.
pub fn parse_as_function(rust: &str) -> Parse<SourceFile> {
    SourceFile::parse(&format!("{FUNCTION_START}{rust}\n}}"), Edition::Edition2024)
}

/// The body of the function in a [`parse_as_function`] tree.
pub fn function_body(file: &SourceFile) -> Option<ast::StmtList> {
    file.syntax().children().find_map(ast::Fn::cast).and_then(|f| f.body()).and_then(|b| b.stmt_list())
}

/// Whether a program cell's source defines its own `fn main`.
pub fn defines_main(source: &str) -> bool {
    let file = SourceFile::parse(source, Edition::Edition2024).tree();
    file.items().any(|item| match item {
        ast::Item::Fn(f) => f.name().is_some_and(|n| n.text() == "main"),
        _ => false,
    })
}

/// Byte offsets of `code` to ask rust-analyzer about, best first, for an inspection at byte
/// `cursor`: the end of the name the cursor is in (or, between a path's `::` or after a `.`,
/// of the name that follows), the name just before the cursor, and the function whose call's
/// parentheses the cursor is inside (IPython shows the callee's signature there).
pub fn inspection_points(code: &str, cursor: usize) -> Vec<usize> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let name_end = |from: usize| from + code[from..].find(|c: char| !is_name(c)).unwrap_or(code.len() - from);
    let cursor = cursor.min(code.len());
    let mut points = Vec::new();
    let mut add = |point: usize| {
        if !points.contains(&point) {
            points.push(point);
        }
    };
    let after = code[cursor..].trim_start_matches([':', '.']);
    let next = code.len() - after.len();
    if after.starts_with(is_name) {
        add(name_end(next));
    }
    let before = code[..cursor].trim_end_matches([':', '.']);
    if before.ends_with(is_name) {
        add(name_end(before.len()));
    }
    let mut depth = 0usize;
    for (at, c) in code[..cursor].char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth > 0 => depth -= 1,
            '(' => {
                let callee = code[..at].trim_end();
                if callee.ends_with(is_name) {
                    add(callee.len());
                }
                break;
            }
            _ => {}
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_expressions() {
        assert!(ends_with_expression("6 * 7"));
        assert!(ends_with_expression("let x = 1;\nx + 1"));
        assert!(ends_with_expression(":dep foo\nvec![1]"));
        assert!(!ends_with_expression("let x = 1;"));
        assert!(!ends_with_expression("println!(\"a\");"));
        assert!(!ends_with_expression("fn f() {}"));
    }

    #[test]
    fn inspection_points_prefer_the_name_at_the_cursor() {
        let at = |code: &str, cursor: &str| inspection_points(code, code.find(cursor).unwrap());
        // In a name, or right after it: its end.
        assert_eq!(at("threading::Lock::new()", "ck"), [15]);
        assert_eq!(inspection_points("threading::Lock", 15), [15]);
        // Between a path's colons: the name after them, then the one before.
        assert_eq!(inspection_points("threading::Lock", 10), [15, 9]);
        // In a call's arguments: the name there, else the callee.
        assert_eq!(at("lock.acquire(true, 5.0)", "true"), [17, 12]);
        assert_eq!(at("lock.acquire(true, 5.0)", ", 5"), [17, 12]);
        assert_eq!(at("f(g(x), y)", ", y"), [1]);
        assert_eq!(at("x.len()", ".len"), [5, 1]);
        assert_eq!(inspection_points("", 0), Vec::<usize>::new());
    }

    #[test]
    fn program_cells() {
        assert_eq!(Cell::parse("6*7").unwrap(), Cell::Rust("6*7".into()));
        assert_eq!(
            Cell::parse("%%program --timeout 2.5\nprintln!(\"hi\");").unwrap(),
            Cell::Program { source: "println!(\"hi\");".into(), timeout: Some(Duration::from_millis(2500)) }
        );
        assert_eq!(
            Cell::parse("%%program\nfn main() {}").unwrap(),
            Cell::Program { source: "fn main() {}".into(), timeout: None }
        );
        assert!(Cell::parse("%%program --timeout nope\n").is_err());
        assert!(Cell::parse("%%program --fast\n").is_err());
        assert!(defines_main("use std::fmt;\nfn main() { }"));
        assert!(!defines_main("let x = 1;\nprintln!(\"{x}\");"));
    }
}
