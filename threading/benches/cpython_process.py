"""The same operations as benches/process.rs, in CPython's multiprocessing with the fork start
method, printed as `name value` lines (nanoseconds per operation, or MB/s for throughputs).

Run by the Rust bench so both sides are measured in one run on one machine.
Usage: python3 cpython_process.py [scale]
"""
import multiprocessing as mp
import sys
import time

ctx = mp.get_context("fork")
spawn_ctx = mp.get_context("spawn")
MB = 10_000_000


def best_per_op(fn, n, rounds):
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter_ns()
        fn(n)
        best = min(best, (time.perf_counter_ns() - start) / n)
    return best


def noop():
    pass


def start_join(n):
    for _ in range(n):
        p = ctx.Process(target=noop)
        p.start()
        p.join()


def spawn_start_join(n):
    for _ in range(n):
        p = spawn_ctx.Process(target=noop)
        p.start()
        p.join()


def echo(conn):
    while True:
        n = conn.recv()
        if n is None:
            return
        conn.send(n)


def round_trips(n):
    parent, child = ctx.Pipe()
    p = ctx.Process(target=echo, args=(child,))
    p.start()
    child.close()
    start = time.perf_counter_ns()
    for i in range(n):
        parent.send(i)
        parent.recv()
    elapsed = time.perf_counter_ns() - start
    parent.send(None)
    p.join()
    return elapsed / n


def stream_small(conn, n):
    for i in range(n):
        conn.send(i)
    conn.close()


def small_stream(n):
    reader, writer = ctx.Pipe(duplex=False)
    p = ctx.Process(target=stream_small, args=(writer, n))
    start = time.perf_counter_ns()
    p.start()
    writer.close()
    for _ in range(n):
        reader.recv()
    elapsed = time.perf_counter_ns() - start
    p.join()
    return elapsed / n


def stream_big(conn, count, raw):
    data = bytes(MB)
    for _ in range(count):
        if raw:
            conn.send_bytes(data)
        else:
            conn.send(data)
    conn.close()


def big_stream(count, raw):
    reader, writer = ctx.Pipe(duplex=False)
    p = ctx.Process(target=stream_big, args=(writer, count, raw))
    p.start()
    writer.close()
    start = time.perf_counter()
    for _ in range(count):
        if raw:
            reader.recv_bytes()
        else:
            reader.recv()
    elapsed = time.perf_counter() - start
    p.join()
    return count * MB / 1e6 / elapsed


def queue_producer(q, n):
    for i in range(n):
        q.put(i)


def queue_stream(n):
    q = ctx.Queue()
    p = ctx.Process(target=queue_producer, args=(q, n))
    start = time.perf_counter_ns()
    p.start()
    for _ in range(n):
        q.get()
    elapsed = time.perf_counter_ns() - start
    p.join()
    return elapsed / n


def main():
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    n = lambda base: max(1, int(base * scale))
    rounds = 3
    print("start_join", best_per_op(start_join, n(200), rounds))
    print("spawn_start_join", best_per_op(spawn_start_join, n(50), rounds))
    print("round_trip", min(round_trips(n(20_000)) for _ in range(rounds)))
    print("small_stream", min(small_stream(n(100_000)) for _ in range(rounds)))
    print("queue_stream", min(queue_stream(n(100_000)) for _ in range(rounds)))
    print("big_bytes", max(big_stream(n(30), True) for _ in range(rounds)))
    print("big_objects", max(big_stream(n(30), False) for _ in range(rounds)))


if __name__ == "__main__":
    main()
