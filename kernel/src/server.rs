//! The kernel's loops: shell (one request at a time, cells in order), control (interrupts,
//! shutdown, kernel info — answered even while a cell runs) and stdin (input replies).
//!
//! Every request is wrapped in `busy` / `idle` on iopub. Unknown requests get an error reply;
//! nothing a client sends can stop a loop.

use crate::environment::Environment;
use crate::error::KernelError;
use crate::evaluation::Payload;
use crate::evaluation::agent::AgentLink;
use crate::evaluation::interrupt::{GRACE, Interrupter};
use crate::evaluation::{self, Evaluator, ExecuteJob, Job, output};
use crate::protocol::history::History;
use crate::protocol::is_complete::{Completeness, is_complete};
use crate::protocol::{self, Request, Session, error_content, outputs};
use crate::transport::wire::Message;
use crate::transport::{self, Channels, Outbox};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Runs the kernel for the connection file at `connection_file` until it is shut down.
pub fn run(connection_file: &Path) -> Result<(), KernelError> {
    let info = transport::read_connection_file(connection_file)?;
    let environment = Environment::prepare()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| KernelError::Engine(e.to_string()))?;
    runtime.block_on(serve(&info, &environment))
}

/// Builds the bundled crates into a work folder once (what a fresh kernel's first cell would
/// otherwise wait for), for both cells and program cells; prints how long it took.
pub fn prebuild() -> Result<(), KernelError> {
    let started = std::time::Instant::now();
    let environment = Environment::prepare()?;
    let session = Session::new();
    // Nobody listens: outputs of the start-up cells go nowhere.
    let (iopub, _unread) = mpsc::unbounded_channel();
    let (stdin_out, _unsent) = mpsc::unbounded_channel();
    let (_no_input, input_replies) = crossbeam_channel::unbounded();
    let (ready, _) = tokio::sync::watch::channel(false);
    let (setup, _) = evaluation_setup(
        &environment,
        &session,
        Outbox::from_sender(iopub),
        Outbox::from_sender(stdin_out),
        input_replies,
        ready,
    )?;
    evaluation::prebuild(setup).map_err(KernelError::Engine)?;
    // A second kernel running at the same time (two notebooks) gets its own folder: ready it too.
    environment.mark_built_and_seed(2);
    println!(
        "Prebuilt the bundled crates in {} in {:.1} s",
        environment.work_path().display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Starts the router, the side-channel and agent listeners, and returns the engine's set-up.
fn evaluation_setup(
    environment: &Environment,
    session: &Session,
    iopub: Outbox,
    stdin_out: Outbox,
    input_replies: crossbeam_channel::Receiver<String>,
    ready: tokio::sync::watch::Sender<bool>,
) -> Result<(evaluation::Setup, Arc<Interrupter>), KernelError> {
    let router = output::start_router(session.clone(), iopub);
    let output_socket = environment.output_socket();
    output::listen(&output_socket, router.clone()).map_err(|e| KernelError::io(&output_socket, e))?;
    let agent_socket = environment.agent_socket();
    let agent = AgentLink::listen(&agent_socket).map_err(|e| KernelError::io(&agent_socket, e))?;
    let interrupter = Interrupter::new(Arc::clone(&agent), GRACE);
    let setup = evaluation::Setup {
        bundle: environment.bundle().clone(),
        router,
        agent,
        interrupter: Arc::clone(&interrupter),
        stdin_out,
        input_replies,
        session: session.clone(),
        work: environment.work_path().to_path_buf(),
        evcxr_config: environment.evcxr_config().clone(),
        ready,
    };
    Ok((setup, interrupter))
}

/// State shared by the loops.
struct Kernel {
    session: Session,
    iopub: Outbox,
    evaluator: Evaluator,
    interrupter: Arc<Interrupter>,
    rustc_version: String,
    shutdown: mpsc::UnboundedSender<bool>,
    /// Whether the engine has started (evcxr up, bundled crates loaded).
    ready: tokio::sync::watch::Receiver<bool>,
}

async fn serve(
    info: &jupyter_protocol::ConnectionInfo,
    environment: &Environment,
) -> Result<(), KernelError> {
    let Channels { mut shell_in, shell_out, mut control_in, control_out, mut stdin_in, stdin_out, iopub } =
        transport::bind(info).await?;
    let session = Session::new();
    iopub.send(session.status("starting", None));

    let (input_tx, input_rx) = crossbeam_channel::unbounded();
    tokio::spawn(async move {
        while let Some(message) = stdin_in.recv().await {
            if let Request::InputReply(reply) = protocol::decode(&message) {
                let _ = input_tx.send(reply.value);
            }
        }
    });
    let (ready_tx, ready) = tokio::sync::watch::channel(false);
    let (setup, interrupter) =
        evaluation_setup(environment, &session, iopub.clone(), stdin_out, input_rx, ready_tx)?;
    let evaluator = Evaluator::start(setup);
    let (shutdown_tx, mut shutdown_rx) = mpsc::unbounded_channel::<bool>();
    let kernel = Arc::new(Kernel {
        session,
        iopub,
        evaluator,
        interrupter,
        rustc_version: environment.rustc_version().to_owned(),
        shutdown: shutdown_tx,
        ready,
    });

    let control = Arc::clone(&kernel);
    tokio::spawn(async move {
        while let Some(message) = control_in.recv().await {
            control.handle_control(message, &control_out);
        }
    });

    let signals = Arc::clone(&kernel);
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut interrupt), Ok(mut terminate)) =
            (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
        else {
            return;
        };
        loop {
            tokio::select! {
                _ = interrupt.recv() => signals.interrupter.interrupt(),
                _ = terminate.recv() => { let _ = signals.shutdown.send(false); }
            }
        }
    });

    let shell = Arc::clone(&kernel);
    tokio::spawn(async move {
        let mut state = ShellState::default();
        let mut backlog = std::collections::VecDeque::new();
        loop {
            let message = match backlog.pop_front() {
                Some(message) => message,
                None => match shell_in.recv().await {
                    Some(message) => message,
                    None => return,
                },
            };
            let failed = shell.handle_shell(message, &shell_out, &mut state).await;
            if let Some(true) = failed {
                // stop_on_error: abort the cells already queued behind the failed one.
                while let Ok(queued) = shell_in.try_recv() {
                    if queued.msg_type() == "execute_request" {
                        shell.abort(&queued, &shell_out, &state);
                    } else {
                        backlog.push_back(queued);
                    }
                }
            }
        }
    });

    let _restart = shutdown_rx.recv().await;
    // Let the writers send the shutdown reply and the last status.
    tokio::time::sleep(Duration::from_millis(100)).await;
    kernel.interrupter.kill_process();
    Ok(())
}

/// How long `kernel_info` on shell waits for the engine to start.
const ENGINE_START_WAIT: Duration = Duration::from_secs(60);

#[derive(Default)]
struct ShellState {
    count: usize,
    history: History,
}

impl Kernel {
    fn busy(&self, request: &Message) {
        self.iopub.send(self.session.status("busy", Some(request)));
    }

    fn idle(&self, request: &Message) {
        self.iopub.send(self.session.status("idle", Some(request)));
    }

    /// Handles one shell request; for a cell, returns whether it failed with `stop_on_error`.
    async fn handle_shell(&self, request: Message, out: &Outbox, state: &mut ShellState) -> Option<bool> {
        self.busy(&request);
        let mut failed = None;
        let reply = match protocol::decode(&request) {
            Request::Execute(execute) => {
                let store = execute.store_history && !execute.silent;
                if store {
                    state.count += 1;
                }
                let count = state.count.max(1);
                if !execute.silent {
                    let content = json!({ "code": execute.code, "execution_count": count });
                    self.iopub.send(self.session.broadcast("execute_input", content, Some(&request)));
                }
                let (tx, rx) = oneshot::channel();
                self.evaluator.submit(Job::Execute(Box::new(ExecuteJob {
                    request: request.clone(),
                    code: execute.code.clone(),
                    silent: execute.silent,
                    allow_stdin: execute.allow_stdin,
                    count,
                    user_expressions: {
                        let mut expressions: Vec<_> =
                            execute.user_expressions.clone().unwrap_or_default().into_iter().collect();
                        expressions.sort();
                        expressions
                    },
                    reply: tx,
                })));
                let outcome = rx.await.unwrap_or_default();
                if store {
                    state.history.record(count, &execute.code, outcome.result_text.clone());
                }
                failed = Some(outcome.error.is_some() && execute.stop_on_error);
                match outcome.error {
                    None => {
                        let payload: Vec<Value> = outcome
                            .payload
                            .iter()
                            .map(|payload| match payload {
                                Payload::Page { plain, html } => outputs::page(plain, html),
                            })
                            .collect();
                        let user_expressions: serde_json::Map<String, Value> = outcome
                            .user_expressions
                            .iter()
                            .map(|(name, result)| (name.clone(), outputs::user_expression(result)))
                            .collect();
                        json!({
                            "status": "ok",
                            "execution_count": count,
                            "payload": payload,
                            "user_expressions": user_expressions,
                        })
                    }
                    Some(error) => {
                        let mut content = outputs::error(&error);
                        content["execution_count"] = json!(count);
                        content["payload"] = json!([]);
                        content["user_expressions"] = json!({});
                        content
                    }
                }
            }
            Request::Complete(complete) => {
                let (tx, rx) = oneshot::channel();
                self.evaluator.submit(Job::Complete {
                    code: complete.code,
                    cursor: complete.cursor_pos,
                    reply: tx,
                });
                let result = rx.await.unwrap_or_default();
                // IPython's completion types, which JupyterLab shows beside each match.
                let types: Vec<Value> = result
                    .matches
                    .iter()
                    .map(|m| {
                        json!({
                            "start": result.cursor_start,
                            "end": result.cursor_end,
                            "text": m.text,
                            "type": m.kind,
                            "signature": m.signature,
                        })
                    })
                    .collect();
                let matches: Vec<&str> = result.matches.iter().map(|m| m.text.as_str()).collect();
                json!({
                    "status": "ok",
                    "matches": matches,
                    "cursor_start": result.cursor_start,
                    "cursor_end": result.cursor_end,
                    "metadata": { "_jupyter_types_experimental": types },
                })
            }
            Request::Inspect(inspect) => {
                let (tx, rx) = oneshot::channel();
                self.evaluator.submit(Job::Inspect {
                    code: inspect.code,
                    cursor: inspect.cursor_pos,
                    reply: tx,
                });
                let result = rx.await.unwrap_or_default();
                let data = if result.found {
                    json!({ "text/plain": result.plain, "text/html": result.html })
                } else {
                    json!({})
                };
                json!({ "status": "ok", "found": result.found, "data": data, "metadata": {} })
            }
            Request::IsComplete(check) => match is_complete(&check.code) {
                Completeness::Complete => json!({ "status": "complete" }),
                Completeness::Incomplete(indent) => json!({ "status": "incomplete", "indent": indent }),
                Completeness::Invalid => json!({ "status": "invalid" }),
            },
            Request::History(Ok((query, output))) => {
                json!({ "status": "ok", "history": state.history.answer(&query, output) })
            }
            Request::History(Err(message)) => error_content("ValueError", &message, &[]),
            Request::KernelInfo => {
                // On shell, "ready" means ready to run cells: wait (bounded) for the engine.
                let mut ready = self.ready.clone();
                let _ = tokio::time::timeout(ENGINE_START_WAIT, ready.wait_for(|ready| *ready)).await;
                protocol::kernel_info(&self.rustc_version)
            }
            other => self.common(&request, other),
        };
        if let Some(reply) = reply_value(reply) {
            out.send(self.session.reply(&request, reply));
        }
        self.idle(&request);
        failed
    }

    /// Replies `aborted` to a cell queued behind a failed one.
    fn abort(&self, request: &Message, out: &Outbox, state: &ShellState) {
        self.busy(request);
        let content = json!({ "status": "aborted", "execution_count": state.count.max(1) });
        out.send(self.session.reply(request, content));
        self.idle(request);
    }

    fn handle_control(&self, request: Message, out: &Outbox) {
        self.busy(&request);
        let reply = match protocol::decode(&request) {
            Request::Interrupt => {
                self.interrupter.interrupt();
                json!({ "status": "ok" })
            }
            other => self.common(&request, other),
        };
        if let Some(reply) = reply_value(reply) {
            out.send(self.session.reply(&request, reply));
        }
        self.idle(&request);
    }

    /// Requests answered the same way on shell and control.
    fn common(&self, request: &Message, decoded: Request) -> Value {
        match decoded {
            Request::KernelInfo => protocol::kernel_info(&self.rustc_version),
            Request::CommInfo(_) => json!({ "status": "ok", "comms": {} }),
            Request::CommOpen { comm_id } => {
                // No comm targets: close it, as ipykernel does for unknown targets.
                let close = json!({ "comm_id": comm_id, "data": {} });
                self.iopub.send(self.session.broadcast("comm_close", close, Some(request)));
                Value::Null
            }
            Request::CommOther | Request::InputReply(_) => Value::Null,
            Request::Shutdown(shutdown) => {
                let _ = self.shutdown.send(shutdown.restart);
                json!({ "status": "ok", "restart": shutdown.restart })
            }
            Request::Interrupt => {
                self.interrupter.interrupt();
                json!({ "status": "ok" })
            }
            Request::Malformed(message) => {
                tracing::warn!("malformed {}: {message}", request.msg_type());
                error_content("ValueError", &format!("malformed {}: {message}", request.msg_type()), &[])
            }
            Request::Unknown
            | Request::Execute(_)
            | Request::Complete(_)
            | Request::Inspect(_)
            | Request::IsComplete(_)
            | Request::History(_) => {
                tracing::warn!("unsupported request {} on this channel", request.msg_type());
                error_content(
                    "NotImplementedError",
                    &format!("the threadlab kernel does not handle {} here", request.msg_type()),
                    &[],
                )
            }
        }
    }
}

/// `Null` means "no reply" (comm messages).
fn reply_value(value: Value) -> Option<Value> {
    (!value.is_null()).then_some(value)
}
