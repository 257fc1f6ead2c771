"""Many cases on all the machine's cores: each case in a worker process, each result reported as it comes.

One case cannot harm another: every case is assembled on its own (``assemble`` publishes each drafts folder
atomically and cleans up after itself), a case that raises is reported by the caller's job function, and a
worker that dies outright (a crash, the out-of-memory killer) breaks only the round it was in: the cases
that had not finished run again, each in a process of its own, so only the case that kills its worker is
lost. Workers are forked after the law data is loaded, so they share it and start at once, and they die
with the run (``PR_SET_PDEATHSIG`` on Linux), so a killed run leaves no worker behind. Each worker keeps one
LibreOffice running for the PDFs of all its cases (``warm_pdf``).
"""
from __future__ import annotations

import os
import signal
import sys
from typing import Any, Callable, Sequence

from .warm_pdf import open_process_session

WORKER_DIED = "the worker process assembling this case stopped unexpectedly"


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _start_worker() -> None:
    """Linux: the kernel sends this worker SIGTERM when the run that forked it dies, even by SIGKILL. Every case
    the worker assembles shares one warm LibreOffice for its PDFs (started on first use, stopped at exit)."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):
            pass
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C reaches the whole group: workers stop at once
    open_process_session()


def _context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def run_jobs(job: Callable[..., Any], items: Sequence[tuple], workers: int,
             on_done: Callable[[int, Any], None], on_lost: Callable[[int], None]) -> None:
    """``job(*items[i])`` for every i, on ``workers`` processes; ``on_done(i, result)`` as each finishes, and
    ``on_lost(i)`` for an item whose worker died while running it alone. ``job`` must be a module-level function
    (it is looked up by name in the worker) that returns a picklable result and handles its own errors."""
    pending = list(range(len(items)))
    alone = False
    while pending:
        rounds = [pending] if not alone else [[i] for i in pending]
        pending = []
        for batch in rounds:
            pending += _round(job, items, batch, 1 if alone else workers, on_done)
        if alone:
            for i in pending:
                on_lost(i)
            return
        alone = True


def _round(job, items, indexes: list[int], workers: int, on_done) -> list[int]:
    """Run ``indexes`` on one pool; the ones left unfinished when a worker died."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait  # only a batch needs them
    from concurrent.futures.process import BrokenProcessPool

    unfinished: list[int] = []
    pool = ProcessPoolExecutor(max_workers=min(workers, len(indexes)), mp_context=_context(),
                               initializer=_start_worker)
    try:
        futures = {pool.submit(job, *items[i]): i for i in indexes}
        waiting = set(futures)
        while waiting:
            done, waiting = wait(waiting, return_when=FIRST_COMPLETED)
            for future in done:
                i = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    unfinished.append(i)
                    continue
                on_done(i, result)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return sorted(unfinished)
