//! Python's `logging.Formatter` and `logging.LogRecord`, for `%`-style formats.

use super::Level;
use super::clock;
use crate::error::ValueError;
use std::ffi::CString;
use std::fmt::Write;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime};

/// Python's default format, `logging.BASIC_FORMAT`.
///
/// ```
/// assert_eq!(threading::logging::BASIC_FORMAT, "%(levelname)s:%(name)s:%(message)s");
/// ```
pub const BASIC_FORMAT: &str = "%(levelname)s:%(name)s:%(message)s";

/// When the logging module started: the origin of `%(relativeCreated)d`.
pub(crate) fn start() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// One logging event (Python's `logging.LogRecord`), with the attributes a format can name.
///
/// ```
/// use threading::logging::{LogRecord, WARNING};
/// let record = LogRecord::new("root", WARNING, "disk almost full");
/// assert_eq!(record.thread_name, "MainThread");
/// assert_eq!(record.levelname(), "WARNING");
/// ```
#[derive(Debug, Clone)]
pub struct LogRecord {
    /// The logger's name: `root` for the crate's macros, else the `target:` given (`%(name)s`).
    pub name: String,
    /// The level (`%(levelno)s`, `%(levelname)s`).
    pub level: Level,
    /// The formatted message (`%(message)s`).
    pub message: String,
    /// The source file (`%(pathname)s`; `%(filename)s` and `%(module)s` derive from it).
    pub pathname: String,
    /// The source line (`%(lineno)d`).
    pub lineno: u32,
    /// The enclosing function (`%(funcName)s`).
    pub func_name: String,
    /// When the event happened (`%(created)f`, `%(msecs)d`, `%(asctime)s`).
    pub created: SystemTime,
    /// Milliseconds since logging started (`%(relativeCreated)d`).
    pub relative_created: f64,
    /// The thread's `ident` (`%(thread)d`).
    pub thread: u64,
    /// The thread's name (`%(threadName)s`).
    pub thread_name: String,
    /// The process id (`%(process)d`).
    pub process: u32,
}

impl LogRecord {
    /// A record made now, on the calling thread (Python's `LogRecord(name, level, ...)`).
    ///
    /// ```
    /// let record = threading::logging::LogRecord::new("app", threading::logging::INFO, "hello");
    /// assert_eq!((record.name.as_str(), record.message.as_str()), ("app", "hello"));
    /// ```
    pub fn new(name: impl Into<String>, level: Level, message: impl Into<String>) -> LogRecord {
        let thread = crate::current_thread();
        LogRecord {
            name: name.into(),
            level,
            message: message.into(),
            pathname: String::new(),
            lineno: 0,
            func_name: String::new(),
            created: SystemTime::now(),
            relative_created: start().elapsed().as_secs_f64() * 1000.0,
            thread: thread.ident().unwrap_or(0),
            thread_name: thread.name(),
            process: std::process::id(),
        }
    }

    /// Python's `record.levelname`: `DEBUG`, `INFO`, `WARNING`, `ERROR`, `CRITICAL`.
    ///
    /// ```
    /// let record = threading::logging::LogRecord::new("root", threading::logging::ERROR, "");
    /// assert_eq!(record.levelname(), "ERROR");
    /// ```
    pub fn levelname(&self) -> &'static str {
        self.level.name()
    }
}

/// A value a format field takes.
enum Value<'a> {
    Str(std::borrow::Cow<'a, str>),
    Int(i64),
    Float(f64),
}

/// The record attributes a format may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Name,
    Message,
    LevelName,
    LevelNo,
    PathName,
    FileName,
    Module,
    LineNo,
    FuncName,
    Created,
    Msecs,
    RelativeCreated,
    Thread,
    ThreadName,
    Process,
    ProcessName,
    TaskName,
    AscTime,
}

impl Key {
    fn parse(name: &str) -> Option<Key> {
        Some(match name {
            "name" => Key::Name,
            "message" => Key::Message,
            "levelname" => Key::LevelName,
            "levelno" => Key::LevelNo,
            "pathname" => Key::PathName,
            "filename" => Key::FileName,
            "module" => Key::Module,
            "lineno" => Key::LineNo,
            "funcName" => Key::FuncName,
            "created" => Key::Created,
            "msecs" => Key::Msecs,
            "relativeCreated" => Key::RelativeCreated,
            "thread" => Key::Thread,
            "threadName" => Key::ThreadName,
            "process" => Key::Process,
            "processName" => Key::ProcessName,
            "taskName" => Key::TaskName,
            "asctime" => Key::AscTime,
            _ => return None,
        })
    }

    fn is_numeric(self) -> bool {
        matches!(
            self,
            Key::LevelNo
                | Key::LineNo
                | Key::Created
                | Key::Msecs
                | Key::RelativeCreated
                | Key::Thread
                | Key::Process
        )
    }
}

/// A `%` conversion: `s`, `r`, `d`/`i`, `f`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conversion {
    Str,
    Repr,
    Int,
    Float,
}

#[derive(Debug, Clone)]
struct Field {
    key: Key,
    left: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
    conversion: Conversion,
}

#[derive(Debug, Clone)]
enum Part {
    Literal(String),
    Field(Field),
}

/// Turns a [`LogRecord`] into a line of text (Python's `logging.Formatter(fmt, datefmt)` with
/// `style='%'`).
///
/// Fields are written `%(name)s` with Python's `%` flags: `-` to left-align, a width, a
/// `.precision`, `0` to zero-pad numbers, and the conversions `s`, `r`, `d`/`i` and `f`.
///
/// ```
/// use threading::logging::{Formatter, LogRecord, DEBUG};
/// let formatter = Formatter::new("[%(levelname)s] (%(threadName)-10s) %(message)s", None).unwrap();
/// let record = LogRecord::new("root", DEBUG, "Starting");
/// assert_eq!(formatter.format(&record), "[DEBUG] (MainThread) Starting");
/// ```
///
/// # Differences from Python
/// * Only the `%` style; `{` and `$` styles are not supported.
/// * A format naming an unknown attribute, or applying `d`/`f` to a text attribute, is
///   refused when the formatter is made, not when a record is formatted.
/// * `%(module)s` is the file name without its extension, as in Python (not the Rust module
///   path); `%(processName)s` is always `MainProcess` and `%(taskName)s` always `None`.
#[derive(Debug, Clone)]
pub struct Formatter {
    parts: Vec<Part>,
    datefmt: Option<CString>,
}

impl Formatter {
    /// A formatter for `format` (Python's `fmt`), with `datefmt` for `%(asctime)s` (a C
    /// `strftime` format; `None` gives Python's `2024-01-01 12:00:00,123`).
    ///
    /// ```
    /// use threading::logging::Formatter;
    /// assert!(Formatter::new("%(asctime)s: %(message)s", Some("%H:%M:%S")).is_ok());
    /// let err = Formatter::new("%(colour)s", None).unwrap_err();
    /// assert_eq!(err.to_string(), "Formatting field not found in record: 'colour'");
    /// ```
    pub fn new(format: &str, datefmt: Option<&str>) -> Result<Formatter, ValueError> {
        let parts = parse(format)?;
        let datefmt = match datefmt.filter(|d| !d.is_empty()) {
            Some(d) => {
                Some(CString::new(d).map_err(|_| ValueError::new("datefmt contains a NUL character"))?)
            }
            None => None,
        };
        Ok(Formatter { parts, datefmt })
    }

    /// The record as one line, without the trailing newline (Python's `formatter.format(record)`).
    ///
    /// ```
    /// use threading::logging::{Formatter, LogRecord, WARNING};
    /// let formatter = Formatter::new(threading::logging::BASIC_FORMAT, None).unwrap();
    /// let record = LogRecord::new("root", WARNING, "Watch out!");
    /// assert_eq!(formatter.format(&record), "WARNING:root:Watch out!");
    /// ```
    pub fn format(&self, record: &LogRecord) -> String {
        let mut out = String::with_capacity(64 + record.message.len());
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Field(field) => self.write_field(&mut out, field, record),
            }
        }
        out
    }

    /// Python's `formatter.formatTime(record, datefmt)`.
    ///
    /// ```
    /// use threading::logging::{Formatter, LogRecord, INFO};
    /// let record = LogRecord::new("root", INFO, "");
    /// let default = Formatter::new("%(message)s", None).unwrap().format_time(&record);
    /// assert_eq!(default.len(), "2024-01-01 12:00:00,123".len());
    /// let short = Formatter::new("%(message)s", Some("%H:%M:%S")).unwrap().format_time(&record);
    /// assert_eq!(short.len(), "12:00:00".len());
    /// ```
    pub fn format_time(&self, record: &LogRecord) -> String {
        let (secs, millis) = clock::split(record.created);
        match &self.datefmt {
            Some(datefmt) => clock::strftime_local(secs, datefmt),
            None => format!("{},{millis:03}", clock::strftime_local(secs, c"%Y-%m-%d %H:%M:%S")),
        }
    }

    fn value<'r>(&self, key: Key, record: &'r LogRecord) -> Value<'r> {
        let (_, millis) = clock::split(record.created);
        match key {
            Key::Name => Value::Str(record.name.as_str().into()),
            Key::Message => Value::Str(record.message.as_str().into()),
            Key::LevelName => Value::Str(record.levelname().into()),
            Key::LevelNo => Value::Int(record.level as i64),
            Key::PathName => Value::Str(record.pathname.as_str().into()),
            Key::FileName => Value::Str(file_name(&record.pathname).into()),
            Key::Module => {
                let file = file_name(&record.pathname);
                Value::Str(file.rsplit_once('.').map_or(file, |(stem, _)| stem).into())
            }
            Key::LineNo => Value::Int(record.lineno.into()),
            Key::FuncName => Value::Str(record.func_name.as_str().into()),
            Key::Created => Value::Float(clock::seconds(record.created)),
            Key::Msecs => Value::Float(f64::from(millis)),
            Key::RelativeCreated => Value::Float(record.relative_created),
            Key::Thread => Value::Int(record.thread as i64),
            Key::ThreadName => Value::Str(record.thread_name.as_str().into()),
            Key::Process => Value::Int(record.process.into()),
            Key::ProcessName => Value::Str("MainProcess".into()),
            Key::TaskName => Value::Str("None".into()),
            Key::AscTime => Value::Str(self.format_time(record).into()),
        }
    }

    fn write_field(&self, out: &mut String, field: &Field, record: &LogRecord) {
        let text = match (field.conversion, self.value(field.key, record)) {
            (Conversion::Str, Value::Str(s)) => s,
            (Conversion::Repr, Value::Str(s)) => format!("'{s}'").into(),
            (Conversion::Str | Conversion::Repr, Value::Int(n)) => n.to_string().into(),
            (Conversion::Str | Conversion::Repr, Value::Float(x)) => python_float(x).into(),
            (Conversion::Int, Value::Int(n)) => n.to_string().into(),
            (Conversion::Int, Value::Float(x)) => (x.trunc() as i64).to_string().into(),
            (Conversion::Float, Value::Int(n)) => {
                format!("{:.*}", field.precision.unwrap_or(6), n as f64).into()
            }
            (Conversion::Float, Value::Float(x)) => format!("{:.*}", field.precision.unwrap_or(6), x).into(),
            (Conversion::Int | Conversion::Float, Value::Str(s)) => s, // refused by `parse`
        };
        let text: &str = match (field.conversion, field.precision) {
            (Conversion::Str | Conversion::Repr, Some(p)) => match text.char_indices().nth(p) {
                Some((end, _)) => &text[..end],
                None => &text,
            },
            _ => &text,
        };
        let pad = field.width.saturating_sub(text.chars().count());
        if pad == 0 {
            out.push_str(text);
        } else if field.left {
            out.push_str(text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else if field.zero && field.conversion != Conversion::Str && field.conversion != Conversion::Repr {
            let (sign, digits) = text.strip_prefix('-').map_or(("", text), |d| ("-", d));
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', pad));
            out.push_str(digits);
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(text);
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Python's `str(float)` for the values logging produces: at least one decimal.
fn python_float(x: f64) -> String {
    let mut s = String::new();
    let _ = write!(s, "{x}");
    if !s.contains(['.', 'e', 'i', 'N']) {
        s.push_str(".0");
    }
    s
}

/// Parses a `%`-style format into literals and fields.
fn parse(format: &str) -> Result<Vec<Part>, ValueError> {
    let invalid = || ValueError::new(format!("Invalid format '{format}' for '%' style"));
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut fields = 0;
    let mut rest = format;
    while let Some(at) = rest.find('%') {
        literal.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('%') {
            literal.push('%');
            rest = after;
            continue;
        }
        let Some(after) = rest.strip_prefix('(') else { return Err(invalid()) };
        let Some(close) = after.find(')') else { return Err(invalid()) };
        let name = &after[..close];
        let key = Key::parse(name)
            .ok_or_else(|| ValueError::new(format!("Formatting field not found in record: '{name}'")))?;
        let mut spec = after[close + 1..].char_indices().peekable();
        let (mut left, mut zero) = (false, false);
        while let Some(&(_, c)) = spec.peek() {
            match c {
                '-' => left = true,
                '0' => zero = true,
                ' ' | '+' | '#' => {}
                _ => break,
            }
            spec.next();
        }
        let mut width = 0usize;
        while let Some(&(_, c)) = spec.peek().filter(|(_, c)| c.is_ascii_digit()) {
            width = width.saturating_mul(10).saturating_add(c as usize - '0' as usize);
            spec.next();
        }
        let mut precision = None;
        if spec.peek().is_some_and(|&(_, c)| c == '.') {
            spec.next();
            let mut p = 0usize;
            while let Some(&(_, c)) = spec.peek().filter(|(_, c)| c.is_ascii_digit()) {
                p = p.saturating_mul(10).saturating_add(c as usize - '0' as usize);
                spec.next();
            }
            precision = Some(p);
        }
        let Some((offset, c)) = spec.next() else { return Err(invalid()) };
        let conversion = match c {
            's' => Conversion::Str,
            'r' => Conversion::Repr,
            'd' | 'i' => Conversion::Int,
            'f' | 'F' => Conversion::Float,
            _ => return Err(invalid()),
        };
        if matches!(conversion, Conversion::Int | Conversion::Float) && !key.is_numeric() {
            return Err(ValueError::new(format!(
                "%{c} format: a real number is required, not str ('{name}')"
            )));
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(std::mem::take(&mut literal)));
        }
        parts.push(Part::Field(Field { key, left, zero, width, precision, conversion }));
        fields += 1;
        rest = &after[close + 1 + offset + c.len_utf8()..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(Part::Literal(literal));
    }
    if fields == 0 {
        return Err(invalid());
    }
    Ok(parts)
}
