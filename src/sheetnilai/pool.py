"""Worker processes for the work that is spread over the cores (reading unit workbooks,
writing them).

The parent process owns the run: it alone answers Ctrl-C and SIGTERM and ends its pool.
A worker therefore ignores Ctrl-C (the terminal sends it to the whole process group, and a
worker's own KeyboardInterrupt would print an English traceback), takes SIGTERM's default
action (the parent's handler is inherited through fork), and on Linux dies with its parent,
so a `kill -9` of the parent leaves no orphaned workers.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def _worker_init(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            return  # no prctl: the worker ends when its next read from the parent fails
        if os.getppid() != parent:  # the parent died before the line above took effect
            os._exit(1)


def process_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers, initializer=_worker_init, initargs=(os.getpid(),)
    )
