//! Exercises written outside the grader, end to end through the binary: `new-exercise` writes
//! a file, a solution and a notebook into a temporary folder; `--exercise-file` grades a right
//! and a wrong solution against it (and against an exercise this test writes itself, checked by
//! a rule of its own), `--exercise-set` takes a folder, `replay` reruns a reported failure,
//! `batch` grades a class, and a file that does not compile is a clear error.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_threadlab-grader")).args(args).output().expect("the grader runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(output)))
}

/// An exercise of this test's own, checked by a rule (many correct outputs): three threads
/// print `a`, `b` and `c` n times each, in rounds — each consecutive three letters are a, b and
/// c in any order.
const ROUNDS: &str = r#"
use threadlab_grader::exercise::{Exercise, Fault, Problem, Role, Run, Token};

pub static EXERCISE: Exercise = Exercise {
    id: "letter-rounds",
    aliases: &["rounds"],
    title: "Letter Rounds",
    type_name: "Rounds",
    roles: &[Role::one("a"), Role::one("b"), Role::one("c")],
    rule: "every consecutive group of three letters is a, b and c in some order",
    skeleton: "pub struct Rounds;\nimpl Rounds {\n    pub fn new(n: usize) -> Rounds;\n    pub fn a(&self, print: impl Fn());\n    pub fn b(&self, print: impl Fn());\n    pub fn c(&self, print: impl Fn());\n}",
    sizes: &[1, 2, 3, 4],
    large_size: None,
    expected,
    exact: false,
    records_calls: false,
    check: check_run,
    separator: "",
};

fn expected(n: usize) -> Vec<Token> {
    (0..n).flat_map(|_| ["a", "b", "c"]).map(|w| Token::Word(w.into())).collect()
}

fn check_run(run: &Run<'_>) -> Result<(), Problem> {
    let mut round: Vec<String> = Vec::new();
    let mut printed = 0;
    for (index, event) in run.callbacks() {
        let letter = event.token.to_string();
        if round.contains(&letter) {
            let message = format!("{letter} printed twice in round {} (token {})", printed / 3 + 1, printed + 1);
            return Err(Problem::new(Fault::WrongOutput, index, message));
        }
        round.push(letter);
        printed += 1;
        if round.len() == 3 {
            round.clear();
        }
    }
    if run.complete && printed != 3 * run.n {
        return Err(Problem::new(Fault::WrongOutput, run.events.len(), format!("{printed} letters, not {}", 3 * run.n)));
    }
    Ok(())
}

macro_rules! adapter {
    ($t:ty) => {
        ::threadlab_grader::Subject::of::<$t>(&EXERCISE, |n| <$t>::new(n))
            .method(|o, p| o.a(|| p.word("a")))
            .method(|o, p| o.b(|| p.word("b")))
            .method(|o, p| o.c(|| p.word("c")))
            .build()
    };
}
"#;

/// Right: each thread prints, then waits for the other two at a barrier.
const ROUNDS_RIGHT: &str = r#"
use threading::Barrier;

pub struct Rounds { n: usize, barrier: Barrier }

impl Rounds {
    pub fn new(n: usize) -> Rounds {
        Rounds { n, barrier: Barrier::new(3).expect("3 parties") }
    }
    fn round(&self, print: impl Fn()) {
        for _ in 0..self.n {
            print();
            self.barrier.wait().expect("nobody breaks the barrier");
        }
    }
    pub fn a(&self, print: impl Fn()) { self.round(print) }
    pub fn b(&self, print: impl Fn()) { self.round(print) }
    pub fn c(&self, print: impl Fn()) { self.round(print) }
}
"#;

/// Wrong: nobody waits for the others.
const ROUNDS_WRONG: &str = r#"
pub struct Rounds { n: usize }

impl Rounds {
    pub fn new(n: usize) -> Rounds { Rounds { n } }
    pub fn a(&self, print: impl Fn()) { for _ in 0..self.n { print() } }
    pub fn b(&self, print: impl Fn()) { for _ in 0..self.n { print() } }
    pub fn c(&self, print: impl Fn()) { for _ in 0..self.n { print() } }
}
"#;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn an_exercise_written_outside_the_grader_grades_right_and_wrong_solutions() {
    let dir = tempfile::tempdir().unwrap();
    let exercise = dir.path().join("set/exercises/letter_rounds.rs");
    write(&exercise, ROUNDS);
    write(&dir.path().join("class/rounds_right.rs"), ROUNDS_RIGHT);
    write(&dir.path().join("class/rounds_wrong.rs"), ROUNDS_WRONG);
    let exercise = exercise.to_str().unwrap();
    let right = dir.path().join("class/rounds_right.rs");
    let wrong = dir.path().join("class/rounds_wrong.rs");

    let pass = run(&["check", "--exercise-file", exercise, right.to_str().unwrap(), "--json"]);
    assert_eq!(pass.status.code(), Some(0), "{}", text(&pass));
    let report = json(&pass);
    assert_eq!(
        (report["exercise"].as_str(), report["verdict"].as_str()),
        (Some("letter-rounds"), Some("pass"))
    );
    assert_eq!(report["mode"], "controlled", "{report}");

    let fail = run(&["check", "--exercise-file", exercise, wrong.to_str().unwrap()]);
    assert_eq!(fail.status.code(), Some(1), "{}", text(&fail));
    let output = text(&fail);
    assert!(output.contains("FAIL (wrong-output)"), "{output}");
    assert!(output.contains("printed twice in round"), "the exercise's own message: {output}");

    // The printed replay command names the exercise file, and replays the same failure.
    let line = output.lines().find(|l| l.trim_start().starts_with("replay: ")).expect("a replay line");
    let command = line.trim_start().trim_start_matches("replay: threadlab-grader ");
    assert!(command.contains(&format!("--exercise-file {exercise} --exercise letter-rounds")), "{command}");
    let words: Vec<&str> = command.split_whitespace().collect();
    let replayed = run(&words);
    assert_eq!(replayed.status.code(), Some(1), "{}", text(&replayed));
    assert!(text(&replayed).contains("printed twice in round"), "{}", text(&replayed));

    // The set folder gives the same exercise, listed next to the built-in ones, by id or alias.
    let set = dir.path().join("set");
    let listed = json(&run(&["exercises", "--json", "--exercise-set", set.to_str().unwrap()]));
    let ids: Vec<&str> = listed.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.first(), Some(&"print-in-order"));
    assert_eq!(ids.last(), Some(&"letter-rounds"));
    let by_alias =
        run(&["check", "--exercise-set", set.to_str().unwrap(), "-e", "rounds", right.to_str().unwrap()]);
    assert_eq!(by_alias.status.code(), Some(0), "{}", text(&by_alias));

    // A class at once: one row per submission, as graded.
    let book = dir.path().join("book.jsonl");
    let batch = run(&[
        "batch",
        "--exercise-file",
        exercise,
        dir.path().join("class").to_str().unwrap(),
        "--out",
        book.to_str().unwrap(),
    ]);
    assert!(batch.status.code().is_some(), "{}", text(&batch));
    let rows: Vec<Value> =
        std::fs::read_to_string(&book).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let verdict = |name: &str| {
        rows.iter()
            .find(|r| r["submission"].as_str().is_some_and(|s| s.ends_with(name)))
            .and_then(|r| r["verdict"].as_str().map(str::to_string))
    };
    assert_eq!(verdict("rounds_right.rs").as_deref(), Some("pass"), "{rows:?}");
    assert_eq!(verdict("rounds_wrong.rs").as_deref(), Some("wrong-output"), "{rows:?}");
}

#[test]
fn new_exercise_writes_a_file_a_solution_and_a_notebook_that_grade() {
    let dir = tempfile::tempdir().unwrap();
    let made = run(&["new-exercise", "ping-pong", "--dir", dir.path().to_str().unwrap()]);
    assert!(made.status.success(), "{}", text(&made));
    let exercise = dir.path().join("ping_pong.rs");
    let solution = dir.path().join("solutions/ping_pong.rs");
    let notebook: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("ping_pong.ipynb")).unwrap())
            .expect("the notebook is JSON");

    // The notebook's definition cell is the file; its solution cell is tagged for nbgrader.
    let cells = notebook["cells"].as_array().unwrap();
    let source = |c: &Value| match &c["source"] {
        Value::String(s) => s.clone(),
        other => other.as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect(),
    };
    let definition = cells.iter().find(|c| c["metadata"]["tags"][0] == "exercise-definition").unwrap();
    assert_eq!(source(definition), std::fs::read_to_string(&exercise).unwrap().trim_end());
    let starter = cells.iter().find(|c| c["metadata"]["nbgrader"]["solution"] == true).unwrap();
    assert_eq!(starter["metadata"]["nbgrader"]["grade_id"], "ping_pong_solution");
    assert_eq!(notebook["metadata"]["kernelspec"]["name"], "threadlab");

    // Again without --force: nothing is overwritten.
    let again = run(&["new-exercise", "ping-pong", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again).contains("exists (use --force"), "{}", text(&again));
    let bad = run(&["new-exercise", "Ping Pong", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));

    // The reference solution passes; the notebook's starter fails.
    let pass = run(&["check", "--exercise-file", exercise.to_str().unwrap(), solution.to_str().unwrap()]);
    assert_eq!(pass.status.code(), Some(0), "{}", text(&pass));
    let starter_file = dir.path().join("starter.rs");
    std::fs::write(&starter_file, source(starter)).unwrap();
    let fail = run(&["--exercise-file", exercise.to_str().unwrap(), "check", starter_file.to_str().unwrap()]);
    assert_eq!(fail.status.code(), Some(1), "{}", text(&fail));
    assert!(text(&fail).contains("where ping was expected"), "{}", text(&fail));

    // An edited file is graded as edited (the grader built for the old text is not reused).
    let edited =
        std::fs::read_to_string(&exercise).unwrap().replace("large_size: Some(100)", "large_size: None");
    std::fs::write(&exercise, edited).unwrap();
    let pass = run(&["check", "--exercise-file", exercise.to_str().unwrap(), solution.to_str().unwrap()]);
    assert_eq!(pass.status.code(), Some(0), "{}", text(&pass));
}

#[test]
fn an_exercise_file_that_does_not_compile_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let exercise = dir.path().join("broken.rs");
    write(&exercise, &ROUNDS.replace("exact: false,", ""));
    write(&dir.path().join("rounds.rs"), ROUNDS_RIGHT);
    let output = run(&[
        "check",
        "--exercise-file",
        exercise.to_str().unwrap(),
        dir.path().join("rounds.rs").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let said = text(&output);
    assert!(said.contains("the exercise files do not compile"), "{said}");
    assert!(said.contains("missing field `exact`"), "rustc's own message: {said}");
    assert!(said.contains("broken.rs"), "the author's file is named: {said}");

    let missing = run(&["check", "--exercise-file", "/nonexistent/x.rs", "y.rs"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing).contains("cannot read the exercise file /nonexistent/x.rs"), "{}", text(&missing));
}
