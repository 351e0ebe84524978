"""Side-by-side latency of threadlab-kernel and evcxr_jupyter over real Jupyter sockets.

Rows (median of ROUNDS runs, each kernel in turn so both see the same machine load):
  * start -> first result: from starting the kernel process to the `execute_result` of `6 * 7`;
  * warm `6 * 7`: one more cell in a running kernel (median of WARM cells per run); then the
    same once both kernels use `threading` (evcxr_jupyter after `:dep`), since every cell of a
    kernel with a dependency is linked against it;
  * first threading cell: in a fresh, ready kernel that has just run `1`, the first cell that
    uses `threading`, sent at once (evcxr_jupyter needs `:dep threading = { path = ... }` in it;
    threadlab-kernel needs nothing);
  * the same after a pause of PAUSE seconds, as when a reader runs a notebook's cells;
  * first cell with a `let`: the same two rows for a cell that defines a `threading` variable
    (evcxr asks rust-analyzer for its type: the first such question loads rust-analyzer's
    analysis; threadlab-kernel asks rustc), after LET_PAUSE seconds;
  * first `let` after warm cells: `let v = vec![1, 2, 3]; v.len()` in the kernel that just ran
    the warm cells;
  * `:opt 0` as the very first cell of a fresh kernel.

Usage: python kernel/bench.py --threadlab BIN [--evcxr BIN --bundle DIR] [--rounds N] [--markdown FILE]
(kernel/bench.sh installs evcxr_jupyter and calls this; without --evcxr only threadlab-kernel is
measured and the table has its column alone).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import KernelManager

WARM = 5
PAUSE = 5
LET_PAUSE = 10
LET_AFTER_WARM = "let v = vec![1, 2, 3];\nv.len()"


def write_kernelspec(root: Path, name: str, argv: list[str]) -> None:
    folder = root / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": argv, "display_name": name, "language": "rust", "interrupt_mode": "message"}
    (folder / "kernel.json").write_text(json.dumps(spec))


def run_cell(kc, code: str, timeout: float = 600) -> tuple[float, dict]:
    """Runs `code`; returns (seconds until idle, reply content)."""
    started = time.monotonic()
    msg_id = kc.execute(code)
    reply = None
    idle = False
    while not (idle and reply is not None):
        if reply is None:
            try:
                message = kc.get_shell_msg(timeout=0.01)
                if message["parent_header"].get("msg_id") == msg_id:
                    reply = message["content"]
            except queue.Empty:
                pass
        try:
            message = kc.get_iopub_msg(timeout=0.01)
        except queue.Empty:
            if time.monotonic() - started > timeout:
                raise TimeoutError(code)
            continue
        if (
            message["parent_header"].get("msg_id") == msg_id
            and message["msg_type"] == "status"
            and message["content"]["execution_state"] == "idle"
        ):
            idle = True
    if reply["status"] != "ok":
        raise RuntimeError(f"{code!r} failed: {reply}")
    return time.monotonic() - started, reply


def start(name: str) -> tuple[KernelManager, object, float]:
    started = time.monotonic()
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=600)
    return km, kc, started


def stop(km, kc) -> None:
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def measure(name: str, threading_cell: str, let_cell: str) -> dict[str, float]:
    km, kc, started = start(name)
    try:
        run_cell(kc, "6 * 7")
        first = time.monotonic() - started
        warm = statistics.median(run_cell(kc, "6 * 7")[0] for _ in range(WARM))
        let_warm = run_cell(kc, LET_AFTER_WARM)[0]
        # Like for like: both kernels with the crate in use (evcxr_jupyter gets it by `:dep`), so
        # both link every cell against it.
        run_cell(kc, threading_cell)
        time.sleep(1)
        warm_loaded = statistics.median(run_cell(kc, "6 * 7")[0] for _ in range(WARM))
    finally:
        stop(km, kc)
    return {
        "start": first,
        "warm": warm,
        "let_warm": let_warm,
        "warm_loaded": warm_loaded,
        "threading": first_cell(name, threading_cell, pause=0),
        "paused": first_cell(name, threading_cell, pause=PAUSE),
        "let": first_cell(name, let_cell, pause=0),
        "let_paused": first_cell(name, let_cell, pause=LET_PAUSE),
        "opt0": very_first_cell(name, ":opt 0"),
    }


def very_first_cell(name: str, cell: str) -> float:
    km, kc, _ = start(name)
    try:
        return run_cell(kc, cell)[0]
    finally:
        stop(km, kc)


def first_cell(name: str, cell: str, pause: float) -> float:
    km, kc, _ = start(name)
    try:
        run_cell(kc, "1")
        time.sleep(pause)
        return run_cell(kc, cell)[0]
    finally:
        stop(km, kc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threadlab", required=True)
    parser.add_argument("--evcxr", help="evcxr_jupyter's binary (omit to measure threadlab-kernel alone)")
    parser.add_argument("--bundle", help="the unpacked threading crate folder (with --evcxr)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--markdown", help="write the table to this file")
    args = parser.parse_args()

    specs = Path(tempfile.mkdtemp(prefix="threadlab-bench-"))
    write_kernelspec(specs, "bench-threadlab", [args.threadlab, "run", "--connection-file", "{connection_file}"])
    if args.evcxr:
        write_kernelspec(specs, "bench-evcxr", [args.evcxr, "--control_file", "{connection_file}"])
    os.environ["JUPYTER_PATH"] = str(specs)

    cell = "threading::current_thread().name()"
    let_cell = "let worker = threading::Thread::new(|| ());\nworker.name()"
    dep = f':dep threading = {{ path = "{args.bundle}" }}\n'
    results: dict[str, list[dict[str, float]]] = {"threadlab": [], "evcxr": []}
    try:
        for round_ in range(1, args.rounds + 1):
            kernels = [("threadlab", "bench-threadlab", cell, let_cell)]
            if args.evcxr:
                kernels.append(("evcxr", "bench-evcxr", dep + cell, dep + let_cell))
            for kernel, name, threading_cell, let_threading_cell in kernels:
                row = measure(name, threading_cell, let_threading_cell)
                results[kernel].append(row)
                print(f"round {round_} {kernel:9}: " + ", ".join(f"{k} {v:.2f}s" for k, v in row.items()), flush=True)
    finally:
        shutil.rmtree(specs, ignore_errors=True)

    rows = [
        ("kernel start -> first result (`6 * 7`)", "start"),
        ("warm cell `6 * 7` (evcxr_jupyter with no dependency)", "warm"),
        ("first `let` cell after warm cells (`let v = vec![1, 2, 3]; v.len()`)", "let_warm"),
        ("warm cell `6 * 7`, both kernels using `threading`", "warm_loaded"),
        ("first cell using `threading` in a fresh kernel", "threading"),
        (f"the same, {PAUSE} s after the kernel's first cell", "paused"),
        ("first cell with a `let` of a `threading` value, fresh kernel", "let"),
        (f"the same, {LET_PAUSE} s after the kernel's first cell", "let_paused"),
        ("`:opt 0` as the first cell of a fresh kernel", "opt0"),
    ]
    if args.evcxr:
        table = [
            "| measurement | threadlab-kernel | evcxr_jupyter 0.22 | threadlab / evcxr |",
            "| --- | ---: | ---: | ---: |",
        ]
    else:
        table = ["| measurement | threadlab-kernel |", "| --- | ---: |"]
    for label, key in rows:
        ours = statistics.median(r[key] for r in results["threadlab"])
        if args.evcxr:
            theirs = statistics.median(r[key] for r in results["evcxr"])
            table.append(f"| {label} | {ours:.2f} s | {theirs:.2f} s | {ours / theirs:.2f} |")
        else:
            table.append(f"| {label} | {ours:.2f} s |")
    load = os.getloadavg()
    context = (
        f"Median of {args.rounds} rounds (warm cell: median of {WARM} cells per round), kernels "
        f"alternating; {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} at the end; "
        f"mold {'installed' if shutil.which('mold') else 'not installed'}; "
        f"{subprocess.run(['rustc', '--version'], capture_output=True, text=True).stdout.strip()}."
    )
    text = "\n".join(table) + "\n\n" + context + "\n"
    print()
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
