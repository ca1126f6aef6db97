"""The Black Sea: the outside navies' squadrons, their shared tonnage and the log of their stays.

Each outside (non-littoral) navy's contingent in the Black Sea is a
:class:`~sim.model.montreux.Squadron`. The Black Sea gives each its place on the common Montreux
clock: the ``j``-th squadron to arrive takes the phase ``frac(j x 0.618...) x P`` (``P`` =
``max_stay_days + port_days``), golden-ratio turns that spread the stays of however many navies
evenly over the cycle. Where the ships the scenario could send might exceed the tonnage cap, the
squadrons share one :class:`simpy.Container` of free tonnage; every stay goes to one log
``(country, entered, left, tonnes)``.

It runs on a bare :class:`simpy.Environment` with the ``parameters.montreux`` rules.
"""

from __future__ import annotations

from typing import Callable, Optional

import simpy

from .montreux import Mover, MoverAt, Squadron

GOLDEN = (5 ** 0.5 - 1) / 2
"""Successive multiples of this fraction spread evenly over a cycle (the golden-ratio sequence)."""


class BlackSea:
    """The outside navies under the Montreux rules in one replication."""

    def __init__(self, env: simpy.Environment, rules, cap_binds: bool = True):
        self.env = env
        self.rules = rules
        self.cap_binds = cap_binds  # whether the ships that could come might ever exceed the cap
        self.tonnage = simpy.Container(env, capacity=rules.tonnage_cap, init=rules.tonnage_cap)
        self.log: list[tuple[str, float, float, float]] = []  # (country, entered, left, tonnes) per stay
        self.navies = 0  # squadrons arrived so far (each takes its turn on the Montreux clock)

    def phase(self, j: int) -> float:
        """Phase on the Montreux clock of the ``j``-th squadron to arrive."""
        return (j * GOLDEN % 1.0) * (self.rules.max_stay_days + self.rules.port_days)

    def squadron(self, country: str, ships: int, tonnage: float, mover: Mover,
                 failures: Optional[tuple[float, float, int, int]] = None,
                 streams: Optional[Callable[[int], object]] = None,
                 mover_at: Optional[MoverAt] = None,
                 watched: Callable[[], bool] = lambda: False) -> Squadron:
        """The ships of a navy's contingent that has just arrived, with the next phase.

        ``mover_at`` and ``watched`` let the squadron play its ships lazily where nothing reads them
        live (:class:`~sim.model.montreux.Squadron`).
        """
        j = self.navies
        self.navies += 1
        return Squadron(
            self.env, self.rules, country, ships, tonnage, mover,
            tonnage_pool=self.tonnage if self.cap_binds else None,
            log=self.log,
            failures=failures,
            streams=streams,
            phase=self.phase(j),
            mover_at=mover_at,
            watched=watched,
        )
