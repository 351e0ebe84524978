//! The `threading` operations the grader treats specially, as a type.
//!
//! `threading`'s scheduling hook names each operation with a string
//! ([`Point::operation`](threading::schedule::Point), and the registry's blocked-on reports);
//! this is the one place in the grader that reads those strings. Every other module matches on
//! [`Operation`]. (`threading` exports no type for them yet; once it does, this module becomes
//! a re-export.)

/// A synchronisation operation, as far as the grader cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// A thread returns from its target and is about to end (`threading`'s `Thread.exit`).
    ThreadExit,
    /// A thread waits for another to end (`Thread.join`).
    ThreadJoin,
    /// A print callback of the harness: a scheduling point of the grader's own, since the
    /// output is shared state.
    Print,
    /// Any other operation (`Lock.acquire`, `Condition.wait`, `sleep`, ...).
    Other,
}

impl Operation {
    /// The operation `threading` (or the harness) calls `name`.
    ///
    /// ```
    /// use threadlab_grader::core::schedule::Operation;
    /// assert_eq!(Operation::of("Thread.exit"), Operation::ThreadExit);
    /// assert_eq!(Operation::of(Operation::Print.name()), Operation::Print);
    /// assert_eq!(Operation::of("Lock.acquire"), Operation::Other);
    /// ```
    pub fn of(name: &str) -> Operation {
        match name {
            "Thread.exit" => Operation::ThreadExit,
            "Thread.join" => Operation::ThreadJoin,
            "print" => Operation::Print,
            _ => Operation::Other,
        }
    }

    /// The name the harness gives an operation it reports itself (only [`Operation::Print`]
    /// is the grader's own; the others are `threading`'s names).
    pub const fn name(self) -> &'static str {
        match self {
            Operation::ThreadExit => "Thread.exit",
            Operation::ThreadJoin => "Thread.join",
            Operation::Print => "print",
            Operation::Other => "other",
        }
    }
}
