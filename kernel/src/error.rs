//! The kernel's errors.

use std::path::{Path, PathBuf};

/// What can go wrong in the kernel outside a cell (a cell's own errors are shown in the notebook).
#[derive(Debug, thiserror::Error)]
pub enum KernelError {
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The connection file is not valid JSON for a Jupyter connection.
    #[error("connection file {path}: {message}")]
    ConnectionFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A ZeroMQ socket could not be bound.
    #[error("cannot bind {endpoint}: {message}")]
    Bind {
        /// The endpoint, e.g. `tcp://127.0.0.1:5555`.
        endpoint: String,
        /// What ZeroMQ said.
        message: String,
    },
    /// The bundled crates could not be unpacked.
    #[error("bundle: {0}")]
    Bundle(String),
    /// The evaluation engine (evcxr) could not start.
    #[error("cannot start the Rust evaluation engine: {0}")]
    Engine(String),
    /// The kernelspec could not be installed.
    #[error("install: {0}")]
    Install(String),
}

impl KernelError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> KernelError {
        KernelError::Io { path: path.to_path_buf(), source }
    }
}
