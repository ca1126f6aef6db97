"""Shocks: withdrawals, reinforcements and ceasefire violations.

* A ``withdraw`` event takes a country out on a day, or at an exponential time
  whose rate gives the stated yearly probability (``-ln(1 - p) / 365`` per day).
  Every unit of the country, wherever it is, moves to ``withdrawn``.
* A ``reinforce`` event adds units to an approved, still present country's
  contingent; they move and arrive like any other.
* ``violations`` arrive as a Poisson process; each raises a component's
  requirement for some days. The arrival times are drawn in the simulation
  and turned into a requirement series after it (:func:`requirement_series`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .replication import World


def withdrawal_day(world: "World", country: str, yearly_probability: float, key: str) -> float:
    """Day ``country`` withdraws: exponential with the rate that gives the yearly probability (inf if 0)."""
    if yearly_probability <= 0:
        return math.inf
    rate = -math.log(1.0 - yearly_probability) / 365.0
    return world.streams.rng(country, "withdraw", key).exponential(1.0 / rate)


def violation_times(world: "World", key: str, rate_per_year: float) -> list[float]:
    """Poisson arrival days of the ``violations`` event keyed ``key`` (its content), up to the horizon."""
    if rate_per_year <= 0:
        return []
    stream = world.streams.rng("violations", key)
    times, t = [], 0.0
    while True:
        t += stream.exponential(365.0 / rate_per_year)
        if t >= world.horizon:
            return times
        times.append(t)


def surge_days(start: float, days: float) -> tuple[int, int]:
    """First day a surge raises the requirement and the day it no longer does (daily resolution)."""
    return int(math.ceil(start)), int(math.ceil(start + days))


def requirement_series(base: np.ndarray, comps: tuple[str, ...], surges: list[tuple[str, float, float, float]]) -> np.ndarray:
    """Daily requirement (C, H): ``base`` raised by each (component, start, days, surge) while it lasts."""
    req = base.copy()
    H = req.shape[1]
    for comp, start, days, surge in surges:
        i = comps.index(comp)
        a, b = surge_days(start, days)
        b = min(H, b)
        if a < H:
            req[i, a:b] += base[i, a:b] * surge
    return req
