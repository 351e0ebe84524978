"""Re-executes course notebooks in place through the threadlab kernel, refreshing their outputs.

Usage: python tests/notebooks/execute_notebooks.py [NOTEBOOK ...]   (default: every notebook)

A notebook is written back only if its run was clean: no error output, and no stderr output
except in cells tagged `expect-stderr`. Otherwise the problems are printed, the file is left
as it was, and the exit status is 1. See nbrun.py for how the kernel is found.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbrun  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to refresh (default: all)")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.notebooks] or nbrun.notebooks()
    nbrun.ensure_kernelspec()
    failed = 0
    for path in paths:
        started = time.monotonic()
        executed = nbrun.execute(nbrun.load(path), cwd=path.parent)
        seconds = time.monotonic() - started
        found = nbrun.problems(executed)
        if found:
            failed += 1
            print(f"FAILED {path.name} ({seconds:.1f} s): not written")
            for problem in found:
                print("  " + problem.replace("\n", "\n  "))
            continue
        nbformat.validate(executed)
        nbformat.write(executed, path)
        print(f"ok     {path.name} ({seconds:.1f} s, {len(nbrun.code_cells(executed))} code cells)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
