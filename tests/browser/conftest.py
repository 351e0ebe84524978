"""Fixtures of the browser tests: one JupyterLab server and one Chromium for the session."""
from __future__ import annotations

import pytest

import lab as lab_module


@pytest.fixture(scope="session")
def lab():
    with lab_module.jupyter_lab() as running:
        yield running


@pytest.fixture(scope="session")
def page():
    with lab_module.chromium() as page:
        yield page
