//! Thin, safe wrappers over the few OS calls Python's `threading` exposes.

#![allow(unsafe_code)]

/// `pthread_self()`: what CPython reports as a thread's `ident`.
pub(crate) fn pthread_self() -> u64 {
    // SAFETY: pthread_self has no preconditions and cannot fail.
    unsafe { libc::pthread_self() as u64 }
}

/// The kernel's thread id: what CPython reports as `native_id`.
pub(crate) fn gettid() -> u64 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() as u64 }
}

/// Whether the calling thread is the process's initial thread.
pub(crate) fn is_process_main_thread() -> bool {
    gettid() == std::process::id() as u64
}
