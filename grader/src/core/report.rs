//! The grader's answer: one [`Report`] per submission, as readable text or as JSON.

use crate::core::events::EventLog;
use crate::core::judge::{Failure, Verdict};
use crate::core::plan::Mode;
use crate::core::timeline;
use serde::{Deserialize, Serialize};
use std::fmt::{self, Write as _};

/// A compiler message or a rejection, placed on the learner's own lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// `line 12`, `cell 3, line 2`, or `None` when it has no place.
    pub location: Option<String>,
    /// The line number in the learner's source (1-based), when known.
    pub line: Option<usize>,
    /// The message.
    pub message: String,
    /// The full text (rustc's rendering), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rendered: Option<String>,
}

/// How long each stage took.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    /// Loading and the forbidden-code check.
    pub check_ms: u64,
    /// Compiling (0 when the binary came from the cache).
    pub build_ms: u64,
    /// Whether the binary came from the cache.
    pub build_cached: bool,
    /// Running and judging.
    pub run_ms: u64,
}

/// The verdict on one submission and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The verdict.
    pub verdict: Verdict,
    /// The exercise id.
    pub exercise: String,
    /// The submission (file name), when graded from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submission: Option<String>,
    /// The seed of the plan.
    pub seed: u64,
    /// The scheduling mode used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    /// Runs made.
    pub runs: usize,
    /// Runs planned.
    pub planned_runs: usize,
    /// Wall-clock time to the verdict, all stages.
    pub duration_ms: u64,
    /// For a failing run: what, where, how to replay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    /// Compiler errors, rejections, crash details.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub diagnostics: Vec<Diagnostic>,
    /// Remarks (mode chosen and why, ignored `fn main`, sandbox notes).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<String>,
    /// Stage timings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timings: Option<Timings>,
    /// For a failing controlled run: what each thread did, step by step (what its timeline
    /// is drawn from; see [`timeline`](crate::core::timeline)).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub events: Option<EventLog>,
}

impl Report {
    /// A report with a verdict and nothing else yet.
    pub fn new(verdict: Verdict, exercise: &str, seed: u64) -> Report {
        Report {
            verdict,
            exercise: exercise.to_string(),
            submission: None,
            seed,
            mode: None,
            runs: 0,
            planned_runs: 0,
            duration_ms: 0,
            failure: None,
            diagnostics: Vec::new(),
            notes: Vec::new(),
            timings: None,
            events: None,
        }
    }

    /// The process exit status for this verdict: 0 only for a pass.
    pub fn exit_code(&self) -> i32 {
        if self.verdict == Verdict::Pass { 0 } else { 1 }
    }

    /// Rewrites every `file:LINE:COL` of the learner's file into the learner's own place
    /// (`label(LINE)`, e.g. `line 12` or `cell 3, line 2`).
    pub fn relabel_locations(&mut self, file: &str, label: &dyn Fn(usize) -> Option<String>) {
        let fix = |text: &mut String| *text = relabel(text, file, label);
        if let Some(failure) = &mut self.failure {
            fix(&mut failure.message);
            if let Some(location) = &mut failure.location {
                fix(location);
            }
            for thread in &mut failure.threads {
                fix(&mut thread.state);
            }
        }
        if let Some(events) = &mut self.events {
            for object in &mut events.objects {
                fix(&mut object.site);
            }
        }
    }

    /// Whether the verdict is a pass.
    pub fn passed(&self) -> bool {
        self.verdict == Verdict::Pass
    }

    /// Hands the report back if it passed, and panics with its headline otherwise: what a
    /// graded notebook cell (see [`grade!`](crate::grade!)) needs, since a grading tool scores
    /// a cell by whether it ended in an error, not by what it printed.
    ///
    /// # Panics
    /// If the verdict is not a pass.
    #[track_caller]
    pub fn expect_pass(self) -> Report {
        if !self.passed() {
            let text = self.to_string();
            let headline = text.lines().next().unwrap_or("the check failed");
            panic!("{headline}");
        }
        self
    }

    /// The report as one JSON object.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

/// Replaces `file:LINE:COL` (and `file:LINE`) in `text` by `label(LINE)`.
///
/// ```
/// let label = |line: usize| Some(format!("line {line}"));
/// let text = threadlab_grader::core::report::relabel("created at submission.rs:7:20, see", "submission.rs", &label);
/// assert_eq!(text, "created at line 7, see");
/// ```
pub fn relabel(text: &str, file: &str, label: &dyn Fn(usize) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(file) {
        out.push_str(&rest[..at]);
        let after = &rest[at + file.len()..];
        let digits = |s: &str| {
            s.strip_prefix(':').map(|s| s.chars().take_while(char::is_ascii_digit).collect::<String>())
        };
        match digits(after).filter(|d| !d.is_empty()) {
            Some(line_text) => {
                let mut consumed = 1 + line_text.len();
                if let Some(col) = digits(&after[consumed..]).filter(|d| !d.is_empty()) {
                    consumed += 1 + col.len();
                }
                let line: usize = line_text.parse().unwrap_or(0);
                match label(line) {
                    Some(l) => out.push_str(&l),
                    None => out.push_str(&rest[at..at + file.len() + consumed]),
                }
                rest = &after[consumed..];
            }
            None => {
                out.push_str(file);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// At most `max` characters of `text`, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}… ({} characters in all)", text.chars().count())
    }
}

fn write_failure(
    f: &mut fmt::Formatter<'_>,
    failure: &Failure,
    exercise: &str,
    submission: Option<&str>,
) -> fmt::Result {
    writeln!(f, "  {}", failure.message)?;
    writeln!(f, "  n = {}, threads started in the order: {}", failure.n, failure.start_order.join(", "))?;
    if let Some(location) = &failure.location {
        writeln!(f, "  at: {location}")?;
    }
    if failure.verdict != crate::Verdict::Panic || !failure.got.is_empty() {
        writeln!(f, "  expected: {}", clip(&failure.expected, 160))?;
        writeln!(f, "  got:      {}", clip(&failure.got, 160))?;
    }
    if let Some(d) = &failure.divergence {
        let want = d.expected.as_deref().unwrap_or("nothing more");
        match (&d.got, &d.method) {
            // A wrong thread, or a rule broken (nothing else was due there).
            (Some(got), Some(method)) if failure.verdict == Verdict::WrongThread || d.expected.is_none() => {
                writeln!(f, "  first problem at token {}: {got}, printed by {method}()", d.index + 1)?
            }
            (Some(got), Some(method)) => writeln!(
                f,
                "  first difference at token {}: expected {want}, got {got} from {method}()",
                d.index + 1
            )?,
            _ => writeln!(f, "  stopped at token {}: expected {want}, got nothing", d.index + 1)?,
        }
    }
    let mut by_method = String::new();
    for m in &failure.by_method {
        let printed =
            if m.printed.is_empty() { "(nothing)".to_string() } else { clip(&m.printed.join(" "), 60) };
        let _ = write!(by_method, "{}{}: {printed}", if by_method.is_empty() { "" } else { "; " }, m.method);
    }
    writeln!(f, "  printed by method: {by_method}")?;
    if !failure.threads.is_empty() {
        writeln!(f, "  threads:")?;
        for t in &failure.threads {
            let who = if t.harness { format!("{} (the grader's thread)", t.name) } else { t.name.clone() };
            writeln!(f, "    {who}: {}", t.state)?;
        }
    }
    let found = match failure.mode {
        Mode::Controlled => {
            "controlled scheduling (one thread at a time, every `std` and `threading` operation a point)"
        }
        Mode::Chaos => "OS chaos (real threads with injected delays)",
        Mode::Naive => "real threads, nothing injected",
    };
    writeln!(f, "  found by: {found}")?;
    if let Some(note) = &failure.note {
        writeln!(f, "  note: {note}")?;
    }
    match submission {
        Some(path) => writeln!(
            f,
            "  replay: threadlab-grader replay {} {path} --schedule {}",
            crate::core::exercise::command_line(exercise),
            failure.replay
        ),
        None => writeln!(f, "  replay string: {}", failure.replay),
    }
}

impl fmt::Display for Report {
    /// The human report, e.g.
    /// `zero-even-odd: FAIL (deadlock) after 37 of 602 runs in 1.2 s [controlled, seed 42]`,
    /// with the failing run's timeline as a text table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_text(f, true)
    }
}

/// The report's text without the timeline table (see [`Report::summary`]).
#[derive(Debug)]
pub struct Summary<'a>(&'a Report);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write_text(f, false)
    }
}

impl Report {
    /// The text report without the timeline table: for a notebook, which draws the timeline
    /// as a picture under it.
    pub fn summary(&self) -> Summary<'_> {
        Summary(self)
    }

    fn write_text(&self, f: &mut fmt::Formatter<'_>, with_timeline: bool) -> fmt::Result {
        let who = self.submission.as_deref().map(|s| format!("{s} ")).unwrap_or_default();
        let status = if self.verdict == Verdict::Pass {
            "PASS".to_string()
        } else {
            format!("FAIL ({})", self.verdict)
        };
        let mode = self.mode.map(|m| format!("{} scheduling, ", m.name())).unwrap_or_default();
        let runs = match (self.verdict, self.runs) {
            (_, 0) => String::new(),
            (Verdict::Pass, runs) => format!(" after {runs} runs"),
            (_, runs) => format!(" at run {runs} of {}", self.planned_runs),
        };
        writeln!(
            f,
            "{who}[{}] {status}{runs} in {:.2} s [{mode}seed {}]",
            self.exercise,
            self.duration_ms as f64 / 1000.0,
            self.seed
        )?;
        if let Some(failure) = &self.failure {
            write_failure(f, failure, &self.exercise, self.submission.as_deref())?;
        }
        if with_timeline && let Some(timeline) = timeline::from_run::of_report(self) {
            writeln!(f, "  timeline (a column per thread, a row per step):")?;
            for line in timeline::text::render(&timeline, timeline::text::REPORT_BUDGET, false).lines() {
                writeln!(f, "    {line}")?;
            }
        }
        for d in &self.diagnostics {
            match (&d.rendered, &d.location) {
                (Some(rendered), _) => writeln!(f, "{}", rendered.trim_end())?,
                (None, Some(location)) => writeln!(f, "  {location}: {}", d.message)?,
                (None, None) => writeln!(f, "  {}", d.message)?,
            }
        }
        for note in &self.notes {
            writeln!(f, "  note: {note}")?;
        }
        Ok(())
    }
}
