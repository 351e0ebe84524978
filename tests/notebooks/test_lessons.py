"""The key outputs of each lesson, from a fresh run through the kernel.

Interleavings between threads vary from run to run; these assertions check what the lesson promises (an order
that synchronisation enforces, a value a lock protects, a repr's shape), never one run's luck.
"""
from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

import nbrun


def out(nb, needle: str) -> str:
    """Everything shown by the one code cell whose source contains `needle`."""
    return nbrun.text(nbrun.find_cell(nb, needle))


def lines(nb, needle: str) -> list[str]:
    return out(nb, needle).splitlines()


def in_order(haystack: list[str], wanted: list[str]) -> bool:
    """Whether `wanted` appears in `haystack` as a subsequence."""
    it = iter(haystack)
    return all(any(w == h for h in it) for w in wanted)


def cell_with_source(nb, source: str):
    """The one code cell whose whole source is `source`."""
    cells = [c for c in nbrun.code_cells(nb) if c.source == source]
    assert len(cells) == 1, f"{len(cells)} cells are {source!r}"
    return cells[0]


@pytest.fixture(scope="module")
def tour(run_notebook):
    return run_notebook("01-tour.ipynb")


@pytest.fixture(scope="module")
def start_stop(run_notebook):
    return run_notebook("02-start-stop.ipynb")


@pytest.fixture(scope="module")
def sharing(run_notebook):
    return run_notebook("03-sharing-state.ipynb")


@pytest.fixture(scope="module")
def intro(run_notebook):
    return run_notebook("04-real-python-intro.ipynb")


@pytest.fixture(scope="module")
def deep(run_notebook):
    return run_notebook("05-pymotw-deep-dive.ipynb")


class TestTour:
    def test_countdowns_print_in_order(self, tour):
        for needle in ["t.start()?;\nt.join()?;"]:
            cells = [c for c in nbrun.code_cells(tour) if c.source == needle]
            assert len(cells) == 2
            for cell in cells:
                assert nbrun.stream(cell).splitlines() == ["2 left", "1 left", "0 left"]

    def test_reprs_are_pythons(self, tour):
        shown = nbrun.result(cell_with_source(tour, "t"))
        assert re.fullmatch(r"<CountdownThread\(Thread-\d+, initial\)>", shown), shown
        assert re.fullmatch(r"Some\(\d+\)", nbrun.result(nbrun.find_cell(tour, "t.ident()")))
        assert re.fullmatch(r'"Thread-\d+"', nbrun.result(nbrun.find_cell(tour, "t.name()")))

    def test_enumerate_shows_python_reprs(self, tour):
        main = r"<_MainThread\(MainThread, started \d+\)>"
        alone = nbrun.result(cell_with_source(tour, "threading::enumerate()"))
        assert re.fullmatch(rf"\[{main}\]", alone), alone
        with_sleepers = nbrun.result(nbrun.find_cell(tour, "let sleepers: Vec<Thread>"))
        sleeper = r"<Thread\(Thread-\d+, started \d+\)>"
        assert re.fullmatch(rf"\[{main}, {sleeper}, {sleeper}\]", with_sleepers), with_sleepers
        joined = nbrun.result(nbrun.find_cell(tour, "for s in &sleepers {\n    s.join()?;"))
        assert re.fullmatch(rf"\[{main}\]", joined), joined

    def test_join_and_daemon(self, tour):
        assert nbrun.result(nbrun.find_cell(tour, "t.is_alive() // after")) == "false"
        assert nbrun.result(nbrun.find_cell(tour, "t.daemon()")) == "true"
        assert re.fullmatch(r"stopped after \d+ rounds\n", out(tour, "task.terminate();"))

    def test_the_locked_counter_loses_nothing(self, tour):
        assert nbrun.result(nbrun.find_cell(tour, "counter.get()")) == "400000"

    def test_bounded_semaphore_refuses_an_extra_release(self, tour):
        assert nbrun.result(nbrun.find_cell(tour, "BoundedSemaphore::new(1)")) == "Err(ValueError('Semaphore released too many times'))"

    def test_a_lock_released_by_another_thread(self, tour):
        assert nbrun.result(cell_with_source(tour, "done.acquire()")) == "true"
        assert lines(tour, 'if done.acquire()') == ["Running!", "WAT?"]

    def test_condition_consumer_gets_every_ping_in_order(self, tour):
        assert lines(tour, "let is_empty = Arc::new") == [f"consumed ping {i}" for i in range(5)]

    def test_queue_kinds(self, tour):
        shown = lines(tour, "LifoQueue::new(0)")
        assert shown == [
            'Queue:         ["three", "one", "two"]',
            'LifoQueue:     ["two", "one", "three"]',
            'PriorityQueue: [(1, "one"), (2, "two"), (3, "three")]',
        ]

    def test_futures(self, tour):
        hello = nbrun.find_cell(tour, "Hello, world!")
        assert nbrun.stream(hello) == "Hello, world!\n"
        assert re.fullmatch(r"<Future at 0x[0-9a-f]+ state=finished returned \(\)>", nbrun.result(hello))
        knock = nbrun.find_cell(tour, "Knock?")
        assert nbrun.stream(knock).splitlines() == ["Knock?", "Knock!"]
        assert nbrun.result(knock) == "[(), ()]"
        assert nbrun.result(nbrun.find_cell(tour, "f.running(), f.done()")) == "(false, true, false)"
        assert nbrun.result(cell_with_source(tour, "f.result()")) == "Ok([1, 2, 3, 4])"
        assert nbrun.result(nbrun.find_cell(tour, "f.exception()")) == "Ok(None)"
        assert re.fullmatch(r"<Future at 0x[0-9a-f]+ state=finished returned Vec<i32>>\n", out(tour, "add_done_callback"))

    def test_processes(self, tour):
        assert lines(tour, "Process::new(|| countdown(5))") == [f"{i} left" for i in range(4, -1, -1)]
        assert re.fullmatch(r'\("Process-1", Some\(\d+\)\)', nbrun.result(nbrun.find_cell(tour, "(p.name(), p.pid())")))
        assert nbrun.result(nbrun.find_cell(tour, "p.daemon()")) == "false"
        assert nbrun.result(nbrun.find_cell(tour, "p.exitcode()")) == "Some(0)"
        assert nbrun.result(nbrun.find_cell(tour, "parent_conn.recv::<String>()")) == '"pong"'


class TestStartStop:
    def test_countdown_and_is_alive(self, start_stop):
        assert lines(start_stop, "let t = Thread::new(|| countdown(5));") == [f"T-minus {i}" for i in range(5, 0, -1)]
        assert nbrun.result(nbrun.find_cell(start_stop, "t.is_alive()")) == "false"

    def test_terminate_stops_the_countdown_early(self, start_stop):
        shown = lines(start_stop, "c.terminate();")
        assert shown[:2] == ["T-minus 10", "T-minus 9"]
        assert "T-minus 1" not in shown and len(shown) < 10

    def test_io_task_stops_on_its_timeout(self, start_stop):
        assert lines(start_stop, "io_task.terminate();") == ['received "hello"', "I/O task stopped"]

    def test_cpu_bound_demo_reports_its_timings(self, start_stop):
        shown = out(start_stop, "count_primes(LIMIT)")
        assert re.search(r"^primes below 600000: +49098$", shown, re.M), shown
        assert re.search(r"^twice, in two threads: +\d+ ms$", shown, re.M)
        assert re.search(r"^speed-up: +[\d.]+x$", shown, re.M)

    def test_event_says_the_thread_started(self, start_stop):
        shown = lines(start_stop, "started_evt.wait();")
        assert shown[:2] == ["Launching countdown", "countdown starting"]
        assert shown.index("countdown is running") > shown.index("countdown starting")
        assert [s for s in shown if s.startswith("T-minus")] == [f"T-minus {i}" for i in range(5, 0, -1)]

    def test_both_threads_follow_the_periodic_timer(self, start_stop):
        shown = lines(start_stop, "countdown_ticks(&ptimer, 10)")
        assert [s for s in shown if s.startswith("T-minus")] == [f"T-minus {i}" for i in range(10, 0, -1)]
        assert [s for s in shown if s.startswith("Counting")] == [f"Counting {i}" for i in range(5)]

    def test_queue_between_threads(self, start_stop):
        assert lines(start_stop, "q.put(None)?;") == ["got 1", "got 2", "got 3", "consumer done"]


class TestSharingState:
    def test_who_is_running(self, sharing):
        assert nbrun.result(nbrun.find_cell(sharing, "threading::active_count()")) == "1"
        assert re.fullmatch(r"<_MainThread\(MainThread, started \d+\)>", nbrun.result(nbrun.find_cell(sharing, "threading::current_thread()")))

    def test_local_values_are_per_thread(self, sharing):
        assert lines(sharing, "mydata.set(1);") == ["another thread sees x = 0", "the main thread sees x = 1"]

    def test_unretrieved_panic_is_reported_on_stderr(self, sharing):
        cell = nbrun.find_cell(sharing, "parse_port(\"http\")")
        assert nbrun.STDERR_TAG in nbrun.tags(cell)
        assert nbrun.stream(cell).splitlines() == ["good: Ok(8080)", "looked at: the task panicked: not a port number: ParseIntError { kind: InvalidDigit }"]
        err = nbrun.stream(cell, "stderr")
        assert "never retrieved" in err and "not a port number" in err
        assert "eighty" not in err  # the panic that was looked at is not reported again

    def test_the_lock_keeps_both_updates(self, sharing):
        shown = lines(sharing, "database.update(i)")
        assert shown[0] == "0" and shown[-1] == "2"

    def test_rustc_refuses_the_race_and_the_rc(self, sharing):
        race = out(sharing, "counter += 1 });")
        assert race.startswith("rustc: race.rs does not compile")
        assert "error[E0499]: cannot borrow `counter` as mutable more than once at a time" in race
        rc = out(sharing, "Rc::new(vec![1, 2, 3])")
        assert rc.startswith("rustc: race.rs does not compile")
        assert "error[E0277]: `Rc<Vec<i32>>` cannot be sent between threads safely" in rc

    def test_fetch_add_loses_nothing(self, sharing):
        shown = out(sharing, "fn hammer(")
        assert re.search(r"^expected: +2000000$", shown, re.M)
        assert re.search(r"^fetch_add: +2000000$", shown, re.M)
        lost = re.search(r"^load, then store: +(\d+) \((\d+) updates lost\)$", shown, re.M)
        assert lost and int(lost.group(1)) + int(lost.group(2)) == 2000000

    def test_lock_pipeline_delivers_every_message_in_order(self, sharing):
        shown = out(sharing, "executor.submit(move || consumer(&c))?;")
        got = re.findall(r"Producer got message: (\d+)", shown)
        stored = re.findall(r"Consumer storing message: (\d+)", shown)
        assert len(got) == 3 and stored == got

    def test_queue_pipeline_delivers_every_message_in_order(self, sharing):
        shown = out(sharing, "producer_until(&p, &e)")
        got = re.findall(r"Producer got message: (\d+)", shown)
        stored = re.findall(r"Consumer storing message: (\d+)", shown)
        assert got and stored == got
        assert shown.rstrip().splitlines()[-1].endswith("received EXIT event. Exiting")


class TestRealPythonIntro:
    def programs(self, nb):
        return [c for c in nbrun.code_cells(nb) if c.source.startswith("%%program")]

    def test_what_happens_at_exit(self, intro):
        plain, guarded, daemon, joined = [nbrun.stream(c) for c in self.programs(intro)]
        # Rust's rule: main returns, every thread dies (sometimes before it even said "starting").
        assert "Main    : all done" in plain and "finishing" not in plain
        # Python's rule with the exit guard: the non-daemon thread is waited for.
        assert in_order(
            [line.split(": ", 1)[1] for line in guarded.splitlines()],
            ["Main    : all done", "Thread 1: finishing"],
        ), guarded
        # A daemon thread is abandoned even with the guard.
        assert "all done" in daemon and "finishing" not in daemon
        # join waits for it.
        assert in_order([line.split(": ", 1)[1] for line in joined.splitlines()], ["Thread 1: finishing", "Main    : all done"])

    def test_timestamps_use_the_date_format(self, intro):
        first = nbrun.stream(self.programs(intro)[0]).splitlines()[0]
        assert re.fullmatch(r"\d\d:\d\d:\d\d: .+", first), first

    def test_lock_and_guard(self, intro):
        assert lines(intro, "let my_lock = Lock::new();") == [
            "locked: true",
            "locked inside the block: true",
            "locked after the block: false",
        ]

    def test_lock_pipeline_delivers_every_message_in_order(self, intro):
        shown = out(intro, "executor.submit(move || producer(&p))?;")
        set_ = re.findall(r"Producer set message: (\d+)", shown)
        got = re.findall(r"Consumer get message: (\d+)", shown)
        assert len(set_) == 5 and got == set_

    def test_queue_pipeline_drains_the_queue(self, intro):
        shown = out(intro, "producer_until(&q, &e)")
        set_ = re.findall(r"Producer set message: (\d+)", shown)
        got = re.findall(r"Consumer get message: (\d+)", shown)
        assert set_ and got == set_
        assert shown.rstrip().endswith("left in the queue: 0")

    def test_event_releases_the_waiting_child(self, intro):
        shown = [line.split(": ", 1)[1] for line in lines(intro, "fn thread_waiting(")]
        # The child starts waiting at some point in the main thread's 300 ms sleep; the rest is ordered.
        assert shown[0] == "Main\t\t:child starting"
        assert sorted(shown[1:3]) == ["Child\t\t:Thread is waiting for event", "Main\t\t:event set"]
        assert shown.index("Child\t\t:Thread is waiting for event") < shown.index("Main\t\t:event set")
        assert shown[3:] == ["Child\t\t:Thread is executing", "Main\t\t:terminating"]


class TestPymotwDeepDive:
    def programs(self, nb):
        return [nbrun.stream(c) for c in nbrun.code_cells(nb) if c.source.startswith("%%program")]

    def test_workers_and_names(self, deep):
        assert sorted(lines(deep, "fn worker(num: u32)")) == [f"Worker: {i}" for i in range(5)]
        shown = lines(deep, "fn named_worker()")
        default = [s.split()[0] for s in shown if re.fullmatch(r"Thread-\d+ \(named_worker\) (Starting|Exiting)", s)]
        assert sorted(s for s in shown if not s.startswith("Thread-")) == [
            "my_service Exiting", "my_service Starting", "worker Exiting", "worker Starting"
        ]
        assert len(default) == 2 and default[0] == default[1]

    def test_logging_carries_thread_names(self, deep):
        shown = lines(deep, "fn logging_worker()")
        assert "[DEBUG] (worker    ) Starting" in shown and "[DEBUG] (my_service) Exiting" in shown
        # Python 3.10+ names Thread(target=logging_worker) "Thread-N (logging_worker)".
        named = r"\[DEBUG\] \(Thread-\d+ \(logging_worker\)\) (Starting|Exiting)"
        assert len([s for s in shown if re.fullmatch(named, s)]) == 2, shown

    def test_daemons_at_exit(self, deep):
        abandoned, joined, timed_out, timers = self.programs(deep)
        assert abandoned.splitlines() == ["(daemon    ) Starting", "(non-daemon) Starting", "(non-daemon) Exiting"] or (
            sorted(abandoned.splitlines()) == ["(daemon    ) Starting", "(non-daemon) Exiting", "(non-daemon) Starting"]
        )
        assert "(daemon    ) Exiting" in joined.splitlines()
        assert "d.is_alive() true" in timed_out.splitlines() and "(daemon    ) Exiting" not in timed_out

    def test_timer_cancel(self, deep):
        timers = self.programs(deep)[3].splitlines()
        assert timers == [
            "(MainThread) starting timers",
            "(MainThread) waiting before canceling t2",
            "(MainThread) canceling t2",
            "(MainThread) done",
            "(t1        ) worker running",
        ]

    def test_enumerate_join_and_cannot_join_current_thread(self, deep):
        joined = lines(deep, "if t == main_thread {\n        continue;")
        assert len([s for s in joined if "joining" in s]) == 3 and len([s for s in joined if s.endswith("ending")]) == 3
        reprs = out(deep, 'println!("{:?}", threading::enumerate());')
        listed = re.search(r"^\[.*\]$", reprs, re.M).group(0)
        found = re.findall(r"<[^>]+>", listed)
        assert re.fullmatch(r"<_MainThread\(MainThread, started \d+\)>", found[0])
        assert len(found) == 4 and all(re.fullmatch(r"<Thread\(Thread-\d+ \(sleepy_worker\), started daemon \d+\)>", r) for r in found[1:])
        refused = lines(deep, "if let Err(error) = t.join()")
        assert "(MainThread) RuntimeError: cannot join current thread" in refused

    def test_run_types(self, deep):
        shown = lines(deep, "struct MyThread;")
        assert re.fullmatch(r"<MyThread\(Thread-\d+, initial\)>", shown[0])
        assert len([s for s in shown[1:] if s.endswith(") running")]) == 5
        args = lines(deep, "struct MyThreadWithArgs")
        assert [re.sub(r"^\(Thread-\d+ *\) ", "", s) for s in args] == [
            f'running with ({i},) and {{"a": "A", "b": "B"}}' for i in range(5)
        ]

    def test_event_wait_timeout(self, deep):
        shown = lines(deep, "fn wait_for_event(e: &Event)")
        assert "(block     ) event set: true" in shown
        assert "(nonblock  ) event set: false" in shown and "(nonblock  ) doing other work" in shown
        assert "(nonblock  ) processing event" in shown

    def test_counter(self, deep):
        assert lines(deep, "struct Counter {")[-1] == "(MainThread) Counter: 4"

    def test_non_blocking_acquire(self, deep):
        shown = lines(deep, "fn trying_worker(")
        acquired = [s for s in shown if s.endswith(": Acquired")]
        done = re.search(r"Done after (\d+) iterations", "\n".join(shown))
        assert len(acquired) == 3 and done and int(done.group(1)) >= 3

    def test_lock_and_rlock(self, deep):
        assert lines(deep, "let lock = Lock::new();") == ["First try : true", "Second try: false"]
        assert re.fullmatch(r"Third try : false after 0\.\d s", out(deep, "acquire_timeout(Duration::from_millis(300))").strip())
        assert lines(deep, "let lock = RLock::new();") == ["First try : true", "Second try: true", "Recursion : 2"]

    def test_guards(self, deep):
        shown = sorted(re.sub(r"^\(Thread-\d+ *\) ", "", s) for s in lines(deep, "fn worker_with("))
        assert shown == ["Lock acquired directly", "Lock acquired via a guard"]

    def test_condition_wakes_every_consumer(self, deep):
        shown = lines(deep, "fn consumer(cond: &Condition<bool>)")
        available = [s for s in shown if s.endswith("Resource is available to consumer")]
        assert len(available) == 2 and {re.search(r"\((c\d)\)", s).group(1) for s in available} == {"c1", "c2"}
        making = next(i for i, s in enumerate(shown) if s.endswith("Making resource available"))
        assert all(shown.index(s) > making for s in available)

    def test_barrier_releases_all(self, deep):
        shown = lines(deep, "fn barrier_worker(")
        after = sorted(s for s in shown if " after barrier " in s)
        assert len(after) == 3
        assert sorted(int(s.rsplit(" ", 1)[1]) for s in after) == [0, 1, 2]
        waiting = [s for s in shown if "waiting for barrier" in s]
        assert waiting == [f"worker-{i} waiting for barrier with {i} others" for i in range(3)]

    def test_barrier_abort(self, deep):
        shown = lines(deep, "fn aborting_worker(")
        assert sorted(s for s in shown if s.endswith("aborting")) == [f"worker-{i} aborting" for i in range(3)]
        assert not [s for s in shown if "after barrier" in s]

    def test_semaphore_pool_never_runs_more_than_two(self, deep):
        shown = lines(deep, "fn pool_worker(")
        running = [re.search(r"Running: (\[.*\])$", s).group(1) for s in shown if "Running:" in s]
        assert len(running) == 8
        assert max(r.count('"') // 2 for r in running) == 2

    def test_local_values(self, deep):
        shown = lines(deep, "fn show_value(data: &Local<Option<u64>>)")
        assert shown[:2] == ["(MainThread) No value yet", "(MainThread) value=1000"]
        workers = [s for s in shown[2:]]
        assert len([s for s in workers if s.endswith("No value yet")]) == 2
        assert len([s for s in workers if re.search(r"value=\d+$", s)]) == 2
        init = lines(deep, "Initializing the thread's value")
        assert init[:2] == ["(MainThread) Initializing the thread's value", "(MainThread) value=1000"]
        assert len([s for s in init if s.endswith("Initializing the thread's value")]) == 3
        assert len([s for s in init if s.endswith("value=1000")]) == 3


def traced_svg(nb, needle: str) -> ElementTree.Element:
    """The SVG a trace cell shows (its `image/svg+xml` result), parsed: it must be well-formed."""
    cell = nbrun.find_cell(nb, needle)
    svgs = [o.data["image/svg+xml"] for o in cell.outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 1, cell.outputs
    return ElementTree.fromstring(svgs[0])


def svg_texts(svg: ElementTree.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in svg.iter("{http://www.w3.org/2000/svg}text")]


class TestTimelines:
    def test_the_queue_hand_off_is_drawn_with_a_lane_per_thread(self, sharing):
        texts = svg_texts(traced_svg(sharing, "threading::trace(||"))
        # A lane per thread, named as the cell named them; four puts and four gets drawn.
        assert {"producer", "consumer"} <= set(texts), texts
        assert sum(t.startswith("Queue.put") for t in texts) == 4, texts
        assert sum(t.startswith("Queue.get") for t in texts) == 4, texts

    def test_the_condition_hand_off_shows_the_waits_and_the_notify(self, deep):
        texts = svg_texts(traced_svg(deep, "threading::trace(||"))
        assert {"c1", "c2", "p"} <= set(texts), texts
        assert any(t.startswith("Condition.notify") for t in texts), texts
        assert any(t.startswith("Condition.wait") for t in texts), texts
