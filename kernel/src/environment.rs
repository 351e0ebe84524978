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
    evcxr_config: EvcxrConfig,
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
        let evcxr_config =
            EvcxrConfig { dir: runtime_dir.path().join("evcxr"), work: work.path().to_owned() };
        evcxr_config.write(false)?;
        let config_dir = evcxr_config.dir.clone();
        let core_rmeta = rustc_wrapper::prepare_core_rmeta(&cache);
        let environment =
            Environment { bundle, work, runtime_dir, rustc_version: rustc_version(), evcxr_config };
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

    /// evcxr's settings file.
    pub fn evcxr_config(&self) -> &EvcxrConfig {
        &self.evcxr_config
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

/// evcxr's settings, read from `EVCXR_CONFIG_DIR/evcxr.toml` when a context starts.
#[derive(Debug, Clone)]
pub struct EvcxrConfig {
    dir: PathBuf,
    work: PathBuf,
}

impl EvcxrConfig {
    /// Writes the settings; `offline` is cargo's `--offline` for the context's start (a cell's
    /// `:offline` changes it afterwards).
    pub fn write(&self, offline: bool) -> Result<(), KernelError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| KernelError::io(&self.dir, e))?;
        let opt_level = cell_opt_level();
        // Dependencies are linked as shared libraries so every cell sees the same `threading`
        // statics (its thread registry, interrupt flags) rather than a copy per cell.
        let config = format!(
            "[evcxr]\ntmpdir = {:?}\nallow_static_linking = false\npreserve_vars_on_panic = true\n\
             offline_mode = {offline}\nopt_level = {opt_level:?}\n",
            self.work.display().to_string()
        );
        let path = self.dir.join("evcxr.toml");
        std::fs::write(&path, config).map_err(|e| KernelError::io(&path, e))
    }
}

/// The optimisation level cells start with (`THREADLAB_OPT`, default 1); dependencies stay at
/// it whatever `:opt` a cell sets.
pub fn cell_opt_level() -> String {
    std::env::var("THREADLAB_OPT").unwrap_or_else(|_| "1".to_owned())
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
