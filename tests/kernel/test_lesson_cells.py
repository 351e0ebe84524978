"""The cells lessons are made of, over jupyter_client: closures stored, moved into threads, given to
`threading::Thread::new` and to a pool, scoped threads borrowing locals, references, boxed and
`impl Trait` values, shadowing, a struct holding a closure. Each lesson is a few cells with the
outcome each must have; the table in `kernel/README.md` ("Which variables a cell keeps") says the
same in prose.

A variable that cannot outlive its cell never stops the cell: it runs, the variable is dropped at
its end, and one `note:` line on stdout says so. A variable that is kept (as itself, or a closure
as a `Box<dyn Fn*>`) is usable in the next cell.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest


pytestmark = pytest.mark.timeout(900)

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Cell:
    """A cell and what it must do."""

    code: str
    # The cell's result (`text/plain`), if it must have one.
    result: str | None = None
    # Text its stdout must contain (besides a note).
    prints: str | None = None
    # The variables the note must name as dropped; () means there must be no note.
    dropped: tuple[str, ...] = ()
    # Text the error must contain; None means the cell must succeed.
    error: str | None = None


LESSONS = {
    "closure-stored": [
        Cell("let add = |a: i32, b: i32| a + b;"),
        Cell("add(2, 3)", result="5"),
        Cell("let double = |x: i64| x * 2;\nlet greet = |name: &str| format!(\"hello {name}\");"),
        Cell("(double(21), greet(\"ada\"))", result='(42, "hello ada")'),
    ],
    "closure-without-parameters-and-unit-result": [
        Cell('let say_hi = || println!("hi");\nsay_hi();', prints="hi"),
        Cell("say_hi();", prints="hi"),
    ],
    "closure-fnmut-stored": [
        Cell("let mut count = 0;\nlet mut bump = move || { count += 1; count };\nbump();\nbump()", result="2"),
        Cell("bump()", result="3"),
    ],
    "closure-fnonce-stored": [
        Cell('let name = String::from("once");\nlet consume = move || name;'),
        Cell("consume()", result='"once"'),
    ],
    "closure-not-send-stored": [
        Cell("let shared = std::rc::Rc::new(5);\nlet get = move || *shared + 1;"),
        Cell("get()", result="6"),
    ],
    "closure-moved-into-std-thread": [
        Cell(
            "let data = vec![1, 2, 3];\nlet sum = move || data.iter().sum::<i32>();\n"
            "let handle = std::thread::spawn(sum);\nhandle.join().unwrap()",
            result="6",
        ),
        Cell("sum()", error="cannot find function `sum`"),
    ],
    "closure-given-to-threading-thread": [
        Cell(
            'let worker = move || println!("hi from the worker");\n'
            "let t = threading::Thread::new(worker);\nt.start()?;\nt.join()?;",
            prints="hi from the worker",
        ),
        Cell(
            "let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));\n"
            "let c = counter.clone();\n"
            "let work = move || { c.fetch_add(1, std::sync::atomic::Ordering::SeqCst); };\n"
            "let t = threading::Thread::new(work);\nt.start()?;\nt.join()?;\n"
            "counter.load(std::sync::atomic::Ordering::SeqCst)",
            result="1",
        ),
        Cell("counter.load(std::sync::atomic::Ordering::SeqCst)", result="1"),
    ],
    "closure-given-to-a-pool": [
        Cell(
            "let pool = threading::futures::ThreadPoolExecutor::new(2)?;\n"
            "let square = |x: i32| x * x;\n"
            "let futures: Vec<_> = (1..=3).map(|i| pool.submit(move || square(i)).unwrap()).collect();\n"
            "futures.iter().map(|f| *f.result().unwrap()).collect::<Vec<i32>>()",
            result="[1, 4, 9]",
        ),
        Cell("*pool.submit(move || square(5))?.result().unwrap()", result="25"),
    ],
    "scoped-threads-borrowing-locals": [
        Cell(
            "let mut counts = vec![0; 4];\n"
            "std::thread::scope(|s| {\n"
            "    for (i, c) in counts.iter_mut().enumerate() {\n"
            "        s.spawn(move || *c = i * 10);\n"
            "    }\n"
            "});\ncounts",
            result="[0, 10, 20, 30]",
        ),
        Cell(
            "let words = vec![\"a\", \"bb\", \"ccc\"];\n"
            "let total: usize = std::thread::scope(|s| {\n"
            "    let handles: Vec<_> = words.iter().map(|w| s.spawn(move || w.len())).collect();\n"
            "    handles.into_iter().map(|h| h.join().unwrap()).sum()\n"
            "});\ntotal",
            result="6",
        ),
        Cell("(counts.len(), words.len(), total)", result="(4, 3, 6)"),
    ],
    "references": [
        Cell('let text = String::from("hello");\nlet r = &text;\nr.len()', result="5", dropped=("r",)),
        Cell("text.len()", result="5"),
        Cell("r.len()", error="cannot find value `r`"),
        Cell('let greeting: &str = "static text";'),
        Cell("greeting.len()", result="11"),
    ],
    "closure-borrowing-a-local": [
        Cell('let names = vec!["a", "b"];\nlet count = || names.len();\ncount()', result="2", dropped=("count",)),
        Cell("names.len()", result="2"),
    ],
    "box-dyn-fn": [
        Cell("let f: Box<dyn Fn(i32) -> i32> = Box::new(|x| x + 1);\nf(1)", result="2"),
        Cell("f(41)", result="42"),
        Cell(
            "let ops: Vec<Box<dyn Fn(i32) -> i32 + Send>> = vec![Box::new(|x| x + 1), Box::new(|x| x * 10)];"
        ),
        Cell("ops.iter().map(|op| op(3)).collect::<Vec<_>>()", result="[4, 30]"),
    ],
    "impl-trait-values": [
        Cell("fn adder(n: i32) -> impl Fn(i32) -> i32 { move |x| x + n }\nlet add5 = adder(5);"),
        Cell("add5(1)", result="6"),
        Cell("fn evens() -> impl Iterator<Item = u32> { (0..).step_by(2) }\nlet it = evens();"),
        Cell("it.take(3).collect::<Vec<_>>()", result="[0, 2, 4]"),
        Cell("let shown: Box<dyn std::fmt::Display> = Box::new(7);\nformat!(\"{shown}\")", result='"7"'),
    ],
    "shadowing": [
        Cell('let x = 5;\nlet x = x * 2;\nlet x = format!("{x}!");'),
        Cell("x", result='"10!"'),
        Cell("let x = x.len();"),
        Cell("x + 1", result="4"),
    ],
    "values-of-every-kind": [
        Cell(
            "let n = 7;\nlet ratio = 0.5;\nlet items = vec![1u8, 2];\n"
            "let map = std::collections::HashMap::from([(\"k\", 1)]);\n"
            "let lock = std::sync::Arc::new(std::sync::Mutex::new(vec![1.5]));\n"
            "let atom = std::sync::atomic::AtomicUsize::new(3);\n"
            "let event = threading::Event::new();\nlet f = str::len;"
        ),
        Cell(
            "(n + 1, ratio * 2.0, items.len(), map[\"k\"], lock.lock().unwrap()[0], "
            "atom.load(std::sync::atomic::Ordering::SeqCst), event.is_set(), f(\"abc\"))",
            result="(8, 1.0, 2, 1, 1.5, 3, false, 3)",
        ),
    ],
    "a-struct-holding-a-closure": [
        Cell(
            "struct Task<F: Fn() -> i32> { run: F }\nlet task = Task { run: || 42 };\n(task.run)()",
            result="42",
            dropped=("task",),
        ),
        Cell("task", error="cannot find value `task`"),
        Cell(
            "struct Job { run: Box<dyn Fn() -> i32 + Send> }\nlet job = Job { run: Box::new(|| 7) };"
        ),
        Cell("(job.run)()", result="7"),
    ],
}


NOTE = re.compile(r"^note: (.*) dropped at the end of this cell", re.MULTILINE)


@pytest.mark.parametrize("lesson", list(LESSONS))
def test_lesson(kernel, lesson):
    for cell in LESSONS[lesson]:
        # Generous: the first cell of a kernel may have to link the bundled crates into a work
        # folder of its own while other kernels run.
        result = kernel.execute(cell.code, timeout=600)
        where = f"{lesson}: {cell.code!r}"
        stdout = result.stream("stdout")
        if cell.error is not None:
            assert result.status == "error", f"{where} should fail: {result.outputs}"
            error = result.error()
            text = ANSI.sub("", "\n".join([error["evalue"], *error["traceback"]]))
            assert cell.error in text, f"{where}: {text}"
            continue
        assert result.status == "ok", f"{where} failed: {result.outputs}"
        assert result.of_type("error") == [], where
        if cell.result is not None:
            assert result.result_text() == cell.result, f"{where}: {result.outputs}"
        if cell.prints is not None:
            assert cell.prints in stdout, f"{where}: {stdout!r}"
        notes = NOTE.findall(stdout)
        if cell.dropped:
            assert len(notes) == 1, f"{where}: one note expected in {stdout!r}"
            named = re.findall(r"`([^`]+)`", notes[0])
            assert sorted(named) == sorted(cell.dropped), f"{where}: {stdout!r}"
        else:
            assert notes == [], f"{where}: unexpected note in {stdout!r}"
