//! The root logger's one handler, plugged into the `log` facade.
//!
//! `basic_config` installs [`Logger`] with `log::set_boxed_logger` once per process and swaps
//! its [`Handler`] afterwards (only with `force`, as Python's `basicConfig` does nothing once
//! the root logger has a handler). The crate's macros pass what `log::Record` cannot carry (the
//! enclosing function, the CRITICAL level) in a thread-local for the duration of the call.

use super::format::{self, Formatter, LogRecord};
use super::{Config, Level, Stream};
use crate::error::ValueError;
use std::cell::Cell;
use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

/// What `basic_config` set up: Python's root logger level plus its `StreamHandler`.
struct Handler {
    level: Level,
    formatter: Formatter,
    stream: Stream,
}

static HANDLER: RwLock<Option<Arc<Handler>>> = RwLock::new(None);
/// Whether `log::set_boxed_logger` was tried (it only works once per process).
static INSTALLED: AtomicBool = AtomicBool::new(false);
/// Serialises `basic_config` calls.
static CONFIGURING: Mutex<()> = Mutex::new(());

/// What a crate macro knows that a `log::Record` cannot carry.
#[derive(Clone, Copy)]
struct Context {
    func_name: &'static str,
    critical: bool,
}

thread_local! {
    static CONTEXT: Cell<Option<Context>> = const { Cell::new(None) };
}

fn handler() -> Option<Arc<Handler>> {
    HANDLER.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// `log`'s level filter for a Python level.
fn level_filter(level: Level) -> log::LevelFilter {
    match level {
        Level::NotSet | Level::Trace => log::LevelFilter::Trace,
        Level::Debug => log::LevelFilter::Debug,
        Level::Info => log::LevelFilter::Info,
        Level::Warning => log::LevelFilter::Warn,
        Level::Error | Level::Critical => log::LevelFilter::Error,
    }
}

/// `log`'s level for a Python level (CRITICAL travels as ERROR plus the context's mark).
fn log_level(level: Level) -> log::Level {
    match level {
        Level::NotSet | Level::Trace => log::Level::Trace,
        Level::Debug => log::Level::Debug,
        Level::Info => log::Level::Info,
        Level::Warning => log::Level::Warn,
        Level::Error | Level::Critical => log::Level::Error,
    }
}

pub(crate) fn basic_config(config: Config) -> Result<(), ValueError> {
    let formatter = Formatter::new(&config.format, config.datefmt.as_deref())?;
    let _configuring = CONFIGURING.lock().unwrap_or_else(|e| e.into_inner());
    if handler().is_some() && !config.force {
        return Ok(()); // Python: "does nothing if the root logger already has handlers"
    }
    if !INSTALLED.swap(true, Ordering::AcqRel) && log::set_boxed_logger(Box::new(Logger)).is_err() {
        return Err(ValueError::new(
            "another logger is already installed for the `log` crate; basic_config cannot replace it",
        ));
    }
    format::start();
    let level = config.level;
    *HANDLER.write().unwrap_or_else(|e| e.into_inner()) =
        Some(Arc::new(Handler { level, formatter, stream: config.stream }));
    log::set_max_level(level_filter(level));
    Ok(())
}

/// Python's module-level functions call `basicConfig()` when the root logger has no handler.
fn ensure_configured() {
    if handler().is_none() && !INSTALLED.load(Ordering::Acquire) {
        let _ = basic_config(Config::new());
    }
}

/// What the crate's macros call.
#[doc(hidden)]
pub fn log(
    level: Level,
    target: &str,
    func_name: &'static str,
    args: fmt::Arguments<'_>,
    file: &'static str,
    line: u32,
    module_path: &'static str,
) {
    ensure_configured();
    let log_level = log_level(level);
    if log_level > log::max_level() {
        return;
    }
    let context = Context { func_name, critical: level == Level::Critical };
    let outer = CONTEXT.replace(Some(context));
    log::logger().log(
        &log::Record::builder()
            .args(args)
            .level(log_level)
            .target(target)
            .file_static(Some(file))
            .line(Some(line))
            .module_path_static(Some(module_path))
            .build(),
    );
    CONTEXT.set(outer);
}

/// The root logger as a `log::Log`.
struct Logger;

impl log::Log for Logger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        handler().is_some_and(|h| level_filter(h.level) >= metadata.level())
    }

    fn log(&self, record: &log::Record<'_>) {
        let Some(handler) = handler() else { return };
        let context = CONTEXT.get();
        let level = match (record.level(), context) {
            (log::Level::Error, Some(Context { critical: true, .. })) => Level::Critical,
            (log::Level::Error, _) => Level::Error,
            (log::Level::Warn, _) => Level::Warning,
            (log::Level::Info, _) => Level::Info,
            (log::Level::Debug, _) => Level::Debug,
            (log::Level::Trace, _) => Level::Trace,
        };
        if level < handler.level {
            return;
        }
        let thread = crate::current_thread();
        let record = LogRecord {
            name: record.target().to_owned(),
            level,
            message: record.args().to_string(),
            pathname: record.file().unwrap_or("(unknown file)").to_owned(),
            lineno: record.line().unwrap_or(0),
            func_name: context.map_or("(unknown function)", |c| c.func_name).to_owned(),
            created: SystemTime::now(),
            relative_created: format::start().elapsed().as_secs_f64() * 1000.0,
            thread: thread.ident().unwrap_or(0),
            thread_name: thread.name(),
            process: std::process::id(),
        };
        let mut line = handler.formatter.format(&record);
        line.push('\n');
        // One write per record, so lines from several threads never interleave.
        let _ = match handler.stream {
            Stream::Stderr => std::io::stderr().lock().write_all(line.as_bytes()),
            Stream::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(line.as_bytes()).and_then(|()| out.flush())
            }
        };
    }

    fn flush(&self) {
        let _ = std::io::stdout().flush();
    }
}

/// The enclosing function's name, from the `type_name` of a function item defined inside it
/// (`my_crate::worker::f` → `worker`; closures are skipped: `main::{{closure}}::f` → `main`).
#[doc(hidden)]
pub fn function_name(item_path: &'static str) -> &'static str {
    let mut path = item_path.strip_suffix("::f").unwrap_or(item_path);
    while let Some(outer) = path.strip_suffix("::{{closure}}") {
        path = outer;
    }
    path.rsplit("::").next().unwrap_or(path)
}
