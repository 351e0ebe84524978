//! The child's seccomp filter: an allow-list of the system calls a threaded Rust program
//! needs once running. Everything else fails with `ENOSYS` — opening any file, sockets,
//! `fork`/`execve`, `ptrace`, `kill`, `io_uring`, `ioctl`, ... `clone` is allowed only for
//! threads (`CLONE_THREAD`), and `clone3` reports `ENOSYS` so that glibc falls back to it.
//! Installed on every thread (TSYNC) before the submission's code first runs.

#![allow(unsafe_code)]

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule,
};
use std::collections::BTreeMap;

/// The system calls allowed without conditions.
const ALLOWED: &[libc::c_long] = &[
    libc::SYS_read,
    libc::SYS_write,
    libc::SYS_readv,
    libc::SYS_writev,
    libc::SYS_close,
    libc::SYS_mmap,
    libc::SYS_munmap,
    libc::SYS_mprotect,
    libc::SYS_madvise,
    libc::SYS_mremap,
    libc::SYS_brk,
    libc::SYS_futex,
    libc::SYS_sched_yield,
    libc::SYS_nanosleep,
    libc::SYS_clock_nanosleep,
    libc::SYS_clock_gettime,
    libc::SYS_clock_getres,
    libc::SYS_gettimeofday,
    libc::SYS_set_robust_list,
    libc::SYS_rseq,
    libc::SYS_exit,
    libc::SYS_exit_group,
    libc::SYS_rt_sigaction,
    libc::SYS_rt_sigprocmask,
    libc::SYS_rt_sigreturn,
    libc::SYS_sigaltstack,
    libc::SYS_gettid,
    libc::SYS_getpid,
    libc::SYS_getrandom,
    libc::SYS_sched_getaffinity,
    libc::SYS_getrusage,
    libc::SYS_sysinfo,
    libc::SYS_getcpu,
    libc::SYS_membarrier,
    libc::SYS_restart_syscall,
    libc::SYS_poll,
    libc::SYS_ppoll,
];

fn condition(arg: u8, op: SeccompCmpOp, value: u64) -> Result<SeccompCondition, seccompiler::BackendError> {
    SeccompCondition::new(arg, SeccompCmpArgLen::Qword, op, value)
}

/// Installs the filter on every thread of the process.
pub fn install() -> Result<(), Box<dyn std::error::Error>> {
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = ALLOWED.iter().map(|&call| (call, Vec::new())).collect();
    let thread_flag = libc::CLONE_THREAD as u64;
    rules.insert(
        libc::SYS_clone,
        vec![SeccompRule::new(vec![condition(0, SeccompCmpOp::MaskedEq(thread_flag), thread_flag)?])?],
    );
    // Naming a thread is all prctl is needed for.
    rules.insert(
        libc::SYS_prctl,
        vec![
            SeccompRule::new(vec![condition(0, SeccompCmpOp::Eq, libc::PR_SET_NAME as u64)?])?,
            SeccompRule::new(vec![condition(0, SeccompCmpOp::Eq, libc::PR_GET_NAME as u64)?])?,
        ],
    );
    // Signals to this process only (abort raises SIGABRT on itself).
    rules.insert(
        libc::SYS_tgkill,
        vec![SeccompRule::new(vec![condition(0, SeccompCmpOp::Eq, u64::from(std::process::id()))?])?],
    );
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Errno(libc::ENOSYS as u32),
        SeccompAction::Allow,
        std::env::consts::ARCH.try_into()?,
    )?;
    let program: BpfProgram = filter.try_into()?;
    seccompiler::apply_filter_all_threads(&program)?;
    Ok(())
}
