"""Daily series from a trace's event log, built with numpy.

The state on day ``d`` is the state after every event at a time ``t <= d``
(an arrival at day 10.3 counts from day 11). Events are binned with
``ceil(t)`` and accumulated with ``bincount`` and ``cumsum``: the cost is one
pass over the events plus one over the days of the rows that change,
whatever the number of events. Rows that never change are never built.
"""

from __future__ import annotations

import numpy as np

from .vocabulary import LEVELS


class DailyStates:
    """Daily amounts of every (row, batch member) pair; ``self[row]`` is an array (B, H)."""

    def __init__(self, times: np.ndarray, rows: np.ndarray, deltas: np.ndarray, members: np.ndarray,
                 n_rows: int, n_members: int, horizon: int):
        day = np.ceil(times).astype(np.int64)
        keep = day < horizon
        key = rows[keep] * n_members + members[keep]  # row-major: all members of a row together
        used, compact = np.unique(key, return_inverse=True)
        totals = np.bincount(compact * horizon + day[keep], weights=deltas[keep], minlength=len(used) * horizon)
        series = np.cumsum(totals.reshape(len(used), horizon), axis=1)
        series[np.abs(series) < 1e-9] = 0.0
        self._series, self._used = series, used
        self._n_members, self._horizon = n_members, horizon
        self._zeros = np.zeros((n_members, horizon))
        self._zeros.flags.writeable = False

    def __getitem__(self, row: int) -> np.ndarray:
        lo, hi = np.searchsorted(self._used, [row * self._n_members, (row + 1) * self._n_members])
        if lo == hi:
            return self._zeros
        out = np.zeros((self._n_members, self._horizon))
        out[self._used[lo:hi] - row * self._n_members] = self._series[lo:hi]
        return out


def daily_states(times: np.ndarray, rows: np.ndarray, deltas: np.ndarray, n_rows: int, horizon: int) -> np.ndarray:
    """Amount in each row on days ``0 .. horizon-1`` for one trace: shape ``(n_rows, horizon)``."""
    states = DailyStates(times, rows, deltas, np.zeros(len(rows), dtype=np.int64), n_rows, 1, horizon)
    return np.stack([states[r][0] for r in range(n_rows)])


def daily_levels(changes: list[tuple[float, str]], horizon: int) -> np.ndarray:
    """Backstop level (index on the ladder) in force on each day."""
    out = np.empty(horizon, dtype=np.int64)
    for t, level in changes:
        out[int(np.ceil(t)) :] = LEVELS.index(level)
    return out
