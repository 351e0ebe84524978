//! `threadlab-grader`: see the library (`threadlab_grader`) for everything.

fn main() {
    std::process::exit(threadlab_grader::cli::command::main());
}
