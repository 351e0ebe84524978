//! The `threadlab-kernel` command: run the kernel, or install its kernelspec.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use threadlab_kernel::install::{self, Location};

/// A Jupyter kernel for Rust cells (evcxr inside) with the `threading` crate built in.
///
/// Install it once with `threadlab-kernel install` (or `--sys-prefix` inside a virtualenv, or
/// `--prefix DIR`); Jupyter then starts it as `threadlab-kernel run --connection-file FILE`.
#[derive(Parser)]
#[command(version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the kernel (Jupyter does this, with the connection file it wrote).
    Run {
        /// The connection file Jupyter wrote (ports, key).
        #[arg(short = 'f', long = "connection-file")]
        connection_file: PathBuf,
    },
    /// Build the bundled crates into the cache now, so the first kernel session starts fast.
    Prebuild,
    /// Print the folder the bundled crates (`threading`, ...) are unpacked to.
    BundleDir,
    /// Install the kernelspec `threadlab` ("Rust (threadlab)") pointing at this binary.
    Install(Where),
    /// Remove the kernelspec.
    Uninstall(Where),
}

/// Where the kernelspec goes: `PREFIX/share/jupyter/kernels/threadlab/`.
#[derive(Args)]
#[group(multiple = false)]
struct Where {
    /// In the user's Jupyter data folder (the default).
    #[arg(long)]
    user: bool,
    /// In the active Python environment (`sys.prefix` of `python3`, e.g. a virtualenv).
    #[arg(long)]
    sys_prefix: bool,
    /// Under PREFIX/share/jupyter.
    #[arg(long, value_name = "PREFIX")]
    prefix: Option<PathBuf>,
}

impl Where {
    fn location(&self) -> Location {
        match (&self.prefix, self.sys_prefix) {
            (Some(prefix), _) => Location::Prefix(prefix.clone()),
            (None, true) => Location::SysPrefix,
            (None, false) => Location::User,
        }
    }
}

fn main() -> ExitCode {
    // This binary is also the process that runs cells and evcxr's rustc wrapper: both must be
    // handled before anything else (without `runtime_hook` evcxr would start itself forever).
    threadlab_kernel::evaluation::interpose::interpose_if_runtime();
    threadlab_kernel::rustc_wrapper::mend_if_wrapping_rustc();
    evcxr::runtime_hook();

    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("THREADLAB_LOG")
                // rust-analyzer logs a `:dep` that cargo cannot resolve as a warning with a long
                // backtrace; the cell's error output already says what went wrong.
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,ra_ap_project_model=error")),
        )
        .with_writer(std::io::stderr)
        .init();

    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { connection_file } => threadlab_kernel::server::run(&connection_file).map(|()| None),
        Command::Prebuild => threadlab_kernel::server::prebuild().map(|()| None),
        Command::BundleDir => {
            threadlab_kernel::bundle::Bundle::unpack(&threadlab_kernel::bundle::cache_root())
                .map(|bundle| Some(bundle.root().display().to_string()))
        }
        Command::Install(place) => install::install(&place.location())
            .map(|dir| Some(format!("Installed the kernelspec in {}", dir.display()))),
        Command::Uninstall(place) => install::uninstall(&place.location()).map(|dir| {
            Some(match dir {
                Some(dir) => format!("Removed {}", dir.display()),
                None => "The kernelspec was not installed there".to_owned(),
            })
        }),
    };
    match result {
        Ok(message) => {
            if let Some(message) = message {
                println!("{message}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("threadlab-kernel: {error}");
            ExitCode::FAILURE
        }
    }
}
