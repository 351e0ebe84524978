// Copyright 2020 The Evcxr Authors.
//
// Licensed under the Apache License, Version 2.0 <LICENSE or
// https://www.apache.org/licenses/LICENSE-2.0> or the MIT license <LICENSE
// or https://opensource.org/licenses/MIT>, at your option. This file may not be
// copied, modified, or distributed except according to those terms.

//! Compiling the user's crate with rustc alone, as cargo last did.
//!
//! Every cell is a `cargo build`, and between cells only `src/lib.rs` changes: cargo reads the
//! manifest and lock file and fingerprints every dependency, then runs the same rustc command
//! line as the time before. That is a third of a warm cell, and more than half of the compile
//! that learns a new variable's type from rustc's diagnostics (see
//! [`crate::EvalContext::set_variable_types_from_rustc`]).
//!
//! So the rustc wrapper records how cargo built the user's crate: the command (after the
//! wrapper's own changes), its environment and folder, the manifest it was planned from, a key
//! naming everything else cargo was asked (see [`Config::cargo_command`]), which includes a
//! number drawn once per context so that a record never outlives its session, and the source
//! files of the dependencies that are not from a registry (path dependencies: cargo rebuilds
//! one when its sources change). While the key and the manifest are unchanged and none of
//! those files changed since cargo looked, a build runs that command again, and a type probe
//! runs it emitting metadata only, outside cargo's output folder and incremental cache.
//! Anything that changes what cargo would do (`:dep`, `:opt`, `:env`, a linker, an edited path
//! dependency, ...) sends the next build through cargo, which records it again.
//!
//! [`Config::cargo_command`]: crate::eval_context::Config::cargo_command

use super::CRATE_NAME;
use crate::code_block::CodeBlock;
use crate::errors::CompilationError;
use anyhow::Result;
use serde::Deserialize;
use serde::Serialize;
use std::path::Path;
use std::path::PathBuf;
use std::process::Command;
use std::process::Output;

/// Set by [`crate::eval_context::Config::cargo_command`] to the file where the rustc wrapper
/// records how the user's crate is compiled, and to the key of that cargo command.
pub(crate) const RECORD_ENV: &str = "EVCXR_RECORD_RUSTC";
pub(crate) const RECORD_KEY_ENV: &str = "EVCXR_RECORD_RUSTC_KEY";
/// When cargo was started (nanoseconds since the Unix epoch): cargo saw the dependencies'
/// sources as they were then.
pub(crate) const RECORD_SINCE_ENV: &str = "EVCXR_RECORD_RUSTC_SINCE";

/// Where the record lives in the crate's folder, and where type probes write their metadata.
pub(crate) const RECORD_FILE: &str = "target/evcxr-rustc-invocation.json";
const PROBE_OUT_DIR: &str = "target/evcxr-type-probe";

/// Not replayed: cargo's jobserver descriptors are only open in cargo's own children, and the
/// record's own variables.
const NOT_REPLAYED_ENV: &[&str] = &[
    "CARGO_MAKEFLAGS",
    "MAKEFLAGS",
    "MFLAGS",
    RECORD_ENV,
    RECORD_KEY_ENV,
    RECORD_SINCE_ENV,
];

/// One compile of the user's crate, as cargo ran it.
#[derive(Serialize, Deserialize)]
pub(crate) struct RecordedRustc {
    /// The cargo command's key (see [`RECORD_KEY_ENV`]).
    key: String,
    /// The `Cargo.toml` the compile was planned from.
    manifest: String,
    /// The source files (and manifests) of the dependencies that are not from a registry, and
    /// when cargo found them up to date (nanoseconds since the Unix epoch).
    watched: Vec<PathBuf>,
    since: u128,
    current_dir: PathBuf,
    program: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

/// In the rustc wrapper: records `command` (which compiles the user's crate) if evcxr asked for
/// it and it is a build (a `cargo check` links against metadata-only dependencies). Failing to
/// record only means the next compile goes through cargo, so a failure removes the old record.
pub(crate) fn record_if_requested(command: &Command) {
    let Some(path) = std::env::var_os(RECORD_ENV) else {
        return;
    };
    let path = PathBuf::from(path);
    if record(command, &path).is_none() {
        let _ = std::fs::remove_file(&path);
    }
}

fn record(command: &Command, path: &Path) -> Option<()> {
    let args = command
        .get_args()
        .map(|arg| arg.to_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()?;
    if !args
        .iter()
        .any(|arg| arg.starts_with("--emit=") && arg.contains("link"))
    {
        return None;
    }
    let mut env: std::collections::BTreeMap<String, String> = std::env::vars_os()
        .filter_map(|(key, value)| Some((key.into_string().ok()?, value.into_string().ok()?)))
        .collect();
    for (key, value) in command.get_envs() {
        let key = key.to_str()?.to_owned();
        match value {
            Some(value) => env.insert(key, value.to_str()?.to_owned()),
            None => env.remove(&key),
        };
    }
    let current_dir = std::env::current_dir().ok()?;
    let dependency_dirs: Vec<&str> = args
        .iter()
        .filter_map(|arg| arg.strip_prefix("dependency="))
        .collect();
    let recorded = RecordedRustc {
        key: env.get(RECORD_KEY_ENV)?.clone(),
        manifest: std::fs::read_to_string(env.get("CARGO_MANIFEST_PATH")?).ok()?,
        watched: dependency_sources(&dependency_dirs, &current_dir)?,
        since: env.get(RECORD_SINCE_ENV)?.parse().ok()?,
        current_dir,
        program: command.get_program().to_str()?.to_owned(),
        args,
        env: env
            .into_iter()
            .filter(|(key, _)| !NOT_REPLAYED_ENV.contains(&key.as_str()))
            .collect(),
    };
    let temporary = path.with_extension("json.partial");
    std::fs::write(&temporary, serde_json::to_vec(&recorded).ok()?).ok()?;
    std::fs::rename(&temporary, path).ok()
}

/// The source files cargo's dep-info lists for the crates built in `dependency_dirs` (the user's
/// own crate aside), except those of registries and git checkouts (which cargo never rebuilds
/// from) and those in `crate_dir` (generated by build scripts, which only cargo runs), and the
/// manifest of each package they belong to. `None` if a package among them has a build script:
/// what that reads is not listed, so its crate is left to cargo.
fn dependency_sources(dependency_dirs: &[&str], crate_dir: &Path) -> Option<Vec<PathBuf>> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|home| home.join(".cargo")))?;
    let immutable = [cargo_home.join("registry"), cargo_home.join("git")];
    let mut sources = std::collections::BTreeSet::new();
    for dir in dependency_dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let is_user_crate = path
                .file_stem()
                .and_then(|stem| stem.to_str())
                .is_some_and(|stem| stem == CRATE_NAME || stem.starts_with("ctx-"));
            if path.extension().is_none_or(|extension| extension != "d") || is_user_crate {
                continue;
            }
            let Ok(dep_info) = std::fs::read_to_string(&path) else {
                continue;
            };
            sources.extend(
                dep_info_sources(&dep_info)
                    .into_iter()
                    .filter(|source| {
                        !source.starts_with(crate_dir)
                            && !immutable.iter().any(|dir| source.starts_with(dir))
                    }),
            );
        }
    }
    let mut manifests = std::collections::BTreeSet::new();
    for source in &sources {
        if let Some(package) = source
            .ancestors()
            .skip(1)
            .find(|dir| dir.join("Cargo.toml").is_file())
        {
            if package.join("build.rs").exists() {
                return None;
            }
            manifests.insert(package.join("Cargo.toml"));
        }
    }
    sources.extend(manifests);
    Some(sources.into_iter().collect())
}

/// The files a Makefile-style dep-info file says its targets depend on.
fn dep_info_sources(dep_info: &str) -> Vec<PathBuf> {
    let mut sources = Vec::new();
    for line in dep_info.lines() {
        if line.starts_with('#') {
            continue;
        }
        // `target: source source`, where a space inside a path is written `\ `.
        let Some((_, dependencies)) = line.split_once(": ") else {
            continue;
        };
        let mut current = String::new();
        let mut chars = dependencies.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => current.extend(chars.next()),
                ' ' => {
                    if !current.is_empty() {
                        sources.push(PathBuf::from(std::mem::take(&mut current)));
                    }
                }
                c => current.push(c),
            }
        }
        if !current.is_empty() {
            sources.push(PathBuf::from(current));
        }
    }
    sources
}

/// Nanoseconds since the Unix epoch.
pub(crate) fn now() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since_epoch| since_epoch.as_nanos())
}

impl RecordedRustc {
    /// The record in `crate_dir`, if it was made by a cargo command with `key` from `manifest`
    /// and no watched file changed since.
    pub(crate) fn load(crate_dir: &Path, key: &str, manifest: &str) -> Option<RecordedRustc> {
        let bytes = std::fs::read(crate_dir.join(RECORD_FILE)).ok()?;
        let recorded: RecordedRustc = serde_json::from_slice(&bytes).ok()?;
        let changed = |file: &PathBuf| {
            std::fs::metadata(file)
                .and_then(|metadata| metadata.modified())
                .ok()
                .and_then(|modified| modified.duration_since(std::time::UNIX_EPOCH).ok())
                .is_some_and(|modified| modified.as_nanos() > recorded.since)
        };
        (recorded.key == key
            && recorded.manifest == manifest
            && !recorded.watched.iter().any(changed))
        .then_some(recorded)
    }

    /// Forgets the record in `crate_dir`: it no longer compiles the crate.
    fn discard(crate_dir: &Path) {
        let _ = std::fs::remove_file(crate_dir.join(RECORD_FILE));
    }

    /// Type-checks the crate in `crate_dir` (whose `src/lib.rs` holds `code_block`): its
    /// diagnostics, empty if it compiles. `None` if rustc failed without saying why in a
    /// diagnostic of its own (the record is then discarded and cargo is left to say it).
    pub(crate) fn check(
        &self,
        crate_dir: &Path,
        code_block: &CodeBlock,
    ) -> Result<Option<Vec<CompilationError>>> {
        let out_dir = crate_dir.join(PROBE_OUT_DIR);
        std::fs::create_dir_all(&out_dir)?;
        let output = self.run(probe_args(&self.args, &out_dir))?;
        Ok(self.outcome(&output, crate_dir, code_block))
    }

    /// Builds the crate in `crate_dir` (whose `src/lib.rs` holds `code_block`) as cargo did:
    /// the shared object's path, or the errors. `None` as for [`RecordedRustc::check`].
    pub(crate) fn build(
        &self,
        crate_dir: &Path,
        code_block: &CodeBlock,
    ) -> Result<Option<Result<PathBuf, Vec<CompilationError>>>> {
        let Some(shared_object) = super::execution_so_source(self.args.iter()) else {
            return Ok(None);
        };
        let output = self.run(self.args.clone())?;
        Ok(self
            .outcome(&output, crate_dir, code_block)
            .map(|errors| {
                if output.status.success() {
                    Ok(shared_object)
                } else {
                    Err(errors)
                }
            }))
    }

    fn run(&self, args: Vec<String>) -> Result<Output> {
        Ok(Command::new(&self.program)
            .args(args)
            .current_dir(&self.current_dir)
            .env_clear()
            .envs(self.env.iter().map(|(key, value)| (key, value)))
            .output()?)
    }

    /// The diagnostics of a run, empty if it succeeded; `None` if it failed without an error
    /// diagnostic.
    fn outcome(
        &self,
        output: &Output,
        crate_dir: &Path,
        code_block: &CodeBlock,
    ) -> Option<Vec<CompilationError>> {
        if output.status.success() {
            return Some(Vec::new());
        }
        let diagnostics: Vec<CompilationError> = String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .filter_map(|json| CompilationError::opt_new(json, code_block))
            .collect();
        if diagnostics.iter().any(|error| error.level() == "error") {
            Some(diagnostics)
        } else {
            RecordedRustc::discard(crate_dir);
            None
        }
    }
}

/// The recorded arguments, emitting metadata only into `out_dir`, without incremental state.
fn probe_args(recorded: &[String], out_dir: &Path) -> Vec<String> {
    let mut args = Vec::with_capacity(recorded.len());
    let mut recorded = recorded.iter();
    while let Some(arg) = recorded.next() {
        if arg.starts_with("--emit=") {
            args.push("--emit=metadata".to_owned());
        } else if arg == "--out-dir" {
            recorded.next();
            args.push(arg.clone());
            args.push(out_dir.display().to_string());
        } else if arg.starts_with("-Cincremental=") {
            // Left out: the real build owns the incremental cache.
        } else if arg == "-C" {
            match recorded.next() {
                Some(value) if value.starts_with("incremental=") => {}
                Some(value) => {
                    args.push(arg.clone());
                    args.push(value.clone());
                }
                None => args.push(arg.clone()),
            }
        } else {
            args.push(arg.clone());
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::dep_info_sources;
    use super::probe_args;
    use std::path::Path;
    use std::path::PathBuf;

    #[test]
    fn dep_info_lists_every_source_once_per_target() {
        let dep_info = "/t/deps/x-1.d: /p/x/src/lib.rs /p/x/src/a\\ b.rs\n\n\
                        /p/x/src/lib.rs:\n/p/x/src/a\\ b.rs:\n\n# env-dep:X=1\n";
        assert_eq!(
            dep_info_sources(dep_info),
            [PathBuf::from("/p/x/src/lib.rs"), PathBuf::from("/p/x/src/a b.rs")]
        );
    }

    #[test]
    fn probe_args_emit_metadata_elsewhere_without_incremental_state() {
        let recorded: Vec<String> = [
            "--crate-name",
            "ctx",
            "--emit=dep-info,link",
            "-C",
            "opt-level=1",
            "--out-dir",
            "/t/debug/deps",
            "-C",
            "incremental=/t/debug/incremental",
            "-Cincremental=/t/other",
            "--extern",
            "threading=/t/libthreading.so",
        ]
        .iter()
        .map(|arg| arg.to_string())
        .collect();
        assert_eq!(
            probe_args(&recorded, Path::new("/t/probe")),
            [
                "--crate-name",
                "ctx",
                "--emit=metadata",
                "-C",
                "opt-level=1",
                "--out-dir",
                "/t/probe",
                "--extern",
                "threading=/t/libthreading.so",
            ]
        );
    }
}
