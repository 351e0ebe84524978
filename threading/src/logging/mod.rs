//! Python's `logging`, the part the lessons use: `basicConfig` and the module-level
//! `debug`/`info`/`warning`/`error`/`critical`, plugged into the [`log`] facade so that
//! records from any crate that uses `log` come out the same way.
//!
//! | Python | Rust |
//! | --- | --- |
//! | `logging.basicConfig(level=logging.DEBUG, format='(%(threadName)-10s) %(message)s')` | `logging::basic_config(logging::Config::new().level(logging::DEBUG).format("(%(threadName)-10s) %(message)s"))?` |
//! | `logging.basicConfig(format=fmt, level=logging.INFO, datefmt="%H:%M:%S")` | `logging::basic_config(logging::Config::new().format(fmt).level(logging::INFO).datefmt("%H:%M:%S"))?` |
//! | `logging.debug('sleeping %0.2f', pause)` | `debug!("sleeping {pause:0.2}")` |
//! | `logging.info("Thread %s: starting", name)` | `info!("Thread {}: starting", name)` |
//! | `logging.warning(...)`, `logging.error(...)`, `logging.critical(...)` | `warning!(...)`, `error!(...)`, `critical!(...)` |
//! | `logging.getLogger("app").info(...)` | `info!(target: "app", ...)` |
//!
//! Seed 004's `thread3.py`:
//!
//! ```
//! use threading::logging::{self, debug};
//! use threading::Thread;
//! use std::time::Duration;
//!
//! fn worker() {
//!     debug!("Starting");
//!     threading::sleep(Duration::from_millis(20));
//!     debug!("Exiting");
//! }
//!
//! fn my_service() {
//!     debug!("Starting");
//!     threading::sleep(Duration::from_millis(30));
//!     debug!("Exiting");
//! }
//!
//! logging::basic_config(
//!     logging::Config::new().level(logging::DEBUG).format("[%(levelname)s] (%(threadName)-10s) %(message)s"),
//! )
//! .unwrap();
//! let t = Thread::builder().name("my_service").target(my_service);
//! let w = Thread::builder().name("worker").target(worker);
//! let w2 = Thread::new(worker); // use default name
//! for thread in [&w, &w2, &t] {
//!     thread.start().unwrap();
//! }
//! // [DEBUG] (worker    ) Starting
//! // [DEBUG] (Thread-1  ) Starting
//! // [DEBUG] (my_service) Starting
//! // ...
//! for thread in [&w, &w2, &t] {
//!     thread.join().unwrap();
//! }
//! ```
//!
//! # Differences from Python
//! * The macros take `format!` arguments (`"{}"`), not `%` arguments; the format given to
//!   [`basic_config`] is Python's `%` style (`%(threadName)-10s`), and `datefmt` is C's
//!   `strftime`, as in Python.
//! * There is one logger, the root logger, with one handler to stderr (or stdout): no
//!   `getLogger` hierarchy, `filename=`, `handlers=` or `style=`; `target:` sets `%(name)s`.
//! * As in Python, the first configuration wins: a second [`basic_config`] does nothing
//!   unless [`Config::force`] is set, and logging before any `basic_config` configures the
//!   defaults (level WARNING).
//! * `%(funcName)s` is the enclosing Rust function (closures are skipped), known for this
//!   crate's macros; records from `log::info!` and other crates show `(unknown function)`.
//! * Records from other crates' `log` calls are shown too, with their target as `%(name)s`;
//!   `log`'s TRACE level, below DEBUG, is shown as `TRACE` when the level is [`NOTSET`].

mod clock;
mod format;
mod logger;
mod macros;

pub use format::{BASIC_FORMAT, Formatter, LogRecord};

/// The logging macros, exported from this module so that `logging::info!(...)` reads like
/// Python's `logging.info(...)`.
#[doc(inline)]
pub use crate::{
    __logging_critical as critical, __logging_debug as debug, __logging_error as error,
    __logging_info as info, __logging_warning as warning,
};

/// What the macros expand to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use super::logger::{function_name, log};
}

use crate::error::ValueError;
use std::fmt;

/// A logging level, ordered by severity (Python's `logging.DEBUG` = 10 ... `CRITICAL` = 50).
///
/// ```
/// use threading::logging::{Level, DEBUG, WARNING};
/// assert!(DEBUG < WARNING);
/// assert_eq!(WARNING as u8, 30);
/// assert_eq!(Level::Critical.to_string(), "CRITICAL");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Level {
    /// Python's `NOTSET`: as a configured level, shows everything.
    NotSet = 0,
    /// `log`'s TRACE, below DEBUG (Python has no such level).
    Trace = 5,
    /// Python's `DEBUG`.
    Debug = 10,
    /// Python's `INFO`.
    Info = 20,
    /// Python's `WARNING`.
    Warning = 30,
    /// Python's `ERROR`.
    Error = 40,
    /// Python's `CRITICAL`.
    Critical = 50,
}

impl Level {
    /// Python's `logging.getLevelName(level)`.
    ///
    /// ```
    /// assert_eq!(threading::logging::INFO.name(), "INFO");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Level::NotSet => "NOTSET",
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
            Level::Critical => "CRITICAL",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Python's `logging.NOTSET` (0): as a configured level, every record is shown.
///
/// ```
/// assert_eq!(threading::logging::NOTSET as u8, 0);
/// ```
pub const NOTSET: Level = Level::NotSet;
/// Python's `logging.DEBUG` (10): detailed information, for diagnosing problems.
///
/// ```
/// assert_eq!(threading::logging::DEBUG as u8, 10);
/// ```
pub const DEBUG: Level = Level::Debug;
/// Python's `logging.INFO` (20): confirmation that things work as expected.
///
/// ```
/// assert_eq!(threading::logging::INFO as u8, 20);
/// ```
pub const INFO: Level = Level::Info;
/// Python's `logging.WARNING` (30): something unexpected; the default level.
///
/// ```
/// assert_eq!(threading::logging::WARNING as u8, 30);
/// ```
pub const WARNING: Level = Level::Warning;
/// Python's `logging.ERROR` (40): a more serious problem.
///
/// ```
/// assert_eq!(threading::logging::ERROR as u8, 40);
/// ```
pub const ERROR: Level = Level::Error;
/// Python's `logging.CRITICAL` (50): a serious error: the program may not go on.
///
/// ```
/// assert_eq!(threading::logging::CRITICAL as u8, 50);
/// ```
pub const CRITICAL: Level = Level::Critical;

/// Where records are written (Python's `stream=` argument).
///
/// ```
/// let config = threading::logging::Config::new().stream(threading::logging::Stream::Stdout);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stream {
    /// Standard error, Python's default.
    #[default]
    Stderr,
    /// Standard output (`stream=sys.stdout`).
    Stdout,
}

/// The arguments of [`basic_config`] (Python's `logging.basicConfig(**kwargs)`), with
/// Python's defaults: level WARNING, format [`BASIC_FORMAT`], stderr.
///
/// ```
/// use threading::logging::{self, Config};
/// let config = Config::new().level(logging::INFO).format("%(asctime)s: %(message)s").datefmt("%H:%M:%S");
/// logging::basic_config(config).unwrap();
/// ```
#[derive(Debug, Clone)]
#[must_use = "a configuration does nothing until passed to `basic_config`"]
pub struct Config {
    level: Level,
    format: String,
    datefmt: Option<String>,
    stream: Stream,
    force: bool,
}

impl Config {
    /// Python's defaults.
    ///
    /// ```
    /// let config = threading::logging::Config::new();
    /// ```
    pub fn new() -> Config {
        Config {
            level: WARNING,
            format: BASIC_FORMAT.to_owned(),
            datefmt: None,
            stream: Stream::Stderr,
            force: false,
        }
    }

    /// The lowest level shown (Python's `level=`).
    ///
    /// ```
    /// let config = threading::logging::Config::new().level(threading::logging::DEBUG);
    /// ```
    pub fn level(mut self, level: Level) -> Config {
        self.level = level;
        self
    }

    /// The `%`-style format of each line (Python's `format=`); see [`Formatter`].
    ///
    /// ```
    /// let config = threading::logging::Config::new().format("(%(threadName)-10s) %(message)s");
    /// ```
    pub fn format(mut self, format: impl Into<String>) -> Config {
        self.format = format.into();
        self
    }

    /// The `strftime` format of `%(asctime)s` (Python's `datefmt=`).
    ///
    /// ```
    /// let config = threading::logging::Config::new().format("%(asctime)s %(message)s").datefmt("%H:%M:%S");
    /// ```
    pub fn datefmt(mut self, datefmt: impl Into<String>) -> Config {
        self.datefmt = Some(datefmt.into());
        self
    }

    /// Where lines go (Python's `stream=`): stderr by default.
    ///
    /// ```
    /// let config = threading::logging::Config::new().stream(threading::logging::Stream::Stdout);
    /// ```
    pub fn stream(mut self, stream: Stream) -> Config {
        self.stream = stream;
        self
    }

    /// Replace an earlier configuration instead of keeping it (Python's `force=True`).
    ///
    /// ```
    /// let config = threading::logging::Config::new().force(true);
    /// ```
    pub fn force(mut self, force: bool) -> Config {
        self.force = force;
        self
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

/// Configures the root logger (Python's `logging.basicConfig`): the level, the line format
/// and where lines go. Only the first configuration counts, unless [`Config::force`] is set;
/// a bad format is an error and changes nothing.
///
/// ```
/// use threading::logging::{self, info, Config};
/// logging::basic_config(Config::new().level(logging::INFO).format("%(threadName)s: %(message)s")).unwrap();
/// info!("shown"); // MainThread: shown
/// logging::basic_config(Config::new().level(logging::ERROR)).unwrap(); // ignored, as in Python
/// info!("still shown");
/// assert!(logging::basic_config(Config::new().format("%(nosuchfield)s")).is_err());
/// ```
pub fn basic_config(config: Config) -> Result<(), ValueError> {
    logger::basic_config(config)
}
