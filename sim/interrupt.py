"""Ctrl-C and SIGTERM end any command promptly, unwinding so that nothing is left half-written.

Click turns a ``KeyboardInterrupt`` into "Aborted!" and exit status 1, so the
console entry point (:func:`sim.cli.main`) installs :func:`handle_signals`:
the first Ctrl-C raises :class:`Interrupted` wherever the program is, which
unwinds every ``with`` block (an output folder being written aside is
removed, worker pools are shut down) and ends with status 130 (143 for
SIGTERM). A second Ctrl-C while that happens exits at once; any temporary
folder left then is removed by the next command writing there.

Python ignores an exception raised while a finalizer runs (a simpy process
generator being closed, say), so the signal is also remembered:
:func:`check`, called between replications, raises it again there.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Optional

_requested: Optional[int] = None
"""The signal that asked this process to stop, once one has (signals are process-wide state)."""


class Interrupted(BaseException):
    """The user stopped the command (Ctrl-C, or SIGTERM). Not an ``Exception``: nothing swallows it."""

    def __init__(self, signum: int):
        """``signum``: the signal that stopped the command (kept as the only argument, so that
        libraries that re-create an exception from its args, as simpy does, get it back whole)."""
        super().__init__(int(signum))
        self.status = 128 + int(signum)
        """The exit status a shell expects: 130 for SIGINT, 143 for SIGTERM."""

    def __str__(self) -> str:
        return signal.Signals(self.status - 128).name


def check() -> None:
    """Raise :class:`Interrupted` if a signal asked this process to stop (a safe point between steps)."""
    if _requested is not None:
        raise Interrupted(_requested)


def handle_signals() -> None:
    """Raise :class:`Interrupted` on the first SIGINT or SIGTERM; exit at once on a second one."""

    def handler(signum, frame):
        global _requested
        if _requested is not None:
            os._exit(128 + signum)
        _requested = signum
        raise Interrupted(signum)

    default_hook = sys.unraisablehook

    def unraisable(info):  # the signal landed in a finalizer: check() raises it again, say nothing here
        if not isinstance(info.exc_value, Interrupted):
            default_hook(info)

    sys.unraisablehook = unraisable
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
