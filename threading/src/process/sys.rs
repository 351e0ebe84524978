//! The OS calls `process` needs, as small safe wrappers: the module's only unsafe code.
//!
//! Linux only (the project's target): `fork`, `waitid`, `prctl(PR_SET_PDEATHSIG)`, `pidfd_open`,
//! futexes on shared anonymous memory.

#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::AtomicU32;
use std::time::Duration;

/// What `fork` returned, seen from one side.
pub(crate) enum Forked {
    /// In the parent: the child's pid.
    Parent(u32),
    /// In the child.
    Child,
}

/// `fork()`.
///
/// # Safety
/// In a multi-threaded program the child may only rely on state that no other thread could
/// have been changing at the moment of the fork: the caller holds the locks it depends on
/// across the call (see `start.rs`).
pub(crate) unsafe fn fork() -> io::Result<Forked> {
    // SAFETY: the caller upholds the contract above; fork itself has no memory preconditions.
    match unsafe { libc::fork() } {
        -1 => Err(io::Error::last_os_error()),
        0 => Ok(Forked::Child),
        pid => Ok(Forked::Parent(pid as u32)),
    }
}

/// `_exit(code)`: ends the process now, without atexit handlers or destructors (what a forked
/// child must do: those belong to the parent).
pub(crate) fn exit_now(code: i32) -> ! {
    // SAFETY: _exit has no preconditions and does not return.
    unsafe { libc::_exit(code) }
}

pub(crate) fn getpid() -> u32 {
    std::process::id()
}

pub(crate) fn getppid() -> u32 {
    // SAFETY: getppid has no preconditions and cannot fail.
    unsafe { libc::getppid() as u32 }
}

/// Reaps child `pid` if it has exited: its exit code, or minus the signal that killed it (as
/// Python's `Process.exitcode`). `None` if it is still running.
pub(crate) fn reap(pid: u32) -> io::Result<Option<i32>> {
    let mut status = 0;
    loop {
        // SAFETY: `status` is a valid, writable int.
        let rc = unsafe { libc::waitpid(pid as libc::pid_t, &mut status, libc::WNOHANG) };
        if rc == 0 {
            return Ok(None);
        }
        if rc > 0 {
            return Ok(Some(decode_status(status)));
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

fn decode_status(status: i32) -> i32 {
    if libc::WIFSIGNALED(status) { -libc::WTERMSIG(status) } else { libc::WEXITSTATUS(status) }
}

/// `kill(pid, signal)`.
pub(crate) fn send_signal(pid: u32, signal: i32) -> io::Result<()> {
    // SAFETY: kill has no memory preconditions.
    if unsafe { libc::kill(pid as libc::pid_t, signal) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Whether a process with this pid exists (possibly as a zombie).
pub(crate) fn pid_exists(pid: u32) -> bool {
    if pid == 0 {
        return false;
    }
    match send_signal(pid, 0) {
        Ok(()) => true,
        Err(error) => error.raw_os_error() == Some(libc::EPERM),
    }
}

/// `prctl(PR_SET_PDEATHSIG, signal)`: the kernel sends `signal` to the calling process when the
/// *thread* that forked it ends.
pub(crate) fn set_parent_death_signal(signal: i32) -> io::Result<()> {
    // SAFETY: PR_SET_PDEATHSIG takes a signal number and no pointers.
    if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, signal as libc::c_ulong) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// `pidfd_open(pid)`: a descriptor that becomes readable when the process exits (Linux ≥ 5.3).
pub(crate) fn pidfd_open(pid: u32) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags, no pointers.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel just gave us this descriptor; nobody else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// Closes every descriptor of the process except `keep` (`close_range`, Linux ≥ 5.9; on older
/// kernels nothing is closed).
pub(crate) fn close_all_descriptors_but(keep: i32) {
    let keep = keep as libc::c_uint;
    // SAFETY: close_range takes numbers, no pointers; the caller owns every descriptor of this
    // (watcher) process and uses none but `keep` afterwards.
    unsafe {
        if keep > 0 {
            libc::syscall(libc::SYS_close_range, 0 as libc::c_uint, keep - 1, 0 as libc::c_uint);
        }
        libc::syscall(libc::SYS_close_range, keep + 1, libc::c_uint::MAX, 0 as libc::c_uint);
    }
}

/// Points standard input at `/dev/null` (what Python's `multiprocessing` does in every child,
/// so that a child never reads what was meant for its parent).
pub(crate) fn stdin_from_dev_null() -> io::Result<()> {
    let null = std::fs::File::open("/dev/null")?;
    // SAFETY: dup2 onto descriptor 0 with a descriptor we own; no memory is involved.
    if unsafe { libc::dup2(null.as_raw_fd(), 0) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Takes ownership of descriptor `fd` inherited across `exec` (checking that it is open), and
/// marks it close-on-exec again.
pub(crate) fn adopt_fd(fd: i32) -> io::Result<OwnedFd> {
    // SAFETY: F_GETFD only reads the descriptor's flags; it fails with EBADF if it is not open.
    if fd < 3 || unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
        return Err(io::Error::from_raw_os_error(libc::EBADF));
    }
    // SAFETY: the parent passed this descriptor to this process for this purpose alone, and
    // nothing else in the process claims it.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: F_SETFD on a descriptor we own.
    unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    Ok(owned)
}

/// Lets descriptor `fd` survive `exec` (in a child between `fork` and `exec`: async-signal-safe).
pub(crate) fn clear_close_on_exec(fd: i32) -> io::Result<()> {
    // SAFETY: fcntl on a descriptor number, no pointers.
    if unsafe { libc::fcntl(fd, libc::F_SETFD, 0) } < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

/// Removes an environment variable.
///
/// Only called by `entry_point`, which its documentation requires to run first thing in
/// `main`, before any other thread could be reading the environment.
pub(crate) fn remove_env(name: &str) {
    // SAFETY: see above: no other thread exists yet.
    unsafe { std::env::remove_var(name) };
}

/// The number of online CPUs (`sysconf(_SC_NPROCESSORS_ONLN)`, what Python's `os.cpu_count` reads).
pub(crate) fn online_cpus() -> Option<usize> {
    // SAFETY: sysconf has no memory preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    usize::try_from(n).ok().filter(|&n| n > 0)
}

/// `poll` on one descriptor: whether it became readable (or hung up) within `timeout`
/// (`None`: wait forever). An interrupting signal counts as "not ready yet".
pub(crate) fn poll_readable(fd: BorrowedFd<'_>, timeout: Option<Duration>) -> io::Result<bool> {
    let mut pollfd = libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    let millis = match timeout {
        None => -1,
        // Round up so a short timeout does not become a busy 0 ms poll.
        Some(t) => i32::try_from(t.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX),
    };
    // SAFETY: `pollfd` is one valid pollfd and we pass a count of 1.
    let rc = unsafe { libc::poll(&mut pollfd, 1, millis) };
    if rc < 0 {
        let error = io::Error::last_os_error();
        return if error.kind() == io::ErrorKind::Interrupted { Ok(false) } else { Err(error) };
    }
    if rc > 0 && pollfd.revents & libc::POLLNVAL != 0 {
        return Err(io::Error::from_raw_os_error(libc::EBADF));
    }
    Ok(rc > 0)
}

/// One `sendmsg` of the given buffers, with `MSG_NOSIGNAL` (a closed peer is an `EPIPE` error,
/// never a `SIGPIPE`). It blocks up to the socket's send timeout, then returns how many bytes
/// went out (or `WouldBlock` if none did).
pub(crate) fn send_vectored(fd: BorrowedFd<'_>, buffers: &[&[u8]]) -> io::Result<usize> {
    let mut iov: [libc::iovec; 2] = [libc::iovec { iov_base: std::ptr::null_mut(), iov_len: 0 }; 2];
    let mut count = 0;
    for buffer in buffers.iter().filter(|b| !b.is_empty()).take(2) {
        iov[count] = libc::iovec { iov_base: buffer.as_ptr() as *mut libc::c_void, iov_len: buffer.len() };
        count += 1;
    }
    if count == 0 {
        return Ok(0);
    }
    // SAFETY: msghdr is plain data; zero is a valid "no name, no control data" value.
    let mut message: libc::msghdr = unsafe { std::mem::zeroed() };
    message.msg_iov = iov.as_mut_ptr();
    message.msg_iovlen = count as _;
    // SAFETY: `message` points at `count` iovecs describing live, readable buffers.
    let sent = unsafe { libc::sendmsg(fd.as_raw_fd(), &message, libc::MSG_NOSIGNAL) };
    if sent < 0 { Err(io::Error::last_os_error()) } else { Ok(sent as usize) }
}

/// One `recv` appended to `buffer`'s spare capacity, of at most `limit` bytes: it waits for
/// all of them (`MSG_WAITALL`) up to the socket's receive timeout. Returns how many bytes
/// arrived (`WouldBlock` if none did); 0 means end of stream.
pub(crate) fn recv_into(fd: BorrowedFd<'_>, buffer: &mut Vec<u8>, limit: usize) -> io::Result<usize> {
    let spare = buffer.spare_capacity_mut();
    let want = spare.len().min(limit);
    // SAFETY: the pointer and length describe `want` writable bytes of the vector's spare capacity.
    let got = unsafe { libc::recv(fd.as_raw_fd(), spare.as_mut_ptr().cast(), want, libc::MSG_WAITALL) };
    if got < 0 {
        return Err(io::Error::last_os_error());
    }
    let got = got as usize;
    // SAFETY: recv initialised the first `got` bytes of the spare capacity.
    unsafe { buffer.set_len(buffer.len() + got) };
    Ok(got)
}

/// A few 32-bit words of memory shared with every process forked after its creation
/// (`mmap(MAP_SHARED | MAP_ANONYMOUS)`), for cross-process locks and counters.
#[derive(Debug)]
pub(crate) struct SharedWords {
    base: NonNull<AtomicU32>,
    len: usize,
}

// SAFETY: the words are only reached as atomics.
unsafe impl Send for SharedWords {}
// SAFETY: as above.
unsafe impl Sync for SharedWords {}

impl SharedWords {
    pub(crate) fn new(len: usize) -> io::Result<SharedWords> {
        let bytes = len.max(1) * size_of::<AtomicU32>();
        // SAFETY: an anonymous mapping at an address of the kernel's choosing touches no existing memory.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let base =
            NonNull::new(base.cast::<AtomicU32>()).ok_or_else(|| io::Error::other("mmap returned null"))?;
        Ok(SharedWords { base, len })
    }

    /// The `index`-th word (zero-initialised by the kernel).
    pub(crate) fn word(&self, index: usize) -> &AtomicU32 {
        assert!(index < self.len, "shared word {index} out of range");
        // SAFETY: the mapping is page-aligned, zeroed, at least `len` words long and lives as
        // long as `self`; AtomicU32 has the layout of u32 and every bit pattern is valid.
        unsafe { &*self.base.as_ptr().add(index) }
    }
}

impl Drop for SharedWords {
    fn drop(&mut self) {
        // SAFETY: we mapped exactly this range in `new` and nothing borrows it any more.
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.len.max(1) * size_of::<AtomicU32>()) };
    }
}

/// Sleeps while `word` holds `expected`, at most `timeout` (a cross-process futex wait: the
/// word is in shared memory, so the non-private operation is used).
pub(crate) fn futex_wait(word: &AtomicU32, expected: u32, timeout: Duration) {
    let timeout = libc::timespec {
        tv_sec: timeout.as_secs().min(i32::MAX as u64) as libc::time_t,
        tv_nsec: timeout.subsec_nanos() as libc::c_long,
    };
    // SAFETY: `word` is a live, aligned u32; the timeout is a valid timespec. Errors (value
    // changed, timeout, signal) all mean "look again", which the callers do.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            &timeout as *const libc::timespec,
        );
    }
}

/// Wakes up to `count` processes or threads sleeping in [`futex_wait`] on `word`.
pub(crate) fn futex_wake(word: &AtomicU32, count: i32) {
    // SAFETY: `word` is a live, aligned u32; FUTEX_WAKE reads no other memory.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE, count);
    }
}

/// Python's names for the signals (`-SIGKILL` in a repr).
pub(crate) fn signal_name(signal: i32) -> Option<&'static str> {
    const NAMES: [&str; 32] = [
        "",
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS",
    ];
    usize::try_from(signal).ok().and_then(|i| NAMES.get(i)).copied().filter(|n| !n.is_empty())
}
