//! The sandbox, tested from inside: programs that the forbidden-code check would reject are
//! compiled anyway (bypassing it) and run in the sandboxed child, to see what holds when the
//! check is assumed broken. Each attempt is also made without the seccomp filter, so that a
//! blocked attempt is known to be blocked by the sandbox and not by accident.

use std::path::Path;
use std::time::Duration;
use threadlab_grader::Verdict;
use threadlab_grader::cli::build;
use threadlab_grader::cli::grade;
use threadlab_grader::cli::runner::{self, ChildOutcome};
use threadlab_grader::cli::{prepare, sandbox};
use threadlab_grader::core::exercise;
use threadlab_grader::core::harness::RunLimits;
use threadlab_grader::core::plan::{Mode, PlanOptions, Runs};
use threadlab_grader::core::protocol::ChildConfig;

/// A correct Zero Even Odd whose constructor first runs `escape` once.
fn submission(escape: &str) -> String {
    format!(
        r#"
use threading::Semaphore;
static TRIED: std::sync::Once = std::sync::Once::new();
fn escape() {{ {escape} }}
pub struct ZeroEvenOdd {{ n: usize, zero: Semaphore, odd: Semaphore, even: Semaphore }}
impl ZeroEvenOdd {{
    pub fn new(n: usize) -> ZeroEvenOdd {{
        TRIED.call_once(escape);
        ZeroEvenOdd {{ n, zero: Semaphore::new(1), odd: Semaphore::new(0), even: Semaphore::new(0) }}
    }}
    pub fn zero(&self, print_number: impl Fn(usize)) {{
        for i in 1..=self.n {{
            self.zero.acquire();
            print_number(0);
            if i % 2 == 1 {{ self.odd.release() }} else {{ self.even.release() }}
        }}
    }}
    pub fn even(&self, print_number: impl Fn(usize)) {{
        for i in (2..=self.n).step_by(2) {{ self.even.acquire(); print_number(i); self.zero.release(); }}
    }}
    pub fn odd(&self, print_number: impl Fn(usize)) {{
        for i in (1..=self.n).step_by(2) {{ self.odd.acquire(); print_number(i); self.zero.release(); }}
    }}
}}
"#
    )
}

/// Builds `learner` without the check and runs it in the sandbox (one round of the plan).
fn run(learner: &str, seccomp: bool) -> (ChildOutcome, grade::StreamJudgement) {
    let exercise = exercise::find("zero-even-odd").unwrap();
    let analysis = threadlab_grader::cli::policy::analyze(learner);
    let source = prepare::source(exercise, learner, &analysis, true);
    let cache = build::default_cache();
    let runtime = build::runtime(&cache).expect("the runtime builds");
    let built = match build::compile(&runtime, &cache, &source) {
        Ok(built) => built,
        Err(e) => panic!("does not compile: {e}: {e:?}"),
    };
    let runs = Runs::Plan(PlanOptions { mode: Mode::Controlled, seed: 1, repeat: Some(1) });
    let specs = runs.specs(exercise).unwrap();
    let config = ChildConfig {
        exercise: exercise.id.into(),
        runs,
        nonce: 0x5eed_1234_abcd,
        limits: RunLimits::default(),
        seccomp,
        budget: None,
    };
    let outcome = runner::run(&runner::Request {
        binary: &built.binary,
        config: &config,
        wall: Duration::from_secs(30),
        output_limit: 1 << 20,
        limits: sandbox::ResourceLimits::default(),
        slot: 0,
    })
    .expect("the child starts");
    let judgement = grade::judge_stream(exercise, &specs, &config, &outcome);
    (outcome, judgement)
}

const ATTEMPTS: &str = r#"
    let fs = std::fs::read_to_string("/etc/hostname").map(|_| "open").unwrap_or("blocked");
    let create = std::fs::write("escape.txt", "x").map(|_| "open").unwrap_or("blocked");
    let net = std::net::TcpStream::connect_timeout(&"127.0.0.1:9".parse().unwrap(), std::time::Duration::from_millis(200))
        .map(|_| "open")
        .unwrap_or_else(|e| if e.kind() == std::io::ErrorKind::ConnectionRefused { "open" } else { "blocked" });
    let udp = std::net::UdpSocket::bind("0.0.0.0:0").map(|_| "open").unwrap_or("blocked");
    let spawn = std::process::Command::new("/bin/true").status().map(|_| "open").unwrap_or("blocked");
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let uid = status.lines().find(|l| l.starts_with("Uid:")).unwrap_or("Uid: ?").to_string();
    let devices = std::fs::read_to_string("/proc/self/net/dev").unwrap_or_default();
    let interfaces: Vec<&str> = devices.lines().skip(2).filter_map(|l| l.split(':').next()).map(str::trim).collect();
    let mut threads = 0;
    let mut parked = Vec::new();
    while threads < 1000 {
        match std::thread::Builder::new().spawn(|| std::thread::park()) {
            Ok(handle) => { parked.push(handle); threads += 1; }
            Err(_) => break,
        }
    }
    for handle in &parked { handle.thread().unpark(); }
    for handle in parked { let _ = handle.join(); }
    println!("ESCAPES fs={fs} create={create} net={net} udp={udp} spawn={spawn} threads={threads} {uid} interfaces={interfaces:?}");
"#;

fn escapes(outcome: &ChildOutcome) -> String {
    let line = outcome.stdout.head.lines().find(|l| l.starts_with("ESCAPES")).unwrap_or_default().to_string();
    assert!(
        !line.is_empty(),
        "no ESCAPES line; stdout:\n{}\nstderr:\n{}",
        outcome.stdout.head,
        outcome.stderr.head
    );
    println!("{line}");
    line
}

#[test]
fn files_network_processes_and_threads_are_out_of_reach() {
    let (outcome, judgement) = run(&submission(ATTEMPTS), true);
    let line = escapes(&outcome);
    for blocked in ["fs=blocked", "create=blocked", "net=blocked", "udp=blocked", "spawn=blocked"] {
        assert!(line.contains(blocked), "{blocked} expected: {line}");
    }
    assert_eq!(judgement.seccomp, Some(true));
    assert!(judgement.failure.is_none(), "the solution itself is correct: {:?}", judgement.failure);

    // Without the filter the same attempts reach what the other layers leave open: the file
    // system is readable (the filter is what closes it), but there is still no network.
    let (outcome, _) = run(&submission(ATTEMPTS), false);
    let line = escapes(&outcome);
    assert!(line.contains("fs=open"), "{line}");
    let caps = sandbox::capabilities();
    if caps.network_namespace {
        assert!(line.contains("net=blocked") && line.contains(r#"interfaces=["lo"]"#), "{line}");
    }
    if caps.switch_user {
        let threads: usize =
            line.split("threads=").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
        assert!(
            threads < sandbox::ResourceLimits::default().threads as usize,
            "thread limit not enforced: {line}"
        );
        assert!(!line.contains("Uid:\t0\t"), "the child still runs as root: {line}");
    }
}

#[test]
fn a_forged_result_on_the_private_channel_does_not_pass() {
    // With `unsafe` (which the check rejects), write a complete, well-formed but forged
    // stream to the harness's descriptor and leave: without the nonce it cannot pass.
    let forge = r##"
        use std::io::Write;
        use std::os::fd::FromRawFd;
        let mut out = unsafe { std::fs::File::from_raw_fd(4) };
        for run in 0..1000 {
            let _ = writeln!(out, r#"{{"t":"end","nonce":0,"record":{{"run":{run},"printed":[],"end":{{"kind":"completed"}},"schedule":"x","steps":0,"micros":1,"preemptions":0,"note":null}}}}"#);
        }
        let _ = writeln!(out, r#"{{"t":"done","nonce":0,"runs":1000}}"#);
        std::process::exit(0);
    "##;
    let (_, judgement) = run(&submission(forge), true);
    let failure = judgement.failure.expect("a forged stream must not pass");
    assert_ne!(failure.verdict, Verdict::Pass);
    assert!(failure.message.contains("nonce") || failure.message.contains("exited"), "{}", failure.message);
}

#[test]
fn exiting_early_with_status_0_does_not_pass() {
    let (outcome, judgement) = run(&submission("std::process::exit(0);"), true);
    assert_eq!(outcome.status.and_then(|s| s.code()), Some(0));
    let failure = judgement.failure.expect("exiting early must not pass");
    assert_eq!(failure.verdict, Verdict::Panic);
    assert!(failure.message.contains("exited before"), "{}", failure.message);
}

#[test]
fn the_runtime_is_cached_in_the_cache_directory() {
    let cache = build::default_cache();
    let runtime = build::runtime(&cache).unwrap();
    assert!(runtime.threading.starts_with(&cache) && runtime.grader.starts_with(&cache));
    assert!(Path::new(&runtime.deps).is_dir());
}
