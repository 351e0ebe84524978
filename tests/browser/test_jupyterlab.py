"""A learner's session in a real browser: JupyterLab opens an exercise notebook with the threadlab
kernel, Run All runs every cell through the kernel, and the page shows what the lesson says it
shows, with no error."""
from __future__ import annotations

import re

import lab as lab_module

NOTEBOOK = "08-zero-even-odd.ipynb"


def test_run_all_in_jupyterlab_shows_the_outputs_and_no_error(lab, page):
    lab_module.open_notebook(page, lab, NOTEBOOK)
    # The kernel the notebook asks for is the one JupyterLab started.
    assert lab_module.kernel_name(page) == "Rust (threadlab)"
    lab_module.run_all(page)
    cells = lab_module.outputs(page)
    errors = [o for cell in cells for o in cell if o["mime"] == "application/vnd.jupyter.stderr"]
    assert not errors, errors
    texts = ["\n".join(o["text"] for o in cell) for cell in cells]
    # The skeleton from the grader, the Python notebook's run (0 1 0 2 ... 0 10) and its verdict.
    assert any(t.startswith("pub struct ZeroEvenOdd") for t in texts), texts
    assert [str(x) for i in range(1, 11) for x in (0, i)] in [t.split() for t in texts], texts
    verdicts = [line for t in texts for line in t.splitlines() if line.startswith("[zero-even-odd] ")]
    # The Python notebook's Condition solution passes, its notify() variant deadlocks, and the
    # starter code fails the check.
    assert len(verdicts) == 3, verdicts
    assert re.match(r"\[zero-even-odd\] PASS after \d+ runs", verdicts[0]), verdicts
    assert re.match(r"\[zero-even-odd\] FAIL \(deadlock\)", verdicts[1]), verdicts
    assert re.match(r"\[zero-even-odd\] FAIL \(", verdicts[2]), verdicts
    # The failing check draws its run: the timeline renders as an SVG image.
    drawn = [o for cell in cells for o in cell if o["mime"] == "image/svg+xml"]
    assert drawn and all(o["svg"] for o in drawn), drawn
    # `print!` without a newline shows at once.
    assert "wwwwdw" in texts
