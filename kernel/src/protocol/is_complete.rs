//! `is_complete`: whether a cell is ready to run, needs more lines, or cannot run.

use ra_ap_syntax::{Edition, SourceFile, SyntaxKind};

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
/// incomplete while a bracket, string or block comment is open, invalid when a bracket closes
/// nothing or the wrong thing, or when it does not parse as statements.
pub fn is_complete(code: &str) -> Completeness {
    if code.trim_start().starts_with("%%") {
        return Completeness::Complete;
    }
    let rust: String = code
        .lines()
        .map(|line| if line.trim_start().starts_with(':') { "" } else { line })
        .collect::<Vec<_>>()
        .join("\n");
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
    let unterminated = file.errors().iter().any(|e| {
        let message = e.to_string();
        message.contains("Missing trailing") || message.contains("unterminated")
    });
    if !open.is_empty() || unterminated {
        return Completeness::Incomplete("    ".repeat(open.len().clamp(1, 8)));
    }
    // Balanced: it must parse as the body of a function, as evcxr runs it.
    let wrapped = format!("fn evcxr_cell() {{\n{rust}\n}}");
    if SourceFile::parse(&wrapped, Edition::Edition2024).errors().is_empty() {
        Completeness::Complete
    } else {
        Completeness::Invalid
    }
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
    }

    #[test]
    fn invalid_cells() {
        assert_eq!(is_complete("fn f() }"), Completeness::Invalid);
        assert_eq!(is_complete("let v = [1, 2);"), Completeness::Invalid);
        assert_eq!(is_complete("let = ;"), Completeness::Invalid);
    }
}
