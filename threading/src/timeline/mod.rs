//! A run drawn as a timeline: one lane per thread, its steps left to right, blocked spans
//! shaded with what they wait on, preemptions marked, the first wrong token marked and, when
//! the run ended stuck, who waits on what and who holds what.
//!
//! The drawing takes a plain [`Timeline`] (lanes and steps), not any recorder's events, so
//! two producers share it: [`trace`](crate::trace) for a learner's own cell, and the grader,
//! whose adapter turns a failing run's event log and verdict into a [`Timeline`]. [`fold`]
//! picks which steps a drawing shows (the steps before the interesting one, long uneventful
//! stretches replaced by one marker); [`svg`] draws it for a notebook or a file, [`text`] for a
//! terminal.
//!
//! It lives here, not in the grader, because a notebook's own trace needs it and `threading`
//! must not depend on the grader; it depends on nothing but the crate's
//! [`Operation`], which names a step's operation.

use crate::schedule::{Claim, Operation};

pub mod fold;
pub mod svg;
pub mod text;

/// A run to draw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    /// One line on top: the exercise, the verdict, the replay string.
    pub title: String,
    /// The threads, top to bottom.
    pub lanes: Vec<Lane>,
    /// What the threads did, in the order it happened (one step at a time).
    pub steps: Vec<Step>,
    /// Where threads were blocked.
    pub blocked: Vec<Blocked>,
    /// The step the drawing is about (the first wrong token, the last step before a
    /// deadlock): folding keeps the steps before it.
    pub focus: Option<usize>,
    /// How the run ended stuck: who waits on what, who holds what (empty for a run that
    /// ended).
    pub wait_for: Vec<WaitFor>,
    /// Remarks under the drawing (what was expected where nothing came, events not recorded).
    pub notes: Vec<String>,
}

/// One thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    /// Its name, as the learner named it (`foo`, `bar`), or `main` for the grader's thread.
    pub name: String,
    /// Whether it is the grader's own thread (drawn last, in a muted colour).
    pub harness: bool,
}

/// What a step is, for its mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// The thread started.
    Start,
    /// The thread returned.
    End,
    /// A synchronisation operation (its [`Step::label`] is the operation's name).
    Op(Operation),
    /// A printed token that was right.
    Print,
    /// The first wrong token.
    WrongPrint {
        /// What is wrong with it, in a few words: `expected foo`, `nothing more expected`,
        /// `printed from the wrong thread`.
        why: String,
    },
}

/// One step of one thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The lane (an index into [`Timeline::lanes`]).
    pub lane: usize,
    /// What it did: `Lock.acquire`, `print "foo"`, `start`.
    pub label: String,
    /// On what: the primitive (`Event@12`, or its name).
    pub object: Option<String>,
    /// Longer text for a tooltip (where the primitive was created).
    pub detail: Option<String>,
    /// Its mark.
    pub kind: StepKind,
    /// The scheduler switched away from this thread right after this step although it could
    /// have gone on: the name of the thread that ran instead.
    pub preempted_to: Option<String>,
}

/// A span where a thread was blocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// The lane.
    pub lane: usize,
    /// The step it blocked in.
    pub from: usize,
    /// The first step after it ran again (`None`: blocked to the end).
    pub until: Option<usize>,
    /// What it waited in and on: `Event.wait on Event@12`.
    pub on: String,
    /// The thread that woke it, if one did.
    pub woken_by: Option<String>,
    /// Its wait timed out instead.
    pub timed_out: bool,
    /// Right after it ran again, before its next step, the scheduler switched away from it
    /// to this thread.
    pub preempted_to: Option<String>,
}

/// One thread at the end of a run that did not end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitFor {
    /// The thread's name.
    pub thread: String,
    /// What it waits on or does (from the deadlock report).
    pub state: String,
    /// The locks it holds (from the event log: acquired and not released).
    pub holds: Vec<String>,
}

impl Timeline {
    /// Opens a blocked span for `lane` after step `from` (its last step), and returns its index.
    /// The thread waits in its last operation up to `from` that can wait: a release never does
    /// (a condition's wait releases its lock last, then parks).
    pub fn open_blocked(&mut self, lane: usize, from: usize) -> usize {
        let waiting = self.steps[..self.steps.len().min(from + 1)]
            .iter()
            .rev()
            .filter(|s| s.lane == lane)
            .find(|s| !matches!(s.kind, StepKind::Op(op) if op.claim() == Some(Claim::Release)));
        let on = match waiting {
            Some(Step { label, object: Some(object), .. }) => format!("{label} on {object}"),
            Some(Step { label, .. }) => label.clone(),
            None => "a wait".to_string(),
        };
        self.blocked.push(Blocked {
            lane,
            from,
            until: None,
            on,
            woken_by: None,
            timed_out: false,
            preempted_to: None,
        });
        self.blocked.len() - 1
    }

    /// The lanes blocked during `step` (strictly after the step they blocked in, before the
    /// step they resumed at).
    pub fn blocked_at(&self, step: usize) -> impl Iterator<Item = &Blocked> {
        self.blocked.iter().filter(move |b| b.from < step && b.until.is_none_or(|u| step < u))
    }
}
