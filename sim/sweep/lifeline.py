"""Worker processes end when the process that started them dies, even by ``kill -9``.

A pool's workers cannot rely on their pipes for this: each holds both ends of
its task queue, and with the forkserver start method their parent is the
fork server, which lives as long as they do. So every worker started by a
sweep watches the main process itself: :func:`watch` starts a daemon thread
that checks a few times a second that the main process (same process id and
same start time, so a reused id does not fool it) is still running and not a
zombie, and ends the worker at once when it is not.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Optional

from ..output import pid_exists

INTERVAL_S = 0.2


def start_token(pid: int) -> Optional[str]:
    """The start time of process ``pid`` (Linux ``/proc``), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return fields[19].decode()
    except (OSError, IndexError):
        return None


def is_running(pid: int, token: Optional[str] = None) -> bool:
    """True while ``pid`` runs (a zombie counts as dead) and, if given, has start time ``token``."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel whether the id exists
        return pid_exists(pid)
    if fields[0] in (b"Z", b"X"):
        return False
    return token is None or fields[19].decode() == token


def watch(main_pid: int, token: Optional[str], interval: float = INTERVAL_S) -> None:
    """In a worker: end this process as soon as the main process ``main_pid`` is gone."""

    def loop() -> None:
        while is_running(main_pid, token):
            time.sleep(interval)
        os._exit(70)  # no cleanup to run: the results had nowhere left to go

    threading.Thread(target=loop, name="coalition-sim-lifeline", daemon=True).start()


def here() -> tuple[int, Optional[str]]:
    """This process's id and start time: what its workers watch."""
    pid = os.getpid()
    return pid, start_token(pid)
