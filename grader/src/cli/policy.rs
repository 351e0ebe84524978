//! Stage 2, check: reject what a solution never needs, before anything is compiled, and find
//! out how the submission synchronises (which decides the scheduling mode).
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

use proc_macro2::{Span, TokenStream, TokenTree};
use std::collections::{BTreeSet, HashMap};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;

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

/// A use of something that blocks or synchronises outside `threading`.
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
    /// Synchronisation outside `threading` (non-empty means OS-chaos mode).
    pub outside: Vec<Outside>,
    /// Items dropped before compiling.
    pub removals: Vec<Removal>,
    /// Edits that route `std::thread::{sleep, yield_now}` through `threading` (so that a
    /// sleep is a scheduling point).
    pub edits: Vec<Edit>,
    /// `syn` could not parse the source (rustc will say why).
    pub parse_error: Option<(usize, String)>,
}

const STD_ALLOWED: &[&str] = &[
    "sync",
    "thread",
    "time",
    "collections",
    "cell",
    "rc",
    "fmt",
    "iter",
    "ops",
    "cmp",
    "convert",
    "default",
    "mem",
    "marker",
    "hint",
    "num",
    "string",
    "vec",
    "boxed",
    "option",
    "result",
    "borrow",
    "hash",
    "array",
    "slice",
    "str",
    "char",
    "any",
    "error",
    "prelude",
    "f32",
    "f64",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "primitive",
    "panic",
    "io",
    "ascii",
    "clone",
    "future",
    "task",
    "pin",
];

const STD_PANIC_DENIED: &[&str] = &["set_hook", "take_hook", "update_hook", "always_abort"];

const THREADING_ALLOWED: &[&str] = &[
    "Thread",
    "Builder",
    "Run",
    "Lock",
    "LockGuard",
    "RLock",
    "RLockGuard",
    "Condition",
    "ConditionGuard",
    "Semaphore",
    "SemaphoreGuard",
    "BoundedSemaphore",
    "BoundedSemaphoreGuard",
    "Event",
    "Barrier",
    "Timer",
    "Local",
    "sleep",
    "current_thread",
    "get_ident",
    "get_native_id",
    "active_count",
    "enumerate",
    "main_thread",
    "RuntimeError",
    "ValueError",
    "BrokenBarrierError",
    "TimeoutError",
    "KeyboardInterrupt",
    "TIMEOUT_MAX",
    "stack_size",
    "check_interrupt",
    "queue",
    "ThreadState",
    "blocked_threads",
    "report",
    "Blocked",
    "BlockedSince",
];

/// `threading` items a glob import would bring in that a submission may not use.
const THREADING_DENIED: &[&str] = &[
    "schedule",
    "interrupt",
    "interrupt_main",
    "set_excepthook",
    "reset_excepthook",
    "get_excepthook",
    "restore_excepthook",
    "excepthook",
    "ExceptHook",
    "ExceptHookArgs",
    "shutdown",
    "exit_guard",
    "ExitGuard",
    "set_stack_size",
    "agent",
    "process",
    "Waiter",
    "Wake",
];

const OTHER_CRATES: &[&str] = &["core", "alloc", "proc_macro", "test", "libc", "threadlab_grader"];

const MACROS_ALLOWED: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "format",
    "format_args",
    "write",
    "writeln",
    "vec",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
    "matches",
    "dbg",
    "thread_local",
    "concat",
    "stringify",
    "line",
    "column",
    "file",
    "module_path",
    "cfg",
];

const ATTRIBUTES_ALLOWED: &[&str] = &[
    "derive",
    "allow",
    "warn",
    "deny",
    "expect",
    "doc",
    "inline",
    "must_use",
    "cold",
    "track_caller",
    "cfg",
];

const DERIVES_ALLOWED: &[&str] =
    &["Debug", "Clone", "Copy", "Default", "PartialEq", "Eq", "PartialOrd", "Ord", "Hash"];

/// `std::sync` items that do not synchronise by themselves.
const SYNC_NEUTRAL: &[&str] = &["Arc", "Weak"];
/// `std::thread` items the harness routes through `threading` (or that do not block).
const THREAD_NEUTRAL: &[&str] =
    &["sleep", "yield_now", "current", "ThreadId", "Thread", "panicking", "AccessError", "LocalKey"];

fn unraw(name: &str) -> String {
    name.strip_prefix("r#").unwrap_or(name).to_string()
}

fn start_of(span: Span) -> (usize, usize) {
    let start = span.start();
    (start.line, start.column + 1)
}

struct Checker {
    aliases: HashMap<String, Vec<String>>,
    glob_threading: bool,
    violations: BTreeSet<Violation>,
    outside: Vec<Outside>,
    edits: Vec<Edit>,
}

impl Checker {
    fn reject(&mut self, span: Span, message: impl Into<String>) {
        let (line, column) = start_of(span);
        self.violations.insert(Violation { line, column, message: message.into() });
    }

    /// Checks a path given as names, with `leading` for a leading `::`.
    fn path(&mut self, names: &[String], leading: bool, span: Span) {
        if names.is_empty() {
            return;
        }
        for name in names {
            if name.starts_with("__tl") || name.starts_with("__threadlab") || name == "threadlab_grader" {
                self.reject(span, format!("`{name}` is reserved for the grader's harness"));
                return;
            }
        }
        let root = names[0].as_str();
        if !leading
            && (root == "main"
                || (matches!(root, "crate" | "self" | "super") && names.get(1).is_some_and(|n| n == "main")))
        {
            self.reject(span, "`main` belongs to the grader's harness: remove calls to it");
            return;
        }
        let mut canonical: Vec<String> = if leading {
            names.to_vec()
        } else if let Some(full) = self.aliases.get(root) {
            full.iter().chain(&names[1..]).cloned().collect()
        } else if self.glob_threading && THREADING_DENIED.contains(&root) {
            std::iter::once("threading".to_string()).chain(names.iter().cloned()).collect()
        } else {
            names.to_vec()
        };
        if matches!(canonical[0].as_str(), "crate" | "self" | "super") {
            canonical.remove(0);
            if canonical.is_empty() {
                return;
            }
        }
        let first = canonical[0].as_str();
        match first {
            "std" => self.std_path(&canonical, span),
            "threading" => {
                if let Some(item) = canonical.get(1)
                    && !THREADING_ALLOWED.contains(&item.as_str())
                {
                    self.reject(
                        span,
                        format!(
                            "`threading::{item}` is not available in submissions (it is the grader's tooling)"
                        ),
                    );
                }
            }
            _ if OTHER_CRATES.contains(&first) => {
                self.reject(
                    span,
                    format!("only `std` and `threading` may be used: `{first}` is another crate"),
                );
            }
            _ if leading => {
                self.reject(
                    span,
                    format!("only `std` and `threading` may be used: `::{first}` names another crate"),
                );
            }
            _ => {}
        }
    }

    fn std_path(&mut self, path: &[String], span: Span) {
        let Some(module) = path.get(1) else { return };
        if !STD_ALLOWED.contains(&module.as_str()) {
            let why = match module.as_str() {
                "fs" | "path" => " (no file access)",
                "net" => " (no network)",
                "process" => " (no exiting or starting processes)",
                "env" => " (no environment)",
                "os" | "ffi" | "arch" | "intrinsics" | "alloc" | "ptr" | "simd" => " (no low-level access)",
                _ => "",
            };
            self.reject(span, format!("`std::{module}` is not available in submissions{why}"));
            return;
        }
        let item = path.get(2).map(String::as_str);
        if module == "panic" && item.is_some_and(|i| STD_PANIC_DENIED.contains(&i)) {
            self.reject(
                span,
                format!("`std::panic::{}` is not available in submissions", item.unwrap_or_default()),
            );
        }
        let (line, _) = start_of(span);
        let outside = match (module.as_str(), item) {
            ("sync", Some(item)) => !SYNC_NEUTRAL.contains(&item),
            ("thread", Some(item)) => !THREAD_NEUTRAL.contains(&item),
            ("hint", Some("spin_loop")) => true,
            _ => false,
        };
        if outside {
            self.outside.push(Outside { line, what: path[..3.min(path.len())].join("::") });
        }
    }

    fn syn_path(&mut self, path: &syn::Path) {
        let names: Vec<String> = path.segments.iter().map(|s| unraw(&s.ident.to_string())).collect();
        self.path(&names, path.leading_colon.is_some(), path.span());
        if names.len() >= 2 && names[0] == "std" && names[1] == "thread" {
            let start = path.leading_colon.map(|c| c.spans[0]).unwrap_or(path.segments[0].ident.span());
            self.reroute(start, path.segments[0].ident.span());
        }
    }

    /// Replaces `std` (or `::std`) from `start` to the end of `std_ident` with the harness's
    /// `std` whose `thread::{sleep, yield_now}` go through `threading`.
    fn reroute(&mut self, start: Span, std_ident: Span) {
        let (s, e) = (start.start(), std_ident.end());
        self.edits.push(Edit {
            start: (s.line, s.column),
            end: (e.line, e.column),
            with: "crate::__tl_std".into(),
        });
    }

    fn attribute(&mut self, attr: &syn::Attribute) {
        if matches!(attr.style, syn::AttrStyle::Inner(_)) {
            self.reject(attr.span(), "crate attributes (`#![...]`) are not allowed in submissions");
            return;
        }
        let path = attr.path();
        let name = path.segments.iter().map(|s| unraw(&s.ident.to_string())).collect::<Vec<_>>().join("::");
        if name == "rustfmt::skip" {
            return;
        }
        if !ATTRIBUTES_ALLOWED.contains(&name.as_str()) {
            self.reject(attr.span(), format!("the attribute `#[{name}]` is not allowed in submissions"));
            return;
        }
        if name == "derive" {
            let parsed = attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated);
            match parsed {
                Ok(derives) => {
                    for derive in derives {
                        let last =
                            derive.segments.last().map(|s| unraw(&s.ident.to_string())).unwrap_or_default();
                        if !DERIVES_ALLOWED.contains(&last.as_str()) {
                            self.reject(
                                derive.span(),
                                format!("`#[derive({last})]` is not allowed (only the standard derives)"),
                            );
                        } else {
                            self.syn_path(&derive);
                        }
                    }
                }
                Err(_) => self.reject(attr.span(), "this `#[derive(...)]` is not understood"),
            }
        }
    }

    fn macro_call(&mut self, mac: &syn::Macro) {
        let names: Vec<String> = mac.path.segments.iter().map(|s| unraw(&s.ident.to_string())).collect();
        let last = names.last().cloned().unwrap_or_default();
        if names.len() > 1 {
            self.path(&names, mac.path.leading_colon.is_some(), mac.path.span());
        }
        if last == "macro_rules" {
            self.reject(mac.path.span(), "defining macros (`macro_rules!`) is not allowed in submissions");
            return;
        }
        if !MACROS_ALLOWED.contains(&last.as_str()) {
            self.reject(mac.path.span(), format!("the macro `{last}!` is not allowed in submissions"));
            return;
        }
        let parsed = mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated);
        match parsed {
            Ok(exprs) => {
                for expr in &exprs {
                    self.visit_expr(expr);
                }
            }
            Err(_) => self.tokens(mac.tokens.clone()),
        }
    }

    /// Checks every path spelled in raw tokens (macro bodies that are not expressions).
    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(group) => {
                    self.tokens(group.stream());
                    i += 1;
                }
                TokenTree::Ident(ident) => {
                    // `::name` at the start of a path (not `<T as U>::name` or `Vec::<u8>::new`).
                    let leading = i >= 2
                        && is_colon_pair(&trees[i - 2], &trees[i - 1])
                        && (i == 2 || matches!(&trees[i - 3], TokenTree::Punct(p) if p.as_char() != '>'));
                    let mut names = vec![unraw(&ident.to_string())];
                    let mut j = i + 1;
                    while j + 2 < trees.len() && is_colon_pair(&trees[j], &trees[j + 1]) {
                        let TokenTree::Ident(next) = &trees[j + 2] else { break };
                        names.push(unraw(&next.to_string()));
                        j += 3;
                    }
                    if matches!(names[0].as_str(), "unsafe" | "extern") {
                        self.reject(ident.span(), format!("`{}` is not allowed in submissions", names[0]));
                    }
                    let bang = matches!(trees.get(j), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                    if bang && !MACROS_ALLOWED.contains(&names.last().map(String::as_str).unwrap_or_default())
                    {
                        self.reject(
                            ident.span(),
                            format!(
                                "the macro `{}!` is not allowed in submissions",
                                names.last().cloned().unwrap_or_default()
                            ),
                        );
                    }
                    self.path(&names, leading, ident.span());
                    i = j;
                }
                _ => i += 1,
            }
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree, leading: bool, start: Span) {
        match tree {
            syn::UseTree::Path(p) => {
                let name = unraw(&p.ident.to_string());
                if prefix.is_empty() && name == "std" && tree_mentions(&p.tree, "thread") {
                    self.reroute(start, p.ident.span());
                }
                prefix.push(name);
                self.use_tree(prefix, &p.tree, leading, start);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = unraw(&n.ident.to_string());
                let full = leaf(prefix, &name);
                self.path(&full, leading, n.ident.span());
            }
            syn::UseTree::Rename(r) => {
                let name = unraw(&r.ident.to_string());
                let full = leaf(prefix, &name);
                if full.len() == 1 && matches!(full[0].as_str(), "std" | "threading") {
                    self.reject(
                        r.span(),
                        "renaming a crate (`use std as ...`) is not allowed in submissions",
                    );
                }
                self.path(&full, leading, r.ident.span());
            }
            syn::UseTree::Glob(g) => {
                self.path(prefix, leading, g.span());
                let target = prefix.join("::");
                match target.as_str() {
                    "std" | "" => {
                        self.reject(g.span(), "glob imports of a crate root (`use std::*`) are not allowed")
                    }
                    "threading" => self.glob_threading = true,
                    "std::sync" | "std::sync::atomic" | "std::sync::mpsc" | "std::thread" => {
                        let (line, _) = start_of(g.span());
                        self.outside.push(Outside { line, what: format!("{target}::*") });
                    }
                    _ => {}
                }
            }
            syn::UseTree::Group(group) => {
                for item in &group.items {
                    self.use_tree(prefix, item, leading, start);
                }
            }
        }
    }
}

fn is_colon_pair(a: &TokenTree, b: &TokenTree) -> bool {
    matches!((a, b), (TokenTree::Punct(x), TokenTree::Punct(y)) if x.as_char() == ':' && y.as_char() == ':' && x.spacing() == proc_macro2::Spacing::Joint)
}

/// The full path of a `use` leaf; `self` names the prefix itself.
fn leaf(prefix: &[String], name: &str) -> Vec<String> {
    if name == "self" { prefix.to_vec() } else { prefix.iter().cloned().chain([name.to_string()]).collect() }
}

fn tree_mentions(tree: &syn::UseTree, name: &str) -> bool {
    match tree {
        syn::UseTree::Path(p) => p.ident == name || tree_mentions(&p.tree, name),
        syn::UseTree::Name(n) => n.ident == name,
        syn::UseTree::Rename(r) => r.ident == name,
        syn::UseTree::Glob(_) => true,
        syn::UseTree::Group(g) => g.items.iter().any(|i| tree_mentions(i, name)),
    }
}

/// Collects what every `use` binds: local name → full path.
#[derive(Default)]
struct Aliases(HashMap<String, Vec<String>>);

impl Aliases {
    fn tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(unraw(&p.ident.to_string()));
                self.tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = unraw(&n.ident.to_string());
                let full = leaf(prefix, &name);
                let local = if name == "self" { prefix.last().cloned().unwrap_or_default() } else { name };
                if full.len() > 1 {
                    self.0.insert(local, full);
                }
            }
            syn::UseTree::Rename(r) => {
                let full = leaf(prefix, &unraw(&r.ident.to_string()));
                self.0.insert(unraw(&r.rename.to_string()), full);
            }
            syn::UseTree::Glob(_) => {}
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.tree(prefix, item);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Aliases {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.tree(&mut Vec::new(), &item.tree);
    }
}

impl<'ast> Visit<'ast> for Checker {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        match item {
            syn::Item::ForeignMod(m) => {
                self.reject(m.abi.span(), "`extern` blocks are not allowed in submissions")
            }
            syn::Item::ExternCrate(e) => {
                self.reject(e.span(), "`extern crate` is not allowed: only `std` and `threading` may be used")
            }
            syn::Item::Union(u) => self.reject(u.union_token.span, "unions are not allowed in submissions"),
            syn::Item::Mod(m) if m.content.is_none() => self.reject(
                m.span(),
                "modules in other files (`mod name;`) are not allowed: put everything in one file",
            ),
            syn::Item::Macro(m) if m.ident.is_some() => self
                .reject(m.mac.path.span(), "defining macros (`macro_rules!`) is not allowed in submissions"),
            syn::Item::Verbatim(v) => self.tokens(v.clone()),
            _ => {}
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        for attr in &item.attrs {
            self.attribute(attr);
        }
        let start = item.leading_colon.map(|c| c.spans[0]).unwrap_or_else(|| item.tree.span());
        self.use_tree(&mut Vec::new(), &item.tree, item.leading_colon.is_some(), start);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        self.attribute(attr);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.syn_path(path);
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.macro_call(mac);
    }

    fn visit_expr_unsafe(&mut self, e: &'ast syn::ExprUnsafe) {
        self.reject(e.unsafe_token.span, "`unsafe` is not allowed in submissions");
        syn::visit::visit_expr_unsafe(self, e);
    }

    fn visit_signature(&mut self, sig: &'ast syn::Signature) {
        if let Some(u) = &sig.unsafety {
            self.reject(u.span, "`unsafe fn` is not allowed in submissions");
        }
        if let Some(abi) = &sig.abi {
            self.reject(abi.extern_token.span, "`extern` functions are not allowed in submissions");
        }
        syn::visit::visit_signature(self, sig);
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        if let Some(u) = &item.unsafety {
            self.reject(u.span, "`unsafe impl` is not allowed in submissions");
        }
        syn::visit::visit_item_impl(self, item);
    }

    fn visit_item_trait(&mut self, item: &'ast syn::ItemTrait) {
        if let Some(u) = &item.unsafety {
            self.reject(u.span, "`unsafe trait` is not allowed in submissions");
        }
        syn::visit::visit_item_trait(self, item);
    }

    fn visit_type_bare_fn(&mut self, t: &'ast syn::TypeBareFn) {
        if let Some(u) = &t.unsafety {
            self.reject(u.span, "`unsafe fn` types are not allowed in submissions");
        }
        if let Some(abi) = &t.abi {
            self.reject(abi.extern_token.span, "`extern` function types are not allowed in submissions");
        }
        syn::visit::visit_type_bare_fn(self, t);
    }
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
/// let b = threadlab_grader::cli::policy::analyze("use std::sync::Mutex;\nstruct S(Mutex<u8>);\n");
/// assert!(b.violations.is_empty() && !b.outside.is_empty());
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
