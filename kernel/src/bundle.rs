//! The crates every cell can use with no `:dep` line (`threading`, ...).
//!
//! Their sources are embedded in the kernel binary at build time (see `build.rs`) and unpacked
//! once into a cache folder named by their content hash, `~/.cache/threadlab/bundle/<hash>/`, so
//! every kernel session (any working directory, also a `cargo install`ed kernel) builds the same
//! paths and reuses the same compiled artifacts.

use crate::error::KernelError;
use std::path::{Path, PathBuf};

/// One embedded crate.
pub(crate) struct BundledCrate {
    /// Its folder in the workspace, and under the bundle folder.
    pub(crate) folder: &'static str,
    /// Its package name.
    pub(crate) name: &'static str,
    /// Extra options for the cells' dependency line, e.g. `default-features = false`.
    pub(crate) options: &'static str,
    /// Its files: path relative to the crate folder, contents.
    pub(crate) files: &'static [(&'static str, &'static [u8])],
}

include!(concat!(env!("OUT_DIR"), "/bundle.rs"));

/// The unpacked bundle.
#[derive(Debug, Clone)]
pub struct Bundle {
    root: PathBuf,
}

/// The kernel's cache folder: `$THREADLAB_CACHE`, else `~/.cache/threadlab`.
pub fn cache_root() -> PathBuf {
    std::env::var_os("THREADLAB_CACHE")
        .map(PathBuf::from)
        .or_else(|| dirs::cache_dir().map(|d| d.join("threadlab")))
        .unwrap_or_else(|| std::env::temp_dir().join("threadlab-cache"))
}

impl Bundle {
    /// Unpacks the embedded crates under `cache` (once per content hash) and returns the bundle.
    pub fn unpack(cache: &Path) -> Result<Bundle, KernelError> {
        let root = cache.join("bundle").join(BUNDLE_HASH);
        if root.join(".complete").is_file() {
            return Ok(Bundle { root });
        }
        let parent = cache.join("bundle");
        std::fs::create_dir_all(&parent).map_err(|e| KernelError::io(&parent, e))?;
        let staging = tempfile::Builder::new()
            .prefix(&format!("{BUNDLE_HASH}.tmp"))
            .tempdir_in(&parent)
            .map_err(|e| KernelError::io(&parent, e))?;
        for krate in CRATES {
            for (relative, contents) in krate.files {
                let path = staging.path().join(krate.folder).join(relative);
                let dir = path.parent().expect("a file has a folder");
                std::fs::create_dir_all(dir).map_err(|e| KernelError::io(dir, e))?;
                std::fs::write(&path, contents).map_err(|e| KernelError::io(&path, e))?;
            }
        }
        let marker = staging.path().join(".complete");
        std::fs::write(&marker, BUNDLE_HASH).map_err(|e| KernelError::io(&marker, e))?;
        let staged = staging.keep();
        if std::fs::rename(&staged, &root).is_err() {
            // Another kernel unpacked the same bundle first: use theirs.
            let _ = std::fs::remove_dir_all(&staged);
            if !root.join(".complete").is_file() {
                return Err(KernelError::Bundle(format!(
                    "could not unpack the bundled crates into {}",
                    root.display()
                )));
            }
        }
        Ok(Bundle { root })
    }

    /// The folder holding one folder per crate.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of the crate with package name `name`.
    pub fn crate_dir(&self, name: &str) -> Option<PathBuf> {
        CRATES.iter().find(|c| c.name == name).map(|c| self.root.join(c.folder))
    }

    /// The crates every cell gets: (package name, Cargo.toml configuration).
    pub fn deps(&self) -> Vec<(&'static str, String)> {
        CRATES.iter().map(|c| (c.name, self.dep_config(c))).collect()
    }

    /// `:dep` lines for the crates every cell gets.
    pub fn dep_commands(&self) -> String {
        CRATES.iter().map(|c| self.dep_command(c)).collect()
    }

    fn dep_command(&self, krate: &BundledCrate) -> String {
        format!(":dep {} = {}\n", krate.name, self.dep_config(krate))
    }

    /// The crate's dependency configuration, `{ path = "...", <options> }`.
    fn dep_config(&self, krate: &BundledCrate) -> String {
        let path = self.root.join(krate.folder);
        let options = if krate.options.is_empty() { String::new() } else { format!(", {}", krate.options) };
        format!("{{ path = {:?}{options} }}", path.display().to_string())
    }

    /// `[dependencies]` lines for a standalone program using the bundled crates.
    pub fn cargo_dependencies(&self) -> String {
        CRATES.iter().map(|c| format!("{} = {}\n", c.name, self.dep_config(c))).collect()
    }

    /// The package names of the bundled crates.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        CRATES.iter().map(|c| c.name)
    }

    /// The content hash naming this bundle.
    pub fn hash(&self) -> &'static str {
        BUNDLE_HASH
    }
}
