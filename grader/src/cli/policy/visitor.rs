//! The syntax visitor that applies the policy: it walks the parsed submission, rejects what the
//! [`rules`](super::rules) do not allow (with the line it is on, judged on the path as the
//! learner wrote it), notes what no scheduler can control, and records the edits that route
//! every `std` path through the harness's `__tl_std` (`threading::stdlib`: `std` with
//! controlled synchronisation).

use super::paths::{leaf, unraw};
use super::rules::*;
use super::{Edit, Outside, Violation};
use proc_macro2::{Span, TokenStream, TokenTree};
use std::collections::{BTreeSet, HashMap};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;

/// A span's start as a 1-based (line, column).
pub(super) fn start_of(span: Span) -> (usize, usize) {
    let start = span.start();
    (start.line, start.column + 1)
}

/// The policy's walk over one submission.
pub(super) struct Checker {
    pub(super) aliases: HashMap<String, Vec<String>>,
    pub(super) glob_threading: bool,
    pub(super) violations: BTreeSet<Violation>,
    pub(super) outside: Vec<Outside>,
    pub(super) edits: Vec<Edit>,
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
        if let Some(item) = item
            && UNCONTROLLED.contains(&(module.as_str(), item))
        {
            let (line, _) = start_of(span);
            self.outside.push(Outside { line, what: path[..3].join("::") });
        }
    }

    fn syn_path(&mut self, path: &syn::Path) {
        let names: Vec<String> = path.segments.iter().map(|s| unraw(&s.ident.to_string())).collect();
        self.path(&names, path.leading_colon.is_some(), path.span());
        if names.len() >= 2 && names[0] == "std" {
            let start = path.leading_colon.map(|c| c.spans[0]).unwrap_or(path.segments[0].ident.span());
            self.reroute(start, path.segments[0].ident.span());
        }
    }

    /// Replaces `std` (or `::std`) from `start` to the end of `std_ident` with the harness's
    /// `__tl_std`, which is `threading::stdlib`: `std` itself, except that every
    /// synchronisation (`sync`, `thread`, `hint::spin_loop`) is a point a scheduler controls.
    /// The replacement stays on the same line, so rustc's line numbers are the learner's.
    fn reroute(&mut self, start: Span, std_ident: Span) {
        let (s, e) = (start.start(), std_ident.end());
        self.edits.push(Edit {
            start: (s.line, s.column),
            end: (e.line, e.column),
            with: "crate::__tl_std".into(),
        });
    }

    pub(super) fn attribute(&mut self, attr: &syn::Attribute) {
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
                    if names[0] == "std" && names.len() >= 2 {
                        let start = if leading { trees[i - 2].span() } else { ident.span() };
                        self.reroute(start, ident.span());
                    }
                    i = j;
                }
                _ => i += 1,
            }
        }
    }

    /// Checks a `use` tree; `start` is where the path starts if this tree is the whole `use`
    /// (its leading `::` included), `None` inside a group.
    fn use_tree(
        &mut self,
        prefix: &mut Vec<String>,
        tree: &syn::UseTree,
        leading: bool,
        start: Option<Span>,
    ) {
        match tree {
            syn::UseTree::Path(p) => {
                let name = unraw(&p.ident.to_string());
                if prefix.is_empty() && name == "std" {
                    self.reroute(start.unwrap_or(p.ident.span()), p.ident.span());
                }
                prefix.push(name);
                self.use_tree(prefix, &p.tree, leading, None);
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
                    _ => {}
                }
            }
            syn::UseTree::Group(group) => {
                for item in &group.items {
                    self.use_tree(prefix, item, leading, None);
                }
            }
        }
    }
}

fn is_colon_pair(a: &TokenTree, b: &TokenTree) -> bool {
    matches!((a, b), (TokenTree::Punct(x), TokenTree::Punct(y)) if x.as_char() == ':' && y.as_char() == ':' && x.spacing() == proc_macro2::Spacing::Joint)
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
        self.use_tree(&mut Vec::new(), &item.tree, item.leading_colon.is_some(), Some(start));
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
