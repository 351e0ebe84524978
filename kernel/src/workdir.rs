//! evcxr's build folder, kept between sessions so compiled dependencies (the bundled crates
//! first of all) are reused: a fresh kernel's first `threading` cell links what an earlier
//! session built instead of compiling it again.
//!
//! Folders are slots `~/.cache/threadlab/work/slot-N`, each owned by one running kernel through
//! an exclusive lock on its `lock` file (released by the system when the kernel exits, however it
//! exits). A kernel takes the first free slot; kernels running at the same time never share one.
//! Each slot records which bundle it was last built for (`built-for`). A slot never built, or
//! built for another bundle, is seeded with a copy of an idle slot's `target/` that is built for
//! this bundle (mtimes kept, so cargo finds the dependencies fresh): a second instead of a
//! compile of every dependency.

use crate::error::KernelError;
use std::fs::File;
use std::path::{Path, PathBuf};

/// How many slots exist; past that, a kernel uses a temporary folder.
const SLOTS: usize = 8;

/// A locked build folder.
#[derive(Debug)]
pub struct WorkDir {
    path: PathBuf,
    _lock: Option<File>,
    _temp: Option<tempfile::TempDir>,
}

impl WorkDir {
    /// Takes the first free slot under `cache` (seeding it for `bundle` if it was built for
    /// another bundle), or a temporary folder if all are busy.
    pub fn acquire(cache: &Path, bundle: &str) -> Result<WorkDir, KernelError> {
        let root = cache.join("work");
        std::fs::create_dir_all(&root).map_err(|e| KernelError::io(&root, e))?;
        for n in 0..SLOTS {
            let path = root.join(format!("slot-{n}"));
            std::fs::create_dir_all(&path).map_err(|e| KernelError::io(&path, e))?;
            let lock_path = path.join("lock");
            let lock = File::options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock_path)
                .map_err(|e| KernelError::io(&lock_path, e))?;
            if lock.try_lock().is_ok() {
                let dir = WorkDir { path, _lock: Some(lock), _temp: None };
                dir.clean();
                if built_for(&dir.path).as_deref() != Some(bundle) {
                    seed(&root, &dir.path, bundle);
                }
                return Ok(dir);
            }
        }
        let temp = tempfile::Builder::new()
            .prefix("threadlab-work")
            .tempdir()
            .map_err(|e| KernelError::io(&root, e))?;
        Ok(WorkDir { path: temp.path().to_path_buf(), _lock: None, _temp: Some(temp) })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records that this folder now holds the dependencies built for `bundle`.
    pub fn mark_built(&self, bundle: &str) {
        mark_built(&self.path, bundle);
    }

    /// Seeds the first `count` slots not built for `bundle` from this one (idle slots only).
    pub fn seed_others(&self, count: usize, bundle: &str) -> usize {
        let Some(root) = self.path.parent() else { return 0 };
        let mut seeded = 0;
        for n in 0..count.min(SLOTS) {
            let path = root.join(format!("slot-{n}"));
            if path == self.path || built_for(&path).as_deref() == Some(bundle) {
                continue;
            }
            if std::fs::create_dir_all(&path).is_err() {
                continue;
            }
            let Ok(lock) = File::options().create(true).truncate(false).write(true).open(path.join("lock"))
            else {
                continue;
            };
            if lock.try_lock().is_ok() && copy_target(&self.path, &path).is_ok() {
                let _ = std::fs::write(path.join("built-for"), bundle);
                seeded += 1;
            }
        }
        seeded
    }

    /// Removes the previous session's compiled cells (`libcode_N.so`), keeping dependencies.
    fn clean(&self) {
        let Ok(targets) = std::fs::read_dir(self.path.join("target")) else { return };
        for target in targets.flatten() {
            let deps = target.path().join("debug").join("deps");
            let Ok(entries) = std::fs::read_dir(&deps) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.starts_with("libcode_") && name.ends_with(".so") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
}

/// Records that the work folder at `path` holds the dependencies built for `bundle`.
pub fn mark_built(path: &Path, bundle: &str) {
    let _ = std::fs::write(path.join("built-for"), bundle);
}

/// Which bundle the slot at `path` was last built for.
fn built_for(path: &Path) -> Option<String> {
    std::fs::read_to_string(path.join("built-for")).ok()
}

/// Copies the `target/` of an idle slot built for `bundle` into `slot` (locked by the caller).
fn seed(root: &Path, slot: &Path, bundle: &str) {
    for n in 0..SLOTS {
        let other = root.join(format!("slot-{n}"));
        if other == slot || built_for(&other).as_deref() != Some(bundle) || !other.join("target").is_dir() {
            continue;
        }
        let Ok(lock) = File::options().write(true).open(other.join("lock")) else { continue };
        if lock.try_lock().is_err() {
            continue; // in use: it may be writing its target folder right now
        }
        match copy_target(&other, slot) {
            Ok(()) => {
                let _ = std::fs::write(slot.join("built-for"), bundle);
                tracing::info!("seeded {} from {}", slot.display(), other.display());
                return;
            }
            Err(error) => {
                tracing::warn!("could not seed {} from {}: {error}", slot.display(), other.display())
            }
        }
    }
}

/// Copies `from/target` to `to/target` (through a staging folder), keeping modification times
/// and leaving out the previous sessions' own crate (`ctx`) and compiled cells, and the lock file.
fn copy_target(from: &Path, to: &Path) -> std::io::Result<()> {
    let staging = to.join("target.seeding");
    let _ = std::fs::remove_dir_all(&staging);
    copy_tree(&from.join("target"), &staging)?;
    let old = to.join("target.old");
    let _ = std::fs::remove_dir_all(&old);
    if to.join("target").exists() {
        std::fs::rename(to.join("target"), &old)?;
    }
    std::fs::rename(&staging, to.join("target"))?;
    let _ = std::fs::remove_dir_all(&old);
    // The lock file pins the bundled crates' dependencies, so the slot's first start resolves
    // nothing (it starts offline).
    if from.join("Cargo.lock").is_file() {
        std::fs::copy(from.join("Cargo.lock"), to.join("Cargo.lock"))?;
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        if name_str == "incremental" || name_str.starts_with("libcode_") || name_str.contains("ctx") {
            continue;
        }
        let kind = entry.file_type()?;
        let target = to.join(&name);
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
            let modified = entry.metadata()?.modified()?;
            File::options().write(true).open(&target)?.set_modified(modified)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_kernels_get_different_slots_and_a_freed_slot_is_reused() {
        let cache = tempfile::tempdir().unwrap();
        let first = WorkDir::acquire(cache.path(), "b1").unwrap();
        let second = WorkDir::acquire(cache.path(), "b1").unwrap();
        assert!(first.path().ends_with("slot-0"));
        assert!(second.path().ends_with("slot-1"));
        let deps = first.path().join("target/x86_64-unknown-linux-gnu/debug/deps");
        std::fs::create_dir_all(&deps).unwrap();
        std::fs::write(deps.join("libcode_3.so"), b"").unwrap();
        std::fs::write(deps.join("libthreading-1.so"), b"").unwrap();
        drop(first);
        let third = WorkDir::acquire(cache.path(), "b1").unwrap();
        assert!(third.path().ends_with("slot-0"));
        assert!(!deps.join("libcode_3.so").exists());
        assert!(deps.join("libthreading-1.so").exists());
    }

    #[test]
    fn a_new_slot_is_seeded_from_an_idle_built_one_with_its_mtimes() {
        let cache = tempfile::tempdir().unwrap();
        let first = WorkDir::acquire(cache.path(), "b1").unwrap();
        let deps = first.path().join("target/x86_64-unknown-linux-gnu/debug/deps");
        std::fs::create_dir_all(&deps).unwrap();
        std::fs::write(deps.join("libthreading-1.so"), b"dylib").unwrap();
        std::fs::write(deps.join("libctx.so"), b"cell crate").unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        File::options().write(true).open(deps.join("libthreading-1.so")).unwrap().set_modified(old).unwrap();
        // While slot-0 is in use, a second kernel is not seeded from it.
        let busy = WorkDir::acquire(cache.path(), "b1").unwrap();
        assert!(!busy.path().join("target").exists());
        drop(busy);
        drop(first);
        let _hold_slot_0 = WorkDir::acquire(cache.path(), "b1").unwrap();
        // slot-0 is held, slot-1 was created but never built: nothing to seed it from while busy.
        drop(_hold_slot_0);
        let seeding = WorkDir::acquire(cache.path(), "b1").unwrap(); // slot-0 again (free)
        std::fs::write(seeding.path().join("Cargo.lock"), b"# pinned").unwrap();
        seeding.mark_built("b1");
        assert_eq!(seeding.seed_others(2, "b1"), 1);
        assert_eq!(seeding.seed_others(2, "b1"), 0, "slot-1 is built for b1 now");
        let copied = cache.path().join("work/slot-1/target/x86_64-unknown-linux-gnu/debug/deps");
        assert_eq!(std::fs::read(copied.join("libthreading-1.so")).unwrap(), b"dylib");
        assert_eq!(std::fs::metadata(copied.join("libthreading-1.so")).unwrap().modified().unwrap(), old);
        assert!(!copied.join("libctx.so").exists());
        assert_eq!(std::fs::read(cache.path().join("work/slot-1/Cargo.lock")).unwrap(), b"# pinned");
        drop(seeding);
        // A kernel for another bundle taking slot-0 finds nothing built for it to copy.
        let other_bundle = WorkDir::acquire(cache.path(), "b2").unwrap();
        assert!(other_bundle.path().ends_with("slot-0"));
        assert_eq!(built_for(other_bundle.path()).as_deref(), Some("b1"));
    }
}
