//! Which steps a drawing shows: all of them when they fit, otherwise the steps before the
//! focus (the first wrong token, the last step before a deadlock) and the eventful ones
//! (prints, blocking and waking, preemptions, starts and ends), with every long uneventful
//! stretch replaced by one "… N steps …" marker and whatever follows the focus folded away.

use super::{StepKind, Timeline};

/// One column of a drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// A step, by index.
    Step(usize),
    /// Steps `from..to` left out.
    Fold {
        /// The first step left out.
        from: usize,
        /// One past the last.
        to: usize,
    },
}

impl Column {
    /// Whether the column shows `step` (as itself or folded away).
    pub fn covers(self, step: usize) -> bool {
        match self {
            Column::Step(s) => s == step,
            Column::Fold { from, to } => (from..to).contains(&step),
        }
    }
}

/// Steps always kept right before the focus.
const CONTEXT: usize = 10;
/// Steps kept after the focus.
const AFTER: usize = 2;

/// The columns for at most about `budget` steps (folds come on top).
///
/// ```
/// use threading::schedule::Operation;
/// use threading::timeline::{fold::{columns, Column}, Lane, Step, StepKind, Timeline};
/// let acquire = Operation::LockAcquire;
/// let op = |lane| Step { lane, label: acquire.to_string(), object: None, detail: None, kind: StepKind::Op(acquire), preempted_to: None };
/// let timeline = Timeline {
///     lanes: vec![Lane { name: "foo".into(), harness: false }],
///     steps: (0..100).map(|_| op(0)).collect(),
///     focus: Some(60),
///     ..Timeline::default()
/// };
/// let shown = columns(&timeline, 20);
/// assert!(shown.contains(&Column::Step(60)));
/// assert!(matches!(shown.last(), Some(Column::Fold { to: 100, .. })));
/// assert!(shown.len() <= 24);
/// ```
pub fn columns(timeline: &Timeline, budget: usize) -> Vec<Column> {
    let n = timeline.steps.len();
    if n <= budget.max(1) {
        return (0..n).map(Column::Step).collect();
    }
    let focus = timeline.focus.unwrap_or(n - 1).min(n - 1);
    let end = (focus + 1 + AFTER).min(n);
    let mut keep = vec![false; n];
    let mut kept = 0;
    let mut take = |step: usize, keep: &mut Vec<bool>| {
        if step < end && !keep[step] && kept < budget {
            keep[step] = true;
            kept += 1;
        }
    };
    // The focus and what led to it.
    take(focus, &mut keep);
    for step in (focus + 1..end).chain((focus.saturating_sub(CONTEXT)..focus).rev()) {
        take(step, &mut keep);
    }
    // Then the eventful steps, nearest to the focus first.
    let eventful = eventful_steps(timeline);
    for step in (0..focus).rev().filter(|&s| eventful[s]) {
        take(step, &mut keep);
    }
    // Then the start, so the drawing begins where the run began.
    for step in 0..n.min(3) {
        take(step, &mut keep);
    }
    let mut columns = Vec::new();
    let mut step = 0;
    while step < n {
        if keep[step] {
            columns.push(Column::Step(step));
            step += 1;
            continue;
        }
        let from = step;
        while step < n && !keep[step] {
            step += 1;
        }
        if step - from == 1 && step < end {
            columns.push(Column::Step(from)); // a marker for one step hides nothing
        } else {
            columns.push(Column::Fold { from, to: step });
        }
    }
    columns
}

/// Steps worth showing even far from the focus.
fn eventful_steps(timeline: &Timeline) -> Vec<bool> {
    let mut eventful: Vec<bool> = timeline
        .steps
        .iter()
        .map(|s| s.preempted_to.is_some() || !matches!(s.kind, StepKind::Op(_)))
        .collect();
    for span in &timeline.blocked {
        for step in std::iter::once(span.from).chain(span.until) {
            if let Some(e) = eventful.get_mut(step) {
                *e = true;
            }
        }
    }
    eventful
}
