//! Running a cell: evcxr compiles and runs it in the process that runs cells; the engine waits
//! until everything it printed is published, then tells the router how it ended (its error, the
//! outputs of `:commands`, the note on dropped variables) and answers with its outcome.

use super::{Engine, Setup};
use crate::evaluation::cell::{self, Cell};
use crate::evaluation::diagnostics::CellError;
use crate::evaluation::exercise_file;
use crate::evaluation::frames::Stream;
use crate::evaluation::interrupt::{GRACE, Interruption};
use crate::evaluation::output::{EndCell, Event};
use crate::evaluation::program;
use crate::evaluation::{CellOutput, ExecuteJob, ExecuteOutcome, Payload, UserExpression};
use crate::protocol;
use crate::transport::wire::Message;
use evcxr::{DropReason, DroppedVariable, EvalCallbacks, EvalOutputs};
use std::time::{Duration, Instant};

impl Engine {
    /// Runs a cell (Rust, a program cell, or `?path`) and its `user_expressions`.
    pub(super) fn execute(&mut self, job: &ExecuteJob) -> ExecuteOutcome {
        if let Some(subject) = job.code.trim().strip_prefix('?') {
            return self.page(job, subject.trim());
        }
        match Cell::parse(&job.code) {
            Ok(Cell::Rust(code)) => {
                let code = match exercise_file::expand(&code) {
                    Ok(code) => code,
                    Err(message) => {
                        self.begin(CellOrigin::of(job));
                        let error = CellError::new("UsageError", &message, &[]);
                        return self.finish(false, Vec::new(), Some(error));
                    }
                };
                let mut outcome = self.execute_rust(CellOrigin::of(job), &code);
                if outcome.error.is_none() {
                    outcome.user_expressions = self.user_expressions(job);
                }
                outcome
            }
            Ok(Cell::Program { source, timeout }) => {
                let cell = self.begin(CellOrigin::of(job));
                self.setup.interrupter.begin_program(cell);
                let error = program::run(&self.setup, &self.setup.work, &source, timeout).err();
                self.setup.interrupter.end();
                self.finish(false, Vec::new(), error)
            }
            Err(message) => {
                self.begin(CellOrigin::of(job));
                let error = CellError::new("UsageError", &message, &[]);
                self.finish(false, Vec::new(), Some(error))
            }
        }
    }

    /// Evaluates the request's `user_expressions` (after a cell that succeeded, as ipykernel
    /// does), silently, each as a cell of its own that borrows what it shows so that no
    /// variable is moved away by being looked at.
    fn user_expressions(&mut self, job: &ExecuteJob) -> Vec<(String, UserExpression)> {
        let mut results = Vec::new();
        for (name, expression) in &job.user_expressions {
            let code = format!("&({expression})");
            let probe = CellOrigin { silent: true, allow_stdin: false, ..CellOrigin::of(job) };
            let outcome = self.execute_rust(probe, &code);
            let result = match outcome.error {
                None => UserExpression::Value(outcome.result_text.unwrap_or_else(|| "()".to_owned())),
                Some(error) => UserExpression::Error(error),
            };
            results.push((name.clone(), result));
        }
        results
    }

    /// `?path`: IPython's pager, with rust-analyzer's documentation of `path`.
    fn page(&mut self, job: &ExecuteJob, subject: &str) -> ExecuteOutcome {
        self.load_bundle_if_named(subject);
        self.begin(CellOrigin::of(job));
        let found = self.inspect(subject, subject.chars().count());
        if found.found {
            let mut outcome = self.finish(false, Vec::new(), None);
            outcome.payload.push(Payload::Page { plain: found.plain, html: found.html });
            outcome
        } else {
            let error = CellError::new("NameError", &format!("no documentation found for `{subject}`"), &[]);
            self.finish(false, Vec::new(), Some(error))
        }
    }

    /// Tells the router a cell starts (its outputs get the request as parent).
    fn begin(&mut self, origin: CellOrigin) -> u64 {
        self.next_cell += 1;
        self.setup.router.send(Event::BeginCell {
            parent: Box::new(origin.request.clone()),
            silent: origin.silent,
            count: origin.count,
        });
        self.next_cell
    }

    /// Runs Rust code (a cell or a `user_expressions` probe) with evcxr.
    fn execute_rust(&mut self, origin: CellOrigin, code: &str) -> ExecuteOutcome {
        if code.lines().any(|line| line.trim_start().starts_with(":clear")) {
            // `:clear` drops evcxr's dependencies: load the bundle again when it is needed.
            self.bundle = self.bundle.cleared();
        }
        if code.lines().any(|line| [":dep", ":clear"].iter().any(|c| line.trim_start().starts_with(c))) {
            // New dependencies make rust-analyzer reload: warm it again when idle.
            self.analyzer_warm = false;
        }
        self.load_bundle_if_named(code);
        let cell = self.begin(origin);
        let _ = self.setup.agent.take_panic();
        self.setup.interrupter.begin(cell);
        let mut result = self.evaluate(origin, code);
        let mut extra = Vec::new();
        if let Err(evcxr::Error::StaleLibrariesRestarted(crates)) = &result {
            // The process was restarted to load the rebuilt libraries: run the cell again in it.
            extra.push(CellOutput::Stream { stream: Stream::Stdout, text: reloaded_note(crates) });
            if self.bundle.is_loaded() {
                self.bootstrap();
            }
            self.pid = self.child_pid();
            result = self.evaluate(origin, code);
        }
        let restarted = self.child_pid() != self.pid;
        if !restarted {
            self.sync();
        }
        let interruption = self.setup.interrupter.end();
        let mut flags = self.setup.router.flags();
        if flags.panicked && flags.panic.is_none() && self.setup.agent.connected() != Some(self.pid) {
            // Without the agent the message comes from stderr, on its own pipe: give it a moment.
            let deadline = Instant::now() + Duration::from_millis(300);
            while flags.panic.is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
                flags = self.setup.router.flags();
            }
        }
        let panic = self.setup.agent.take_panic();
        let error = match result {
            Ok(outputs) => {
                extra.extend(command_outputs(&outputs));
                if self.display.follow(code) && self.bundle.is_loaded() {
                    let import = self.display.import();
                    if let Err(error) = self.ctx.execute(&import) {
                        tracing::warn!("could not switch how values are shown: {error}");
                    }
                }
                if flags.panicked {
                    Some(match (panic, flags.panic) {
                        (Some(panic), _) => CellError::panic(&panic.message, &panic.location),
                        (None, Some((message, location))) => CellError::panic(&message, &location),
                        (None, None) if interruption.requested => keyboard_interrupt(&interruption),
                        (None, None) => CellError::new("panic", "the cell panicked", &[]),
                    })
                } else if flags.error_occurred {
                    Some(CellError::new(
                        "Error",
                        "a `?` in the cell returned this error (printed above)",
                        &[],
                    ))
                } else {
                    None
                }
            }
            Err(evcxr::Error::CompilationErrors(errors)) => Some(CellError::compilation(&errors, code)),
            Err(evcxr::Error::SubprocessTerminated(message)) => Some(if interruption.killed {
                keyboard_interrupt(&interruption)
            } else {
                let message = message.trim();
                CellError::new(
                    "ProcessDied",
                    "the process running cells stopped; it was restarted and all variables were lost",
                    &[message.to_owned()],
                )
            }),
            Err(error) => Some(CellError::new("Error", &error.to_string(), &[])),
        };
        let expects_result = error.is_none() && cell::ends_with_expression(code);
        let outcome = self.finish(expects_result, extra, error);
        if (restarted || self.child_pid() != self.pid) && self.bundle.is_loaded() {
            // A new process: start the agent in it (its dependencies are still evcxr's).
            self.bootstrap();
        }
        self.pid = self.child_pid();
        outcome
    }

    /// Has evcxr compile and run `code`, answering its input requests on the cell's behalf.
    fn evaluate(&mut self, origin: CellOrigin, code: &str) -> Result<EvalOutputs, evcxr::Error> {
        let setup = &self.setup;
        let mut callbacks = EvalCallbacks {
            input_reader: &|request| read_input(setup, origin, &request.prompt, request.is_password),
        };
        self.ctx.execute_with_callbacks(code, &mut callbacks)
    }

    /// Publishes the cell's last outputs (and its error) and returns its outcome.
    fn finish(
        &mut self,
        expects_result: bool,
        mut extra: Vec<CellOutput>,
        error: Option<CellError>,
    ) -> ExecuteOutcome {
        if let Some(error) = &error {
            extra.push(CellOutput::Error(error.clone()));
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        self.setup.router.send(Event::EndCell(EndCell { expects_result, extra, done: tx }));
        let result_text = rx.recv_timeout(Duration::from_secs(5)).ok().flatten();
        ExecuteOutcome { error, result_text, ..ExecuteOutcome::default() }
    }

    /// Waits until everything the cell printed has been published.
    fn sync(&mut self) {
        if self.setup.agent.connected() == Some(self.pid) {
            self.next_sync += 1;
            let id = self.next_sync;
            let (tx, rx) = crossbeam_channel::bounded(1);
            self.setup.router.send(Event::AwaitSync { id, done: tx });
            if self.setup.agent.request_sync(id) {
                self.setup.agent.wait_synced(id, Duration::from_secs(1));
                let _ = rx.recv_timeout(Duration::from_secs(1));
                return;
            }
        }
        // No agent: the forwarder sent everything before EVCXR_EXECUTION_COMPLETE on stdout.
        let deadline = Instant::now() + Duration::from_millis(200);
        while self.setup.router.flags().completed == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        self.setup.router.flush(Duration::from_millis(200));
    }
}

/// A cell that was interrupted: what the threads were doing, and what was lost.
fn keyboard_interrupt(interruption: &Interruption) -> CellError {
    let mut details = Vec::new();
    if let Some(report) = interruption.report.as_deref().filter(|r| !r.trim().is_empty()) {
        details.push("Threads when the interrupt arrived:".to_owned());
        details.extend(report.lines().map(|l| format!("  {l}")));
    }
    if interruption.killed {
        details.push(format!(
            "The cell did not reach an interruptible threading call (wait, join, sleep) within {:.1} s \
             (a busy loop, a std lock or blocking I/O?), so the process running cells was restarted: \
             all variables were lost.",
            GRACE.as_secs_f64()
        ));
        CellError::new("KeyboardInterrupt", "the cell was stopped by restarting its process", &details)
    } else {
        details.push("Variables defined before this cell are kept.".to_owned());
        CellError::new("KeyboardInterrupt", "the cell was interrupted", &details)
    }
}

/// The one line that says why the variables of earlier cells are gone before this cell ran.
fn reloaded_note(crates: &[String]) -> String {
    let names: Vec<String> = crates.iter().map(|name| format!("`{name}`")).collect();
    format!(
        "note: {} changed since the process running cells loaded it, and a process cannot load a library \
         twice: the process was restarted to run this cell with the new build, so the variables of earlier \
         cells are gone.\n",
        names.join(", ")
    )
}

/// Outputs of evcxr `:commands` (`:vars`, `:help`, timings) and the note on dropped variables.
fn command_outputs(outputs: &EvalOutputs) -> Vec<CellOutput> {
    let mut extra = Vec::new();
    if !outputs.content_by_mime_type.is_empty() {
        let mut data: Vec<(String, String)> =
            outputs.content_by_mime_type.iter().map(|(mime, text)| (mime.clone(), text.clone())).collect();
        data.sort();
        extra.push(CellOutput::Display(data));
    }
    if let Some(note) = dropped_note(&outputs.dropped_variables) {
        extra.push(CellOutput::Stream { stream: Stream::Stdout, text: note });
    }
    if let Some(timing) = outputs.timing {
        extra.push(CellOutput::Stream {
            stream: Stream::Stdout,
            text: format!("Took {}ms\n", timing.as_millis()),
        });
    }
    extra
}

/// The one line that says which variables of a cell were dropped at its end instead of kept.
fn dropped_note(dropped: &[DroppedVariable]) -> Option<String> {
    if dropped.is_empty() {
        return None;
    }
    let why: Vec<String> = dropped
        .iter()
        .map(|variable| {
            let name = &variable.name;
            match variable.reason {
                DropReason::BorrowsCellValue => format!("`{name}` borrows a value that ends with the cell"),
                DropReason::UnnameableType => format!("the type of `{name}` has no name later cells can use"),
                DropReason::PrivateType => format!("the type of `{name}` is private to its crate"),
                DropReason::NotBoxable => format!("`{name}` does not fit in a `Box<dyn ...>`"),
            }
        })
        .collect();
    let names: Vec<String> = dropped.iter().map(|v| format!("`{}`", v.name)).collect();
    Some(format!(
        "note: {} dropped at the end of this cell, not kept for later cells: {}\n",
        names.join(", "),
        why.join("; ")
    ))
}

/// The request code runs for: a cell's own, or a `user_expressions` probe made from it.
#[derive(Clone, Copy)]
struct CellOrigin<'a> {
    /// Parent of every output.
    request: &'a Message,
    /// Publish nothing.
    silent: bool,
    /// Whether `input_request` may be sent.
    allow_stdin: bool,
    /// The execution count shown with its result.
    count: usize,
}

impl<'a> CellOrigin<'a> {
    fn of(job: &'a ExecuteJob) -> Self {
        CellOrigin {
            request: &job.request,
            silent: job.silent,
            allow_stdin: job.allow_stdin,
            count: job.count,
        }
    }
}

/// Answers `evcxr_input::get_string` with an `input_request` on the stdin channel.
fn read_input(setup: &Setup, origin: CellOrigin, prompt: &str, password: bool) -> String {
    // Show what the cell printed before asking.
    setup.router.flush(Duration::from_millis(500));
    let whole_prompt = setup.router.flags().input_prompt;
    let prompt = whole_prompt.as_deref().unwrap_or(prompt);
    if !origin.allow_stdin {
        return String::new();
    }
    while setup.input_replies.try_recv().is_ok() {}
    let message = setup.session.message(
        "input_request",
        protocol::outputs::input_request(prompt, password),
        Some(origin.request),
    );
    setup.stdin_out.send(message);
    loop {
        match setup.input_replies.recv_timeout(Duration::from_millis(100)) {
            Ok(value) => return value,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) if !setup.interrupter.requested() => {}
            Err(_) => return String::new(),
        }
    }
}
