"""Screenshots of a notebook's output as JupyterLab shows it, in a real browser, for the README.

Usage: python tests/browser/screenshot.py NOTEBOOK CELL_TEXT OUT.png [--dark]

Opens NOTEBOOK (its stored outputs; nothing is run) in JupyterLab in headless Chromium, finds the
code cell whose source contains CELL_TEXT, and saves a picture of that cell's output area. With
--dark, JupyterLab's dark theme is switched on first (Settings → Theme), as a learner would.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import lab as lab_module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebook")
    parser.add_argument("cell_text")
    parser.add_argument("out", type=Path)
    parser.add_argument("--dark", action="store_true")
    args = parser.parse_args()
    with lab_module.jupyter_lab() as lab, lab_module.chromium() as page:
        lab_module.open_notebook(page, lab, args.notebook)
        if args.dark:
            page.click("text=Settings")
            page.hover("text=Theme")
            page.click("text=JupyterLab Dark")
            page.wait_for_selector("body[data-jp-theme-light='false']", state="attached", timeout=30_000)
        cells = page.query_selector_all(".jp-Notebook .jp-CodeCell")
        for cell in cells:
            cell.scroll_into_view_if_needed()
            source = cell.query_selector(".jp-InputArea-editor")
            if source and args.cell_text in source.text_content():
                output = cell.query_selector(".jp-OutputArea")
                output.scroll_into_view_if_needed()
                time.sleep(1)  # let the output finish laying out after the scroll
                args.out.parent.mkdir(parents=True, exist_ok=True)
                output.screenshot(path=str(args.out))
                print(f"wrote {args.out}")
                return
        raise SystemExit(f"no code cell of {args.notebook} contains {args.cell_text!r}")


if __name__ == "__main__":
    main()
