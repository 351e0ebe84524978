//! Python's `threading.excepthook`: what happens to a thread's uncaught panic.

use crate::error::{KeyboardInterrupt, panic_message};
use crate::thread::Thread;
use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Once, RwLock};

/// What a thread's uncaught panic left behind (Python's `ExceptHookArgs`).
#[derive(Debug, Clone)]
pub struct ExceptHookArgs {
    /// `"panic"`, or `"KeyboardInterrupt"` for an interrupted thread.
    pub exc_type: String,
    /// The panic message.
    pub exc_value: String,
    /// Where the panic happened, `file:line:column`, when known.
    pub location: Option<String>,
    /// The thread that panicked.
    pub thread: Option<Thread>,
}

impl ExceptHookArgs {
    /// The exception's own lines (Python's traceback and `Type: message`), without the
    /// `Exception in thread NAME:` header.
    fn traceback(&self) -> String {
        if self.exc_type == "KeyboardInterrupt" {
            return "KeyboardInterrupt".to_owned();
        }
        match &self.location {
            Some(location) => format!("panicked at {location}:\n{}", self.exc_value),
            None => format!("panicked:\n{}", self.exc_value),
        }
    }
}

impl fmt::Display for ExceptHookArgs {
    /// The default hook's text, without the trailing newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Python names a thread-less exception by the calling thread's ident.
        let name = self.thread.as_ref().map(Thread::name).unwrap_or_else(|| crate::get_ident().to_string());
        writeln!(f, "Exception in thread {name}:")?;
        f.write_str(&self.traceback())
    }
}

/// A hook as the crate keeps it: what [`get_excepthook`] hands out and
/// [`restore_excepthook`] puts back.
pub type ExceptHook = Arc<dyn Fn(&ExceptHookArgs) + Send + Sync>;

static HOOK: RwLock<Option<ExceptHook>> = RwLock::new(None);

/// The default hook (Python's `threading.__excepthook__`): prints
/// `Exception in thread NAME:`, where the panic happened and its message, to stderr.
///
/// ```
/// let args = threading::ExceptHookArgs {
///     exc_type: "panic".into(),
///     exc_value: "boom".into(),
///     location: Some("src/main.rs:3:5".into()),
///     thread: Some(threading::current_thread()),
/// };
/// threading::excepthook(&args);
/// assert_eq!(args.to_string(), "Exception in thread MainThread:\npanicked at src/main.rs:3:5:\nboom");
/// ```
pub fn excepthook(args: &ExceptHookArgs) {
    let _ = writeln!(std::io::stderr().lock(), "{args}");
}

/// Replaces the hook called for a thread's uncaught panic (Python: `threading.excepthook = f`).
///
/// ```
/// use std::sync::{Arc, Mutex};
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// threading::set_excepthook({
///     let seen = seen.clone();
///     move |args: &threading::ExceptHookArgs| seen.lock().unwrap().push(args.exc_value.clone())
/// });
/// let t = threading::Thread::new(|| panic!("boom"));
/// t.start().unwrap();
/// t.join().unwrap();
/// threading::reset_excepthook();
/// assert_eq!(*seen.lock().unwrap(), ["boom"]);
/// ```
pub fn set_excepthook<F>(hook: F)
where
    F: Fn(&ExceptHookArgs) + Send + Sync + 'static,
{
    restore_excepthook(Some(Arc::new(hook)));
}

/// The hook set by [`set_excepthook`], or `None` while the default [`excepthook`] is in use
/// (Python: reading `threading.excepthook`). A tool that installs its own hook for a while
/// keeps this and gives it back with [`restore_excepthook`].
///
/// ```standalone_crate
/// assert!(threading::get_excepthook().is_none());
/// threading::set_excepthook(|_| {});
/// let learners = threading::get_excepthook();
/// threading::set_excepthook(|args| eprintln!("[grading] {args}"));
/// threading::restore_excepthook(learners.clone());
/// assert!(std::sync::Arc::ptr_eq(&threading::get_excepthook().unwrap(), &learners.unwrap()));
/// ```
pub fn get_excepthook() -> Option<ExceptHook> {
    HOOK.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Puts back a hook that [`get_excepthook`] returned (`None`: the default).
///
/// ```standalone_crate
/// let saved = threading::get_excepthook();
/// threading::set_excepthook(|_| {});
/// threading::restore_excepthook(saved);
/// assert!(threading::get_excepthook().is_none());
/// ```
pub fn restore_excepthook(hook: Option<ExceptHook>) {
    *HOOK.write().unwrap_or_else(|e| e.into_inner()) = hook;
}

/// Restores the default [`excepthook`].
///
/// ```
/// threading::reset_excepthook();
/// ```
pub fn reset_excepthook() {
    restore_excepthook(None);
}

thread_local! {
    /// Set while a crate thread runs: the panic hook records the location here instead of printing.
    static CAPTURE: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Wraps the process's panic hook so that panics on crate threads are reported once, by
/// [`excepthook`], with their location, instead of also by Rust's default message.
pub(crate) fn install_capture() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let captured = CAPTURE
                .try_with(|slot| {
                    let mut slot = slot.borrow_mut();
                    match slot.as_mut() {
                        Some(location) => {
                            *location = info.location().map(|l| l.to_string());
                            true
                        }
                        None => false,
                    }
                })
                .unwrap_or(false);
            if !captured {
                previous(info);
            }
        }));
    });
}

/// Runs `body` on a crate thread with panic locations captured; returns where it panicked.
pub(crate) fn capturing<R>(body: impl FnOnce() -> R) -> (R, Option<String>) {
    let outer = CAPTURE.with(|slot| slot.borrow_mut().replace(None));
    let result = body();
    let location = CAPTURE.with(|slot| std::mem::replace(&mut *slot.borrow_mut(), outer)).flatten();
    (result, location)
}

/// Reports a crate thread's uncaught panic through the current hook.
pub(crate) fn report(thread: &Thread, payload: Box<dyn Any + Send>, location: Option<String>) {
    let interrupted = payload.downcast_ref::<KeyboardInterrupt>().is_some();
    let args = ExceptHookArgs {
        exc_type: if interrupted { "KeyboardInterrupt" } else { "panic" }.to_owned(),
        exc_value: panic_message(payload.as_ref()),
        location: if interrupted { None } else { location },
        thread: Some(thread.clone()),
    };
    let hook = HOOK.read().unwrap_or_else(|e| e.into_inner()).clone();
    let (outcome, hook_location) = capturing(|| {
        std::panic::catch_unwind(AssertUnwindSafe(|| match hook {
            Some(hook) => hook(&args),
            None => excepthook(&args),
        }))
    });
    // Python: a hook that raises has its own exception reported after this line, and the
    // thread still ends.
    if let Err(payload) = outcome {
        let failure = ExceptHookArgs {
            exc_type: "panic".to_owned(),
            exc_value: panic_message(payload.as_ref()),
            location: hook_location,
            thread: None,
        };
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "Exception in threading.excepthook:");
        let _ = writeln!(stderr, "{}", failure.traceback());
    }
}
