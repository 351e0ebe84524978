//! The kernelspec: `PREFIX/share/jupyter/kernels/threadlab/` with `kernel.json` and logos.

use crate::error::KernelError;
use serde_json::json;
use std::path::{Path, PathBuf};

/// The kernelspec's name (the folder under `kernels/`).
pub const KERNEL_NAME: &str = "threadlab";
/// The name Jupyter shows.
pub const DISPLAY_NAME: &str = "Rust (threadlab)";

const LOGO_32: &[u8] = include_bytes!("../assets/logo-32x32.png");
const LOGO_64: &[u8] = include_bytes!("../assets/logo-64x64.png");
const LOGO_SVG: &[u8] = include_bytes!("../assets/logo-svg.svg");

/// Where to install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The user's Jupyter data folder (`$JUPYTER_DATA_DIR`, else `~/.local/share/jupyter`).
    User,
    /// The active Python environment (`sys.prefix` of `python3` on the PATH, e.g. a venv).
    SysPrefix,
    /// `PREFIX/share/jupyter`.
    Prefix(PathBuf),
}

impl Location {
    /// The kernelspec folder for this location.
    pub fn kernel_dir(&self) -> Result<PathBuf, KernelError> {
        let data_dir = match self {
            Location::User => match std::env::var_os("JUPYTER_DATA_DIR") {
                Some(dir) => PathBuf::from(dir),
                None => dirs::data_dir()
                    .ok_or_else(|| KernelError::Install("cannot find the user's data folder".into()))?
                    .join("jupyter"),
            },
            Location::SysPrefix => python_prefix()?.join("share").join("jupyter"),
            Location::Prefix(prefix) => prefix.join("share").join("jupyter"),
        };
        Ok(data_dir.join("kernels").join(KERNEL_NAME))
    }
}

fn python_prefix() -> Result<PathBuf, KernelError> {
    let output = std::process::Command::new("python3")
        .args(["-c", "import sys; print(sys.prefix)"])
        .output()
        .map_err(|e| KernelError::Install(format!("--sys-prefix needs python3 on the PATH: {e}")))?;
    if !output.status.success() {
        return Err(KernelError::Install("python3 could not tell its sys.prefix".into()));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
}

/// The `kernel.json` for the binary at `binary`.
pub fn kernel_json(binary: &Path) -> serde_json::Value {
    json!({
        "argv": [binary.display().to_string(), "run", "--connection-file", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "rust",
        "interrupt_mode": "message",
        "metadata": { "debugger": false },
    })
}

/// Installs the kernelspec for the running binary; returns its folder.
pub fn install(location: &Location) -> Result<PathBuf, KernelError> {
    let binary = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| KernelError::Install(format!("cannot find this program's path: {e}")))?;
    let dir = location.kernel_dir()?;
    std::fs::create_dir_all(&dir).map_err(|e| KernelError::io(&dir, e))?;
    let spec = serde_json::to_string_pretty(&kernel_json(&binary)).expect("JSON serialises");
    for (name, contents) in [
        ("kernel.json", spec.as_bytes()),
        ("logo-32x32.png", LOGO_32),
        ("logo-64x64.png", LOGO_64),
        ("logo-svg.svg", LOGO_SVG),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, contents).map_err(|e| KernelError::io(&path, e))?;
    }
    Ok(dir)
}

/// Removes the kernelspec; returns its folder, or `None` if it was not installed there.
pub fn uninstall(location: &Location) -> Result<Option<PathBuf>, KernelError> {
    let dir = location.kernel_dir()?;
    if !dir.join("kernel.json").is_file() {
        return Ok(None);
    }
    std::fs::remove_dir_all(&dir).map_err(|e| KernelError::io(&dir, e))?;
    Ok(Some(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_and_uninstall_under_a_prefix() {
        let prefix = tempfile::tempdir().unwrap();
        let location = Location::Prefix(prefix.path().to_path_buf());
        let dir = install(&location).unwrap();
        assert_eq!(dir, prefix.path().join("share/jupyter/kernels/threadlab"));
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("kernel.json")).unwrap()).unwrap();
        assert_eq!(spec["display_name"], DISPLAY_NAME);
        assert_eq!(spec["language"], "rust");
        assert_eq!(spec["interrupt_mode"], "message");
        assert!(Path::new(spec["argv"][0].as_str().unwrap()).is_absolute());
        assert_eq!(spec["argv"][3], "{connection_file}");
        assert!(dir.join("logo-64x64.png").is_file());
        assert_eq!(uninstall(&location).unwrap(), Some(dir.clone()));
        assert!(!dir.exists());
        assert_eq!(uninstall(&location).unwrap(), None);
    }
}
