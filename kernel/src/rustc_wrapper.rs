//! Fixes for evcxr's rustc wrapper in its "every dependency is a shared library" mode
//! (`allow_static_linking = false`), which the kernel uses so every cell sees one copy of each
//! crate's statics (the `threading` registry above all).
//!
//! With this binary as `RUSTC_WRAPPER`, evcxr builds every library crate as a dylib with
//! `-C prefer-dynamic` and `--extern core=<sysroot libstd.so>`. On current toolchains that breaks
//! twice, and this module mends both before evcxr's wrapper runs:
//!
//! * the sysroot's `libstd.so` carries only a metadata stub, so `#![no_std]` crates (`libc`,
//!   `serde_core`, ...) need the matching `libstd-*.rmeta` too: it is added from a folder without
//!   the `.so` next to it (evcxr would otherwise swap the path for the `.so`);
//! * proc macros and build scripts (and the crates they use) run inside the compiler or at build
//!   time, where the sysroot's `libstd.so` cannot be found: evcxr always builds cells with
//!   `--target`, so crates built without it are for the host, and plain rustc builds them.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Names the `libstd-*.rmeta` to add (set by the kernel for its cargo runs).
pub const CORE_RMETA_ENV: &str = "THREADLAB_CORE_RMETA";
const SECOND_PASS_ENV: &str = "THREADLAB_RUSTC_WRAPPED";

/// If this process is evcxr's rustc wrapper in dylib mode, re-runs it with the fixes (never
/// returns then); otherwise returns and lets `evcxr::runtime_hook` do its work.
pub fn mend_if_wrapping_rustc() {
    if std::env::var_os("EVCXR_RUSTC_WRAPPER").is_none()
        || std::env::var_os("EVCXR_FORCE_DYLIB").is_none()
        || std::env::var_os(SECOND_PASS_ENV).is_some()
    {
        return;
    }
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let Some((rustc, rustc_args)) = args.split_first() else { return };
    if !rustc_args.iter().any(|a| a == "--crate-name") {
        return;
    }
    let error = if is_host_artifact(rustc_args) {
        Command::new(rustc)
            .args(rustc_args)
            .env_remove("EVCXR_RUSTC_WRAPPER")
            .env_remove("EVCXR_FORCE_DYLIB")
            .exec()
    } else {
        let Some(rmeta) = std::env::var_os(CORE_RMETA_ENV) else { return };
        let Ok(me) = std::env::current_exe() else { return };
        let mut core = OsString::from("core=");
        core.push(rmeta);
        Command::new(me).args(&args).arg("--extern").arg(core).env(SECOND_PASS_ENV, "1").exec()
    };
    eprintln!("threadlab-kernel: could not run rustc: {error}");
    std::process::exit(1);
}

/// Proc macros, build scripts and their dependencies: code the compiler or cargo runs, not code
/// cells link (built without `--target`).
fn is_host_artifact(args: &[OsString]) -> bool {
    !args.iter().any(|a| a == "--target" || a.to_string_lossy().starts_with("--target="))
}

/// Links the toolchain's `libstd-*.rmeta` into `cache/sysroot/` (where no `.so` sits beside it)
/// and returns that path, for [`CORE_RMETA_ENV`].
pub fn prepare_core_rmeta(cache: &Path) -> Option<PathBuf> {
    let output = Command::new("rustc").args(["--print", "target-libdir"]).output().ok()?;
    let libdir = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    let rmeta = std::fs::read_dir(&libdir).ok()?.flatten().map(|e| e.path()).find(|p| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        name.starts_with("libstd-") && name.ends_with(".rmeta")
    })?;
    let dir = cache.join("sysroot");
    std::fs::create_dir_all(&dir).ok()?;
    let link = dir.join(rmeta.file_name()?);
    if std::fs::read_link(&link).ok().as_deref() != Some(rmeta.as_path()) {
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&rmeta, &link).ok()?;
    }
    Some(link)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn host_artifacts() {
        assert!(is_host_artifact(&args(&["--crate-name", "thiserror_impl", "--crate-type", "proc-macro"])));
        assert!(is_host_artifact(&args(&["--crate-name", "build_script_build", "--crate-type", "bin"])));
        assert!(!is_host_artifact(&args(&["--crate-name", "libc", "--target", "x86_64-unknown-linux-gnu"])));
    }
}
