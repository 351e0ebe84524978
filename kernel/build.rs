//! Embeds the bundled crates' sources (the `threading` crate, ...) into the kernel binary, so that
//! cells can use them with no `:dep` line, from any directory, also after `cargo install`.
//!
//! Each crate's `Cargo.toml` is rewritten to stand alone: values inherited from the workspace are
//! filled in, path dependencies on other bundled crates point to their sibling folder, and what a
//! cell never needs (dev-dependencies, loom, benches) is dropped; the lints stay, since they
//! declare the crate's own cfgs. The generated `bundle.rs` lists every file with `include_bytes!`
//! and a content hash that names the folder the kernel unpacks them to.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// The bundled crates, which every cell gets: (folder in the workspace, options added to the
/// cells' dependency line). Adding a crate is one line here.
const BUNDLED: &[(&str, &str)] = &[("threading", ""), ("grader", "default-features = false")];

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let workspace = manifest_dir.parent().unwrap().to_path_buf();
    let workspace_toml = read_toml(&workspace.join("Cargo.toml"));
    // Relative paths: cargo resolves them against this package's folder, so a build in another
    // clone sharing the target folder (CI's fresh clones) looks at its own sources, not at the
    // absolute paths an earlier clone's build recorded.
    println!("cargo:rerun-if-changed=../Cargo.toml");

    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let mut hasher = Sha256::new();
    let mut code = String::from("pub(crate) static CRATES: &[BundledCrate] = &[\n");
    for (folder, options) in BUNDLED {
        let crate_dir = workspace.join(folder);
        println!("cargo:rerun-if-changed=../{folder}/Cargo.toml");
        println!("cargo:rerun-if-changed=../{folder}/src");
        let (name, manifest) = standalone_manifest(&crate_dir, &workspace, &workspace_toml);
        let manifest_path = out_dir.join(format!("{folder}.Cargo.toml"));
        std::fs::write(&manifest_path, &manifest).unwrap();

        let mut files = vec![("Cargo.toml".to_owned(), manifest_path)];
        for extra in ["build.rs", "README.md"] {
            if crate_dir.join(extra).is_file() {
                files.push((extra.to_owned(), crate_dir.join(extra)));
            }
        }
        collect(&crate_dir.join("src"), "src", &mut files);
        files.sort();

        writeln!(
            code,
            "    BundledCrate {{ folder: {folder:?}, name: {name:?}, options: {options:?}, files: &["
        )
        .unwrap();
        for (relative, path) in &files {
            hasher.update(format!("{folder}/{relative}\0").as_bytes());
            hasher.update(std::fs::read(path).unwrap());
            writeln!(
                code,
                "        ({relative:?}, include_bytes!({})),",
                include_path(path, &workspace, &out_dir)
            )
            .unwrap();
        }
        code.push_str("    ] },\n");
    }
    code.push_str("];\n");
    let hash: String = hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    writeln!(code, "pub(crate) const BUNDLE_HASH: &str = {hash:?};").unwrap();
    std::fs::write(out_dir.join("bundle.rs"), code).unwrap();
}

/// The argument of `include_bytes!` for `path`, relative to the compiling clone: this script's
/// output is reused by any clone sharing the target folder while its mtimes look fresh (cargo
/// hashes path packages without their location), and an absolute path would read an earlier
/// clone's files, or fail once that clone is gone.
fn include_path(path: &Path, workspace: &Path, out_dir: &Path) -> String {
    if let Ok(inside) = path.strip_prefix(out_dir) {
        format!("concat!(env!(\"OUT_DIR\"), {:?})", format!("/{}", inside.display()))
    } else {
        let inside = path.strip_prefix(workspace).expect("bundled files are in the workspace");
        format!("concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?})", format!("/../{}", inside.display()))
    }
}

fn read_toml(path: &Path) -> Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse().unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn collect(dir: &Path, relative: &str, files: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let child = format!("{relative}/{name}");
        if path.is_dir() {
            collect(&path, &child, files);
        } else {
            files.push((child, path));
        }
    }
}

/// Returns the package name and a `Cargo.toml` that builds outside the workspace.
fn standalone_manifest(crate_dir: &Path, workspace: &Path, workspace_toml: &Table) -> (String, String) {
    let mut manifest = read_toml(&crate_dir.join("Cargo.toml"));
    let ws = workspace_toml.get("workspace").and_then(Value::as_table).cloned().unwrap_or_default();
    let ws_package = ws.get("package").and_then(Value::as_table).cloned().unwrap_or_default();
    let ws_deps = ws.get("dependencies").and_then(Value::as_table).cloned().unwrap_or_default();

    let package = manifest.get_mut("package").and_then(Value::as_table_mut).expect("[package]");
    for (key, value) in package.iter_mut() {
        if is_inherited(value) {
            *value =
                ws_package.get(key.as_str()).cloned().unwrap_or_else(|| panic!("workspace.package.{key}"));
        }
    }
    for key in ["readme", "build", "autobenches", "autotests", "autoexamples"] {
        package.remove(key);
    }
    if crate_dir.join("build.rs").is_file() {
        package.insert("build".into(), Value::String("build.rs".into()));
    }
    package.insert("autobenches".into(), Value::Boolean(false));
    package.insert("autotests".into(), Value::Boolean(false));
    package.insert("autoexamples".into(), Value::Boolean(false));
    package.insert("publish".into(), Value::Boolean(false));
    let name = package["name"].as_str().unwrap().to_owned();

    for key in ["dev-dependencies", "bench", "test", "example", "workspace", "profile"] {
        manifest.remove(key);
    }
    // The lints stay: they declare the crate's own cfgs (`check-cfg = ['cfg(loom)']`), without
    // which rustc warns about every `#[cfg(loom)]`.
    if manifest.get("lints").is_some_and(is_inherited) {
        match ws.get("lints") {
            Some(lints) => manifest.insert("lints".into(), lints.clone()),
            None => manifest.remove("lints"),
        };
    }
    for key in ["dependencies", "build-dependencies"] {
        if let Some(Value::Table(deps)) = manifest.get_mut(key) {
            fix_dependencies(deps, &ws_deps, crate_dir, workspace);
        }
    }
    if let Some(Value::Table(targets)) = manifest.get_mut("target") {
        // Model-checking builds (`cfg(loom)`) are for the crate's own tests only.
        targets.retain(|cfg, _| !cfg.contains("loom"));
        for (_, target) in targets.iter_mut() {
            if let Value::Table(target) = target {
                target.remove("dev-dependencies");
                for key in ["dependencies", "build-dependencies"] {
                    if let Some(Value::Table(deps)) = target.get_mut(key) {
                        fix_dependencies(deps, &ws_deps, crate_dir, workspace);
                    }
                }
            }
        }
        if targets.is_empty() {
            manifest.remove("target");
        }
    }
    let text = format!(
        "# Generated by threadlab-kernel's build script from {}/Cargo.toml: do not edit.\n{}",
        crate_dir.file_name().unwrap().to_string_lossy(),
        toml::to_string(&manifest).unwrap()
    );
    (name, text)
}

fn is_inherited(value: &Value) -> bool {
    value.as_table().and_then(|t| t.get("workspace")).and_then(Value::as_bool) == Some(true)
}

/// Resolves `workspace = true` and turns path dependencies into sibling-folder paths.
fn fix_dependencies(deps: &mut Table, ws_deps: &Table, crate_dir: &Path, workspace: &Path) {
    for (name, spec) in deps.iter_mut() {
        let mut base_dir = crate_dir.to_path_buf();
        if is_inherited(spec) {
            let mut resolved = match ws_deps.get(name.as_str()).cloned() {
                Some(Value::String(version)) => {
                    let mut t = Table::new();
                    t.insert("version".into(), Value::String(version));
                    t
                }
                Some(Value::Table(t)) => t,
                _ => panic!("workspace.dependencies.{name}"),
            };
            if let Value::Table(local) = spec {
                for (key, value) in local.iter() {
                    if key == "features" {
                        let mut features =
                            resolved.get("features").and_then(Value::as_array).cloned().unwrap_or_default();
                        features.extend(value.as_array().cloned().unwrap_or_default());
                        resolved.insert(key.clone(), Value::Array(features));
                    } else if key != "workspace" {
                        resolved.insert(key.clone(), value.clone());
                    }
                }
            }
            *spec = Value::Table(resolved);
            base_dir = workspace.to_path_buf();
        }
        if let Value::Table(table) = spec
            && let Some(Value::String(path)) = table.get("path").cloned()
        {
            let target = base_dir.join(&path).canonicalize().unwrap();
            let folder = BUNDLED
                .iter()
                .find(|(folder, _)| {
                    workspace.join(folder).canonicalize().ok().as_deref() == Some(target.as_path())
                })
                .unwrap_or_else(|| {
                    panic!("{name}: a bundled crate can only depend on other bundled crates by path")
                })
                .0;
            table.insert("path".into(), Value::String(format!("../{folder}")));
        }
    }
}
