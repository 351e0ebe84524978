//! The evaluation thread: owns evcxr's `CommandContext` and runs one job at a time.

use super::agent::AgentLink;
use super::cell::{self, Cell};
use super::diagnostics::CellError;
use super::display::DisplaySettings;
use super::frames::{Frame, Stream};
use super::interrupt::{Interrupter, Interruption};
use super::output::{EndCell, Event, RouterHandle};
use super::program;
use super::{CompleteResult, CompletionMatch, ExecuteJob, ExecuteOutcome, InspectResult, Job};
use crate::bundle::Bundle;
use crate::protocol::{byte_to_cursor, cursor_to_byte};
use crate::transport::Outbox;
use crate::transport::wire::Message;
use crossbeam_channel::Receiver;
use evcxr::{CommandContext, DropReason, DroppedVariable, EvalCallbacks, EvalOutputs};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Everything the engine needs.
pub struct Setup {
    /// The bundled crates.
    pub bundle: Bundle,
    /// Where outputs go.
    pub router: RouterHandle,
    /// The agent in the process that runs cells.
    pub agent: Arc<AgentLink>,
    /// The interrupt button.
    pub interrupter: Arc<Interrupter>,
    /// Where `input_request`s go (stdin channel).
    pub stdin_out: Outbox,
    /// `input_reply` values from the frontend.
    pub input_replies: Receiver<String>,
    /// Builds messages.
    pub session: crate::protocol::Session,
    /// The kernel's work folder (program cells build there).
    pub work: std::path::PathBuf,
    /// evcxr's settings file (written again to start evcxr online after an offline failure).
    pub evcxr_config: crate::environment::EvcxrConfig,
    /// Set once the engine has started (or failed to).
    pub ready: tokio::sync::watch::Sender<bool>,
}

pub(super) struct Engine {
    setup: Setup,
    ctx: CommandContext,
    pid: u32,
    next_cell: u64,
    next_sync: u64,
    /// Why the bundled crates could not be loaded, if they could not.
    bootstrap_error: Option<String>,
    /// Whether the bundled crates are evcxr dependencies (they stay across restarts of the
    /// process that runs cells, not across `:clear`).
    bundle_loaded: bool,
    /// Whether the bundled crates were ever loaded in this session (the first time resolves
    /// their dependencies offline).
    bundle_ever_loaded: bool,
    /// The on-demand bundled crates already added in this process (by library name).
    lazy_loaded: Vec<&'static str>,
    /// evcxr's display settings, which decide the display trait cells import.
    display: DisplaySettings,
    /// Whether rust-analyzer has analysed cell code in this session (see [`ANALYZER_WARM_UP`]).
    analyzer_warm: bool,
    /// rust-analyzer's warm-up, while it may still be running in the background.
    warming: Option<std::thread::JoinHandle<()>>,
}

/// How long the kernel must be idle before it does work nobody asked for yet.
const IDLE_BEFORE_WARM_UP: Duration = Duration::from_millis(300);

/// Work the engine does when idle.
enum IdleWork {
    /// Add the bundled crates (when the start could not).
    LoadBundle,
    /// Have rust-analyzer load the workspace and analyse typical cell code.
    WarmAnalyzer,
}

/// Cell code rust-analyzer analyses while the kernel is idle (every name and type in it):
/// completions and inspections ask it, and the first question otherwise costs seconds (loading
/// the workspace, resolving names in the standard library and the bundled crates, inferring
/// their types). Cells never ask it: evcxr learns their variables' types from rustc.
const ANALYZER_WARM_UP: &str = "let numbers = vec![1, 2, 3];\n\
    let text = String::from(\"warm\");\n\
    let shared = std::sync::Arc::new(std::sync::Mutex::new(numbers));\n\
    let total: i32 = shared.lock().unwrap().iter().sum();\n";

/// The same for the bundled `threading` crate, once it is loaded.
const ANALYZER_WARM_UP_THREADING: &str = "let lock = threading::Lock::new();\n\
    let worker = threading::Thread::new(move || { let _ = (&shared, &lock, &text, total); });\n\
    let name = worker.name();\n";

/// Names that need the bundled crates: the crate, and the helpers imported into every cell.
const BUNDLE_NAMES: &[&str] = &["threading", "input", "clear_output"];

/// Runs the engine on the current thread until the job channel closes.
pub(super) fn run(setup: Setup, jobs: Receiver<Job>) {
    let mut engine = match Engine::start(setup) {
        Ok(engine) => engine,
        Err(failed) => {
            let (setup, message) = *failed;
            tracing::error!("{message}");
            setup.ready.send_replace(true);
            fail_all(&jobs, &message);
            return;
        }
    };
    engine.setup.ready.send_replace(true);
    loop {
        // Work nobody waits for is done when the kernel has been idle a moment: loading the
        // bundled crates if the start could not, then rust-analyzer's first analysis.
        let job = match engine.idle_work() {
            None => jobs.recv().ok(),
            Some(work) => match jobs.recv_timeout(IDLE_BEFORE_WARM_UP) {
                Ok(job) => Some(job),
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                    match work {
                        IdleWork::LoadBundle => engine.bootstrap(),
                        IdleWork::WarmAnalyzer => engine.warm_analyzer(),
                    }
                    continue;
                }
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => None,
            },
        };
        let Some(job) = job else { return };
        match job {
            Job::Execute(job) => {
                let outcome = engine.execute(&job);
                let _ = job.reply.send(outcome);
            }
            Job::Complete { code, cursor, reply } => {
                engine.load_bundle_if_named(&code);
                let _ = reply.send(engine.complete(&code, cursor));
            }
            Job::Inspect { code, cursor, reply } => {
                engine.load_bundle_if_named(&code);
                let _ = reply.send(engine.inspect(&code, cursor));
            }
        }
    }
}

/// Starts evcxr and loads the bundled crates, then builds them for program cells too.
pub(super) fn prebuild(setup: Setup) -> Result<(), String> {
    let mut engine = Engine::start(setup).map_err(|failed| failed.1)?;
    if !engine.bundle_loaded {
        engine.bootstrap();
    }
    engine.bootstrap_error.take().map_or(Ok(()), Err)?;
    // The on-demand crates (the grader) too, so their first use in a session is fast as well.
    for (lib, dep) in engine.setup.bundle.lazy_crates() {
        engine.ctx.execute(&dep).map_err(|error| format!("could not build {lib}: {error}"))?;
    }
    program::prebuild(&engine.setup, &engine.setup.work).map_err(|e| format!("{}: {}", e.ename, e.evalue))
}

fn fail_all(jobs: &Receiver<Job>, message: &str) {
    while let Ok(job) = jobs.recv() {
        match job {
            Job::Execute(job) => {
                let error = CellError::new("KernelError", message, &[]);
                let _ = job.reply.send(ExecuteOutcome { error: Some(error), ..ExecuteOutcome::default() });
            }
            Job::Complete { reply, .. } => {
                let _ = reply.send(CompleteResult::default());
            }
            Job::Inspect { reply, .. } => {
                let _ = reply.send(InspectResult::default());
            }
        }
    }
}

impl Engine {
    /// Starts evcxr (its child process, rust-analyzer, a first compile) with the bundled crates
    /// as dependencies from the first compile, which also starts the agent; without them if
    /// they cannot be built (cells then get the reason when they name them).
    fn start(setup: Setup) -> Result<Engine, Box<(Setup, String)>> {
        let started = Instant::now();
        let display = DisplaySettings::default();
        let deps = setup.bundle.eager_deps();
        let deps: Vec<(&str, &str)> = deps.iter().map(|(name, config)| (*name, config.as_str())).collect();
        let start_code = agent_start_code(&display);
        // Offline first: the work folder's lock file pins the bundled crates' dependencies, and
        // cargo's local index resolves whatever it lacks without the network.
        let with_bundle = |offline: bool| {
            setup.evcxr_config.write(offline).map_err(|e| e.to_string())?;
            CommandContext::with_start(&deps, &start_code).map_err(|e| e.to_string())
        };
        let mut bootstrap_error = None;
        let started_with_bundle = with_bundle(true).or_else(|offline_error| {
            tracing::info!("offline start failed ({offline_error}); trying online");
            with_bundle(false)
        });
        let (mut ctx, outputs, bundled) = match started_with_bundle {
            Ok((ctx, outputs)) => (ctx, outputs, true),
            Err(error) => {
                let error = format!("could not load the bundled crates: {error}");
                tracing::error!("{error}");
                bootstrap_error = Some(error);
                let plain = setup.evcxr_config.write(false).map_err(|e| e.to_string()).and_then(|()| {
                    CommandContext::new().map_err(|error| {
                        format!("the Rust evaluation engine (evcxr) could not start: {error}")
                    })
                });
                match plain {
                    Ok((ctx, outputs)) => (ctx, outputs, false),
                    Err(message) => return Err(Box::new((setup, message))),
                }
            }
        };
        if bundled && let Err(error) = ctx.execute(":offline 0") {
            tracing::warn!("could not leave offline mode: {error}");
        }
        // Variable types from rustc: a cell with `let` never waits for rust-analyzer, and a
        // closure or a borrowing value does not stop the cell (see `DroppedVariable`).
        ctx.set_variable_types_from_rustc(true);
        // `:opt` then changes how cells are built, not the dependencies (rebuilding all of them
        // took seconds).
        if let Err(error) = ctx.set_dependency_opt_level(&crate::environment::cell_opt_level()) {
            tracing::warn!("could not pin the dependencies' optimisation level: {error}");
        }
        // Lines evcxr could not attribute (when the side channel is missing) are still output.
        for (receiver, stream) in [(outputs.stdout, Stream::Stdout), (outputs.stderr, Stream::Stderr)] {
            let router = setup.router.clone();
            let _ = std::thread::Builder::new().name("threadlab-evcxr-output".into()).spawn(move || {
                while let Ok(line) = receiver.recv() {
                    router.send(Event::Child(stream, Frame::Text(format!("{line}\n").into_bytes())));
                }
            });
        }
        let process = ctx.process_handle();
        let pid = process.lock().unwrap_or_else(|e| e.into_inner()).id();
        setup.interrupter.set_process(process);
        let engine = Engine {
            setup,
            ctx,
            pid,
            next_cell: 0,
            next_sync: 0,
            bootstrap_error,
            bundle_loaded: bundled,
            bundle_ever_loaded: bundled,
            lazy_loaded: Vec::new(),
            display,
            analyzer_warm: false,
            warming: None,
        };
        if bundled {
            engine.bundle_ready();
        }
        tracing::info!("evcxr started in {:?} (bundled crates: {bundled})", started.elapsed());
        Ok(engine)
    }

    /// What to do when the kernel is idle, if anything.
    fn idle_work(&self) -> Option<IdleWork> {
        if !self.bundle_loaded && self.bootstrap_error.is_none() {
            Some(IdleWork::LoadBundle)
        } else if !self.analyzer_warm {
            Some(IdleWork::WarmAnalyzer)
        } else {
            None
        }
    }

    /// Has rust-analyzer analyse [`ANALYZER_WARM_UP`] (and [`ANALYZER_WARM_UP_THREADING`]) in
    /// the background.
    fn warm_analyzer(&mut self) {
        let code = if self.bundle_loaded {
            format!("{ANALYZER_WARM_UP}{ANALYZER_WARM_UP_THREADING}")
        } else {
            ANALYZER_WARM_UP.to_owned()
        };
        // On a thread of rust-analyzer's own, so that cells run meanwhile (see `finish_warm_up`
        // for the requests that ask it).
        match self.ctx.analyse_in_background(&code) {
            Ok(analysis) => self.warming = Some(analysis),
            Err(error) => tracing::debug!("rust-analyzer's warm-up did not start: {error}"),
        }
        self.analyzer_warm = true;
    }

    /// Waits for the warm-up before anything that asks rust-analyzer: a question would cancel it
    /// and throw away the query it is in the middle of (the standard library's name resolution,
    /// say), so waiting is quicker than starting over.
    fn finish_warm_up(&mut self) {
        if let Some(warming) = self.warming.take() {
            let started = Instant::now();
            let _ = warming.join();
            tracing::info!("waited {:?} for rust-analyzer's warm-up", started.elapsed());
        }
    }

    /// Records that the bundled crates are built and waits for the agent they started.
    fn bundle_ready(&self) {
        crate::workdir::mark_built(&self.setup.work, self.setup.bundle.hash());
        if !self.setup.agent.wait_connected(self.pid, Duration::from_secs(2)) {
            tracing::warn!("the threading agent did not connect");
        }
    }

    fn child_pid(&self) -> u32 {
        self.ctx.process_handle().lock().unwrap_or_else(|e| e.into_inner()).id()
    }

    /// Makes the bundled crates evcxr dependencies (if they are not) and starts the agent in
    /// the process that runs cells.
    fn bootstrap(&mut self) {
        let started = Instant::now();
        let start = agent_start_code(&self.display);
        let start = start.as_str();
        let result = if self.bundle_loaded {
            self.ctx.execute(start)
        } else {
            let deps = self.setup.bundle.eager_dep_commands();
            self.lazy_loaded.clear();
            if self.bundle_ever_loaded {
                self.ctx.execute(&format!("{deps}{start}"))
            } else {
                // The work folder's Cargo.lock lost the bundled crates' dependencies when evcxr
                // compiled its first cell without them; resolve them from the local index (fast,
                // no network) when it has them.
                let offline = self.ctx.execute(&format!(":offline 1\n{deps}{start}"));
                let _ = self.ctx.execute(":offline 0");
                offline.or_else(|error| {
                    tracing::info!("offline bootstrap failed ({error}); trying online");
                    self.ctx.execute(&format!("{deps}{start}"))
                })
            }
        };
        self.pid = self.child_pid();
        match result {
            Ok(_) => {
                self.bootstrap_error = None;
                self.bundle_loaded = true;
                self.bundle_ever_loaded = true;
                self.bundle_ready();
                tracing::info!("bundled crates loaded in {:?}", started.elapsed());
            }
            Err(error) => {
                let error = format!("could not load the bundled crates: {error}");
                tracing::error!("{error}");
                self.bootstrap_error = Some(error);
            }
        }
    }

    /// Loads the bundled crates now if `code` names them and they are not loaded yet.
    fn load_bundle_if_named(&mut self, code: &str) {
        if !self.bundle_loaded && BUNDLE_NAMES.iter().any(|name| names(code, name)) {
            self.bootstrap();
        }
    }

    fn execute(&mut self, job: &ExecuteJob) -> ExecuteOutcome {
        if let Some(subject) = job.code.trim().strip_prefix('?') {
            return self.page(job, subject.trim());
        }
        match Cell::parse(&job.code) {
            Ok(Cell::Rust(code)) => {
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
    fn user_expressions(&mut self, job: &ExecuteJob) -> serde_json::Map<String, Value> {
        let mut results = serde_json::Map::new();
        for (name, expression) in &job.user_expressions {
            let code = format!("&({expression})");
            let probe = CellOrigin { silent: true, allow_stdin: false, ..CellOrigin::of(job) };
            let outcome = self.execute_rust(probe, &code);
            let result = match outcome.error {
                None => json!({
                    "status": "ok",
                    "data": { "text/plain": outcome.result_text.unwrap_or_else(|| "()".to_owned()) },
                    "metadata": {},
                }),
                Some(error) => json!({
                    "status": "error",
                    "ename": error.ename,
                    "evalue": error.evalue,
                    "traceback": error.traceback,
                }),
            };
            results.insert(name.clone(), result);
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
            outcome.payload.push(json!({
                "source": "page",
                "data": { "text/plain": found.plain, "text/html": found.html },
                "start": 0,
            }));
            outcome
        } else {
            let error = CellError::new("NameError", &format!("no documentation found for `{subject}`"), &[]);
            self.finish(false, Vec::new(), Some(error))
        }
    }

    fn begin(&mut self, origin: CellOrigin) -> u64 {
        self.next_cell += 1;
        self.setup.router.send(Event::BeginCell {
            parent: Box::new(origin.request.clone()),
            silent: origin.silent,
            count: origin.count,
        });
        self.next_cell
    }

    /// Adds the on-demand bundled crates (the grader) the first time a cell names them.
    fn add_named_crates(&mut self, code: &str) {
        for (lib, dep) in self.setup.bundle.lazy_crates() {
            if !self.lazy_loaded.contains(&lib) && names(code, lib) {
                match self.ctx.execute(&dep) {
                    Ok(_) => self.lazy_loaded.push(lib),
                    Err(error) => tracing::warn!("could not add the bundled crate {lib}: {error}"),
                }
            }
        }
    }

    fn execute_rust(&mut self, origin: CellOrigin, code: &str) -> ExecuteOutcome {
        if code.lines().any(|line| line.trim_start().starts_with(":clear")) {
            // `:clear` drops evcxr's dependencies: load the bundle again when it is needed.
            self.bundle_loaded = false;
        }
        if code.lines().any(|line| [":dep", ":clear"].iter().any(|c| line.trim_start().starts_with(c))) {
            // New dependencies make rust-analyzer reload: warm it again when idle.
            self.analyzer_warm = false;
        }
        self.load_bundle_if_named(code);
        self.add_named_crates(code);
        let cell = self.begin(origin);
        let _ = self.setup.agent.take_panic();
        self.setup.interrupter.begin(cell);
        let result = {
            let setup = &self.setup;
            let mut callbacks = EvalCallbacks {
                input_reader: &|request| read_input(setup, origin, &request.prompt, request.is_password),
            };
            self.ctx.execute_with_callbacks(code, &mut callbacks)
        };
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
        let mut extra = Vec::new();
        let error = match result {
            Ok(outputs) => {
                extra.extend(command_outputs(&outputs));
                if self.display.follow(code) && self.bundle_loaded {
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
        if (restarted || self.child_pid() != self.pid) && self.bundle_loaded {
            // A new process: start the agent in it (its dependencies are still evcxr's).
            self.bootstrap();
        }
        self.pid = self.child_pid();
        outcome
    }

    /// Publishes the cell's last outputs (and its error) and returns its outcome.
    fn finish(
        &mut self,
        expects_result: bool,
        mut extra: Vec<(String, Value)>,
        error: Option<CellError>,
    ) -> ExecuteOutcome {
        if let Some(error) = &error {
            extra.push((
                "error".to_owned(),
                json!({ "ename": error.ename, "evalue": error.evalue, "traceback": error.traceback }),
            ));
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

    fn complete(&mut self, code: &str, cursor: usize) -> CompleteResult {
        self.finish_warm_up();
        let byte = cursor_to_byte(code, cursor);
        match self.ctx.completions(code, byte) {
            Ok(completions) => {
                let mut matches: Vec<CompletionMatch> = Vec::new();
                for completion in completions.completions {
                    if !matches.iter().any(|m| m.text == completion.code) {
                        matches.push(CompletionMatch {
                            text: completion.code,
                            kind: completion.kind,
                            signature: completion.label,
                        });
                    }
                }
                CompleteResult {
                    matches,
                    cursor_start: byte_to_cursor(code, completions.start_offset),
                    cursor_end: byte_to_cursor(code, completions.end_offset),
                }
            }
            Err(error) => {
                tracing::debug!("completion failed: {error}");
                CompleteResult { matches: Vec::new(), cursor_start: cursor, cursor_end: cursor }
            }
        }
    }

    fn inspect(&mut self, code: &str, cursor: usize) -> InspectResult {
        self.finish_warm_up();
        let byte = cursor_to_byte(code, cursor);
        for point in cell::inspection_points(code, byte) {
            match self.ctx.hover_at(code, point) {
                Ok((plain, html)) if !plain.is_empty() && plain != "No documentation found" => {
                    return InspectResult { found: true, plain, html };
                }
                Ok(_) => {}
                Err(error) => tracing::debug!("inspection failed: {error}"),
            }
        }
        InspectResult::default()
    }
}

/// The code that starts the agent in the process that runs cells, with what every cell imports:
/// `input` and `clear_output` as in IPython, and the trait that shows values.
fn agent_start_code(display: &DisplaySettings) -> String {
    format!(
        "use threading::agent::{{clear_output, input}};\n{}\nthreading::agent::start();",
        display.import()
    )
}

/// Whether `code` contains `name` as a whole identifier.
fn names(code: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(name).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + name.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

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
            super::interrupt::GRACE.as_secs_f64()
        ));
        CellError::new("KeyboardInterrupt", "the cell was stopped by restarting its process", &details)
    } else {
        details.push("Variables defined before this cell are kept.".to_owned());
        CellError::new("KeyboardInterrupt", "the cell was interrupted", &details)
    }
}

/// Outputs of evcxr `:commands` (`:vars`, `:help`, timings).
fn command_outputs(outputs: &EvalOutputs) -> Vec<(String, Value)> {
    let mut extra = Vec::new();
    if !outputs.content_by_mime_type.is_empty() {
        let data: serde_json::Map<String, Value> = outputs
            .content_by_mime_type
            .iter()
            .map(|(mime, text)| (mime.clone(), Value::String(text.clone())))
            .collect();
        extra.push(("display_data".to_owned(), json!({ "data": data, "metadata": {}, "transient": {} })));
    }
    if let Some(note) = dropped_note(&outputs.dropped_variables) {
        extra.push(("stream".to_owned(), json!({ "name": "stdout", "text": note })));
    }
    if let Some(timing) = outputs.timing {
        extra.push((
            "stream".to_owned(),
            json!({ "name": "stdout", "text": format!("Took {}ms\n", timing.as_millis()) }),
        ));
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
        json!({ "prompt": prompt, "password": password }),
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

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn a_crate_is_named_only_as_a_whole_identifier() {
        assert!(names("use threadlab_grader::check;", "threadlab_grader"));
        assert!(names("threadlab_grader::check!(x)", "threadlab_grader"));
        assert!(!names("let my_threadlab_grader_notes = 1;", "threadlab_grader"));
        assert!(!names("threadlab_graders", "threadlab_grader"));
    }
}
