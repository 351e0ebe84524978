//! The timeline as plain text, for terminals and the text report: a table with one column per
//! thread and one row per step, as Lincheck prints a failing run. A step that blocks says
//! `(blocks)` and its thread shows `┆` in the rows it sat out, a preemption ends its step with `⇢ switch`, the first wrong token
//! is flagged with what was expected, and long stretches fold into one `… N steps …` row.

use super::fold::{Column, columns};
use super::{StepKind, Timeline};
use std::fmt::Write as _;

/// Rows the text report shows at most (folds come on top).
pub const REPORT_BUDGET: usize = 16;
/// The widest a step's name gets in its thread's column (its marks come on top).
const CELL: usize = 28;

/// What one step says in its thread's column.
fn cell(timeline: &Timeline, step: usize) -> String {
    let s = &timeline.steps[step];
    let mut text = s.label.clone();
    if let Some(object) = &s.object {
        let _ = write!(text, " {object}");
    }
    // The marks that follow are never cut off: only the name of the step is.
    let mut text = clip(&text, CELL);
    if let StepKind::WrongPrint { why } = &s.kind {
        let _ = write!(text, " ✗ {why}");
    }
    let blocks = timeline.blocked.iter().find(|b| b.from == step && b.lane == s.lane);
    if let Some(span) = blocks {
        text.push_str(" (blocks)");
        if span.preempted_to.is_some() && span.until == Some(step + 1) {
            text.push_str(" ⇢ switch"); // resumed at once, then switched away
        }
    }
    if s.preempted_to.is_some() {
        text.push_str(" ⇢ switch");
    }
    text
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

fn pad(text: &str, width: usize) -> String {
    let len = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(len)))
}

/// Renders `timeline` as a table of at most about `budget` step rows; `summary` adds the
/// title, the final wait-for picture and the notes (the text report has its own).
///
/// ```
/// use threading::schedule::Operation;
/// use threading::timeline::{text, Lane, Step, StepKind, Timeline};
/// let step = |lane, op: Operation| Step { lane, label: op.to_string(), object: None, detail: None, kind: StepKind::Op(op), preempted_to: None };
/// let timeline = Timeline {
///     lanes: vec![Lane { name: "foo".into(), harness: false }, Lane { name: "bar".into(), harness: false }],
///     steps: vec![step(0, Operation::LockAcquire), step(1, Operation::LockAcquire)],
///     ..Timeline::default()
/// };
/// let table = text::render(&timeline, 10, false);
/// assert_eq!(table.lines().nth(2).unwrap().trim_end(), "   1 | Lock.acquire |");
/// assert_eq!(table.lines().nth(3).unwrap().trim_end(), "   2 |              | Lock.acquire");
/// ```
pub fn render(timeline: &Timeline, budget: usize, summary: bool) -> String {
    let shown = columns(timeline, budget);
    let lanes = timeline.lanes.len();
    // A step row has a cell per thread; a fold row is one line across.
    let rows: Vec<(String, Result<Vec<String>, String>)> = shown
        .iter()
        .map(|column| match *column {
            Column::Step(s) => {
                let mut cells = vec![String::new(); lanes];
                for b in timeline.blocked_at(s) {
                    // Its last blocked row says if it was switched away from once it resumed.
                    let switched = b.preempted_to.is_some() && b.until == Some(s + 1);
                    cells[b.lane] = if switched { "┆ ⇢ switch" } else { "┆" }.into();
                }
                cells[timeline.steps[s].lane] = cell(timeline, s);
                (format!("{}", s + 1), Ok(cells))
            }
            Column::Fold { from, to } => ("…".into(), Err(format!("… {} steps …", to - from))),
        })
        .collect();
    let mut widths: Vec<usize> = timeline.lanes.iter().map(|l| l.name.chars().count().min(CELL)).collect();
    for (_, cells) in &rows {
        for (lane, c) in cells.iter().flatten().enumerate() {
            widths[lane] = widths[lane].max(c.chars().count());
        }
    }
    let mut out = String::new();
    if summary && !timeline.title.is_empty() {
        let _ = writeln!(out, "{}", timeline.title);
    }
    let header: Vec<String> =
        timeline.lanes.iter().enumerate().map(|(l, lane)| pad(&clip(&lane.name, CELL), widths[l])).collect();
    let _ = writeln!(out, "step | {}", header.join(" | ").trim_end());
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    let _ = writeln!(out, "-----+-{}", rule.join("-+-"));
    for (label, row) in rows {
        let line = match row {
            Ok(cells) => {
                cells.iter().enumerate().map(|(l, c)| pad(c, widths[l])).collect::<Vec<_>>().join(" | ")
            }
            Err(fold) => fold,
        };
        let _ = writeln!(out, "{label:>4} | {}", line.trim_end());
    }
    if summary {
        if !timeline.wait_for.is_empty() {
            let _ = writeln!(out, "stuck at the end:");
            for w in &timeline.wait_for {
                let holds = if w.holds.is_empty() {
                    String::new()
                } else {
                    format!("; holds {}", w.holds.join(", "))
                };
                let _ = writeln!(out, "  {}: {}{holds}", w.thread, w.state);
            }
        }
        for note in &timeline.notes {
            let _ = writeln!(out, "note: {note}");
        }
    }
    out
}
