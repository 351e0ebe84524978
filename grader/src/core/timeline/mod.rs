//! The grader's runs as timelines: the drawing itself (lanes, steps, folding, SVG, text) is
//! `threading`'s [`timeline`](threading::timeline), shared with a notebook's own traces;
//! [`from_run`] is the one adapter from what the grader records — a run's
//! [`EventLog`](crate::core::events::EventLog) and its [`Failure`](crate::core::judge::Failure)
//! — to the plain [`Timeline`] it draws, so it survives changes to either side.

pub mod from_run;

pub use from_run::from_run;
pub use threading::timeline::*;
