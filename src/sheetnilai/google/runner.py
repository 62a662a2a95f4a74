"""Parallel Google work that stops promptly: on Ctrl-C, or when one worker fails for good.

Workers are daemon threads, so a worker still waiting for Google's answer never keeps the
process alive once the run has given up on it. Every wait of a worker (a backoff, a pause of
the pace, a look-up after an ambiguous answer) goes through `sleep`, which wakes at once
when its run is stopping and raises `Interrupted`. Whatever a worker writes locally is
written atomically, so abandoning one leaves no half-written state behind.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# After Ctrl-C, how long workers may finish what they hold (a download being saved) before
# the run gives up on them. With the main thread's reaction, a run stops within 2 seconds.
GRACE = 1.5
_POLL = 0.1  # the main thread waits in short steps, so Ctrl-C is seen on Windows too

_local = threading.local()


class Interrupted(KeyboardInterrupt):
    """Raised in a worker whose run is stopping (Ctrl-C, or another worker's failure)."""


def _stop_event() -> threading.Event | None:
    event: threading.Event | None = getattr(_local, "stop", None)
    return event


def stopping() -> bool:
    """True in a worker whose run is stopping."""
    event = _stop_event()
    return event is not None and event.is_set()


def check() -> None:
    if stopping():
        raise Interrupted


def sleep(seconds: float) -> None:
    """`time.sleep`, except that a worker wakes at once (raising Interrupted) on a stop."""
    event = _stop_event()
    if event is None:
        time.sleep(max(0.0, seconds))  # the main thread: Ctrl-C interrupts it directly
    elif event.wait(max(0.0, seconds)):
        raise Interrupted


def run_parallel(
    fn: Callable[[T], R], items: Sequence[T], jobs: int, grace: float = GRACE
) -> list[R | None]:
    """`fn` over `items` in up to `jobs` daemon threads; results in order of `items`.

    The first exception a worker lets through stops the run: workers waiting in `sleep` wake,
    items not started are left (None), and the exception is raised here. Ctrl-C does the
    same, giving workers `grace` seconds to finish what they hold.
    """
    results: list[R | None] = [None] * len(items)
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(items)):
        todo.put(index)
    stop = threading.Event()
    failures: list[BaseException] = []

    def work() -> None:
        _local.stop = stop
        while not stop.is_set():
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            try:
                results[index] = fn(items[index])
            except BaseException as exc:  # handed to the caller below
                if not stop.is_set():
                    failures.append(exc)
                stop.set()
                return

    threads = [
        threading.Thread(target=work, name=f"sheetnilai-google-{n}", daemon=True)
        for n in range(max(1, min(jobs, len(items))))
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(_POLL)
    except KeyboardInterrupt:
        stop.set()
        deadline = time.monotonic() + grace
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        raise
    if failures:
        raise failures[0]
    return results


@contextlib.contextmanager
def second_ctrl_c_exits(notice: str) -> Iterator[None]:
    """While the block runs, the first Ctrl-C prints `notice` and stops the run in order
    (KeyboardInterrupt); a second one ends the process at once (the default SIGINT action).

    Only in the main thread, where Python handles signals; elsewhere a plain block.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def first(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        # os.write, not print: the handler may run while the main thread is inside a print.
        encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
        with contextlib.suppress(OSError):
            os.write(2, f"\n{notice}\n".encode(encoding, "replace"))
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
