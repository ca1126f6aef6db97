"""Outcomes by name and paired gains with 95% intervals: the one place levers read numbers.

The metric names are those of :mod:`sim.audit.metric` (``mean_coverage``,
``p_ioc_by_<D>``, ``p_foc_by_<D>``, ``gap_days``), computed per replication
from the sweep engine's per-replication arrays. A gain is the mean of the
paired differences (lever minus baseline, replication by replication under
common random numbers) with mean +- 1.96 standard errors of those
differences; a shift that is the same in every replication has an interval
collapsed on it.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..audit.metric import Metric, UnknownMetric

__all__ = ["Gain", "Metric", "UnknownMetric", "gain", "per_rep"]

Z95 = 1.959963984540054


class Gain(NamedTuple):
    """A lever's effect on one component: baseline and lever means, the gain and its interval."""

    baseline: float
    value: float
    gain: float
    low: float
    high: float


def per_rep(metric: Metric, values: np.ndarray) -> np.ndarray:
    """The metric per replication from a (metrics, reps) array ordered as the sweep's ``METRICS``."""
    return np.asarray(metric.per_rep(values), dtype=float)


def gain(baseline: np.ndarray, lever: np.ndarray) -> Gain:
    """Paired gain of ``lever`` over ``baseline`` (per-replication values of the same replications)."""
    base, value = np.asarray(baseline, dtype=float), np.asarray(lever, dtype=float)
    d = value - base
    mean = float(d.mean())
    half = Z95 * float(d.std(ddof=1)) / math.sqrt(d.size) if d.size > 1 else 0.0
    return Gain(float(base.mean()), float(value.mean()), mean, mean - half, mean + half)
