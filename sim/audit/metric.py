"""The outcome an audit or a goal search reads, by name: a thin view of :mod:`sim.outcomes`.

Names: ``mean_coverage`` (share of the requirement met, averaged over the
horizon), ``p_ioc_by_<D>`` and ``p_foc_by_<D>`` (share of replications that
reach initial / full operating capability by day D), ``gap_days`` and
``longest_gap`` (days below IOC after first reaching it). Outcomes aggregated
by a median (``ioc_day``, ``foc_day``) are left out: a median that falls on a
replication that never gets there has no value to analyse.

Values, aggregation and 95% intervals (Student t for means, Wilson for shares)
are :mod:`sim.outcomes`'; this module adds what the audit and goal need on top:
the per-replication values from the sweep engine's (metrics, reps) arrays,
which direction is better, and words for the terminal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import outcomes
from ..sweep.worker import METRICS

NAMES = ("mean_coverage", "p_ioc_by_<D>", "p_foc_by_<D>", "gap_days", "longest_gap", "sustainable_coverage")
_LOWER_IS_BETTER = ("gap_days", "longest_gap")


class UnknownMetric(ValueError):
    """A metric name that is not one of :data:`NAMES`."""


@dataclass(frozen=True)
class Metric:
    """An outcome of one component, by name."""

    name: str

    def __post_init__(self):
        try:
            kind = outcomes.outcome(self.name).kind
        except ValueError:
            kind = None
        if kind not in ("mean", "probability") or self.name.endswith("_median"):
            raise UnknownMetric(
                f"unknown metric {self.name!r}; expected one of mean_coverage, p_ioc_by_<DAY>, p_foc_by_<DAY>, "
                "gap_days, longest_gap, sustainable_coverage"
            )

    @property
    def outcome(self) -> outcomes.Outcome:
        """The declared outcome."""
        return outcomes.outcome(self.name)

    @property
    def probability(self) -> bool:
        """Whether the metric is a share of replications (a 0/1 indicator per replication)."""
        return self.outcome.kind == "probability"

    @property
    def higher_is_better(self) -> bool:
        """Coverage and the chance of a milestone are better high; gap days are better low."""
        return self.name not in _LOWER_IS_BETTER

    def per_rep(self, values: np.ndarray) -> np.ndarray:
        """Per-replication values from a (metrics, reps) array ordered as ``sim.sweep.worker.METRICS``."""
        return self.outcome.values(dict(zip(METRICS, np.asarray(values, dtype=float))))

    def estimate(self, per_rep: np.ndarray) -> tuple[float, float, float]:
        """The aggregate and its 95% interval (NaN where undefined, e.g. one replication)."""
        o = self.outcome
        est = o.estimate(per_rep)
        lo, hi = o.interval(per_rep)
        return tuple(math.nan if v is None else float(v) for v in (est, lo, hi))

    def describe(self, component: str) -> str:
        """Words for the metric of ``component`` (``P(sky FOC by day 180)``)."""
        if self.probability:
            _, level, _, day = self.name.split("_")
            return f"P({component} {level.upper()} by day {day})"
        if self.name == "mean_coverage":
            return f"mean {component} coverage"
        return f"{component} {self.name.replace('_', ' ')}"
