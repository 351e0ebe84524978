"""Creates an nbgrader course directory from threadlab's exercise notebooks.

    python classroom/nbgrader/make_course.py COURSE_DIR

Each exercise notebook of notebooks/ (06-...) becomes a source assignment of the same name,
`COURSE_DIR/source/NAME/NAME.ipynb`, with

* the reference solution of notebooks/solutions/ in its solution cell, between
  `// ### BEGIN SOLUTION` and `// ### END SOLUTION` (nbgrader replaces it with a stub);
* its final `check!` cell replaced by two autograded test cells (locked, with points):
  LeetCode's standard, the type run with real threads and nothing injected
  (`NAIVE_POINTS`), then the grader's full check under controlled schedules
  (`CHECK_POINTS`). Each ends in an `error` output when the check fails (`grade!` panics),
  which is what nbgrader scores 0; a solution that only races now and then earns the first and
  not the second.

The notebooks of notebooks/ stay the single source: rerun this script after editing them.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
NOTEBOOKS = REPO / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions"

NAIVE_POINTS = 3
CHECK_POINTS = 7

CHECK_CALL = re.compile(r"^threadlab_grader::check!\((\w+), (\w+)\);\s*$")


def exercise_notebooks() -> list[Path]:
    """The exercise notebooks: those with a cell tagged `solution`."""
    found = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        nb = json.loads(path.read_text())
        if any("solution" in c.get("metadata", {}).get("tags", []) for c in nb["cells"]):
            found.append(path)
    return found


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def graded_cell(cell_id: str, grade_id: str, points: int, code: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": {
            "nbgrader": {
                "grade": True,
                "grade_id": grade_id,
                "locked": True,
                "points": points,
                "schema_version": 3,
                "solution": False,
                "task": False,
            }
        },
        "outputs": [],
        "source": code,
    }


def markdown(cell_id: str, text: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


def reference_solution(exercise_id: str) -> str:
    path = SOLUTIONS / f"{exercise_id.replace('-', '_')}.rs"
    # The file's opening comment says how to check it from the command line; the learner's
    # notebook does not need it.
    lines = path.read_text().splitlines()
    while lines and (lines[0].startswith("//") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines).rstrip()


def assignment(path: Path) -> tuple[str, dict]:
    """The source notebook of one exercise notebook, and the assignment's name."""
    nb = json.loads(path.read_text())
    nb = copy.deepcopy(nb)
    name = path.stem
    cells = []
    solution_seen = False
    check_replaced = False
    for cell in nb["cells"]:
        cell = copy.deepcopy(cell)
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" in tags:
            meta = cell["metadata"]["nbgrader"]
            exercise_id = meta["grade_id"].removesuffix("_solution").replace("_", "-")
            cell["source"] = (
                "// ### BEGIN SOLUTION\n" + reference_solution(exercise_id) + "\n// ### END SOLUTION"
            )
            solution_seen = True
        elif solution_seen and not check_replaced and cell["cell_type"] == "code":
            match = CHECK_CALL.match(source(cell))
            if match:
                exercise, type_name = match.groups()
                prefix = cell["id"]
                cells.append(
                    markdown(
                        f"{prefix}-graded",
                        f"## Graded checks\n\n"
                        f"**{NAIVE_POINTS} points**: your `{type_name}` gives the right output with real threads "
                        f"and nothing injected (what LeetCode's judge checks).  \n"
                        f"**{CHECK_POINTS} points**: it gives the right output under every schedule the grader "
                        f"tries, the rare ones included (what `threadlab-grader check` checks).\n\n"
                        f"A failing check ends in an error that says why, with a replay string.",
                    )
                )
                cells.append(
                    graded_cell(
                        f"{prefix}-naive",
                        f"{exercise}_naive",
                        NAIVE_POINTS,
                        "let real_threads = threadlab_grader::CheckOptions {\n"
                        "    mode: Some(threadlab_grader::Mode::Naive),\n"
                        "    ..Default::default()\n"
                        "};\n"
                        f"threadlab_grader::grade!({exercise}, {type_name}, real_threads);",
                    )
                )
                cells.append(
                    graded_cell(
                        f"{prefix}-check",
                        f"{exercise}_check",
                        CHECK_POINTS,
                        f"threadlab_grader::grade!({exercise}, {type_name});",
                    )
                )
                check_replaced = True
                continue
        cells.append(cell)
    if not (solution_seen and check_replaced):
        raise SystemExit(f"{path}: expected a solution cell followed by a `check!` cell")
    nb["cells"] = cells
    return name, nb


def make_course(course: Path) -> list[str]:
    course.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "nbgrader_config.py", course / "nbgrader_config.py")
    names = []
    for path in exercise_notebooks():
        name, nb = assignment(path)
        target = course / "source" / name
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{name}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        names.append(name)
    return names


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course", type=Path, help="the course directory to create or update")
    args = parser.parse_args(argv)
    names = make_course(args.course)
    print(f"{args.course}: source assignments {', '.join(names)}")
    print(f"next: cd {args.course} && nbgrader generate_assignment {names[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
