//! `threadlab-grader`: see the library (`threadlab_grader`) for everything.

use clap::Parser;

fn main() {
    let cli = threadlab_grader::cli::Cli::parse();
    let filter = if cli.verbose { "threadlab_grader=debug" } else { "threadlab_grader=warn" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| filter.into()),
        )
        .with_writer(std::io::stderr)
        .init();
    std::process::exit(threadlab_grader::cli::run(&cli));
}
