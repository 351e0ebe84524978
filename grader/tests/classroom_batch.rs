//! A class at scale: rows written as they are graded, `--resume` after a kill, shards merged,
//! a broken submission as an error row, a class of multi-exercise notebooks in one gradebook,
//! and the class page (`--report`).

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use threadlab_grader::cli::gradebook::{self, Entry};

fn grader() -> Command {
    Command::new(env!("CARGO_BIN_EXE_threadlab-grader"))
}

fn run(args: &[&str]) -> Output {
    grader().args(args).output().unwrap()
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// FooBar submissions whose verdicts do not depend on timing (controlled scheduling, or
/// rejected/compile errors): three right, three wrong.
const FOOBAR: [&str; 6] = [
    "condition.rs",
    "events_clear_first.rs",
    "no_sync.rs",
    "off_by_one.rs",
    "semaphores.rs",
    "wrong_initial_turn.rs",
];

fn foobar_class() -> tempfile::TempDir {
    let class = tempfile::tempdir().unwrap();
    for (i, case) in FOOBAR.iter().enumerate() {
        let dir = class.path().join(format!("student{i}"));
        std::fs::create_dir(&dir).unwrap();
        std::fs::copy(repo(&format!("tests/grader/corpus/foobar/{case}")), dir.join("foobar.rs")).unwrap();
    }
    class
}

/// What must not change between two gradings of one class: everything but timings.
fn outcome(entries: &[Entry]) -> Vec<(String, String, String, u32, String)> {
    entries
        .iter()
        .map(|e| (e.submission.clone(), e.exercise.clone(), e.verdict.clone(), e.score, e.replay.clone()))
        .collect()
}

fn batch(class: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "batch",
        "-e",
        "foobar",
        class.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--repeat",
        "2",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn a_batch_killed_halfway_resumes_where_it_stopped() {
    let class = foobar_class();
    let out = tempfile::tempdir().unwrap();
    let whole = out.path().join("whole.csv");
    let result = batch(class.path(), &whole, &["--jobs", "2"]);
    assert_eq!(result.status.code(), Some(1), "{}", String::from_utf8_lossy(&result.stderr));
    let whole = gradebook::read(&whole).unwrap();
    assert_eq!(whole.len(), FOOBAR.len());
    assert_eq!(whole.iter().filter(|e| e.passed()).count(), 3, "{whole:?}");

    // One at a time, killed (SIGKILL: no chance to clean up) once two rows are in the book.
    let book = out.path().join("book.csv");
    let mut child = grader()
        .args(["batch", "-e", "foobar", class.path().to_str().unwrap(), "--out", book.to_str().unwrap()])
        .args(["--repeat", "2", "--jobs", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Complete rows only (a message may hold newlines inside quotes; a row may be half written).
    let rows = |path: &Path| {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let complete = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
        gradebook::parse(complete, gradebook::Format::Csv).map(|rows| rows.len()).unwrap_or(0)
    };
    while rows(&book) < 2 {
        assert!(child.try_wait().unwrap().is_none(), "the batch ended before it could be killed");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), None, "killed by a signal");
    let before = gradebook::read(&book).unwrap();
    assert!(before.len() >= 2 && before.len() < FOOBAR.len(), "killed halfway: {} rows", before.len());

    let resumed = batch(class.path(), &book, &["--jobs", "2", "--resume"]);
    assert_eq!(resumed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    let expected =
        format!("resuming: {} rows already graded, {} to grade", before.len(), FOOBAR.len() - before.len());
    assert!(stderr.contains(&expected), "{stderr}");
    let after = gradebook::read(&book).unwrap();
    // The rows graded before the kill are kept as they were (their timings too: not regraded).
    for row in &before {
        assert!(after.contains(row), "{row:?} was lost or regraded");
    }
    assert_eq!(outcome(&after), outcome(&whole));

    // Resuming a finished book grades nothing.
    let again = batch(class.path(), &book, &["--resume"]);
    assert!(
        String::from_utf8_lossy(&again.stderr)
            .contains(&format!("resuming: {} rows already graded, 0 to grade", FOOBAR.len()))
    );
}

#[test]
fn shards_merged_equal_one_run() {
    let class = foobar_class();
    let out = tempfile::tempdir().unwrap();
    let whole = out.path().join("whole.csv");
    batch(class.path(), &whole, &["--jobs", "2"]);
    let whole = gradebook::read(&whole).unwrap();
    assert_eq!(whole.len(), FOOBAR.len());

    let mut shards = Vec::new();
    let mut seen = BTreeMap::new();
    for k in 0..3 {
        let path = out.path().join(format!("shard-{k}.jsonl"));
        let result = batch(class.path(), &path, &["--shard", &format!("{k}/3"), "--jobs", "1"]);
        assert!(matches!(result.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&result.stderr));
        let entries = gradebook::read(&path).unwrap();
        assert_eq!(entries.len(), 2, "shard {k} has two of the six");
        for e in entries {
            assert!(seen.insert(e.submission.clone(), k).is_none(), "{} is in two shards", e.submission);
        }
        shards.push(path);
    }
    let merged = out.path().join("all.csv");
    let mut args = vec!["merge".to_string()];
    args.extend(shards.iter().map(|p| p.display().to_string()));
    args.extend(["--out".into(), merged.display().to_string()]);
    let result = grader().args(&args).output().unwrap();
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    assert_eq!(outcome(&gradebook::read(&merged).unwrap()), outcome(&whole));

    let bad = run(&["batch", "-e", "foobar", class.path().to_str().unwrap(), "--shard", "3/3"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_submission_that_breaks_the_grader_is_an_error_row() {
    let class = tempfile::tempdir().unwrap();
    std::fs::copy(repo("tests/grader/corpus/foobar/condition.rs"), class.path().join("a.rs")).unwrap();
    std::fs::write(class.path().join("b.rs"), b"pub struct FooBar;\xff\xfe").unwrap();
    std::fs::write(class.path().join("c.ipynb"), "{ not json").unwrap();
    std::fs::copy(repo("tests/grader/corpus/foobar/no_sync.rs"), class.path().join("d.rs")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let book = out.path().join("book.csv");
    let result = batch(class.path(), &book, &["--jobs", "2"]);
    assert_eq!(result.status.code(), Some(1));
    let verdicts: Vec<String> = gradebook::read(&book).unwrap().iter().map(|e| e.verdict.clone()).collect();
    assert_eq!(verdicts, ["pass", "error", "error", "wrong-output"]);
    let entries = gradebook::read(&book).unwrap();
    assert!(entries[1].message.contains("not UTF-8"), "{:?}", entries[1]);
    assert!(entries[2].message.contains("not a valid notebook"), "{:?}", entries[2]);
}

fn code_cell(grade_id: &str, source: &str) -> Value {
    json!({
        "cell_type": "code", "execution_count": null, "outputs": [], "source": source,
        "metadata": {"nbgrader": {"grade": false, "solution": true, "locked": false,
                                   "grade_id": grade_id, "schema_version": 3}}
    })
}

/// A notebook with a solution cell per exercise (nbgrader grade_id `<exercise>_solution`).
fn notebook(cells: &[(&str, String)]) -> String {
    let mut all = vec![json!({"cell_type": "markdown", "metadata": {}, "source": "# Week 6"})];
    for (grade_id, source) in cells {
        all.push(code_cell(grade_id, source));
        all.push(json!({"cell_type": "code", "execution_count": null, "outputs": [], "metadata": {},
                        "source": "threadlab_grader::check!(x, X);"}));
    }
    json!({"cells": all, "metadata": {"kernelspec": {"name": "threadlab", "language": "rust"}},
           "nbformat": 4, "nbformat_minor": 5})
    .to_string()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap()
}

/// Checks that every element is closed in order (the page is XHTML-clean), and returns the
/// element names in document order.
fn balanced_elements(html: &str) -> Vec<String> {
    let body = html.strip_prefix("<!DOCTYPE html>").expect("a doctype");
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>').expect("an unclosed tag");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.trim()), "misnested </{name}>");
        } else {
            let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            assert!(!name.is_empty(), "bad tag <{tag}>");
            names.push(name.clone());
            if name == "script" || name == "style" {
                let close = format!("</{name}>");
                let at = rest.find(&close).expect("closed");
                rest = &rest[at + close.len()..];
            } else if !tag.ends_with('/') {
                stack.push(name);
            }
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    names
}

#[test]
fn a_class_of_notebooks_grades_in_one_command_with_a_column_per_exercise_and_one_page() {
    let class = tempfile::tempdir().unwrap();
    let right = [
        ("print_in_order_solution", read("notebooks/solutions/print_in_order.rs")),
        ("foobar_solution", read("notebooks/solutions/foobar.rs")),
        ("zero_even_odd_solution", read("notebooks/solutions/zero_even_odd.rs")),
    ];
    std::fs::write(class.path().join("ada.ipynb"), notebook(&right)).unwrap();
    let mixed = [
        ("print_in_order_solution", read("tests/grader/corpus/print-in-order/compile_error.rs")),
        ("foobar_solution", read("tests/grader/corpus/foobar/no_sync.rs")),
        ("zero_even_odd_solution", read("notebooks/solutions/zero_even_odd.rs")),
    ];
    std::fs::write(class.path().join("bob.ipynb"), notebook(&mixed)).unwrap();
    // Cy handed in two of the three.
    std::fs::write(class.path().join("cy.ipynb"), notebook(&right[..2])).unwrap();

    let out = tempfile::tempdir().unwrap();
    let (book, sheet, page) =
        (out.path().join("book.csv"), out.path().join("sheet.csv"), out.path().join("class.html"));
    let result = run(&[
        "batch",
        class.path().to_str().unwrap(),
        "--out",
        book.to_str().unwrap(),
        "--sheet",
        sheet.to_str().unwrap(),
        "--report",
        page.to_str().unwrap(),
        "--repeat",
        "2",
        "--jobs",
        "2",
    ]);
    assert_eq!(result.status.code(), Some(1), "{}", String::from_utf8_lossy(&result.stderr));
    let entries = gradebook::read(&book).unwrap();
    let got: Vec<(String, &str, &str)> = entries
        .iter()
        .map(|e| {
            let file = Path::new(&e.submission).file_name().unwrap().to_string_lossy().to_string();
            (file, e.exercise.as_str(), e.verdict.as_str())
        })
        .collect();
    let want = [
        ("ada.ipynb", "foobar", "pass"),
        ("ada.ipynb", "print-in-order", "pass"),
        ("ada.ipynb", "zero-even-odd", "pass"),
        ("bob.ipynb", "foobar", "wrong-output"),
        ("bob.ipynb", "print-in-order", "compile-error"),
        ("bob.ipynb", "zero-even-odd", "pass"),
        ("cy.ipynb", "foobar", "pass"),
        ("cy.ipynb", "print-in-order", "pass"),
    ];
    let want: Vec<(String, &str, &str)> = want.iter().map(|(f, e, v)| (f.to_string(), *e, *v)).collect();
    assert_eq!(got, want);
    // A compile error is placed on the learner's cell.
    assert!(entries[4].report.contains("cell "), "{}", entries[4].report);

    let sheet = std::fs::read_to_string(sheet).unwrap();
    let lines: Vec<&str> = sheet.lines().collect();
    assert_eq!(lines[0], "submission,print-in-order,foobar,zero-even-odd,passed");
    assert!(lines[1].ends_with("ada.ipynb,pass,pass,pass,3"), "{sheet}");
    assert!(lines[2].ends_with("bob.ipynb,compile-error,wrong-output,pass,1"), "{sheet}");
    assert!(lines[3].ends_with("cy.ipynb,pass,pass,,2"), "{sheet}");

    // With --exercise, a notebook without that exercise's cell is an error row.
    let only = out.path().join("zeo.csv");
    run(&[
        "batch",
        "-e",
        "zero-even-odd",
        class.path().to_str().unwrap(),
        "--out",
        only.to_str().unwrap(),
        "--repeat",
        "1",
    ]);
    let verdicts: Vec<String> = gradebook::read(&only).unwrap().iter().map(|e| e.verdict.clone()).collect();
    assert_eq!(verdicts, ["pass", "pass", "error"]);

    // The page: well-formed, self-contained, one table row per graded row, the histograms'
    // counts, every report and the failing rows' replay commands.
    let html = std::fs::read_to_string(page).unwrap();
    let elements = balanced_elements(&html);
    for external in ["http://", "https://", "src=", "<link", "@import"] {
        let allowed = external == "http://"
            && html.matches("http://").count()
                == html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
        assert!(allowed || !html.contains(external), "the page fetches something: {external}");
    }
    assert_eq!(html.matches("<tr class=\"row\"").count(), entries.len());
    assert_eq!(html.matches("<svg class=\"histogram\"").count(), 3, "a histogram per exercise");
    // The failing row that ran controlled (foobar's wrong output) shows its run's timeline inline,
    // in its own report; passing rows have none. (The CSV gradebook does not carry timelines.)
    let drawn = html.matches("<div class=\"timeline\"><svg ").count();
    assert_eq!(elements.iter().filter(|e| *e == "svg").count(), 3 + drawn);
    let report_of = |i: usize| {
        let start = html.find(&format!("<details id=\"s{i}\"")).unwrap();
        &html[start..start + html[start..].find("</details>").unwrap()]
    };
    assert!(report_of(3).contains("<div class=\"timeline\"><svg "), "no timeline for the wrong-output row");
    for (i, entry) in entries.iter().enumerate() {
        assert!(!entry.passed() || !report_of(i).contains("class=\"timeline\""), "a pass with a timeline");
    }
    let bar = |exercise: &str, verdict: &str| {
        let svg_start = html.find(&format!("<svg class=\"histogram\" data-exercise=\"{exercise}\"")).unwrap();
        let svg = &html[svg_start..svg_start + html[svg_start..].find("</svg>").unwrap()];
        let at = svg.find(&format!("data-verdict=\"{verdict}\" data-count=\""))?;
        let count = &svg[at..].split("data-count=\"").nth(1).unwrap();
        Some(count[..count.find('"').unwrap()].parse::<usize>().unwrap())
    };
    assert_eq!(bar("foobar", "pass"), Some(2));
    assert_eq!(bar("foobar", "wrong-output"), Some(1));
    assert_eq!(bar("print-in-order", "pass"), Some(2));
    assert_eq!(bar("print-in-order", "compile-error"), Some(1));
    assert_eq!(bar("zero-even-odd", "pass"), Some(2));
    assert_eq!(bar("zero-even-odd", "deadlock"), None);
    assert_eq!(html.matches("<details id=").count(), entries.len());
    let replay = &entries[3].replay;
    assert!(!replay.is_empty());
    assert!(html.contains(&format!(
        "threadlab-grader replay --exercise foobar {} --schedule {replay}",
        entries[3].submission
    )));
    assert!(html.contains("FAIL (wrong-output)"));

    // The replay command works on the multi-exercise notebook: it grades that exercise's cell.
    let replayed = run(&["replay", "-e", "foobar", &entries[3].submission, "--schedule", replay]);
    assert_eq!(replayed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&replayed.stdout).contains("FAIL (wrong-output)"));
}
