//! `is_complete`: whether a cell is ready to run, needs more lines, or cannot run.

use crate::evaluation::cell;
use ra_ap_syntax::{Edition, SourceFile, SyntaxKind, ast};

/// The answer to `is_complete_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completeness {
    /// Ready to run.
    Complete,
    /// An open block, bracket, string or comment: more lines are needed; the indent to use.
    Incomplete(String),
    /// Cannot run as written (a stray closing bracket, a syntax error).
    Invalid,
}

/// Judges `code`: evcxr `:commands` and `%%` cell magics are always complete; Rust code is
/// incomplete while a bracket, string or block comment is open or when it stops where more is
/// expected (after `=`, an operator, `.`, `else`, an attribute), invalid when a bracket closes
/// nothing or the wrong thing, or when it cannot parse as statements whatever follows.
pub fn is_complete(code: &str) -> Completeness {
    if code.trim_start().starts_with("%%") {
        return Completeness::Complete;
    }
    let rust = cell::rust_of(code);
    if rust.trim().is_empty() {
        return Completeness::Complete;
    }
    let file = SourceFile::parse(&rust, Edition::Edition2024);
    let mut open = Vec::new();
    for token in file.syntax_node().descendants_with_tokens().filter_map(|e| e.into_token()) {
        let kind = token.kind();
        match kind {
            SyntaxKind::L_CURLY | SyntaxKind::L_PAREN | SyntaxKind::L_BRACK => open.push(kind),
            SyntaxKind::R_CURLY | SyntaxKind::R_PAREN | SyntaxKind::R_BRACK => {
                let expected = match kind {
                    SyntaxKind::R_CURLY => SyntaxKind::L_CURLY,
                    SyntaxKind::R_PAREN => SyntaxKind::L_PAREN,
                    _ => SyntaxKind::L_BRACK,
                };
                if open.pop() != Some(expected) {
                    return Completeness::Invalid;
                }
            }
            _ => {}
        }
    }
    // The end of the last token that is not a space or a comment.
    let code_end = file
        .syntax_node()
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|token| !token.kind().is_trivia())
        .last()
        .map_or(0, |token| usize::from(token.text_range().end()));
    let unterminated = file.errors().iter().any(|e| {
        let message = e.to_string();
        let reaches_end = usize::from(e.range().end()) >= code_end;
        message.contains("Missing trailing")
            || message.contains("unterminated")
            || (message.contains("Invalid raw string literal") && reaches_end)
    });
    if !open.is_empty() || unterminated {
        return Completeness::Incomplete(indent(open.len()));
    }
    // Balanced: it must parse as the body of a function, as evcxr runs it.
    let function = cell::parse_as_function(&rust);
    let errors = function.errors();
    if errors.is_empty() {
        return Completeness::Complete;
    }
    // Where the parser stopped because the text ran out (`let x =`, `1 +`, `x.`, `else`, an
    // attribute with no item yet), more lines are needed: Python's `if x:` or a decorator.
    // An error before that point cannot be mended by typing on.
    let end = cell::BODY_OFFSET + code_end;
    if errors.iter().any(|e| usize::from(e.range().start()) < end) {
        return Completeness::Invalid;
    }
    if errors.iter().all(|e| e.to_string() == "expected SEMICOLON") {
        // A statement with no `;`: evcxr rejects `let x = 1` but runs an item such as
        // `use std::collections::HashMap`.
        let last_is_item = cell::function_body(&function.tree())
            .and_then(|body| body.statements().last())
            .is_some_and(|statement| matches!(statement, ast::Stmt::Item(_)));
        return if last_is_item { Completeness::Complete } else { Completeness::Invalid };
    }
    Completeness::Incomplete(indent(open.len()))
}

/// Four spaces per open bracket, at least one level and at most eight.
fn indent(open: usize) -> String {
    "    ".repeat(open.clamp(1, 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_cells() {
        for code in [
            "let x = 1;",
            "6 * 7",
            "fn f() -> i32 { 1 }",
            ":dep rand\nlet y = 2;",
            "",
            "%%program\nfn main(",
            "\"a { b\"",
            "use std::collections::HashMap",
            "#[derive(Debug)]\nstruct Point { x: i32 }",
            "let total = 1 +\n    2;",
        ] {
            assert_eq!(is_complete(code), Completeness::Complete, "{code:?}");
        }
    }

    #[test]
    fn incomplete_cells() {
        assert_eq!(is_complete("fn f() {"), Completeness::Incomplete("    ".into()));
        assert_eq!(is_complete("for i in 0..3 {\n  if i > 1 {"), Completeness::Incomplete("        ".into()));
        assert!(matches!(is_complete("let s = \"abc"), Completeness::Incomplete(_)));
        assert!(matches!(is_complete("/* note"), Completeness::Incomplete(_)));
        assert!(matches!(is_complete("foo(1,"), Completeness::Incomplete(_)));
        for code in [
            "let x =",
            "1 +",
            "x.",
            "if ready {} else",
            "#[derive(Debug)]",
            "fn f() ->",
            "let s = r#\"raw",
            "let x = // soon",
        ] {
            assert_eq!(is_complete(code), Completeness::Incomplete("    ".into()), "{code:?}");
        }
    }

    #[test]
    fn invalid_cells() {
        assert_eq!(is_complete("fn f() }"), Completeness::Invalid);
        assert_eq!(is_complete("let v = [1, 2);"), Completeness::Invalid);
        assert_eq!(is_complete("let = ;"), Completeness::Invalid);
        // The error is before the end: typing on cannot mend it.
        assert_eq!(is_complete("a b c"), Completeness::Invalid);
        assert_eq!(is_complete("let x = 1\nlet y = 2;"), Completeness::Invalid);
        // evcxr rejects a `let` without its `;`.
        assert_eq!(is_complete("let x = 1"), Completeness::Invalid);
    }
}
