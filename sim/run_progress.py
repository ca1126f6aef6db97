"""The progress bar of ``coalition-sim run`` (rich, on stderr, only on a terminal, only for long runs)."""

from __future__ import annotations

import contextlib
import os
import time
from typing import Callable, Iterator, Optional

SHOW_AFTER_S = 2.0
"""A run projected to take longer than this (from its first batch) shows a bar."""


@contextlib.contextmanager
def run_progress(quiet: bool = False) -> Iterator[Optional[Callable[[int, int], None]]]:
    """Yield a ``progress(done, total)`` callback for :func:`sim.runner.run`, or None.

    Nothing is shown when ``quiet``, when stderr is not a terminal, or when the
    first batch of replications says the whole run takes less than
    :data:`SHOW_AFTER_S` seconds (``$COALITION_SIM_PROGRESS_AFTER_S`` overrides it).
    """
    from rich.console import Console

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    after = float(os.environ.get("COALITION_SIM_PROGRESS_AFTER_S", SHOW_AFTER_S))
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar: Optional[Progress] = None
    task = None
    started = time.perf_counter()

    def update(done: int, total: int) -> None:
        nonlocal bar, task
        if bar is None:
            elapsed = time.perf_counter() - started
            if done <= 0 or elapsed / done * total < after:
                return
            bar = Progress(
                TextColumn("replications"), BarColumn(), MofNCompleteColumn(), TextColumn("left"),
                TimeRemainingColumn(), console=console, transient=True,
            )
            bar.start()
            task = bar.add_task("run", total=total)
        bar.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()
