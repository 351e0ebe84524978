//! The command line: `check`, `batch`, `replay`, `exercises`; the classroom commands
//! (`gradescope`, `merge`, and `batch`'s run) are in [`class_command`](crate::cli::class_command).

use crate::cli::authored;
use crate::cli::batch;
use crate::cli::class_command::{self, GradescopeArgs, MergeArgs};
use crate::cli::grade::{self, Options};
use crate::cli::new_exercise;
use crate::cli::solutions;
use crate::core::exercise::{self, Exercise};
use crate::core::plan::Mode;
use crate::core::report::Report;
use crate::core::timeline;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Grades concurrency exercises under stress, with controlled scheduling, in a sandbox.
#[derive(Debug, Parser)]
#[command(name = "threadlab-grader", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// The cache for the pre-built runtime and compiled submissions.
    #[arg(long, global = true, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Log what the grader does (to stderr).
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// An exercise defined outside the grader, in a Rust file of its own (see
    /// grader/EXERCISES.md); may be repeated. Its exercise is graded like a built-in one, and
    /// is the default `--exercise` when it is the only one.
    #[arg(long, global = true, value_name = "FILE")]
    pub exercise_file: Vec<PathBuf>,
    /// A folder of authored exercises (`exercises/*.rs`, or `*.rs` at its top); may be repeated.
    #[arg(long, global = true, value_name = "DIR")]
    pub exercise_set: Vec<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Grade one submission (a .rs file, a notebook, or - for stdin).
    Check(CheckArgs),
    /// Grade a class at once, in parallel, one row per submission.
    Batch(BatchArgs),
    /// Rerun a failing schedule exactly (from a report's replay string).
    Replay(ReplayArgs),
    /// List the exercises with their skeletons.
    Exercises(ExercisesArgs),
    /// Grade a Gradescope submission folder into results.json, one test per exercise.
    Gradescope(GradescopeArgs),
    /// Merge partial gradebooks (shards, resumed pieces) into one.
    Merge(MergeArgs),
    /// Start an exercise of your own: a commented exercise file, a reference solution and an
    /// exercise notebook.
    NewExercise(NewExerciseArgs),
}

/// Options shared by the grading commands.
#[derive(Debug, Args)]
pub struct Grading {
    /// The exercise: print-in-order (ordered-print), foobar, zero-even-odd. `batch` takes
    /// several, or none for notebooks with a solution cell per exercise (nbgrader grade_id
    /// `<exercise>_solution`).
    #[arg(long, short)]
    pub exercise: Vec<String>,
    /// Rounds over every start order and n (default: tuned per exercise for a verdict in
    /// under 3 s).
    #[arg(long)]
    pub repeat: Option<usize>,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Wall-clock limit of the run, seconds (stretched by the load average per CPU on a busy
    /// machine).
    #[arg(long, default_value_t = grade::DEFAULT_TIMEOUT.as_secs_f64())]
    pub timeout: f64,
    /// Start no new run after this many seconds, once every start order and n had three
    /// rounds and at least 300 runs were made (0: the whole plan; ignored with --repeat).
    #[arg(long, default_value_t = crate::core::plan::DEFAULT_BUDGET_MS as f64 / 1000.0)]
    pub budget: f64,
    /// Force a scheduling mode (default: controlled if the code synchronises only through
    /// threading, chaos otherwise).
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Do not install the seccomp filter in the child (for debugging the sandbox).
    #[arg(long)]
    pub no_seccomp: bool,
}

/// `--mode`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    /// One thread at a time, PCT and random walks.
    Controlled,
    /// Real threads with injected delays.
    Chaos,
    /// Real threads, nothing injected (a baseline).
    Naive,
}

/// `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Grading options.
    #[command(flatten)]
    pub grading: Grading,
    /// The submission: a .rs file, an .ipynb notebook (cells tagged `solution`), or - for stdin.
    pub submission: String,
    /// Print one JSON object instead of the readable report.
    #[arg(long)]
    pub json: bool,
    /// Draw the failing run as a timeline into this file (SVG; plain text for a `.txt` name).
    #[arg(long, value_name = "FILE")]
    pub timeline: Option<PathBuf>,
}

/// `batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Grading options.
    #[command(flatten)]
    pub grading: Grading,
    /// Submissions: files, or directories searched for .rs and .ipynb files.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Submissions graded at once.
    #[arg(long, short, default_value_t = 2)]
    pub jobs: usize,
    /// Write the gradebook here (.csv or .json).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write a Gradescope results.json here.
    #[arg(long)]
    pub gradescope: Option<PathBuf>,
    /// Print the rows as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Keep the rows already in the --out gradebook (.csv or .jsonl) and grade only the rest.
    #[arg(long, requires = "out")]
    pub resume: bool,
    /// Grade only shard K of N (K from 0): every Nth submission of the sorted list.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<batch::Shard>,
    /// Write the class on one page here (self-contained HTML).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Write a sheet with one row per submission and a column per exercise here (CSV).
    #[arg(long, value_name = "FILE")]
    pub sheet: Option<PathBuf>,
}

/// `replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The exercise (default: the only authored one, with --exercise-file).
    #[arg(long, short)]
    pub exercise: Option<String>,
    /// The submission.
    pub submission: String,
    /// The replay string from the report.
    #[arg(long)]
    pub schedule: String,
    /// Wall-clock limit, seconds.
    #[arg(long, default_value_t = grade::DEFAULT_TIMEOUT.as_secs_f64())]
    pub timeout: f64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Draw the run as a timeline into this file (SVG; plain text for a `.txt` name).
    #[arg(long, value_name = "FILE")]
    pub timeline: Option<PathBuf>,
}

/// `new-exercise`.
#[derive(Debug, Args)]
pub struct NewExerciseArgs {
    /// The exercise's id, in kebab case (`ping-pong`); the file is `ping_pong.rs`.
    pub name: String,
    /// Where to write the files (made if missing).
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite files that exist.
    #[arg(long)]
    pub force: bool,
}

/// `exercises`.
#[derive(Debug, Args)]
pub struct ExercisesArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The exercise a command grades when none is named: the only authored one.
fn only_authored() -> Result<&'static Exercise, String> {
    match exercise::authored() {
        [one] => Ok(one.exercise),
        [] => Err("give the exercise: --exercise ID (see `threadlab-grader exercises`)".into()),
        _ => Err("several exercise files were given: name one with --exercise ID".into()),
    }
}

pub(crate) fn find_exercise(id: &str) -> Result<&'static Exercise, String> {
    exercise::find(id).ok_or_else(|| {
        let known: Vec<&str> = exercise::all().iter().map(|e| e.id).collect();
        format!("unknown exercise `{id}` (known: {})", known.join(", "))
    })
}

pub(crate) fn options(cli: &Cli, grading: &Grading) -> Options {
    let mut options = Options {
        seed: grading.seed,
        repeat: grading.repeat,
        timeout: Duration::from_secs_f64(grading.timeout.clamp(0.5, 3600.0)),
        mode: grading.mode.map(|m| match m {
            ModeArg::Controlled => Mode::Controlled,
            ModeArg::Chaos => Mode::Chaos,
            ModeArg::Naive => Mode::Naive,
        }),
        seccomp: !grading.no_seccomp,
        budget_ms: (grading.budget > 0.0).then_some((grading.budget * 1000.0) as u64),
        ..Options::default()
    };
    if let Some(cache) = &cli.cache {
        options.cache = cache.clone();
    }
    options
}

/// Writes the failing run's timeline to `path` (SVG, or the text table for a `.txt` name);
/// a run with nothing to draw (a pass, a run on real threads) writes no file and says so.
fn write_timeline(report: &Report, path: &Path) -> Result<(), String> {
    let Some(drawn) = timeline::from_run::of_report(report) else {
        eprintln!(
            "threadlab-grader: no timeline written to {}: {}",
            path.display(),
            if report.passed() {
                "every run passed"
            } else {
                "the failing run was not a controlled run (only those record their steps)"
            }
        );
        return Ok(());
    };
    let content = if path.extension().is_some_and(|e| e == "txt") {
        timeline::text::render(&drawn, timeline::svg::BUDGET, true)
    } else {
        timeline::svg::render(&drawn, timeline::svg::BUDGET)
    };
    std::fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn print_report(report: &Report, json: bool) {
    if json {
        println!("{}", report.to_json());
    } else {
        print!("{report}");
    }
}

/// The `threadlab-grader` program: parses the command line, sets up logging, and runs it —
/// handing it over to a grader built for the authored exercise files if it names any.
/// Returns the exit status.
pub fn main() -> i32 {
    use clap::Parser;
    let cli = Cli::parse();
    let filter = if cli.verbose { "threadlab_grader=debug" } else { "threadlab_grader=warn" };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| filter.into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let files = match authored::files(&cli.exercise_file, &cli.exercise_set) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("threadlab-grader: {error}");
            return 2;
        }
    };
    if !authored::is_built_for(&files) {
        let cache = cli.cache.clone().unwrap_or_else(crate::cli::build::default_cache);
        let error = authored::hand_over(&cache, &files, std::env::args_os().skip(1).collect());
        eprintln!("threadlab-grader: {error}");
        return 2;
    }
    run(&cli)
}

/// [`main`] of a grader built with authored exercises (see [`authored`]): registers them,
/// then runs the command line.
pub fn main_with(exercises: Vec<exercise::Authored>) -> i32 {
    if let Err(error) = authored::register(exercises) {
        eprintln!("threadlab-grader: {error}");
        return 2;
    }
    main()
}

/// Runs the command line; returns the exit status (0 only for a pass; 2 for usage or grader
/// errors).
pub fn run(cli: &Cli) -> i32 {
    match execute(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("threadlab-grader: {message}");
            2
        }
    }
}

fn execute(cli: &Cli) -> Result<i32, String> {
    match &cli.command {
        Command::Exercises(args) => {
            if args.json {
                let list: Vec<serde_json::Value> = exercise::all()
                    .iter()
                    .map(|e| {
                        serde_json::json!({
                            "id": e.id, "aliases": e.aliases, "title": e.title, "type": e.type_name,
                            "methods": e.methods(), "roles": e.roles, "rule": e.rule, "skeleton": e.skeleton,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
            } else {
                for e in exercise::all() {
                    let aliases = if e.aliases.is_empty() {
                        String::new()
                    } else {
                        format!(" (also: {})", e.aliases.join(", "))
                    };
                    println!("{} — {}{aliases}\n  output: {}\n", e.id, e.title, e.rule);
                    for line in e.skeleton.lines() {
                        println!("    {line}");
                    }
                    println!();
                }
            }
            Ok(0)
        }
        Command::Check(args) => {
            let exercise = match &args.grading.exercise[..] {
                [one] => find_exercise(one)?,
                [] => only_authored()?,
                _ => return Err("check grades one exercise: give one --exercise".into()),
            };
            let source = solutions::load_for(&args.submission, exercise).map_err(|e| e.to_string())?;
            let report =
                grade::grade(exercise, &source, &options(cli, &args.grading)).map_err(|e| e.to_string())?;
            print_report(&report, args.json);
            if let Some(path) = &args.timeline {
                write_timeline(&report, path)?;
            }
            Ok(report.exit_code())
        }
        Command::Replay(args) => {
            let exercise = match &args.exercise {
                Some(id) => find_exercise(id)?,
                None => only_authored()?,
            };
            let source = solutions::load_for(&args.submission, exercise).map_err(|e| e.to_string())?;
            let grading = Grading {
                exercise: vec![exercise.id.to_string()],
                repeat: None,
                seed: 0,
                timeout: args.timeout,
                budget: 0.0,
                mode: None,
                no_seccomp: false,
            };
            let options = Options { replay: Some(args.schedule.clone()), ..options(cli, &grading) };
            let report = grade::grade(exercise, &source, &options).map_err(|e| e.to_string())?;
            print_report(&report, args.json);
            if let Some(path) = &args.timeline {
                write_timeline(&report, path)?;
            }
            Ok(report.exit_code())
        }
        Command::Batch(args) => class_command::batch(cli, args),
        Command::Gradescope(args) => class_command::gradescope(cli, args),
        Command::Merge(args) => class_command::merge(args),
        Command::NewExercise(args) => {
            let written =
                new_exercise::write(&args.name, &args.dir, args.force).map_err(|e| e.to_string())?;
            for path in &written {
                println!("wrote {}", path.display());
            }
            let file = &written[0];
            println!(
                "next: threadlab-grader check --exercise-file {} {}",
                file.display(),
                written[1].display()
            );
            Ok(0)
        }
    }
}
