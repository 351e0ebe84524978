//! The evaluation thread: owns evcxr's `CommandContext` and runs one job at a time.
//!
//! `mod.rs` starts evcxr and runs the job loop (and the work done while idle); the bundled
//! crates' state lives in `bundle.rs`, running cells in `execute.rs`, and rust-analyzer's
//! warm-up, completions and inspections in `analysis.rs`.

mod analysis;
mod bundle;
mod execute;

use super::agent::AgentLink;
use super::diagnostics::CellError;
use super::display::DisplaySettings;
use super::frames::{Frame, Stream};
use super::interrupt::Interrupter;
use super::output::{Event, RouterHandle};
use super::program;
use super::{CompleteResult, ExecuteOutcome, InspectResult, Job};
use crate::bundle::Bundle;
use crate::transport::Outbox;
use bundle::BundleState;
use crossbeam_channel::Receiver;
use evcxr::CommandContext;
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
    /// The process that runs cells (a new one after a restart).
    pid: u32,
    next_cell: u64,
    next_sync: u64,
    /// Where the bundled crates stand.
    bundle: BundleState,
    /// evcxr's display settings, which decide the display trait cells import.
    display: DisplaySettings,
    /// Whether rust-analyzer has analysed cell code in this session (see `analysis.rs`).
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
    if !engine.bundle.is_loaded() {
        engine.bootstrap();
    }
    if let BundleState::Failed { reason, .. } = &engine.bundle {
        return Err(reason.clone());
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
        let deps = setup.bundle.deps();
        let deps: Vec<(&str, &str)> = deps.iter().map(|(name, config)| (*name, config.as_str())).collect();
        let start_code = bundle::agent_start_code(&display);
        // Offline first: the work folder's lock file pins the bundled crates' dependencies, and
        // cargo's local index resolves whatever it lacks without the network.
        let with_bundle = |offline: bool| {
            setup.evcxr_config.write(offline).map_err(|e| e.to_string())?;
            CommandContext::with_start(&deps, &start_code).map_err(|e| e.to_string())
        };
        let started_with_bundle = with_bundle(true).or_else(|offline_error| {
            tracing::info!("offline start failed ({offline_error}); trying online");
            with_bundle(false)
        });
        let (mut ctx, outputs, bundle) = match started_with_bundle {
            Ok((ctx, outputs)) => (ctx, outputs, BundleState::Loaded),
            Err(error) => {
                let reason = format!("could not load the bundled crates: {error}");
                tracing::error!("{reason}");
                let plain = setup.evcxr_config.write(false).map_err(|e| e.to_string()).and_then(|()| {
                    CommandContext::new().map_err(|error| {
                        format!("the Rust evaluation engine (evcxr) could not start: {error}")
                    })
                });
                match plain {
                    Ok((ctx, outputs)) => (ctx, outputs, BundleState::Failed { reason, ever_loaded: false }),
                    Err(message) => return Err(Box::new((setup, message))),
                }
            }
        };
        if bundle.is_loaded()
            && let Err(error) = ctx.execute(":offline 0")
        {
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
        let loaded = bundle.is_loaded();
        let engine = Engine {
            setup,
            ctx,
            pid,
            next_cell: 0,
            next_sync: 0,
            bundle,
            display,
            analyzer_warm: false,
            warming: None,
        };
        if loaded {
            engine.bundle_ready();
        }
        tracing::info!("evcxr started in {:?} (bundled crates: {loaded})", started.elapsed());
        Ok(engine)
    }

    /// What to do when the kernel is idle, if anything.
    fn idle_work(&self) -> Option<IdleWork> {
        if matches!(self.bundle, BundleState::Unloaded { .. }) {
            Some(IdleWork::LoadBundle)
        } else if !self.analyzer_warm {
            Some(IdleWork::WarmAnalyzer)
        } else {
            None
        }
    }

    /// The process that runs cells now.
    fn child_pid(&self) -> u32 {
        self.ctx.process_handle().lock().unwrap_or_else(|e| e.into_inner()).id()
    }
}
