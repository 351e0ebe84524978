"""The exercise notebooks' check cells, run in the kernel: the reference solutions pass, wrong ones fail
with the grader's verdict text."""
from __future__ import annotations

import re
from xml.etree import ElementTree

import nbformat
import pytest

import nbrun
from conftest import NOTEBOOK_PATHS

SOLUTIONS = nbrun.NOTEBOOKS / "solutions"

# notebook, exercise id, reference solution, the check cell's code
EXERCISES = [
    ("06-print-in-order.ipynb", "print-in-order", "print_in_order.rs", "threadlab_grader::check!(print_in_order, Foo);"),
    ("07-foobar.ipynb", "foobar", "foobar.rs", "threadlab_grader::check!(foobar, FooBar);"),
    ("08-zero-even-odd.ipynb", "zero-even-odd", "zero_even_odd.rs", "threadlab_grader::check!(zero_even_odd, ZeroEvenOdd);"),
    ("09-fizz-buzz.ipynb", "fizz-buzz", "fizz_buzz.rs", "threadlab_grader::check!(fizz_buzz, FizzBuzz);"),
    ("10-building-h2o.ipynb", "building-h2o", "building_h2o.rs", "threadlab_grader::check!(building_h2o, H2O);"),
    (
        "11-dining-philosophers.ipynb",
        "dining-philosophers",
        "dining_philosophers.rs",
        "threadlab_grader::check!(dining_philosophers, DiningPhilosophers);",
    ),
    (
        "12-bounded-blocking-queue.ipynb",
        "bounded-blocking-queue",
        "bounded_blocking_queue.rs",
        "threadlab_grader::check!(bounded_blocking_queue, BoundedBlockingQueue);",
    ),
    ("13-traffic-light.ipynb", "traffic-light", "traffic_light.rs", "threadlab_grader::check!(traffic_light, TrafficLight);"),
]

# Zero Even Odd where zero always hands the turn to odd: with n = 2, even waits forever.
DEADLOCKING_ZERO_EVEN_ODD = """\
pub struct ZeroEvenOdd { n: usize, turn: threading::Condition<u8> }
impl ZeroEvenOdd {
    pub fn new(n: usize) -> ZeroEvenOdd { ZeroEvenOdd { n, turn: threading::Condition::with_data(0) } }
    pub fn zero(&self, print_number: impl Fn(usize)) {
        for _ in 0..self.n {
            let mut turn = self.turn.lock();
            turn.wait_for(|t| *t == 0);
            print_number(0);
            *turn = 1; // bug: never even's turn
            turn.notify_all();
        }
    }
    pub fn even(&self, print_number: impl Fn(usize)) { self.numbers(2, 2, print_number) }
    pub fn odd(&self, print_number: impl Fn(usize)) { self.numbers(1, 1, print_number) }
    fn numbers(&self, first: usize, mine: u8, print_number: impl Fn(usize)) {
        for i in (first..=self.n).step_by(2) {
            let mut turn = self.turn.lock();
            turn.wait_for(|t| *t == mine);
            print_number(i);
            *turn = 0;
            turn.notify_all();
        }
    }
}"""


def verdict_line(exercise: str, output: str) -> str:
    """The report's first line: `[EXERCISE] PASS after N runs in T s [MODE scheduling, seed S]`."""
    found = [line for line in output.splitlines() if line.startswith(f"[{exercise}] ")]
    assert len(found) == 1, f"expected one verdict line for {exercise}, got:\n{output}"
    return found[0]


@pytest.fixture(scope="module")
def checked():
    """One kernel session: each notebook's own solution cell, filled with the reference solution, then its own
    check cell; then the deadlocking Zero Even Odd in the same solution cell, checked again.
    Returns {label: the check cell's output}."""
    # First the cell that loads the grader, as the notebooks do.
    cells = [nbrun.find_cell(nbrun.load(NOTEBOOK_PATHS[EXERCISES[0][0]]), "threadlab_grader::exercise::find(")]
    labels = []
    for notebook, exercise, solution, check in EXERCISES:
        nb = nbrun.with_solution(nbrun.load(NOTEBOOK_PATHS[notebook]), (SOLUTIONS / solution).read_text())
        cells += [nbrun.solution_cell(nb), nbrun.find_cell(nb, check)]
        labels.append(exercise)
    nb = nbrun.with_solution(nbrun.load(NOTEBOOK_PATHS["08-zero-even-odd.ipynb"]), DEADLOCKING_ZERO_EVEN_ODD)
    cells += [nbrun.solution_cell(nb), nbrun.find_cell(nb, EXERCISES[2][3])]
    labels.append("zero-even-odd (deadlocking)")
    for index, cell in enumerate(cells):
        cell.id = f"check-{index}"
    combined = nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)
    executed = nbrun.execute(combined)
    assert nbrun.problems(executed) == []
    checks = nbrun.code_cells(executed)[2::2]
    return {label: nbrun.text(cell) for label, cell in zip(labels, checks, strict=True)}


@pytest.mark.parametrize("notebook, exercise, solution, check", EXERCISES)
def test_reference_solution_passes_the_check_cell(checked, notebook, exercise, solution, check):
    line = verdict_line(exercise, checked[exercise])
    assert re.fullmatch(rf"\[{exercise}\] PASS after \d+ runs in [\d.]+ s \[controlled scheduling, seed 1\]", line), line


def test_a_deadlocking_solution_fails_the_check_cell(checked):
    output = checked["zero-even-odd (deadlocking)"]
    line = verdict_line("zero-even-odd", output)
    assert re.match(r"\[zero-even-odd\] FAIL \((deadlock|wrong-output)\) at run \d+ of \d+", line), line
    assert "replay string: " in output


@pytest.mark.parametrize("notebook, exercise, solution, check", EXERCISES)
def test_the_given_starter_code_fails_the_check_cell(run_notebook, notebook, exercise, solution, check):
    # The notebooks are committed with the starter code in the solution cell: it compiles and
    # runs, but does not synchronise, so the check cell shows a failing verdict and why.
    executed = run_notebook(notebook)
    output = nbrun.text(nbrun.find_cell(executed, check))
    line = verdict_line(exercise, output)
    assert re.match(rf"\[{exercise}\] FAIL \(wrong-output\) at run \d+ of \d+", line), line
    assert re.search(r"^  expected: ", output, re.M) and re.search(r"^  got: ", output, re.M)
    assert "replay string: " in output


def test_foobar_with_two_events_deadlocks_and_replays(run_notebook):
    executed = run_notebook("07-foobar.ipynb")
    checked_output = nbrun.text(nbrun.find_cell(executed, "check!(foobar, TwoEventFooBar)"))
    line = verdict_line("foobar", checked_output)
    assert re.match(r"\[foobar\] FAIL \(deadlock\) at run \d+ of \d+", line), line
    assert re.search(r"^    foo: blocked in Event\.wait", checked_output, re.M)
    assert re.search(r"^    bar: blocked in Event\.wait", checked_output, re.M)
    replayed = nbrun.text(nbrun.find_cell(executed, "replay!(foobar, TwoEventFooBar"))
    schedule = re.search(r"^replaying (\S+)$", replayed, re.M)
    assert schedule, replayed
    assert f"replay string: {schedule.group(1)}" in checked_output, "the replayed schedule is the one the check reported"
    assert re.search(r"^\[foobar\] FAIL \(deadlock\) at run 1 of 1", replayed, re.M), replayed
    # A plain run of the racy version almost always looks fine, which is the lesson; when it does
    # deadlock (rarely), the cell gives up after 2 s and says where each thread waits.
    plain = nbrun.stream(nbrun.find_cell(executed, "TwoEventFooBar::new(10)"))
    if "a deadlock" in plain:
        assert re.search(r"blocked in Event\.wait", plain), plain
    else:
        assert plain.split() == ["foo", "bar"] * 10, plain


def test_the_python_notebooks_condition_solution_runs_and_passes(run_notebook):
    executed = run_notebook("08-zero-even-odd.ipynb")
    # The Python notebook's output: 0 1 0 2 ... 0 10, one number a line.
    printed = nbrun.stream(nbrun.find_cell(executed, "ConditionZeroEvenOdd::new(10)"))
    assert printed.split() == [str(x) for i in range(1, 11) for x in (0, i)], printed
    checked_output = nbrun.text(nbrun.find_cell(executed, "check!(zero_even_odd, ConditionZeroEvenOdd)"))
    line = verdict_line("zero-even-odd", checked_output)
    assert re.fullmatch(r"\[zero-even-odd\] PASS after \d+ runs in [\d.]+ s \[controlled scheduling, seed 1\]", line), line


def test_the_python_solutions_run_is_drawn_as_a_timeline(run_notebook):
    executed = run_notebook("08-zero-even-odd.ipynb")
    cell = nbrun.find_cell(executed, "threading::trace(||")
    assert nbrun.stream(cell).split() == ["010203"]
    svgs = [o.data["image/svg+xml"] for o in cell.outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 1
    texts = ["".join(t.itertext()).strip() for t in ElementTree.fromstring(svgs[0]).iter("{http://www.w3.org/2000/svg}text")]
    assert {"zero", "even", "odd"} <= set(texts), texts
    # The title counts the run's threads (the three and the cell's own); long stretches are folded
    # ("… N steps …"), so only some of the marks are drawn: the waits and the notifications among them.
    assert re.match(r"trace: 4 threads, \d+ steps", texts[0]), texts
    assert any(t.startswith("Condition.notify") for t in texts), texts
    assert any(t.startswith("Condition.wait") for t in texts), texts


def test_notify_instead_of_notify_all_loses_the_turn_and_the_check_draws_it(run_notebook):
    executed = run_notebook("08-zero-even-odd.ipynb")
    cell = nbrun.find_cell(executed, "check!(zero_even_odd, NotifyOneZeroEvenOdd)")
    line = verdict_line("zero-even-odd", nbrun.text(cell))
    assert re.match(r"\[zero-even-odd\] FAIL \(deadlock\) at run \d+ of \d+", line), line
    svgs = [o.data["image/svg+xml"] for o in cell.outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 1
    texts = ["".join(t.itertext()).strip() for t in ElementTree.fromstring(svgs[0]).iter("{http://www.w3.org/2000/svg}text")]
    assert {"zero", "even", "odd"} <= set(texts), texts
    assert any(t.startswith("Condition.notify") for t in texts), texts


def test_print_without_a_newline_shows(run_notebook):
    executed = run_notebook("08-zero-even-odd.ipynb")
    assert nbrun.stream(nbrun.find_cell(executed, 'print!("ww");')) == "wwwwdw"


@pytest.mark.parametrize("notebook, exercise, solution, check", EXERCISES)
def test_the_notebook_shows_the_graders_own_skeleton(run_notebook, notebook, exercise, solution, check):
    executed = run_notebook(notebook)
    skeleton = nbrun.stream(nbrun.find_cell(executed, "threadlab_grader::exercise::find("))
    assert skeleton.startswith("pub struct ") and skeleton.rstrip().endswith("}")
    # The solution cell's starter code defines every method of the skeleton, with its signature.
    starter = nbrun.solution_cell(nbrun.load(NOTEBOOK_PATHS[notebook])).source
    for line in skeleton.splitlines():
        signature = line.split("//")[0].strip()  # the skeleton may say who calls a method
        if signature.startswith("pub fn "):
            assert signature.rstrip(";") in starter, line
