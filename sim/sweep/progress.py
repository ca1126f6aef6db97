"""A rich progress bar for sweeps: points done, replications per second, time left."""

from __future__ import annotations

import contextlib
from typing import Iterator, Optional

from .run import Progress


@contextlib.contextmanager
def progress_bar(quiet: bool = False) -> Iterator[Optional[Progress]]:
    """Yield a progress callback for :func:`sim.sweep.run.run_sweep` (None when ``quiet``)."""
    if quiet:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("points"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task = bar.add_task("sweep", total=None, rate="")

    started = False

    def update(done: int, total: int, reps: int, elapsed: float) -> None:
        nonlocal started
        rate = f"{reps / elapsed:,.0f} reps/s" if elapsed > 0 and reps else ""
        if not started:  # points kept by --resume are not progress: start the speed estimate from them
            bar.reset(task, completed=done, total=total, rate=rate)
            started = True
        else:
            bar.update(task, completed=done, total=total, rate=rate)

    with bar:
        yield update
