//! evcxr's build folder, kept between sessions so compiled dependencies (the bundled crates
//! first of all) are reused: a fresh kernel's first `threading` cell links what an earlier
//! session built instead of compiling it again.
//!
//! Folders are slots `~/.cache/threadlab/work/slot-N`, each owned by one running kernel through
//! an exclusive lock on its `lock` file (released by the system when the kernel exits, however it
//! exits). A kernel takes the first free slot; kernels running at the same time never share one.

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
}
