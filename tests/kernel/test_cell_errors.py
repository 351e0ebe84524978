"""Every kind of failing cell shows the learner's problem, and only that: never a diagnostic of the
bundled crates (their warnings, their file paths), never the kernel's generated code.

Each case runs in one kernel over jupyter_client; the first cell of the module is the closure that
once showed the bundled `threading` crate's `unexpected cfg condition name: loom` warning as its
error.
"""
from __future__ import annotations

import re

import pytest


pytestmark = pytest.mark.timeout(600)

ANSI = re.compile(r"\x1b\[[0-9;]*m")

# What no cell's error may contain: warnings, the bundle's or evcxr's files, generated names.
FOREIGN = [
    "loom",
    "unexpected `cfg`",
    "warning",
    "src/lib.rs",
    "/bundle/",
    ".cargo/registry",
    "threading/src",
    "evcxr_variable_store",
    "evcxr_internal_runtime",
    "put_variable",
    "run_user_code",
]


def error_text(result) -> str:
    error = result.error()
    return ANSI.sub("", "\n".join([error["ename"], error["evalue"], *error["traceback"]]))


def test_a_closure_in_a_fresh_kernel_runs_and_shows_no_bundled_warning(kernel):
    # The first cell of the kernel: this one used to fail with the bundle's `loom` warning.
    result = kernel.execute("let add = |a: i32, b: i32| a + b;", timeout=600)
    assert result.status == "ok", result.outputs
    assert "loom" not in str(result.outputs)
    assert kernel.ok("add(2, 3)").result_text() == "5"


# (what the learner wrote, what the error must say)
FAILING_CELLS = [
    pytest.param('let x: i32 = "five";', "mismatched types", id="type-error"),
    pytest.param(
        "let mut v = vec![1];\nlet first = &v[0];\nv.push(2);\nprintln!(\"{first}\");",
        "cannot borrow `v` as mutable",
        id="borrow-error",
    ),
    pytest.param('println!("{}", undefined_name);', "cannot find value `undefined_name`", id="unknown-name"),
    pytest.param("let v = vec![1];\nv.frobnicate();", "no method named `frobnicate`", id="unknown-method"),
    pytest.param(
        'struct Point { x: i32 }\nprintln!("{}", Point { x: 1 });',
        "`Point` doesn't implement `std::fmt::Display`",
        id="missing-trait",
    ),
    pytest.param(
        'let s = String::from("a");\nlet t = s;\nprintln!("{s}");', "borrow of moved value: `s`", id="moved-value"
    ),
    pytest.param("let x = 1;\nx = 2;", "cannot assign twice to immutable variable `x`", id="immutable"),
    pytest.param("fn two(a: i32, b: i32) -> i32 { a + b }\ntwo(1)", "takes 2 arguments", id="argument-count"),
    pytest.param("fn longest(a: &str, b: &str) -> &str { a }", "missing lifetime specifier", id="lifetime"),
    pytest.param("let x = ;", "expected expression", id="syntax-error"),
    pytest.param('let s = "abc;', "unterminated double quote string", id="unterminated-string"),
    pytest.param(
        'let add = |a: i32, b: i32| a + b + "x";', "cannot add `&str` to `i32`", id="error-inside-a-closure"
    ),
    pytest.param(
        "let unused = 5;\nlet x: u8 = 300u32;", "mismatched types", id="error-next-to-a-warning"
    ),
    pytest.param(
        "let v = vec![1, 2, 3];\nlet total: i32 = v.iter().map(|x| x * 2).sum::<String>();",
        "mismatched types",
        id="error-in-an-iterator-chain",
    ),
]


@pytest.mark.parametrize("code,says", FAILING_CELLS)
def test_a_failing_cell_names_the_learners_problem_only(kernel, code, says):
    result = kernel.execute(code)
    assert result.status == "error", result.outputs
    text = error_text(result)
    assert says in text, text
    for foreign in FOREIGN:
        assert foreign not in text, f"{foreign!r} in the error of {code!r}:\n{text}"
    # A cell that does not use the bundled crates never hears of them.
    assert "threading" not in text, text
    # The error is the cell's only complaint: no stderr stream next to it.
    assert result.stream("stderr") == "", result.stream("stderr")


def test_a_cell_error_about_the_bundled_crate_names_only_the_learners_use_of_it(kernel):
    result = kernel.execute("let t = threading::Thread::new(42);")
    assert result.status == "error"
    text = error_text(result)
    assert "FnOnce" in text, text
    for foreign in FOREIGN:
        assert foreign not in text, f"{foreign!r} in:\n{text}"


def test_warnings_alone_never_fail_a_cell(kernel):
    result = kernel.execute("let unused_here = 5;\nlet mut never_mutated = 1;\nnever_mutated + 1")
    assert result.status == "ok", result.outputs
    assert result.result_text() == "2"
    assert result.of_type("error") == []
