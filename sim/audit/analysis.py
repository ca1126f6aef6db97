"""Sampling and analysis with SALib: Morris elementary effects and Sobol indices.

The problem is the factors' names and ranges. Morris samples ``trajectories``
one-at-a-time paths over a 4-level grid (``(k + 1) x trajectories`` points);
Sobol samples ``samples`` Sobol-sequence base points crossed into
``samples x (k + 2)`` points (first and total order, no second order).
Everything random (SALib's sampling and bootstrap) is seeded from the audit's
seed, so an audit is reproducible.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from .space import Factor

Method = Literal["morris", "sobol"]
NUM_LEVELS = 4
RESAMPLES = 1000

COLUMNS = {
    "morris": ("mu_star", "mu_star_conf", "sigma"),
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
}
"""The statistics each method reports per factor (the columns of ``audit.csv`` after the factor's)."""


def problem(factors: list[Factor]) -> dict:
    """SALib's problem: names and bounds of the factors."""
    return {
        "num_vars": len(factors),
        "names": [f.path for f in factors],
        "bounds": [[float(f.low), float(f.high)] for f in factors],
    }


def design(method: Method, factors: list[Factor], size: int, seed: int) -> np.ndarray:
    """The design matrix (points x factors): ``size`` trajectories (Morris) or base samples (Sobol)."""
    prob = problem(factors)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(prob, size, num_levels=NUM_LEVELS, seed=seed)
    from SALib.sample import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib warns when size is not a power of two; the user chose it
        return sobol.sample(prob, size, calc_second_order=False, seed=seed)


def points_needed(method: Method, n_factors: int, size: int) -> int:
    """How many points a design of ``size`` has for ``n_factors`` factors."""
    return size * (n_factors + 1) if method == "morris" else size * (n_factors + 2)


def analyse(method: Method, factors: list[Factor], X: np.ndarray, Y: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """Sensitivity statistics of output ``Y`` (one value per design row), by column of :data:`COLUMNS`.

    A constant output has no sensitivity to anything: every statistic is 0.
    """
    prob = problem(factors)
    Y = np.asarray(Y, dtype=float)
    k = len(factors)
    if np.ptp(Y) == 0:
        return {col: np.zeros(k) for col in COLUMNS[method]}
    if method == "morris":
        from SALib.analyze import morris

        si = morris.analyze(prob, X, Y, num_resamples=RESAMPLES, conf_level=0.95, num_levels=NUM_LEVELS, seed=seed)
        return {col: np.nan_to_num(np.asarray(si[col], dtype=float)) for col in COLUMNS[method]}
    from SALib.analyze import sobol

    si = sobol.analyze(prob, Y, calc_second_order=False, num_resamples=RESAMPLES, conf_level=0.95, seed=seed)
    return {col: np.nan_to_num(np.asarray(si[col], dtype=float)) for col in COLUMNS[method]}
