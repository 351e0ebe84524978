//! The stderr side of the interposer: passes output through (partial lines included), reports
//! the agent's sync markers, and turns the default panic message of the cells' main thread into
//! a [`Frame::Panic`], so a panicking cell shows one error and no stderr.
//!
//! Rust's default panic hook writes `\nthread 'NAME' (TID) panicked at FILE:LINE:COL:\nMESSAGE\n`
//! then `note: run with `RUST_BACKTRACE=1` ...` (or a backtrace). Only the main thread's (TID is
//! the process id) is captured: a panic in a spawned thread stays stderr, as a thread's traceback
//! does in Python. When the `threading` agent runs, its panic hook reports main-thread panics
//! itself and nothing reaches stderr.

use super::control::{self, SYNC_MARKER};
use super::frames::Frame;
use super::interpose::Action;

const HEADER_START: &str = "thread '";
const NOTE: &str = "note: run with `RUST_BACKTRACE";
const BACKTRACE: &str = "stack backtrace:";

/// A line-oriented stderr parser.
#[derive(Debug)]
pub(crate) struct StderrParser {
    pid: u32,
    pending: Vec<u8>,
    /// A blank line held back: the panic hook starts with one.
    blank_held: bool,
    /// The main thread's panic being read: location, message lines.
    panic: Option<(String, Vec<String>)>,
}

impl StderrParser {
    pub(crate) fn new(pid: u32) -> StderrParser {
        StderrParser { pid, pending: Vec::new(), blank_held: false, panic: None }
    }

    /// Whether something is held back waiting for more output.
    pub(crate) fn holding(&self) -> bool {
        !self.pending.is_empty() || self.blank_held || self.panic.is_some()
    }

    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Vec<Action> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(nl) = self.pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=nl).collect();
            self.line(&line, &mut out);
        }
        // An incomplete line is output now, unless it may start a panic header or a marker.
        if !self.pending.is_empty() && self.panic.is_none() {
            let text = String::from_utf8_lossy(&self.pending);
            let maybe_special = [HEADER_START, SYNC_MARKER]
                .iter()
                .any(|special| special.starts_with(text.as_ref()) || text.starts_with(special));
            if !maybe_special {
                self.release_blank(&mut out);
                text_action(&mut out, std::mem::take(&mut self.pending));
            }
        }
        out
    }

    /// Gives up waiting: whatever is held is output (or a panic message, as far as it came).
    pub(crate) fn flush(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        if self.panic.is_some() {
            let rest = std::mem::take(&mut self.pending);
            if !rest.is_empty()
                && let Some((_, message)) = &mut self.panic
            {
                message.push(String::from_utf8_lossy(&rest).into_owned());
            }
            self.finish_panic(&mut out);
        }
        self.release_blank(&mut out);
        text_action(&mut out, std::mem::take(&mut self.pending));
        out
    }

    fn line(&mut self, line: &[u8], out: &mut Vec<Action>) {
        let text = String::from_utf8_lossy(line);
        let content = text.trim_end_matches(['\n', '\r']);
        if self.panic.is_some() {
            if content.starts_with(NOTE) {
                self.finish_panic(out);
            } else if content == BACKTRACE {
                // The user asked for backtraces: the message is the error, the trace is output.
                self.finish_panic(out);
                text_action(out, line.to_vec());
            } else if let Some((_, message)) = &mut self.panic {
                message.push(content.to_owned());
            }
            return;
        }
        if let Some(id) = control::sync_id(content) {
            self.release_blank(out);
            out.push(Action::Kernel(Frame::Sync(id)));
        } else if let Some(location) = self.main_panic_header(content) {
            // The blank line the hook starts with is part of the message: drop it.
            self.blank_held = false;
            self.panic = Some((location, Vec::new()));
        } else if content.is_empty() {
            self.release_blank(out);
            self.blank_held = true;
        } else {
            self.release_blank(out);
            text_action(out, line.to_vec());
        }
    }

    /// `thread 'NAME' (TID) panicked at LOCATION:` of the main thread → its location.
    fn main_panic_header(&self, line: &str) -> Option<String> {
        let rest = line.strip_prefix(HEADER_START)?;
        let (_name, rest) = rest.split_once("' (")?;
        let (tid, rest) = rest.split_once(") panicked at ")?;
        if tid.parse::<u32>().ok()? != self.pid {
            return None;
        }
        Some(rest.strip_suffix(':').unwrap_or(rest).to_owned())
    }

    fn finish_panic(&mut self, out: &mut Vec<Action>) {
        if let Some((location, message)) = self.panic.take() {
            out.push(Action::Kernel(Frame::Panic { message: message.join("\n"), location }));
        }
    }

    fn release_blank(&mut self, out: &mut Vec<Action>) {
        if std::mem::take(&mut self.blank_held) {
            text_action(out, b"\n".to_vec());
        }
    }
}

fn text_action(out: &mut Vec<Action>, bytes: Vec<u8>) {
    if bytes.is_empty() {
        return;
    }
    if let Some(Action::Kernel(Frame::Text(previous))) = out.last_mut() {
        previous.extend_from_slice(&bytes);
    } else {
        out.push(Action::Kernel(Frame::Text(bytes)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Action {
        Action::Kernel(Frame::Text(s.as_bytes().to_vec()))
    }

    #[test]
    fn the_main_threads_panic_becomes_a_frame_and_no_stderr() {
        let mut p = StderrParser::new(42);
        let mut actions =
            p.feed(b"before\n\nthread '<unnamed>' (42) panicked at src/lib.rs:3:1:\nboom\nsecond line\n");
        actions.extend(
            p.feed(b"note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\nafter\n"),
        );
        assert_eq!(
            actions,
            vec![
                text("before\n"),
                Action::Kernel(Frame::Panic {
                    message: "boom\nsecond line".into(),
                    location: "src/lib.rs:3:1".into()
                }),
                text("after\n"),
            ]
        );
    }

    #[test]
    fn another_threads_panic_stays_stderr() {
        let mut p = StderrParser::new(42);
        let input = "\nthread 'worker' (43) panicked at src/lib.rs:3:1:\nboom\n";
        let mut actions = p.feed(input.as_bytes());
        actions.extend(p.flush());
        let all: Vec<u8> = actions
            .into_iter()
            .flat_map(|a| match a {
                Action::Kernel(Frame::Text(t)) => t,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(String::from_utf8(all).unwrap(), input);
    }

    #[test]
    fn partial_lines_pass_at_once_unless_they_may_start_a_header() {
        let mut p = StderrParser::new(1);
        assert_eq!(p.feed(b"progress: 50%"), vec![text("progress: 50%")]);
        assert_eq!(p.feed(b"thr"), vec![]);
        assert!(p.holding());
        assert_eq!(p.flush(), vec![text("thr")]);
        assert_eq!(p.feed(b"EVCXR_THREADLAB_SYNC 9\n"), vec![Action::Kernel(Frame::Sync(9))]);
    }

    #[test]
    fn a_panic_cut_short_is_reported_on_flush() {
        let mut p = StderrParser::new(7);
        assert_eq!(p.feed(b"thread 'main' (7) panicked at a.rs:1:1:\nhalf"), vec![]);
        assert_eq!(
            p.flush(),
            vec![Action::Kernel(Frame::Panic { message: "half".into(), location: "a.rs:1:1".into() })]
        );
    }
}
