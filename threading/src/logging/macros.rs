//! `debug!`, `info!`, `warning!`, `error!`, `critical!`: Python's module-level
//! `logging.debug(...)` and friends, with Rust's `format!` arguments.

/// Logs at `level` through the `log` facade, with the enclosing function's name.
#[doc(hidden)]
#[macro_export]
macro_rules! __logging_log {
    ($level:expr, target: $target:expr, $($arg:tt)+) => {
        $crate::logging::__private::log(
            $level,
            $target,
            $crate::logging::__private::function_name({
                fn f() {}
                ::std::any::type_name_of_val(&f)
            }),
            ::std::format_args!($($arg)+),
            ::std::file!(),
            ::std::line!(),
            ::std::module_path!(),
        )
    };
    ($level:expr, $($arg:tt)+) => {
        $crate::__logging_log!($level, target: "root", $($arg)+)
    };
}

/// Logs a message at level DEBUG (Python's `logging.debug(msg, *args)`), with `format!`
/// arguments. `target: "name"` first sets `%(name)s` (Python's `getLogger(name).debug`).
///
/// ```
/// use threading::logging::{self, debug};
/// logging::basic_config(logging::Config::new().level(logging::DEBUG).format("(%(threadName)-10s) %(message)s")).unwrap();
/// let pause = 0.3;
/// debug!("sleeping {pause:0.2}"); // (MainThread) sleeping 0.30
/// debug!(target: "app.db", "connected");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __logging_debug {
    ($($arg:tt)+) => { $crate::__logging_log!($crate::logging::Level::Debug, $($arg)+) };
}

/// Logs a message at level INFO (Python's `logging.info(msg, *args)`).
///
/// ```
/// use threading::logging::{self, info};
/// logging::basic_config(logging::Config::new().level(logging::INFO).format("%(asctime)s: %(message)s").datefmt("%H:%M:%S")).unwrap();
/// let name = "thread 1 name";
/// info!("Thread {}: starting", name); // 17:45:59: Thread thread 1 name: starting
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __logging_info {
    ($($arg:tt)+) => { $crate::__logging_log!($crate::logging::Level::Info, $($arg)+) };
}

/// Logs a message at level WARNING (Python's `logging.warning(msg, *args)`); shown with the
/// default configuration.
///
/// ```
/// use threading::logging::warning;
/// warning!("Watch out!"); // WARNING:root:Watch out!
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __logging_warning {
    ($($arg:tt)+) => { $crate::__logging_log!($crate::logging::Level::Warning, $($arg)+) };
}

/// Logs a message at level ERROR (Python's `logging.error(msg, *args)`).
///
/// ```
/// use threading::logging::error;
/// let path = "/tmp/missing";
/// error!("cannot open {path}"); // ERROR:root:cannot open /tmp/missing
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __logging_error {
    ($($arg:tt)+) => { $crate::__logging_log!($crate::logging::Level::Error, $($arg)+) };
}

/// Logs a message at level CRITICAL (Python's `logging.critical(msg, *args)`). It travels
/// through `log` as an error, marked so that this crate's logger prints `CRITICAL`.
///
/// ```
/// use threading::logging::critical;
/// critical!("the pool is broken"); // CRITICAL:root:the pool is broken
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __logging_critical {
    ($($arg:tt)+) => { $crate::__logging_log!($crate::logging::Level::Critical, $($arg)+) };
}
