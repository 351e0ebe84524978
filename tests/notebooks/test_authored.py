"""An author's own exercise in the kernel: `threadlab-grader new-exercise` writes an exercise file and its
notebook into a temporary folder; the notebook runs through the real kernel (its definition cell is the
exercise file), its starter fails the in-notebook check with the exercise's own rule, and the reference
solution it came with passes it."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

import nbrun


def grader() -> Path:
    """The grader binary built next to the kernel under test."""
    kernel = Path(os.environ.get("THREADLAB_KERNEL") or nbrun.ensure_kernelspec())
    binary = kernel.parent / "threadlab-grader"
    if not binary.is_file():
        pytest.fail(f"no threadlab-grader next to the kernel ({binary}): build both with build_release")
    return binary


@pytest.fixture(scope="module")
def authored(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("authored")
    subprocess.run([grader(), "new-exercise", "ping-pong", "--dir", folder], check=True, capture_output=True)
    return folder


def test_the_new_exercise_notebook_runs_and_its_starter_fails_the_check(authored):
    executed = nbrun.execute(nbrun.load(authored / "ping_pong.ipynb"), cwd=authored)
    definition = next(c for c in nbrun.code_cells(executed) if "exercise-definition" in nbrun.tags(c))
    assert definition.source == (authored / "ping_pong.rs").read_text().rstrip()
    assert [o for o in definition.outputs if o.output_type == "error"] == [], definition.outputs
    skeleton = nbrun.text(nbrun.find_cell(executed, "EXERCISE.skeleton"))
    assert "pub fn ping(&self, print_ping: impl Fn());" in skeleton, skeleton
    output = nbrun.text(nbrun.find_cell(executed, "check!(adapter!(PingPong))"))
    assert re.search(r"^\[ping-pong\] FAIL \(wrong-output\) at run \d+ of \d+", output, re.M), output
    assert "where ping was expected" in output, output


def test_the_reference_solution_passes_the_notebooks_check(authored):
    nb = nbrun.with_solution(nbrun.load(authored / "ping_pong.ipynb"), (authored / "solutions/ping_pong.rs").read_text())
    executed = nbrun.execute(nb, cwd=authored)
    assert nbrun.problems(executed) == []
    output = nbrun.text(nbrun.find_cell(executed, "check!(adapter!(PingPong))"))
    assert re.search(r"^\[ping-pong\] PASS after \d+ runs in [\d.]+ s \[controlled scheduling, seed 1\]", output, re.M), output


def test_exercise_command_reads_the_definition_from_the_file(authored, tmp_path):
    """`:exercise FILE` in place of the definition cell: the notebook and the command-line grader read
    one text, and an edit to the file reaches the next run."""
    folder = tmp_path / "set"
    folder.mkdir()
    exercise = folder / "ping_pong.rs"
    exercise.write_text((authored / "ping_pong.rs").read_text())
    nb = nbrun.with_solution(nbrun.load(authored / "ping_pong.ipynb"), (authored / "solutions/ping_pong.rs").read_text())
    definition = next(c for c in nb.cells if "exercise-definition" in nbrun.tags(c))
    definition.source = ":exercise ping_pong.rs"
    executed = nbrun.execute(nb, cwd=folder)
    assert nbrun.problems(executed) == []
    rule = nbrun.text(nbrun.find_cell(executed, "EXERCISE.rule"))
    assert rule.startswith("ping and pong alternate"), rule
    output = nbrun.text(nbrun.find_cell(executed, "check!(adapter!(PingPong))"))
    assert re.search(r"^\[ping-pong\] PASS after \d+ runs in [\d.]+ s \[controlled scheduling, seed 1\]", output, re.M), output

    # The author edits the rule's wording; the next run of the notebook shows it.
    text = exercise.read_text()
    assert 'rule: "ping and pong alternate' in text
    exercise.write_text(text.replace('rule: "ping and pong alternate', 'rule: "ping and pong take turns, alternating', 1))
    rule = nbrun.text(nbrun.find_cell(nbrun.execute(nb, cwd=folder), "EXERCISE.rule"))
    assert rule.startswith("ping and pong take turns, alternating"), rule

    # A file that is not there: one clear error in that cell, not a compile error.
    definition.source = ":exercise no_such_exercise.rs"
    executed = nbrun.execute(nb, cwd=folder)
    cell = next(c for c in executed.cells if c.source == ":exercise no_such_exercise.rs")
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "UsageError", cell.outputs
    assert errors[0].evalue.startswith("cannot read the exercise file no_such_exercise.rs: "), errors[0].evalue
