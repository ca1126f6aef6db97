"""Daily series from a trace's event log, built with numpy.

The state on day ``d`` is the state after every event at a time ``t <= d``
(an arrival at day 10.3 counts from day 11). Events are binned with
``ceil(t)`` and accumulated with ``bincount`` and ``cumsum``: the cost is one
pass over the events plus one over the days, whatever the number of events.
"""

from __future__ import annotations

import numpy as np

from .vocabulary import LEVELS


def daily_states(times: np.ndarray, rows: np.ndarray, deltas: np.ndarray, n_rows: int, horizon: int) -> np.ndarray:
    """Amount in each row on days ``0 .. horizon-1``: shape ``(n_rows, horizon)``."""
    day = np.ceil(times).astype(np.int64)
    keep = day < horizon
    used, compact = np.unique(rows[keep], return_inverse=True)  # only rows that ever change
    totals = np.bincount(compact * horizon + day[keep], weights=deltas[keep], minlength=len(used) * horizon)
    series = np.cumsum(totals.reshape(len(used), horizon), axis=1)
    series[np.abs(series) < 1e-9] = 0.0
    out = np.zeros((n_rows, horizon))
    out[used] = series
    return out


def daily_levels(changes: list[tuple[float, str]], horizon: int) -> np.ndarray:
    """Backstop level (index on the ladder) in force on each day."""
    out = np.empty(horizon, dtype=np.int64)
    for t, level in changes:
        out[int(np.ceil(t)) :] = LEVELS.index(level)
    return out
