"""The ledger: where every pledged unit is, recorded as events.

Every unit a country pledges is always in exactly one *state* of its
*target* (a component such as ``sky``, or an enabler such as ``tanker``).
Processes move units between states with :meth:`Ledger.move`; the ledger
appends each change to a flat event log (time, row, delta) and keeps the live
amounts that processes may read. Daily series are built from the log after
the run (:func:`sim.series.daily_states`): nothing wakes every simulated day.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from typing import Callable, Iterable

import numpy as np

STATES: tuple[str, ...] = (
    "not_approved",  # undecided, declined, or condition not met
    "phase_wait",  # approved, waiting for its component to open
    "moving",  # readying, moving, or queued at a transit hub
    "in_place",  # in place and available
    "maintenance",  # in place, failed, waiting for or under repair
    "rotation_gap",  # tour ended, relief not yet arrived
    "straits",  # outside the Black Sea because of the Montreux rules
    "withdrawn",  # the country withdrew
)


_PACKED = 1 << 20
"""Longest log (in numbers) that :meth:`Ledger.log_arrays` packs in one call."""


@lru_cache(maxsize=64)
def _rows(targets: tuple[str, ...]) -> dict[tuple[str, str], int]:
    """Row of each (target, state) series: targets in order, each with every state of :data:`STATES`."""
    return {(target, state): i * len(STATES) + j for i, target in enumerate(targets) for j, state in enumerate(STATES)}


class Ledger:
    """Live amounts per (target, state) and the event log of their changes.

    Each change is logged as four numbers ``time, from_row, to_row, amount`` (``from_row`` -1 for
    units added), one after the other in one flat list (:meth:`entries` reads them back as tuples):
    a flat list of numbers leaves the cycle collector nothing to walk, where a tuple per change
    was a third of the objects it walked after each replication. :meth:`log_arrays` spells the log
    out as one (time, row, delta) entry per row touched, the source's before the destination's, in
    the order the changes happened.

    ``listeners(t, target)`` hear of every change to an amount *in place*: that is the only amount
    the simulation reads live (coverage and enabler shares); the other states are read from the log.
    """

    def __init__(self, targets: Iterable[str]):
        self.targets = tuple(targets)
        self.rows: dict[tuple[str, str], int] = _rows(self.targets)  # shared by ledgers of the same targets: read only
        self.live = [0.0] * len(self.rows)
        self.log: list[float] = []  # time, from_row, to_row, amount of each change, flat
        self.listeners: list[Callable[[float, str], None]] = []

    def row(self, target: str, state: str) -> int:
        """Index of the (target, state) series."""
        return self.rows[(target, state)]

    def add(self, t: float, target: str, state: str, amount: float) -> None:
        """Add ``amount`` units to ``state`` (a new pledge, or one scaled at decision time)."""
        if amount == 0:
            return
        r = self.rows[(target, state)]
        self.live[r] += amount
        self.log.extend((t, -1, r, amount))
        if state == "in_place":
            for listener in self.listeners:
                listener(t, target)

    def move(self, t: float, target: str, src: str, dst: str, amount: float) -> None:
        """Move ``amount`` units of ``target`` from state ``src`` to ``dst`` at time ``t``."""
        if amount == 0:
            return
        rows, live = self.rows, self.live
        a, b = rows[(target, src)], rows[(target, dst)]
        live[a] -= amount
        live[b] += amount
        self.log.extend((t, a, b, amount))
        if self.listeners and (src == "in_place" or dst == "in_place"):
            for listener in self.listeners:
                listener(t, target)

    def mover(self, target: str, where: dict[str, float] | None = None) -> Callable[[float, str, str, float], None]:
        """A ``move(t, src, dst, amount)`` for ``target`` alone: :meth:`move` with its rows looked up once.

        ``where`` (an owner's units per state, e.g. a contingent's) is kept in step with each move.
        Mechanisms that move one unit at a time (failures, ships) write through it.
        """
        rows = {state: self.rows[(target, state)] for state in STATES}
        ledger, live, log = self, self.live, self.log

        def move(t: float, src: str, dst: str, amount: float) -> None:
            if amount == 0:
                return
            a, b = rows[src], rows[dst]
            live[a] -= amount
            live[b] += amount
            log.extend((t, a, b, amount))
            if where is not None:
                where[src] = where.get(src, 0.0) - amount
                where[dst] = where.get(dst, 0.0) + amount
            if ledger.listeners and (src == "in_place" or dst == "in_place"):
                for listener in ledger.listeners:
                    listener(t, target)

        return move

    def entries(self) -> list[tuple[float, int, int, float]]:
        """The log as one ``(time, from_row, to_row, amount)`` tuple per change, in order."""
        log = self.log
        return list(zip(log[0::4], log[1::4], log[2::4], log[3::4]))

    def amount(self, target: str, state: str) -> float:
        """Units of ``target`` in ``state`` now."""
        return self.live[self.rows[(target, state)]]

    @property
    def times(self) -> np.ndarray:
        """Time of each log entry (see :meth:`log_arrays`)."""
        return self.log_arrays()[0]

    @property
    def row_log(self) -> np.ndarray:
        """Row of each log entry (see :meth:`log_arrays`)."""
        return self.log_arrays()[1]

    @property
    def deltas(self) -> np.ndarray:
        """Change of each log entry (see :meth:`log_arrays`)."""
        return self.log_arrays()[2]

    def log_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The log as ``(times, rows, deltas)``: a move is -amount on its source row, then +amount on its destination."""
        return spell_out(self.log_matrix())[:3]

    def log_matrix(self) -> np.ndarray:
        """The log as an ``(changes, 4)`` float array: time, from_row (-1 for units added), to_row, amount."""
        n = len(self.log)
        if n == 0:
            return np.zeros((0, 4))
        if n <= _PACKED:  # packed as C doubles in one call: a third faster than numpy reading the list item by item
            return np.frombuffer(struct.pack(f"{n}d", *self.log)).reshape(-1, 4)
        return np.fromiter(self.log, dtype=float, count=n).reshape(-1, 4)


def spell_out(log: np.ndarray, members: np.ndarray | None = None):
    """``(times, rows, deltas, members)`` of logged changes (:meth:`Ledger.log_matrix`): one entry per row touched.

    A move is -amount on its source row, then +amount on its destination; units added are one
    entry. ``members`` (one per change, e.g. the replication of each change of a batch's logs put
    end to end) is repeated alongside; without it the fourth array is None. The logs of several
    ledgers put end to end spell out as the concatenation of each one's entries.
    """
    if len(log) == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0), None if members is None else members[:0]
    moved = log[:, 1] >= 0
    counts = 1 + moved
    to = np.cumsum(counts) - 1
    fro = to[moved] - 1
    rows = np.empty(to[-1] + 1, dtype=np.int64)
    deltas = np.empty(to[-1] + 1)
    rows[to], deltas[to] = log[:, 2], log[:, 3]
    rows[fro], deltas[fro] = log[moved, 1], -log[moved, 3]
    return np.repeat(log[:, 0], counts), rows, deltas, None if members is None else np.repeat(members, counts)
