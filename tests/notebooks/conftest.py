"""Shared fixtures: every course notebook executed once per test session, through the real kernel.

Needs the `threadlab` kernelspec (see nbrun.py): installed in the venv or on JUPYTER_PATH, or
THREADLAB_KERNEL set to the kernel binary.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbrun  # noqa: E402

NOTEBOOK_PATHS = {p.name: p for p in nbrun.notebooks()}
_executed: dict[str, nbformat.NotebookNode] = {}


def pytest_configure(config: pytest.Config) -> None:
    nbrun.ensure_kernelspec()


@pytest.fixture(scope="session")
def run_notebook():
    """`run_notebook(name)`: the notebook executed top to bottom in a fresh kernel (once per session)."""

    def run(name: str) -> nbformat.NotebookNode:
        if name not in _executed:
            _executed[name] = nbrun.execute(nbrun.load(NOTEBOOK_PATHS[name]))
        return _executed[name]

    return run
