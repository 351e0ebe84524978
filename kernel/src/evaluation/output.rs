//! Publishing what cells print: the side channel's listener and the router that turns its frames
//! into iopub messages.
//!
//! One router thread owns the order of everything a cell shows. Stream text is batched (every
//! 50 ms or 64 KiB), decoded as UTF-8 across chunk boundaries, and rate-limited like ipykernel's
//! `iopub_data_rate_limit`: past a 2 MB burst, output beyond 1 MB/s is dropped with a notice, so a
//! flood keeps the kernel responsive and its memory bounded. Output printed after a cell ends is
//! published at once, with the last cell as parent (as ipykernel does).

use super::CellOutput;
use super::control::Control;
use super::frames::{Frame, Stream};
use crate::protocol::{Session, outputs};
use crate::transport::Outbox;
use crate::transport::wire::Message;
use crossbeam_channel::{Receiver, Sender};
use serde_json::Value;
use std::collections::HashMap;
use std::io::BufReader;
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BATCH_INTERVAL: Duration = Duration::from_millis(50);
const BATCH_BYTES: usize = 64 << 10;
const BURST_BYTES: f64 = 2e6;
const RATE_BYTES_PER_SEC: f64 = 1e6;
/// The MIME type of the content block that asks for `clear_output` (see `threading::agent`).
pub const CLEAR_OUTPUT_MIME: &str = "application/vnd.threadlab.clear-output+json";

/// What the router is told.
#[derive(Debug)]
pub enum Event {
    /// A frame from the process that runs cells.
    Child(Stream, Frame),
    /// A cell starts: outputs get this parent from now on.
    BeginCell {
        /// The `execute_request`.
        parent: Box<Message>,
        /// Whether outputs are suppressed (`silent`).
        silent: bool,
        /// The execution count for `execute_result`.
        count: usize,
    },
    /// The engine waits for the sync marker `id` on both streams.
    AwaitSync {
        /// The marker's id.
        id: u64,
        /// Signalled once both streams passed the marker.
        done: Sender<()>,
    },
    /// Publish pending stream text now, then signal.
    Flush(Sender<()>),
    /// The cell is done: settle the last content block, publish `extra`, then signal.
    EndCell(EndCell),
}

/// The end of a cell.
#[derive(Debug)]
pub struct EndCell {
    /// Whether the cell ends in an expression, so its last content block is its value.
    pub expects_result: bool,
    /// Outputs to publish after the cell's own, in order.
    pub extra: Vec<CellOutput>,
    /// Answered with the text of the cell's `execute_result`, if any (for history).
    pub done: Sender<Option<String>>,
}

/// What the router learned about the running cell from evcxr's control lines.
#[derive(Debug, Default, Clone)]
pub struct CellFlags {
    /// `EVCXR_PANIC_NOTIFICATION`: the cell unwound (a panic or a `KeyboardInterrupt`).
    pub panicked: bool,
    /// `EVCXR_ERROR_OCCURRED`: a `?` returned an error.
    pub error_occurred: bool,
    /// How many `EVCXR_EXECUTION_COMPLETE` lines passed.
    pub completed: usize,
    /// The prompt of the last `EVCXR_INPUT_REQUEST` line, whole (evcxr cuts it at a `:`).
    pub input_prompt: Option<String>,
    /// The main thread's panic as the default hook printed it: (message, location).
    pub panic: Option<(String, String)>,
}

/// The sending side of the router.
#[derive(Clone)]
pub struct RouterHandle {
    tx: Sender<Event>,
    flags: Arc<Mutex<CellFlags>>,
}

impl RouterHandle {
    /// Sends an event (the router lives as long as the kernel).
    pub fn send(&self, event: Event) {
        let _ = self.tx.send(event);
    }

    /// The running cell's flags.
    pub fn flags(&self) -> CellFlags {
        self.flags.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Publishes pending output and waits (at most `timeout`) until it is queued on iopub.
    pub fn flush(&self, timeout: Duration) {
        let (tx, rx) = crossbeam_channel::bounded(1);
        self.send(Event::Flush(tx));
        let _ = rx.recv_timeout(timeout);
    }
}

/// Starts the router thread publishing on `iopub`.
pub fn start_router(session: Session, iopub: Outbox) -> RouterHandle {
    // Bounded (at most 256 frames of at most 64 KiB): if the router falls behind, the readers
    // (and in the end the cells' prints) wait instead of the kernel buffering without limit.
    let (tx, rx) = crossbeam_channel::bounded(256);
    let flags = Arc::new(Mutex::new(CellFlags::default()));
    let router = Router {
        session,
        iopub,
        flags: Arc::clone(&flags),
        parent: None,
        // Until the first cell, output is evcxr's own start-up (its first `42`): not shown.
        silent: true,
        count: 0,
        pending: HashMap::new(),
        batch_started: None,
        held: None,
        in_cell: false,
        limiter: Limiter::new(),
        syncs: HashMap::new(),
    };
    std::thread::Builder::new()
        .name("threadlab-output".into())
        .spawn(move || router.run(rx))
        .expect("spawn the output router");
    RouterHandle { tx, flags }
}

/// Listens on `path` for the side-channel connections of the process that runs cells (a new
/// pair after every restart) and feeds their frames to the router.
pub fn listen(path: &Path, router: RouterHandle) -> std::io::Result<()> {
    let listener = UnixListener::bind(path)?;
    std::thread::Builder::new().name("threadlab-output-listener".into()).spawn(move || {
        for connection in listener.incoming() {
            let Ok(connection) = connection else { continue };
            let router = router.clone();
            let _ = std::thread::Builder::new().name("threadlab-output-reader".into()).spawn(move || {
                let mut input = BufReader::new(connection);
                let stream = match Frame::read_from(&mut input) {
                    Ok(Some(Frame::Hello { stream, .. })) => stream,
                    _ => return,
                };
                loop {
                    match Frame::read_from(&mut input) {
                        Ok(Some(frame)) => router.send(Event::Child(stream, frame)),
                        Ok(None) => return,
                        Err(error) => {
                            tracing::warn!("output side channel: {error}");
                            return;
                        }
                    }
                }
            });
        }
    })?;
    Ok(())
}

/// ipykernel-like rate limit: a token bucket of bytes.
struct Limiter {
    tokens: f64,
    last: Instant,
    dropped: usize,
    noticed: bool,
}

impl Limiter {
    fn new() -> Limiter {
        Limiter { tokens: BURST_BYTES, last: Instant::now(), dropped: 0, noticed: false }
    }

    fn refill(&mut self) {
        let now = Instant::now();
        self.tokens =
            (self.tokens + now.duration_since(self.last).as_secs_f64() * RATE_BYTES_PER_SEC).min(BURST_BYTES);
        self.last = now;
    }

    /// Whether `n` bytes may be published.
    fn allow(&mut self, n: usize) -> bool {
        self.refill();
        if self.tokens >= n as f64 {
            self.tokens -= n as f64;
            true
        } else {
            self.dropped += n;
            false
        }
    }
}

#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
}

struct SyncWait {
    seen: Vec<Stream>,
    done: Sender<()>,
}

struct Router {
    session: Session,
    iopub: Outbox,
    flags: Arc<Mutex<CellFlags>>,
    parent: Option<Message>,
    silent: bool,
    count: usize,
    pending: HashMap<Stream, Pending>,
    batch_started: Option<Instant>,
    held: Option<(String, String)>,
    in_cell: bool,
    limiter: Limiter,
    syncs: HashMap<u64, SyncWait>,
}

impl Router {
    fn run(mut self, rx: Receiver<Event>) {
        loop {
            let event = match self.batch_started {
                Some(started) => {
                    let wait = (started + BATCH_INTERVAL).saturating_duration_since(Instant::now());
                    match rx.recv_timeout(wait) {
                        Ok(event) => Some(event),
                        Err(crossbeam_channel::RecvTimeoutError::Timeout) => None,
                        Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
                    }
                }
                None => match rx.recv() {
                    Ok(event) => Some(event),
                    Err(_) => return,
                },
            };
            match event {
                None => self.flush_streams(),
                Some(event) => self.handle(event),
            }
            if let Some(started) = self.batch_started
                && (started.elapsed() >= BATCH_INTERVAL || self.pending_bytes() >= BATCH_BYTES)
            {
                self.flush_streams();
            }
        }
    }

    fn pending_bytes(&self) -> usize {
        self.pending.values().map(|p| p.bytes.len()).sum()
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Child(stream, Frame::Text(bytes)) => {
                if !self.limiter.allow(bytes.len()) {
                    if !self.limiter.noticed {
                        self.limiter.noticed = true;
                        self.flush_streams();
                        let notice = "\n[threadlab: output is arriving faster than 1 MB/s; dropping it until it slows down]\n";
                        self.publish_stream(stream, notice);
                    }
                    return;
                }
                if self.limiter.noticed {
                    self.report_dropped(stream);
                }
                self.pending.entry(stream).or_default().bytes.extend_from_slice(&bytes);
                self.batch_started.get_or_insert_with(Instant::now);
            }
            Event::Child(_, Frame::Display { mime, data }) => {
                self.flush_streams();
                if mime == CLEAR_OUTPUT_MIME {
                    let wait = serde_json::from_str::<Value>(&data).ok().and_then(|v| v["wait"].as_bool());
                    self.release_held();
                    self.publish("clear_output", outputs::clear_output(wait.unwrap_or(false)));
                    return;
                }
                if !self.limiter.allow(data.len()) {
                    return;
                }
                // During a cell the latest block may be its value: hold it until the next one or
                // the end. After the cell, a background thread's block shows at once.
                self.release_held();
                if self.in_cell {
                    self.held = Some((mime, data));
                } else {
                    self.publish_display(mime, data);
                }
            }
            Event::Child(_, Frame::Control(control)) => {
                self.flush_streams();
                let mut flags = self.flags.lock().unwrap_or_else(|e| e.into_inner());
                match control {
                    Control::PanicNotification => flags.panicked = true,
                    Control::ErrorOccurred => flags.error_occurred = true,
                    Control::ExecutionComplete => flags.completed += 1,
                    Control::InputRequest { prompt, .. } => flags.input_prompt = Some(prompt),
                    Control::VariableChangedType(_) => {}
                }
            }
            Event::Child(stream, Frame::Sync(id)) => {
                self.flush_stream(stream);
                if let Some(wait) = self.syncs.get_mut(&id) {
                    if !wait.seen.contains(&stream) {
                        wait.seen.push(stream);
                    }
                    if wait.seen.len() == 2 {
                        let wait = self.syncs.remove(&id).expect("present");
                        let _ = wait.done.send(());
                    }
                }
            }
            Event::Child(_, Frame::Panic { message, location }) => {
                self.flush_streams();
                self.flags.lock().unwrap_or_else(|e| e.into_inner()).panic = Some((message, location));
            }
            Event::Child(_, Frame::Hello { .. }) => {}
            Event::BeginCell { parent, silent, count } => {
                self.flush_streams();
                self.release_held();
                self.parent = Some(*parent);
                self.silent = silent;
                self.count = count;
                *self.flags.lock().unwrap_or_else(|e| e.into_inner()) = CellFlags::default();
                self.syncs.clear();
                self.in_cell = true;
            }
            Event::AwaitSync { id, done } => {
                self.syncs.insert(id, SyncWait { seen: Vec::new(), done });
            }
            Event::Flush(done) => {
                self.flush_streams();
                let _ = done.send(());
            }
            Event::EndCell(end) => {
                self.flush_streams();
                let mut result_text = None;
                if let Some((mime, data)) = self.held.take() {
                    let unit = mime == "text/plain" && data.trim() == "()";
                    if end.expects_result {
                        if !unit {
                            result_text = (mime == "text/plain").then(|| data.clone());
                            self.publish("execute_result", outputs::execute_result(self.count, &mime, &data));
                        }
                    } else {
                        self.publish_display(mime, data);
                    }
                }
                for output in end.extra {
                    match output {
                        CellOutput::Stream { stream, text } => self.publish_stream(stream, &text),
                        CellOutput::Display(bundle) => {
                            self.publish("display_data", outputs::display_data(bundle))
                        }
                        CellOutput::Error(error) => self.publish("error", outputs::error(&error)),
                    }
                }
                if self.limiter.noticed {
                    self.report_dropped(Stream::Stdout);
                }
                self.in_cell = false;
                let _ = end.done.send(result_text);
            }
        }
    }

    fn report_dropped(&mut self, stream: Stream) {
        let dropped = self.limiter.dropped;
        self.limiter.noticed = false;
        self.limiter.dropped = 0;
        if dropped > 0 {
            let notice = format!("\n[threadlab: {dropped} bytes of output were dropped]\n");
            self.publish_stream(stream, &notice);
        }
    }

    fn release_held(&mut self) {
        if let Some((mime, data)) = self.held.take() {
            self.publish_display(mime, data);
        }
    }

    fn publish_display(&mut self, mime: String, data: String) {
        self.publish("display_data", outputs::display_data(vec![(mime, data)]));
    }

    fn flush_streams(&mut self) {
        self.flush_stream(Stream::Stdout);
        self.flush_stream(Stream::Stderr);
        self.batch_started = None;
    }

    fn flush_stream(&mut self, stream: Stream) {
        let Some(pending) = self.pending.get_mut(&stream) else { return };
        if pending.bytes.is_empty() {
            return;
        }
        // Keep an incomplete UTF-8 sequence at the end for the next chunk.
        let valid = match std::str::from_utf8(&pending.bytes) {
            Ok(_) => pending.bytes.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => pending.bytes.len(),
        };
        let bytes: Vec<u8> = pending.bytes.drain(..valid).collect();
        if !bytes.is_empty() {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            self.publish_stream(stream, &text);
        }
    }

    fn publish_stream(&mut self, stream: Stream, text: &str) {
        self.publish("stream", outputs::stream(stream.name(), text));
    }

    fn publish(&mut self, msg_type: &str, content: Value) {
        if self.silent {
            return;
        }
        let message = self.session.broadcast(msg_type, content, self.parent.as_ref());
        self.iopub.send(message);
    }
}
