"""The same operations as benches/primitives.rs, in CPython, printed as JSON (ns per operation).

Run by the Rust bench so both sides are measured in one run on one machine.
"""
import json
import queue
import sys
import threading
import time


def per_op(fn, n):
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter_ns()
        fn(n)
        best = min(best, (time.perf_counter_ns() - start) / n)
    return best


def lock_cycle(n, lock_type):
    lock = lock_type()
    acquire, release = lock.acquire, lock.release
    for _ in range(n):
        acquire()
        release()


def condition_ping_pong(n):
    cond = threading.Condition()
    state = {"turn": 0}

    def partner():
        for _ in range(n):
            with cond:
                while state["turn"] != 1:
                    cond.wait()
                state["turn"] = 0
                cond.notify()

    t = threading.Thread(target=partner)
    t.start()
    for _ in range(n):
        with cond:
            state["turn"] = 1
            cond.notify()
            while state["turn"] != 0:
                cond.wait()
    t.join()


def event_ping_pong(n):
    ping, pong = threading.Event(), threading.Event()

    def partner():
        for _ in range(n):
            ping.wait()
            ping.clear()
            pong.set()

    t = threading.Thread(target=partner)
    t.start()
    for _ in range(n):
        ping.set()
        pong.wait()
        pong.clear()
    t.join()


def queue_throughput(n, producers, consumers):
    q = queue.Queue()
    per_producer = n // producers

    def produce():
        put = q.put
        for i in range(per_producer):
            put(i)

    def consume(count):
        get = q.get
        for _ in range(count):
            get()

    total = per_producer * producers
    threads = [threading.Thread(target=produce) for _ in range(producers)]
    threads += [threading.Thread(target=consume, args=(total // consumers,)) for _ in range(consumers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main():
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    n = lambda base: max(1, int(base * scale))
    results = {
        "lock": per_op(lambda k: lock_cycle(k, threading.Lock), n(1_000_000)),
        "rlock": per_op(lambda k: lock_cycle(k, threading.RLock), n(1_000_000)),
        "condition_ping_pong": per_op(condition_ping_pong, n(20_000)),
        "event_ping_pong": per_op(event_ping_pong, n(20_000)),
        "queue_1_1": per_op(lambda k: queue_throughput(k, 1, 1), n(200_000)),
        "queue_4_4": per_op(lambda k: queue_throughput(k, 4, 4), n(200_000)),
        "version": sys.version.split()[0],
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
