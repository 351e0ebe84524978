"""Screenshots of a notebook's output as JupyterLab shows it, in a real browser, for the README.

Usage: python tests/browser/screenshot.py NOTEBOOK CELL_TEXT OUT.png [--dark] [--run] [--mime MIME] [--width PX]

Opens NOTEBOOK in JupyterLab in headless Chromium, finds the code cell whose source contains
CELL_TEXT, and saves a picture of that cell's output area (or, with --mime, of its output of that
MIME type, e.g. image/svg+xml). With --run the notebook is run first (Run All), as a learner would:
JupyterLab shows stored SVG outputs of a notebook only once it is trusted, and outputs it made
itself are. With --dark, JupyterLab's dark theme is switched on first (Settings → Theme).
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
    parser.add_argument("--run", action="store_true")
    parser.add_argument("--mime")
    parser.add_argument("--width", type=int, default=1400, help="the browser window's width (CSS pixels)")
    args = parser.parse_args()
    with lab_module.jupyter_lab() as lab, lab_module.chromium(width=args.width) as page:
        lab_module.open_notebook(page, lab, args.notebook)
        if args.dark:
            page.click("text=Settings")
            page.hover("text=Theme")
            page.click("text=JupyterLab Dark")
            page.wait_for_selector("body[data-jp-theme-light='false']", state="attached", timeout=30_000)
        if args.run:
            lab_module.run_all(page)
        cells = page.query_selector_all(".jp-Notebook .jp-CodeCell")
        for cell in cells:
            cell.scroll_into_view_if_needed()
            source = cell.query_selector(".jp-InputArea-editor")
            if source and args.cell_text in source.text_content():
                selector = f'.jp-OutputArea-output[data-mime-type="{args.mime}"]' if args.mime else ".jp-OutputArea"
                output = cell.query_selector(selector)
                if output is None:
                    raise SystemExit(f"the cell has no {selector} (is the notebook trusted? try --run)")
                output.scroll_into_view_if_needed()
                time.sleep(1)  # let the output finish laying out after the scroll
                args.out.parent.mkdir(parents=True, exist_ok=True)
                output.screenshot(path=str(args.out))
                print(f"wrote {args.out}")
                return
        raise SystemExit(f"no code cell of {args.notebook} contains {args.cell_text!r}")


if __name__ == "__main__":
    main()
