//! What each thread of a controlled run did, step by step, as typed events: the log a
//! timeline is drawn from.
//!
//! The controller sees every synchronisation point, every park and wake-up and every
//! hand-over of the baton, so it is the one place that records them (into an [`EventLog`],
//! under the lock it already holds). Nothing here touches `threading`'s fast paths: a run with
//! no controller records nothing. The log is part of the run's
//! [`RunRecord`](crate::core::record::RunRecord) and, for a failing run, of the JSON report.
//!
//! Primitives are interned ([`Object`]): an event names its primitive by index, so recording a
//! point costs one push and no allocation once the primitive has been seen.

use serde::{Deserialize, Serialize};
use std::panic::Location;
use threading::schedule::Operation;

/// Events kept per run; past this the log counts what it dropped (a spinning run reaches the
/// step cap with hundreds of thousands of points, none of them worth drawing).
pub const MAX_EVENTS: usize = 10_000;

/// One thread of the run, by task id (0 is the harness's thread, which joins the others).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadInfo {
    /// The thread's name, as the learner (or the harness) named it.
    pub name: String,
    /// Whether this is the grader's own thread.
    #[serde(default)]
    pub harness: bool,
}

/// A synchronisation primitive the run used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Object {
    /// Its type, from the operation ([`Operation::primitive`]): `Lock`, `Condition`, `Event`, ...
    pub kind: String,
    /// The name it was given, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where it was created, `file:line:column` (the report rewrites it into the learner's
    /// own place, `cell 3, line 2`).
    pub site: String,
    /// The line it was created on, in the compiled file.
    #[serde(default)]
    pub line: u32,
    /// The column, to tell apart two primitives created on one line.
    #[serde(default)]
    pub column: u32,
}

impl Object {
    /// How a drawing names it: its own name, or its type and line (`Event@12`).
    ///
    /// ```
    /// use threadlab_grader::core::events::Object;
    /// let event = Object { kind: "Event".into(), name: None, site: "submission.rs:12:20".into(), line: 12, column: 20 };
    /// assert_eq!(event.label(), "Event@12");
    /// let named = Object { name: Some("turn".into()), ..event };
    /// assert_eq!(named.label(), "turn");
    /// ```
    pub fn label(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        match self.line {
            0 => self.kind.clone(),
            line => format!("{}@{line}", self.kind),
        }
    }
}

/// What happened, to one thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EventKind {
    /// The thread ran for the first time.
    Start,
    /// The thread returned from its target.
    End,
    /// A synchronisation operation (`Lock.acquire`, `Condition.wait`, `Event.set`, `sleep`, ...)
    /// is about to happen.
    Op {
        /// What it is (written as `threading`'s name for it, `Lock.acquire`).
        #[serde(with = "operation_name")]
        operation: Operation,
        /// The primitive, an index into [`EventLog::objects`] (`None` for `sleep`, `start`, ...).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        object: Option<usize>,
    },
    /// A print callback is about to print `token`.
    Print {
        /// The token.
        token: String,
    },
    /// A call of the learner's type returned `token` (exercises whose calls return what they
    /// are judged on, [`Printer::returned`](crate::Printer::returned)); not a scheduling point.
    Returned {
        /// The value, as the judge shows it.
        token: String,
    },
    /// The thread blocked in its last operation.
    Blocked,
    /// Another thread (`by`) made the blocked thread runnable again (a notify, a release, a set).
    Woken {
        /// The waking thread, if it is one of the run's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<usize>,
    },
    /// The thread runs again after blocking.
    Resumed {
        /// Its wait timed out (nothing else could run) rather than being woken.
        #[serde(default)]
        timed_out: bool,
    },
    /// The thread started another one (right after its `Thread.start`).
    Spawn {
        /// The new thread.
        spawned: usize,
    },
    /// The scheduler switched away from the thread although it could have gone on.
    Preempted {
        /// The thread that got the turn.
        to: usize,
    },
}

/// One event of one thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The task it happened to (an index into [`EventLog::threads`]).
    pub thread: usize,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The events of one run, in the order they happened (controlled runs are sequential, so the
/// order is total).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLog {
    /// The run's threads, by task id.
    pub threads: Vec<ThreadInfo>,
    /// The primitives the events name.
    #[serde(default)]
    pub objects: Vec<Object>,
    /// The events.
    pub events: Vec<Event>,
    /// Events left out past [`MAX_EVENTS`].
    #[serde(default)]
    pub dropped: u64,
}

impl EventLog {
    /// Whether nothing was recorded (runs on real threads record nothing).
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Records that task `thread` exists, with its name.
    pub fn thread(&mut self, thread: usize, name: &str, harness: bool) {
        if self.threads.len() <= thread {
            self.threads.resize(thread + 1, ThreadInfo { name: String::new(), harness: false });
        }
        self.threads[thread] = ThreadInfo { name: name.to_string(), harness };
    }

    /// Appends an event (or counts it as dropped past [`MAX_EVENTS`]).
    pub fn push(&mut self, thread: usize, kind: EventKind) {
        if self.events.len() < MAX_EVENTS {
            self.events.push(Event { thread, kind });
        } else {
            self.dropped += 1;
        }
    }

    /// Appends an operation on the primitive created at `site` and named `name`.
    pub fn op(
        &mut self,
        thread: usize,
        operation: Operation,
        site: &'static Location<'static>,
        name: Option<&str>,
        with_object: bool,
    ) {
        if self.events.len() >= MAX_EVENTS {
            self.dropped += 1;
            return;
        }
        let object = with_object.then(|| self.intern(operation, site, name));
        self.push(thread, EventKind::Op { operation, object });
    }

    fn intern(
        &mut self,
        operation: Operation,
        site: &'static Location<'static>,
        name: Option<&str>,
    ) -> usize {
        let kind = operation.primitive();
        let same = |o: &Object| o.kind == kind && o.name.as_deref() == name && is_site(&o.site, site);
        if let Some(found) = self.objects.iter().position(same) {
            return found;
        }
        self.objects.push(Object {
            kind: kind.to_string(),
            name: name.map(str::to_string),
            site: site.to_string(),
            line: site.line(),
            column: site.column(),
        });
        self.objects.len() - 1
    }
}

/// An [`Operation`] in the JSON report: its name, as `threading` prints it.
mod operation_name {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use threading::schedule::Operation;

    pub(super) fn serialize<S: Serializer>(operation: &Operation, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(operation.name())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Operation, D::Error> {
        let name = String::deserialize(deserializer)?;
        Operation::from_name(&name).ok_or_else(|| D::Error::custom(format!("unknown operation {name:?}")))
    }
}

/// Whether `text` is `site` written out (`file:line:column`), without writing it out: the
/// lookup runs at every point.
fn is_site(text: &str, site: &Location<'_>) -> bool {
    let Some(rest) = text.strip_prefix(site.file()).and_then(|r| r.strip_prefix(':')) else { return false };
    let mut numbers = rest.split(':').map(str::parse::<u32>);
    numbers.next() == Some(Ok(site.line()))
        && numbers.next() == Some(Ok(site.column()))
        && numbers.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives_are_interned_by_kind_site_and_name() {
        let mut log = EventLog::default();
        let here = Location::caller();
        log.op(1, Operation::LockAcquire, here, None, true);
        log.op(2, Operation::LockRelease, here, None, true);
        log.op(1, Operation::EventSet, here, None, true);
        log.op(1, Operation::LockAcquire, here, Some("turn"), true);
        assert_eq!(log.objects.len(), 3);
        let objects: Vec<Option<usize>> = log
            .events
            .iter()
            .map(|e| match e.kind {
                EventKind::Op { object, .. } => object,
                _ => None,
            })
            .collect();
        assert_eq!(objects, [Some(0), Some(0), Some(1), Some(2)]);
    }

    #[test]
    fn the_log_is_capped_and_counts_what_it_dropped() {
        let mut log = EventLog::default();
        for _ in 0..MAX_EVENTS + 5 {
            log.push(0, EventKind::Blocked);
        }
        assert_eq!(log.events.len(), MAX_EVENTS);
        assert_eq!(log.dropped, 5);
    }

    #[test]
    fn the_log_round_trips_through_json() {
        let mut log = EventLog::default();
        log.thread(0, "main", true);
        log.thread(1, "foo", false);
        log.push(1, EventKind::Start);
        log.op(1, Operation::EventWait, Location::caller(), None, true);
        log.push(1, EventKind::Blocked);
        log.push(1, EventKind::Print { token: "foo".into() });
        log.push(0, EventKind::Preempted { to: 1 });
        log.push(0, EventKind::Spawn { spawned: 1 });
        log.push(1, EventKind::Woken { by: Some(0) });
        log.push(1, EventKind::Resumed { timed_out: false });
        log.push(1, EventKind::End);
        let json = serde_json::to_string(&log).unwrap();
        assert!(json.contains(r#""kind":"op""#), "{json}");
        assert!(json.contains(r#""operation":"Event.wait""#), "{json}");
        let back: EventLog = serde_json::from_str(&json).unwrap();
        assert_eq!(back, log);
    }
}
