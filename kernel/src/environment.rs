//! What a kernel session sets up before anything runs: the unpacked bundle, its work folder,
//! a private runtime folder with the side-channel and agent sockets, evcxr's configuration, and
//! the environment variables the process that runs cells inherits.

use crate::bundle::{self, Bundle};
use crate::error::KernelError;
use crate::evaluation::agent::AGENT_SOCKET_ENV;
use crate::evaluation::frames::OUTPUT_SOCKET_ENV;
use crate::rustc_wrapper;
use crate::workdir::WorkDir;
use std::path::{Path, PathBuf};

/// A prepared session (cleaned up when dropped).
pub struct Environment {
    bundle: Bundle,
    work: WorkDir,
    runtime_dir: tempfile::TempDir,
    rustc_version: String,
}

impl Environment {
    /// Prepares the session. Sets process environment variables, so it must run before any
    /// other thread starts.
    pub fn prepare() -> Result<Environment, KernelError> {
        let cache = bundle::cache_root();
        let bundle = Bundle::unpack(&cache)?;
        let work = WorkDir::acquire(&cache, bundle.hash())?;
        let runtime_dir = tempfile::Builder::new()
            .prefix("threadlab-")
            .tempdir()
            .map_err(|e| KernelError::io(&std::env::temp_dir(), e))?;
        let config_dir = runtime_dir.path().join("evcxr");
        write_evcxr_config(&config_dir, work.path())?;
        let core_rmeta = rustc_wrapper::prepare_core_rmeta(&cache);
        let environment = Environment { bundle, work, runtime_dir, rustc_version: rustc_version() };
        // SAFETY: the caller runs this before starting any thread; the process that runs cells
        // (and evcxr's cargo runs) inherit these.
        unsafe {
            std::env::set_var("EVCXR_CONFIG_DIR", &config_dir);
            std::env::set_var("EVCXR_TMPDIR", environment.work.path());
            std::env::set_var(OUTPUT_SOCKET_ENV, environment.output_socket());
            std::env::set_var(AGENT_SOCKET_ENV, environment.agent_socket());
            if let Some(rmeta) = &core_rmeta {
                std::env::set_var(rustc_wrapper::CORE_RMETA_ENV, rmeta);
            }
        }
        Ok(environment)
    }

    /// The bundled crates.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// evcxr's build folder for this session.
    pub fn work_path(&self) -> &Path {
        self.work.path()
    }

    /// Records that the work folder holds this bundle's build, and seeds up to `count` other
    /// idle work folders with a copy of it (see [`WorkDir`]).
    pub fn mark_built_and_seed(&self, count: usize) -> usize {
        self.work.mark_built(self.bundle.hash());
        self.work.seed_others(count, self.bundle.hash())
    }

    /// The side channel's socket.
    pub fn output_socket(&self) -> PathBuf {
        self.runtime_dir.path().join("out.sock")
    }

    /// The agent's socket.
    pub fn agent_socket(&self) -> PathBuf {
        self.runtime_dir.path().join("agent.sock")
    }

    /// The Rust version cells are compiled with.
    pub fn rustc_version(&self) -> &str {
        &self.rustc_version
    }
}

/// evcxr's settings, read from `EVCXR_CONFIG_DIR/evcxr.toml` when it starts.
fn write_evcxr_config(dir: &Path, work: &Path) -> Result<(), KernelError> {
    std::fs::create_dir_all(dir).map_err(|e| KernelError::io(dir, e))?;
    let opt_level = std::env::var("THREADLAB_OPT").unwrap_or_else(|_| "1".to_owned());
    // Dependencies are linked as shared libraries so every cell sees the same `threading`
    // statics (its thread registry, interrupt flags) rather than a copy per cell.
    let config = format!(
        "[evcxr]\ntmpdir = {:?}\nallow_static_linking = false\npreserve_vars_on_panic = true\n\
         offline_mode = false\nopt_level = {opt_level:?}\n",
        work.display().to_string()
    );
    let path = dir.join("evcxr.toml");
    std::fs::write(&path, config).map_err(|e| KernelError::io(&path, e))
}

fn rustc_version() -> String {
    std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|v| v.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_default()
}
