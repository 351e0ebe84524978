"""The kernel over real sockets with jupyter_client: signatures, malformed input, output from
threads, panics, interrupts, restarts, floods, stdin, program cells."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import time
import uuid

import pytest
import zmq

from kernel_client import Kernel

pytestmark = pytest.mark.timeout(600)


# --- the wire -----------------------------------------------------------------------------


def raw_shell(kernel: Kernel) -> zmq.Socket:
    info = kernel.km.get_connection_info()
    socket = zmq.Context.instance().socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(f"tcp://{info['ip']}:{info['shell_port']}")
    return socket


def frames_for(kernel: Kernel, msg_type: str, content: dict, key: bytes | None = None) -> list[bytes]:
    """A message signed with `key` (the kernel's own key by default)."""
    header = {
        "msg_id": uuid.uuid4().hex,
        "username": "test",
        "session": uuid.uuid4().hex,
        "date": "2026-01-01T00:00:00Z",
        "msg_type": msg_type,
        "version": "5.3",
    }
    parts = [json.dumps(p).encode() for p in (header, {}, {}, content)]
    key = kernel.km.session.key if key is None else key
    signature = hmac.new(key, b"".join(parts), hashlib.sha256).hexdigest().encode()
    return [b"<IDS|MSG>", signature, *parts]


def assert_no_reply(socket: zmq.Socket, seconds: float) -> None:
    assert socket.poll(int(seconds * 1000)) == 0, f"unexpected reply: {socket.recv_multipart()}"


def test_bad_or_missing_signatures_are_dropped_and_never_run(kernel):
    socket = raw_shell(kernel)
    forged = frames_for(kernel, "execute_request", {"code": "let leaked = 1;", "silent": False}, key=b"wrong key")
    socket.send_multipart(forged)
    unsigned = frames_for(kernel, "execute_request", {"code": "let leaked = 2;", "silent": False})
    unsigned[1] = b""
    socket.send_multipart(unsigned)
    assert_no_reply(socket, 3)
    result = kernel.execute("leaked")
    assert result.status == "error"
    assert "leaked" in result.content["evalue"]
    # A correctly signed message on the same raw socket is answered.
    socket.send_multipart(frames_for(kernel, "kernel_info_request", {}))
    assert socket.poll(30000), "no kernel_info reply to a signed message"
    reply = socket.recv_multipart()
    assert json.loads(reply[reply.index(b"<IDS|MSG>") + 2])["msg_type"] == "kernel_info_reply"
    socket.close()


def test_garbage_frames_are_survived(kernel):
    socket = raw_shell(kernel)
    socket.send_multipart([b"garbage"])
    socket.send_multipart([b"<IDS|MSG>"])
    socket.send_multipart([b"<IDS|MSG>", b"", b"{}"])
    signed_nonsense = frames_for(kernel, "execute_request", {})
    signed_nonsense[2] = b"not json at all"
    signed_nonsense[1] = hmac.new(
        kernel.km.session.key, b"".join(signed_nonsense[2:6]), hashlib.sha256
    ).hexdigest().encode()
    socket.send_multipart(signed_nonsense)
    assert_no_reply(socket, 1)
    # A known type with content that does not parse gets an error reply, not a crash.
    socket.send_multipart(frames_for(kernel, "execute_request", {"silent": "not a bool"}))
    assert socket.poll(30000)
    reply = socket.recv_multipart()
    content = json.loads(reply[reply.index(b"<IDS|MSG>") + 5])
    assert content["status"] == "error"
    socket.close()
    assert kernel.ok("1 + 1").result_text() == "2"


def test_unknown_request_gets_an_error_reply(kernel):
    socket = raw_shell(kernel)
    socket.send_multipart(frames_for(kernel, "frobnicate_request", {}))
    assert socket.poll(30000)
    reply = socket.recv_multipart()
    header = json.loads(reply[reply.index(b"<IDS|MSG>") + 2])
    content = json.loads(reply[reply.index(b"<IDS|MSG>") + 5])
    assert header["msg_type"] == "frobnicate_reply"
    assert content["status"] == "error"
    socket.close()


def test_kernel_info_and_comm_info(kernel):
    reply = kernel.control_request("kernel_info_request")
    assert reply["msg_type"] == "kernel_info_reply"
    assert reply["content"]["language_info"]["name"] == "rust"
    kernel.kc.comm_info()
    reply = kernel.kc.get_shell_msg(timeout=30)
    assert reply["msg_type"] == "comm_info_reply"
    assert reply["content"] == {"status": "ok", "comms": {}}


def test_is_complete_asks_for_more_where_rust_continues(kernel):
    def status(code):
        kernel.kc.is_complete(code)
        return kernel.kc.get_shell_msg(timeout=30)["content"]["status"]

    for code in ["let total = 1 +", "let lock =", "#[derive(Debug)]", "if ready {} else", "fn f() {"]:
        assert status(code) == "incomplete", code
    for code in ["use std::collections::HashMap", "let total = 1 +\n    2;", "#[derive(Debug)]\nstruct P;"]:
        assert status(code) == "complete", code
    for code in ["a b c", "let x = 1\nlet y = 2;", "fn f() }"]:
        assert status(code) == "invalid", code


def test_inspect_finds_the_name_near_the_cursor(kernel):
    def inspected(code, cursor):
        kernel.kc.inspect(code, cursor)
        content = kernel.kc.get_shell_msg(timeout=120)["content"]
        assert content["status"] == "ok"
        return content["found"], content["data"].get("text/plain", "")

    code = "threading::Lock::new().acquire(true, 1.0)"
    found, text = inspected(code, code.index("::Lock") + 1)  # between the colons
    assert found and "Lock" in text
    found, text = inspected(code, code.index(", ") + 1)  # between the call's arguments
    assert found and "acquire" in text
    found, text = inspected(code, code.index("true") + 2)  # on a name in them: that name
    assert found and "bool" in text
    found, _ = inspected("1 + 2", 2)
    assert not found


def test_completions_carry_their_kinds_for_jupyterlab(kernel):
    code = "threading::Lo"
    kernel.kc.complete(code, len(code))
    content = kernel.kc.get_shell_msg(timeout=120)["content"]
    types = content["metadata"]["_jupyter_types_experimental"]
    assert [t["text"] for t in types] == content["matches"]
    by_text = {t["text"]: t for t in types}
    assert by_text["Lock"]["type"] == "class"
    assert by_text["Lock"]["start"] == content["cursor_start"] == len("threading::")
    assert by_text["Lock"]["end"] == content["cursor_end"] == len(code)
    code = "threading::current_th"
    kernel.kc.complete(code, len(code))
    content = kernel.kc.get_shell_msg(timeout=120)["content"]
    kinds = {t["type"] for t in content["metadata"]["_jupyter_types_experimental"]}
    assert kinds == {"function"}


def test_busy_comes_within_a_second_and_user_expressions_are_an_object(kernel):
    sent = time.monotonic()
    msg_id = kernel.send_execute("std::thread::sleep(std::time::Duration::from_millis(300));")
    busy_at = None
    while busy_at is None:
        message = kernel.kc.get_iopub_msg(timeout=5)
        if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "status":
            assert message["content"]["execution_state"] == "busy"
            busy_at = time.monotonic()
    assert busy_at - sent < 1.0
    result = kernel.collect(msg_id)
    assert result.status == "ok"
    assert result.content["user_expressions"] == {}


def test_user_expressions_are_evaluated_after_the_cell_and_leave_variables_in_place(kernel):
    result = kernel.execute(
        'let answer = 6; let names = vec!["Thread-1".to_string()];',
        user_expressions={"product": "answer * 7", "names": "names", "missing": "no_such_variable"},
    )
    assert result.status == "ok", result.content
    expressions = result.content["user_expressions"]
    assert expressions["product"] == {"status": "ok", "data": {"text/plain": "42"}, "metadata": {}}
    assert expressions["names"]["data"]["text/plain"] == '["Thread-1"]'
    assert expressions["missing"]["status"] == "error"
    assert "no_such_variable" in expressions["missing"]["evalue"]
    # Evaluated silently: no output of their own.
    assert not result.of_type("execute_result") and not result.of_type("error"), result.outputs
    # Looking at `names` did not move it away.
    assert kernel.ok("names.len()").of_type("execute_result")[0]["content"]["data"]["text/plain"] == "1"
    failed = kernel.execute('panic!("no")', user_expressions={"product": "answer * 7"})
    assert failed.status == "error" and failed.content["user_expressions"] == {}


def test_a_client_that_disconnects_and_comes_back_keeps_its_kernel(kernel):
    kernel.ok("let survivor = 99;")
    kernel.kc.stop_channels()
    kernel.kc = kernel.km.client()
    kernel.kc.start_channels()
    kernel.kc.wait_for_ready(timeout=60)
    assert kernel.ok("survivor").result_text() == "99"


# --- output -------------------------------------------------------------------------------


def test_thread_output_during_and_after_the_cell(kernel):
    code = """
let early = threading::Thread::new(|| println!("during the cell"));
early.start().unwrap();
early.join().unwrap();
let late = threading::Thread::new(|| {
    threading::sleep(std::time::Duration::from_millis(500));
    println!("after the cell");
});
late.start().unwrap();
"""
    msg_id = kernel.send_execute(code)
    result = kernel.collect(msg_id)
    assert result.status == "ok"
    assert "during the cell" in result.stream()
    assert "after the cell" not in result.stream()
    late = kernel.wait_stray(
        lambda m: m["msg_type"] == "stream" and "after the cell" in m["content"]["text"], timeout=10
    )
    assert late is not None, "output printed after the cell never arrived"
    assert late["parent_header"]["msg_id"] == msg_id, "background output goes to the cell that started it"


def test_print_without_newline_shows_during_and_after_the_cell(kernel):
    result = kernel.ok('print!("no newline here");')
    assert result.stream() == "no newline here"
    msg_id = kernel.send_execute(
        'threading::Thread::new(|| { threading::sleep(std::time::Duration::from_millis(300)); print!("tick"); }).start().unwrap();'
    )
    assert kernel.collect(msg_id).status == "ok"
    tick = kernel.wait_stray(lambda m: m["msg_type"] == "stream" and "tick" in m["content"]["text"], timeout=5)
    assert tick is not None, "a partial line printed by a thread after its cell never arrived"


def test_every_display_block_shows_and_clear_output(kernel):
    code = """
println!("EVCXR_BEGIN_CONTENT text/html\\n<i>one</i>\\nEVCXR_END_CONTENT");
clear_output(true);
println!("EVCXR_BEGIN_CONTENT text/markdown\\n**two**\\nEVCXR_END_CONTENT");
"""
    result = kernel.ok(code)
    kinds = [m["msg_type"] for m in result.outputs]
    assert kinds == ["display_data", "clear_output", "display_data"], kinds
    assert result.outputs[0]["content"]["data"] == {"text/html": "<i>one</i>"}
    assert result.outputs[1]["content"]["wait"] is True
    assert result.outputs[2]["content"]["data"] == {"text/markdown": "**two**"}


def test_values_show_as_evcxr_shows_them(kernel):
    """Every cell imports an `evcxr_display` for `Debug` values (one compile instead of evcxr's
    two); a type's own `evcxr_display` still wins, a value without `Debug` is still an error, and
    evcxr's `:fmt` and `:types` still apply."""
    kernel.ok(
        "struct Page; impl Page { fn evcxr_display(&self) { "
        'println!("EVCXR_BEGIN_CONTENT text/html\\n<b>page</b>\\nEVCXR_END_CONTENT"); } }'
    )
    for expression in ["Page", "&Page"]:
        shown = kernel.ok(expression).of_type("execute_result")[-1]["content"]["data"]
        assert shown == {"text/html": "<b>page</b>"}, (expression, shown)
    assert kernel.ok("vec![1, 2]").result_text() == "[1, 2]"
    assert kernel.ok('let greeting = String::from("hi"); &greeting').result_text() == '"hi"'
    kernel.ok("struct Opaque;")
    opaque = kernel.execute("Opaque")
    assert opaque.status == "error" and "Debug" in opaque.error()["evalue"], opaque.outputs
    kernel.ok(":fmt {:x}")
    assert kernel.ok("255").result_text() == "ff"
    kernel.ok(":fmt")
    kernel.ok(":types")
    assert kernel.ok('"abc"').result_text() == ': &str = "abc"'
    kernel.ok(":types")
    assert kernel.ok("6 * 7").result_text() == "42"


def test_clean_cells_write_nothing_to_stderr(kernel):
    for code in ["let v = vec![1, 2, 3];", "v.len()", 'println!("fine");', "threading::current_thread().name()"]:
        result = kernel.ok(code)
        assert result.stream("stderr") == "", f"{code!r} wrote to stderr: {result.stream('stderr')!r}"


def test_silent_cells_publish_nothing(kernel):
    result = kernel.execute('println!("hidden"); 5', silent=True)
    assert result.status == "ok"
    assert result.outputs == []


def test_output_flood_is_rate_limited_and_the_kernel_stays_responsive(kernel):
    before = kernel.memory_high_water_kb()
    flood = 'let line = "x".repeat(99);\nfor _ in 0..100_000 { println!("{line}"); }'
    result = kernel.execute(flood, timeout=300)
    assert result.status == "ok"
    shown = len(result.stream())
    assert shown < 5_000_000, f"{shown} bytes of a 10 MB flood were published"
    assert "dropped" in result.stream()
    started = time.monotonic()
    assert kernel.ok("1 + 1").result_text() == "2"
    assert time.monotonic() - started < 30
    grown_mb = (kernel.memory_high_water_kb() - before) / 1024
    assert grown_mb < 200, f"the kernel grew by {grown_mb:.0f} MB during a 10 MB flood"


# --- errors and state ---------------------------------------------------------------------


def test_a_panic_is_one_error_and_variables_survive(kernel):
    kernel.ok("let kept = 41;")
    result = kernel.execute('panic!("boom {}", kept)')
    assert result.status == "error"
    assert result.content["ename"] == "panic"
    assert result.content["evalue"] == "boom 41"
    assert [m["msg_type"] for m in result.outputs] == ["error"], "one error, no stray stderr"
    assert kernel.ok("kept + 1").result_text() == "42"


def test_compile_errors_are_errors(kernel):
    result = kernel.execute("let x: u32 = \"text\";")
    assert result.status == "error"
    assert result.content["ename"] == "CompilationError"
    assert "mismatched types" in result.content["evalue"]
    assert [m["msg_type"] for m in result.outputs] == ["error"]


def test_stop_on_error_aborts_the_queued_cells(kernel):
    first = kernel.send_execute('panic!("first")')
    second = kernel.send_execute("1")
    third = kernel.send_execute("2")
    assert kernel.collect(first).status == "error"
    assert kernel.collect(second).status == "aborted"
    assert kernel.collect(third).status == "aborted"
    assert kernel.ok("3").result_text() == "3"


def test_stdin_input_request(kernel):
    result = kernel.execute('let name = input("Your name: "); println!("hello {name}");', stdin_answer="Ada")
    assert result.status == "ok"
    assert result.stream() == "hello Ada\n"
    # Without allow_stdin the helper returns an empty string instead of asking.
    result = kernel.execute('println!("[{}]", input("nobody answers"));', allow_stdin=False)
    assert result.stream() == "[]\n"


# --- interrupts ---------------------------------------------------------------------------


RUNNING = "threadlab-test: the cell runs"


def send_and_wait_until_running(kernel: Kernel, code: str, timeout: float = 300) -> str:
    """Sends `code` after a line that prints RUNNING, and returns once that line arrived: the
    cell is compiled (a `let` cell takes two compiles, seconds on a loaded machine) and runs."""
    msg_id = kernel.send_execute(f'println!("{RUNNING}");\n{code}')
    seen = kernel.wait_stray(
        lambda m: m["parent_header"].get("msg_id") == msg_id
        and m["msg_type"] == "stream"
        and RUNNING in m["content"]["text"],
        timeout,
    )
    assert seen is not None, f"the cell did not start within {timeout}s"
    kernel.stray.clear()
    return msg_id


def interrupt_after(kernel: Kernel, code: str, delay: float = 1.0):
    msg_id = send_and_wait_until_running(kernel, code)
    time.sleep(delay)
    sent = time.monotonic()
    assert kernel.interrupt()["content"]["status"] == "ok"
    result = kernel.collect(msg_id, timeout=60)
    return result, time.monotonic() - sent


def test_interrupting_a_join_on_a_thread_waiting_for_an_event_keeps_variables(kernel):
    kernel.ok("let gate = std::sync::Arc::new(threading::Event::new());\nlet before = 7;")
    code = """
let waiter = threading::Thread::builder().name("waiter").target({
    let gate = gate.clone();
    move || { gate.wait(); }
});
waiter.start().unwrap();
waiter.join().unwrap();
"""
    try:
        # The message that variables are kept shows the interrupt reached the cell (the other
        # path, after the grace period, restarts the process and says all variables were lost).
        result, _ = interrupt_after(kernel, code)
        assert result.status == "error"
        error = result.error()
        assert error["ename"] == "KeyboardInterrupt"
        report = "\n".join(error["traceback"])
        assert "MainThread: blocked in Thread.join" in report
        assert "waiter: blocked in Event.wait" in report
        assert "Variables defined before this cell are kept" in report
        assert kernel.ok("before").result_text() == "7"
    finally:
        # The waiter must not outlive this test: later tests count the live threads.
        kernel.ok("gate.set();")


def test_interrupting_a_two_lock_deadlock(kernel):
    kernel.ok("let a = std::sync::Arc::new(threading::Lock::new());\nlet b = std::sync::Arc::new(threading::Lock::new());")
    # In a block: lock guards borrow `a` and `b`, so they cannot outlive the cell.
    code = """{
    let _held_a = a.lock();
    let other = threading::Thread::builder().name("other").target({
        let (a, b) = (a.clone(), b.clone());
        move || { let _held_b = b.lock(); threading::sleep(std::time::Duration::from_millis(200)); let _a = a.lock(); }
    });
    other.start().unwrap();
    threading::sleep(std::time::Duration::from_millis(100));
    let _held_b = b.lock();
}"""
    result, _ = interrupt_after(kernel, code)
    error = result.error()
    assert error["ename"] == "KeyboardInterrupt"
    report = "\n".join(error["traceback"])
    assert "MainThread: blocked in Lock.acquire" in report
    assert "other: blocked in Lock.acquire" in report
    # The main thread's guard on `a` was released while unwinding, so `other` can finish (it
    # may still be on its way out when the next cell starts: give it up to ten seconds).
    settled = """{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while threading::active_count() > 1 && std::time::Instant::now() < deadline {
        threading::sleep(std::time::Duration::from_millis(10));
    }
    threading::active_count()
}"""
    assert kernel.ok(settled).result_text() == "1"


def test_interrupting_a_busy_loop_restarts_and_says_variables_were_lost(kernel):
    kernel.ok("let doomed = 5;")
    result, _ = interrupt_after(kernel, "loop { std::hint::spin_loop(); }", delay=1.0)
    error = result.error()
    assert error["ename"] == "KeyboardInterrupt"
    assert "all variables were lost" in "\n".join(error["traceback"])
    assert kernel.execute("doomed").status == "error"
    # The new process has the bundled crates and the agent again.
    assert kernel.ok("threading::current_thread().name()").result_text() == '"MainThread"'
    result, _ = interrupt_after(kernel, "threading::Event::new().wait();", delay=1.0)
    assert "cell was interrupted" in result.error()["evalue"]


def test_evcxr_restart_and_clear_commands_keep_the_bundled_crates(kernel):
    kernel.ok("let before_restart = 1;")
    restarted = kernel.ok(":restart")
    # The new process starts the agent at once; it once tried to load `before_restart` there
    # and aborted (a backtrace on stderr), and only the next cell's process had the agent.
    assert restarted.stream("stderr") == "", restarted.stream("stderr")
    assert kernel.execute("before_restart").status == "error"
    assert kernel.ok("threading::main_thread().name()").result_text() == '"MainThread"'
    kernel.ok(":clear")
    assert kernel.ok("threading::active_count()").result_text() == "1"
    # The agent is back in the new process: interrupts still reach a threading wait.
    result, _ = interrupt_after(kernel, "threading::Event::new().wait();", delay=1.0)
    assert result.error()["ename"] == "KeyboardInterrupt"
    assert "cell was interrupted" in result.error()["evalue"]


def test_sigint_interrupts_like_the_button(kernel):
    """Signal-mode clients send SIGINT to the kernel's process group; the process that runs
    cells ignores it and the kernel turns it into the same interrupt."""
    kernel.ok("let still_here = 3;")
    msg_id = send_and_wait_until_running(kernel, "threading::Event::new().wait();")
    time.sleep(1.0)
    os.killpg(os.getpgid(kernel.pid), signal.SIGINT)
    result = kernel.collect(msg_id, timeout=60)
    assert result.error()["ename"] == "KeyboardInterrupt"
    assert kernel.ok("still_here").result_text() == "3"


def test_interrupt_when_idle_is_harmless(kernel):
    assert kernel.interrupt()["content"]["status"] == "ok"
    time.sleep(0.5)
    assert kernel.ok("threading::sleep(std::time::Duration::from_millis(50)); 1").result_text() == "1"


# --- program cells ------------------------------------------------------------------------


def test_program_cell_shows_daemon_threads_dying_with_main(kernel):
    code = """%%program --timeout 60
use std::time::Duration;
let daemon = threading::Thread::builder().name("daemon").daemon(true).target(|| loop {
    println!("daemon tick");
    threading::sleep(Duration::from_millis(100));
});
daemon.start().unwrap();
let worker = threading::Thread::builder().name("worker").target(|| {
    for i in 0..3 { println!("worker {i}"); threading::sleep(Duration::from_millis(50)); }
});
worker.start().unwrap();
worker.join().unwrap();
println!("main returns");
"""
    result = kernel.ok(code)
    out = result.stream()
    assert "worker 2" in out
    assert "main returns" in out
    assert "daemon tick" in out, "the daemon thread ran until main returned"
    assert result.content["status"] == "ok", "the process ended although a daemon thread never stops"


def test_program_cell_timeout_and_compile_error(kernel):
    result = kernel.execute("%%program --timeout 1\nloop { std::thread::sleep(std::time::Duration::from_millis(10)); }")
    assert result.content["ename"] == "TimeoutError"
    result = kernel.execute("%%program\nlet x: i32 = \"no\";")
    assert result.content["ename"] == "CompilationError"
    result = kernel.execute('%%program\nfn main() { std::process::exit(3); }')
    assert "exit status 3" in result.content["evalue"]


# --- whole-kernel behaviour ---------------------------------------------------------------


def test_restart_gives_a_fresh_kernel():
    k = Kernel()
    try:
        # The very first cell, before the bundled crates (and their panic hook) are loaded: the
        # panic message comes from stderr and still shows as one error.
        early = k.execute('panic!("before the bundle")')
        assert [m["msg_type"] for m in early.outputs] == ["error"]
        assert early.content["evalue"] == "before the bundle"
        first = k.ok("let state = 1;\n6 * 7")
        assert first.content["execution_count"] == 2
        k.km.restart_kernel(now=False)
        k.kc.wait_for_ready(timeout=180)
        result = k.ok("6 * 7")
        assert result.content["execution_count"] == 1
        assert k.execute("state").status == "error"
    finally:
        k.close()


@pytest.mark.timeout(1800)
def test_a_thousand_cells_in_a_row():
    """1,000 execute requests queued at once, each through the whole kernel (shell, engine,
    evcxr, reply, busy/idle). Every tenth compiles and runs Rust that checks the state built so
    far; the others are evcxr commands and comments, which evcxr answers without compiling, so
    the test stays within CI time (a compiled cell takes ~0.3 s on an idle machine)."""
    k = Kernel()
    try:
        # The first `let` makes rust-analyzer load the workspace (hundreds of MB, once): the
        # growth that matters is what the 999 cells after it add.
        first = k.collect(k.send_execute("let mut total: u64 = 0;"), timeout=300)
        assert first.status == "ok", first.content
        before = k.memory_high_water_kb()
        cells = []
        for i in range(2, 1001):
            if i % 10 == 0:
                cells.append(f"total += {i};\ntotal")
            elif i % 10 == 5:
                cells.append(":vars")
            else:
                cells.append(f"// cell {i}")
        msg_ids = [k.send_execute(code) for code in cells]
        expected_total = 0
        for i, (code, msg_id) in enumerate(zip(cells, msg_ids), start=2):
            result = k.collect(msg_id, timeout=300)
            assert result.status == "ok", (code, result.content)
            assert result.content["execution_count"] == i
            if i % 10 == 0:
                expected_total += i
                assert result.result_text() == str(expected_total)
            elif i % 10 == 5:
                assert "total: u64" in str(result.outputs)
        assert not [m for m in k.stray if m["msg_type"] != "status"], "outputs without their cell"
        grown_mb = (k.memory_high_water_kb() - before) / 1024
        assert grown_mb < 300, f"the kernel grew by {grown_mb:.0f} MB over 1,000 cells"
    finally:
        k.close()
