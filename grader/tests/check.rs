//! The forbidden-code check on its own: what it rejects (and on which line), what it lets
//! through, and how it picks the scheduling mode.

use threadlab_grader::cli::grade::mode_for;
use threadlab_grader::cli::policy::analyze;
use threadlab_grader::core::plan::Mode;

fn rejected_lines(source: &str) -> Vec<usize> {
    analyze(source).violations.iter().map(|v| v.line).collect()
}

#[test]
fn ordinary_solutions_pass_the_check() {
    let source = r#"
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::fmt::Write as _;
use std::time::Duration;
use threading::{Condition, Event, Lock, Semaphore, Barrier};
use threading::queue::Queue;

#[derive(Debug, Default, Clone)]
struct State { turn: u8, seen: Vec<usize> }

trait Step { fn step(&self) -> u8; }
impl Step for State { fn step(&self) -> u8 { self.turn } }

mod inner {
    use super::*;
    pub fn helper(s: &State) -> u8 { <State as Step>::step(s) }
}

pub struct ZeroEvenOdd { n: usize, state: Condition<State>, log: Lock<Vec<String>> }

impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd {
        let mut map: HashMap<u8, usize> = HashMap::new();
        map.insert(1, 2);
        let _queue: VecDeque<u8> = VecDeque::new();
        let _v = Vec::<u8>::with_capacity(n);
        let _shared = Arc::new(Event::new());
        assert!(n > 0, "n must be positive, got {}", n);
        let mut text = String::new();
        let _ = write!(text, "{}", std::cmp::max(1, 2));
        threading::sleep(Duration::ZERO);
        let _ = matches!(map.get(&1), Some(2));
        ZeroEvenOdd { n, state: Condition::with_data(State::default()), log: Lock::with_data(vec![]) }
    }
}
"#;
    let analysis = analyze(source);
    assert!(analysis.violations.is_empty(), "{:?}", analysis.violations);
    assert!(analysis.outside.is_empty(), "{:?}", analysis.outside);
    assert_eq!(mode_for(&analysis).0, Mode::Controlled);
}

#[test]
fn rejections_name_their_line() {
    let source = "use threading::Event;\n\
                  fn a() { let _ = std::fs::read(\"x\"); }\n\
                  fn b() { unsafe { } }\n\
                  fn c() { println!(\"{:?}\", std::env::args()); }\n\
                  fn d() { let _ = vec![std::process::id(); 2]; }\n\
                  #[inline]\n\
                  fn e() {}\n\
                  fn f() { let _ = ::libc::getpid; }\n";
    assert_eq!(rejected_lines(source), [2, 3, 4, 5, 8]);
    let messages: Vec<String> = analyze(source).violations.into_iter().map(|v| v.message).collect();
    assert!(messages[0].contains("std::fs") && messages[0].contains("no file access"), "{messages:?}");
    assert!(messages[1].contains("unsafe"), "{messages:?}");
    assert!(messages[4].contains("another crate"), "{messages:?}");
}

#[test]
fn tricks_do_not_hide_forbidden_paths() {
    for (source, why) in [
        ("use std::{fs as f, io};\nfn x() { f::read(\"a\"); }", "a use group"),
        ("use ::std::net;", "a leading ::"),
        ("fn x() { let _ = r#std::r#process::exit; }", "raw identifiers"),
        ("use std as s;", "renaming std"),
        ("use std::{self as s};", "renaming std with self"),
        ("use std::*;", "a glob of std"),
        ("fn x() { core::mem::drop(1); }", "core"),
        ("extern crate alloc;", "extern crate"),
        ("use threading::*;\nfn x() { schedule::uninstall(); }", "threading's tooling through a glob"),
        ("fn x() { threading::trace(|| ()); }", "a trace (it replaces the controller)"),
        ("use threading::*;\nfn x() { trace(|| ()); }", "a trace through a glob"),
        ("use threading::{self as t};\nfn x() { t::interrupt_main(); }", "threading renamed"),
        ("fn x() { threading::process::Process::new(); }", "threading's processes"),
        ("#[path = \"/etc/passwd\"]\nmod m;", "a #[path] module"),
        (
            "fn x() { format!(\"{}\", include_str!(\"/etc/passwd\")); }",
            "include_str! inside an allowed macro",
        ),
        ("fn x() { vec![std::process::id(); 3]; }", "a path in a vec![x; n] body"),
        ("thread_local! { static X: u8 = { std::process::abort(); }; }", "a path in thread_local!"),
        ("#[export_name = \"main\"]\nfn x() {}", "export_name"),
        ("#[cfg_attr(all(), no_mangle)]\nfn x() {}", "cfg_attr"),
        ("#![no_std]", "a crate attribute"),
        ("fn x() { let _ = std::panic::take_hook(); }", "the panic hook"),
        ("fn x() { crate::main(); }", "the harness's main"),
        ("fn x() { __tl_std::thread::sleep(std::time::Duration::ZERO); }", "the harness's shim"),
        ("union U { a: u8 }", "a union"),
        ("type F = unsafe extern \"C\" fn();", "an unsafe fn type"),
        ("fn x() { std::arch::asm!(\"nop\"); }", "asm"),
        ("fn x() { let _ = env!(\"HOME\"); }", "env!"),
        ("macro_rules! m { () => {} }", "macro_rules"),
    ] {
        assert!(!analyze(source).violations.is_empty(), "{why} got through: {source}");
    }
}

#[test]
fn the_mode_follows_how_the_code_synchronises() {
    // `std` synchronisation is routed through `threading::stdlib`: controlled like `threading`.
    // Only what `threading::stdlib` passes through from `std` uncontrolled picks OS chaos.
    for (source, mode) in [
        ("use threading::Condition;\nstruct S(Condition<u8>);", Mode::Controlled),
        ("use std::sync::Arc;\nstruct S(Arc<threading::Event>);", Mode::Controlled),
        ("fn x() { std::thread::sleep(std::time::Duration::from_millis(1)); }", Mode::Controlled),
        ("use std::thread;\nfn x() { thread::yield_now(); }", Mode::Controlled),
        ("use std::sync::Mutex;\nstruct S(Mutex<u8>);", Mode::Controlled),
        ("use std::sync;\nstruct S(sync::Condvar);", Mode::Controlled),
        ("use std::sync::atomic::{AtomicBool, Ordering};\nstruct S(AtomicBool);", Mode::Controlled),
        ("use std::sync::mpsc::channel;\nfn x() { let _ = channel::<u8>(); }", Mode::Controlled),
        ("use std::thread;\nfn x() { thread::spawn(|| {}); }", Mode::Controlled),
        ("use std::sync::*;", Mode::Controlled),
        ("fn x() { std::hint::spin_loop(); }", Mode::Controlled),
        ("struct S(std::sync::OnceLock<u8>);", Mode::Controlled),
        ("#[allow(deprecated)]\nfn x() { std::thread::sleep_ms(1); }", Mode::Chaos),
        ("use std::thread::park_timeout_ms;", Mode::Chaos),
        ("use std::thread as t;\nfn x() { t::sleep_ms(1); }", Mode::Chaos),
    ] {
        let analysis = analyze(source);
        assert!(analysis.violations.is_empty(), "{source}: {:?}", analysis.violations);
        assert_eq!(mode_for(&analysis).0, mode, "{source}");
    }
}

#[test]
fn the_learners_main_and_tests_are_dropped_not_rejected() {
    let source = "pub struct Foo;\n\
                  fn main() {\n    std::process::exit(0);\n}\n\
                  #[cfg(test)]\nmod tests {\n    #[test]\n    fn t() { std::fs::read(\"x\").unwrap(); }\n}\n";
    let analysis = analyze(source);
    assert!(analysis.violations.is_empty(), "{:?}", analysis.violations);
    let dropped: Vec<(usize, usize)> =
        analysis.removals.iter().map(|r| (r.first_line, r.last_line)).collect();
    assert_eq!(dropped, [(2, 4), (5, 9)]);
}

#[test]
fn std_thread_paths_are_routed_through_threading_without_moving_lines() {
    let source = "use std::thread;\nuse std::{time::Duration, thread::sleep};\nfn x() { ::std::thread::yield_now(); }\n";
    let analysis = analyze(source);
    let exercise = threadlab_grader::core::exercise::find("foobar").unwrap();
    let prepared = threadlab_grader::cli::prepare::source(exercise, source, &analysis, true);
    let lines: Vec<&str> = prepared.lines().take(3).collect();
    assert_eq!(
        lines,
        [
            "use crate::__tl_std::thread;",
            "use crate::__tl_std::{time::Duration, thread::sleep};",
            "fn x() { crate::__tl_std::thread::yield_now(); }"
        ]
    );
}

#[test]
fn every_std_path_is_routed_in_place() {
    // Imports (grouped, nested, `::std`, raw), expressions, types, patterns, generic arguments,
    // a macro's expression arguments and a macro body that is not an expression.
    let source = [
        "use std::{sync::{Arc, Mutex}, collections::HashMap};",
        "use ::std::sync::atomic::{AtomicUsize, Ordering::SeqCst};",
        "use r#std::sync::mpsc;",
        "pub struct S(Arc<std::sync::Mutex<std::sync::atomic::AtomicBool>>, mpsc::Sender<u8>);",
        "fn f(c: &std::sync::Condvar) { let _ = std::sync::atomic::Ordering::Relaxed; c.notify_one(); }",
        "fn g(o: std::cmp::Ordering) -> bool { matches!(o, std::cmp::Ordering::Less) }",
        "fn h() { println!(\"{:?}\", std::thread::current().id()); }",
        "thread_local! { static X: std::cell::Cell<u8> = std::cell::Cell::new(0); }",
        "fn i() -> Vec<std::time::Duration> { vec![] }",
    ];
    let text = source.join("\n") + "\n";
    let analysis = analyze(&text);
    assert!(analysis.violations.is_empty(), "{:?}", analysis.violations);
    let exercise = threadlab_grader::core::exercise::find("foobar").unwrap();
    let prepared = threadlab_grader::cli::prepare::source(exercise, &text, &analysis, true);
    let lines: Vec<&str> = prepared.lines().take(source.len()).collect();
    assert_eq!(
        lines,
        [
            "use crate::__tl_std::{sync::{Arc, Mutex}, collections::HashMap};",
            "use crate::__tl_std::sync::atomic::{AtomicUsize, Ordering::SeqCst};",
            "use crate::__tl_std::sync::mpsc;",
            "pub struct S(Arc<crate::__tl_std::sync::Mutex<crate::__tl_std::sync::atomic::AtomicBool>>, mpsc::Sender<u8>);",
            "fn f(c: &crate::__tl_std::sync::Condvar) { let _ = crate::__tl_std::sync::atomic::Ordering::Relaxed; c.notify_one(); }",
            "fn g(o: crate::__tl_std::cmp::Ordering) -> bool { matches!(o, crate::__tl_std::cmp::Ordering::Less) }",
            "fn h() { println!(\"{:?}\", crate::__tl_std::thread::current().id()); }",
            "thread_local! { static X: crate::__tl_std::cell::Cell<u8> = crate::__tl_std::cell::Cell::new(0); }",
            "fn i() -> Vec<crate::__tl_std::time::Duration> { vec![] }",
        ]
    );
}

#[test]
fn forbidden_std_paths_are_judged_as_written_not_as_routed() {
    for source in [
        "fn x() { std::process::exit(0); }",
        "use std::{sync::Mutex, fs};",
        "use ::std::net::TcpStream;",
        "use std::thread as t;\nfn x() { let _ = std::env::var(\"X\"); t::yield_now(); }",
        "fn x() { println!(\"{:?}\", std::fs::read(\"/etc/passwd\")); }",
        "use threading::stdlib::sync::Mutex;",
    ] {
        assert!(!analyze(source).violations.is_empty(), "got through: {source}");
    }
}

#[test]
fn every_std_only_corpus_solution_is_graded_under_controlled_scheduling() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/grader/corpus");
    let mut seen = 0;
    for dir in std::fs::read_dir(&corpus).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if !path.file_name().unwrap().to_string_lossy().starts_with("std_") {
                continue;
            }
            let analysis = analyze(&std::fs::read_to_string(&path).unwrap());
            assert!(analysis.violations.is_empty(), "{}: {:?}", path.display(), analysis.violations);
            assert_eq!(mode_for(&analysis).0, Mode::Controlled, "{}: {:?}", path.display(), analysis.outside);
            assert!(!analysis.edits.is_empty(), "{}: no std path routed", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 20, "only {seen} std-only corpus solutions");
}
