//! The sandbox around the child process (and limits around rustc).
//!
//! Applied between `fork` and `exec` (so before any of the submission's code exists in the
//! process), in this order:
//! 1. its own process group (so the whole child can be killed);
//! 2. a new **network namespace** (no interface but a down loopback) when permitted;
//! 3. **resource limits**: CPU time, address space, file size 0, a few open files, no core
//!    dumps, and a thread/process count — `RLIMIT_NPROC` counts every thread of the *user*,
//!    so when the grader runs as root the child also becomes an unprivileged user of its own
//!    (one per job slot), and the limit then counts only that child's threads;
//! 4. `PR_SET_PDEATHSIG` (the child dies with the grader) and `PR_SET_NO_NEW_PRIVS`.
//!
//! Then, inside the child, the harness installs a **seccomp** allow-list (see
//! `threadlab_grader::core::seccomp`) before the submission's code first runs: no file can be
//! opened, no socket created, no process started or signalled, no `ptrace`, `ioctl` or
//! `io_uring`. The child's environment is emptied (only `MALLOC_ARENA_MAX` and
//! `RUST_BACKTRACE=0` are set) and its working directory is an empty temporary directory.

#![allow(unsafe_code)]

use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::OnceLock;

/// Resource limits (rlimits) of one child process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceLimits {
    /// CPU seconds (all threads together).
    pub cpu_seconds: u64,
    /// Address space, bytes.
    pub memory_bytes: u64,
    /// Threads and processes.
    pub threads: u64,
    /// Open files.
    pub open_files: u64,
}

impl Default for ResourceLimits {
    fn default() -> Self {
        ResourceLimits { cpu_seconds: 30, memory_bytes: 1 << 30, threads: 128, open_files: 16 }
    }
}

/// What this machine lets the sandbox do (probed once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Running as root: the child can become an unprivileged user, so `RLIMIT_NPROC` holds.
    pub switch_user: bool,
    /// `unshare(CLONE_NEWNET)` works.
    pub network_namespace: bool,
}

/// Probes what works here, once: spawns `/bin/true` (or the grader itself) with each feature.
pub fn capabilities() -> Capabilities {
    static CAPS: OnceLock<Capabilities> = OnceLock::new();
    *CAPS.get_or_init(|| {
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        let probe = |pre: fn() -> std::io::Result<()>| {
            let program =
                ["/bin/true", "/usr/bin/true"].into_iter().find(|p| std::path::Path::new(p).exists());
            let Some(program) = program else { return false };
            let mut command = Command::new(program);
            // SAFETY: the closure only makes async-signal-safe system calls.
            unsafe { command.pre_exec(pre) };
            command.status().is_ok_and(|s| s.success())
        };
        Capabilities { switch_user: root, network_namespace: probe(unshare_network) }
    })
}

fn check(result: libc::c_int) -> std::io::Result<()> {
    if result == -1 { Err(std::io::Error::last_os_error()) } else { Ok(()) }
}

fn unshare_network() -> std::io::Result<()> {
    // SAFETY: unshare takes flags only.
    check(unsafe { libc::unshare(libc::CLONE_NEWNET) })
}

fn set_limit(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) -> std::io::Result<()> {
    let limit = libc::rlimit { rlim_cur: soft, rlim_max: hard };
    // SAFETY: `limit` is a valid rlimit.
    check(unsafe { libc::setrlimit(resource, &limit) })
}

/// The unprivileged user a child in job slot `slot` runs as (when the grader is root):
/// distinct per grader process and slot, so `RLIMIT_NPROC` counts one child's threads.
pub fn user_for(slot: usize) -> u32 {
    60_000 + ((std::process::id() as usize * 16 + slot) % 5_000) as u32
}

/// Arranges for `command` to start sandboxed (see the module docs). `fds` are
/// `(from, to)` descriptor pairs to install (the private channel).
pub fn sandbox(command: &mut Command, limits: ResourceLimits, slot: usize, fds: [(i32, i32); 2]) {
    let caps = capabilities();
    let user = caps.switch_user.then(|| user_for(slot));
    command.env_clear().env("MALLOC_ARENA_MAX", "2").env("RUST_BACKTRACE", "0");
    let pre = move || -> std::io::Result<()> {
        for (from, to) in fds {
            // SAFETY: both descriptors are valid in the child; dup2 clears close-on-exec.
            check(unsafe { libc::dup2(from, to) })?;
        }
        // SAFETY: plain system calls with valid arguments; no allocation happens here.
        unsafe {
            check(libc::setpgid(0, 0))?;
            if caps.network_namespace {
                check(libc::unshare(libc::CLONE_NEWNET))?;
            }
        }
        set_limit(libc::RLIMIT_CPU, limits.cpu_seconds, limits.cpu_seconds + 1)?;
        set_limit(libc::RLIMIT_AS, limits.memory_bytes, limits.memory_bytes)?;
        set_limit(libc::RLIMIT_FSIZE, 0, 0)?;
        set_limit(libc::RLIMIT_NOFILE, limits.open_files, limits.open_files)?;
        set_limit(libc::RLIMIT_CORE, 0, 0)?;
        set_limit(libc::RLIMIT_MEMLOCK, 0, 0)?;
        set_limit(libc::RLIMIT_MSGQUEUE, 0, 0)?;
        if let Some(user) = user {
            set_limit(libc::RLIMIT_NPROC, limits.threads, limits.threads)?;
            // SAFETY: plain system calls; the order (groups, gid, uid) drops root for good.
            unsafe {
                check(libc::setgroups(0, std::ptr::null()))?;
                check(libc::setgid(user))?;
                check(libc::setuid(user))?;
            }
        }
        // SAFETY: prctl with integer arguments.
        unsafe {
            check(libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0))?;
            check(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1 as libc::c_ulong, 0, 0, 0))?;
        }
        Ok(())
    };
    // SAFETY: the closure only makes async-signal-safe system calls (no allocation, no locks).
    unsafe { command.pre_exec(pre) };
}

/// Limits for rustc compiling an untrusted submission: memory, output size, no core dumps.
pub fn limit_compiler(command: &mut Command) {
    let pre = || -> std::io::Result<()> {
        set_limit(libc::RLIMIT_AS, 4 << 30, 4 << 30)?;
        set_limit(libc::RLIMIT_FSIZE, 512 << 20, 512 << 20)?;
        set_limit(libc::RLIMIT_CORE, 0, 0)?;
        // SAFETY: prctl with integer arguments.
        check(unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) })
    };
    // SAFETY: as above, async-signal-safe calls only.
    unsafe { command.pre_exec(pre) };
}

/// A one-paragraph account of what holds on this machine, for reports and the docs.
pub fn describe(seccomp: Option<bool>) -> String {
    let caps = capabilities();
    let mut parts = vec!["resource limits (CPU, memory, file size 0, open files)".to_string()];
    parts.push(if caps.switch_user {
        "an unprivileged user of its own (so the thread limit holds)".into()
    } else {
        "no thread limit (the grader is not root, and RLIMIT_NPROC would count all the user's threads)".into()
    });
    parts.push(if caps.network_namespace {
        "no network (own network namespace)".into()
    } else {
        "network namespace unavailable".into()
    });
    match seccomp {
        Some(true) => parts.push("seccomp filter (no files, sockets, processes)".into()),
        Some(false) => parts.push("NO seccomp filter".into()),
        None => {}
    }
    parts.join("; ")
}
