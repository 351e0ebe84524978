//! Dependency libraries that the process running cells loaded and cargo has since rebuilt.
//!
//! A process cannot load a second version of a shared library under the same name: `dlopen`
//! hands back the copy it already has. Cargo gives an edited path dependency's library the same
//! file name as before (`libname-HASH.so`, the hash does not cover the sources), so a cell
//! built against the new version would run against the old one: silently old code, or an
//! undefined symbol that kills the process. The linker writes a rebuilt library as a new file,
//! so the process's memory map tells which libraries it holds are no longer what their path
//! names: those are stale, and only a new process can load them.

use std::path::Path;
use std::path::PathBuf;

/// Libraries mapped by process `pid` from `folder` that were replaced or removed since, other
/// than the cells' own libraries (`libcode_N`, each loaded once under a fresh name).
#[cfg(target_os = "linux")]
pub(crate) fn stale_libraries(pid: u32, folder: &Path) -> Vec<PathBuf> {
    use std::os::unix::fs::MetadataExt;

    let Ok(maps) = std::fs::read_to_string(format!("/proc/{pid}/maps")) else {
        return Vec::new();
    };
    // A library is mapped once per segment (text, data, ...): each is looked at once.
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut stale: Vec<PathBuf> = Vec::new();
    for mapping in maps.lines().filter_map(Mapping::parse) {
        if mapping.path.parent() != Some(folder)
            || !is_dependency_library(&mapping.path)
            || seen.contains(&mapping.path)
        {
            continue;
        }
        seen.push(mapping.path.clone());
        let replaced = mapping.deleted
            || std::fs::metadata(&mapping.path).map_or(true, |now| now.ino() != mapping.inode);
        if replaced {
            stale.push(mapping.path);
        }
    }
    stale
}

/// Elsewhere a process's mappings cannot be listed: nothing is reported, as before.
#[cfg(not(target_os = "linux"))]
pub(crate) fn stale_libraries(_pid: u32, _folder: &Path) -> Vec<PathBuf> {
    Vec::new()
}

/// The crate a dependency library was built from: `libname-HASH.so` → `name`.
pub(crate) fn crate_name(library: &Path) -> String {
    let stem = library
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.strip_prefix("lib").unwrap_or(&stem);
    match stem.rsplit_once('-') {
        Some((name, _hash)) => name.to_owned(),
        None => stem.to_owned(),
    }
}

fn is_dependency_library(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    name.ends_with(std::env::consts::DLL_SUFFIX) && !name.starts_with("libcode_")
}

/// One line of `/proc/PID/maps` that maps a file.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
#[derive(Debug, PartialEq, Eq)]
struct Mapping {
    inode: u64,
    path: PathBuf,
    deleted: bool,
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
impl Mapping {
    /// `address perms offset dev inode path`, the path possibly followed by ` (deleted)`.
    fn parse(line: &str) -> Option<Mapping> {
        let mut fields = line.splitn(6, ' ');
        let _address = fields.next()?;
        let _perms = fields.next()?;
        let _offset = fields.next()?;
        let _device = fields.next()?;
        let inode: u64 = fields.next()?.parse().ok()?;
        let path = fields.next()?.trim_start();
        if inode == 0 || !path.starts_with('/') {
            return None;
        }
        let (path, deleted) = match path.strip_suffix(" (deleted)") {
            Some(path) => (path, true),
            None => (path, false),
        };
        Some(Mapping {
            inode,
            path: PathBuf::from(path),
            deleted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapped_file_line_is_parsed_with_its_deleted_mark() {
        let line = "7f1c2a000000-7f1c2a010000 r-xp 00001000 08:01 1234567                    \
                    /work/target/debug/deps/libedited_dependency-0f3a9b.so (deleted)";
        assert_eq!(
            Mapping::parse(line),
            Some(Mapping {
                inode: 1234567,
                path: PathBuf::from("/work/target/debug/deps/libedited_dependency-0f3a9b.so"),
                deleted: true,
            })
        );
        let anonymous =
            "7ffd1c5e0000-7ffd1c601000 rw-p 00000000 00:00 0                          [stack]";
        assert_eq!(Mapping::parse(anonymous), None);
    }

    #[test]
    fn crate_names_come_from_library_file_names() {
        assert_eq!(
            crate_name(Path::new("/t/deps/libedited_dependency-0f3a9b.so")),
            "edited_dependency"
        );
        assert_eq!(crate_name(Path::new("/t/deps/libplain.so")), "plain");
        assert!(!is_dependency_library(Path::new("/t/deps/libcode_3.so")));
        assert!(is_dependency_library(Path::new(
            "/t/deps/libthreading-1a2b.so"
        )));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_replaced_library_is_stale_and_an_untouched_one_is_not() {
        // This test process maps a copy of a file of its own, then the copy is replaced.
        let folder = tempfile::tempdir().unwrap();
        let library = folder.path().join("libmapped-0a1b.so");
        std::fs::write(&library, vec![0u8; 4096]).unwrap();
        let file = std::fs::File::open(&library).unwrap();
        // SAFETY: a private read-only mapping of a file nothing writes to while it is mapped
        // (it is replaced by a rename, the way a linker writes its output), unmapped below.
        let mapping = unsafe {
            use std::os::fd::AsRawFd;
            libc::mmap(
                std::ptr::null_mut(),
                4096,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        assert_ne!(mapping, libc::MAP_FAILED);
        let pid = std::process::id();
        assert_eq!(stale_libraries(pid, folder.path()), Vec::<PathBuf>::new());

        let rebuilt = folder.path().join("rebuilt.tmp");
        std::fs::write(&rebuilt, vec![1u8; 4096]).unwrap();
        std::fs::rename(&rebuilt, &library).unwrap();
        assert_eq!(stale_libraries(pid, folder.path()), vec![library.clone()]);
        // SAFETY: the mapping made above, not used since.
        unsafe { libc::munmap(mapping, 4096) };
    }
}
