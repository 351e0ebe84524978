//! The sandboxed child's `main`: what the grader's generated harness calls.
//!
//! It reads its [`ChildConfig`] from descriptor 3, installs the seccomp filter (with the
//! `child` feature), then runs the plan through the same [`session`](super::session) as the
//! in-notebook check and streams every token and every run's end to descriptor 4. It never
//! decides the verdict: the grader recomputes it from the stream.

#![allow(unsafe_code)]

use crate::core::harness::Sink;
use crate::core::protocol::{CONFIG_FD, ChildConfig, EVENTS_FD, Message};
use crate::core::record::Printed;
use crate::core::session;
use crate::core::subject::Subject;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::FromRawFd;
use std::sync::{Arc, Mutex};

struct FdSink {
    out: Mutex<File>,
}

impl FdSink {
    fn send(&self, message: &Message) {
        let mut line = serde_json::to_string(message).unwrap_or_default();
        line.push('\n');
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        // If the grader has gone, there is nobody to tell.
        let _ = out.write_all(line.as_bytes());
    }
}

impl Sink for FdSink {
    fn printed(&self, run: usize, printed: &Printed) {
        self.send(&Message::Printed { run, printed: printed.clone() });
    }
}

fn fail(message: &str) -> ! {
    eprintln!("threadlab harness: {message}");
    std::process::exit(3)
}

/// Runs the grader's configured plan on `subject` and exits.
pub fn main(subject: Subject) -> ! {
    // SAFETY: the grader opened descriptors 3 and 4 for this process and nothing else in it
    // uses them; each is owned by exactly one `File` from here on.
    let (mut config_file, events) = unsafe { (File::from_raw_fd(CONFIG_FD), File::from_raw_fd(EVENTS_FD)) };
    let mut text = String::new();
    if config_file.read_to_string(&mut text).is_err() {
        fail("no configuration on descriptor 3 (run me through threadlab-grader)");
    }
    drop(config_file);
    let config: ChildConfig =
        serde_json::from_str(&text).unwrap_or_else(|e| fail(&format!("bad configuration: {e}")));
    let sink = Arc::new(FdSink { out: Mutex::new(events) });
    if config.seccomp {
        let (seccomp, detail) = install_seccomp();
        sink.send(&Message::Sandbox { seccomp, detail });
    }
    if subject.exercise.id != config.exercise {
        fail(&format!("built for {}, asked for {}", subject.exercise.id, config.exercise));
    }
    let specs = config.runs.specs(subject.exercise).unwrap_or_else(|e| fail(&e.to_string()));
    let subject = Arc::new(subject);
    let as_sink: Arc<dyn Sink> = sink.clone();
    let result = session::run_plan(&subject, specs, &config.limits, &as_sink, config.budget, |record| {
        let mut record = record.clone();
        record.printed.clear();
        sink.send(&Message::End { nonce: config.nonce, record });
    });
    sink.send(&Message::Done { nonce: config.nonce, runs: result.runs });
    // Threads stuck in a failed run cannot be joined: leave without them.
    std::process::exit(0)
}

#[cfg(feature = "child")]
fn install_seccomp() -> (bool, String) {
    match crate::core::seccomp::install() {
        Ok(()) => (true, "seccomp filter installed".into()),
        Err(e) => (false, format!("seccomp filter not installed: {e}")),
    }
}

#[cfg(not(feature = "child"))]
fn install_seccomp() -> (bool, String) {
    (false, "built without the `child` feature: no seccomp filter".into())
}
