"""A real JupyterLab server and a real Chromium driving it, for the browser tests and the README's
screenshots.

The server runs from the lab venv (`scripts/setup-python.sh --lab`) on a copy of `notebooks/`, with
the kernel under test installed as a temporary kernelspec (see `nbrun.ensure_kernelspec`), so
running a notebook in the browser never rewrites the repository's files. Chromium is Debian's
(`/usr/bin/chromium`, installed by `scripts/setup-system.sh`), driven by Playwright.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notebooks"))
import nbrun  # noqa: E402

CHROMIUM = os.environ.get("THREADLAB_CHROMIUM", "/usr/bin/chromium")
# As root Chromium needs --no-sandbox; the background services it starts would only hit this
# machine's closed network (and retry, many connections at a time).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_STARTUP = 120
# Running a whole notebook: a fresh kernel, then each cell compiled (seconds each on a loaded machine).
RUN_ALL_TIMEOUT = 600


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab: its address, token and notebook folder."""

    def __init__(self, url: str, token: str, root: Path):
        self.url = url
        self.token = token
        self.root = root

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"


@contextmanager
def jupyter_lab() -> Iterator[Lab]:
    """Starts JupyterLab on a copy of the notebooks; stops it (and its kernels) at the end."""
    nbrun.ensure_kernelspec()
    root = Path(tempfile.mkdtemp(prefix="threadlab-lab-"))
    shutil.copytree(nbrun.NOTEBOOKS, root / "notebooks")
    home = root / "home"  # JupyterLab's settings and workspaces: fresh, so no earlier layout reopens
    # No "get notified about Jupyter news?" toast over the outputs (the user-settings file format).
    settings = home / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}\n')
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTERLAB_WORKSPACES_DIR=str(home / "ws"))
    log = open(root / "server.log", "w")
    args = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root / 'notebooks'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        args.append("--allow-root")
    server = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_STARTUP
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {server.returncode}:\n{(root / 'server.log').read_text()}")
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer within {SERVER_STARTUP}s") from None
                time.sleep(0.5)
        yield Lab(url, token, root / "notebooks")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def chromium(width: int = 1400, height: int = 1000):
    """A headless Chromium page (Playwright) of `width` x `height` CSS pixels."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            yield page
        finally:
            browser.close()


def open_notebook(page, lab: Lab, name: str) -> None:
    """Opens `name` and waits until its kernel has started and is idle."""
    page.goto(lab.notebook_url(name))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=SERVER_STARTUP * 1000)
    deadline = time.monotonic() + SERVER_STARTUP
    # The toolbar says "No Kernel" (and idle) until the session's kernel is connected.
    while kernel_name(page) in ("", "No Kernel"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no kernel after {SERVER_STARTUP}s")
        time.sleep(0.5)
    wait_for_idle_kernel(page, SERVER_STARTUP)


def kernel_name(page) -> str:
    """The kernel's display name in the notebook's toolbar."""
    found = page.query_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-KernelName")
    return found.inner_text().strip() if found else ""


def kernel_status(page) -> str:
    """The notebook toolbar's kernel status (`Idle`, `Busy`, `Starting`, ...)."""
    return page.evaluate(
        """() => {
            const el = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
            return el ? (el.getAttribute('data-status') || '') : '';
        }"""
    )


def wait_for_idle_kernel(page, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while kernel_status(page) != "idle":
        if time.monotonic() > deadline:
            raise TimeoutError(f"the kernel is not idle after {seconds}s (status {kernel_status(page)!r})")
        time.sleep(0.5)


def run_all(page) -> None:
    """Restarts the kernel and runs every cell, through JupyterLab's own command, as a learner does
    with Kernel → Restart Kernel and Run All Cells; returns when every cell has run."""
    page.click(".jp-Notebook")
    page.keyboard.press("Escape")
    page.click("text=Run", timeout=30_000)  # the menu bar's Run menu
    page.click("text=Run All Cells", timeout=30_000)
    deadline = time.monotonic() + RUN_ALL_TIMEOUT
    while True:
        prompts = page.eval_on_selector_all(
            ".jp-Notebook .jp-CodeCell .jp-InputPrompt", "els => els.map(e => e.textContent.trim())"
        )
        if prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts) and kernel_status(page) == "idle":
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"cells still running after {RUN_ALL_TIMEOUT}s: {prompts}")
        time.sleep(1)


def outputs(page) -> list[dict]:
    """Each code cell's outputs as the browser shows them: mime type and text."""
    return page.eval_on_selector_all(
        ".jp-Notebook .jp-CodeCell",
        """cells => cells.map(cell => Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map(o => ({
            mime: o.getAttribute('data-mime-type') || '',
            text: o.textContent,  // not innerText: cells out of view are not laid out
            svg: o.querySelector('svg') !== null || o.querySelector('img[src^="data:image/svg"]') !== null,
        })))""",
    )
