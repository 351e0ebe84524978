//! Exercises written outside the grader: `--exercise-file FILE` and `--exercise-set DIR`.
//!
//! An authored exercise is Rust (an `EXERCISE` static and an `adapter!` macro, against the
//! public API of [`core::exercise`](crate::core::exercise)), so the grader cannot read it as
//! data: the checker is code. Instead the grader builds *a grader that includes it* — one
//! rustc call of a small `main` that names the files as modules, linked against this crate
//! (the [`Cli`](crate::cli::build::Flavour::Cli) runtime, built once and cached) — and hands
//! the command line over to it. That grader registers the files' exercises
//! ([`exercise::register`]) next to the built-in ones, so every command (`check`, `batch`,
//! `replay`, `exercises`, `gradescope`) treats them exactly like built-in ones, and each
//! submission's harness includes the file as a module to build its subject. The files are
//! trusted: they are not put through the submission policy.
//!
//! Built graders are cached by the runtime's key and the files' paths and contents, so an
//! edited file is rebuilt on its next use and an unchanged one costs nothing.

use crate::cli::build::{self, BuildError, Flavour, Fnv};
use crate::core::exercise::{self, Authored};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use thiserror::Error;

/// The environment variable a grader built for authored files is started with (so that it
/// never builds and starts itself again).
const BUILT_FOR: &str = "THREADLAB_GRADER_AUTHORED";

/// Why the authored exercises cannot be graded.
#[derive(Debug, Error)]
pub enum AuthoredError {
    /// A file or set folder cannot be read.
    #[error("cannot read the exercise file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A set folder holds no exercise file.
    #[error("the exercise set {0} has no exercise files (expected {0}/exercises/*.rs or {0}/*.rs)")]
    EmptySet(PathBuf),
    /// The exercise files do not compile.
    #[error("the exercise files do not compile:\n{0}")]
    Compile(String),
    /// The runtime could not be built.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// Two files define the same id, or one that a built-in exercise has.
    #[error("an exercise id is defined twice (by two files, or by a file and a built-in exercise)")]
    DuplicateId,
    /// The grader built for the files does not have them (a file changed while it started).
    #[error("the exercise files changed while the grader built for them was starting; run the command again")]
    Changed,
    /// The built grader could not be started.
    #[error("cannot start the grader built for the exercise files ({path}): {source}")]
    Exec {
        /// The binary.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The exercise files of `--exercise-file` and `--exercise-set`, canonical, in order, without
/// repeats. A set is a folder with `exercises/*.rs` (or `*.rs` at its top), sorted by name.
pub fn files(exercise_files: &[PathBuf], sets: &[PathBuf]) -> Result<Vec<PathBuf>, AuthoredError> {
    let canonical =
        |p: &Path| p.canonicalize().map_err(|source| AuthoredError::Read { path: p.to_path_buf(), source });
    let mut out: Vec<PathBuf> = Vec::new();
    for file in exercise_files {
        out.push(canonical(file)?);
    }
    for set in sets {
        let folder = if set.join("exercises").is_dir() { set.join("exercises") } else { set.clone() };
        let entries = std::fs::read_dir(&folder)
            .map_err(|source| AuthoredError::Read { path: folder.clone(), source })?;
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        if found.is_empty() {
            return Err(AuthoredError::EmptySet(set.clone()));
        }
        found.sort();
        for file in found {
            out.push(canonical(&file)?);
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.clone()));
    Ok(out)
}

/// Whether this process is a grader built for exactly `files` as they are now.
pub fn is_built_for(files: &[PathBuf]) -> bool {
    let registered = exercise::authored();
    registered.len() == files.len()
        && registered.iter().zip(files).all(|(a, f)| {
            Path::new(a.path) == f && std::fs::read_to_string(f).is_ok_and(|text| text == a.source)
        })
}

/// The `main` of a grader built for `files`.
///
/// ```
/// let main = threadlab_grader::cli::authored::main_source(&["/x/ping_pong.rs".into()]);
/// assert!(main.contains("#[path = \"/x/ping_pong.rs\"]"));
/// assert!(main.contains("exercise: &exercise_0::EXERCISE"));
/// ```
pub fn main_source(files: &[PathBuf]) -> String {
    let mut modules = String::new();
    let mut entries = String::new();
    for (i, file) in files.iter().enumerate() {
        let path = format!("{:?}", file.to_string_lossy());
        modules.push_str(&format!(
            "#[path = {path}]\n#[allow(dead_code, unused_imports, unused_macros)]\nmod exercise_{i};\n"
        ));
        entries.push_str(&format!(
            "        ::threadlab_grader::exercise::Authored {{ exercise: &exercise_{i}::EXERCISE, path: {path}, \
             source: include_str!({path}) }},\n"
        ));
    }
    format!(
        "// A threadlab-grader built for authored exercise files (generated).\n{modules}\nfn main() {{\n    \
         let authored = vec![\n{entries}    ];\n    \
         ::std::process::exit(::threadlab_grader::cli::main_with(authored));\n}}\n"
    )
}

/// The grader built for `files` (built now if it is not cached).
pub fn grader_for(cache: &Path, files: &[PathBuf]) -> Result<PathBuf, AuthoredError> {
    let runtime = build::runtime_of(cache, Flavour::Cli)?;
    let main = main_source(files);
    let mut hash = Fnv::default();
    hash.add(runtime.key.as_bytes()).add(main.as_bytes());
    for file in files {
        let text =
            std::fs::read(file).map_err(|source| AuthoredError::Read { path: file.clone(), source })?;
        hash.add(&text);
    }
    let dir = cache.join("authored").join(hash.hex());
    let binary = dir.join("threadlab-grader");
    if binary.is_file() {
        return Ok(binary);
    }
    std::fs::create_dir_all(&dir).map_err(|source| AuthoredError::Read { path: dir.clone(), source })?;
    let work = tempfile::Builder::new()
        .prefix("build.tmp")
        .tempdir_in(&dir)
        .map_err(|source| AuthoredError::Read { path: dir.clone(), source })?;
    std::fs::write(work.path().join("main.rs"), &main)
        .map_err(|source| AuthoredError::Read { path: work.path().join("main.rs"), source })?;
    tracing::info!("building a grader for {} authored exercise file(s) in {}", files.len(), dir.display());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(&rustc)
        .args(["--edition=2024", "--crate-type=bin", "--crate-name=threadlab_grader_authored"])
        .args(["-Copt-level=1", "-Cdebuginfo=0", "-Cstrip=debuginfo", "--color=never"])
        .arg(format!("--extern=threading={}", runtime.threading.display()))
        .arg(format!("--extern=threadlab_grader={}", runtime.grader.display()))
        .arg("-L")
        .arg(format!("dependency={}", runtime.deps.display()))
        .arg("-o")
        .arg("threadlab-grader")
        .arg("main.rs")
        .current_dir(work.path())
        .env_remove("RUSTFLAGS")
        .stdin(Stdio::null())
        .output()
        .map_err(|source| AuthoredError::Exec { path: PathBuf::from(&rustc), source })?;
    if !output.status.success() {
        return Err(AuthoredError::Compile(String::from_utf8_lossy(&output.stderr).into_owned()));
    }
    // Another grader may have finished the same build first: either copy is fine.
    let built = work.path().join("threadlab-grader");
    if std::fs::rename(&built, &binary).is_err() && !binary.is_file() {
        return Err(AuthoredError::Read {
            path: binary,
            source: std::io::Error::other("cannot move the built grader into the cache"),
        });
    }
    Ok(binary)
}

/// Hands the command line over to the grader built for `files`: replaces this process with
/// it, same arguments. Returns only on error.
pub fn hand_over(cache: &Path, files: &[PathBuf], args: Vec<OsString>) -> AuthoredError {
    if std::env::var_os(BUILT_FOR).is_some() {
        return AuthoredError::Changed;
    }
    let binary = match grader_for(cache, files) {
        Ok(binary) => binary,
        Err(error) => return error,
    };
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(&binary);
    command.args(args).env(BUILT_FOR, "1");
    // The built grader is cached by content and may come from another checkout of the same
    // sources (one that is gone, even): it must build submissions from this one.
    if let Ok(workspace) = build::workspace() {
        command.env("THREADLAB_WORKSPACE", workspace);
    }
    let source = command.exec();
    AuthoredError::Exec { path: binary, source }
}

/// Registers the exercises a built grader was built with (its `main` calls this first).
pub fn register(authored: Vec<Authored>) -> Result<(), AuthoredError> {
    exercise::register(authored).map_err(|_| AuthoredError::DuplicateId)
}
