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
    for (source, mode) in [
        ("use threading::Condition;\nstruct S(Condition<u8>);", Mode::Controlled),
        ("use std::sync::Arc;\nstruct S(Arc<threading::Event>);", Mode::Controlled),
        ("fn x() { std::thread::sleep(std::time::Duration::from_millis(1)); }", Mode::Controlled),
        ("use std::thread;\nfn x() { thread::yield_now(); }", Mode::Controlled),
        ("use std::sync::Mutex;\nstruct S(Mutex<u8>);", Mode::Chaos),
        ("use std::sync;\nstruct S(sync::Condvar);", Mode::Chaos),
        ("use std::sync::atomic::{AtomicBool, Ordering};\nstruct S(AtomicBool);", Mode::Chaos),
        ("use std::sync::mpsc::channel;\nfn x() { let _ = channel::<u8>(); }", Mode::Chaos),
        ("use std::thread;\nfn x() { thread::spawn(|| {}); }", Mode::Chaos),
        ("use std::sync::*;", Mode::Chaos),
        ("fn x() { std::hint::spin_loop(); }", Mode::Chaos),
        ("struct S(std::sync::OnceLock<u8>);", Mode::Chaos),
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
