//! Stage 2, policy: reject what a solution never needs, before anything is compiled, find
//! what no scheduler can control (which decides the scheduling mode), and say which `std`
//! paths to route through `threading::stdlib` (every one: the rules judge the paths as the
//! learner wrote them, the edits only change what is compiled).
//!
//! The source is parsed with `syn`, never matched with regular expressions. Rejected, each
//! with the line it is on:
//! * `unsafe` anywhere (blocks, functions, impls, traits), `extern` blocks, functions and
//!   crates, ABIs;
//! * any crate but `std` and `threading` (`core`, `alloc`, `libc`, `::other`, the grader's own);
//! * `std::{fs, net, env, process, os, ffi, path, arch, alloc, ptr, intrinsics, ...}` — every
//!   `std` module not on an allow-list — and `std::panic::{set_hook, take_hook}`;
//! * `threading`'s tooling (`schedule`, `interrupt`, `set_excepthook`, `shutdown`, `process`,
//!   ...) — every `threading` item not on an allow-list;
//! * macros other than the standard formatting/assertion ones: `include*!`, `env!`, `asm!`,
//!   and any macro the submission defines (a macro could assemble a forbidden path from
//!   pieces: there are none to assemble with);
//! * attributes other than a small allow-list (no `#[link]`, `#[no_mangle]`,
//!   `#[export_name]`, `cfg_attr`), and every crate attribute (`#![...]`);
//! * aliasing a crate root (`use std as s;`), glob imports of `std`'s root, modules in other
//!   files, unions, names the harness reserves (`__tl...`, `main`, `threadlab_grader`).
//!
//! Raw identifiers (`r#std`) are read as the names they spell; `::std` is `std`; `use`
//! aliases are followed, so `use std::fs as f; f::read(..)` is seen as `std::fs::read`.
//! Paths inside the arguments of allowed macros are checked too (parsed as expressions, or
//! token by token when they do not parse).

mod paths;
mod rules;
mod visitor;

use paths::Aliases;
use proc_macro2::{Span, TokenStream, TokenTree};
use std::collections::BTreeSet;
use syn::spanned::Spanned;
use syn::visit::Visit;
use visitor::{Checker, start_of};

/// Something the submission may not contain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// 1-based line in the source.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is forbidden, and why.
    pub message: String,
}

/// A use of something that blocks or synchronises where no scheduler can see it, even with
/// `std` routed through `threading::stdlib` (`std::thread::sleep_ms`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outside {
    /// 1-based line.
    pub line: usize,
    /// The canonical path, e.g. `std::sync::Mutex`.
    pub what: String,
}

/// A top-level item the grader drops before compiling (the learner's `fn main`, tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// First line (1-based).
    pub first_line: usize,
    /// Last line (1-based).
    pub last_line: usize,
    /// What it is.
    pub what: String,
}

/// A text edit that keeps line numbers: replace `[start, end)` (line/column pairs, 1-based
/// lines, 0-based char columns) with `with`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Start (line, column).
    pub start: (usize, usize),
    /// End (line, column).
    pub end: (usize, usize),
    /// The replacement.
    pub with: String,
}

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Forbidden code; the submission is rejected if there is any.
    pub violations: Vec<Violation>,
    /// Synchronisation no scheduler controls (non-empty means OS-chaos mode).
    pub outside: Vec<Outside>,
    /// Items dropped before compiling.
    pub removals: Vec<Removal>,
    /// Edits that route every `std` path through the harness's `__tl_std`, i.e.
    /// `threading::stdlib` (so that every `std` synchronisation, sleep and yield is a
    /// scheduling point), each on the line it replaces.
    pub edits: Vec<Edit>,
    /// `syn` could not parse the source (rustc will say why).
    pub parse_error: Option<(usize, String)>,
}

/// Whether a top-level item is one the grader drops: the learner's `fn main` or a
/// `#[cfg(test)]` module.
fn removable(item: &syn::Item) -> Option<&'static str> {
    let attrs: &[syn::Attribute] = match item {
        syn::Item::Fn(f) => &f.attrs,
        syn::Item::Mod(m) => &m.attrs,
        syn::Item::Use(u) => &u.attrs,
        syn::Item::Struct(s) => &s.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Const(c) => &c.attrs,
        _ => &[],
    };
    match item {
        syn::Item::Fn(f) if f.sig.ident == "main" => Some("your `fn main` (the grader provides its own)"),
        syn::Item::Fn(_) if attrs.iter().any(|a| a.path().is_ident("test")) => {
            Some("your `#[test]` function")
        }
        _ if attrs.iter().any(is_cfg_test) => Some("your `#[cfg(test)]` code"),
        _ => None,
    }
}

fn is_cfg_test(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("cfg")
        && matches!(&attr.meta, syn::Meta::List(list) if list.tokens.to_string() == "test")
}

/// Finds raw `unsafe`/`extern` keywords anywhere (a last net under the syntax tree walk).
fn keywords(tokens: TokenStream, out: &mut Vec<(Span, String)>) {
    for tree in tokens {
        match tree {
            TokenTree::Group(g) => keywords(g.stream(), out),
            TokenTree::Ident(i) if i == "unsafe" || i == "extern" => out.push((i.span(), i.to_string())),
            _ => {}
        }
    }
}

/// Checks `source`.
///
/// ```
/// let a = threadlab_grader::cli::policy::analyze("use std::fs;\nfn f() { unsafe {} }\n");
/// let lines: Vec<usize> = a.violations.iter().map(|v| v.line).collect();
/// assert_eq!(lines, [1, 2]);
/// // `std` synchronisation is routed through `threading::stdlib` (controlled), line for line.
/// let b = threadlab_grader::cli::policy::analyze("use std::sync::Mutex;\nstruct S(Mutex<u8>);\n");
/// assert!(b.violations.is_empty() && b.outside.is_empty() && b.edits.len() == 1);
/// // What `threading::stdlib` passes through from `std` uncontrolled picks OS chaos.
/// let c = threadlab_grader::cli::policy::analyze("fn f() { std::thread::sleep_ms(1); }\n");
/// assert_eq!(c.outside[0].what, "std::thread::sleep_ms");
/// ```
pub fn analyze(source: &str) -> Analysis {
    let mut analysis = Analysis::default();
    let file = match syn::parse_file(source) {
        Ok(file) => file,
        Err(e) => {
            analysis.parse_error = Some((e.span().start().line, e.to_string()));
            // Still look for forbidden keywords: the rejection is clearer than a syntax error.
            if let Ok(tokens) = source.parse::<TokenStream>() {
                let mut found = Vec::new();
                keywords(tokens, &mut found);
                for (span, word) in found {
                    let (line, column) = start_of(span);
                    analysis.violations.push(Violation {
                        line,
                        column,
                        message: format!("`{word}` is not allowed in submissions"),
                    });
                }
            }
            return analysis;
        }
    };
    let mut aliases = Aliases::default();
    aliases.visit_file(&file);
    let mut checker = Checker {
        aliases: aliases.0,
        glob_threading: false,
        violations: BTreeSet::new(),
        outside: Vec::new(),
        edits: Vec::new(),
    };
    // Globs first, so that paths through them are read right wherever they are.
    for item in &file.items {
        if let syn::Item::Use(u) = item {
            checker.visit_item_use(u);
        }
    }
    for attr in &file.attrs {
        checker.attribute(attr);
    }
    for item in &file.items {
        if let Some(what) = removable(item) {
            analysis.removals.push(Removal {
                first_line: item.span().start().line,
                last_line: item.span().end().line,
                what: what.to_string(),
            });
            continue;
        }
        if !matches!(item, syn::Item::Use(_)) {
            checker.visit_item(item);
        }
    }
    let mut found = Vec::new();
    keywords(source.parse::<TokenStream>().unwrap_or_default(), &mut found);
    for (span, word) in found {
        let (line, column) = start_of(span);
        let removed = analysis.removals.iter().any(|r| (r.first_line..=r.last_line).contains(&line));
        if !removed && !checker.violations.iter().any(|v| v.line == line) {
            checker.violations.insert(Violation {
                line,
                column,
                message: format!("`{word}` is not allowed in submissions"),
            });
        }
    }
    analysis.violations = checker.violations.into_iter().collect();
    analysis.outside = checker.outside;
    analysis.edits = checker.edits;
    analysis.edits.sort_by_key(|e| e.start);
    analysis.edits.dedup();
    analysis
}
