//! Stage 4, run: start the compiled child in the sandbox, feed it its configuration on a
//! private pipe, collect its messages on another, cap what it prints, and kill it when its
//! time is up.

#![allow(unsafe_code)]

use crate::cli::sandbox;
use crate::core::protocol::{CONFIG_FD, ChildConfig, EVENTS_FD, Message};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The first part of an output stream, and how big it was.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    /// The first bytes (lossy UTF-8).
    pub head: String,
    /// Total bytes written.
    pub total: u64,
}

/// What the child did.
#[derive(Debug)]
pub struct ChildOutcome {
    /// Its messages, in order.
    pub messages: Vec<Message>,
    /// Lines on the private channel that were not messages (should never happen).
    pub garbage: usize,
    /// How it ended.
    pub status: Option<ExitStatus>,
    /// Its stdout.
    pub stdout: Captured,
    /// Its stderr.
    pub stderr: Captured,
    /// Killed for exceeding the wall-clock limit.
    pub timed_out: bool,
    /// Killed for printing too much.
    pub output_exceeded: bool,
    /// Wall-clock time.
    pub elapsed: Duration,
}

/// How to run one child.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The compiled submission.
    pub binary: &'a Path,
    /// Its configuration.
    pub config: &'a ChildConfig,
    /// Wall-clock limit.
    pub wall: Duration,
    /// Bytes the child may print on stdout and stderr together.
    pub output_limit: u64,
    /// Resource limits.
    pub limits: sandbox::ResourceLimits,
    /// Job slot (for the child's user id).
    pub slot: usize,
}

const HEAD: usize = 16 * 1024;
/// The private channel's own cap: far above what any plan produces.
const CHANNEL_LIMIT: u64 = 256 << 20;

fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for two descriptors.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } == -1 {
        return Err(std::io::Error::last_os_error());
    }
    // Above the descriptors the child gets (3, 4), so installing one cannot clobber the other.
    let high = |fd: i32| -> std::io::Result<OwnedFd> {
        // SAFETY: `fd` is ours; F_DUPFD_CLOEXEC returns a new descriptor we then own.
        let moved = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 10) };
        // SAFETY: `fd` is ours and no longer used.
        unsafe { libc::close(fd) };
        if moved == -1 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `moved` is a fresh descriptor owned by nobody else.
        Ok(unsafe { OwnedFd::from_raw_fd(moved) })
    };
    Ok((high(fds[0])?, high(fds[1])?))
}

fn capture(
    mut stream: impl Read + Send + 'static,
    budget: Arc<std::sync::atomic::AtomicU64>,
    limit: u64,
    over: Arc<AtomicBool>,
) -> std::thread::JoinHandle<Captured> {
    std::thread::spawn(move || {
        let mut captured = Captured::default();
        let mut head = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    captured.total += n as u64;
                    if head.len() < HEAD {
                        head.extend_from_slice(&buffer[..n.min(HEAD - head.len())]);
                    }
                    if budget.fetch_add(n as u64, Ordering::Relaxed) + n as u64 > limit {
                        over.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
        captured.head = String::from_utf8_lossy(&head).into_owned();
        captured
    })
}

/// Runs the child to completion (or kills it) and returns what it did.
pub fn run(request: &Request<'_>) -> std::io::Result<ChildOutcome> {
    let started = Instant::now();
    let (config_read, config_write) = pipe()?;
    let (events_read, events_write) = pipe()?;
    let workdir = tempfile::Builder::new().prefix("threadlab-run-").tempdir()?;
    // Readable and executable by the unprivileged user the child becomes. A hard link opens
    // nothing for writing; a copy's descriptor can leak into a concurrent fork and make the
    // exec fail with "text file busy" for a moment, so that is retried below.
    let binary = workdir.path().join("submission");
    if std::fs::hard_link(request.binary, &binary).is_err() {
        std::fs::copy(request.binary, &binary)?;
    }
    set_mode(workdir.path(), 0o755)?;
    set_mode(&binary, 0o755)?;

    let mut command = Command::new(&binary);
    command.current_dir(workdir.path()).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    use std::os::fd::AsRawFd;
    sandbox::sandbox(
        &mut command,
        request.limits,
        request.slot,
        [(config_read.as_raw_fd(), CONFIG_FD), (events_write.as_raw_fd(), EVENTS_FD)],
    );
    let mut attempts = 0;
    let mut child = loop {
        match command.spawn() {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && attempts < 50 => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            other => break other?,
        }
    };
    drop(config_read);
    drop(events_write);
    {
        let mut config = File::from(config_write);
        let text = serde_json::to_string(request.config).unwrap_or_default();
        let _ = config.write_all(text.as_bytes());
    }

    let budget = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let over = Arc::new(AtomicBool::new(false));
    let stdout =
        capture(child.stdout.take().expect("piped"), budget.clone(), request.output_limit, over.clone());
    let stderr = capture(child.stderr.take().expect("piped"), budget, request.output_limit, over.clone());
    let channel_over = over.clone();
    let events = std::thread::spawn(move || {
        let mut messages = Vec::new();
        let mut garbage = 0;
        let mut bytes = 0u64;
        for line in BufReader::new(File::from(events_read)).lines() {
            let Ok(line) = line else { break };
            bytes += line.len() as u64;
            if bytes > CHANNEL_LIMIT {
                channel_over.store(true, Ordering::Relaxed);
                break;
            }
            match serde_json::from_str::<Message>(&line) {
                Ok(message) => messages.push(message),
                Err(_) => garbage += 1,
            }
        }
        (messages, garbage)
    });

    let deadline = started + request.wall;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if over.load(Ordering::Relaxed) || Instant::now() > deadline {
            timed_out = Instant::now() > deadline;
            kill_group(child.id());
            let _ = child.kill();
            break child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let (messages, garbage) = events.join().unwrap_or_default();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok(ChildOutcome {
        messages,
        garbage,
        status,
        stdout,
        stderr,
        timed_out,
        output_exceeded: over.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
    })
}

fn kill_group(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: signalling a process group we created; harmless if it is gone.
        unsafe { libc::kill(-pid, libc::SIGKILL) };
    }
}

fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}
