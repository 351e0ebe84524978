//! Running cells: evcxr on a dedicated thread, the process that runs cells (with its output
//! interposer and the `threading` agent), the output router, interrupts and program cells.
//!
//! Data flows one way: a job comes in from the protocol layer, the engine runs it, and every
//! output goes to the router, which publishes it on iopub in order.

pub mod agent;
pub mod cell;
pub mod control;
pub mod diagnostics;
mod display;
mod engine;
pub mod exercise_file;
pub mod frames;
pub mod interpose;
pub mod interrupt;
pub mod output;
mod program;
mod stderr;

use crate::transport::wire::Message;
use diagnostics::CellError;
pub use engine::Setup;
use tokio::sync::oneshot;

/// A cell to run.
pub struct ExecuteJob {
    /// The `execute_request` (parent of every output).
    pub request: Message,
    /// The cell.
    pub code: String,
    /// Publish nothing.
    pub silent: bool,
    /// Whether `input_request` may be sent.
    pub allow_stdin: bool,
    /// The execution count shown with its result.
    pub count: usize,
    /// Expressions to evaluate after a cell that succeeds, by name (the request's
    /// `user_expressions`).
    pub user_expressions: Vec<(String, String)>,
    /// Where the outcome goes.
    pub reply: oneshot::Sender<ExecuteOutcome>,
}

/// How a cell ended.
#[derive(Debug, Default)]
pub struct ExecuteOutcome {
    /// Its error, if it failed (already published on iopub).
    pub error: Option<CellError>,
    /// The text of its result, for history.
    pub result_text: Option<String>,
    /// Reply payloads.
    pub payload: Vec<Payload>,
    /// The values of the request's `user_expressions`, by name.
    pub user_expressions: Vec<(String, UserExpression)>,
}

/// A payload of an execute reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// Text for IPython's pager (`?path`).
    Page {
        /// Plain text.
        plain: String,
        /// HTML.
        html: String,
    },
}

/// The value of one of a request's `user_expressions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserExpression {
    /// Its `Debug` text.
    Value(String),
    /// Why it could not be evaluated.
    Error(CellError),
}

/// What the engine shows at the end of a cell, after everything the cell printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellOutput {
    /// Text on a stream (timings, the note on dropped variables).
    Stream {
        /// The stream.
        stream: frames::Stream,
        /// The text.
        text: String,
    },
    /// Rich output of a `:command` (`:vars`, `:help`): (MIME type, data) pairs.
    Display(Vec<(String, String)>),
    /// The cell's error.
    Error(CellError),
}

/// Completions at a cursor.
#[derive(Debug, Default)]
pub struct CompleteResult {
    /// The candidates.
    pub matches: Vec<CompletionMatch>,
    /// Start of the text they replace (code points).
    pub cursor_start: usize,
    /// End of the text they replace (code points).
    pub cursor_end: usize,
}

/// One completion candidate.
#[derive(Debug)]
pub struct CompletionMatch {
    /// The text that replaces `cursor_start..cursor_end`.
    pub text: String,
    /// Its kind, as IPython names them: `function`, `class`, `module`, `keyword`, `instance`.
    pub kind: &'static str,
    /// rust-analyzer's label (a signature for callables).
    pub signature: String,
}

/// Documentation at a cursor.
#[derive(Debug, Default)]
pub struct InspectResult {
    /// Whether anything was found.
    pub found: bool,
    /// Plain text.
    pub plain: String,
    /// HTML.
    pub html: String,
}

/// Work for the engine.
pub enum Job {
    /// Run a cell.
    Execute(Box<ExecuteJob>),
    /// Complete code.
    Complete {
        /// The code.
        code: String,
        /// The cursor (code points).
        cursor: usize,
        /// Where the answer goes.
        reply: oneshot::Sender<CompleteResult>,
    },
    /// Inspect code.
    Inspect {
        /// The code.
        code: String,
        /// The cursor (code points).
        cursor: usize,
        /// Where the answer goes.
        reply: oneshot::Sender<InspectResult>,
    },
}

/// Starts evcxr, loads the bundled crates and builds them for program cells, then returns: a
/// warm-up so the first kernel session is fast (`threadlab-kernel prebuild`).
pub fn prebuild(setup: Setup) -> Result<(), String> {
    engine::prebuild(setup)
}

/// The handle to the engine thread.
#[derive(Clone)]
pub struct Evaluator {
    jobs: crossbeam_channel::Sender<Job>,
}

impl Evaluator {
    /// Starts the engine thread (evcxr starts in the background; jobs wait for it).
    pub fn start(setup: Setup) -> Evaluator {
        let (jobs, queue) = crossbeam_channel::unbounded();
        std::thread::Builder::new()
            .name("threadlab-engine".into())
            .spawn(move || engine::run(setup, queue))
            .expect("spawn the engine thread");
        Evaluator { jobs }
    }

    /// Queues a job.
    pub fn submit(&self, job: Job) {
        let _ = self.jobs.send(job);
    }
}
