//! Runs inside the process that runs cells (this same binary, started by evcxr with
//! `EVCXR_IS_RUNTIME` set), before evcxr's runtime loop takes over.
//!
//! evcxr reads the child's stdout only while a cell runs and uses it for its own control lines
//! too, so output printed after a cell would wait for the next one. Here fd 1 and fd 2 become
//! pipes read by two forwarder threads: evcxr's control lines go on to evcxr in order (through
//! the saved original stdout), everything else — output from any thread, at any time, partial
//! lines included, and content blocks — goes straight to the kernel over the side channel.

use super::control::{self, BEGIN_CONTENT, Control, END_CONTENT};
use super::frames::{Frame, OUTPUT_SOCKET_ENV, Stream};
use super::stderr::StderrParser;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// The prefix of every evcxr control line (and of the agent's sync marker).
const PREFIX: &[u8] = control::PREFIX.as_bytes();
/// A line starting with the prefix that has no newline after this many bytes is plain output.
const MAX_CONTROL_LINE: usize = 64 << 10;
/// A held-back tail that could start a control line is sent as output after this long.
const HOLD_TIMEOUT: Duration = Duration::from_millis(30);
/// Text frames are cut at this size.
const TEXT_CHUNK: usize = 64 << 10;
/// A content block larger than this is dropped (with a note).
const MAX_CONTENT: usize = 8 << 20;

/// If this process is evcxr's runtime child started by the kernel, redirects stdout and stderr.
/// Must run before `evcxr::runtime_hook()`, while the process has a single thread.
pub fn interpose_if_runtime() {
    if std::env::var_os("EVCXR_IS_RUNTIME").is_none() {
        return;
    }
    let Some(socket) = std::env::var_os(OUTPUT_SOCKET_ENV) else { return };
    // The kernel stops cells through the agent; a Ctrl-C aimed at the kernel's process group must
    // not kill the process that holds the notebook's variables.
    // SAFETY: setting a signal disposition to SIG_IGN has no preconditions.
    unsafe { libc::signal(libc::SIGINT, libc::SIG_IGN) };
    // evcxr asks for backtraces on every panic; a notebook wants the message (the agent reports
    // the main thread's panics), unless the user asked otherwise.
    let backtrace = std::env::var("THREADLAB_RUST_BACKTRACE").unwrap_or_else(|_| "0".into());
    // SAFETY: the process is still single-threaded (this runs first in `main`).
    unsafe { std::env::set_var("RUST_BACKTRACE", backtrace) };

    for (fd, stream) in [(1, Stream::Stdout), (2, Stream::Stderr)] {
        let Ok(mut sink) = UnixStream::connect(&socket) else { return };
        if (Frame::Hello { stream, pid: std::process::id() }).write_to(&mut sink).is_err() {
            return;
        }
        let Some((pipe, saved)) = redirect(fd) else { return };
        let evcxr = (stream == Stream::Stdout).then_some(saved);
        let name = format!("threadlab-{}-forwarder", stream.name());
        let spawned =
            std::thread::Builder::new().name(name).spawn(move || forward(pipe, evcxr, sink, stream));
        if spawned.is_err() {
            return;
        }
    }
}

/// Points `fd` at a new pipe; returns the pipe's read end and a (close-on-exec) copy of the old fd.
fn redirect(fd: RawFd) -> Option<(File, File)> {
    // SAFETY: plain fd syscalls on fds we own; every result is checked before use.
    unsafe {
        let saved = libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3);
        if saved < 0 {
            return None;
        }
        let mut ends = [0; 2];
        if libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC) != 0 {
            libc::close(saved);
            return None;
        }
        if libc::dup2(ends[1], fd) < 0 {
            libc::close(ends[0]);
            libc::close(ends[1]);
            libc::close(saved);
            return None;
        }
        libc::close(ends[1]);
        Some((File::from_raw_fd(ends[0]), File::from_raw_fd(saved)))
    }
}

/// What the parser wants done with a piece of the stream.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Send to the kernel.
    Kernel(Frame),
    /// Pass this control line (with its newline) on to evcxr.
    Evcxr(String),
}

/// The parser of one stream.
enum StreamParser {
    Stdout(Parser),
    Stderr(StderrParser),
}

impl StreamParser {
    fn holding(&self) -> bool {
        match self {
            StreamParser::Stdout(p) => p.holding(),
            StreamParser::Stderr(p) => p.holding(),
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> Vec<Action> {
        match self {
            StreamParser::Stdout(p) => p.feed(bytes),
            StreamParser::Stderr(p) => p.feed(bytes),
        }
    }

    fn flush(&mut self) -> Vec<Action> {
        match self {
            StreamParser::Stdout(p) => p.flush(),
            StreamParser::Stderr(p) => p.flush(),
        }
    }
}

/// Splits a stream into output, content blocks and control lines.
#[derive(Debug)]
pub(crate) struct Parser {
    /// Whether control lines and content blocks are recognised (stdout) or only sync markers.
    control: bool,
    pending: Vec<u8>,
    content: Option<(String, Vec<u8>)>,
}

impl Parser {
    pub(crate) fn new(stream: Stream) -> Parser {
        Parser { control: stream == Stream::Stdout, pending: Vec::new(), content: None }
    }

    /// Whether bytes are held back waiting to see if they start a control line.
    pub(crate) fn holding(&self) -> bool {
        !self.pending.is_empty() && self.content.is_none()
    }

    /// Feeds bytes; returns what to do, in order.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Vec<Action> {
        self.pending.extend_from_slice(bytes);
        let mut actions = Vec::new();
        loop {
            if let Some((mime, data)) = &mut self.content {
                let Some(nl) = self.pending.iter().position(|b| *b == b'\n') else { break };
                let line: Vec<u8> = self.pending.drain(..=nl).collect();
                let line = &line[..line.len() - 1];
                let panicked =
                    Control::parse(&String::from_utf8_lossy(line)) == Some(Control::PanicNotification);
                if line == END_CONTENT.as_bytes() || panicked {
                    let mime = std::mem::take(mime);
                    let data = String::from_utf8_lossy(&std::mem::take(data)).into_owned();
                    self.content = None;
                    if data.len() > MAX_CONTENT {
                        let note = format!(
                            "[threadlab: a {mime} output of {} bytes was too large to show]\n",
                            data.len()
                        );
                        actions.push(Action::Kernel(Frame::Text(note.into_bytes())));
                    } else {
                        actions.push(Action::Kernel(Frame::Display { mime, data }));
                    }
                    if panicked {
                        actions.push(Action::Kernel(Frame::Control(Control::PanicNotification)));
                        actions.push(Action::Evcxr(format!("{}\n", Control::PanicNotification.line())));
                    }
                } else {
                    if !data.is_empty() {
                        data.push(b'\n');
                    }
                    if data.len() <= MAX_CONTENT {
                        data.extend_from_slice(line);
                    }
                }
                continue;
            }
            let Some(start) = find(&self.pending, PREFIX) else {
                // Output, except a tail that may be the start of a control line.
                let keep = partial_prefix_len(&self.pending);
                let text: Vec<u8> = self.pending.drain(..self.pending.len() - keep).collect();
                push_text(&mut actions, text);
                break;
            };
            push_text(&mut actions, self.pending.drain(..start).collect());
            let Some(nl) = self.pending.iter().position(|b| *b == b'\n') else {
                if self.pending.len() > MAX_CONTROL_LINE {
                    push_text(&mut actions, std::mem::take(&mut self.pending));
                }
                break;
            };
            let line = String::from_utf8_lossy(&self.pending[..nl]).into_owned();
            let control = if self.control { Control::parse(&line) } else { None };
            if let Some(id) = control::sync_id(&line) {
                actions.push(Action::Kernel(Frame::Sync(id)));
            } else if self.control
                && let Some(mime) = line.strip_prefix(BEGIN_CONTENT).and_then(|rest| rest.strip_prefix(' '))
            {
                self.content = Some((mime.trim().to_owned(), Vec::new()));
            } else if let Some(control) = control {
                actions.push(Action::Kernel(Frame::Control(control)));
                actions.push(Action::Evcxr(format!("{line}\n")));
            } else {
                // Looks like a control line but is not one: it is output.
                push_text(&mut actions, self.pending[..=nl].to_vec());
            }
            self.pending.drain(..=nl);
        }
        actions
    }

    /// Gives up waiting: held-back bytes are output.
    pub(crate) fn flush(&mut self) -> Vec<Action> {
        if !self.holding() {
            return Vec::new();
        }
        let mut actions = Vec::new();
        push_text(&mut actions, std::mem::take(&mut self.pending));
        actions
    }
}

fn push_text(actions: &mut Vec<Action>, text: Vec<u8>) {
    for chunk in text.chunks(TEXT_CHUNK) {
        if let Some(Action::Kernel(Frame::Text(previous))) = actions.last_mut()
            && previous.len() + chunk.len() <= TEXT_CHUNK
        {
            previous.extend_from_slice(chunk);
        } else if !chunk.is_empty() {
            actions.push(Action::Kernel(Frame::Text(chunk.to_vec())));
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The length of the longest suffix of `bytes` that is a proper prefix of [`PREFIX`].
fn partial_prefix_len(bytes: &[u8]) -> usize {
    (1..PREFIX.len())
        .rev()
        .find(|&n| bytes.len() >= n && bytes[bytes.len() - n..] == PREFIX[..n])
        .unwrap_or(0)
}

/// The forwarder thread of one stream.
fn forward(mut pipe: File, mut evcxr: Option<File>, mut sink: UnixStream, stream: Stream) {
    let mut parser = match stream {
        Stream::Stdout => StreamParser::Stdout(Parser::new(stream)),
        Stream::Stderr => StreamParser::Stderr(StderrParser::new(std::process::id())),
    };
    let mut buffer = vec![0u8; 64 << 10];
    let mut sink_ok = true;
    loop {
        if parser.holding() && !readable(&pipe, HOLD_TIMEOUT) {
            let actions = parser.flush();
            perform(actions, &mut evcxr, &mut sink, &mut sink_ok);
            continue;
        }
        let n = match pipe.read(&mut buffer) {
            Ok(0) => 0,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => 0,
        };
        if n == 0 {
            let actions = parser.flush();
            perform(actions, &mut evcxr, &mut sink, &mut sink_ok);
            return;
        }
        let actions = parser.feed(&buffer[..n]);
        perform(actions, &mut evcxr, &mut sink, &mut sink_ok);
    }
}

fn perform(actions: Vec<Action>, evcxr: &mut Option<File>, sink: &mut UnixStream, sink_ok: &mut bool) {
    for action in actions {
        match action {
            Action::Kernel(frame) => {
                // If the kernel is gone, keep draining the pipe so the cells never block.
                if *sink_ok && frame.write_to(sink).is_err() {
                    *sink_ok = false;
                }
            }
            Action::Evcxr(line) => {
                if let Some(out) = evcxr.as_mut() {
                    let _ = out.write_all(line.as_bytes());
                    let _ = out.flush();
                }
            }
        }
    }
}

/// Whether `file` has data (or EOF) within `timeout`.
fn readable(file: &File, timeout: Duration) -> bool {
    use std::os::fd::AsRawFd;
    let mut poll = libc::pollfd { fd: file.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    // SAFETY: one valid pollfd for the duration of the call.
    let ready = unsafe { libc::poll(&mut poll, 1, timeout.as_millis() as libc::c_int) };
    ready != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Action {
        Action::Kernel(Frame::Text(s.as_bytes().to_vec()))
    }

    #[test]
    fn output_and_control_lines_are_separated_even_mid_line() {
        let mut p = Parser::new(Stream::Stdout);
        let actions = p.feed(b"hello\npartialEVCXR_EXECUTION_COMPLETE\nmore");
        assert_eq!(
            actions,
            vec![
                text("hello\npartial"),
                Action::Kernel(Frame::Control(Control::ExecutionComplete)),
                Action::Evcxr("EVCXR_EXECUTION_COMPLETE\n".into()),
                text("more"),
            ]
        );
    }

    #[test]
    fn a_possible_control_prefix_is_held_until_decided() {
        let mut p = Parser::new(Stream::Stdout);
        assert_eq!(p.feed(b"abcEVC"), vec![text("abc")]);
        assert!(p.holding());
        assert_eq!(p.feed(b"XR_PANIC_NOTIFICATION\n").len(), 2);
        assert_eq!(p.feed(b"EV"), vec![]);
        assert_eq!(p.flush(), vec![text("EV")]);
        assert_eq!(p.feed(b"EVCXR_NOT_A_THING\n"), vec![text("EVCXR_NOT_A_THING\n")]);
    }

    #[test]
    fn content_blocks_become_display_frames() {
        let mut p = Parser::new(Stream::Stdout);
        let actions = p.feed(b"EVCXR_BEGIN_CONTENT text/html\n<b>\nx</b>\nEVCXR_END_CONTENT\nafter\n");
        assert_eq!(
            actions,
            vec![
                Action::Kernel(Frame::Display { mime: "text/html".into(), data: "<b>\nx</b>".into() }),
                text("after\n")
            ]
        );
    }

    #[test]
    fn sync_markers_on_both_streams_but_control_only_on_stdout() {
        let mut err = Parser::new(Stream::Stderr);
        assert_eq!(
            err.feed(b"oops\nEVCXR_THREADLAB_SYNC 12\nEVCXR_EXECUTION_COMPLETE\n"),
            vec![text("oops\n"), Action::Kernel(Frame::Sync(12)), text("EVCXR_EXECUTION_COMPLETE\n")]
        );
    }

    #[test]
    fn input_requests_and_variable_notes_reach_evcxr() {
        let mut p = Parser::new(Stream::Stdout);
        let actions = p.feed(b"EVCXR_INPUT_REQUEST:Name?\nEVCXR_VARIABLE_CHANGED_TYPE:x\n");
        assert!(actions.contains(&Action::Evcxr("EVCXR_INPUT_REQUEST:Name?\n".into())));
        assert!(actions.contains(&Action::Evcxr("EVCXR_VARIABLE_CHANGED_TYPE:x\n".into())));
    }

    #[test]
    fn a_panic_inside_a_content_block_ends_it() {
        let mut p = Parser::new(Stream::Stdout);
        let actions = p.feed(b"EVCXR_BEGIN_CONTENT text/plain\nhalf\nEVCXR_PANIC_NOTIFICATION\n");
        assert_eq!(
            actions[0],
            Action::Kernel(Frame::Display { mime: "text/plain".into(), data: "half".into() })
        );
        assert_eq!(actions[2], Action::Evcxr("EVCXR_PANIC_NOTIFICATION\n".into()));
    }
}
