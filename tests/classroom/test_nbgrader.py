"""A real nbgrader cycle on the threadlab course template (classroom/nbgrader/), with the real kernel.

generate_assignment -> release_assignment -> fetch_assignment (as a student would) -> four
students' submissions (a right one, a wrong one, one that does not compile, one that deadlocks)
-> autograde -> export. The gradebook must give full marks to the right one only, and the
deadlocked submission must be interrupted (never hang autograding) and score 0 on every check.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "notebooks"))
import nbrun  # noqa: E402

sys.path.insert(0, str(REPO / "classroom" / "nbgrader"))
import make_course  # noqa: E402

ASSIGNMENT = "06-print-in-order"
CORPUS = REPO / "tests" / "grader" / "corpus" / "print-in-order"
MAX_SCORE = make_course.NAIVE_POINTS + make_course.CHECK_POINTS
# nbgrader's per-cell timeout, lowered from the template's 60 s so that the deadlocking
# submission's "Try it" cell (which waits on its threads forever) is interrupted sooner in CI;
# still several times what a cell takes on a busy 2-core machine.
CELL_TIMEOUT = 40

DEADLOCKS = """\
pub struct Foo {
    first_done: threading::Event,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { first_done: threading::Event::new() }
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first(); // forgets to set first_done
    }
    pub fn second(&self, print_second: impl FnOnce()) {
        self.first_done.wait();
        print_second();
    }
    pub fn third(&self, print_third: impl FnOnce()) {
        self.first_done.wait();
        print_third();
    }
}
"""

DOES_NOT_COMPILE = """\
pub struct Foo {
    step: threading::Condition<u8>,
}

impl Foo {
    pub fn new() -> Foo {
        Foo { step: threading::Condition::with_data(0) }
    }
    pub fn first(&self, print_first: impl FnOnce()) {
        let mut step = self.step.lock();
        print_first();
        step = 1; // should be *step = 1
        step.notify_all();
    }
    pub fn second(&self, print_second: impl FnOnce()) { print_second(); }
    pub fn third(&self, print_third: impl FnOnce()) { print_third(); }
}
"""


def corpus_solution(name: str) -> str:
    lines = (CORPUS / name).read_text().splitlines()
    return "\n".join(line for line in lines if not line.startswith("// expect:"))


STUDENTS = {
    "alice": make_course.reference_solution("print-in-order"),  # right
    "bob": corpus_solution("if_not_while.rs"),  # wrong: `if` instead of `while` around a wait
    "carol": DOES_NOT_COMPILE,
    "dave": DEADLOCKS,
}


def nbgrader(course: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "nbgrader", *args]
    result = subprocess.run(command, cwd=course, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nbrun.ensure_kernelspec()
    root = tmp_path_factory.mktemp("course")
    names = make_course.make_course(root)
    assert ASSIGNMENT in names
    return root


@pytest.fixture(scope="module")
def graded(course: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    exchange = tmp_path_factory.mktemp("exchange")
    exchange_flag = f"--Exchange.root={exchange}"
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    nbgrader(course, "release_assignment", ASSIGNMENT, exchange_flag, "--force")

    # A student fetches the released notebook from the exchange, as nbgrader's student side does.
    home = tmp_path_factory.mktemp("student")
    nbgrader(home, "fetch_assignment", ASSIGNMENT, "--course", "threadlab", exchange_flag)
    released = json.loads((home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())

    # Each student's work, where nbgrader's collect (or zip_collect) puts it.
    for student, code in STUDENTS.items():
        nb = json.loads(json.dumps(released))
        solution = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
        assert len(solution) == 1
        solution[0]["source"] = code
        target = course / "submitted" / student / ASSIGNMENT
        target.mkdir(parents=True)
        (target / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(nb, indent=1))

    nbgrader(course, "autograde", ASSIGNMENT, f"--Execute.timeout={CELL_TIMEOUT}")
    nbgrader(course, "export", "--to", str(course / "grades.csv"))
    with open(course / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    autograded = {
        student: json.loads((course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
        for student in STUDENTS
    }
    return {"rows": rows, "notebooks": autograded, "released": released}


def graded_cells(nb: dict) -> dict[str, dict]:
    return {
        c["metadata"]["nbgrader"]["grade_id"]: c
        for c in nb["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("grade")
    }


def error_names(cell: dict) -> list[str]:
    return [o["ename"] for o in cell.get("outputs", []) if o["output_type"] == "error"]


def test_released_notebook_has_the_stub_and_locked_checks(graded):
    released = graded["released"]
    solution = [c for c in released["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")][0]
    text = "".join(solution["source"])
    assert "todo!()" in text and "BEGIN SOLUTION" not in text and "Condition" not in text
    checks = graded_cells(released)
    assert sorted(checks) == ["print_in_order_check", "print_in_order_naive"]
    assert all(c["metadata"]["nbgrader"]["locked"] for c in checks.values())
    assert sum(c["metadata"]["nbgrader"]["points"] for c in checks.values()) == MAX_SCORE


def test_gradebook_gives_full_marks_only_to_the_right_submission(graded):
    rows = graded["rows"]
    assert set(rows) == set(STUDENTS)
    for row in rows.values():
        assert float(row["max_score"]) == MAX_SCORE
    assert float(rows["alice"]["score"]) == MAX_SCORE
    assert float(rows["bob"]["score"]) < MAX_SCORE
    assert float(rows["carol"]["score"]) == 0
    assert float(rows["dave"]["score"]) == 0


def test_failing_checks_end_in_errors_that_say_why(graded):
    bob = graded_cells(graded["notebooks"]["bob"])
    assert error_names(bob["print_in_order_check"]) == ["panic"]
    failed = [o for o in bob["print_in_order_check"]["outputs"] if o["output_type"] == "error"][0]
    assert "[print-in-order] FAIL" in failed["evalue"]
    carol = graded_cells(graded["notebooks"]["carol"])
    for cell in carol.values():
        assert error_names(cell) == ["CompilationError"], cell["outputs"]
    alice = graded_cells(graded["notebooks"]["alice"])
    for cell in alice.values():
        assert error_names(cell) == [], cell["outputs"]
        assert "PASS" in "".join("".join(o.get("text", "")) for o in cell["outputs"])


def test_a_deadlocked_cell_is_interrupted_and_later_cells_are_not_passed(graded):
    dave = graded["notebooks"]["dave"]
    interrupted = [c for c in dave["cells"] if c["cell_type"] == "code" and "KeyboardInterrupt" in error_names(c)]
    assert interrupted, "the deadlocked 'Try it' cell was not interrupted"
    for grade_id, cell in graded_cells(dave).items():
        assert error_names(cell), f"{grade_id} has no error output: {cell['outputs']}"


def test_every_exercise_generates(course):
    for name in make_course.make_course(course):
        nbgrader(course, "generate_assignment", name, "--force")
        released = json.loads((course / "release" / name / f"{name}.ipynb").read_text())
        assert len(graded_cells(released)) == 2
