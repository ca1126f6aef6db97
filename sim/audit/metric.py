"""A scenario outcome by name, per replication, with its mean and a 95% interval.

Names: ``mean_coverage`` (share of the requirement met, averaged over the
horizon), ``p_ioc_by_<D>`` and ``p_foc_by_<D>`` (share of replications that
reach initial / full operating capability by day D), ``gap_days`` (days below
IOC after first reaching it). Per replication a metric is a number (a 0/1
indicator for the ``p_`` metrics); over replications it is their mean.

This is the one place audit and goal read outcomes; it takes the per-replication
arrays the sweep engine's workers return (``sim.sweep.worker.METRICS``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ..sweep.worker import METRICS

_PATTERN = re.compile(r"^(mean_coverage|gap_days|p_(ioc|foc)_by_(\d+))$")
NAMES = ("mean_coverage", "p_ioc_by_<D>", "p_foc_by_<D>", "gap_days")
Z95 = 1.959963984540054


class UnknownMetric(ValueError):
    """A metric name that is not one of :data:`NAMES`."""


@dataclass(frozen=True)
class Metric:
    """An outcome of one component, by name."""

    name: str

    def __post_init__(self):
        if not _PATTERN.match(self.name):
            raise UnknownMetric(
                f"unknown metric {self.name!r}; expected one of mean_coverage, p_ioc_by_<DAY>, p_foc_by_<DAY>, gap_days"
            )

    @property
    def probability(self) -> bool:
        """Whether the metric is a share of replications (a 0/1 indicator per replication)."""
        return self.name.startswith("p_")

    @property
    def higher_is_better(self) -> bool:
        """Coverage and the chance of a milestone are better high; gap days are better low."""
        return self.name != "gap_days"

    def per_rep(self, values: np.ndarray) -> np.ndarray:
        """Per-replication values from a (metrics, reps) array ordered as ``METRICS``."""
        row = dict(zip(METRICS, np.asarray(values, dtype=float)))
        m = _PATTERN.match(self.name)
        if m.group(2):
            day = row[f"{m.group(2)}_day"]
            return np.where(np.isnan(day), 0.0, (day <= int(m.group(3))).astype(float))
        return row[self.name]

    def estimate(self, per_rep: np.ndarray) -> tuple[float, float, float]:
        """Mean and 95% interval: Wilson's for a share, mean +- 1.96 standard errors otherwise."""
        x = np.asarray(per_rep, dtype=float)
        n = x.size
        if n == 0:
            return math.nan, math.nan, math.nan
        mean = float(x.mean())
        if self.probability:
            z2 = Z95**2
            centre = (mean + z2 / (2 * n)) / (1 + z2 / n)
            half = Z95 * math.sqrt(mean * (1 - mean) / n + z2 / (4 * n * n)) / (1 + z2 / n)
            return mean, max(0.0, centre - half), min(1.0, centre + half)
        half = Z95 * float(x.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
        return mean, mean - half, mean + half

    def describe(self, component: str) -> str:
        """Words for the metric of ``component`` (``P(sky FOC by day 180)``)."""
        m = _PATTERN.match(self.name)
        if m.group(2):
            return f"P({component} {m.group(2).upper()} by day {m.group(3)})"
        if self.name == "mean_coverage":
            return f"mean {component} coverage"
        return f"{component} gap days"
