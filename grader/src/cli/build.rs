//! Stage 3, build: compile the prepared source against a pre-built, cached `threading` and
//! grader-runtime rlib, by calling rustc directly.
//!
//! The runtime (this crate without its `cli` feature, with `child`, plus `threading`) is
//! built once with cargo into the cache (`$THREADLAB_CACHE/grader`, by default
//! `~/.cache/threadlab/grader`), keyed by the rustc version and the sources. Each submission
//! is then one rustc invocation of a few hundred lines, itself cached by the hash of what is
//! compiled.

use crate::cli::prepare::FILE_NAME;
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use thiserror::Error;

/// The pre-built runtime a submission links against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runtime {
    /// `libthreading-*.rlib`.
    pub threading: PathBuf,
    /// `libthreadlab_grader-*.rlib`.
    pub grader: PathBuf,
    /// The directory holding both and their dependencies.
    pub deps: PathBuf,
    /// The cache key it was built for.
    pub key: String,
}

/// A compiled submission.
#[derive(Debug, Clone)]
pub struct Built {
    /// The executable.
    pub binary: PathBuf,
    /// Whether it came from the cache.
    pub cached: bool,
    /// Compile time (zero when cached).
    pub elapsed: Duration,
}

/// One rustc error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompilerMessage {
    /// The message.
    pub message: String,
    /// The primary span's line in the compiled file, if it is in it.
    pub line: Option<usize>,
    /// rustc's own rendering.
    pub rendered: String,
}

/// Why building failed.
#[derive(Debug, Error)]
pub enum BuildError {
    /// The submission does not compile.
    #[error("the submission does not compile")]
    Compile(Vec<CompilerMessage>),
    /// rustc ran out of time or memory on it.
    #[error("compiling took longer than {0:?} (or ran out of memory)")]
    CompileLimit(Duration),
    /// The runtime could not be built.
    #[error("cannot build the grader runtime (`{command}`):\n{output}")]
    Runtime {
        /// The cargo command.
        command: String,
        /// Its output.
        output: String,
    },
    /// The grader's sources were not found.
    #[error(
        "cannot find the threadlab workspace at {0} (set THREADLAB_WORKSPACE to the repository that holds threading/ and grader/)"
    )]
    Workspace(PathBuf),
    /// A file operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> BuildError {
    let what = what.into();
    move |source| BuildError::Io { what, source }
}

/// FNV-1a, 64 bits: a stable hash for cache keys.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Adds bytes.
    pub fn add(&mut self, bytes: &[u8]) -> &mut Self {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        self
    }

    /// The hash, as 16 hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// The cache directory: `$THREADLAB_CACHE/grader`, else `$XDG_CACHE_HOME/threadlab/grader`,
/// else `~/.cache/threadlab/grader`.
pub fn default_cache() -> PathBuf {
    if let Some(dir) = std::env::var_os("THREADLAB_CACHE") {
        return PathBuf::from(dir).join("grader");
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("threadlab").join("grader")
}

/// The workspace holding `threading/` and `grader/`: `$THREADLAB_WORKSPACE`, else where this
/// crate was built from.
pub fn workspace() -> Result<PathBuf, BuildError> {
    let dir = std::env::var_os("THREADLAB_WORKSPACE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
    if dir.join("threading/src/lib.rs").is_file() && dir.join("grader/src/lib.rs").is_file() {
        Ok(dir)
    } else {
        Err(BuildError::Workspace(dir))
    }
}

fn rustc() -> String {
    std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into())
}

fn hash_tree(hash: &mut Fnv, dir: &Path) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            hash_tree(hash, &path);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "toml") {
            hash.add(path.to_string_lossy().as_bytes());
            hash.add(&std::fs::read(&path).unwrap_or_default());
        }
    }
}

/// The runtime's cache key: rustc's version and every source it is built from.
pub fn runtime_key(workspace: &Path) -> String {
    let mut hash = Fnv::default();
    let version = Command::new(rustc()).arg("-vV").output().map(|o| o.stdout).unwrap_or_default();
    hash.add(&version);
    for part in ["threading/src", "grader/src"] {
        hash_tree(&mut hash, &workspace.join(part));
    }
    for file in ["threading/Cargo.toml", "grader/Cargo.toml", "Cargo.lock"] {
        hash.add(&std::fs::read(workspace.join(file)).unwrap_or_default());
    }
    hash.hex()
}

/// Which build of this crate a [`Runtime`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// The core and the sandboxed child's parts: what submissions link against.
    Child,
    /// Everything, the command line included: what a grader built with authored exercises
    /// links against (see [`authored`](crate::cli::authored)).
    Cli,
}

impl Flavour {
    fn features(self) -> &'static [&'static str] {
        match self {
            Flavour::Child => &["--no-default-features", "--features", "child"],
            Flavour::Cli => &[],
        }
    }

    fn manifest_prefix(self) -> &'static str {
        match self {
            Flavour::Child => "runtime-",
            Flavour::Cli => "runtime-cli-",
        }
    }
}

/// The runtime submissions link against, built with cargo on first use (tens of seconds) and
/// cached (on disk, and for the rest of this process).
pub fn runtime(cache: &Path) -> Result<Runtime, BuildError> {
    runtime_of(cache, Flavour::Child)
}

/// The runtime of `flavour`, built on first use and cached like [`runtime`].
pub fn runtime_of(cache: &Path, flavour: Flavour) -> Result<Runtime, BuildError> {
    static KNOWN: std::sync::Mutex<Vec<(PathBuf, Flavour, Runtime)>> = std::sync::Mutex::new(Vec::new());
    let mut known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, _, runtime)) = known.iter().find(|(dir, f, _)| dir == cache && *f == flavour) {
        return Ok(runtime.clone());
    }
    let runtime = find_or_build_runtime(cache, flavour)?;
    known.push((cache.to_path_buf(), flavour, runtime.clone()));
    Ok(runtime)
}

fn find_or_build_runtime(cache: &Path, flavour: Flavour) -> Result<Runtime, BuildError> {
    let workspace = workspace()?;
    let key = runtime_key(&workspace);
    let manifest = cache.join(format!("{}{key}.json", flavour.manifest_prefix()));
    if let Ok(text) = std::fs::read_to_string(&manifest)
        && let Ok(runtime) = serde_json::from_str::<Runtime>(&text)
        && runtime.threading.is_file()
        && runtime.grader.is_file()
    {
        return Ok(runtime);
    }
    std::fs::create_dir_all(cache).map_err(io(format!("creating {}", cache.display())))?;
    let target = cache.join("runtime-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut args = vec!["build", "--release", "--offline", "--lib", "-p", "threadlab-grader"];
    args.extend(flavour.features());
    args.push("--message-format=json");
    let command = format!("{cargo} {} --target-dir {}", args.join(" "), target.display());
    tracing::info!("building the grader runtime: {command}");
    let output = Command::new(&cargo)
        .args(args)
        .arg("--target-dir")
        .arg(&target)
        .current_dir(&workspace)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .stdin(Stdio::null())
        .output()
        .map_err(io(format!("running {cargo}")))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut threading = None;
    let mut grader = None;
    let mut errors = String::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if message["reason"] == "compiler-message" && message["message"]["level"] == "error" {
            errors.push_str(message["message"]["rendered"].as_str().unwrap_or_default());
        }
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let rlib = message["filenames"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str())
            .find(|f| f.ends_with(".rlib"))
            .map(PathBuf::from);
        match message["target"]["name"].as_str() {
            Some("threading") => threading = rlib,
            Some("threadlab_grader") => grader = rlib,
            _ => {}
        }
    }
    let (Some(threading), Some(grader), true) = (threading, grader, output.status.success()) else {
        return Err(BuildError::Runtime {
            command,
            output: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    };
    // `threading` is never the top-level crate, so its rlib sits in `deps/` with everything
    // else. The grader's own is reported as the copy cargo "uplifts" to `release/`, which the
    // next runtime build overwrites: use its hash-named twin in `deps/`.
    let deps = threading.parent().map(Path::to_path_buf).unwrap_or_default();
    let grader = twin_in(&deps, &grader).unwrap_or(grader);
    let runtime = Runtime { threading, grader, deps, key };
    let temporary = manifest.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temporary, serde_json::to_string_pretty(&runtime).unwrap_or_default())
        .map_err(io("writing the runtime manifest"))?;
    std::fs::rename(&temporary, &manifest).map_err(io("writing the runtime manifest"))?;
    Ok(runtime)
}

/// The file in `deps` that is the same file (hard link) as `uplifted`.
fn twin_in(deps: &Path, uplifted: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(uplifted).ok()?.ino();
    let name = uplifted.file_stem()?.to_string_lossy().into_owned();
    std::fs::read_dir(deps).ok()?.flatten().map(|e| e.path()).find(|p| {
        p.file_name().is_some_and(|f| {
            let f = f.to_string_lossy();
            f.starts_with(&format!("{name}-")) && f.ends_with(".rlib")
        }) && std::fs::metadata(p).is_ok_and(|m| m.ino() == inode)
    })
}

/// Removes compiled submissions not used for two weeks, and the oldest beyond 500, once per
/// process.
fn prune(cache: &Path) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let builds = cache.join("builds");
        let mut entries: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&builds)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| !e.file_name().to_string_lossy().contains(".tmp"))
            .filter_map(|e| {
                Some((std::fs::metadata(e.path().join("submission")).ok()?.modified().ok()?, e.path()))
            })
            .collect();
        entries.sort();
        let cutoff = std::time::SystemTime::now() - Duration::from_secs(14 * 24 * 3600);
        let excess = entries.len().saturating_sub(500);
        for (i, (modified, path)) in entries.iter().enumerate() {
            if i < excess || *modified < cutoff {
                let _ = std::fs::remove_dir_all(path);
            }
        }
        // Manifests of runtimes built from older sources: keep the eight newest.
        let mut manifests: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(cache)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                e.file_name().to_string_lossy().starts_with("runtime-")
                    && e.path().extension().is_some_and(|x| x == "json")
            })
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        manifests.sort();
        for (_, path) in manifests.iter().rev().skip(8) {
            let _ = std::fs::remove_file(path);
        }
    });
}

/// The flags every submission is compiled with.
const RUSTC_FLAGS: &[&str] = &[
    "--edition=2024",
    "--crate-type=bin",
    "--crate-name=submission",
    // The harness is in the optimised runtime; the learner's few lines need no optimiser.
    "-Copt-level=0",
    "-Cdebuginfo=0",
    "-Cstrip=debuginfo",
    "-Cpanic=unwind",
    "-Awarnings",
    "--error-format=json",
];

/// How long rustc may take on one submission.
pub const COMPILE_TIMEOUT: Duration = Duration::from_secs(60);

/// Compiles `source` (from [`prepare::source`](crate::cli::prepare::source)) into a cached binary.
pub fn compile(runtime: &Runtime, cache: &Path, source: &str) -> Result<Built, BuildError> {
    let mut hash = Fnv::default();
    hash.add(runtime.key.as_bytes()).add(source.as_bytes());
    for flag in RUSTC_FLAGS {
        hash.add(flag.as_bytes());
    }
    let dir = cache.join("builds").join(hash.hex());
    let binary = dir.join("submission");
    if binary.is_file() {
        // Mark it used, for pruning (read-only: it may be running).
        let _ = std::fs::File::open(&binary).and_then(|f| f.set_modified(std::time::SystemTime::now()));
        return Ok(Built { binary, cached: true, elapsed: Duration::ZERO });
    }
    prune(cache);
    let started = Instant::now();
    let work = scratch(cache, &hash.hex())?;
    std::fs::write(work.path().join(FILE_NAME), source).map_err(io("writing the source"))?;
    let messages = run_rustc(runtime, work.path())?;
    if !work.path().join("submission").is_file() {
        return Err(BuildError::Compile(messages));
    }
    // Another job may have finished the same build first: either copy is fine.
    let work = work.keep();
    if std::fs::rename(&work, &dir).is_err() {
        let _ = std::fs::remove_dir_all(&work);
    }
    Ok(Built { binary, cached: false, elapsed: started.elapsed() })
}

/// Only the diagnostics of `source`, for a clearer message when the prepared source failed.
pub fn diagnose(runtime: &Runtime, cache: &Path, source: &str) -> Result<Vec<CompilerMessage>, BuildError> {
    let work = scratch(cache, "diagnose")?;
    std::fs::write(work.path().join(FILE_NAME), source).map_err(io("writing the source"))?;
    run_rustc(runtime, work.path())
}

/// A fresh directory under the cache's `builds/` (removed when dropped).
fn scratch(cache: &Path, prefix: &str) -> Result<tempfile::TempDir, BuildError> {
    let builds = cache.join("builds");
    std::fs::create_dir_all(&builds).map_err(io(format!("creating {}", builds.display())))?;
    tempfile::Builder::new()
        .prefix(&format!("{prefix}.tmp"))
        .tempdir_in(&builds)
        .map_err(io(format!("creating a directory in {}", builds.display())))
}

fn run_rustc(runtime: &Runtime, work: &Path) -> Result<Vec<CompilerMessage>, BuildError> {
    let mut command = Command::new(rustc());
    command
        .args(RUSTC_FLAGS)
        .arg(format!("--extern=threading={}", runtime.threading.display()))
        .arg(format!("--extern=threadlab_grader={}", runtime.grader.display()))
        .arg("-L")
        .arg(format!("dependency={}", runtime.deps.display()))
        .arg("-o")
        .arg("submission")
        .arg(FILE_NAME)
        .current_dir(work)
        .env_remove("RUSTFLAGS")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    crate::cli::sandbox::limit_compiler(&mut command);
    let mut child = command.spawn().map_err(io(format!("running {}", rustc())))?;
    let mut stderr = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + COMPILE_TIMEOUT;
    let status = loop {
        match child.try_wait().map_err(io("waiting for rustc"))? {
            Some(status) => break status,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(BuildError::CompileLimit(COMPILE_TIMEOUT));
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let stderr = reader.join().unwrap_or_default();
    let messages = parse_diagnostics(&stderr);
    if !status.success() && messages.is_empty() {
        // Killed by a limit (memory), or an internal compiler error.
        return Err(BuildError::CompileLimit(COMPILE_TIMEOUT));
    }
    Ok(messages)
}

/// The errors in rustc's JSON output.
pub fn parse_diagnostics(stderr: &str) -> Vec<CompilerMessage> {
    stderr
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|d| d["level"] == "error" && d["$message_type"] == "diagnostic")
        .filter(|d| !d["message"].as_str().unwrap_or("").starts_with("aborting due to"))
        .map(|d| {
            let primary = d["spans"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|s| s["is_primary"] == true && s["file_name"] == FILE_NAME);
            CompilerMessage {
                message: d["message"].as_str().unwrap_or_default().to_string(),
                line: primary.and_then(|s| s["line_start"].as_u64()).map(|l| l as usize),
                rendered: d["rendered"].as_str().unwrap_or_default().to_string(),
            }
        })
        .collect()
}
