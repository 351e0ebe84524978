//! Gradescope: the autograder zip made by `classroom/gradescope/make-autograder.sh`, and its
//! `run_autograder` run against a temporary root laid out like `/autograder/` (the grader built
//! here standing in for the one `setup.sh` builds), with `results.json` checked field by field
//! for a right, a wrong and a non-compiling submission, and a notebook with several exercises.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// Makes the zip for `exercises` and unpacks it where Gradescope would: `ROOT/source`, with
/// `run_autograder` copied to `ROOT/run_autograder`.
fn autograder(exercises: &[&str]) -> tempfile::TempDir {
    autograder_with(&[], exercises)
}

/// The same with make-autograder.sh's `options` (`--exercise-set DIR`, ...).
fn autograder_with(options: &[&std::ffi::OsStr], exercises: &[&str]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let zip = root.path().join("autograder.zip");
    let made = Command::new("bash")
        .arg(repo("classroom/gradescope/make-autograder.sh"))
        .args(options)
        .arg(&zip)
        .args(exercises)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let source = root.path().join("source");
    // What Gradescope's unzip does, with Python's zipfile (a fresh machine may lack unzip):
    // every file extracted with the mode the zip recorded.
    let unzip = "import os, sys, zipfile\n\
                 archive = zipfile.ZipFile(sys.argv[1])\n\
                 for entry in archive.infolist():\n\
                 \x20   path = archive.extract(entry, sys.argv[2])\n\
                 \x20   if entry.external_attr >> 16:\n\
                 \x20       os.chmod(path, entry.external_attr >> 16)\n";
    let unzipped = Command::new("python3").arg("-c").arg(unzip).arg(&zip).arg(&source).status().unwrap();
    assert!(unzipped.success());
    for file in [
        "setup.sh",
        "run_autograder",
        "authored.sh",
        "rust-version",
        "exercises",
        "threadlab/Cargo.lock",
        "threadlab/grader/Cargo.toml",
    ] {
        assert!(source.join(file).is_file(), "the zip has no {file}");
    }
    assert!(source.join("reference").read_dir().unwrap().count() >= 3);
    let mode = |f: &str| {
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(source.join(f)).unwrap().permissions())
    };
    assert!(mode("setup.sh") & 0o100 != 0 && mode("run_autograder") & 0o100 != 0, "scripts are executable");
    // setup.sh needs the internet and root on Gradescope's image: only its syntax is checked here.
    for script in ["setup.sh", "run_autograder", "authored.sh"] {
        assert!(Command::new("bash").arg("-n").arg(source.join(script)).status().unwrap().success());
    }
    std::fs::copy(source.join("run_autograder"), root.path().join("run_autograder")).unwrap();
    std::fs::create_dir(root.path().join("submission")).unwrap();
    root
}

/// Runs `ROOT/run_autograder` and returns `ROOT/results/results.json`.
fn run_autograder(root: &Path) -> Value {
    let output = Command::new(root.join("run_autograder"))
        .env("AUTOGRADER_ROOT", root)
        .env("THREADLAB_GRADER", env!("CARGO_BIN_EXE_threadlab-grader"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(root.join("results/results.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The fields Gradescope reads, with their types, and nothing unknown.
fn check_shape(results: &Value) {
    let mut top: Vec<&str> = results.as_object().unwrap().keys().map(String::as_str).collect();
    top.sort_unstable();
    assert_eq!(top, ["execution_time", "output", "score", "stdout_visibility", "tests", "visibility"]);
    assert!(results["score"].is_number());
    assert!(results["execution_time"].is_u64());
    assert!(results["output"].is_string());
    assert_eq!(results["visibility"], "visible");
    assert_eq!(results["stdout_visibility"], "hidden");
    for (i, test) in results["tests"].as_array().unwrap().iter().enumerate() {
        let mut keys: Vec<&str> = test.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["max_score", "name", "number", "output", "score", "status", "visibility"]);
        assert!(test["name"].is_string() && test["output"].is_string());
        assert!(test["score"].is_number() && test["max_score"].is_number());
        assert!(test["status"] == "passed" || test["status"] == "failed");
        assert_eq!(test["visibility"], "visible");
        assert_eq!(test["number"], json!((i + 1).to_string()));
    }
}

/// Each test's (name, score, status), in order.
fn summary(results: &Value) -> Vec<(&str, i64, &str)> {
    results["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["score"].as_i64().unwrap(), t["status"].as_str().unwrap()))
        .collect()
}

fn grade_file(case: &str) -> Value {
    let root = autograder(&["foobar"]);
    std::fs::copy(repo(case), root.path().join("submission/foobar.rs")).unwrap();
    let results = run_autograder(root.path());
    check_shape(&results);
    results
}

#[test]
fn a_right_submission_gets_full_points() {
    let results = grade_file("notebooks/solutions/foobar.rs");
    assert_eq!(results["score"], 10);
    let test = &results["tests"][0];
    assert_eq!(results["tests"].as_array().unwrap().len(), 1);
    assert_eq!(test["name"], "Print FooBar Alternately (foobar.rs)");
    assert_eq!(test["score"], 10);
    assert_eq!(test["max_score"], 10);
    assert_eq!(test["status"], "passed");
    assert!(test["output"].as_str().unwrap().contains("PASS after"), "{test}");
    assert!(results["output"].as_str().unwrap().starts_with("1 of 1 exercises right"));
}

#[test]
fn a_wrong_submission_gets_no_points_and_a_replay() {
    let results = grade_file("tests/grader/corpus/foobar/no_sync.rs");
    assert_eq!(results["score"], 0);
    let test = &results["tests"][0];
    assert_eq!(test["score"], 0);
    assert_eq!(test["max_score"], 10);
    assert_eq!(test["status"], "failed");
    let output = test["output"].as_str().unwrap();
    assert!(output.contains("FAIL (wrong-output)"), "{output}");
    assert!(output.contains("replay"), "{output}");
    assert!(output.contains("0 points: wrong under the schedule above, and with real threads"), "{output}");
}

#[test]
fn a_submission_that_does_not_compile_gets_no_points_and_the_error() {
    let results = grade_file("tests/grader/corpus/print-in-order/compile_error.rs");
    assert_eq!(results["score"], 0);
    let test = &results["tests"][0];
    assert_eq!(test["status"], "failed");
    assert_eq!(test["score"], 0);
    let output = test["output"].as_str().unwrap();
    assert!(output.contains("compile-error"), "{output}");
    assert!(output.contains("0 points: the solution did not build or was rejected."), "{output}");
}

#[test]
fn a_notebook_is_graded_per_exercise_and_a_missing_exercise_is_a_failed_test() {
    let root = autograder(&["print-in-order", "foobar", "zero-even-odd"]);
    let cell = |grade_id: &str, file: &str| {
        json!({"cell_type": "code", "execution_count": null, "outputs": [],
               "source": std::fs::read_to_string(repo(file)).unwrap(),
               "metadata": {"nbgrader": {"solution": true, "grade": false, "locked": false,
                                          "grade_id": grade_id, "schema_version": 3}}})
    };
    let notebook = json!({"cells": [
            cell("print_in_order_solution", "notebooks/solutions/print_in_order.rs"),
            cell("foobar_solution", "tests/grader/corpus/foobar/no_sync.rs")],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5});
    std::fs::write(root.path().join("submission/week6.ipynb"), notebook.to_string()).unwrap();
    let results = run_autograder(root.path());
    check_shape(&results);
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(
        summary(&results),
        [
            ("Print in Order (week6.ipynb)", 10, "passed"),
            ("Print FooBar Alternately (week6.ipynb)", 0, "failed"),
            ("Print Zero Even Odd (week6.ipynb)", 0, "failed"),
        ]
    );
    assert_eq!(results["score"], 10);
    let missing = tests[2]["output"].as_str().unwrap();
    assert!(
        missing
            .contains("has no solution cell for zero-even-odd (nbgrader grade_id `zero_even_odd_solution`)"),
        "{missing}"
    );

    // A submission with no file for an exercise at all: a failed test that says what to hand in.
    std::fs::remove_file(root.path().join("submission/week6.ipynb")).unwrap();
    std::fs::copy(repo("notebooks/solutions/foobar.rs"), root.path().join("submission/foobar.rs")).unwrap();
    let results = run_autograder(root.path());
    check_shape(&results);
    let names: Vec<&str> =
        results["tests"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Print FooBar Alternately (foobar.rs)",
            "Print in Order (no submission)",
            "Print Zero Even Odd (no submission)"
        ]
    );
    assert_eq!(results["score"], 10);
    assert!(results["tests"][1]["output"].as_str().unwrap().contains("hand in `print_in_order.rs`"));
}

/// An exercise set written with `new-exercise`, outside the repository, as an author would.
fn authored_set(folder: &Path) -> PathBuf {
    let set = folder.join("my-set");
    let made = Command::new(env!("CARGO_BIN_EXE_threadlab-grader"))
        .args(["new-exercise", "ping-pong", "--dir"])
        .arg(&set)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    set
}

#[test]
fn an_authored_exercise_set_is_packed_and_graded_like_a_built_in_exercise() {
    let authors = tempfile::tempdir().unwrap();
    let set = authored_set(authors.path());
    let root = autograder_with(&["--exercise-set".as_ref(), set.as_os_str()], &["ping-pong", "foobar"]);
    let source = root.path().join("source");
    assert!(source.join("authored/sets/my-set/ping_pong.rs").is_file());
    assert!(source.join("authored/sets/my-set/ping_pong.ipynb").is_file());
    // Its reference solution warms the cache in setup.sh, next to the built-in ones.
    assert!(source.join("reference/ping_pong.rs").is_file());
    assert!(source.join("reference/foobar.rs").is_file());
    // The zip is all Gradescope gets: the author's folder is gone when it grades.
    drop(authors);

    std::fs::copy(source.join("reference/ping_pong.rs"), root.path().join("submission/ping_pong.rs"))
        .unwrap();
    let results = run_autograder(root.path());
    check_shape(&results);
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(
        summary(&results),
        [
            ("Ping Pong (ping_pong.rs)", 10, "passed"),
            ("Print FooBar Alternately (no submission)", 0, "failed")
        ]
    );
    assert!(tests[0]["output"].as_str().unwrap().contains("PASS after"), "{}", tests[0]);

    // A solution without synchronisation fails with a schedule to replay.
    let unsynchronised = "pub struct PingPong { n: usize }\n\
        impl PingPong {\n\
            pub fn new(n: usize) -> PingPong { PingPong { n } }\n\
            pub fn ping(&self, print_ping: impl Fn()) { for _ in 0..self.n { print_ping(); } }\n\
            pub fn pong(&self, print_pong: impl Fn()) { for _ in 0..self.n { print_pong(); } }\n\
        }\n";
    std::fs::write(root.path().join("submission/ping_pong.rs"), unsynchronised).unwrap();
    let results = run_autograder(root.path());
    check_shape(&results);
    let test = &results["tests"][0];
    assert_eq!(test["name"], "Ping Pong (ping_pong.rs)");
    assert_eq!(test["status"], "failed");
    assert!(test["score"].as_i64().unwrap() < 10, "{test}");
    let output = test["output"].as_str().unwrap();
    assert!(output.contains("FAIL (wrong-output)") && output.contains("replay"), "{output}");
}

#[test]
fn make_autograder_refuses_two_exercise_sets_with_one_name() {
    let authors = tempfile::tempdir().unwrap();
    let set = authored_set(authors.path());
    let other = authors.path().join("elsewhere/my-set");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::copy(set.join("ping_pong.rs"), other.join("ping_pong.rs")).unwrap();
    let out = authors.path().join("autograder.zip");
    let made = Command::new("bash")
        .arg(repo("classroom/gradescope/make-autograder.sh"))
        .arg("--exercise-set")
        .arg(&set)
        .arg("--exercise-set")
        .arg(&other)
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(made.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&made.stderr).contains("two exercise sets are named my-set"));
    assert!(!out.exists());
}

#[test]
fn a_grader_that_cannot_run_still_leaves_a_results_file() {
    let root = autograder(&["foobar"]);
    std::fs::copy(repo("notebooks/solutions/foobar.rs"), root.path().join("submission/foobar.rs")).unwrap();
    let output = Command::new(root.path().join("run_autograder"))
        .env("AUTOGRADER_ROOT", root.path())
        .env("THREADLAB_GRADER", root.path().join("no-such-grader"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(root.path().join("results/results.json")).unwrap())
            .unwrap();
    assert_eq!(results["score"], 0);
    assert!(results["output"].as_str().unwrap().contains("The grader itself failed"));
}
