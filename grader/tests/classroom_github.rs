//! GitHub Classroom: the student repository template in `classroom/github-classroom/template`,
//! its workflow parsed, and each autograding step's `command` run here, as the runner would,
//! from a copy of the template with the solutions filled in: right ones exit 0, wrong ones
//! (and the template's own `todo!()` stubs) do not.

use serde_norway::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn template() -> PathBuf {
    repo("classroom/github-classroom/template")
}

struct Step {
    id: String,
    test_name: String,
    command: String,
    max_score: u64,
}

/// The workflow's autograding steps, after checking the reporter names each of them.
fn grading_steps() -> Vec<Step> {
    let text = std::fs::read_to_string(template().join(".github/workflows/classroom.yml")).unwrap();
    let workflow: Value = serde_norway::from_str(&text).unwrap();
    let jobs = workflow["jobs"].as_mapping().unwrap();
    assert_eq!(jobs.len(), 1);
    let job = jobs.values().next().unwrap();
    assert_eq!(job["runs-on"].as_str(), Some("ubuntu-latest"));
    let steps = job["steps"].as_sequence().unwrap();
    let mut graded = Vec::new();
    let mut reporter = None;
    for step in steps {
        match step["uses"].as_str() {
            Some("classroom-resources/autograding-command-grader@v1") => {
                let with = &step["with"];
                graded.push(Step {
                    id: step["id"].as_str().unwrap().to_string(),
                    test_name: with["test-name"].as_str().unwrap().to_string(),
                    command: with["command"].as_str().unwrap().to_string(),
                    max_score: with["max-score"].as_u64().unwrap(),
                });
                assert!(
                    with["timeout"].as_u64().is_some_and(|t| (1..=360).contains(&t)),
                    "timeout in minutes"
                );
            }
            Some("classroom-resources/autograding-grading-reporter@v1") => reporter = Some(step.clone()),
            _ => {}
        }
    }
    let reporter = reporter.expect("the grading reporter step");
    let runners: Vec<&str> = reporter["with"]["runners"].as_str().unwrap().split(',').collect();
    let ids: Vec<&str> = graded.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(runners, ids, "the reporter lists every grading step");
    for step in &graded {
        let variable = format!("{}_RESULTS", step.id.to_uppercase());
        assert_eq!(
            reporter["env"][variable.as_str()].as_str(),
            Some(format!("${{{{steps.{}.outputs.result}}}}", step.id).as_str()),
            "{variable}"
        );
    }
    graded
}

/// Runs a step's command the way the runner does (`bash -c`, in the repository, with the
/// grader on PATH); returns the exit status and the output.
fn run_step(checkout: &Path, step: &Step) -> (i32, String) {
    let grader = Path::new(env!("CARGO_BIN_EXE_threadlab-grader"));
    let path =
        format!("{}:{}", grader.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let output = Command::new("bash")
        .arg("-c")
        .arg(&step.command)
        .current_dir(checkout)
        .env("PATH", path)
        .output()
        .unwrap();
    let text =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), text)
}

fn checkout(solutions: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let copied = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", template().display()))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(copied.success());
    for (file, from) in solutions {
        std::fs::copy(repo(from), dir.path().join("solutions").join(file)).unwrap();
    }
    dir
}

#[test]
fn the_workflow_has_one_grading_step_per_exercise() {
    let steps = grading_steps();
    let names: Vec<&str> = steps.iter().map(|s| s.test_name.as_str()).collect();
    assert_eq!(names, ["Print in Order", "FooBar", "Zero Even Odd"]);
    for step in &steps {
        assert_eq!(step.max_score, 10);
        assert!(
            step.command.starts_with(&format!("threadlab-grader check -e {} solutions/", step.id)),
            "{}",
            step.command
        );
        let file = step.command.rsplit(' ').next().unwrap();
        assert!(template().join(file).is_file(), "the template has {file}");
    }
    assert!(template().join("README.md").is_file());
}

#[test]
fn right_solutions_pass_every_step() {
    let repo_dir = checkout(&[
        ("print_in_order.rs", "notebooks/solutions/print_in_order.rs"),
        ("foobar.rs", "notebooks/solutions/foobar.rs"),
        ("zero_even_odd.rs", "notebooks/solutions/zero_even_odd.rs"),
    ]);
    for step in grading_steps() {
        let (code, output) = run_step(repo_dir.path(), &step);
        assert_eq!(code, 0, "{}: {output}", step.test_name);
        assert!(output.contains("PASS"), "{output}");
    }
}

#[test]
fn wrong_solutions_and_the_stubs_fail_their_steps() {
    let repo_dir = checkout(&[
        ("print_in_order.rs", "tests/grader/corpus/print-in-order/lost_wakeup.rs"),
        ("foobar.rs", "tests/grader/corpus/foobar/no_sync.rs"),
    ]);
    // zero_even_odd.rs stays the template's stub: it compiles, and panics at `todo!()`.
    let expected =
        [("print-in-order", "FAIL"), ("foobar", "FAIL (wrong-output)"), ("zero-even-odd", "FAIL (panic)")];
    let steps = grading_steps();
    for (step, (id, headline)) in steps.iter().zip(expected) {
        assert_eq!(step.id, id);
        let (code, output) = run_step(repo_dir.path(), step);
        assert_ne!(code, 0, "{}: {output}", step.test_name);
        assert!(output.contains(headline), "{}: {output}", step.test_name);
    }
}
