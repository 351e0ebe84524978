//! CPU time of another thread of this process, to tell a spinning thread from a blocked one.

#![allow(unsafe_code)]

use std::time::Duration;

/// CPU time consumed so far by the thread with kernel thread id `tid` (a
/// `threading::Thread::native_id`), or `None` if it has ended.
///
/// ```
/// let me = threading::get_native_id();
/// let spent = threadlab_grader::core::cputime::of_thread(me).unwrap();
/// assert!(spent > std::time::Duration::ZERO);
/// ```
pub fn of_thread(tid: u64) -> Option<Duration> {
    // Linux's MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED): a clock id any thread of the process
    // may read, which turns invalid (EINVAL) once the thread is gone.
    let tid = i32::try_from(tid).ok()?;
    let clock: libc::clockid_t = (!tid << 3) | 6;
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec; an invalid clock id only makes the call fail.
    let status = unsafe { libc::clock_gettime(clock, &mut now) };
    (status == 0).then(|| Duration::new(now.tv_sec as u64, now.tv_nsec as u32))
}

/// How loaded the machine is: the one-minute load average per CPU, at least 1. Time limits
/// that tell "stuck" from "slow" are stretched by it, so that a busy machine does not make a
/// correct solution look stuck.
///
/// ```
/// assert!(threadlab_grader::core::cputime::load_factor() >= 1.0);
/// ```
pub fn load_factor() -> f64 {
    // SAFETY: `info` is a valid, writable sysinfo struct.
    let mut info: libc::sysinfo = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::sysinfo(&mut info) } != 0 {
        return 1.0;
    }
    let load = info.loads[0] as f64 / f64::from(1u32 << libc::SI_LOAD_SHIFT);
    static CPUS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    let cpus =
        *CPUS.get_or_init(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as f64);
    (load / cpus).clamp(1.0, 8.0)
}
