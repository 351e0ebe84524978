//! The classroom side of the command line: `batch` (resumable, sharded, with its gradebook,
//! sheet, Gradescope file and class page), `gradescope` (one student's submission folder)
//! and `merge` (partial gradebooks into one).

use crate::cli::batch::{self, Row};
use crate::cli::command::{BatchArgs, Cli, Grading, find_exercise, options};
use crate::cli::gradebook::{self, Entry, Writer};
use crate::cli::{class_report, gradescope};
use crate::core::exercise::Exercise;
use clap::Args;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// `gradescope`.
#[derive(Debug, Args)]
pub struct GradescopeArgs {
    /// Grading options (--exercise: the exercises to expect, each a test; all found if none).
    #[command(flatten)]
    pub grading: Grading,
    /// The student's submission folder (/autograder/submission on Gradescope).
    #[arg(long, value_name = "DIR")]
    pub submission: PathBuf,
    /// Where to write results.json (/autograder/results/results.json on Gradescope).
    #[arg(long, value_name = "FILE")]
    pub results: PathBuf,
}

/// `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Partial gradebooks (.csv or .jsonl).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The merged gradebook (.csv or .jsonl).
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the class page (self-contained HTML).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Also write the sheet (a column per exercise).
    #[arg(long, value_name = "FILE")]
    pub sheet: Option<PathBuf>,
}

/// The exercises named with --exercise; none named, the authored ones (--exercise-file), if
/// any.
fn exercises(grading: &Grading) -> Result<Vec<&'static Exercise>, String> {
    if grading.exercise.is_empty() {
        return Ok(crate::core::exercise::authored().iter().map(|a| a.exercise).collect());
    }
    grading.exercise.iter().map(|id| find_exercise(id)).collect()
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The class page's title: the folders graded.
fn title(inputs: &[PathBuf]) -> String {
    let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    format!("threadlab — {}", names.join(", "))
}

/// Writes what every batch and merge can write besides the gradebook.
fn write_extras(
    entries: &[Entry],
    page_title: &str,
    report: Option<&PathBuf>,
    sheet: Option<&PathBuf>,
) -> Result<(), String> {
    if let Some(path) = report {
        write(path, &class_report::html(page_title, entries))?;
    }
    if let Some(path) = sheet {
        write(path, &gradebook::sheet(entries))?;
    }
    Ok(())
}

/// `batch`: grades the class (or its shard), writing each row to the gradebook as soon as it
/// is graded; with `--resume`, the rows already there are kept and not graded again.
pub fn batch(cli: &Cli, args: &BatchArgs) -> Result<i32, String> {
    let exercises = exercises(&args.grading)?;
    let mut submissions = batch::inputs(&args.inputs);
    if submissions.is_empty() {
        return Err("no .rs or .ipynb submissions found".into());
    }
    if let Some(shard) = &args.shard {
        submissions = shard.select(&submissions);
    }
    let mut jobs = batch::jobs(&submissions, &exercises);
    let json_book = args.out.as_ref().filter(|p| p.extension().is_some_and(|e| e == "json"));
    if json_book.is_some() && args.resume {
        return Err("--resume needs a gradebook that grows a line at a time: .csv or .jsonl".into());
    }
    let (writer, done) = match args.out.as_ref().filter(|_| json_book.is_none()) {
        Some(path) if args.resume => {
            let (writer, done) = Writer::resume(path)?;
            (Some(writer), done)
        }
        Some(path) => (Some(Writer::create(path)?), Vec::new()),
        None => (None, Vec::new()),
    };
    let graded: HashSet<(String, String)> = done.iter().map(Entry::key).collect();
    let before = jobs.len();
    jobs.retain(|job| !graded.contains(&job.key()));
    if args.resume {
        eprintln!("resuming: {} rows already graded, {} to grade", before - jobs.len(), jobs.len());
    }

    struct Progress {
        writer: Option<Writer>,
        error: Option<String>,
        rows: Vec<Row>,
    }
    let progress = Mutex::new(Progress { writer, error: None, rows: Vec::new() });
    let total = jobs.len();
    batch::grade_each(&jobs, &options(cli, &args.grading), args.jobs, &|row| {
        let mut progress = progress.lock().unwrap_or_else(|e| e.into_inner());
        let entry = Entry::from_row(&row);
        if let Some(writer) = &mut progress.writer
            && let Err(e) = writer.append(&entry)
        {
            progress.error.get_or_insert(format!("cannot write the gradebook: {e}"));
        }
        if cli.verbose {
            eprintln!(
                "[{}/{total}] {} {}: {}",
                progress.rows.len() + 1,
                entry.submission,
                entry.exercise,
                entry.verdict
            );
        }
        progress.rows.push(row);
    });
    let Progress { error, mut rows, .. } = progress.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(error) = error {
        return Err(error);
    }
    rows.sort_by_key(|r| (r.submission.clone(), r.exercise.clone()));
    let entries = gradebook::canonical(done.into_iter().chain(rows.iter().map(Entry::from_row)));

    if let Some(path) = &args.out {
        if json_book.is_some() {
            write(path, &serde_json::to_string_pretty(&rows).unwrap_or_default())?;
        } else {
            // The same rows, in the gradebook's order (they were written as they finished).
            gradebook::write(path, &entries)?;
        }
    }
    if let Some(path) = &args.gradescope {
        write(path, &gradescope::Results::of_entries(&entries).to_json())?;
    }
    write_extras(&entries, &title(&args.inputs), args.report.as_ref(), args.sheet.as_ref())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default());
    } else {
        print!("{}", batch::table(&entries));
    }
    Ok(if entries.iter().all(Entry::passed) { 0 } else { 1 })
}

/// `gradescope`: grades a submission folder and writes results.json.
pub fn gradescope(cli: &Cli, args: &GradescopeArgs) -> Result<i32, String> {
    let exercises = exercises(&args.grading)?;
    let results = gradescope::run(&args.submission, &args.results, &exercises, &options(cli, &args.grading))?;
    println!("{}", results.output);
    for test in &results.tests {
        println!("  {:>4}/{:<4} {}", test.score, test.max_score, test.name);
    }
    let full = results.tests.iter().all(|t| t.status == gradescope::Status::Passed);
    Ok(if full && !results.tests.is_empty() { 0 } else { 1 })
}

/// `merge`: partial gradebooks into one.
pub fn merge(args: &MergeArgs) -> Result<i32, String> {
    let entries = gradebook::merge(&args.inputs)?;
    gradebook::write(&args.out, &entries)?;
    write_extras(&entries, &title(&args.inputs), args.report.as_ref(), args.sheet.as_ref())?;
    println!("{} rows from {} gradebooks into {}", entries.len(), args.inputs.len(), args.out.display());
    Ok(0)
}
