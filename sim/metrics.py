"""Per-replication milestones and gaps from a coverage series, and their summaries."""

from __future__ import annotations

import numpy as np


def first_day(coverage: np.ndarray, threshold: float) -> np.ndarray:
    """First day each series reaches ``threshold`` (NaN where never); ``coverage`` is (..., H)."""
    hit = coverage >= threshold - 1e-12
    day = np.argmax(hit, axis=-1).astype(float)
    day[~hit.any(axis=-1)] = np.nan
    return day


def gaps(coverage: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Days below ``threshold`` after first reaching it, and the longest such run, per series.

    Series that never reach the threshold have no gaps (0, 0): they never had the capability to lose.
    """
    below = coverage < threshold - 1e-12
    reached = np.maximum.accumulate(~below, axis=-1)
    gap = below & reached
    total = gap.sum(axis=-1).astype(float)
    # longest run of gap days: days since the last non-gap day, at its largest
    day = np.arange(gap.shape[-1])
    last_ok = np.maximum.accumulate(np.where(gap, -1, day), axis=-1)
    longest = np.where(gap, day - last_ok, 0).max(axis=-1).astype(float)
    return total, longest


def spread(values: np.ndarray) -> dict:
    """Median, p05 and p95 of per-replication values; NaN (never reached) counts as infinitely late.

    A statistic that falls on a replication that never got there is reported as ``None``.
    """
    v = np.where(np.isnan(values), np.inf, np.asarray(values, dtype=float))
    out = {}
    for name, q in (("median", 50), ("p05", 5), ("p95", 95)):
        x = float(np.percentile(v, q, method="inverted_cdf")) if v.size else float("inf")
        out[name] = None if not np.isfinite(x) else round(x, 3)
    out["reached"] = float(np.mean(np.isfinite(v))) if v.size else 0.0
    return out
