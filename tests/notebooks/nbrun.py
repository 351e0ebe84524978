"""Running the course notebooks through the real threadlab kernel, with nbclient.

Used by the tests in this folder and by `execute_notebooks.py` (which refreshes the stored outputs).

The kernel is found through its installed kernelspec `threadlab`, the way Jupyter finds it:
install it once with `threadlab-kernel install --sys-prefix` (inside the project venv) or
`--prefix DIR` (then put `DIR/share/jupyter` on JUPYTER_PATH). Setting THREADLAB_KERNEL to a
kernel binary instead installs that binary's kernelspec into a temporary prefix put first on
JUPYTER_PATH, so a test run can pin the binary it tests without touching anyone's set-up.
"""
from __future__ import annotations

import atexit
import copy
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterable

import nbformat
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
KERNEL_NAME = "threadlab"
KERNELSPEC_METADATA = {"name": KERNEL_NAME, "display_name": "Rust (threadlab)", "language": "rust"}

# Tags a notebook's cells may carry.
SOLUTION_TAG = "solution"  # the learner's cell in an exercise notebook
STDERR_TAG = "expect-stderr"  # a cell whose lesson is what it prints on stderr

# A fresh kernel needs a few seconds for evcxr; the first one on a machine may compile more.
STARTUP_TIMEOUT = 300
CELL_TIMEOUT = 120

_installed_prefix: Path | None = None


def ensure_kernelspec() -> str:
    """Makes sure the `threadlab` kernelspec can be found; returns the kernel binary's path."""
    global _installed_prefix
    binary = os.environ.get("THREADLAB_KERNEL")
    if binary and _installed_prefix is None:
        if not Path(binary).is_file():
            raise RuntimeError(f"THREADLAB_KERNEL={binary} is not a file")
        prefix = Path(tempfile.mkdtemp(prefix="threadlab-notebooks-kernelspec-"))
        atexit.register(shutil.rmtree, prefix, ignore_errors=True)
        subprocess.run([binary, "install", "--prefix", str(prefix)], check=True, capture_output=True)
        data = prefix / "share" / "jupyter"
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(data), *filter(None, [os.environ.get("JUPYTER_PATH")])])
        _installed_prefix = prefix
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        raise RuntimeError(
            "no `threadlab` kernelspec: run `threadlab-kernel install --sys-prefix` in the project venv "
            "(or `--prefix DIR` and put DIR/share/jupyter on JUPYTER_PATH), or set THREADLAB_KERNEL "
            "to the kernel binary"
        ) from None
    return spec.argv[0]


def notebooks() -> list[Path]:
    """Every course notebook, in course order (lessons 01-05, then the exercises)."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def execute(nb: nbformat.NotebookNode, *, cwd: Path = NOTEBOOKS, allow_errors: bool = True) -> nbformat.NotebookNode:
    """Runs a copy of `nb` top to bottom in a fresh kernel (working directory `cwd`); returns it."""
    ensure_kernelspec()
    nb = copy.deepcopy(nb)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT,
        startup_timeout=STARTUP_TIMEOUT,
        allow_errors=allow_errors,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    tidy(nb)
    return nb


def tidy(nb: nbformat.NotebookNode) -> None:
    """Stable metadata, so a re-run changes only what the cells printed."""
    nb.metadata["kernelspec"] = dict(KERNELSPEC_METADATA)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.metadata.get("tags", []))


def stream(cell: nbformat.NotebookNode, name: str = "stdout") -> str:
    """What the cell printed on one stream."""
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == name)


def result(cell: nbformat.NotebookNode) -> str | None:
    """The cell's `execute_result` as text, if it has one."""
    for output in cell.get("outputs", []):
        if output.output_type == "execute_result":
            return output.data.get("text/plain")
    return None


def text(cell: nbformat.NotebookNode) -> str:
    """Everything a cell shows as text: streams, results and displays, in order."""
    parts: list[str] = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """Error outputs anywhere, and stderr output in cells not tagged `expect-stderr`."""
    found = []
    for index, cell in enumerate(code_cells(nb), start=1):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                traceback = "\n".join(output.get("traceback", []))
                found.append(f"code cell {index}: error {output.ename}: {output.evalue}\n{traceback}")
            elif output.output_type == "stream" and output.name == "stderr" and STDERR_TAG not in tags(cell):
                found.append(f"code cell {index}: unexpected stderr: {output.text!r}")
    return found


def execution_counts(nb: nbformat.NotebookNode) -> list[Any]:
    return [c.get("execution_count") for c in code_cells(nb)]


def find_cell(nb: nbformat.NotebookNode, needle: str) -> nbformat.NotebookNode:
    """The one code cell whose source contains `needle`."""
    matches = [c for c in code_cells(nb) if needle in c.source]
    if len(matches) != 1:
        raise AssertionError(f"expected one code cell containing {needle!r}, found {len(matches)}")
    return matches[0]


def solution_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cells = [c for c in code_cells(nb) if SOLUTION_TAG in tags(c)]
    if len(cells) != 1:
        raise AssertionError(f"expected one cell tagged {SOLUTION_TAG!r}, found {len(cells)}")
    return cells[0]


def with_solution(nb: nbformat.NotebookNode, source: str) -> nbformat.NotebookNode:
    """A copy of the exercise notebook with `source` in its solution cell and no outputs."""
    nb = copy.deepcopy(nb)
    solution_cell(nb).source = source
    for cell in code_cells(nb):
        cell.outputs = []
        cell.execution_count = None
    return nb


def only_cells(nb: nbformat.NotebookNode, keep: Iterable[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """A copy of `nb` with only the given code cells (by source), in their order."""
    sources = {c.source for c in keep}
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if c.cell_type == "code" and c.source in sources]
    return nb
