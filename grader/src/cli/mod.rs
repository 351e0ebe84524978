//! The command-line grader: what a submission goes through before and around the core's runs.
//!
//! [`load`] (`.rs`, notebook, stdin) → [`policy`] (forbidden code, before compiling; how the
//! code synchronises) → [`prepare`] (the learner's lines + the harness) → [`build`] (rustc
//! against a cached runtime) → [`runner`] in a [`sandbox`] (the child runs the core) →
//! [`grade`] (the verdict, judged in this process from the child's stream) and [`batch`]
//! (a class at once). [`command`] is the `threadlab-grader` command line over all of it.
//!
//! For classrooms: [`solutions`] (a notebook's solution cell per exercise), [`gradebook`]
//! (rows written as graded, resumed, merged), [`class_report`] (the class on one HTML page),
//! [`gradescope`] (results.json), [`class_command`] (`batch`, `gradescope`, `merge`).
//!
//! For authors: [`authored`] (exercises written outside the grader: `--exercise-file`,
//! `--exercise-set`) and [`new_exercise`] (`new-exercise`: a starting file, a solution, a
//! notebook).

pub mod authored;
pub mod batch;
pub mod build;
pub mod class_command;
pub mod class_report;
pub mod command;
pub mod grade;
pub mod gradebook;
pub mod gradescope;
pub mod load;
pub mod new_exercise;
pub mod policy;
pub mod prepare;
pub mod runner;
pub mod sandbox;
pub mod solutions;

pub use command::{Cli, main, main_with, run};
