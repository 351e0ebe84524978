//! The Kubernetes manifest `classroom/kubernetes/grade-class.yaml`, checked without a cluster:
//! its structure (an Indexed Job whose completions match the shard count its pods are given,
//! a merge Job, one shared volume, non-root pods), and its pods' scripts run here — every
//! shard's, then the merge's, against a temporary folder standing in for the volume — giving
//! the same gradebook as one batch over the class.

use serde::Deserialize;
use serde_norway::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use threadlab_grader::cli::gradebook;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn documents() -> Vec<Value> {
    let text = std::fs::read_to_string(repo("classroom/kubernetes/grade-class.yaml")).unwrap();
    serde_norway::Deserializer::from_str(&text).map(|d| Value::deserialize(d).unwrap()).collect()
}

fn env(container: &Value, name: &str) -> String {
    let vars = container["env"].as_sequence().unwrap();
    let var = vars.iter().find(|v| v["name"].as_str() == Some(name)).unwrap_or_else(|| panic!("no {name}"));
    var["value"].as_str().unwrap().to_string()
}

fn container(job: &Value) -> &Value {
    let containers = job["spec"]["template"]["spec"]["containers"].as_sequence().unwrap();
    assert_eq!(containers.len(), 1);
    &containers[0]
}

fn script(container: &Value) -> String {
    assert_eq!(container["command"].as_sequence().unwrap().len(), 2, "sh -c SCRIPT");
    container["args"][0].as_str().unwrap().to_string()
}

fn by_name<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"].as_str() == Some(kind) && d["metadata"]["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

#[test]
fn an_indexed_job_runs_one_shard_per_index_and_a_job_merges_them() {
    let docs = documents();
    assert_eq!(docs.len(), 3);
    let claim = by_name(&docs, "PersistentVolumeClaim", "threadlab-class");
    let grade = by_name(&docs, "Job", "grade-class");
    let merge = by_name(&docs, "Job", "grade-class-merge");
    assert_eq!(grade["apiVersion"].as_str(), Some("batch/v1"));
    assert_eq!(grade["spec"]["completionMode"].as_str(), Some("Indexed"));
    let completions = grade["spec"]["completions"].as_u64().unwrap();
    assert!(grade["spec"]["parallelism"].as_u64().is_some_and(|p| p >= 1 && p <= completions));
    assert_eq!(env(container(grade), "SHARDS"), completions.to_string());
    assert_eq!(env(container(merge), "SHARDS"), completions.to_string());
    assert!(script(container(grade)).contains("--shard \"$JOB_COMPLETION_INDEX/$SHARDS\""));
    assert!(script(container(merge)).contains("threadlab-grader merge"));
    let claim_name = claim["metadata"]["name"].as_str().unwrap();
    for job in [grade, merge] {
        let pod = &job["spec"]["template"]["spec"];
        assert_eq!(pod["restartPolicy"].as_str(), Some("Never"));
        assert_eq!(pod["securityContext"]["runAsNonRoot"].as_bool(), Some(true));
        assert_eq!(pod["volumes"][0]["persistentVolumeClaim"]["claimName"].as_str(), Some(claim_name));
        assert_eq!(container(job)["volumeMounts"][0]["mountPath"].as_str(), Some("/class"));
        assert_eq!(container(job)["image"].as_str(), Some("threadlab-grader:latest"));
    }
}

#[test]
fn the_pods_scripts_shard_and_merge_a_class_like_one_batch() {
    let docs = documents();
    let grade = container(by_name(&docs, "Job", "grade-class"));
    let merge = container(by_name(&docs, "Job", "grade-class-merge"));
    let shards: usize = env(grade, "SHARDS").parse().unwrap();
    let volume = tempfile::tempdir().unwrap();
    let class = volume.path().join("submissions");
    for (i, case) in ["condition.rs", "no_sync.rs", "semaphores.rs", "off_by_one.rs", "wrong_initial_turn.rs"]
        .iter()
        .enumerate()
    {
        std::fs::create_dir_all(class.join(format!("s{i}"))).unwrap();
        std::fs::copy(
            repo(&format!("tests/grader/corpus/foobar/{case}")),
            class.join(format!("s{i}/foobar.rs")),
        )
        .unwrap();
    }
    let grader = Path::new(env!("CARGO_BIN_EXE_threadlab-grader"));
    let path =
        format!("{}:{}", grader.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let on_volume = |script: String| script.replace("/class/", &format!("{}/", volume.path().display()));
    for index in 0..shards {
        let status = Command::new("/bin/sh")
            .arg("-c")
            .arg(on_volume(script(grade)))
            .env("PATH", &path)
            .env("SHARDS", shards.to_string())
            .env("EXERCISES", "-e foobar --repeat 1")
            .env("JOB_COMPLETION_INDEX", index.to_string())
            .status()
            .unwrap();
        assert!(status.success(), "shard {index}");
    }
    let status = Command::new("/bin/sh")
        .arg("-c")
        .arg(on_volume(script(merge)))
        .env("PATH", &path)
        .env("SHARDS", shards.to_string())
        .status()
        .unwrap();
    assert!(status.success());
    let out = volume.path().join("out");
    for file in ["book.csv", "sheet.csv", "class.html"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    let whole = out.join("whole.csv");
    let status = Command::new(grader)
        .args([
            "batch",
            "-e",
            "foobar",
            "--repeat",
            "1",
            class.to_str().unwrap(),
            "--out",
            whole.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let key = |path: &Path| -> Vec<(String, String, String)> {
        gradebook::read(path).unwrap().into_iter().map(|e| (e.submission, e.verdict, e.replay)).collect()
    };
    assert_eq!(key(&out.join("book.csv")), key(&whole));
    assert_eq!(key(&whole).len(), 5);
}
