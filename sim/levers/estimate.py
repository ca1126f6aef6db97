"""Outcomes by name and paired gains with 95% intervals, read through :mod:`sim.outcomes`.

A metric is any outcome of :mod:`sim.outcomes` (``mean_coverage``,
``p_ioc_by_<D>``, ``p_foc_by_<D>``, ``gap_days``, ``ioc_day_median``, ...),
computed per replication from the sweep engine's per-replication arrays. A
gain is the lever's outcome minus the baseline's over the same replications
(common random numbers) with the outcome's paired 95% interval: paired t for
means, the paired-proportion interval for probabilities, a paired bootstrap
for medians. A shift that is the same in every replication has an interval
collapsed on it.
"""

from __future__ import annotations

import math
from typing import NamedTuple, Optional

import numpy as np

from .. import outcomes
from ..sweep.worker import METRICS

__all__ = ["Gain", "Metric", "UnknownMetric", "gain", "per_rep"]

LOWER_IS_BETTER = frozenset({"gap_days", "longest_gap", "ioc_day", "foc_day"})


class UnknownMetric(ValueError):
    """A metric name that is not an outcome of :mod:`sim.outcomes`."""


class Metric:
    """An outcome by name, and which way is better."""

    def __init__(self, name: str):
        """Look ``name`` up in :mod:`sim.outcomes` (raises :class:`UnknownMetric`)."""
        try:
            self.outcome = outcomes.outcome(name)
        except ValueError as exc:
            raise UnknownMetric(str(exc)) from None
        self.name = name

    @property
    def higher_is_better(self) -> bool:
        """Coverage and the chance of a milestone are better high; days and gaps are better low."""
        return self.outcome.name not in LOWER_IS_BETTER

    @property
    def linear(self) -> bool:
        """Whether the aggregate is a mean over replications (so Shapley values can be taken per replication)."""
        return self.outcome.kind != "median"


class Gain(NamedTuple):
    """A lever's effect on one component: baseline and lever aggregates, the gain and its interval."""

    baseline: float
    value: float
    gain: float
    low: float
    high: float


def per_rep(metric: Metric, values: np.ndarray) -> np.ndarray:
    """The metric per replication from a (metrics, reps) array ordered as the sweep's ``METRICS``."""
    return metric.outcome.values(dict(zip(METRICS, np.asarray(values, dtype=float))))


def _num(x: Optional[float]) -> float:
    return math.nan if x is None else float(x)


def gain(metric: Metric, baseline: np.ndarray, lever: np.ndarray) -> Gain:
    """Paired gain of ``lever`` over ``baseline`` (per-replication values of the same replications)."""
    o = metric.outcome
    diff, low, high = o.paired(baseline, lever)
    return Gain(_num(o.estimate(baseline)), _num(o.estimate(lever)), _num(diff), _num(low), _num(high))


def mean_gain(values: np.ndarray) -> Gain:
    """Mean of per-replication values (a Shapley value) with its paired t interval; baseline 0."""
    diff, low, high = outcomes.outcome("mean_coverage").paired(np.zeros(len(values)), values)
    return Gain(0.0, _num(diff), _num(diff), _num(low), _num(high))
