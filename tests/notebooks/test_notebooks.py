"""Every course notebook runs clean through the real kernel, and its committed outputs come from such a run."""
from __future__ import annotations

import json

import nbformat
import pytest

import nbrun
from conftest import NOTEBOOK_PATHS

NAMES = sorted(NOTEBOOK_PATHS)
LESSONS = [n for n in NAMES if n[:2] in {"01", "02", "03", "04", "05"}]
EXERCISES = [n for n in NAMES if n not in LESSONS]


def test_the_course_is_all_there():
    assert [n[:2] for n in NAMES] == ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13"], NAMES


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_clean(run_notebook, name):
    executed = run_notebook(name)
    assert nbrun.problems(executed) == []
    # Every code cell ran, in order, in one kernel session.
    assert nbrun.execution_counts(executed) == list(range(1, len(nbrun.code_cells(executed)) + 1))


@pytest.mark.parametrize("name", NAMES)
def test_stored_outputs_come_from_a_clean_run(run_notebook, name):
    stored = nbrun.load(NOTEBOOK_PATHS[name])
    nbformat.validate(stored)
    assert stored.metadata["kernelspec"] == nbrun.KERNELSPEC_METADATA
    assert stored.metadata["language_info"]["name"] == "rust"
    counts = nbrun.execution_counts(stored)
    assert counts == list(range(1, len(counts) + 1)), "stored outputs are not from one top-to-bottom run"
    assert nbrun.problems(stored) == []
    for cell in nbrun.code_cells(stored):
        assert "execution" not in cell.metadata, "timing metadata left in the notebook"
    executed = run_notebook(name)
    assert len(executed.cells) == len(stored.cells)
    # A cell that shows something when run shows something in the file, and the other way round.
    shown = [bool(c.outputs) for c in nbrun.code_cells(executed)]
    assert [bool(c.outputs) for c in nbrun.code_cells(stored)] == shown


@pytest.mark.parametrize("name", NAMES)
def test_only_tagged_cells_may_write_to_stderr(name):
    stored = nbrun.load(NOTEBOOK_PATHS[name])
    for cell in nbrun.code_cells(stored):
        if nbrun.STDERR_TAG in nbrun.tags(cell):
            assert nbrun.stream(cell, "stderr"), "a cell tagged expect-stderr that writes nothing to stderr"


@pytest.mark.parametrize("name", EXERCISES)
def test_exercise_notebooks_have_one_solution_cell_for_nbgrader(name):
    stored = nbrun.load(NOTEBOOK_PATHS[name])
    cell = nbrun.solution_cell(stored)
    nbgrader = cell.metadata["nbgrader"]
    assert nbgrader["solution"] is True and nbgrader["grade"] is False and nbgrader["locked"] is False
    assert nbgrader["schema_version"] == 3 and nbgrader["grade_id"]
    ids = [c.metadata["nbgrader"]["grade_id"] for n in EXERCISES for c in [nbrun.solution_cell(nbrun.load(NOTEBOOK_PATHS[n]))]]
    assert len(set(ids)) == len(ids)


def test_notebooks_are_valid_json_with_stable_cell_ids():
    for path in NOTEBOOK_PATHS.values():
        data = json.loads(path.read_text())
        ids = [c["id"] for c in data["cells"]]
        assert len(set(ids)) == len(ids), path.name
