//! Program cells (`%%program [--timeout SECS]`): the cell becomes a whole program, built against
//! the bundled crates and run as its own process, its output streamed live.
//!
//! This is Python's `%%file thread4.py` + `!python thread4.py`: only a whole program shows what
//! happens to daemon threads when `main` returns. The cell is the body of `main`, or a full
//! program if it defines `fn main`. Each kernel builds in its own work folder, so the bundled
//! crates are compiled once per folder and reused after.

use super::cell::defines_main;
use super::diagnostics::CellError;
use super::engine::Setup;
use super::frames::{Frame, Stream};
use super::output::Event;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Builds and runs `source`; an error says why it did not succeed.
pub(super) fn run(
    setup: &Setup,
    work: &Path,
    source: &str,
    timeout: Option<Duration>,
) -> Result<(), CellError> {
    let project = work.join("program");
    write_project(setup, &project, source).map_err(|e| CellError::new("OSError", &e.to_string(), &[]))?;
    let binary = build(&project)?;

    let mut child = Command::new(&binary)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("THREADLAB_AGENT_SOCKET")
        .env_remove("THREADLAB_OUTPUT_SOCKET")
        .spawn()
        .map_err(|e| CellError::new("OSError", &format!("cannot start {}: {e}", binary.display()), &[]))?;
    let mut readers = Vec::new();
    for (pipe, stream) in [
        (child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>), Stream::Stdout),
        (child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>), Stream::Stderr),
    ] {
        let Some(mut pipe) = pipe else { continue };
        let router = setup.router.clone();
        readers.push(std::thread::spawn(move || {
            let mut buffer = vec![0u8; 16 << 10];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                router.send(Event::Child(stream, Frame::Text(buffer[..n].to_vec())));
            }
        }));
    }

    let started = Instant::now();
    let mut stopped = None;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(_) => break None,
        }
        if setup.interrupter.requested() {
            stopped = Some("interrupted");
        } else if timeout.is_some_and(|t| started.elapsed() >= t) {
            stopped = Some("timeout");
        }
        if stopped.is_some() {
            let _ = child.kill();
            break child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    for reader in readers {
        let _ = reader.join();
    }
    match (stopped, status) {
        (Some("interrupted"), _) => Err(CellError::new("KeyboardInterrupt", "the program was stopped", &[])),
        (Some(_), _) => Err(CellError::new(
            "TimeoutError",
            &format!(
                "the program was still running after {:.1} s and was killed",
                timeout.unwrap_or_default().as_secs_f64()
            ),
            &[],
        )),
        (None, Some(status)) if status.success() => Ok(()),
        (None, Some(status)) => {
            use std::os::unix::process::ExitStatusExt;
            let how = match (status.code(), status.signal()) {
                (Some(code), _) => format!("exit status {code}"),
                (None, Some(signal)) => format!("signal {signal}"),
                _ => status.to_string(),
            };
            Err(CellError::new("ProgramError", &format!("the program ended with {how}"), &[]))
        }
        (None, None) => Err(CellError::new("ProgramError", "lost track of the program", &[])),
    }
}

/// Builds the program project once with an empty program, so the bundled crates are compiled.
pub(super) fn prebuild(setup: &Setup, work: &Path) -> Result<(), CellError> {
    let project = work.join("program");
    write_project(setup, &project, "").map_err(|e| CellError::new("OSError", &e.to_string(), &[]))?;
    build(&project).map(|_| ())
}

fn write_project(setup: &Setup, project: &Path, source: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(project.join("src"))?;
    let manifest = format!(
        "[package]\nname = \"cell_program\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{}\n[profile.dev]\nopt-level = 1\ndebug = false\n\n[workspace]\n",
        setup.bundle.cargo_dependencies()
    );
    write_if_changed(&project.join("Cargo.toml"), &manifest)?;
    let program = if defines_main(source) {
        source.to_owned()
    } else {
        format!("#![allow(unused_imports, unused_mut, dead_code)]\nfn main() {{\n{source}\n}}\n")
    };
    write_if_changed(&project.join("src").join("main.rs"), &program)
}

fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|c| c == contents) {
        return Ok(());
    }
    std::fs::write(path, contents)
}

fn build(project: &Path) -> Result<PathBuf, CellError> {
    let attempt = |offline: bool| {
        let mut command = if which("mold") {
            let mut c = Command::new("mold");
            c.arg("-run").arg("cargo");
            c
        } else {
            Command::new("cargo")
        };
        if offline {
            command.arg("--offline");
        }
        command
            .args(["build", "--quiet", "--color=always"])
            .current_dir(project)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("RUSTFLAGS")
            .env("CARGO_TARGET_DIR", project.join("target"))
            .stdin(Stdio::null())
            .output()
    };
    let output = match attempt(true) {
        Ok(output) if output.status.success() => output,
        _ => attempt(false).map_err(|e| CellError::new("OSError", &format!("cannot run cargo: {e}"), &[]))?,
    };
    if !output.status.success() {
        let text = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        return Err(CellError::new("CompilationError", "the program does not compile", &lines));
    }
    Ok(project.join("target").join("debug").join("cell_program"))
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
