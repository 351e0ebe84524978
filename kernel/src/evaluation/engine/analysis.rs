//! rust-analyzer in the session: its warm-up while the kernel is idle, completions and
//! inspections. Cells never ask it (evcxr learns their variables' types from rustc); only these
//! requests do, and they wait for the warm-up rather than cancel it.

use super::Engine;
use crate::evaluation::cell;
use crate::evaluation::{CompleteResult, CompletionMatch, InspectResult};
use crate::protocol::{byte_to_cursor, cursor_to_byte};
use std::time::Instant;

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

impl Engine {
    /// Has rust-analyzer analyse [`ANALYZER_WARM_UP`] (and [`ANALYZER_WARM_UP_THREADING`]) in
    /// the background.
    pub(super) fn warm_analyzer(&mut self) {
        let code = if self.bundle.is_loaded() {
            format!("{ANALYZER_WARM_UP}{ANALYZER_WARM_UP_THREADING}")
        } else {
            ANALYZER_WARM_UP.to_owned()
        };
        // On a thread of rust-analyzer's own, so that cells run meanwhile (see `finish_warm_up`
        // for the requests that ask it).
        match self.ctx.analyse_in_background(&code) {
            Ok(analysis) => {
                tracing::info!("rust-analyzer's warm-up started");
                self.warming = Some(analysis);
            }
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

    /// rust-analyzer's completions at `cursor` (code points).
    pub(super) fn complete(&mut self, code: &str, cursor: usize) -> CompleteResult {
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

    /// rust-analyzer's documentation of what is at `cursor` (code points), trying the points
    /// `cell::inspection_points` lists.
    pub(super) fn inspect(&mut self, code: &str, cursor: usize) -> InspectResult {
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
