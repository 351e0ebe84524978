//! Between check and build: the source actually compiled — the learner's lines, line for
//! line (so rustc's line numbers are theirs), followed by the harness for the exercise.
//!
//! Two changes keep every line where it was: items the grader drops (`fn main`, test modules)
//! are blanked, and every `std` path (`use std::...`, `::std::...`, in expressions, types,
//! patterns and macro arguments) is rewritten in place to the harness's `__tl_std`, which is
//! `threading::stdlib`: `std`'s own API, with every `Mutex`, `Condvar`, channel, atomic,
//! spawn, join, sleep and yield a scheduling point the grader controls (so a sleep cannot
//! order threads, and a lost wake-up is a schedule away).

use crate::cli::policy::{Analysis, Edit};
use crate::core::exercise::{self, Exercise};

/// The file name the source is compiled as; rustc's messages and panic locations use it.
pub const FILE_NAME: &str = "submission.rs";

/// The harness appended to the learner's code for `exercise`. A built-in exercise's adapter
/// is the runtime's; an authored one's file is included as the module `__tl_exercise`, whose
/// `adapter!` builds the subject (the file is trusted: it is not put through the policy).
pub fn harness(exercise: &Exercise) -> String {
    let ty = exercise.type_name;
    let (definition, subject) = match exercise::as_authored(exercise) {
        Some(authored) => (
            format!(
                "#[allow(dead_code, unused_imports, unused_macros, clippy::all)]\nmod __tl_exercise {{\n{}\n    pub(crate) fn __tl_subject() -> ::threadlab_grader::Subject {{\n        adapter!(super::{ty})\n    }}\n}}\n",
                authored.source
            ),
            "__tl_exercise::__tl_subject()".to_string(),
        ),
        None => (
            String::new(),
            format!("::threadlab_grader::core::exercise::{}::adapter!({ty})", exercise.id.replace('-', "_")),
        ),
    };
    format!(
        r#"
// ---- threadlab-grader harness (not part of the submission) ----
#[allow(unused_imports)]
mod __tl_std {{
    pub use ::threading::stdlib::*;
}}
{definition}fn main() {{
    ::threadlab_grader::core::child::main({subject})
}}
"#
    )
}

fn byte_offset(line_starts: &[usize], text: &str, (line, column): (usize, usize)) -> Option<usize> {
    let start = *line_starts.get(line.checked_sub(1)?)?;
    let rest = &text[start..];
    let within = rest.char_indices().nth(column).map(|(i, _)| i).unwrap_or(rest.len());
    Some(start + within)
}

/// Applies `edits` (which must not overlap) to `text`.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut line_starts = vec![0];
    line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let mut out = text.to_string();
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.start));
    for edit in sorted {
        if let (Some(start), Some(end)) =
            (byte_offset(&line_starts, text, edit.start), byte_offset(&line_starts, text, edit.end))
            && start <= end
        {
            out.replace_range(start..end, &edit.with);
        }
    }
    out
}

/// The learner's source with dropped items blanked (line count kept).
pub fn blank_removed(text: &str, analysis: &Analysis) -> String {
    text.split_inclusive('\n')
        .enumerate()
        .map(|(i, line)| {
            let number = i + 1;
            if analysis.removals.iter().any(|r| (r.first_line..=r.last_line).contains(&number)) {
                if line.ends_with('\n') { "\n".to_string() } else { String::new() }
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// The complete source to compile: the learner's code (dropped items blanked, and with
/// `reroute`, every `std` path routed through the harness's `threading::stdlib`) followed by
/// the harness.
///
/// ```
/// use threadlab_grader::cli::{policy, prepare};
/// use threadlab_grader::exercise;
/// let learner = "use std::{thread, sync::Mutex};\npub struct Foo(::std::sync::atomic::AtomicU8);\nfn main() {}\n";
/// let analysis = policy::analyze(learner);
/// let source = prepare::source(exercise::find("print-in-order").unwrap(), learner, &analysis, true);
/// assert!(source.starts_with(
///     "use crate::__tl_std::{thread, sync::Mutex};\npub struct Foo(crate::__tl_std::sync::atomic::AtomicU8);\n\n"
/// ));
/// assert!(source.contains("print_in_order::adapter!(Foo)"));
/// ```
pub fn source(exercise: &Exercise, learner: &str, analysis: &Analysis, reroute: bool) -> String {
    let edited = if reroute { apply_edits(learner, &analysis.edits) } else { learner.to_string() };
    let mut text = blank_removed(&edited, analysis);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&harness(exercise));
    text
}
