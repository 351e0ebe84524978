//! The kernel's end of the `threading` crate's agent (`threading::agent`), which runs inside the
//! process that runs cells: interrupts with a report of blocked threads, output syncs, and the
//! main thread's panic messages.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The environment variable the agent reads (`threading::agent::SOCKET_ENV`).
pub const AGENT_SOCKET_ENV: &str = "THREADLAB_AGENT_SOCKET";

/// A main-thread panic the agent reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanicReport {
    /// The panic message.
    pub message: String,
    /// `file:line:column`.
    pub location: String,
}

#[derive(Default)]
struct State {
    /// The current agent connection and its process id.
    writer: Option<(u32, UnixStream)>,
    panic: Option<PanicReport>,
    report: Option<String>,
    synced: u64,
}

/// The link to the agent of the current process that runs cells.
#[derive(Default)]
pub struct AgentLink {
    state: Mutex<State>,
    changed: Condvar,
}

impl AgentLink {
    /// Listens on `path` for agents (a new one after each restart of the process).
    pub fn listen(path: &Path) -> std::io::Result<Arc<AgentLink>> {
        let listener = UnixListener::bind(path)?;
        let link = Arc::new(AgentLink::default());
        let accepting = Arc::clone(&link);
        std::thread::Builder::new().name("threadlab-agent-listener".into()).spawn(move || {
            for connection in listener.incoming().flatten() {
                let link = Arc::clone(&accepting);
                let _ = std::thread::Builder::new()
                    .name("threadlab-agent-reader".into())
                    .spawn(move || link.serve(connection));
            }
        })?;
        Ok(link)
    }

    fn serve(&self, connection: UnixStream) {
        let Ok(writer) = connection.try_clone() else { return };
        let mut reader = BufReader::new(connection);
        let mut line = String::new();
        let pid = match reader.read_line(&mut line) {
            Ok(_) => match line.trim().strip_prefix("hello ").and_then(|p| p.parse::<u32>().ok()) {
                Some(pid) => pid,
                None => return,
            },
            Err(_) => return,
        };
        {
            let mut state = self.lock();
            state.writer = Some((pid, writer));
            state.synced = 0;
        }
        self.changed.notify_all();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let mut words = line.trim_end().splitn(2, ' ');
            let (kind, arg) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            let body = |reader: &mut BufReader<UnixStream>| -> Option<String> {
                let len: usize = arg.parse().ok()?;
                let mut bytes = vec![0; len];
                reader.read_exact(&mut bytes).ok()?;
                Some(String::from_utf8_lossy(&bytes).into_owned())
            };
            match kind {
                "report" => {
                    let Some(report) = body(&mut reader) else { break };
                    self.lock().report = Some(report);
                }
                "panic" => {
                    let Some(text) = body(&mut reader) else { break };
                    let (message, location) = text.rsplit_once('\n').unwrap_or((&text, ""));
                    let report = PanicReport { message: message.to_owned(), location: location.to_owned() };
                    self.lock().panic = Some(report);
                }
                "synced" => {
                    if let Ok(id) = arg.parse::<u64>() {
                        let mut state = self.lock();
                        state.synced = state.synced.max(id);
                    }
                }
                _ => {}
            }
            self.changed.notify_all();
        }
        let mut state = self.lock();
        if state.writer.as_ref().map(|(p, _)| *p) == Some(pid) {
            state.writer = None;
        }
        drop(state);
        self.changed.notify_all();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn command(&self, line: &str) -> bool {
        let mut state = self.lock();
        match state.writer.as_mut() {
            Some((_, stream)) => stream.write_all(line.as_bytes()).and_then(|()| stream.flush()).is_ok(),
            None => false,
        }
    }

    /// The process id of the connected agent, if any.
    pub fn connected(&self) -> Option<u32> {
        self.lock().writer.as_ref().map(|(pid, _)| *pid)
    }

    /// Waits until an agent of process `pid` is connected.
    pub fn wait_connected(&self, pid: u32, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        loop {
            if state.writer.as_ref().map(|(p, _)| *p) == Some(pid) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self.changed.wait_timeout(state, left).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Interrupts the main thread; returns the report of blocked threads taken just before.
    pub fn interrupt(&self, timeout: Duration) -> Option<String> {
        self.lock().report = None;
        if !self.command("interrupt\n") {
            return None;
        }
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        loop {
            if let Some(report) = state.report.take() {
                return Some(report);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || state.writer.is_none() {
                return None;
            }
            state = self.changed.wait_timeout(state, left).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Asks for sync marker `id`; false if no agent is connected.
    pub fn request_sync(&self, id: u64) -> bool {
        self.command(&format!("sync {id}\n"))
    }

    /// Waits until the agent acknowledged sync `id` (so its earlier messages have been read).
    pub fn wait_synced(&self, id: u64, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        loop {
            if state.synced >= id {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || state.writer.is_none() {
                return false;
            }
            state = self.changed.wait_timeout(state, left).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Takes the last main-thread panic reported.
    pub fn take_panic(&self) -> Option<PanicReport> {
        self.lock().panic.take()
    }
}
