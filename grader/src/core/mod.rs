//! The grader's core: everything that makes and judges runs, with no command line, no `syn`
//! and no sandbox — what the sandboxed child links and what the notebooks' in-kernel check
//! uses (`default-features = false`).
//!
//! One submission's runs flow through it in stages: [`exercise`] (what is graded) →
//! [`plan`] (which runs) → [`session`] (run after run) → [`harness`] (one run, under a
//! [`schedule`] strategy) → [`record`] (what was observed) → [`judge`] (the verdict) →
//! [`report`] (text and JSON). [`child`] and [`protocol`] are the child's side of the process
//! boundary, [`notebook`] the in-process check behind `check!` and `replay!`.

pub mod child;
pub mod cputime;
pub mod events;
pub mod exercise;
pub mod harness;
pub mod judge;
pub mod notebook;
pub mod plan;
pub mod protocol;
pub mod record;
pub mod report;
pub mod schedule;
#[cfg(feature = "child")]
pub mod seccomp;
pub mod session;
pub mod subject;
pub mod timeline;
