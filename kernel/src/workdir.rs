//! evcxr's build folder, kept between sessions so compiled dependencies (the bundled crates
//! first of all) are reused: a fresh kernel's first `threading` cell links what an earlier
//! session built instead of compiling it again.
//!
//! Folders are slots `~/.cache/threadlab/work/slot-N`, each owned by one running kernel through
//! an exclusive lock on its `lock` file (released by the system when the kernel exits, however it
//! exits). A kernel takes the first free slot; kernels running at the same time never share one.
//! A slot that has never been built is seeded with a copy of an idle built slot's `target/`
//! (mtimes kept, so cargo finds the dependencies fresh), which takes a second instead of a
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
    /// Takes the first free slot under `cache`, or a temporary folder if all are busy.
    pub fn acquire(cache: &Path) -> Result<WorkDir, KernelError> {
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
                if !dir.path.join("target").exists() {
                    seed(&root, &dir.path);
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

    /// Seeds the first `count` slots that have never been built from this one (idle slots only).
    pub fn seed_others(&self, count: usize) -> usize {
        let Some(root) = self.path.parent() else { return 0 };
        let mut seeded = 0;
        for n in 0..count.min(SLOTS) {
            let path = root.join(format!("slot-{n}"));
            if path == self.path || path.join("target").exists() {
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

/// Copies the `target/` of an idle built slot into `slot` (which the caller has locked).
fn seed(root: &Path, slot: &Path) {
    for n in 0..SLOTS {
        let other = root.join(format!("slot-{n}"));
        if other == slot || !other.join("target").is_dir() {
            continue;
        }
        let Ok(lock) = File::options().write(true).open(other.join("lock")) else { continue };
        if lock.try_lock().is_err() {
            continue; // in use: it may be writing its target folder right now
        }
        match copy_target(&other, slot) {
            Ok(()) => {
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
/// and leaving out the previous sessions' own crate (`ctx`) and compiled cells.
fn copy_target(from: &Path, to: &Path) -> std::io::Result<()> {
    let staging = to.join("target.seeding");
    let _ = std::fs::remove_dir_all(&staging);
    copy_tree(&from.join("target"), &staging)?;
    std::fs::rename(&staging, to.join("target"))
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
        let first = WorkDir::acquire(cache.path()).unwrap();
        let second = WorkDir::acquire(cache.path()).unwrap();
        assert!(first.path().ends_with("slot-0"));
        assert!(second.path().ends_with("slot-1"));
        let deps = first.path().join("target/x86_64-unknown-linux-gnu/debug/deps");
        std::fs::create_dir_all(&deps).unwrap();
        std::fs::write(deps.join("libcode_3.so"), b"").unwrap();
        std::fs::write(deps.join("libthreading-1.so"), b"").unwrap();
        drop(first);
        let third = WorkDir::acquire(cache.path()).unwrap();
        assert!(third.path().ends_with("slot-0"));
        assert!(!deps.join("libcode_3.so").exists());
        assert!(deps.join("libthreading-1.so").exists());
    }

    #[test]
    fn a_new_slot_is_seeded_from_an_idle_built_one_with_its_mtimes() {
        let cache = tempfile::tempdir().unwrap();
        let first = WorkDir::acquire(cache.path()).unwrap();
        let deps = first.path().join("target/x86_64-unknown-linux-gnu/debug/deps");
        std::fs::create_dir_all(&deps).unwrap();
        std::fs::write(deps.join("libthreading-1.so"), b"dylib").unwrap();
        std::fs::write(deps.join("libctx.so"), b"cell crate").unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        File::options().write(true).open(deps.join("libthreading-1.so")).unwrap().set_modified(old).unwrap();
        // While slot-0 is in use, a second kernel is not seeded from it.
        let busy = WorkDir::acquire(cache.path()).unwrap();
        assert!(!busy.path().join("target").exists());
        drop(busy);
        drop(first);
        let _hold_slot_0 = WorkDir::acquire(cache.path()).unwrap();
        // slot-0 is held, slot-1 was created but never built: nothing to seed it from while busy.
        drop(_hold_slot_0);
        let seeding = WorkDir::acquire(cache.path()).unwrap(); // slot-0 again (free)
        assert_eq!(seeding.seed_others(2), 1);
        let copied = cache.path().join("work/slot-1/target/x86_64-unknown-linux-gnu/debug/deps");
        assert_eq!(std::fs::read(copied.join("libthreading-1.so")).unwrap(), b"dylib");
        assert_eq!(std::fs::metadata(copied.join("libthreading-1.so")).unwrap().modified().unwrap(), old);
        assert!(!copied.join("libctx.so").exists());
    }
}
