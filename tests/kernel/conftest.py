"""Shared set-up for the kernel tests: the kernel binary and a kernelspec in a temporary prefix.

The binary comes from $THREADLAB_KERNEL (CI builds it once with `cargo build --release -p
threadlab-kernel`); the kernelspec is installed with `threadlab-kernel install --prefix` into a
temporary folder put first on JUPYTER_PATH, so the tests never touch the user's Jupyter set-up.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def kernel_binary() -> Path:
    configured = os.environ.get("THREADLAB_KERNEL")
    if configured:
        path = Path(configured)
    else:
        target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
        path = target / "release" / "threadlab-kernel"
    if not path.is_file():
        raise RuntimeError(
            f"kernel binary not found at {path}: build it with `source scripts/env.sh && build_release` "
            "and set THREADLAB_KERNEL to its path"
        )
    return path


def _install_kernelspec() -> Path:
    prefix = Path(tempfile.mkdtemp(prefix="threadlab-kernelspec-"))
    atexit.register(shutil.rmtree, prefix, ignore_errors=True)
    subprocess.run([str(kernel_binary()), "install", "--prefix", str(prefix)], check=True, capture_output=True)
    data = prefix / "share" / "jupyter"
    os.environ["JUPYTER_PATH"] = os.pathsep.join([str(data), *filter(None, [os.environ.get("JUPYTER_PATH")])])
    return data


# Installed at import time: jupyter_kernel_test starts its kernel in setUpClass, before fixtures run.
KERNELSPEC_DATA = _install_kernelspec()
KERNEL_NAME = "threadlab"


@pytest.fixture(scope="session")
def kernel_name() -> str:
    return KERNEL_NAME


@pytest.fixture(scope="module")
def kernel():
    """One running kernel per test module, over real sockets."""
    from kernel_client import Kernel  # it imports this module: not at the top

    k = Kernel()
    yield k
    k.close()
