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


CHUNK = 1 << 17
"""Values summed as integers at a time by :func:`_cumsum_whole` (1 MiB: the chunk stays in cache)."""


def _whole(deltas: np.ndarray):
    """The integer type whole-number deltas can be summed in exactly, or None.

    None unless every delta is a whole number and the sizes of all add up to less than 2**53:
    then floats add them exactly whatever the order (each running sum is the integers' own), and
    so do integers of a type that holds that total (int32 below 2**31, else int64).
    """
    if not np.array_equal(deltas, np.round(deltas)):
        return None
    size = np.abs(deltas).sum()
    return np.int32 if size < 2.0**31 else np.int64 if size < 2.0**53 else None


def _cumsum_whole(series: np.ndarray, kind=np.int64) -> None:
    """``np.cumsum(series, axis=-1)`` in place for whole-number floats (see :func:`_whole`), as ``kind``.

    Integers are summed a few times faster than floats (the narrower, the faster), and a chunk at a
    time, so the integer copy reuses one small block instead of a fresh one as large as the series.
    """
    rows = series.reshape(-1, series.shape[-1])
    step = max(1, CHUNK // max(1, rows.shape[1]))
    for lo in range(0, rows.shape[0], step):
        part = rows[lo : lo + step]
        ints = part.astype(kind)
        np.cumsum(ints, axis=1, out=ints)
        part[...] = ints


class DailyStates:
    """Daily amounts of every (row, batch member) pair; ``self[row]`` is a read-only array (B, H)."""

    def __init__(self, times: np.ndarray, rows: np.ndarray, deltas: np.ndarray, members: np.ndarray,
                 n_rows: int, n_members: int, horizon: int, needed: np.ndarray | None = None):
        """``needed`` (bool per row, default all): rows that will be read; the others are left as zeros."""
        day = np.ceil(times).astype(np.int64)
        keep = day < horizon
        if needed is not None:
            keep &= needed[rows]
        rows, members, day, deltas = rows[keep], members[keep], day[keep], deltas[keep]
        # rows that change get a block of n_members x horizon days; the others share one of zeros
        changed = np.bincount(rows, minlength=n_rows) > 0
        index = np.cumsum(changed) - 1
        n_used = int(index[-1]) + 1 if n_rows else 0
        key = (index[rows] * n_members + members) * horizon + day
        totals = np.bincount(key, weights=deltas, minlength=n_used * n_members * horizon)
        series = totals.reshape(n_used, n_members, horizon)
        kind = _whole(deltas)
        if kind is not None:  # whole units add up exactly, in any order: summed as integers, nothing to clean
            _cumsum_whole(series, kind)
        else:
            np.cumsum(series, axis=2, out=series)  # in place: a second block as large would be fresh pages to fault in
            series[np.abs(series) < 1e-9] = 0.0
        series.flags.writeable = False
        self._series, self._index, self._changed = series, index, changed
        self._zeros = np.zeros((n_members, horizon))
        self._zeros.flags.writeable = False

    def __getitem__(self, row: int) -> np.ndarray:
        return self._series[self._index[row]] if self._changed[row] else self._zeros


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
