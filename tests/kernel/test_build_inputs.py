"""A cell is built from what its build's inputs are when it runs, over jupyter_client.

Between cells the kernel compiles with rustc alone while cargo would run the same compile
(`kernel/vendor/evcxr/THREADLAB-PATCH.md`, section 7). Whatever would make cargo compile
differently must reach the next cell: the environment the build inherits (`:env`), the build's
own variables (`:build_env`), a new dependency (`:dep`) and an edited path dependency. Each test
first runs `let` cells (a type probe and a build, both without cargo once a build was recorded),
then changes one input and checks that the next cell sees it.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kernel_client import Kernel

pytestmark = pytest.mark.timeout(600)


def result_of(kernel: Kernel, code: str) -> str:
    result = kernel.ok(code)
    text = result.result_text()
    assert text is not None, f"{code!r} showed no result: {result.outputs}"
    return text


def warm_up_with_lets(kernel: Kernel, name: str) -> None:
    assert result_of(kernel, f"let {name} = vec![1, 2, 3];\n{name}.len()") == "3"
    assert result_of(kernel, f"let {name}_total: i32 = {name}.iter().sum();\n{name}_total") == "6"


def path_dependency(folder: Path, name: str, text: str) -> Path:
    """A crate `name` in `folder` whose lib.rs is `text`; returns the lib.rs to edit later."""
    crate = folder / name
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text(f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n')
    source = crate / "src" / "lib.rs"
    source.write_text(text)
    return source


def edit(source: Path, text: str) -> None:
    """Rewrites `source` with a modification time cargo cannot mistake for the last build's."""
    source.write_text(text)
    later = time.time() + 1
    os.utime(source, (later, later))


def test_the_environment_set_with_env_reaches_the_next_build(kernel):
    warm_up_with_lets(kernel, "env_numbers")
    for value in ("first", "second"):
        kernel.ok(f":env THREADLAB_TEST_BUILD_INPUT={value}")
        assert result_of(kernel, 'env!("THREADLAB_TEST_BUILD_INPUT")') == f'"{value}"'


def test_build_env_reaches_the_next_build(kernel):
    warm_up_with_lets(kernel, "build_env_numbers")
    for value in ("one", "two"):
        kernel.ok(f":build_env THREADLAB_TEST_BUILD_ENV={value}")
        assert result_of(kernel, 'env!("THREADLAB_TEST_BUILD_ENV")') == f'"{value}"'


def test_an_edited_path_dependency_is_rebuilt_before_the_next_cell(kernel, tmp_path: Path):
    source = path_dependency(tmp_path, "edited_dependency", "pub const ANSWER: i32 = 41;\n")
    kernel.ok(f':dep edited_dependency = {{ path = "{source.parent.parent}" }}')
    assert result_of(kernel, "edited_dependency::ANSWER") == "41"
    warm_up_with_lets(kernel, "path_numbers")

    # A constant is read from the crate's metadata, so the cell shows what the build saw (a
    # function would come from the library the cell process loaded first).
    edit(source, "pub const ANSWER: i32 = 41;\npub const ADDED: i32 = 7;\n")
    assert result_of(kernel, "edited_dependency::ADDED + edited_dependency::ANSWER") == "48"
    warm_up_with_lets(kernel, "after_edit")
    assert result_of(kernel, "let added = edited_dependency::ADDED;\nadded") == "7"


def test_a_rebuilt_dependency_library_runs_in_a_new_process_with_a_note(tmp_path: Path):
    """A process keeps the first build of a library it loaded: the kernel restarts it, says so."""
    kernel = Kernel()
    try:
        source = path_dependency(tmp_path, "rebuilt_dependency", "pub fn answer() -> i32 { 41 }\n")
        kernel.ok(f':dep rebuilt_dependency = {{ path = "{source.parent.parent}" }}')
        assert result_of(kernel, "let before = rebuilt_dependency::answer();\nbefore") == "41"
        unchanged = kernel.ok("rebuilt_dependency::answer() + before")
        assert unchanged.result_text() == "82"
        assert "changed since" not in unchanged.stream()

        # A new body under the same symbol (the old build would answer 41 without a word) and a
        # new function (the old build would not have it: the process would die loading the cell).
        edit(source, "pub fn answer() -> i32 { 42 }\npub fn added() -> i32 { 7 }\n")
        rebuilt = kernel.ok("rebuilt_dependency::answer() + rebuilt_dependency::added()")
        assert rebuilt.result_text() == "49"
        note = rebuilt.stream()
        assert "`rebuilt_dependency` changed since the process running cells loaded it" in note, note
        assert "variables of earlier cells are gone" in note, note

        # The restart is real: `before` went with the old process, and the next cell says so.
        missing = kernel.execute("before")
        assert missing.status == "error"
        assert "before" in missing.error()["evalue"]
        # Nothing changed since: the next cells run in the same process, without the note.
        assert result_of(kernel, "let after = rebuilt_dependency::answer();\nafter") == "42"
        again = kernel.ok("after + 1")
        assert again.result_text() == "43"
        assert "changed since" not in again.stream()
    finally:
        kernel.close()
