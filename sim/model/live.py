"""Coverage at this instant, by the reported series' formula, surges included.

Phase gates read it while the simulation runs (:mod:`sim.model.phases`); the reported daily
series compute the same formula after the run (:mod:`sim.coverage`). For each component::

    coverage = min(1, in_place x scale x enabler factor / (1 + surges in force))

where ``scale`` is availability x unit value / requirement (worked out once per scenario,
:class:`sim.model.replication.Plan`) and the enabler factor comes from the shares provided now
(:class:`sim.model.enablers.Enablers`). A ``violations`` surge raises the requirement on whole
days, ``ceil(start)`` to ``ceil(start + days) - 1`` (:func:`sim.model.shocks.surge_days`), as the
daily requirement series does. The object owns the surges in force and the list of every surge;
``listeners(t, component)`` hear each change of the live requirement. It runs on a bare
:class:`simpy.Environment` with a ledger and an :class:`Enablers`.
"""

from __future__ import annotations

from typing import Callable

import simpy

from .. import effects
from .enablers import Enablers
from .ledger import Ledger
from .shocks import surge_days


class LiveCoverage:
    """Each component's coverage now, and the live requirement the surges raise."""

    def __init__(self, env: simpy.Environment, ledger: Ledger, enablers: Enablers,
                 live: dict[str, tuple[float, tuple[tuple[str, float], ...]]]):
        self.env = env
        self.ledger = ledger
        self.enablers = enablers
        self.params = enablers.params
        self.live = live  # component -> (scale, its enablers' effects)
        self.surge_now: dict[str, float] = {}  # requirement raised by surges in force, as a fraction of the base
        self.surges: list[tuple[str, float, float, float]] = []  # (component, start, days, size) of every surge
        self.listeners: list[Callable[[float, str], None]] = []

    def relevant(self, component: str) -> set[str]:
        """What the coverage of ``component`` reads: itself and the enablers with an effect on it."""
        return {component} | {e for e, _ in self.live[component][1]}

    def now(self, component: str) -> float:
        """Coverage of ``component`` at this instant."""
        scale, missing = self.live[component]
        shares = {enabler: self.enablers.share(enabler) for enabler, _ in missing}
        factor = effects.component_factor(component, shares, self.params)
        surge = 1.0 + self.surge_now.get(component, 0.0)
        return min(1.0, self.ledger.amount(component, "in_place") * scale * factor / surge)

    def add_surge(self, component: str, start: float, days: float, size: float, live: bool) -> None:
        """Record a surge; where someone reads the live requirement (``live``), raise it while it lasts."""
        self.surges.append((component, start, days, size))
        if live:
            self.env.process(self._surge(component, start, days, size))

    def _surge(self, component: str, start: float, days: float, size: float):
        on, off = surge_days(start, days)
        yield self.env.timeout(max(0.0, on - self.env.now))
        self.surge_now[component] = self.surge_now.get(component, 0.0) + size
        self._changed(component)
        yield self.env.timeout(off - on)
        self.surge_now[component] -= size
        self._changed(component)

    def _changed(self, component: str) -> None:
        for listener in self.listeners:
            listener(self.env.now, component)
