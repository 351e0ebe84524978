//! CPU time of another thread of this process, to tell a spinning thread from a blocked one.

#![allow(unsafe_code)]

use std::time::Duration;

/// CPU time consumed so far by the thread with kernel thread id `tid` (a
/// `threading::Thread::native_id`), or `None` if it has ended.
///
/// ```
/// let me = threading::get_native_id();
/// let spent = threadlab_grader::cputime::of_thread(me).unwrap();
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
