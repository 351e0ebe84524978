//! The notebook kernel's agent inside the process that runs cells (no Python counterpart:
//! CPython's kernel lives in the same interpreter as the code, threadlab's does not).
//!
//! threadlab's Jupyter kernel runs cells in a child process (evcxr's runtime). When that process
//! has `THREADLAB_AGENT_SOCKET` in its environment, [`start`] connects back to the kernel over
//! that Unix socket and serves it from two hidden threads (neither is listed by
//! [`enumerate`](crate::enumerate) nor takes a `Thread-N` name, since neither gets a record):
//!
//! * **commands** (one line each, from the kernel):
//!   * `interrupt`: replies `report <len>\n<report>` with [`report`](crate::report), then
//!     [`interrupt_main`](crate::interrupt_main) — the notebook's interrupt button;
//!   * `sync <id>`: withdraws an interrupt the main thread did not take and replies
//!     `synced <id>` (so everything the agent sent before, such as a panic, has arrived), then
//!     flushes stdout and writes the line `EVCXR_THREADLAB_SYNC <id>` to stdout and to stderr, so
//!     the kernel knows all output printed before it has arrived too;
//! * **flushing**: stdout is flushed every 50 ms, so `print!` without a newline shows;
//! * **panics**: a panic on the main thread (a cell's) is sent to the kernel as
//!   `panic <len>\n<message>\n<location>` instead of being printed on stderr, so the kernel shows
//!   one error with the message; panics on other threads go to the previous hook.
//!
//! It also holds what cells use directly: [`input`], [`clear_output`], and [`DebugDisplay`],
//! which lets evcxr show a cell's value with one compile instead of two.
//!
//! Outside the kernel (no environment variable) nothing happens.

use std::fmt;
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The environment variable with the kernel's socket path.
pub const SOCKET_ENV: &str = "THREADLAB_AGENT_SOCKET";

/// The line the agent writes to stdout and stderr to answer `sync <id>`.
pub const SYNC_MARKER: &str = "EVCXR_THREADLAB_SYNC";

/// The MIME type of the content block that asks the notebook to clear the cell's output.
pub const CLEAR_OUTPUT_MIME: &str = "application/vnd.threadlab.clear-output+json";

/// How often stdout is flushed.
const FLUSH_INTERVAL: Duration = Duration::from_millis(50);

/// The connection to the kernel, shared by the command thread and the panic hook.
static LINK: OnceLock<Option<Mutex<UnixStream>>> = OnceLock::new();

/// The process that connected: a child forked by `threading::process` inherits the socket but
/// must never speak on it (its panics are its own, not the cell's).
static AGENT_PID: AtomicU32 = AtomicU32::new(0);

/// Connects to the kernel if this process runs under it; returns whether the agent is running.
///
/// Idempotent: the kernel calls it after every (re)start of the process that runs cells.
///
/// ```
/// // Outside the kernel there is no socket to connect to.
/// if std::env::var_os(threading::agent::SOCKET_ENV).is_none() {
///     assert!(!threading::agent::start());
/// }
/// ```
pub fn start() -> bool {
    if crate::os::is_process_main_thread() {
        // Bind the main thread's record to this thread now, so an interrupt can unpark it.
        let _ = crate::registry::current();
    }
    LINK.get_or_init(connect).is_some()
}

fn connect() -> Option<Mutex<UnixStream>> {
    let path = std::env::var_os(SOCKET_ENV)?;
    let stream = UnixStream::connect(path).ok()?;
    let reader = stream.try_clone().ok()?;
    let mut hello = stream.try_clone().ok()?;
    writeln!(hello, "hello {}", std::process::id()).ok()?;
    AGENT_PID.store(std::process::id(), Ordering::Relaxed);
    let (sync_tx, sync_rx) = mpsc::channel::<u64>();
    std::thread::Builder::new().name("threadlab-agent-flush".into()).spawn(move || flusher(sync_rx)).ok()?;
    std::thread::Builder::new().name("threadlab-agent".into()).spawn(move || serve(reader, sync_tx)).ok()?;
    install_panic_hook();
    Some(Mutex::new(stream))
}

/// Sends one message to the kernel; false if the kernel is gone.
fn send(message: &[u8]) -> bool {
    if AGENT_PID.load(Ordering::Relaxed) != std::process::id() {
        return false;
    }
    let Some(Some(link)) = LINK.get() else { return false };
    let mut stream = link.lock().unwrap_or_else(|e| e.into_inner());
    stream.write_all(message).and_then(|()| stream.flush()).is_ok()
}

fn framed(kind: &str, body: &str) -> Vec<u8> {
    let mut message = format!("{kind} {}\n", body.len()).into_bytes();
    message.extend_from_slice(body.as_bytes());
    message
}

/// The command thread: never touches stdout, so a cell holding the stdout lock cannot stop it.
fn serve(stream: UnixStream, sync_tx: mpsc::Sender<u64>) {
    let mut lines = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end();
        if command == "interrupt" {
            let report = crate::report();
            crate::interrupt_main();
            send(&framed("report", &report));
        } else if let Some(id) = command.strip_prefix("sync ").and_then(|id| id.parse::<u64>().ok()) {
            crate::registry::main_record().take_interrupt();
            send(format!("synced {id}\n").as_bytes());
            if sync_tx.send(id).is_err() {
                return;
            }
        }
    }
}

/// The flushing thread: flushes stdout every [`FLUSH_INTERVAL`] and answers syncs in order.
fn flusher(syncs: mpsc::Receiver<u64>) {
    loop {
        match syncs.recv_timeout(FLUSH_INTERVAL) {
            Ok(id) => {
                let marker = format!("{SYNC_MARKER} {id}\n");
                let mut out = io::stdout().lock();
                let _ = out.flush();
                let _ = out.write_all(marker.as_bytes());
                let _ = out.flush();
                drop(out);
                let _ = io::stderr().lock().write_all(marker.as_bytes());
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = io::stdout().flush();
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if crate::os::is_process_main_thread() {
            let message = crate::error::panic_message(info.payload());
            let location = info.location().map(|l| l.to_string()).unwrap_or_default();
            if send(&framed("panic", &format!("{message}\n{location}"))) {
                return;
            }
        }
        previous(info);
    }));
}

/// Asks the notebook to clear the cell's output (IPython's `clear_output(wait)`); with `wait`,
/// the output is cleared when the next output arrives, which avoids flicker in animations.
///
/// The request is a content block in evcxr's convention, so it keeps its place among the
/// cell's other output.
///
/// ```
/// threading::agent::clear_output(true);
/// println!("frame 2");
/// ```
pub fn clear_output(wait: bool) {
    let mut out = io::stdout().lock();
    let _ = write!(out, "EVCXR_BEGIN_CONTENT {CLEAR_OUTPUT_MIME}\n{{\"wait\": {wait}}}\nEVCXR_END_CONTENT\n");
    let _ = out.flush();
}

/// Reads a line typed in the notebook, as Python's `input(prompt)`: the kernel shows `prompt`
/// and an input box (an `input_request`), and returns what was typed, without the newline.
///
/// It uses evcxr's input convention (an `EVCXR_INPUT_REQUEST` line, the answer on stdin), so it
/// works in any evcxr front end. Without a frontend that allows input, it returns `""`.
///
/// ```no_run
/// let name = threading::agent::input("Your name? ");
/// println!("Hello, {name}!");
/// ```
pub fn input(prompt: &str) -> String {
    let prompt = prompt.replace(['\n', '\r'], " ");
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "EVCXR_INPUT_REQUEST:{prompt}");
    let _ = out.flush();
    drop(out);
    let mut line = String::new();
    let _ = io::stdin().read_line(&mut line);
    line.trim_end_matches(['\n', '\r']).to_owned()
}

/// Shows a cell's final value as evcxr does by default: its `Debug` text as `text/plain`.
///
/// evcxr first compiles a cell that ends in an expression `e` as `(e).evcxr_display();`, the
/// method crates made for evcxr offer for rich output, and when the value has no such method it
/// compiles the cell a second time printing `{:?}`. The kernel imports this trait into every
/// cell, so every `Debug` value has the method and the first compile already succeeds: the
/// second compile (half of a small cell's time) is saved. A type's own (inherent)
/// `evcxr_display` still wins over this blanket one, so rich output is unchanged, and a value
/// without `Debug` still gets evcxr's own error.
///
/// ```
/// use threading::agent::DebugDisplay;
/// // Prints "EVCXR_BEGIN_CONTENT text/plain\n[1, 2]\nEVCXR_END_CONTENT".
/// vec![1, 2].evcxr_display();
/// ```
pub trait DebugDisplay {
    /// Prints the value's `Debug` text as an evcxr `text/plain` content block on stdout.
    ///
    /// ```
    /// use threading::agent::DebugDisplay;
    /// (6 * 7).evcxr_display();
    /// ```
    fn evcxr_display(&self);
}

impl<T: fmt::Debug + ?Sized> DebugDisplay for T {
    fn evcxr_display(&self) {
        // Formatted before the block starts, so a panicking `Debug` leaves no half block.
        let text = format!("{self:?}");
        let mut out = io::stdout().lock();
        let written = out
            .write_all(b"EVCXR_BEGIN_CONTENT text/plain\n")
            .and_then(|()| out.write_all(text.as_bytes()))
            .and_then(|()| out.write_all(b"\nEVCXR_END_CONTENT\n"));
        if let Err(error) = written {
            // What evcxr's own display does: the kernel can no longer be reached.
            eprintln!("Failed to send content to parent: {error:?}");
            std::process::exit(1);
        }
    }
}

/// Imported in place of [`DebugDisplay`] when a notebook changes how values are shown
/// (evcxr's `:fmt` or `:types`), so that evcxr's own display applies again.
///
/// Its `evcxr_display` exists for every type but cannot be called (it needs [`ShownByEvcxr`],
/// which no type implements): evcxr's first compile fails on that call alone and evcxr falls
/// back to printing the value with its format. A trait without the method would not do:
/// rustc would then suggest importing [`DebugDisplay`], and evcxr reads such a suggestion as
/// the cell's own error instead of falling back.
///
/// ```
/// use threading::agent::NoDisplay;
/// struct Page;
/// impl Page {
///     // A type's own method wins over the trait's.
///     fn evcxr_display(&self) {}
/// }
/// Page.evcxr_display();
/// ```
pub trait NoDisplay {
    /// Never callable: `Self` would have to implement [`ShownByEvcxr`].
    ///
    /// ```compile_fail
    /// use threading::agent::NoDisplay;
    /// 42.evcxr_display();
    /// ```
    fn evcxr_display(&self)
    where
        Self: ShownByEvcxr;
}

impl<T: ?Sized> NoDisplay for T {
    fn evcxr_display(&self)
    where
        Self: ShownByEvcxr,
    {
    }
}

/// Implemented by no type: the bound that makes [`NoDisplay::evcxr_display`] uncallable.
///
/// ```compile_fail
/// fn shown<T: threading::agent::ShownByEvcxr>() {}
/// shown::<u8>();
/// ```
pub trait ShownByEvcxr {}
