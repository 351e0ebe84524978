//! The command line, end to end: exit statuses, the JSON report, replay strings that replay,
//! stdin and notebooks as input, batch grading with its gradebooks.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn grader() -> Command {
    Command::new(env!("CARGO_BIN_EXE_threadlab-grader"))
}

fn corpus(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/grader/corpus").join(case)
}

fn run(args: &[&str]) -> Output {
    grader().args(args).output().expect("the grader runs")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn exercises_lists_every_exercise_with_its_exact_skeleton() {
    let output = run(&["exercises"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for line in [
        "print-in-order",
        "pub fn first(&self, print_first: impl FnOnce());",
        "pub fn new(n: usize) -> FooBar;",
        "pub fn bar(&self, print_bar: impl Fn());",
        "pub fn zero(&self, print_number: impl Fn(usize));",
        "pub fn odd(&self, print_number: impl Fn(usize));",
        "pub fn number(&self, print_number: impl Fn(usize));",
        "pub fn hydrogen(&self, release_hydrogen: impl FnOnce());",
        "pick_left_fork: impl FnOnce(),",
        "pub fn dequeue(&self) -> i32;",
        "cross_car: impl FnOnce(),",
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
    let list = json(&run(&["exercises", "--json"]));
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "print-in-order",
            "foobar",
            "zero-even-odd",
            "fizz-buzz",
            "building-h2o",
            "dining-philosophers",
            "bounded-blocking-queue",
            "traffic-light"
        ]
    );
}

#[test]
fn a_pass_exits_0_and_a_failure_exits_1_with_a_full_json_report() {
    let pass = run(&[
        "check",
        "--exercise",
        "zero-even-odd",
        corpus("zero-even-odd/semaphores.rs").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        pass.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&pass.stdout),
        String::from_utf8_lossy(&pass.stderr)
    );
    let report = json(&pass);
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["exercise"], "zero-even-odd");
    assert_eq!(report["mode"], "controlled");
    for key in ["seed", "runs", "duration_ms"] {
        assert!(report[key].is_u64(), "{key} missing in {report}");
    }
    // Within the default 2 s budget: the whole plan, or at least the budget's minimum.
    let (runs, planned) = (report["runs"].as_u64().unwrap(), report["planned_runs"].as_u64().unwrap());
    assert!(runs == planned || runs >= 300, "{report}");

    let path = corpus("foobar/seed_two_events.rs");
    let fail = run(&["check", "-e", "foobar", path.to_str().unwrap(), "--json", "--seed", "7"]);
    assert_eq!(fail.status.code(), Some(1));
    let report = json(&fail);
    assert_eq!(report["verdict"], "deadlock");
    assert_eq!(report["seed"], 7);
    let failure = &report["failure"];
    assert!(failure["n"].as_u64().unwrap() >= 1);
    assert_eq!(failure["start_order"].as_array().unwrap().len(), 2);
    assert!(failure["expected"].as_str().unwrap().starts_with("foo bar"));
    assert!(failure["divergence"]["index"].is_u64());
    assert_eq!(failure["by_method"][0]["method"], "foo");
    let threads = failure["threads"].as_array().unwrap();
    assert!(
        threads.iter().any(|t| t["name"] == "foo" && t["state"].as_str().unwrap().contains("Event.wait")),
        "{threads:?}"
    );
    // The blocked-on site is the learner's own line.
    assert!(threads.iter().any(|t| t["state"].as_str().unwrap().contains("created at line ")), "{threads:?}");

    // The replay string reruns that very run.
    let schedule = failure["replay"].as_str().unwrap();
    let replay = run(&["replay", "-e", "foobar", path.to_str().unwrap(), "--schedule", schedule, "--json"]);
    assert_eq!(replay.status.code(), Some(1));
    let replayed = json(&replay);
    assert_eq!(replayed["verdict"], "deadlock");
    assert_eq!(replayed["runs"], 1);
    assert_eq!(replayed["failure"]["got"], failure["got"]);

    // The readable report says the same.
    let text = run(&["replay", "-e", "foobar", path.to_str().unwrap(), "--schedule", schedule]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("FAIL (deadlock)") && text.contains("replay: threadlab-grader replay"), "{text}");
}

#[test]
fn a_spent_time_budget_stops_after_the_minimum_runs_and_says_so() {
    let path = corpus("zero-even-odd/condition.rs");
    let report =
        json(&run(&["check", "-e", "zero-even-odd", path.to_str().unwrap(), "--json", "--budget", "0.001"]));
    assert_eq!(report["verdict"], "pass");
    assert_eq!(
        report["runs"], 300,
        "the budget's minimum (three rounds over 6 orders x 8 sizes and more): {report}"
    );
    assert!(report["notes"].to_string().contains("time budget after 300 of "), "{report}");
    let whole =
        json(&run(&["check", "-e", "zero-even-odd", path.to_str().unwrap(), "--json", "--budget", "0"]));
    // The whole plan (626 runs, fewer if a busy machine made it fall back to OS chaos).
    assert_eq!(whole["runs"], whole["planned_runs"], "{whole}");
}

#[test]
fn bad_input_is_a_clear_error_with_status_2() {
    let unknown = run(&["check", "-e", "sleeping-barber", "x.rs"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown exercise `sleeping-barber`"));
    let missing = run(&["check", "-e", "foobar", "/nonexistent/solution.rs"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent/solution.rs"));
    let bad_replay = run(&[
        "replay",
        "-e",
        "foobar",
        corpus("foobar/condition.rs").to_str().unwrap(),
        "--schedule",
        "c1-n2-o0-AB",
    ]);
    assert_eq!(bad_replay.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_replay.stderr).contains("not a permutation"));
}

#[test]
fn a_submission_on_stdin_is_graded() {
    let mut child = grader()
        .args(["check", "-e", "ordered-print", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let source = std::fs::read(corpus("print-in-order/no_sync.rs")).unwrap();
    child.stdin.take().unwrap().write_all(&source).unwrap();
    let output = child.wait_with_output().unwrap();
    let report = json(&output);
    assert_eq!(report["verdict"], "wrong-output");
    assert_eq!(report["exercise"], "print-in-order");
    assert_eq!(report["submission"], "stdin");
}

fn notebook(cells: &[(&str, &str)]) -> String {
    let cells: Vec<Value> = cells
        .iter()
        .map(|(kind, source)| match *kind {
            "tagged" => serde_json::json!({"cell_type": "code", "metadata": {"tags": ["solution"]}, "source": source, "outputs": [], "execution_count": null}),
            "nbgrader" => serde_json::json!({"cell_type": "code", "metadata": {"nbgrader": {"solution": true, "grade": false}}, "source": source, "outputs": [], "execution_count": null}),
            "code" => serde_json::json!({"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": null}),
            _ => serde_json::json!({"cell_type": "markdown", "metadata": {}, "source": source}),
        })
        .collect();
    serde_json::json!({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).to_string()
}

#[test]
fn notebooks_are_graded_from_their_solution_cells_with_cell_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let solution = std::fs::read_to_string(corpus("foobar/semaphores.rs")).unwrap();
    let (head, tail) = solution.split_at(solution.find("impl FooBar").unwrap());
    let good = notebook(&[
        ("markdown", "# FooBar"),
        ("code", "let scratch = 1; // not part of the solution"),
        ("tagged", &format!(":dep threading\n{head}")),
        ("nbgrader", tail),
    ]);
    let path = dir.path().join("good.ipynb");
    std::fs::write(&path, good).unwrap();
    let report = json(&run(&["check", "-e", "foobar", path.to_str().unwrap(), "--json"]));
    assert_eq!(report["verdict"], "pass", "{report}");

    let broken = notebook(&[
        ("markdown", "text"),
        ("tagged", &format!("{head}const ROUNDS: u32 = \"one\";\n")),
        ("tagged", tail),
    ]);
    let path = dir.path().join("broken.ipynb");
    std::fs::write(&path, broken).unwrap();
    let report = json(&run(&["check", "-e", "foobar", path.to_str().unwrap(), "--json"]));
    assert_eq!(report["verdict"], "compile-error", "{report}");
    let location = report["diagnostics"][0]["location"].as_str().unwrap_or_default();
    assert!(location.starts_with("cell 2, line "), "{report}");

    let untagged = notebook(&[("code", &solution)]);
    let path = dir.path().join("untagged.ipynb");
    std::fs::write(&path, untagged).unwrap();
    let output = run(&["check", "-e", "foobar", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no solution cells"));
}

#[test]
fn batch_grades_a_class_in_parallel_and_writes_gradebooks() {
    let class = tempfile::tempdir().unwrap();
    for (student, case) in [
        ("ada", "condition.rs"),
        ("bob", "if_not_while.rs"),
        ("cy", "cheat_fs_read.rs"),
        ("dee", "notify_one.rs"),
    ] {
        let dir = class.path().join(student);
        std::fs::create_dir(&dir).unwrap();
        std::fs::copy(corpus(&format!("zero-even-odd/{case}")), dir.join("solution.rs")).unwrap();
    }
    std::fs::write(class.path().join("notes.txt"), "not a submission").unwrap();
    let out = tempfile::tempdir().unwrap();
    let (csv, json_book, gradescope) =
        (out.path().join("book.csv"), out.path().join("book.json"), out.path().join("results.json"));
    let output = run(&[
        "batch",
        "-e",
        "zero-even-odd",
        class.path().to_str().unwrap(),
        "--jobs",
        "2",
        "--out",
        csv.to_str().unwrap(),
        "--gradescope",
        gradescope.to_str().unwrap(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "not everyone passed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains("1 of 4 passed"), "{table}");

    let csv = std::fs::read_to_string(csv).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 5, "{csv}");
    assert!(rows[0].starts_with("submission,exercise,verdict,score"));
    let verdicts: Vec<&str> = rows[1..].iter().map(|r| r.split(',').nth(2).unwrap()).collect();
    assert_eq!(verdicts, ["pass", "wrong-output", "rejected", "deadlock"], "{csv}");

    let results: Value = serde_json::from_str(&std::fs::read_to_string(gradescope).unwrap()).unwrap();
    assert_eq!(results["score"], 1);
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 4);
    assert_eq!(tests[0]["status"], "passed");
    assert_eq!(tests[0]["max_score"], 1);
    assert!(tests[3]["output"].as_str().unwrap().contains("FAIL (deadlock)"));

    let output = run(&[
        "batch",
        "-e",
        "zero-even-odd",
        class.path().join("ada").to_str().unwrap(),
        "--out",
        json_book.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let book: Value = serde_json::from_str(&std::fs::read_to_string(json_book).unwrap()).unwrap();
    assert_eq!(book[0]["report"]["verdict"], "pass");
}

#[test]
fn timeline_writes_the_failing_runs_drawing_for_check_and_replay() {
    let dir = tempfile::tempdir().unwrap();
    let path = corpus("foobar/seed_two_events.rs");
    let svg_path = dir.path().join("check.svg");
    let fail = run(&[
        "check",
        "-e",
        "foobar",
        path.to_str().unwrap(),
        "--json",
        "--timeline",
        svg_path.to_str().unwrap(),
    ]);
    assert_eq!(fail.status.code(), Some(1), "{}", String::from_utf8_lossy(&fail.stderr));
    let report = json(&fail);
    // The JSON carries the events the drawing is made of, sites on the learner's own lines.
    let events = &report["events"];
    assert!(events["events"].as_array().is_some_and(|e| !e.is_empty()), "{report}");
    let names: Vec<&str> =
        events["threads"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"foo") && names.contains(&"bar"), "{names:?}");
    assert!(
        events["objects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["site"].as_str().unwrap().starts_with("line ")),
        "{events}"
    );
    let svg = std::fs::read_to_string(&svg_path).expect("--timeline wrote the file");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let lanes: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("data-lane").is_some())
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(lanes, ["foo", "bar", "main"]);

    // The replay draws the very same run; a `.txt` name gets the text table.
    let schedule = report["failure"]["replay"].as_str().unwrap();
    let replayed = dir.path().join("replay.svg");
    let text_path = dir.path().join("replay.txt");
    for out in [&replayed, &text_path] {
        let replay = run(&[
            "replay",
            "-e",
            "foobar",
            path.to_str().unwrap(),
            "--schedule",
            schedule,
            "--timeline",
            out.to_str().unwrap(),
        ]);
        assert_eq!(replay.status.code(), Some(1));
    }
    assert_eq!(std::fs::read_to_string(&replayed).unwrap(), svg);
    let table = std::fs::read_to_string(&text_path).unwrap();
    assert!(table.lines().any(|l| l.starts_with("step | foo") && l.contains("bar")), "{table}");

    // A pass has nothing to draw: no file, and a word on stderr.
    let none = dir.path().join("pass.svg");
    let pass = run(&[
        "check",
        "-e",
        "zero-even-odd",
        corpus("zero-even-odd/semaphores.rs").to_str().unwrap(),
        "--timeline",
        none.to_str().unwrap(),
    ]);
    assert_eq!(pass.status.code(), Some(0));
    assert!(!none.exists());
    assert!(String::from_utf8_lossy(&pass.stderr).contains("no timeline written"));
}
