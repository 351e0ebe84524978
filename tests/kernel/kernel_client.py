"""A small driver for the kernel over real sockets (jupyter_client), used by the protocol tests."""
from __future__ import annotations

import queue
import time
from dataclasses import dataclass, field
from typing import Any

from jupyter_client.manager import KernelManager

from conftest import KERNEL_NAME

# A fresh kernel compiles nothing (the bundle is prebuilt), but evcxr itself needs a few seconds.
READY_TIMEOUT = 180


@dataclass
class Result:
    """What one execute_request produced."""

    reply: dict[str, Any]
    outputs: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def content(self) -> dict[str, Any]:
        return self.reply["content"]

    @property
    def status(self) -> str:
        return self.content["status"]

    def of_type(self, msg_type: str) -> list[dict[str, Any]]:
        return [m for m in self.outputs if m["msg_type"] == msg_type]

    def stream(self, name: str = "stdout") -> str:
        return "".join(m["content"]["text"] for m in self.of_type("stream") if m["content"]["name"] == name)

    def result_text(self) -> str | None:
        results = self.of_type("execute_result")
        return results[-1]["content"]["data"].get("text/plain") if results else None

    def error(self) -> dict[str, Any]:
        errors = self.of_type("error")
        assert len(errors) == 1, f"expected one error output, got {self.outputs}"
        return errors[0]["content"]


class Kernel:
    """A running threadlab kernel and a blocking client."""

    def __init__(self) -> None:
        self.km = KernelManager(kernel_name=KERNEL_NAME)
        self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=READY_TIMEOUT)
        # iopub messages that belonged to no execute we waited for (background output).
        self.stray: list[dict[str, Any]] = []

    @property
    def pid(self) -> int:
        return self.km.provisioner.process.pid  # type: ignore[union-attr]

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)

    def send_execute(self, code: str, **options: Any) -> str:
        return self.kc.execute(code, **options)

    def collect(self, msg_id: str, timeout: float = 120, stdin_answer: str | None = None) -> Result:
        """Waits for the reply to `msg_id` and every iopub message it caused up to `idle`."""
        started = time.monotonic()
        deadline = started + timeout
        outputs: list[dict[str, Any]] = []
        idle = False
        reply = None
        while not (idle and reply is not None):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no reply/idle for {msg_id} within {timeout}s; outputs so far: {outputs}")
            if stdin_answer is not None:
                try:
                    request = self.kc.get_stdin_msg(timeout=0.01)
                except queue.Empty:
                    pass
                else:
                    if request["msg_type"] == "input_request":
                        self.kc.input(stdin_answer)
            if reply is None:
                try:
                    message = self.kc.get_shell_msg(timeout=0.01)
                except queue.Empty:
                    pass
                else:
                    if message["parent_header"].get("msg_id") == msg_id:
                        reply = message
            try:
                message = self.kc.get_iopub_msg(timeout=min(0.05, max(left, 0.001)))
            except queue.Empty:
                continue
            if message["parent_header"].get("msg_id") != msg_id:
                self.stray.append(message)
                continue
            kind = message["msg_type"]
            if kind == "status":
                idle = idle or message["content"]["execution_state"] == "idle"
            elif kind != "execute_input":
                outputs.append(message)
        return Result(reply, outputs, time.monotonic() - started)

    def execute(self, code: str, timeout: float = 120, stdin_answer: str | None = None, **options: Any) -> Result:
        if stdin_answer is not None:
            options.setdefault("allow_stdin", True)
        msg_id = self.send_execute(code, **options)
        return self.collect(msg_id, timeout, stdin_answer)

    def ok(self, code: str, timeout: float = 120) -> Result:
        result = self.execute(code, timeout)
        assert result.status == "ok", f"{code!r} failed: {result.content}"
        return result

    def interrupt(self) -> dict[str, Any]:
        """Sends interrupt_request on control and returns the reply."""
        message = self.kc.session.msg("interrupt_request", {})
        self.kc.control_channel.send(message)
        return self.control_reply(message["header"]["msg_id"])

    def control_request(self, msg_type: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
        message = self.kc.session.msg(msg_type, content or {})
        self.kc.control_channel.send(message)
        return self.control_reply(message["header"]["msg_id"])

    def control_reply(self, msg_id: str, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self.kc.control_channel.get_msg(timeout=max(0.01, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply
        raise TimeoutError(f"no control reply to {msg_id}")

    def wait_stray(self, predicate, timeout: float) -> dict[str, Any] | None:
        """Waits for a background iopub message matching `predicate` (no cell running)."""
        for message in self.stray:
            if predicate(message):
                return message
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.kc.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                continue
            self.stray.append(message)
            if predicate(message):
                return message
        return None

    def memory_high_water_kb(self) -> int:
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmHWM")
