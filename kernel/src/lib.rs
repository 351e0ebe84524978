//! `threadlab-kernel`: a Jupyter kernel for Rust cells, with evcxr as the engine and the
//! `threading` crate built in.
//!
//! Layers, in the order a request flows through them:
//!
//! * [`transport`]: the ZeroMQ sockets of the connection file, HMAC-SHA256 signing and checking,
//!   the wire format and the heartbeat;
//! * [`protocol`]: requests decoded into `jupyter-protocol` types, replies, `kernel_info`,
//!   `is_complete`, `history`;
//! * [`evaluation`]: evcxr on its own thread, the process that runs cells (its output
//!   interposer and the `threading` agent), output publishing, interrupts, program cells;
//! * [`server`]: the shell, control and stdin loops tying them together;
//! * [`install`]: the kernelspec; [`bundle`]: the crates cells get with no `:dep`;
//!   [`workdir`]: evcxr's build folder kept between sessions.

pub mod bundle;
pub mod environment;
pub mod error;
pub mod evaluation;
pub mod install;
pub mod protocol;
pub mod rustc_wrapper;
pub mod server;
pub mod transport;
pub mod workdir;

pub use error::KernelError;
