//! The bundled crates in the session: whether they are evcxr dependencies, loading them (again),
//! and the code that starts the `threading` agent in the process that runs cells.

use super::Engine;
use crate::evaluation::display::DisplaySettings;
use std::time::{Duration, Instant};

/// Names that need the bundled crates: the crate, and the helpers imported into every cell.
const BUNDLE_NAMES: &[&str] = &["threading", "input", "clear_output"];

/// Where the bundled crates stand in this session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum BundleState {
    /// They are evcxr dependencies and the agent runs (they stay across restarts of the process
    /// that runs cells).
    Loaded,
    /// They are not, since `:clear` dropped evcxr's dependencies; loaded again when idle or when
    /// a cell names them. `ever_loaded`: their dependencies were resolved in this session.
    Unloaded {
        /// Whether they were loaded before in this session.
        ever_loaded: bool,
    },
    /// Loading them failed (a cell that names them tries again).
    Failed {
        /// Why.
        reason: String,
        /// Whether they were loaded before in this session.
        ever_loaded: bool,
    },
}

impl BundleState {
    /// Whether the bundled crates are evcxr dependencies now.
    pub(super) fn is_loaded(&self) -> bool {
        *self == BundleState::Loaded
    }

    /// Whether they were loaded at some point of the session (so their dependencies resolve).
    fn ever_loaded(&self) -> bool {
        match self {
            BundleState::Loaded => true,
            BundleState::Unloaded { ever_loaded } | BundleState::Failed { ever_loaded, .. } => *ever_loaded,
        }
    }

    /// After `:clear`, which drops evcxr's dependencies.
    pub(super) fn cleared(&self) -> BundleState {
        match self {
            BundleState::Loaded => BundleState::Unloaded { ever_loaded: true },
            other => other.clone(),
        }
    }
}

impl Engine {
    /// Records that the bundled crates are built and waits for the agent they started.
    pub(super) fn bundle_ready(&self) {
        crate::workdir::mark_built(&self.setup.work, self.setup.bundle.hash());
        if !self.setup.agent.wait_connected(self.pid, Duration::from_secs(2)) {
            tracing::warn!("the threading agent did not connect");
        }
    }

    /// Makes the bundled crates evcxr dependencies (if they are not) and starts the agent in
    /// the process that runs cells.
    pub(super) fn bootstrap(&mut self) {
        let started = Instant::now();
        let start = agent_start_code(&self.display);
        let start = start.as_str();
        let ever_loaded = self.bundle.ever_loaded();
        let was_loaded = self.bundle.is_loaded();
        let result = if was_loaded {
            self.ctx.execute(start)
        } else {
            let deps = self.setup.bundle.dep_commands();
            if ever_loaded {
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
                self.bundle = BundleState::Loaded;
                self.bundle_ready();
                tracing::info!("bundled crates loaded in {:?}", started.elapsed());
            }
            Err(error) => {
                let panic = self.setup.router.flags().panic;
                let reason = match panic {
                    Some((message, location)) => {
                        format!(
                            "could not load the bundled crates: {error} (panicked at {location}: {message})"
                        )
                    }
                    None => format!("could not load the bundled crates: {error}"),
                };
                tracing::error!("{reason}");
                // Still evcxr's dependencies if they were: only the agent did not start.
                if !was_loaded {
                    self.bundle = BundleState::Failed { reason, ever_loaded };
                }
            }
        }
    }

    /// Loads the bundled crates now if `code` names them and they are not loaded yet.
    pub(super) fn load_bundle_if_named(&mut self, code: &str) {
        if !self.bundle.is_loaded() && BUNDLE_NAMES.iter().any(|name| names(code, name)) {
            self.bootstrap();
        }
    }
}

/// The code that starts the agent in the process that runs cells, with what every cell imports:
/// `input` and `clear_output` as in IPython, and the trait that shows values.
pub(super) fn agent_start_code(display: &DisplaySettings) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_is_named_only_as_a_whole_identifier() {
        assert!(names("use threading::Lock;", "threading"));
        assert!(names("threading::Thread::new(f)", "threading"));
        assert!(!names("let my_threading_notes = 1;", "threading"));
        assert!(!names("multithreading", "threading"));
    }

    #[test]
    fn clear_keeps_what_the_session_learnt() {
        assert_eq!(BundleState::Loaded.cleared(), BundleState::Unloaded { ever_loaded: true });
        let failed = BundleState::Failed { reason: "no".into(), ever_loaded: false };
        assert_eq!(failed.cleared(), failed);
        assert!(BundleState::Unloaded { ever_loaded: true }.ever_loaded());
        assert!(!failed.ever_loaded());
    }
}
