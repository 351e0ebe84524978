//! Path resolution for the policy: raw identifiers read as the names they spell, and `use`
//! aliases followed to the full path they stand for (`use std::fs as f; f::read` is
//! `std::fs::read`), so that the visitor judges canonical paths.

use std::collections::HashMap;
use syn::visit::Visit;

/// The name a possibly raw identifier spells (`r#std` is `std`).
pub(super) fn unraw(name: &str) -> String {
    name.strip_prefix("r#").unwrap_or(name).to_string()
}

/// The full path of a `use` leaf; `self` names the prefix itself.
pub(super) fn leaf(prefix: &[String], name: &str) -> Vec<String> {
    if name == "self" { prefix.to_vec() } else { prefix.iter().cloned().chain([name.to_string()]).collect() }
}

/// Collects what every `use` binds: local name → full path.
#[derive(Default)]
pub(super) struct Aliases(pub(super) HashMap<String, Vec<String>>);

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
