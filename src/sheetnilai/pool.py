"""Worker processes for the work that is spread over the cores (reading unit workbooks,
writing them).

The parent process owns the run: it alone answers Ctrl-C and SIGTERM and ends its pool.
A worker therefore ignores Ctrl-C (the terminal sends it to the whole process group, and a
worker's own KeyboardInterrupt would print an English traceback), takes SIGTERM's default
action (the parent's handler is inherited through fork), and on Linux dies with its parent,
so a `kill -9` of the parent leaves no orphaned workers.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def _worker_init(parent: int, setup: Callable[..., None] | None, args: tuple[object, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # What the worker inherited from the parent (a sync pass has loaded every stored output
    # before it reads the changed workbooks) is never garbage here: frozen, the collector
    # never walks it, nor copies its pages by touching them. The parent may have paused its
    # collector (gc_paused); a worker that lives through hundreds of files needs its own.
    gc.freeze()
    gc.enable()
    if sys.platform == "linux":
        _die_with(parent)
    if setup is not None:
        setup(*args)


def _die_with(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return  # no prctl: the worker ends when its next read from the parent fails
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def process_pool(
    workers: int, setup: Callable[..., None] | None = None, args: tuple[object, ...] = ()
) -> ProcessPoolExecutor:
    """Worker processes that stop with the parent. `setup(*args)` runs once in each: what
    every task shares (a roster of thousands) travels once per worker, not once per task."""
    return ProcessPoolExecutor(
        max_workers=workers, initializer=_worker_init, initargs=(os.getpid(), setup, args)
    )


@contextlib.contextmanager
def gc_paused(promote: bool = False) -> Iterator[None]:
    """The cyclic garbage collector off while a stretch builds many objects that stay alive
    together (a workbook's cells, a run's result rows): every collection it would trigger
    walks all of them again and frees nothing, which cost a fifth of the checking time
    (bench/consolidate.py). Reference counting still frees everything as usual; cycles wait
    for the next collection after the stretch.

    `promote`: the objects the stretch made go to the oldest generation as it ends. Left
    young, the first allocation after it starts a collection that walks every one of them
    (a sixth of a second after a sync pass, bench/sinkron.py) and frees none; old, only a
    full collection looks at them, and by then the pass's results are usually gone. Only
    for a process that freezes nothing of its own (`gc.unfreeze` thaws all): the parent, not
    a worker (`_worker_init`)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if promote:
                gc.freeze()  # every tracked object out of the generations; young count 0
                gc.unfreeze()  # ...and back, into the oldest one
            gc.enable()
