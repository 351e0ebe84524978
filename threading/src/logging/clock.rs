//! Local time for `%(asctime)s`: the C library's `localtime_r` and `strftime`, as CPython's
//! `time.localtime` and `time.strftime` use.

#![allow(unsafe_code)]

use std::ffi::CStr;
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds and milliseconds since the epoch (Python's `created` split into `ct` and `msecs`).
pub(crate) fn split(time: SystemTime) -> (i64, u32) {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_millis()),
        Err(before) => {
            let d = before.duration();
            let millis = d.subsec_millis();
            if millis == 0 { (-(d.as_secs() as i64), 0) } else { (-(d.as_secs() as i64) - 1, 1000 - millis) }
        }
    }
}

/// Seconds since the epoch, with their fraction (Python's `record.created`).
pub(crate) fn seconds(time: SystemTime) -> f64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(before) => -before.duration().as_secs_f64(),
    }
}

/// `time.strftime(format, time.localtime(secs))`.
pub(crate) fn strftime_local(secs: i64, format: &CStr) -> String {
    let time = secs as libc::time_t;
    // SAFETY: `tm` is plain old data (integers and a pointer that may be null), so all-zero is
    // a valid value for it.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers refer to live locals; localtime_r is thread-safe and writes only `tm`.
    if unsafe { libc::localtime_r(&time, &mut tm) }.is_null() {
        return String::new();
    }
    let mut buf = [0u8; 512];
    // SAFETY: `buf` is writable for `buf.len()` bytes, `format` is NUL-terminated and `tm` was
    // filled in by localtime_r; strftime writes at most `buf.len()` bytes and returns how many.
    let written = unsafe { libc::strftime(buf.as_mut_ptr().cast(), buf.len(), format.as_ptr(), &tm) };
    String::from_utf8_lossy(&buf[..written]).into_owned()
}
