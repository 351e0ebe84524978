"""A notebook run end to end through nbclient (what nbgrader and `jupyter nbconvert --execute` do)
with the threadlab kernel. The project's own notebooks are executed and checked by
tests/notebooks/."""
from __future__ import annotations


import nbformat
import pytest
from nbclient import NotebookClient

from conftest import KERNEL_NAME, REPO

pytestmark = pytest.mark.timeout(900)


def run(notebook: nbformat.NotebookNode, allow_errors: bool = False) -> nbformat.NotebookNode:
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=300,
        startup_timeout=180,
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(REPO)}},
    )
    client.execute()
    return notebook


def outputs_of(cell: nbformat.NotebookNode) -> list[dict]:
    return [dict(o) for o in cell.get("outputs", [])]


def test_a_smoke_notebook_runs_with_clean_outputs():
    cells = [
        "use std::sync::Arc;\nlet counter = Arc::new(threading::Lock::with_data(0));",
        """let workers: Vec<_> = (0..4)
    .map(|_| {
        let counter = counter.clone();
        threading::Thread::new(move || for _ in 0..1000 { *counter.lock() += 1; })
    })
    .collect();
for w in &workers { w.start().unwrap(); }
for w in &workers { w.join().unwrap(); }
println!("threads done");""",
        "*counter.lock()",
        'panic!("a failing test cell")',
        "*counter.lock() + 1",
    ]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    run(notebook, allow_errors=True)
    outputs = [outputs_of(c) for c in notebook.cells]
    assert outputs[0] == []
    assert outputs[1] == [{"output_type": "stream", "name": "stdout", "text": "threads done\n"}]
    assert outputs[2][0]["output_type"] == "execute_result"
    assert outputs[2][0]["data"]["text/plain"] == "4000"
    # nbgrader scores a cell 0 for any error output or stderr: a panic is exactly one error.
    assert [o["output_type"] for o in outputs[3]] == ["error"]
    assert outputs[3][0]["evalue"] == "a failing test cell"
    assert outputs[4][0]["data"]["text/plain"] == "4001"
    assert [c.execution_count for c in notebook.cells] == [1, 2, 3, 4, 5]


FOOBAR_TWO_EVENTS = """use threading::Event;
pub struct FooBar { n: usize, events: (Event, Event) }
impl FooBar {
    pub fn new(n: usize) -> FooBar {
        let events = (Event::new(), Event::new());
        events.1.set();
        FooBar { n, events }
    }
    pub fn foo(&self, print_foo: impl Fn()) {
        for _ in 0..self.n { self.events.1.wait(); print_foo(); self.events.0.set(); self.events.1.clear(); }
    }
    pub fn bar(&self, print_bar: impl Fn()) {
        for _ in 0..self.n { self.events.0.wait(); print_bar(); self.events.1.set(); self.events.0.clear(); }
    }
}"""


def svg_lanes(svg: str) -> list[str]:
    """The lane names of a timeline SVG, which must parse as XML."""
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if "data-lane" in t.attrib]


def test_a_failing_check_and_a_trace_show_their_timelines_as_pictures():
    cells = [
        FOOBAR_TWO_EVENTS,
        "threadlab_grader::check!(foobar, FooBar);",
        """let ready = std::sync::Arc::new(threading::Event::new());
threading::trace(|| {
    let waiter = threading::Thread::builder().name("waiter").target({ let r = ready.clone(); move || { r.wait(); } });
    waiter.start().unwrap();
    ready.set();
    waiter.join().unwrap();
})""",
    ]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    run(notebook)
    check = outputs_of(notebook.cells[1])
    # The verdict as text first, then the failing run's timeline as a picture.
    assert [o["output_type"] for o in check] == ["stream", "display_data"], check
    assert check[0]["text"].startswith("[foobar] FAIL (deadlock)"), check[0]["text"]
    assert "timeline (" not in check[0]["text"], "the table is for terminals; the notebook gets the picture"
    assert svg_lanes(check[1]["data"]["image/svg+xml"]) == ["foo", "bar", "main"]
    traced = outputs_of(notebook.cells[2])
    assert [o["output_type"] for o in traced] == ["execute_result"], traced
    assert "waiter" in svg_lanes(traced[0]["data"]["image/svg+xml"])
